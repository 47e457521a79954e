"""Forms of the matching pages: the public need form (with its abuse guards), the staff forms for
needs and offers, proposing a match, the points-of-attention checklist, the partner's answer, and
students' organisation proposals."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from engagements.models import Course
from matching import attention
from matching.models import Match, Need, Offer, OrganisationProposal, PartnerCriterion
from network.models import Campus, Organisation, TargetGroup, Theme
from web.forms.partnerships import ANY
from web.forms.search_select import SearchSelect
from web.forms.widgets import DateInput

# A form opened longer ago than this is stale: reload it.
MAX_FORM_AGE = 60 * 60 * 6
STAMP_SALT = "matching.public-need-form"
TEXT_MAX = 5000


def form_stamp() -> str:
    """A signed "when was this form opened", so the server can tell how long filling it took."""
    return signing.dumps(time.time(), salt=STAMP_SALT)


def _date_order(form: forms.Form) -> None:
    start, end = form.cleaned_data.get("period_start"), form.cleaned_data.get("period_end")
    if start and end and end < start:
        form.add_error("period_end", _("The end date cannot be before the start date."))


def _terms(field_label: Any, model: Any) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=field_label,
        queryset=model.objects.all(),
        required=False,
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )


class NeedFieldsMixin(forms.Form):
    """What a need says, shared by the public form and the staff form."""

    title = forms.CharField(label=_("What do you need, in one line?"), max_length=200)
    description = forms.CharField(
        label=_("Describe the need"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What should happen, and why. At most 5000 characters."),
    )
    target_groups = _terms(_("For whom"), TargetGroup)
    themes = _terms(_("Themes"), Theme)
    location = forms.CharField(label=_("Where"), max_length=200, required=False)
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(label=_("Until"), widget=DateInput())
    effort_hours = forms.IntegerField(
        label=_("How many hours of student work can you guide?"), min_value=0, max_value=10000, initial=40
    )
    max_students = forms.IntegerField(label=_("How many students at most?"), min_value=1, max_value=500, initial=2)
    stance_students = forms.ChoiceField(
        label=_("Students as supporters or as innovators?"),
        choices=Need.StanceStudents.choices,
        initial=Need.StanceStudents.EITHER,
        widget=forms.RadioSelect,
    )
    stance_purpose = forms.ChoiceField(
        label=_("Is the purpose fixed before students start, or shaped in the process?"),
        choices=Need.StancePurpose.choices,
        initial=Need.StancePurpose.EITHER,
        widget=forms.RadioSelect,
    )
    stance_discipline = forms.ChoiceField(
        label=_("Within one discipline, or open to any?"),
        choices=Need.StanceDiscipline.choices,
        initial=Need.StanceDiscipline.OPEN,
        widget=forms.RadioSelect,
    )
    stance_channel = forms.ChoiceField(
        label=_("Through your organisation, or directly with residents?"),
        choices=Need.StanceChannel.choices,
        initial=Need.StanceChannel.EITHER,
        widget=forms.RadioSelect,
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), max_length=254, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _date_order(self)
        return data

    NEED_KEYS = (
        "title",
        "description",
        "location",
        "period_start",
        "period_end",
        "effort_hours",
        "max_students",
        "stance_students",
        "stance_purpose",
        "stance_discipline",
        "stance_channel",
        "contact_name",
        "contact_email",
        "language",
    )

    def need_fields(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k in self.NEED_KEYS}
        data["themes"] = list(self.cleaned_data.get("themes") or [])
        data["target_groups"] = list(self.cleaned_data.get("target_groups") or [])
        return data


class PublicNeedForm(NeedFieldsMixin):
    """The form a community partner fills in without an account."""

    organisation_name = forms.CharField(label=_("Name of your organisation"), max_length=200)
    organisation_postcode = forms.CharField(label=_("Postcode"), max_length=10)
    organisation_city = forms.CharField(label=_("City"), max_length=100, required=False)
    organisation_website = forms.URLField(label=_("Website"), max_length=200, required=False)
    # Left empty by people (it is hidden); bots fill every field they find.
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    started = forms.CharField(widget=forms.HiddenInput)

    field_order = ["organisation_name", "organisation_postcode", "organisation_city", "organisation_website"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_email"].required = True
        self.fields["contact_email"].help_text = _("We send a link to confirm the need to this address.")
        if not self.is_bound:
            self.initial["started"] = form_stamp()

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get("homepage") or "").strip())

    def clean_started(self) -> str:
        value = self.cleaned_data["started"]
        try:
            opened = float(signing.loads(value, salt=STAMP_SALT, max_age=MAX_FORM_AGE))
        except (signing.BadSignature, TypeError, ValueError) as exc:
            raise forms.ValidationError(
                _("This form is too old or was changed. Reload the page and try again.")
            ) from exc
        # No minimum fill time: it refused fast typists and autofill. The honeypot, the rate limit and the
        # confirmation mail keep scripts out.
        del opened
        return value

    def organisation_fields(self) -> dict[str, str]:
        d = self.cleaned_data
        return {
            "name": d["organisation_name"],
            "postcode": d["organisation_postcode"],
            "city": d.get("organisation_city") or "",
            "website": d.get("organisation_website") or "",
        }


class StaffNeedForm(NeedFieldsMixin):
    """A need entered by staff on a partner's behalf, or by a partner user; also the edit form."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), to_field_name="public_id", widget=SearchSelect()
    )
    language = forms.ChoiceField(label=_("Language of the partner"), choices=Need._meta.get_field("language").choices)
    status = forms.ChoiceField(
        label=_("Status"), choices=[c for c in Need.Status.choices if c[0] not in ("unconfirmed", "pending")]
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    field_order = ["organisation"]

    def __init__(self, *args: Any, user: Any, need: Need | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if need is not None:
            del self.fields["organisation"]
            self.fields["version"].required = True
            if need.status in (Need.Status.UNCONFIRMED, Need.Status.PENDING):
                # It opens by confirmation and acceptance, not by choosing a status.
                del self.fields["status"]
        else:
            del self.fields["status"]
            del self.fields["version"]
            if user.organisation_id:
                del self.fields["organisation"]
            else:
                self.fields["organisation"].queryset = Organisation.objects.for_user(user).filter(is_active=True)

    @staticmethod
    def initial_for(need: Need) -> dict[str, Any]:
        initial = {name: getattr(need, name) for name in NeedFieldsMixin.NEED_KEYS}
        initial.update(
            themes=list(need.themes.all()),
            target_groups=list(need.target_groups.all()),
            status=need.status,
            version=need.version,
        )
        return initial


class NeedFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=100, widget=forms.TextInput(attrs={"type": "search"})
    )
    status = forms.ChoiceField(label=_("Status"), choices=ANY + Need.Status.choices, required=False)
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.all(), required=False, to_field_name="slug")
    target_group = forms.ModelChoiceField(
        label=_("For whom"), queryset=TargetGroup.objects.all(), required=False, to_field_name="slug"
    )

    def filter(self, queryset: QuerySet[Need]) -> QuerySet[Need]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(Q(title__icontains=q) | Q(organisation__name__icontains=q))
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("theme"):
            queryset = queryset.filter(themes=data["theme"])
        if data.get("target_group"):
            queryset = queryset.filter(target_groups=data["target_group"])
        return queryset


class NeedNoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class OfferForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=Course.objects.none(),
        required=False,
        to_field_name="public_id",
        widget=SearchSelect(),
    )
    programme = forms.CharField(label=_("Programme"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    learning_goals = forms.CharField(
        label=_("Learning goals"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    disciplines = forms.CharField(label=_("Disciplines"), max_length=1000, required=False)
    themes = _terms(_("Themes"), Theme)
    target_groups = _terms(_("Target groups"), TargetGroup)
    campus = forms.ModelChoiceField(label=_("Campus"), queryset=Campus.objects.none(), required=False)
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(label=_("Until"), widget=DateInput())
    students = forms.IntegerField(label=_("Number of students"), min_value=1, max_value=1000, initial=4)
    hours_per_student = forms.IntegerField(label=_("Hours per student"), min_value=0, max_value=2000, initial=20)
    language = forms.ChoiceField(label=_("Language"), choices=Offer._meta.get_field("language").choices)
    status = forms.ChoiceField(label=_("Status"), choices=Offer.Status.choices, initial=Offer.Status.OPEN)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, institution: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(institution_id=institution.pk)
        self.fields["campus"].queryset = Campus.objects.filter(institution_id=institution.pk)
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _date_order(self)
        return data

    @staticmethod
    def initial_for(offer: Offer) -> dict[str, Any]:
        names = ("title", "programme", "description", "learning_goals", "disciplines", "period_start", "period_end")
        initial: dict[str, Any] = {n: getattr(offer, n) for n in names}
        initial.update(
            course=offer.course.public_id if offer.course else None,
            campus=offer.campus_id,
            students=offer.students,
            hours_per_student=offer.hours_per_student,
            language=offer.language,
            status=offer.status,
            themes=list(offer.themes.all()),
            target_groups=list(offer.target_groups.all()),
            version=offer.version,
        )
        return initial

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["themes"] = list(data["themes"])
        data["target_groups"] = list(data["target_groups"])
        return data


class OfferFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=100, widget=forms.TextInput(attrs={"type": "search"})
    )
    status = forms.ChoiceField(label=_("Status"), choices=ANY + Offer.Status.choices, required=False)

    def filter(self, queryset: QuerySet[Offer]) -> QuerySet[Offer]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(Q(title__icontains=q) | Q(programme__icontains=q))
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        return queryset


class AttentionMixin(forms.Form):
    """The points of attention as radio buttons with a short note each (fields made per point)."""

    attention_required = True

    def add_attention_fields(self) -> None:
        for point in attention.POINTS:
            self.fields[f"attention_{point.code}"] = forms.ChoiceField(
                label=point.question,
                choices=attention.ANSWERS,
                widget=forms.RadioSelect,
                required=self.attention_required,
            )
            self.fields[f"attention_{point.code}_note"] = forms.CharField(
                label=_("Note"), max_length=attention.NOTE_MAX, required=False, widget=forms.TextInput
            )

    def attention_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (point, self[f"attention_{point.code}"], self[f"attention_{point.code}_note"]) for point in attention.POINTS
        ]

    def answers(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {
            p.code: {
                "answer": data.get(f"attention_{p.code}") or "",
                "note": data.get(f"attention_{p.code}_note") or "",
            }
            for p in attention.POINTS
        }

    def has_answers(self) -> bool:
        return any(self.cleaned_data.get(f"attention_{p.code}") for p in attention.POINTS)


class ProposeMatchForm(AttentionMixin):
    offer = forms.ModelChoiceField(
        label=_("Offer"), queryset=Offer.objects.none(), to_field_name="public_id", widget=SearchSelect()
    )
    channel = forms.ChoiceField(label=_("How did this match come about?"), choices=Match.Channel.choices)
    message = forms.CharField(
        label=_("Message to the partner"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    attention_required = False

    def __init__(self, *args: Any, offers: QuerySet[Offer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers
        self.add_attention_fields()


class AttentionForm(AttentionMixin):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_attention_fields()


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why may this proposal go out despite the hold?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class RespondForm(AttentionMixin):
    """The partner's answer through its mail link."""

    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Your name"), max_length=200)
    decline_kind = forms.ChoiceField(
        label=_("If you decline: why?"),
        choices=Match.DeclineKind.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "It shapes what is suggested to you next: no capacity, and you are spared for this academic year; "
            "not your field, and this offer is not suggested to you again."
        ),
    )
    decline_reason = forms.CharField(
        label=_("In your own words (needed for another reason)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attention_required = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_attention_fields()


class MatchFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ANY + Match.Status.choices, required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=ANY + Match.Channel.choices, required=False)

    def filter(self, queryset: QuerySet[Match]) -> QuerySet[Match]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("channel"):
            queryset = queryset.filter(channel=data["channel"])
        return queryset


class OrganisationProposalForm(forms.Form):
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    website = forms.URLField(label=_("Website"), max_length=300, required=False)
    description = forms.CharField(
        label=_("What does the organisation do?"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4})
    )
    why = forms.CharField(
        label=_("Why would it be a good partner?"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, criteria: list[PartnerCriterion], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.BooleanField(label=criterion.text, required=False)
            self.fields[f"criterion_{criterion.pk}_comment"] = forms.CharField(
                label=_("Comment"), max_length=500, required=False
            )
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]

    def criterion_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"criterion_{c.pk}"], self[f"criterion_{c.pk}_comment"]) for c in self.criteria]

    @staticmethod
    def initial_for(proposal: OrganisationProposal) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": proposal.name,
            "website": proposal.website,
            "description": proposal.description,
            "why": proposal.why,
            "version": proposal.version,
        }
        for key, value in (proposal.criteria or {}).items():
            initial[f"criterion_{key}"] = value.get("ok")
            initial[f"criterion_{key}_comment"] = value.get("comment", "")
        return initial

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        criteria = {
            str(c.pk): {"ok": d.get(f"criterion_{c.pk}"), "comment": d.get(f"criterion_{c.pk}_comment")}
            for c in self.criteria
        }
        return {
            "name": d["name"],
            "website": d.get("website") or "",
            "description": d["description"],
            "why": d["why"],
            "criteria": criteria,
        }


class DecideProposalForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (OrganisationProposal.Status.APPROVED, _("Approve: add it to the directory")),
            (OrganisationProposal.Status.MORE_INFO, _("Ask for more information")),
            (OrganisationProposal.Status.DECLINED, _("Decline")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for the student"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you ask for more or decline."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ProposalFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ANY + OrganisationProposal.Status.choices, required=False)

    def filter(self, queryset: QuerySet[OrganisationProposal]) -> QuerySet[OrganisationProposal]:
        self.is_valid()
        status = getattr(self, "cleaned_data", {}).get("status")
        return queryset.filter(status=status) if status else queryset
