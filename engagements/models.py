"""Courses and engagements: the concrete collaborations."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.visibility import VisibleQuerySet
from engagements.access import course_scope, engagement_scope
from lib.models import PublicIdModel, VersionedModel
from network.models import Campus, Institution, Organisation, Person, SofarRole
from partnerships.models import Partnership


class CourseQuerySet(VisibleQuerySet["Course"]):
    visibility = course_scope


class Course(PublicIdModel, VersionedModel):
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="courses")
    code = models.CharField(_("course code"), max_length=30, blank=True)
    title = models.CharField(_("title"), max_length=200)
    programme = models.CharField(_("programme"), max_length=200, blank=True)
    academic_year = models.CharField(_("academic year"), max_length=9, help_text=_("For example 2026-2027."))
    description = models.TextField(_("description"), blank=True)
    teachers = models.ManyToManyField(Person, related_name="courses_taught", verbose_name=_("teachers"))
    campus = models.ForeignKey(Campus, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("campus"))

    history = HistoricalRecords(excluded_fields=["version"])
    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        indexes = [
            models.Index(fields=["institution", "academic_year", "title"]),
            models.Index(fields=["institution", "title"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.academic_year})"


class EngagementQuerySet(VisibleQuerySet["Engagement"]):
    visibility = engagement_scope


class Engagement(PublicIdModel, VersionedModel):
    """A concrete collaboration: a service-learning project, a bachelor project, research, an event..."""

    class Kind(models.TextChoices):
        SERVICE_LEARNING = "service_learning", _("Service-learning project")
        BACHELOR_PROJECT = "bachelor_project", _("Bachelor project")
        RESEARCH = "research", _("Research")
        STAFF_TRAINING = "staff_training", _("Staff training")
        VOLUNTEERING = "volunteering", _("Volunteering")
        OPEN_BUILDING = "open_building", _("Opening a building")
        EVENT = "event", _("Event")
        OTHER = "other", _("Other")

    class Level(models.TextChoices):
        COURSE = "course", _("Course")
        PROGRAMME = "programme", _("Programme")
        FACULTY = "faculty", pgettext_lazy("level of collaboration", "Faculty")
        INSTITUTION = "institution", _("Institution")
        CITY = "city", pgettext_lazy("level of collaboration", "City")

    class Direction(models.TextChoices):
        TO_NEIGHBOURHOOD = "to_neighbourhood", _("Students go into the neighbourhood")
        TO_CAMPUS = "to_campus", _("The neighbourhood comes to the campus")

    class Front(models.TextChoices):
        INFRASTRUCTURE = "infrastructure", _("Opening infrastructure")
        EDUCATION = "education", _("Shaping education together")
        NETWORK = "network", _("Network partner in the city")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="engagements")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices, default=Kind.SERVICE_LEARNING)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.COURSE)
    direction = models.CharField(
        _("direction"), max_length=20, choices=Direction.choices, default=Direction.TO_NEIGHBOURHOOD
    )
    front = models.CharField(_("front"), max_length=20, choices=Front.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    course = models.ForeignKey(
        Course, on_delete=models.SET_NULL, null=True, blank=True, related_name="engagements", verbose_name=_("course")
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="engagements",
        verbose_name=_("partnership"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagements",
        verbose_name=_("community partner"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    hours = models.PositiveIntegerField(_("hours"), default=0)
    description = models.TextField(_("description"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    participants = models.ManyToManyField(
        Person, through="Participation", related_name="engagements", verbose_name=_("people")
    )

    history = HistoricalRecords(excluded_fields=["version"])
    objects = EngagementQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        indexes = [
            models.Index(fields=["institution", "-start_date", "-id"]),
            models.Index(fields=["institution", "kind", "-start_date"]),
            models.Index(fields=["institution", "status", "-start_date"]),
            models.Index(fields=["organisation", "-start_date"]),
            models.Index(fields=["course"]),
            models.Index(fields=["partnership", "-start_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="engagement_dates_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Participation(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="participations")
    role = models.CharField(_("SOFAR role"), max_length=1, choices=SofarRole.choices)
    hours = models.PositiveIntegerField(_("hours"), default=0)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["engagement", "person"], name="participation_once_per_engagement")
        ]
        indexes = [models.Index(fields=["person", "engagement"])]

    def __str__(self) -> str:
        return f"{self.person} in {self.engagement}"


class Contribution(models.Model):
    """What one party puts into an engagement or gets out of it: the material of equity."""

    class Party(models.TextChoices):
        INSTITUTION = "institution", _("Institution")
        PARTNER = "partner", _("Community partner")
        STUDENTS = "students", _("Students")
        RESIDENTS = "residents", _("Residents")

    class Direction(models.TextChoices):
        GIVES = "gives", _("puts in")
        GETS = "gets", _("gets out")

    class Kind(models.TextChoices):
        HOURS = "hours", _("Hours of work")
        MONEY = "money", _("Money")
        ROOMS = "rooms", _("Rooms or infrastructure")
        MATERIALS = "materials", _("Materials")
        EXPERTISE = "expertise", _("Expertise")
        LEARNING = "learning", _("Learning goals")
        OUTCOME = "outcome", _("Concrete outcome")
        OTHER = "other", _("Other")

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="contributions")
    party = models.CharField(_("party"), max_length=20, choices=Party.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=10, decimal_places=2, null=True, blank=True, help_text=_("Hours or euros.")
    )
    description = models.CharField(_("description"), max_length=300)
    shared = models.BooleanField(_("a resource used together"), default=False)

    class Meta:
        ordering = ["party", "direction", "id"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        indexes = [models.Index(fields=["engagement", "party", "direction"])]

    def __str__(self) -> str:
        return f"{self.get_party_display()} {self.get_direction_display()}: {self.description}"
