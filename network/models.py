"""The partner network: institutions, campuses, organisations, people, relationships, interactions.

SOFAR (Bringle, Clayton & Price 2009): students, organisations, faculty,
administrators and residents; every pair of them is a relationship of its own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.access import interaction_scope, organisation_scope, person_scope, relationship_scope
from accounts.visibility import VisibleQuerySet
from lib.models import BilingualTerm, PublicIdModel, VersionedModel


class SofarRole(models.TextChoices):
    STUDENT = "S", _("Student")
    ORGANISATION = "O", _("Organisation staff")
    FACULTY = "F", _("Faculty")
    ADMINISTRATOR = "A", _("Administrator")
    RESIDENT = "R", _("Resident")


SOFAR_ORDER = [r.value for r in SofarRole]


class Institution(models.Model):
    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        UNIVERSITY_COLLEGE = "university_college", _("University college")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40)
    slug = models.SlugField(unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.UNIVERSITY)
    mission = models.TextField(_("mission statement"), blank=True)
    website = models.URLField(_("website"), blank=True)
    stale_after_months = models.PositiveSmallIntegerField(
        _("flag relationships without contact after (months)"), default=6
    )
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True)
    share_contact_summaries = models.BooleanField(
        _("share contact summaries with the partner by default"),
        default=False,
        help_text=_(
            "The default of the checkbox on each contact moment; partners always see date, channel and people."
        ),
    )
    # Retention periods (see the privacy page and README): after them, the data are removed or anonymised.
    retention_unconfirmed_need_days = models.PositiveSmallIntegerField(
        _("remove unconfirmed public needs after (days)"), default=30
    )
    retention_expired_link_days = models.PositiveSmallIntegerField(
        _("remove expired links and tokens after (days)"), default=30
    )
    retention_closed_assessment_months = models.PositiveSmallIntegerField(
        _("anonymise respondents of closed assessments after (months)"), default=12
    )
    retention_import_file_days = models.PositiveSmallIntegerField(
        _("remove uploaded import files after (days)"), default=30
    )
    retention_booking_months = models.PositiveSmallIntegerField(
        _("anonymise residents' booking requests after (months)"), default=12
    )
    retention_workshop_days = models.PositiveSmallIntegerField(
        _("anonymise workshop positions after (days)"), default=30
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return self.short_name or self.name


class Campus(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="campuses")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField()
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    neighbourhood_radius_m = models.PositiveIntegerField(_("neighbourhood radius (metres)"), default=1000)
    neighbourhood_name = models.CharField(_("neighbourhood"), max_length=200, blank=True)
    neighbourhood_area = models.JSONField(
        _("drawn neighbourhood area"),
        null=True,
        blank=True,
        help_text=_("A GeoJSON polygon; when empty, the radius around the campus is the neighbourhood."),
    )
    anchor = models.ForeignKey(
        "Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="anchored_campuses",
        verbose_name=_("neighbourhood anchor"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["institution", "slug"], name="campus_unique_slug")]
        verbose_name = _("campus")
        verbose_name_plural = _("campuses")

    def __str__(self) -> str:
        return self.name


class Theme(BilingualTerm):
    class Meta(BilingualTerm.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class TargetGroup(BilingualTerm):
    class Meta(BilingualTerm.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class OrganisationQuerySet(VisibleQuerySet["Organisation"]):
    visibility = organisation_scope


class Organisation(PublicIdModel, VersionedModel):
    """A community partner in the shared directory of the region."""

    class Kind(models.TextChoices):
        NONPROFIT = "nonprofit", _("Non-profit organisation")
        CITY_SERVICE = "city_service", _("City or public service")
        SCHOOL = "school", _("School")
        SPORTS_CLUB = "sports_club", _("Sports club")
        YOUTH_WORK = "youth_work", _("Youth work")
        NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood team or initiative")
        CARE = "care", _("Care and welfare")
        CULTURE = "culture", _("Culture")
        RESEARCH = "research", _("Research or government department")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.NONPROFIT)
    mission = models.TextField(_("mission"), blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="organisations", verbose_name=_("themes"))
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="organisations", verbose_name=_("target groups")
    )
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    enterprise_number = models.CharField(_("enterprise number"), max_length=20, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    capacity_per_period = models.PositiveSmallIntegerField(
        _("capacity per academic period"),
        default=3,
        help_text=_("How many requests, proposals and engagements it can take on per academic period."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # When one of the organisation's own partner users last confirmed or corrected its profile (who: the audit).
    profile_confirmed_at = models.DateTimeField(_("profile last confirmed by the organisation"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["version"])
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["postcode"]),
            models.Index(fields=["kind", "name"]),
            models.Index(fields=["city", "name"]),
            models.Index(fields=["enterprise_number"]),
            # The neighbourhood map's bounding-box prefilter.
            models.Index(fields=["latitude", "longitude"]),
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationNote(models.Model):
    """An institution's internal note about a shared organisation: never shown to others."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="notes")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="organisation_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    text = models.TextField(_("note"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "institution", "-created_at"])]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return self.text[:60]


class OrganisationContact(models.Model):
    """An address that receives the organisation's mail from Brug: digests, proposals and their answer links.

    An address is *verified* when someone who may speak for the organisation (the office, or the
    organisation's own partner user) vouched for it (``approved_by``/``approved_at``) and the address itself
    proved it reads its mail by using a mailed link (``address_confirmed_at``). Only verified addresses, and
    the organisation's partner logins, receive anything that carries another party's data.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    email = models.EmailField(_("e-mail"), max_length=254)
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="nl")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    address_confirmed_at = models.DateTimeField(_("address confirmed"), null=True, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["email", "id"]
        verbose_name = _("mail contact")
        verbose_name_plural = _("mail contacts")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "email"], name="organisation_contact_unique_email"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_verified(self) -> bool:
        return self.approved_at is not None and self.address_confirmed_at is not None


class PersonQuerySet(VisibleQuerySet["Person"]):
    visibility = person_scope


class Person(PublicIdModel, VersionedModel):
    """Anyone in the network. A login is optional: most residents and partner staff never have one.

    Each person record belongs to the institution that keeps it; institutions
    do not see each other's people.
    """

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="people")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["version", "erased_at"])
    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["institution", "last_name", "first_name"]),
            models.Index(fields=["institution", "is_active"]),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return str(self)

    @property
    def roles(self) -> list[str]:
        """SOFAR role codes of this person, in SOFAR order (uses prefetched affiliations)."""
        present = {a.role for a in self.affiliations.all()}
        return [r for r in SOFAR_ORDER if r in present]


class Affiliation(models.Model):
    """A person acting in one SOFAR role, for an institution or an organisation (or neither: residents)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    role = models.CharField(_("SOFAR role"), max_length=1, choices=SofarRole.choices)
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, null=True, blank=True, related_name="affiliations"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="affiliations"
    )
    title = models.CharField(_("position or programme"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        indexes = [models.Index(fields=["role", "person"]), models.Index(fields=["organisation", "role"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="O") | Q(organisation__isnull=False),
                name="affiliation_staff_has_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


def _either_end(kind: str, actor: Any, *, lookup: str = "") -> models.QuerySet[Any]:
    """Relationships with ``actor`` at either end, as a subquery of two index lookups.

    An OR across both ends makes SQLite scan the institution's whole index
    instead; a UNION of the two ends reads only the matching rows.
    """
    ends = Relationship.objects.order_by().values("pk")
    return ends.filter(**{f"a_{kind}{lookup}": actor}).union(ends.filter(**{f"b_{kind}{lookup}": actor}))


class RelationshipQuerySet(VisibleQuerySet["Relationship"]):
    visibility = relationship_scope

    def involving_organisation(self, organisation: Organisation | Any) -> RelationshipQuerySet:
        return self.filter(pk__in=_either_end("organisation", organisation))

    def involving_person(self, person: Person | Any) -> RelationshipQuerySet:
        return self.filter(pk__in=_either_end("person", person))

    def involving_organisations(self, organisation_ids: Any) -> RelationshipQuerySet:
        return self.filter(pk__in=_either_end("organisation", organisation_ids, lookup="_id__in"))

    def with_actors(self) -> RelationshipQuerySet:
        return self.select_related("a_person", "a_organisation", "b_person", "b_organisation")


class Relationship(PublicIdModel, VersionedModel):
    """A tie between two actors (a person or an organisation), kept by one institution.

    Each end acts in a SOFAR role, so a relationship belongs to one of the ten
    role pairs. ``last_contact_on`` and ``orphaned`` are kept up to date by the
    services that log interactions and change owners, so that dashboards can
    filter on them with an index at region scale.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="relationships")
    a_person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    a_organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    a_role = models.CharField(_("role of the first actor"), max_length=1, choices=SofarRole.choices)
    b_person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    b_organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    b_role = models.CharField(_("role of the second actor"), max_length=1, choices=SofarRole.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    owners = models.ManyToManyField(Person, related_name="owned_relationships", blank=True, verbose_name=_("owners"))
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    orphaned = models.BooleanField(_("without an active owner"), default=False)

    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[owners])
    objects = RelationshipQuerySet.as_manager()

    class Meta:
        ordering = ["-last_contact_on", "id"]
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        indexes = [
            models.Index(fields=["institution", "status", "last_contact_on"]),
            # The list's own order, so a page is read from the index without sorting.
            models.Index(fields=["institution", "-last_contact_on", "id"]),
            models.Index(fields=["institution", "orphaned", "status"]),
            # With the last contact, so the newest contact per organisation is read from the index alone.
            models.Index(fields=["a_organisation", "institution", "last_contact_on"]),
            models.Index(fields=["b_organisation", "institution", "last_contact_on"]),
            models.Index(fields=["a_person"]),
            models.Index(fields=["b_person"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(a_person__isnull=True) ^ Q(a_organisation__isnull=True))
                & (Q(b_person__isnull=True) ^ Q(b_organisation__isnull=True)),
                name="relationship_each_end_one_actor",
            ),
        ]

    @property
    def a(self) -> Person | Organisation:
        return self.a_person or self.a_organisation  # type: ignore[return-value]

    @property
    def b(self) -> Person | Organisation:
        return self.b_person or self.b_organisation  # type: ignore[return-value]

    @property
    def role_pair(self) -> tuple[str, str]:
        pair = sorted([self.a_role, self.b_role], key=SOFAR_ORDER.index)
        return pair[0], pair[1]

    def other_end(self, actor: Person | Organisation) -> Person | Organisation:
        return self.b if actor == self.a else self.a

    def __str__(self) -> str:
        return f"{self.a} ↔ {self.b}"


class InteractionQuerySet(VisibleQuerySet["Interaction"]):
    visibility = interaction_scope


class Interaction(PublicIdModel):
    """A dated contact moment within a relationship."""

    class Channel(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        VISIT = "visit", _("Site visit")
        PHONE = "phone", _("Phone call")
        VIDEO = "video", _("Video call")
        EMAIL = "email", _("E-mail")
        EVENT = "event", _("Event or network meeting")
        OTHER = "other", _("Other")

    class Mode(models.TextChoices):
        DIRECT = "direct", _("Direct")
        INTERMEDIARY = "intermediary", _("Via an intermediary")

    class Initiator(models.TextChoices):
        A = "a", _("First actor")
        B = "b", _("Second actor")
        BOTH = "both", _("Both together")

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="interactions")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    occurred_on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.MEETING)
    mode = models.CharField(_("direct or indirect"), max_length=20, choices=Mode.choices, default=Mode.DIRECT)
    intermediary = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("intermediary")
    )
    initiated_by = models.CharField(_("initiated by"), max_length=4, choices=Initiator.choices, default=Initiator.A)
    decision = models.CharField(
        _("decision taken, proposed by"),
        max_length=4,
        choices=Initiator.choices,
        blank=True,
        help_text=_("Leave empty when no decision was taken."),
    )
    summary = models.CharField(_("summary"), max_length=1000)
    summary_shared = models.BooleanField(_("summary shared with the partner"), default=False)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("contact moment")
        verbose_name_plural = _("contact moments")
        indexes = [
            models.Index(fields=["relationship", "-occurred_on", "-id"]),
            # The dashboard's newest contact moments: read from the index in the list's order, no sort.
            models.Index(fields=["institution", "-occurred_on", "-id"]),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on}: {self.summary[:60]}"
