"""Checks on uploaded case photos: size and real image type (not the name or the browser's claim)."""

from __future__ import annotations

import warnings

from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from lib.errors import DomainError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
# More pixels than any camera of today, far fewer than a few bytes of PNG can claim ("decompression
# bomb": a small file that takes gigabytes to open).
MAX_PHOTO_PIXELS = 40_000_000
# Pillow's format name -> the content type we serve it with.
ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def check_photo(upload: UploadedFile) -> str:
    """The photo's content type, or a ``DomainError`` saying what is wrong with it."""
    from PIL import Image, UnidentifiedImageError

    if upload.size is not None and upload.size > MAX_PHOTO_BYTES:
        raise DomainError(
            _("The photo is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_PHOTO_BYTES)}
        )
    too_large = _("The photo has too many pixels; the limit is %(limit)d megapixels.") % {
        "limit": MAX_PHOTO_PIXELS // 1_000_000
    }
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                kind = image.format
                width, height = image.size
                if width * height > MAX_PHOTO_PIXELS:
                    raise DomainError(too_large)
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise DomainError(too_large) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise DomainError(_("This file is not a photo Brug can show: use JPEG, PNG or WebP.")) from error
    finally:
        upload.seek(0)
    if kind not in ALLOWED_FORMATS:
        raise DomainError(_("This file is not a photo Brug can show: use JPEG, PNG or WebP."))
    return ALLOWED_FORMATS[kind]
