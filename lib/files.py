"""Files through Django's storage API only: they may live in a folder, on shared storage or in an
S3-compatible bucket, so nothing may assume a local path (no ``.path``, no ``open()`` on MEDIA_ROOT)."""

from __future__ import annotations

import base64
import mimetypes
from typing import Any


def data_uri(file: Any) -> str:
    """A stored file (a FieldFile) as a data: URI, for PDFs that may fetch nothing; '' when absent or gone."""
    if not file:
        return ""
    try:
        with file.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        return ""
    mime = mimetypes.guess_type(file.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"
