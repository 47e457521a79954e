"""An empty page says what to do next: the Reflection home without reflections leads to the courses."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.parametrize("persona", ["faculty", "coordinator"])
def test_the_reflection_home_without_reflections_leads_to_a_course(world, client, persona):
    user = getattr(world, persona)
    user.language = "nl"
    user.save(update_fields=["language"])
    client.force_login(user)
    html = client.get(reverse("reflection-home")).content.decode()
    assert "Nog geen reflecties." in html
    assert f'<a class="button primary" href="{reverse("course-list")}">Kies een vak</a>' in html
    assert "Reflecteren over dit vak" in html  # names the button to look for on the course


def test_a_year_without_reflections_offers_every_year(world, client):
    client.force_login(world.faculty)
    html = client.get(reverse("reflection-home"), {"year": "1999-2000"}).content.decode()
    assert f'href="{reverse("reflection-home")}"' in html and "Kies een vak" not in html
