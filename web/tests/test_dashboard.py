import pytest
from django.urls import reverse

from audit.models import AuditEntry
from network.models import Institution
from network.services import update_organisation
from partnerships.services import deactivate_person
from tests import factories as f


def _network(world, size: int) -> None:
    for i in range(size):
        org = f.make_organisation(f"Organisatie {i}")
        rel = f.make_relationship(world.a, world.faculty_person, org, owners=[world.faculty_person])
        f.make_interaction(rel, days_ago=400 if i % 2 else 3)


def test_the_dashboard_lists_stale_and_orphaned_relationships(world, as_user):
    leaver = f.make_person(world.a, first_name="Vera", last_name="Vertrokken")
    orphan = f.make_relationship(world.a, leaver, world.org, owners=[leaver])
    f.make_interaction(orphan, days_ago=2)
    deactivate_person(leaver, by=world.coordinator, leave_orphaned=True)
    stale = f.make_relationship(world.a, world.faculty_person, world.other_org, owners=[world.faculty_person])
    f.make_interaction(stale, days_ago=300)
    page = as_user(world.coordinator).get(reverse("dashboard")).content.decode()
    orphan_section = page.split('id="orphaned-h"')[1].split("</section>")[0]
    stale_section = page.split('id="stale-h"')[1].split("</section>")[0]
    assert "Vera Vertrokken" in orphan_section
    assert "Sportclub Elders" in stale_section
    assert "Sportclub Elders" not in orphan_section


def test_the_stale_threshold_is_the_institutions_setting(world, as_user):
    rel = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    f.make_interaction(rel, days_ago=75)
    client = as_user(world.coordinator)
    stale_section = client.get("/").content.decode().split('id="stale-h"')[1].split("</section>")[0]
    assert "Buurtwerk De Brug" not in stale_section
    response = client.post(reverse("institution-settings"), {"stale_after_months": 2, "mission": "", "website": ""})
    assert response.status_code == 302
    stale_section = client.get("/").content.decode().split('id="stale-h"')[1].split("</section>")[0]
    assert "Buurtwerk De Brug" in stale_section


def test_a_threshold_out_of_range_is_refused_with_a_message(world, as_user):
    response = as_user(world.coordinator).post(
        reverse("institution-settings"), {"stale_after_months": 0, "mission": "", "website": ""}
    )
    assert response.status_code == 200
    assert "1" in response.context["form"].errors["stale_after_months"][0]
    assert Institution.objects.get(pk=world.a.pk).stale_after_months == 6


@pytest.mark.parametrize("size", [2, 12])
def test_the_dashboard_runs_a_bounded_number_of_queries(world, as_user, django_assert_max_num_queries, size):
    _network(world, size)
    client = as_user(world.coordinator)
    with django_assert_max_num_queries(16):
        assert client.get("/").status_code == 200


def test_students_and_partners_are_sent_to_their_own_pages(world, as_user):
    assert as_user(world.student).get("/")["Location"] == reverse("engagement-list")
    assert as_user(world.partner).get("/")["Location"] == reverse("partner-home")


def test_the_dashboard_shows_only_the_own_institution(world, as_user):
    rel_b = f.make_relationship(world.b, world.outsider_person, world.org, owners=[world.outsider_person])
    f.make_interaction(rel_b, days_ago=2, summary="Geheim overleg van de andere hogeschool")
    page = as_user(world.coordinator).get("/").content.decode()
    assert "Geheim overleg" not in page
    assert "Otto" not in page


def test_the_audit_trail_is_for_the_office_of_the_institution_only(world, as_user):
    update_organisation(world.org, by=world.coordinator, expected_version=world.org.version, city="Gentbrugge")
    assert AuditEntry.objects.filter(institution=world.a).exists()
    page = as_user(world.coordinator).get(reverse("audit-log"))
    assert page.status_code == 200
    assert "Buurtwerk De Brug" in page.content.decode()
    assert as_user(world.faculty).get(reverse("audit-log")).status_code == 403
    assert "Buurtwerk" not in as_user(world.outsider).get(reverse("audit-log")).content.decode()
    assert as_user(None).get(reverse("audit-log")).status_code == 302
