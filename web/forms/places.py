"""Forms of the neighbourhood campus pages: facilities, the public request form, decisions, events.

Forms only check input; ``places.services`` applies the business rules and writes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core import signing
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.models import Campus, Organisation, Person
from places.geo import position_errors
from places.models import Booking, Facility, NeighbourhoodEvent
from places.selectors import organiser_choices
from web.forms.partnerships import ANY
from web.forms.widgets import DateInput

# The stamp says when the form was opened: a form open too long (or forged) is sent again. There is no
# minimum fill time: it refused fast typists and autofill; the honeypot and the rate limit keep scripts out.
FORM_STARTED_SALT = "places.booking-request.started"


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


class FacilityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Facility.Kind.choices)
    capacity = forms.IntegerField(label=_("Capacity (people)"), min_value=1, max_value=10000, initial=20)
    conditions_nl = forms.CharField(
        label=_("Conditions (Dutch)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What a user must know or do: opening hours, key, cleaning, costs. Shown on the public page."),
    )
    conditions_en = forms.CharField(
        label=_("Conditions (English)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    is_public = forms.BooleanField(label=_("Open to requests from the neighbourhood"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]

    @staticmethod
    def initial_for(facility: Facility) -> dict[str, Any]:
        initial = {name: getattr(facility, name) for name in FacilityForm.base_fields if name != "version"}
        initial["version"] = facility.version
        return initial

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class BookingRequestForm(forms.Form):
    """The public form: no account, so a honeypot, a minimum fill time and a rate limit (in the view)."""

    requester_name = forms.CharField(label=_("Your name"), max_length=200)
    requester_email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send the decision to this address, and use it for nothing else."),
    )
    group_name = forms.CharField(label=_("Group or organisation (optional)"), max_length=200, required=False)
    purpose = forms.CharField(
        label=_("What do you want to use it for?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Until"), widget=TimeInput())
    people = forms.IntegerField(label=_("Number of people"), min_value=1, max_value=10000)
    # Left empty by people: it is hidden from them and from screen readers. Bots fill in every field.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = signing.TimestampSigner(salt=FORM_STARTED_SALT).sign("form")

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def clean_started(self) -> str:
        value = self.cleaned_data["started"]
        signer = signing.TimestampSigner(salt=FORM_STARTED_SALT)
        try:
            signer.unsign(value, max_age=dt.timedelta(hours=12))
        except signing.BadSignature:  # also an expired one
            raise forms.ValidationError(
                _("This form was open too long. Check your request and send it again.")
            ) from None
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            tz = timezone.get_current_timezone()
            data["starts_at"] = dt.datetime.combine(day, start, tzinfo=tz)
            data["ends_at"] = dt.datetime.combine(day, end, tzinfo=tz)
            if end <= start:
                self.add_error("end_time", _("The end time must be after the start time."))
        if "started" in self.errors:
            # Give the next attempt a fresh start time.
            self.data = self.data.copy()
            self.data["started"] = signing.TimestampSigner(salt=FORM_STARTED_SALT).sign("form")
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "requester_name": data["requester_name"],
            "requester_email": data["requester_email"],
            "group_name": data.get("group_name", ""),
            "purpose": data["purpose"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "people": data["people"],
        }


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason or a word to the requester"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Goes into the mail to the requester. Required when you decline."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoteForm(forms.Form):
    internal_note = forms.CharField(
        label=_("Internal note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only staff of your institution see this; never the requester or the public."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class BookingFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ANY + Booking.Status.choices, required=False)
    facility = forms.ModelChoiceField(
        label=_("Facility"), queryset=Facility.objects.none(), required=False, to_field_name="public_id"
    )

    def __init__(self, *args: Any, campus: Campus, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = Facility.objects.filter(campus=campus)
        self.fields["facility"].empty_label = _("Any")

    def filter(self, queryset: QuerySet[Booking]) -> QuerySet[Booking]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("facility"):
            queryset = queryset.filter(facility=data["facility"])
        return queryset


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    organiser = forms.ModelChoiceField(
        label=_("Organiser"), queryset=Organisation.objects.none(), required=False, to_field_name="public_id"
    )
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attending from the institution"),
        queryset=Person.objects.none(),
        required=False,
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
    )
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    notes = forms.CharField(
        label=_("Internal notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, campus: Campus, people: QuerySet[Person], editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Organisers from around the campus only (the API offers the same), so the list stays short at region scale.
        self.fields["organiser"].queryset = organiser_choices(campus)
        self.fields["attendees"].queryset = people
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]

    def clean(self) -> dict[str, Any]:
        # The service holds the rule; asking it here too shows every error at once, not after the others.
        data = super().clean()
        for field, errors in position_errors(data.get("latitude"), data.get("longitude")).items():
            for error in errors:
                self.add_error(field, error)
        return data

    @staticmethod
    def initial_for(event: NeighbourhoodEvent) -> dict[str, Any]:
        return {
            "title": event.title,
            "date": event.date,
            "place": event.place,
            "organiser": event.organiser.public_id if event.organiser else None,
            "attendees": [p.public_id for p in event.attendees.all()],
            "latitude": event.latitude,
            "longitude": event.longitude,
            "notes": event.notes,
            "version": event.version,
        }

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["attendees"] = list(data["attendees"])
        return data
