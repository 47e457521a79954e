"""Partnerships between institutions and community organisations, their owners and hand-overs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.visibility import VisibleQuerySet
from lib.models import PublicIdModel, VersionedModel
from network.models import Campus, Institution, Organisation, Person
from partnerships.access import partnership_scope


class ContinuumStage(models.IntegerChoices):
    """The nine steps from loose to deep of the source document."""

    COMMUNICATION = 1, _("Mutual communication")
    AWARENESS = 2, _("Mutual awareness")
    COORDINATION = 3, _("Mutual coordination")
    PLANNING = 4, _("Planning and formalised leadership")
    SHARED_GOALS = 5, _("Working on shared goals")
    INTEGRATION = 6, _("Integration of goals")
    SHARED_RESOURCES = 7, _("Working with shared resources")
    SYNERGY = 8, _("Synergy")
    TRANSFORMATIVE = 9, _("Transformative partnership")


class PartnershipQuerySet(VisibleQuerySet["Partnership"]):
    visibility = partnership_scope


class Partnership(PublicIdModel, VersionedModel):
    class Kind(models.TextChoices):
        AD_HOC = "ad_hoc", _("Ad hoc")
        STRATEGIC = "strategic", _("Strategic")

    class Basis(models.TextChoices):
        PLACE = "place", _("Place (neighbourhood campus)")
        MISSION = "mission", _("Mission of the institution")
        NETWORK = "network", _("Network")
        COURSE = "course", _("Course")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="partnerships", verbose_name=_("lead institution")
    )
    other_institutions = models.ManyToManyField(
        Institution, blank=True, related_name="joined_partnerships", verbose_name=_("other institutions")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.AD_HOC)
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices, default=Basis.COURSE)
    stage = models.PositiveSmallIntegerField(
        _("continuum stage"), choices=ContinuumStage.choices, default=ContinuumStage.COMMUNICATION
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    organisations = models.ManyToManyField(
        Organisation, through="PartnershipParty", related_name="partnerships", verbose_name=_("organisations")
    )
    owners = models.ManyToManyField(Person, related_name="owned_partnerships", verbose_name=_("owners"))
    campus = models.ForeignKey(
        Campus, on_delete=models.SET_NULL, null=True, blank=True, related_name="partnerships", verbose_name=_("campus")
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    orphaned = models.BooleanField(_("without an active owner"), default=False)
    next_evaluation_on = models.DateField(_("next joint evaluation"), null=True, blank=True)
    collaboration_forms = models.JSONField(
        _("forms of collaboration"), default=list, blank=True, help_text=_("Engagement types this partnership covers.")
    )
    levels = models.JSONField(_("levels"), default=list, blank=True, help_text=_("Course, programme, faculty, ..."))

    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[owners])
    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        indexes = [
            models.Index(fields=["institution", "status", "title"]),
            models.Index(fields=["institution", "kind"]),
            models.Index(fields=["institution", "stage"]),
            models.Index(fields=["institution", "orphaned"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="partnership_dates_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class PartnershipParty(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="partnership_parties")
    role = models.CharField(_("role in the partnership"), max_length=200, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    contact_person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact person on the partner's side"),
    )

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        constraints = [
            models.UniqueConstraint(fields=["partnership", "organisation"], name="party_once_per_partnership")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.partnership}"


class HandOver(models.Model):
    """A departing owner's relationships and partnerships passed to a colleague; history is kept."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    from_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="handed_over")
    to_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="taken_over")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    relationships = models.PositiveIntegerField(default=0)
    partnerships = models.PositiveIntegerField(default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")

    def __str__(self) -> str:
        return f"{self.from_person} → {self.to_person}"


class Goal(models.Model):
    """A goal the partners work on together."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.title


class StageChange(models.Model):
    """A confirmed place on the continuum: the step, what Brug suggested, and why it was chosen."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.PositiveSmallIntegerField(_("continuum stage"), choices=ContinuumStage.choices)
    suggested_stage = models.PositiveSmallIntegerField(
        _("suggested stage"), choices=ContinuumStage.choices, null=True, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("continuum step")
        verbose_name_plural = _("continuum steps")

    def __str__(self) -> str:
        return f"{self.partnership}: {self.get_stage_display()}"


class Indicator(models.Model):
    """A collective-impact indicator of a goal: a target and measured values over time."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    measured_by = models.CharField(_("who measures"), max_length=200, blank=True)

    class Meta:
        ordering = ["goal", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class Measurement(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["indicator", "measured_on", "id"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.measured_on})"


class Milestone(models.Model):
    class Kind(models.TextChoices):
        SIGNED = "signed", _("Agreement signed")
        WIDENED = "widened", _("Widened to new parties")
        RENEWED = "renewed", _("Renewed")
        EVENT = "event", _("Other milestone")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EVENT)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.date}: {self.title}"
