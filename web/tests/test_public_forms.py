"""The public forms (a need, a booking request) as a person without an account meets them: groups of
checkboxes are fieldsets with a legend, a failed submit opens on an error summary that links to each field."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from network.models import TargetGroup, Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def terms() -> None:
    TargetGroup.objects.create(slug="kinderen", name_nl="Kinderen", name_en="Children")
    Theme.objects.create(slug="onderwijs", name_nl="Onderwijs", name_en="Education")


def test_the_groups_of_checkboxes_are_fieldsets_named_by_their_legend(client, terms) -> None:
    html = client.get(reverse("need-post"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    for legend in ("Voor wie", "Thema"):
        assert re.search(rf'<fieldset class="field choice-group"[^>]*>\s*<legend>{legend}', html), legend
    # No label points at nothing: every label's "for" names an element of the page.
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    assert [target for target in re.findall(r'<label for="([^"]*)"', html) if target not in ids] == []


def test_a_failed_submit_opens_on_a_summary_that_links_to_each_field_in_error(client, terms) -> None:
    response = client.post(reverse("need-post"), {"organisation_name": ""}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 400
    summary = re.search(r'<div class="form-errors error-summary"[^>]*data-error-summary[^>]*>(.*?)</div>', html, re.S)
    assert summary is not None and "There is a problem" in summary.group(1)
    links = re.findall(r'<a href="#([^"]+)">', summary.group(1))
    assert "id_organisation_name" in links and "id_contact_email" in links
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    assert set(links) <= ids  # each link lands on its field
