"""The Django admin: for data fixes, through the same visibility scopes and permissions as the web."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEntry
from engagements.models import Course
from network.models import SofarRole
from partnerships.models import Partnership
from tests import factories as f


@pytest.fixture
def superuser(world) -> User:
    return User.objects.create_superuser("root", "root@example.org", f.PASSWORD, language="en")


@pytest.fixture
def data(world):
    course = f.make_course(world.a, [world.faculty_person], title="Buurtgericht werken")
    rel = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    f.make_interaction(rel)
    return {
        "ours": f.make_partnership(world.a, [world.org], [world.coord_person], title="Partnerschap van UAS"),
        "theirs": f.make_partnership(world.b, [world.other_org], [world.outsider_person], title="Partnerschap van HB"),
        "course": course,
        "engagement": f.make_engagement(
            world.a, course=course, organisation=world.org, participants=[(world.student_person, SofarRole.STUDENT, 4)]
        ),
    }


def _changelist(model: type) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_a_superuser_opens_the_changelist_of_every_registered_model(as_user, superuser, data):
    client = as_user(superuser)
    assert client.get(reverse("admin:index")).status_code == 200
    for model in admin.site._registry:
        response = client.get(_changelist(model))
        assert response.status_code == 200, model


def test_a_superuser_opens_the_change_and_history_pages_of_a_partnership(as_user, superuser, data):
    client = as_user(superuser)
    p = data["ours"]
    change = reverse("admin:partnerships_partnership_change", args=[p.pk])
    assert "Partnerschap van UAS" in client.get(change).content.decode()
    assert client.get(reverse("admin:partnerships_partnership_history", args=[p.pk])).status_code == 200
    assert client.get(reverse("admin:engagements_engagement_change", args=[data["engagement"].pk])).status_code == 200


def test_a_superuser_sees_every_institutions_rows(as_user, superuser, data):
    page = as_user(superuser).get(_changelist(Partnership)).content.decode()
    assert "Partnerschap van UAS" in page
    assert "Partnerschap van HB" in page


@pytest.mark.parametrize("persona", ["coordinator", "faculty", "student", "partner", "outsider"])
def test_a_user_without_staff_status_cannot_reach_the_admin(world, as_user, data, persona):
    client = as_user(getattr(world, persona))
    for url in (reverse("admin:index"), _changelist(Partnership), _changelist(User)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client, data):
    response = client.get(_changelist(Partnership))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.fixture
def staff_coordinator(world) -> User:
    """A coordinator given admin access and the model permission to change partnerships and courses."""
    user = world.coordinator
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        Permission.objects.get(codename="change_partnership"), Permission.objects.get(codename="change_course")
    )
    return User.objects.get(pk=user.pk)


def test_a_staff_coordinator_sees_only_their_institutions_partnerships_in_the_admin(as_user, staff_coordinator, data):
    client = as_user(staff_coordinator)
    page = client.get(_changelist(Partnership)).content.decode()
    assert "Partnerschap van UAS" in page
    assert "Partnerschap van HB" not in page
    response = client.get(reverse("admin:partnerships_partnership_change", args=[data["theirs"].pk]))
    # The admin treats a row outside the scope as missing.
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_a_staff_coordinator_sees_no_records_without_a_visibility_scope(as_user, staff_coordinator, data):
    client = as_user(staff_coordinator)
    assert client.get(_changelist(AuditEntry)).status_code == 403
    assert client.get(_changelist(User)).status_code == 403


def test_a_change_in_the_admin_bumps_the_version_and_is_audited(as_user, superuser, data):
    course: Course = data["course"]
    before = course.version
    url = reverse("admin:engagements_course_change", args=[course.pk])
    response = as_user(superuser).post(
        url,
        {
            "institution": course.institution_id,
            "code": "",
            "title": "Buurtgericht werken (gecorrigeerd)",
            "programme": "",
            "academic_year": "2026-2027",
            "description": "",
            "teachers": [t.pk for t in course.teachers.all()],
            "campus": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    course.refresh_from_db()
    assert course.title == "Buurtgericht werken (gecorrigeerd)"
    assert course.version == before + 1
    entry = AuditEntry.objects.filter(action="changed in admin", target_id=str(course.public_id)).get()
    assert entry.actor == superuser
    assert "title" in entry.changes["fields"]
