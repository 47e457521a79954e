"""The neighbourhood campus: what a campus opens to its neighbourhood, who asks to use it,
and the neighbourhood's network events the institution attends.

The campus itself, its location, neighbourhood (radius or drawn area) and anchor live on
``network.Campus``; this app adds what happens around it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.visibility import VisibleQuerySet
from lib.models import PublicIdModel, VersionedModel
from network.models import Campus, Organisation, Person
from places.access import booking_scope, facility_scope, neighbourhood_event_scope


class FacilityQuerySet(VisibleQuerySet["Facility"]):
    visibility = facility_scope

    def public(self) -> FacilityQuerySet:
        return self.filter(is_public=True)


class Facility(PublicIdModel, VersionedModel):
    """Something the institution opens to the neighbourhood: a room, a sports hall, a kitchen, equipment."""

    class Kind(models.TextChoices):
        ROOM = "room", _("Room")
        SPORTS_HALL = "sports_hall", _("Sports hall")
        KITCHEN = "kitchen", _("Kitchen")
        EQUIPMENT = "equipment", _("Equipment")
        OTHER = "other", _("Other")

    campus = models.ForeignKey(Campus, on_delete=models.CASCADE, related_name="facilities", verbose_name=_("campus"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ROOM)
    capacity = models.PositiveIntegerField(_("capacity (people)"), default=20)
    conditions_nl = models.TextField(_("conditions (Dutch)"), blank=True)
    conditions_en = models.TextField(_("conditions (English)"), blank=True)
    is_public = models.BooleanField(
        _("open to requests from the neighbourhood"),
        default=True,
        help_text=_("Shown on the public page of the campus, where residents and groups can ask to use it."),
    )

    objects = FacilityQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        indexes = [models.Index(fields=["campus", "is_public", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def conditions(self) -> str:
        english = (get_language() or "nl").startswith("en")
        return (self.conditions_en or self.conditions_nl) if english else (self.conditions_nl or self.conditions_en)


class BookingQuerySet(VisibleQuerySet["Booking"]):
    visibility = booking_scope

    def approved(self) -> BookingQuerySet:
        return self.filter(status=Booking.Status.APPROVED)

    def overlapping(self, starts_at: Any, ends_at: Any) -> BookingQuerySet:
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class Booking(PublicIdModel, VersionedModel):
    """A request from a neighbourhood group or resident to use a facility, and the decision on it.

    The requester has no account: their name and e-mail are kept for the decision mail and
    are never shown on public pages.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("facility")
    )
    requester_name = models.CharField(_("name"), max_length=200)
    requester_email = models.EmailField(_("e-mail"))
    group_name = models.CharField(_("group or organisation"), max_length=200, blank=True)
    purpose = models.TextField(_("what it is for"), max_length=2000)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    people = models.PositiveIntegerField(_("number of people"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="nl")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    internal_note = models.TextField(_("internal note"), blank=True, max_length=2000)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("booking request")
        verbose_name_plural = _("booking requests")
        indexes = [
            models.Index(fields=["facility", "status", "starts_at"]),
            models.Index(fields=["facility", "starts_at"]),
            models.Index(fields=["status", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="booking_ends_after_it_starts",
                violation_error_message=_("The end time must be after the start time."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.facility}: {self.starts_at:%Y-%m-%d %H:%M}"


class NeighbourhoodEventQuerySet(VisibleQuerySet["NeighbourhoodEvent"]):
    visibility = neighbourhood_event_scope


class NeighbourhoodEvent(PublicIdModel, VersionedModel):
    """A network event of the neighbourhood (a network meeting, a neighbourhood party ...) and who of the
    institution attends it."""

    campus = models.ForeignKey(
        Campus, on_delete=models.CASCADE, related_name="neighbourhood_events", verbose_name=_("campus")
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="neighbourhood_events",
        verbose_name=_("organiser"),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    notes = models.TextField(_("internal notes"), blank=True, max_length=4000)
    attendees = models.ManyToManyField(
        Person, blank=True, related_name="neighbourhood_events", verbose_name=_("attending from the institution")
    )

    objects = NeighbourhoodEventQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("neighbourhood event")
        verbose_name_plural = _("neighbourhood events")
        indexes = [models.Index(fields=["campus", "-date"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.date})"
