"""The demo's mission-based partnership gets its agreements of 2022 and 2024."""

from __future__ import annotations

import io

from agreements.demo import load_demo_agreements
from agreements.models import Agreement, Signature
from tests import factories as f


def test_the_demo_adds_the_2022_agreement_and_the_signed_widening_of_2024(world, django_capture_on_commit_callbacks):
    tada = f.make_organisation("TADA (ToekomstATELIERdelAvenir)")
    f.make_partnership(
        world.a, [tada], [world.coord_person], title="KU Leuven en TADA: samen tegen onderwijsongelijkheid"
    )
    out = io.StringIO()
    widened = load_demo_agreements(out)
    first = Agreement.objects.exclude(pk=widened.pk).get()
    assert first.status == Agreement.Status.ENDED and first.valid_from.year == 2022
    assert widened.status == Agreement.Status.ACTIVE
    assert widened.versions.count() == 2
    signed = Signature.objects.filter(version__agreement=widened)
    assert {s.version.number for s in signed} == {2} and signed.count() == 3
    assert signed.first().signed_at.year == 2024
    assert "Stad Leuven" in widened.versions.get(number=2).content["roles_partner"]
    # A second load changes nothing.
    load_demo_agreements(out)
    assert Agreement.objects.count() == 2


def test_the_demo_says_so_when_the_partnership_is_missing(db):
    out = io.StringIO()
    assert load_demo_agreements(out) is None
    assert "No KU Leuven" in out.getvalue()
