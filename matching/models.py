"""Needs, offers and matches: how a partnership starts well.

A community partner posts a *need* (through a public form, no account), a
course or programme posts an *offer*, and a coordinator proposes a *match*
between them. Needs live in the shared directory and are visible to every
institution; offers and matches belong to one institution. The capacity guard
(`matching.load`) counts everything asked of an organisation across all
institutions, so that no partner is "partnered to death".
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.visibility import VisibleQuerySet
from lib.models import PublicIdModel, VersionedModel
from lib.scoping import unscoped
from matching.access import criterion_scope, match_scope, need_scope, offer_scope, proposal_scope, quiet_period_scope
from network.models import Campus, Institution, Organisation, TargetGroup, Theme


class Language(models.TextChoices):
    NL = "nl", _("Dutch")
    EN = "en", _("English")


class NeedQuerySet(VisibleQuerySet["Need"]):
    visibility = need_scope

    def waiting_for(self, user: Any) -> NeedQuerySet:
        """Public-form needs waiting for ``user`` to accept or reject them: their own rule, not the
        directory's (which hides what waits), so they are read past the default scope."""
        from matching.access import waiting_need_scope

        with unscoped("waiting needs have their own rule, matching.access.waiting_need_scope"):
            return Need.objects.filter(waiting_need_scope(user))


class Need(PublicIdModel, VersionedModel):
    """What a community organisation asks for, in its own words."""

    class StanceStudents(models.TextChoices):
        SUPPORTERS = "supporters", _("Students as supporters")
        INNOVATORS = "innovators", _("Students as innovators")
        EITHER = "either", _("Either")

    class StancePurpose(models.TextChoices):
        FIXED = "fixed", _("Purpose fixed before students start")
        PROCESS = "process", _("Purpose shaped in the process")
        EITHER = "either", _("Either")

    class StanceDiscipline(models.TextChoices):
        WITHIN = "within", _("Within one discipline")
        OPEN = "open", _("Open to any discipline")

    class StanceChannel(models.TextChoices):
        ORGANISATION = "organisation", _("Through the organisation")
        RESIDENTS = "residents", _("Directly with residents")
        EITHER = "either", _("Either")

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Waiting for confirmation")
        PENDING = "pending", _("Waiting for acceptance")
        OPEN = "open", _("Open")
        MATCHED = "matched", _("Matched")
        CLOSED = "closed", _("Closed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="needs", verbose_name=_("organisation")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="needs", verbose_name=_("target groups")
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="needs", verbose_name=_("themes"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    effort_hours = models.PositiveIntegerField(
        _("effort it can host (hours)"), default=0, help_text=_("How many hours of student work it can guide.")
    )
    max_students = models.PositiveIntegerField(_("maximum number of students"), default=1)
    stance_students = models.CharField(
        _("students as"), max_length=12, choices=StanceStudents.choices, default=StanceStudents.EITHER
    )
    stance_purpose = models.CharField(
        _("purpose"), max_length=12, choices=StancePurpose.choices, default=StancePurpose.EITHER
    )
    stance_discipline = models.CharField(
        _("discipline"), max_length=12, choices=StanceDiscipline.choices, default=StanceDiscipline.OPEN
    )
    stance_channel = models.CharField(
        _("working"), max_length=14, choices=StanceChannel.choices, default=StanceChannel.EITHER
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.NL)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UNCONFIRMED)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), max_length=254, blank=True)
    confirm_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    confirm_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when posted through the public form."),
    )
    # The public form: a need in the name of an organisation already in the directory is only a claim
    # until the office or the organisation accepts it (``matching.services.accept_need``).
    claims_existing = models.BooleanField(_("claims an existing organisation"), default=False, editable=False)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    objects = NeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["period_start", "period_end"]),
            models.Index(fields=["confirm_token_hash"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="need_period_order"),
        ]

    def __str__(self) -> str:
        return self.title


class NeedNote(models.Model):
    """An institution's internal note about a shared need: never shown to others."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="notes")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("note"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["need", "institution", "-created_at"])]


class OfferQuerySet(VisibleQuerySet["Offer"]):
    visibility = offer_scope


class Offer(PublicIdModel, VersionedModel):
    """What a course or programme can provide in a period."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="offers", verbose_name=_("institution")
    )
    course = models.ForeignKey(
        "engagements.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("course"),
    )
    programme = models.CharField(_("programme"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    learning_goals = models.TextField(_("learning goals"), max_length=5000, blank=True)
    disciplines = models.TextField(_("disciplines"), max_length=1000, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="offers", verbose_name=_("themes"))
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="offers", verbose_name=_("target groups")
    )
    campus = models.ForeignKey(
        Campus, on_delete=models.SET_NULL, null=True, blank=True, related_name="offers", verbose_name=_("campus")
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    students = models.PositiveIntegerField(_("number of students"), default=1)
    hours_per_student = models.PositiveIntegerField(_("hours per student"), default=0)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.NL)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        indexes = [
            models.Index(fields=["institution", "status", "-created_at"]),
            models.Index(fields=["status", "period_start", "period_end"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="offer_period_order"),
        ]

    def __str__(self) -> str:
        return self.title


class MatchQuerySet(VisibleQuerySet["Match"]):
    visibility = match_scope


class Match(PublicIdModel, VersionedModel):
    """A coordinator's proposal to bring a need and an offer together."""

    class Channel(models.TextChoices):
        FACULTY = "faculty", _("Via a teacher")
        STUDENT = "student", _("Via a student")
        CONTACT = "contact", _("Via the institution-wide contact person")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        HELD = "held", _("Held by the capacity guard")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class DeclineKind(models.TextChoices):
        """Why a partner declined, in words the next ranking can use (``matching.loaders.context_for``)."""

        NO_CAPACITY = "no_capacity", _("We have no capacity for it now")
        NOT_OUR_FIELD = "not_our_field", _("It is not our field")
        TIMING = "timing", _("The period does not suit us")
        OTHER = "other", _("Another reason")

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="matches", verbose_name=_("need"))
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="matches", verbose_name=_("offer"))
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="matches")
    score = models.FloatField(_("score"), default=0.0)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.CONTACT)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    held_reason = models.CharField(_("why it is held"), max_length=500, blank=True)
    override_reason = models.CharField(_("reason for the override"), max_length=1000, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    message = models.TextField(_("message to the partner"), max_length=2000, blank=True)
    response_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    response_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=1000, blank=True)
    decline_kind = models.CharField(
        _("kind of reason for declining"), max_length=14, choices=DeclineKind.choices, blank=True
    )
    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.SET_NULL, null=True, blank=True, related_name="matches"
    )
    attention = models.JSONField(_("points of attention"), default=dict, blank=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        indexes = [
            models.Index(fields=["institution", "status", "-proposed_at"]),
            models.Index(fields=["need", "status"]),
            models.Index(fields=["offer", "status"]),
            models.Index(fields=["status", "proposed_at"]),
            models.Index(fields=["response_token_hash"]),
        ]

    def __str__(self) -> str:
        return f"{self.need} ↔ {self.offer}"


class MatchingWeights(models.Model):
    """An institution's tuning of the ranking (defaults in `matching.engine.DEFAULT_WEIGHTS`)."""

    institution = models.OneToOneField(Institution, on_delete=models.CASCADE, related_name="matching_weights")
    weights = models.JSONField(_("weights"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("matching weights")
        verbose_name_plural = _("matching weights")

    def __str__(self) -> str:
        return str(self.institution)


class QuietPeriodQuerySet(VisibleQuerySet["QuietPeriod"]):
    visibility = quiet_period_scope


class QuietPeriod(models.Model):
    """A stretch in which an organisation asks not to receive new proposals."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="quiet_periods", verbose_name=_("organisation")
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A partner user, or the coordinator who entered it on the partner's behalf."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = QuietPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("quiet period")
        verbose_name_plural = _("quiet periods")
        indexes = [models.Index(fields=["organisation", "start", "end"])]
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="quiet_period_order")]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.start} – {self.end}"


class PartnerCriterionQuerySet(VisibleQuerySet["PartnerCriterion"]):
    visibility = criterion_scope


class PartnerCriterion(models.Model):
    """One of an institution's criteria for a good partner, shown to students as a checklist."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="partner_criteria")
    text_nl = models.CharField(_("criterion (Dutch)"), max_length=300)
    text_en = models.CharField(_("criterion (English)"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PartnerCriterionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("partner criterion")
        verbose_name_plural = _("partner criteria")
        indexes = [models.Index(fields=["institution", "order"])]

    @property
    def text(self) -> str:
        english = (get_language() or "nl").startswith("en")
        return (self.text_en if english else self.text_nl) or self.text_nl or self.text_en

    def __str__(self) -> str:
        return self.text


class OrganisationProposalQuerySet(VisibleQuerySet["OrganisationProposal"]):
    visibility = proposal_scope


class OrganisationProposal(PublicIdModel, VersionedModel):
    """A student's proposal of a new partner organisation, judged by a coordinator."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        MORE_INFO = "more_info", _("More information asked")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="organisation_proposals")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="organisation_proposals"
    )
    name = models.CharField(_("name of the organisation"), max_length=200)
    website = models.URLField(_("website"), max_length=300, blank=True)
    description = models.TextField(_("what the organisation does"), max_length=3000)
    why = models.TextField(_("why this organisation"), max_length=3000)
    criteria = models.JSONField(_("criteria"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    coordinator_reason = models.TextField(_("coordinator's reason"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = OrganisationProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("organisation proposal")
        verbose_name_plural = _("organisation proposals")
        indexes = [
            models.Index(fields=["institution", "status", "-created_at"]),
            models.Index(fields=["proposed_by", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.name


class DigestItem(models.Model):
    """One thing asked of an organisation, collected into its periodic digest mail."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Proposal")
        HELD = "held", _("Proposal held")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        NEED = "need", _("Need")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="digest_items")
    institution = models.ForeignKey(Institution, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    match = models.ForeignKey(Match, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["sent_at", "organisation"])]

    def __str__(self) -> str:
        return self.text
