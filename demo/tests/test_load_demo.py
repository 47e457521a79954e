"""``manage.py load_demo``: both cases of the deck, a generated network, logins that work, loaded once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from accounts.models import User
from demo.management.commands.load_demo import LOGINS, PASSWORD
from matching.tasks import digest_recipients
from network.models import Institution, Interaction, Organisation, Person, Relationship
from network.selectors import orphaned_relationships, stale_relationships
from partnerships.models import Partnership, PartnershipParty

# A tenth of the generated part keeps the tests quick; the hand-written cases are always whole.
SCALE = "0.05"


def load(*args: str) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("load_demo", "--scale", SCALE, *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = (Institution, Organisation, Person, Relationship, Interaction, Partnership, User)
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
def test_an_empty_database_gets_both_cases_risks_on_the_dashboard_and_logins_that_work() -> None:
    output = load()

    ghent_campus = Partnership.objects.get(title="Buurtcampus Watersportbaan")
    assert ghent_campus.basis == Partnership.Basis.PLACE
    assert ghent_campus.campus.name == "Campus Watersportbaan"
    assert round(ghent_campus.campus.latitude, 2) == 51.05 and round(ghent_campus.campus.longitude, 2) == 3.70
    assert {"Wijkactieteam Watersportbaan", "KAA Gent Foundation", "Departement Omgeving"} <= set(
        ghent_campus.organisations.values_list("name", flat=True)
    )
    fronts = set(ghent_campus.engagements.values_list("front", flat=True))
    directions = set(ghent_campus.engagements.values_list("direction", flat=True))
    assert fronts == {"infrastructure", "education", "network"}
    assert directions == {"to_neighbourhood", "to_campus"}

    tada = Partnership.objects.get(institution__name="KU Leuven", organisations__name__startswith="TADA")
    assert tada.basis == Partnership.Basis.MISSION and tada.start_date.year == 2022
    joined_2024 = PartnershipParty.objects.filter(partnership=tada, joined_on__year=2024)
    assert "Stad Leuven" in set(joined_2024.values_list("organisation__name", flat=True))

    ghent = ghent_campus.institution
    assert stale_relationships(ghent).exists()
    assert orphaned_relationships(ghent).exists()

    assert PASSWORD in output
    for username in [login.username for login in LOGINS] + ["admin"]:
        assert username in output
        assert Client().login(username=username, password=PASSWORD), username
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="partner.tada").organisation.name.startswith("TADA")

    # Proposals to the demo's partners reach a verified contact: a partner login, or a confirmed mail contact.
    for name in ("Wijkactieteam Watersportbaan", "KAA Gent Foundation", "Stad Leuven"):
        recipients, _language = digest_recipients(Organisation.objects.get(name=name).pk)
        assert recipients, name
    tada = User.objects.get(username="partner.tada")
    assert tada.email in digest_recipients(tada.organisation_id)[0]


@pytest.mark.django_db
def test_loading_again_adds_nothing_and_reset_loads_it_afresh_without_duplicates() -> None:
    load()
    before = row_counts()

    assert "already loaded" in load()
    assert row_counts() == before

    load("--reset")
    assert row_counts() == before
    assert Organisation.objects.filter(name="Wijkactieteam Watersportbaan").count() == 1
