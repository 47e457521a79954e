"""Forms of the network's pages: organisations, notes, people, relationships, owners, hand-over.

Forms only check input; the services in ``network.services`` and
``partnerships.services`` apply the business rules and write.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _

from lib.text import SEARCH_MAX_LENGTH
from network.contacts import CONTACT_FIELDS
from network.contacts import REFUSED as CONTACTS_REFUSED
from network.models import SOFAR_ORDER, Organisation, Person, Relationship, SofarRole, TargetGroup, Theme
from network.selectors import ROLE_PAIRS
from network.services import RoleSpec
from web.forms.errors import add_service_errors  # noqa: F401  (imported from here by the views)
from web.forms.search_select import SearchSelect, SearchSelectMultiple

ORGANISATION_FORM_FIELDS = [
    "name",
    "kind",
    "mission",
    "themes",
    "target_groups",
    "street",
    "postcode",
    "city",
    "enterprise_number",
    "website",
    "email",
    "phone",
    "capacity_per_period",
    "is_active",
]


class VersionedForm(forms.Form):
    """A form over an editable record: carries the version it was opened on, for the conflict check."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class OrganisationForm(VersionedForm):
    def __init__(
        self,
        *args: Any,
        organisation: Organisation | None = None,
        by_partner: bool = False,
        may_change_contacts: bool = True,
        **kwargs: Any,
    ) -> None:
        if organisation is not None:
            initial = model_to_dict(organisation, fields=ORGANISATION_FORM_FIELDS)
            initial["version"] = organisation.version
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        version = self.fields.pop("version")
        self.fields.update(fields_for_model(Organisation, fields=ORGANISATION_FORM_FIELDS))
        self.fields["version"] = version
        version.required = organisation is not None
        self.fields["themes"].queryset = Theme.objects.order_by("name_nl")
        self.fields["target_groups"].queryset = TargetGroup.objects.order_by("name_nl")
        self.fields["mission"].widget.attrs["rows"] = 4
        if by_partner:
            # Whether the directory still lists an organisation is the institutions' call.
            del self.fields["is_active"]
        if organisation is not None and not may_change_contacts:
            # Where other institutions' proposals go is for the organisation itself or the office.
            for name in CONTACT_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = CONTACTS_REFUSED

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments of the organisation services."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH, help_text=_("Name, city or postcode.")
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.none(), required=False, to_field_name="slug", empty_label=_("All")
    )
    city = forms.ChoiceField(label=_("City"), required=False)

    def __init__(self, *args: Any, cities: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All")), *Organisation.Kind.choices]
        self.fields["theme"].queryset = Theme.objects.order_by("name_nl")
        self.fields["city"].choices = [("", _("All")), *((c, c) for c in cities)]
        self.fields["q"].widget.input_type = "search"


class ContactForm(forms.Form):
    """A mail contact for an organisation: it receives the digests once its address confirmed by link."""

    email = forms.EmailField(label=_("E-mail"), max_length=254)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language of the mails"), choices=settings.LANGUAGES, initial="nl")


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("New internal note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 4000}),
    )


ROLE_CHOICES = [(code, label) for code, label in SofarRole.choices]


class PersonForm(VersionedForm):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    roles = forms.MultipleChoiceField(
        label=_("SOFAR roles"),
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one SOFAR role.")},
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Works for"),
        queryset=Organisation.objects.none(),
        required=False,
        to_field_name="public_id",
        help_text=_("Needed for the organisation staff role."),
        widget=SearchSelectMultiple(),
    )
    title = forms.CharField(
        label=_("Position or programme"),
        max_length=200,
        required=False,
        help_text=_("For example: lecturer social work, coordinator, bachelor nursing."),
    )

    def __init__(self, *args: Any, person: Person | None = None, **kwargs: Any) -> None:
        if person is not None:
            affiliations = list(person.affiliations.all())
            kwargs.setdefault(
                "initial",
                {
                    "first_name": person.first_name,
                    "last_name": person.last_name,
                    "email": person.email,
                    "phone": person.phone,
                    "roles": person.roles,
                    "organisations": [a.organisation for a in affiliations if a.organisation is not None],
                    "title": next((a.title for a in affiliations if a.title), ""),
                    "version": person.version,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = Organisation.objects.filter(is_active=True).order_by("name")
        version = self.fields.pop("version")
        self.fields["version"] = version
        version.required = person is not None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if SofarRole.ORGANISATION in data.get("roles", []) and not data.get("organisations"):
            self.add_error("organisations", _("Organisation staff need the organisation they work for."))
        return data

    def role_specs(self) -> list[RoleSpec]:
        data = self.cleaned_data
        title = data.get("title", "")
        specs: list[RoleSpec] = []
        for role in sorted(data["roles"], key=SOFAR_ORDER.index):
            if role == SofarRole.ORGANISATION:
                specs.extend(RoleSpec(role=role, organisation=o, title=title) for o in data["organisations"])
            else:
                specs.append(RoleSpec(role=role, title="" if role == SofarRole.RESIDENT else title))
        return specs

    def person_fields(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("first_name", "last_name", "email", "phone")}


class PersonFilterForm(forms.Form):
    STATUS = [("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))]

    q = forms.CharField(label=_("Search by name"), required=False, max_length=SEARCH_MAX_LENGTH)
    role = forms.ChoiceField(label=_("SOFAR role"), required=False, choices=[("", _("All")), *ROLE_CHOICES])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"


class HandOverForm(forms.Form):
    to = forms.ModelChoiceField(
        label=_("Hand over to"),
        queryset=Person.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label=_("Choose a colleague"),
        help_text=_("They become owner of everything listed above. Contact moments and history stay as they are."),
        widget=SearchSelect(),
    )

    def __init__(self, *args: Any, colleagues: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = colleagues


ROLE_OR_AUTO = [("", _("Its usual role")), *ROLE_CHOICES]


class RelationshipForm(forms.Form):
    """Two actors, each a person of the institution or an organisation, in a SOFAR role; and owners."""

    a_person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Person.objects.none(),
        required=False,
        to_field_name="public_id",
        widget=SearchSelect(),
    )
    a_organisation = forms.ModelChoiceField(
        label=_("or organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        to_field_name="public_id",
        widget=SearchSelect(),
    )
    a_role = forms.ChoiceField(label=_("In the role of"), choices=ROLE_OR_AUTO, required=False)
    b_person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Person.objects.none(),
        required=False,
        to_field_name="public_id",
        widget=SearchSelect(),
    )
    b_organisation = forms.ModelChoiceField(
        label=_("or organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        to_field_name="public_id",
        widget=SearchSelect(),
    )
    b_role = forms.ChoiceField(label=_("In the role of"), choices=ROLE_OR_AUTO, required=False)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    owners = forms.ModelMultipleChoiceField(
        label=_("Owners"),
        queryset=Person.objects.none(),
        to_field_name="public_id",
        help_text=_("Who keeps this relationship alive inside the institution; preferably more than one person."),
        error_messages={"required": _("Every relationship needs at least one owner inside the institution.")},
        widget=SearchSelectMultiple(),
    )

    def __init__(
        self,
        *args: Any,
        people: QuerySet[Person],
        owners: QuerySet[Person],
        organisations: QuerySet[Organisation],
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        for end in ("a", "b"):
            self.fields[f"{end}_person"].queryset = people
            self.fields[f"{end}_organisation"].queryset = organisations
        self.fields["owners"].queryset = owners

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for end in ("a", "b"):
            person, organisation = data.get(f"{end}_person"), data.get(f"{end}_organisation")
            if (person is None) == (organisation is None):
                if f"{end}_person" not in self.errors and f"{end}_organisation" not in self.errors:
                    self.add_error(f"{end}_person", _("Choose either a person or an organisation."))
                continue
            actor = person or organisation
            data[end] = actor
            if not data.get(f"{end}_role"):
                if isinstance(actor, Organisation):
                    data[f"{end}_role"] = SofarRole.ORGANISATION
                else:
                    roles = actor.roles
                    if not roles:
                        self.add_error(f"{end}_role", _("Choose the role this person takes part in."))
                    else:
                        data[f"{end}_role"] = roles[0]
        return data

    def actor_fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (str(_("First actor")), [self["a_person"], self["a_organisation"], self["a_role"]]),
            (str(_("Second actor")), [self["b_person"], self["b_organisation"], self["b_role"]]),
        ]


class OwnersForm(forms.Form):
    owners = forms.ModelMultipleChoiceField(
        label=_("Owners"),
        queryset=Person.objects.none(),
        to_field_name="public_id",
        error_messages={"required": _("Every relationship needs at least one owner inside the institution.")},
        widget=SearchSelectMultiple(),
    )
    current = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, candidates: QuerySet[Person], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["owners"].queryset = candidates


def pair_value(pair: tuple[str, str]) -> str:
    return f"{pair[0]}-{pair[1]}"


class RelationshipFilterForm(forms.Form):
    pair = forms.ChoiceField(label=_("Role pair"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label=_("All"),
        widget=SearchSelect(),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=Person.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label=_("All"),
        widget=SearchSelect(),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Relationship.Status.choices]
    )
    orphaned = forms.BooleanField(label=_("Only without an active owner"), required=False)
    stale = forms.BooleanField(label=_("Only without recent contact"), required=False)

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation], owners: QuerySet[Person], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(SofarRole.choices)
        self.fields["pair"].choices = [
            ("", _("All")),
            *((pair_value(p), f"{labels[p[0]]} – {labels[p[1]]}") for p in ROLE_PAIRS),
        ]
        self.fields["organisation"].queryset = organisations
        self.fields["owner"].queryset = owners

    def role_pair(self) -> tuple[str, str] | None:
        value = self.cleaned_data.get("pair") or ""
        first, _sep, second = value.partition("-")
        return (first, second) if first and second else None
