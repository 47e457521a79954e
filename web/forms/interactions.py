"""The contact-moment form, used on the organisation, relationship and partnership pages alike."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.models import Interaction, Person, Relationship
from web.forms.search_select import SearchSelect, ShortSelect
from web.forms.widgets import DateInput


class InteractionForm(forms.Form):
    SIDES = [("ours", _("Our side")), ("theirs", _("The partner's side")), ("both", _("Both together"))]

    relationship = forms.ModelChoiceField(
        queryset=Relationship.objects.none(),
        required=False,
        label=_("Relationship"),
        empty_label=_("My own contact with them"),
        widget=ShortSelect(),
    )
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput())
    channel = forms.ChoiceField(label=_("Channel"), choices=Interaction.Channel.choices)
    mode = forms.ChoiceField(label=_("Direct or indirect"), choices=Interaction.Mode.choices)
    intermediary = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        to_field_name="public_id",
        required=False,
        label=_("Intermediary"),
        help_text=_("Only for indirect contact."),
        widget=SearchSelect(),
    )
    initiated_by = forms.ChoiceField(label=_("Who took the initiative"), choices=SIDES, initial="ours")
    decision = forms.ChoiceField(
        label=_("Was a decision taken? Proposed by"),
        choices=[("", _("No decision")), *SIDES],
        required=False,
    )
    summary = forms.CharField(
        label=_("Summary"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000})
    )
    summary_shared = forms.BooleanField(
        label=_("The partner organisation may read this summary"),
        help_text=_("Without it, the partner sees only the date, the channel and who took part."),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        relationships: QuerySet[Relationship] | None,
        people: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("occurred_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        if relationships is None:
            # The page is about one relationship already: nothing to choose.
            del self.fields["relationship"]
        else:
            self.fields["relationship"].queryset = relationships.with_actors()
        self.fields["intermediary"].queryset = people
