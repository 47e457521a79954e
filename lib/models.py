"""Abstract model pieces shared by Brug's apps."""

import uuid

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class PublicIdModel(models.Model):
    """An opaque id for URLs, so that row counts and order do not leak."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """A version number that every write bumps, for refusing lost updates."""

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class BilingualTerm(models.Model):
    """A controlled vocabulary entry named in Dutch and English."""

    slug = models.SlugField(unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        abstract = True
        ordering = ["name_nl"]

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl

    def __str__(self) -> str:
        return self.name
