"""The campus settings form: address, location, the neighbourhood's name and shape, the anchor.

The drawn area travels as GeoJSON text: the drawing tool on the page writes it, and without JavaScript
an office can paste one (from the city's open-data portal, say). ``places.neighbourhood`` checks it and the
view puts its refusal next to the field.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from network.models import Campus, Person
from places.neighbourhood import MAX_AREA_BYTES, MAX_RADIUS_M, MIN_RADIUS_M
from web.forms.search_select import SearchSelect


class CampusNeighbourhoodForm(forms.Form):
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        help_text=_("In decimal degrees, e.g. 51.0478. Or drag the campus marker on the map."),
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        help_text=_("In decimal degrees, e.g. 3.7270."),
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    neighbourhood_name = forms.CharField(
        label=_("Name of the neighbourhood"),
        max_length=200,
        required=False,
        help_text=_("As people there call it, e.g. Watersportbaan."),
    )
    neighbourhood_radius_m = forms.IntegerField(
        label=_("Radius (metres)"),
        min_value=MIN_RADIUS_M,
        max_value=MAX_RADIUS_M,
        help_text=_("The neighbourhood is this circle around the campus, unless you draw an area."),
    )
    neighbourhood_area = forms.CharField(
        label=_("Drawn area (GeoJSON)"),
        required=False,
        max_length=MAX_AREA_BYTES,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "class": "mono"}),
        help_text=_(
            "Draw the area on the map, or paste a GeoJSON polygon (longitude, latitude). Leave empty to use the radius."
        ),
    )
    anchor = forms.ModelChoiceField(
        label=_("Neighbourhood anchor"),
        queryset=Person.objects.none(),
        required=False,
        to_field_name="public_id",
        widget=SearchSelect(),
        help_text=_("The institution's visible contact person in the neighbourhood; they decide on requests."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, campus: Campus, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["anchor"].queryset = Person.objects.filter(
            institution_id=campus.institution_id, is_active=True
        ).order_by("last_name", "first_name", "id")

    @staticmethod
    def initial_for(campus: Campus) -> dict[str, Any]:
        initial = {name: getattr(campus, name) for name in CampusNeighbourhoodForm.base_fields}
        initial["anchor"] = campus.anchor.public_id if campus.anchor else None
        initial["neighbourhood_area"] = json.dumps(campus.neighbourhood_area) if campus.neighbourhood_area else ""
        return initial

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data
