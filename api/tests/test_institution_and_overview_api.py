"""The institution's settings and audit trail, and the health overview, through the API."""

from urllib.parse import urlencode

import pytest

from api.tests.support import count_queries
from audit.models import AuditEntry
from audit.services import record
from network.models import Institution
from network.services import add_organisation_note
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english")


# Settings


def fingerprint(client) -> str:
    return client.get("/institution/settings").json()["fingerprint"]


def test_a_coordinator_reads_and_changes_the_settings(world, api_as):
    client = api_as(world.coordinator)
    assert client.get("/institution/settings").json()["stale_after_months"] == 6
    body = {"fingerprint": fingerprint(client), "stale_after_months": 9, "mission": "Leren met de stad."}
    response = client.patch("/institution/settings", body)
    assert response.status_code == 200, response.content
    assert (response.json()["stale_after_months"], response.json()["mission"]) == (9, "Leren met de stad.")
    assert Institution.objects.get(pk=world.a.pk).stale_after_months == 9
    assert AuditEntry.objects.filter(action="changed settings", institution=world.a).exists()


def test_the_stale_threshold_changes_what_the_relationship_list_calls_stale(world, api_as):
    rel = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    f.make_interaction(rel, days_ago=100)
    client = api_as(world.coordinator)
    client.patch("/institution/settings", {"fingerprint": fingerprint(client), "stale_after_months": 2})
    assert client.get("/relationships", stale="true").json()["count"] == 1


def test_bad_settings_are_refused_and_nothing_saved(world, api_as):
    client = api_as(world.coordinator)
    current = fingerprint(client)
    assert client.patch("/institution/settings", {"fingerprint": current, "stale_after_months": 0}).status_code == 422
    body = {"fingerprint": current, "website": "no web address", "stale_after_months": 8}
    response = client.patch("/institution/settings", body)
    assert response.status_code == 400 and response.json()["errors"]["website"]
    assert Institution.objects.get(pk=world.a.pk).stale_after_months == 6


def test_a_change_to_settings_someone_else_changed_gets_409(world, api_as):
    client = api_as(world.coordinator)
    current = fingerprint(client)
    assert client.patch("/institution/settings", {"fingerprint": current, "stale_after_months": 8}).status_code == 200
    response = client.patch("/institution/settings", {"fingerprint": current, "stale_after_months": 3})
    assert response.status_code == 409 and response.json()["errors"]["version"]
    assert Institution.objects.get(pk=world.a.pk).stale_after_months == 8


def test_the_web_settings_page_uses_the_same_service(world, as_user):
    response = as_user(world.coordinator).post("/settings/", {"mission": "", "website": "", "stale_after_months": 4})
    assert response.status_code == 302
    assert Institution.objects.get(pk=world.a.pk).stale_after_months == 4
    assert AuditEntry.objects.filter(action="changed settings", institution=world.a).count() == 1


def test_who_may_not_read_or_change_the_settings(world, api_as):
    for persona in ("faculty", "student", "partner"):
        client = api_as(getattr(world, persona))
        assert client.get("/institution/settings").status_code == 403, persona
        body = {"fingerprint": "x", "stale_after_months": 3}
        assert client.patch("/institution/settings", body).status_code == 403, persona
    assert api_as(None).get("/institution/settings").status_code == 401
    assert api_as(None).patch("/institution/settings", {"fingerprint": "x", "stale_after_months": 3}).status_code == 401
    # Another institution's coordinator changes their own institution only.
    outsider = api_as(world.outsider)
    body = {"fingerprint": fingerprint(outsider), "stale_after_months": 3}
    assert outsider.patch("/institution/settings", body).status_code == 200
    assert Institution.objects.get(pk=world.a.pk).stale_after_months == 6
    assert Institution.objects.get(pk=world.b.pk).stale_after_months == 3


# Audit trail


def test_a_coordinator_reads_the_institutions_audit_trail_and_not_anothers(world, api_as):
    add_organisation_note(world.org, by=world.faculty, text="Intern")
    add_organisation_note(world.org, by=world.outsider, text="Van B")
    rows = api_as(world.coordinator).get("/institution/audit", action="noted").json()["items"]
    assert [(r["action"], r["actor"], r["target"]) for r in rows] == [("noted", "Fien Docent", "Buurtwerk De Brug")]
    assert rows[0]["action_label"] == "added an internal note to"
    theirs = api_as(world.outsider).get("/institution/audit").json()["items"]
    assert [r["actor"] for r in theirs if r["actor"]] == ["Otto Buiten"]


def test_the_audit_trail_filters_by_action_record_and_actor(world, api_as):
    person = world.faculty_person
    record(world.coordinator, "changed", person)
    record(world.faculty, "deactivated", person)
    record(world.coordinator, "changed", world.org, institution_id=world.a.pk)
    client = api_as(world.coordinator)

    def actions(**filters):
        return [
            (r["action"], r["actor"]) for r in client.get("/institution/audit?" + urlencode(filters)).json()["items"]
        ]

    assert actions(action="deactivated") == [("deactivated", "Fien Docent")]
    assert actions(target_type="network.person", actor="cora") == [("changed", "Cora Coördinator")]
    assert len(actions(target_id=str(person.public_id))) == 3  # with its creation
    assert actions(since="2999-01-01") == []


def test_who_may_not_read_the_audit_trail(world, api_as):
    for persona in ("faculty", "student", "partner", "other_partner"):
        assert api_as(getattr(world, persona)).get("/institution/audit").status_code == 403, persona
    assert api_as(None).get("/institution/audit").status_code == 401


def test_the_audit_trail_runs_the_same_number_of_queries_for_3_or_30(world, api_as, django_assert_max_num_queries):
    client = api_as(world.coordinator)
    for _ in range(3):
        record(world.faculty, "changed", world.faculty_person)
    with django_assert_max_num_queries(8):
        small = count_queries(lambda: client.get("/institution/audit"))
    for _ in range(27):
        record(world.coordinator, "changed", world.faculty_person)
    assert count_queries(lambda: client.get("/institution/audit")) == small


# Health overview


def test_staff_read_the_overview_worst_first_with_flags_and_their_records(world, api_as):
    healthy = f.make_partnership(world.a, [world.org], [world.coord_person, world.faculty_person], title="Gezond")
    orphan = f.make_partnership(world.a, [world.other_org], [world.student_person], title="Wees")
    orphan.owners.clear()
    data = api_as(world.faculty).get("/health/overview").json()
    assert data["count"] == 2 and data["stale_after_months"] == 6
    titles = [row["title"] for row in data["items"]]
    assert titles == ["Wees", "Gezond"]
    flags = {flag["code"]: flag for flag in data["items"][0]["flags"]}
    assert "no_owner" in flags and flags["no_owner"]["records"][0]["id"] == str(orphan.public_id)
    assert "no_owner" not in {flag["code"] for flag in data["items"][1]["flags"]}
    assert data["items"][1]["organisations"][0]["name"] == "Buurtwerk De Brug"
    assert healthy.pk


def test_the_overview_filters_by_flag_stage_faculty_and_campus(world, api_as):
    f.make_partnership(world.a, [world.org], [world.coord_person, world.faculty_person], title="Twee", stage=4)
    f.make_partnership(world.a, [world.other_org], [world.coord_person], title="Een")
    campus = world.a.campuses.create(name="Campus Noord", slug="noord")
    f.make_partnership(world.a, [world.org], [world.coord_person], title="Noord", campus=campus)
    client = api_as(world.coordinator)

    def titles(**filters):
        response = client.get("/health/overview?" + urlencode(filters))
        assert response.status_code == 200, response.content
        return sorted(row["title"] for row in response.json()["items"])

    assert titles(flag="one_owner") == ["Een", "Noord"]
    assert titles(stage=4) == ["Twee"]
    assert titles(faculty="Fien Docent") == ["Twee"]
    assert titles(faculty=str(world.faculty_person.public_id)) == ["Twee"]
    assert titles(campus="noord") == ["Noord"]
    assert client.get("/health/overview", campus="zuid").status_code == 400
    assert client.get("/health/overview", flag="bogus").status_code == 422


def test_the_overview_pages(world, api_as):
    for i in range(3):
        f.make_partnership(world.a, [world.org], [world.coord_person], title=f"P{i}")
    client = api_as(world.coordinator)
    first = client.get("/health/overview", page_size=2).json()
    second = client.get("/health/overview", page_size=2, page=2).json()
    assert (first["count"], len(first["items"]), len(second["items"])) == (3, 2, 1)


def test_another_institution_sees_only_its_own_partnerships(world, api_as):
    f.make_partnership(world.a, [world.org], [world.coord_person], title="Van A")
    assert api_as(world.outsider).get("/health/overview").json()["items"] == []


def test_who_may_not_read_the_overview(world, api_as):
    for persona in ("student", "partner", "other_partner"):
        assert api_as(getattr(world, persona)).get("/health/overview").status_code == 403, persona
    assert api_as(None).get("/health/overview").status_code == 401


def test_the_overview_runs_the_same_number_of_queries_for_3_or_30(world, api_as, django_assert_max_num_queries):
    client = api_as(world.coordinator)

    def grow(n: int) -> None:
        for _ in range(n):
            org = f.make_organisation()
            rel = f.make_relationship(world.a, world.faculty_person, org, owners=[world.faculty_person])
            f.make_interaction(rel)
            f.make_partnership(world.a, [org], [world.coord_person])

    grow(3)
    with django_assert_max_num_queries(14):
        small = count_queries(lambda: client.get("/health/overview"))
    grow(27)
    assert count_queries(lambda: client.get("/health/overview")) == small
