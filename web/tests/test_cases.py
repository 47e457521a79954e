"""Practice examples: the office makes and publishes a case; the public pages show nothing private."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from network.models import Theme
from network.services import add_organisation_note
from reflection.models import CasePhoto, PracticeCase
from reflection.services import add_photo, create_case, publish_case, record_consent
from reflection.tests.helpers import png_upload
from tests import factories as f


@pytest.fixture(autouse=True)
def media_in_tmp(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def en(world):
    for user in (world.coordinator, world.faculty, world.student, world.partner, world.other_partner, world.outsider):
        user.language = "en"
        user.save(update_fields=["language"])
    return world


@pytest.fixture
def partnership(en):
    return f.make_partnership(
        en.a, [en.org, en.other_org], [en.coord_person], title="Buurtcampus intern", summary="INTERNE SAMENVATTING"
    )


@pytest.fixture
def case(en, partnership):
    return create_case(
        partnership, by=en.coordinator, title="Samen in de wijk", story="Studenten en buren bouwen samen.",
        lessons="Begin klein.", forms=["service_learning"],
    )  # fmt: skip


def _published(en, partnership, *, consent: bool = True, **kw) -> PracticeCase:
    case = create_case(partnership, by=en.coordinator, **{"title": "Samen in de wijk", "story": "Een verhaal.", **kw})
    if consent:
        record_consent(case, by=en.coordinator, organisation=en.org, given_by="Pia Partner, coördinator",
                       given_on=dt.date(2026, 1, 5))  # fmt: skip
    publish_case(case, by=en.coordinator, expected_version=case.version)
    return case


def test_the_office_turns_a_partnership_into_a_draft_case(en, as_user, partnership):
    client = as_user(en.coordinator)
    form = client.get(reverse("case-create") + f"?partnership={partnership.public_id}")
    assert form.status_code == 200 and "Buurtcampus intern" in form.content.decode()
    data = {"partnership": str(partnership.public_id), "title": "Samen in de wijk", "story": "Een verhaal.",
            "collaboration_forms": ["service_learning", "open_building"]}  # fmt: skip
    response = client.post(reverse("case-create"), data)
    case = PracticeCase.objects.get()
    assert response.url == reverse("case-manage", args=[case.public_id])
    assert case.slug == "samen-in-de-wijk" and not case.published
    assert sorted(case.forms.values_list("kind", flat=True)) == ["open_building", "service_learning"]
    assert client.get(reverse("case-detail", args=[case.slug])).status_code == 404


def test_a_case_without_a_story_is_refused(en, as_user, partnership):
    response = as_user(en.coordinator).post(
        reverse("case-create"), {"partnership": str(partnership.public_id), "title": "Zonder verhaal"}
    )
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert not PracticeCase.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("faculty", 403), ("student", 403), ("partner", 403)])
def test_only_the_office_manages_cases(en, as_user, case, persona, status):
    client = as_user(getattr(en, persona))
    assert client.get(reverse("case-manage-list")).status_code == status
    assert client.get(reverse("case-manage", args=[case.public_id])).status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "other_partner"])
def test_others_do_not_find_an_institutions_case(en, as_user, case, persona):
    client = as_user(getattr(en, persona))
    assert client.get(reverse("case-manage", args=[case.public_id])).status_code == 404
    assert client.post(reverse("case-publish", args=[case.public_id]), {"version": "1"}).status_code == 404
    assert client.get(reverse("case-preview", args=[case.public_id])).status_code == 404


def test_the_outsider_cannot_start_a_case_from_another_institutions_partnership(en, as_user, partnership):
    response = as_user(en.outsider).get(reverse("case-create") + f"?partnership={partnership.public_id}")
    assert response.status_code == 404


def test_an_anonymous_visitor_must_log_in_to_manage_but_reads_the_public_pages(en, client, partnership):
    case = _published(en, partnership)
    response = client.get(reverse("case-manage", args=[case.public_id]))
    assert response.status_code == 302 and "/login/" in response.url
    assert client.get(reverse("case-list")).status_code == 200
    assert client.get(reverse("case-detail", args=[case.slug])).status_code == 200


def test_the_public_page_names_only_consenting_partners_and_nothing_private(en, client, partnership):
    add_organisation_note(en.org, by=en.coordinator, text="GEHEIME NOTITIE over de partner")
    case = _published(en, partnership)
    add_photo(case, by=en.coordinator, upload=png_upload(), alt_text="Studenten op het plein", caption="Op het plein")
    for url in (reverse("case-detail", args=[case.slug]), reverse("case-list")):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Buurtwerk De Brug" in page
        assert "Sportclub Elders" not in page and "a non-profit organisation" in page
        for private in ("GEHEIME NOTITIE", "INTERNE SAMENVATTING", "Buurtcampus intern", "Cora", "Coördinator",
                        "Pia Partner", "@", "Sam Student"):  # fmt: skip
            assert private not in page, private
    detail = client.get(reverse("case-detail", args=[case.slug])).content.decode()
    assert 'alt="Studenten op het plein"' in detail


def test_publishing_a_story_that_names_a_partner_without_consent_is_refused(en, as_user, partnership):
    case = create_case(partnership, by=en.coordinator, title="Met Sportclub Elders", story="Een verhaal.")
    response = as_user(en.coordinator).post(reverse("case-publish", args=[case.public_id]), {"version": case.version})
    assert response.status_code == 400
    assert "The text names Sportclub Elders without their consent." in response.content.decode()
    case.refresh_from_db()
    assert not case.published


def test_the_office_publishes_and_takes_a_case_offline(en, as_user, case):
    client = as_user(en.coordinator)
    assert client.post(reverse("case-publish", args=[case.public_id]), {"version": case.version}).status_code == 302
    case.refresh_from_db()
    assert case.published and case.published_at
    assert client.get(reverse("case-detail", args=[case.slug])).status_code == 200
    client.post(reverse("case-publish", args=[case.public_id]), {"version": case.version, "publish": "0"})
    assert client.get(reverse("case-detail", args=[case.slug])).status_code == 404


def test_editing_a_case_someone_changed_meanwhile_is_refused(en, as_user, case):
    client = as_user(en.coordinator)
    data = {"title": "Eerste", "story": "Een", "version": str(case.version)}
    assert client.post(reverse("case-manage", args=[case.public_id]), data).status_code == 302
    data.update(title="Tweede")
    response = client.post(reverse("case-manage", args=[case.public_id]), data)
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.title == "Eerste"


def test_consent_is_recorded_and_withdrawn_and_bad_input_is_refused(en, as_user, case):
    client = as_user(en.coordinator)
    bad = client.post(reverse("case-consent", args=[case.public_id]), {"organisation": str(en.org.public_id)})
    assert bad.status_code == 400 and "This field is required." in bad.content.decode()
    stranger = f.make_organisation("Vzw Elders")
    bad = client.post(reverse("case-consent", args=[case.public_id]),
                      {"organisation": str(stranger.public_id), "given_by": "X", "given_on": "2026-01-01"})  # fmt: skip
    assert bad.status_code == 400 and not case.consents.exists()
    good = {"organisation": str(en.org.public_id), "given_by": "Pia, coördinator", "given_on": "2026-01-05"}
    assert client.post(reverse("case-consent", args=[case.public_id]), good).status_code == 302
    assert case.consents.get().given_by == "Pia, coördinator"
    url = reverse("case-consent-withdraw", args=[case.public_id, en.org.public_id])
    assert client.post(url).status_code == 302
    assert not case.consents.exists()


def test_a_photo_needs_a_description_and_a_real_image(en, as_user, case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = as_user(en.coordinator)
    url = reverse("case-photo-add", args=[case.public_id])
    no_alt = client.post(url, {"image": png_upload(), "alt_text": ""})
    assert no_alt.status_code == 400 and "Describe the photo for people who cannot see it." in no_alt.content.decode()
    fake = client.post(url, {"image": SimpleUploadedFile("x.jpg", b"<script>"), "alt_text": "Foto"})
    assert fake.status_code == 400 and "use JPEG, PNG or WebP" in fake.content.decode()
    assert not CasePhoto.objects.exists()
    assert client.post(url, {"image": png_upload(), "alt_text": "Foto van de wijk"}).status_code == 302
    photo = CasePhoto.objects.get()
    served = client.get(reverse("case-photo", args=[case.slug, photo.public_id]))
    assert served["Content-Type"] == "image/png"
    # Read to the end: the test client's wrapper closes the file (no second close, which would
    # close the test's database connection on PostgreSQL).
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")


def test_a_drafts_photo_is_not_served_to_the_public(en, client, case):
    photo = add_photo(case, by=en.coordinator, upload=png_upload(), alt_text="Foto")
    assert client.get(reverse("case-photo", args=[case.slug, photo.public_id])).status_code == 404


def test_the_public_list_is_searchable_by_text_theme_and_form(en, client, partnership):
    theme = Theme.objects.create(slug="onderwijs", name_nl="Onderwijs", name_en="Education")
    _published(en, partnership, title="Huiswerkklas", story="Studenten helpen bij huiswerk.", themes=[theme])
    _published(en, partnership, title="Sporthal open", story="De sporthal gaat open.", forms=["open_building"])
    url = reverse("case-list")

    def titles(**params: str) -> set[str]:
        page = client.get(url, params).content.decode()
        return {t for t in ("Huiswerkklas", "Sporthal open") if t in page}

    assert titles() == {"Huiswerkklas", "Sporthal open"}
    assert titles(q="huiswerk") == {"Huiswerkklas"}
    assert titles(theme="onderwijs") == {"Huiswerkklas"}
    assert titles(form="open_building") == {"Sporthal open"}


@pytest.mark.parametrize("cases", [3, 30])
def test_the_public_list_runs_a_bounded_number_of_queries(
    en, client, partnership, django_assert_max_num_queries, cases
):
    for n in range(cases):
        _published(en, partnership, title=f"Verhaal {n}")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("case-list"))
    assert response.status_code == 200
    case = PracticeCase.objects.first()
    with django_assert_max_num_queries(10):
        assert client.get(reverse("case-detail", args=[case.slug])).status_code == 200
