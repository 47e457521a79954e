import pytest
from django.core import mail

from agreements.models import Agreement, AgreementVersion, Signatory
from agreements.services import create_agreement, sign, signatory_for_token, update_agreement
from agreements.tests.helpers import content, send
from api.tests.support import count_queries
from partnerships.models import Partnership
from tests import factories as f


@pytest.fixture
def ps(world) -> Partnership:
    """A partnership of institution A with Buurtwerk De Brug, owned by Cora (the coordinator)."""
    return f.make_partnership(world.a, [world.org], [world.coord_person], title="Huiswerkklas De Brug")


@pytest.fixture
def draft(world, ps) -> Agreement:
    return create_agreement(by=world.coordinator, partnership=ps, content=content())


@pytest.fixture
def sent(world, draft, django_capture_on_commit_callbacks) -> Agreement:
    send(draft, world.coordinator, django_capture_on_commit_callbacks)
    return draft


def path(agreement: Agreement, tail: str = "") -> str:
    return f"/agreements/{agreement.public_id}{tail}"


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["items"]]


SIGNATORIES = [
    {"party": "institution", "name": "Cora Coördinator", "email": "cora@uas.example", "role": "Coördinator"},
    {"party": "organisation", "name": "Pia Partner", "email": "pia@brug.example", "language": "en"},
]


# List


def test_staff_list_their_agreements_and_filter_them(world, api_as, draft, ps):
    engagement = f.make_engagement(world.a, organisation=world.org, title="Leesproject")
    create_agreement(by=world.coordinator, engagement=engagement, content=content(title="Leesafspraken"))
    client = api_as(world.faculty)
    assert titles(client.get("/agreements")) == ["Leesafspraken", "Afspraken huiswerkklas"]
    assert titles(client.get("/agreements", partnership=str(ps.public_id))) == ["Afspraken huiswerkklas"]
    assert titles(client.get("/agreements", engagement=str(engagement.public_id))) == ["Leesafspraken"]
    assert titles(client.get("/agreements", status="sent")) == []
    assert titles(client.get("/agreements", q="lees")) == ["Leesafspraken"]
    row = client.get("/agreements").json()["items"][1]
    assert (row["status"], row["version"], row["partnership"]["title"]) == ("draft", 1, "Huiswerkklas De Brug")


def test_a_partner_sees_an_agreement_only_once_it_was_sent(world, api_as, draft, django_capture_on_commit_callbacks):
    assert titles(api_as(world.partner).get("/agreements")) == []
    send(draft, world.coordinator, django_capture_on_commit_callbacks)
    assert titles(api_as(world.partner).get("/agreements")) == ["Afspraken huiswerkklas"]


def test_outsiders_and_other_partners_see_no_agreements(world, api_as, sent):
    assert titles(api_as(world.outsider).get("/agreements")) == []
    assert titles(api_as(world.other_partner).get("/agreements")) == []
    assert titles(api_as(world.student).get("/agreements")) == []
    assert api_as(None).get("/agreements").status_code == 401


def test_the_agreement_list_runs_the_same_number_of_queries_for_3_or_15(world, api_as):
    client = api_as(world.coordinator)

    def make(n: int) -> None:
        for _ in range(n):
            partnership = f.make_partnership(world.a, [f.make_organisation()], [world.coord_person])
            create_agreement(by=world.coordinator, partnership=partnership, content=content())
        engagement = f.make_engagement(world.a, organisation=world.org)
        create_agreement(by=world.coordinator, engagement=engagement, content=content())

    make(3)
    small = count_queries(lambda: client.get("/agreements"))
    make(12)
    assert count_queries(lambda: client.get("/agreements")) == small


# Detail, versions, diff


def test_the_detail_shows_versions_with_hash_and_who_signed_per_party(
    world, api_as, draft, django_capture_on_commit_callbacks
):
    tokens = send(draft, world.coordinator, django_capture_on_commit_callbacks)
    signatory = signatory_for_token(tokens["cora@uas.example"])
    sign(signatory, name="Cora Coördinator", role="Coördinator", content_hash=signatory.version.content_hash)
    sent = Agreement.objects.get(pk=draft.pk)
    response = api_as(world.coordinator).get(path(sent))
    assert response.status_code == 200
    data = response.json()
    [version] = data["versions"]
    assert (version["number"], version["frozen"]) == (1, True)
    assert version["content_hash"] == AgreementVersion.objects.get(agreement=sent).content_hash
    parties = {p["party"]: (p["asked"], p["signed"]) for p in version["parties"]}
    assert parties == {"institution": (1, 1), "organisation": (1, 0)}
    assert data["status"] == "partly_signed" and data["can_change"] is True and data["can_send"] is False
    assert "token" not in response.content.decode()


def test_a_partner_reads_the_sent_version_but_not_the_newer_draft(world, api_as, sent):
    update_agreement(sent, by=world.coordinator, expected_version=sent.version, content=content(activity="Nieuw"))
    partner = api_as(world.partner)
    response = partner.get(path(sent))
    assert response.status_code == 200
    assert [v["number"] for v in response.json()["versions"]] == [1]
    assert response.json()["can_change"] is False
    assert partner.get(path(sent, "/versions/1")).status_code == 200
    assert partner.get(path(sent, "/versions/2")).status_code == 404
    assert [v["number"] for v in api_as(world.coordinator).get(path(sent)).json()["versions"]] == [2, 1]


def test_outsiders_get_404_for_an_agreement(world, api_as, sent):
    for user in (world.outsider, world.other_partner, world.student):
        for tail in ("", "/versions/1", "/diff", "/calendar"):
            assert api_as(user).get(path(sent, tail)).status_code == 404, (user, tail)


def test_a_partner_gets_404_for_a_draft(world, api_as, draft):
    assert api_as(world.partner).get(path(draft)).status_code == 404
    assert api_as(world.partner).get(path(draft, "/versions/1")).status_code == 404


def test_an_anonymous_caller_gets_401_for_an_agreement(world, api_as, sent):
    for tail in ("", "/versions/1", "/diff", "/calendar"):
        assert api_as(None).get(path(sent, tail)).status_code == 401, tail


def test_one_version_shows_its_content_section_by_section(world, api_as, draft):
    response = api_as(world.coordinator).get(path(draft, "/versions/1"))
    assert response.status_code == 200
    data = response.json()
    assert data["content"]["common_goal"].startswith("Minder schooluitval")
    assert data["content"]["balance"]["partner"]["gives"] == "Een lokaal en een begeleider"
    assert [e["title"] for e in data["content"]["evaluations"]] == ["Tussentijdse evaluatie", "Slotevaluatie"]
    assert data["frozen"] is False
    assert api_as(world.coordinator).get(path(draft, "/versions/9")).status_code == 404
    assert api_as(world.coordinator).get(path(draft, "/versions/99999999999")).status_code == 404


def test_the_diff_shows_word_by_word_what_changed_between_versions(world, api_as, sent):
    update_agreement(
        sent, by=world.coordinator, expected_version=sent.version, content=content(adjustment="Maandelijks overleg.")
    )
    response = api_as(world.coordinator).get(path(sent, "/diff"))
    assert response.status_code == 200
    data = response.json()
    assert (data["old"], data["new"]) == (1, 2)
    changed = [s for s in data["sections"] if s["changed"]]
    assert [s["label"] for s in changed] == ["How we adjust along the way"]
    ops = {(p["op"], p["text"]) for p in changed[0]["pieces"]}
    assert ("insert", "Maandelijks") in ops and ("delete", "Tussentijds") in ops


def test_a_diff_with_one_version_or_an_unknown_version_is_refused(world, api_as, draft):
    client = api_as(world.coordinator)
    response = client.get(path(draft, "/diff"))
    assert response.status_code == 400
    assert response.json()["detail"] == "There is only one version so far: nothing to compare."
    response = client.get(path(draft, "/diff"), old=1, new=4)
    assert response.status_code == 400
    assert response.json()["errors"] == {"new": ["This agreement has no version 4."]}
    assert client.get(path(draft, "/diff"), old=0).status_code == 422


# Calendar and templates


def test_the_calendar_urls_serve_the_feeds(world, api_as, sent):
    response = api_as(world.coordinator).get(path(sent, "/calendar"))
    assert response.status_code == 200
    urls = response.json()
    assert urls["agreements"] == api_as(world.coordinator).get("/agreements/calendar").json()["agreements"]
    for url in urls.values():
        feed = api_as(None).client.get(url)
        assert feed.status_code == 200
        assert b"Tussentijdse evaluatie" in feed.content


def test_staff_list_the_agreement_templates(world, api_as):
    response = api_as(world.faculty).get("/agreements/templates")
    assert response.status_code == 200
    assert {"service-learning", "strategic"} <= {row["slug"] for row in response.json()["items"]}
    assert api_as(None).get("/agreements/templates").status_code == 401


# Draft


def test_the_owner_drafts_an_agreement_from_a_template(world, api_as, ps):
    body = {"partnership": str(ps.public_id), "template": "service-learning", "common_goal": "Samen lezen."}
    response = api_as(world.coordinator).post("/agreements", body)
    assert response.status_code == 201, response.content
    agreement = Agreement.objects.get(public_id=response.json()["id"])
    version = agreement.versions.get()
    assert (agreement.title, agreement.partnership, agreement.status) == ("Huiswerkklas De Brug", ps, "draft")
    assert version.content["common_goal"] == "Samen lezen."
    assert version.content["activity"], "the template fills the sections the request leaves empty"
    assert response.json()["versions"][0]["content_hash"] == version.content_hash


def test_staff_draft_an_agreement_for_an_engagement(world, api_as):
    engagement = f.make_engagement(world.a, organisation=world.org, title="Leesproject")
    response = api_as(world.faculty).post("/agreements", {"engagement": str(engagement.public_id), "title": "Lezen"})
    assert response.status_code == 201
    assert Agreement.objects.get().engagement == engagement


def test_faculty_who_do_not_own_the_partnership_and_partners_may_not_draft(world, api_as, ps):
    for user in (world.faculty, world.partner):
        assert api_as(user).post("/agreements", {"partnership": str(ps.public_id)}).status_code == 403, user
    assert not Agreement.objects.exists()


def test_another_institution_or_partner_cannot_draft_for_our_partnership(world, api_as, ps):
    for user in (world.outsider, world.other_partner):
        response = api_as(user).post("/agreements", {"partnership": str(ps.public_id)})
        assert response.status_code == 400, user
        assert response.json()["errors"]["partnership"]
    assert api_as(None).post("/agreements", {"partnership": str(ps.public_id)}).status_code == 401
    assert not Agreement.objects.exists()


def test_a_draft_about_nothing_or_ending_before_it_starts_is_refused(world, api_as, ps):
    client = api_as(world.coordinator)
    response = client.post("/agreements", {"title": "Los"})
    assert response.status_code == 400
    assert response.json()["errors"]["partnership"] == ["An agreement is about one partnership or one engagement."]
    body = {"partnership": str(ps.public_id), "valid_from": "2027-01-01", "valid_until": "2026-01-01"}
    response = client.post("/agreements", body)
    assert response.status_code == 400
    assert response.json()["errors"] == {"valid_until": ["The agreement cannot end before it starts."]}
    response = client.post("/agreements", {"partnership": str(ps.public_id), "template": "onbekend"})
    assert response.status_code == 400 and response.json()["errors"]["template"]
    response = client.post("/agreements", {"partnership": str(ps.public_id), "valid_from": "morgen"})
    assert response.status_code == 422 and "valid_from" in response.json()["errors"]
    assert not Agreement.objects.exists()


# Change


def test_the_owner_changes_the_draft_in_place(world, api_as, draft):
    body = {"version": 1, "activity": "Wekelijks lezen.", "balance": {"students": {"gets": "Zes studiepunten"}}}
    response = api_as(world.coordinator).patch(path(draft), body)
    assert response.status_code == 200, response.content
    assert [v["number"] for v in response.json()["versions"]] == [1]
    version = draft.versions.get()
    assert version.content["activity"] == "Wekelijks lezen."
    assert version.content["balance"]["students"] == {"gives": "Twintig uur", "gets": "Zes studiepunten"}
    assert version.content["common_goal"].startswith("Minder schooluitval"), "fields not sent keep their text"
    assert response.json()["version"] == 2


def test_a_change_after_sending_makes_the_next_version(world, api_as, sent):
    response = api_as(world.coordinator).patch(path(sent), {"version": sent.version, "continuation": "Nog 2 jaar."})
    assert response.status_code == 200
    assert [v["number"] for v in response.json()["versions"]] == [2, 1]
    assert response.json()["can_send"] is True


def test_a_stale_version_of_an_agreement_gets_409_and_nothing_changes(world, api_as, draft):
    assert api_as(world.coordinator).patch(path(draft), {"version": 1, "activity": "Eerste"}).status_code == 200
    response = api_as(world.coordinator).patch(path(draft), {"version": 1, "activity": "Tweede"})
    assert response.status_code == 409
    assert response.json()["errors"]["version"]
    assert draft.versions.get().content["activity"] == "Eerste"


def test_an_agreement_ending_before_it_starts_is_not_saved(world, api_as, draft):
    response = api_as(world.coordinator).patch(path(draft), {"version": 1, "valid_until": "2000-01-01"})
    assert response.status_code == 400
    assert response.json()["errors"]["valid_until"]
    draft.refresh_from_db()
    assert draft.version == 1 and draft.versions.get().content == content()


def test_only_who_may_change_the_partnership_changes_an_agreement(world, api_as, sent):
    body = {"version": sent.version, "activity": "Anders"}
    assert api_as(world.faculty).patch(path(sent), body).status_code == 403
    assert api_as(world.partner).patch(path(sent), body).status_code == 403
    assert api_as(world.outsider).patch(path(sent), body).status_code == 404
    assert api_as(world.other_partner).patch(path(sent), body).status_code == 404
    assert api_as(None).patch(path(sent), body).status_code == 401
    assert sent.versions.count() == 1


# Send


def test_the_owner_sends_the_draft_and_every_signatory_gets_a_link(
    world, api_as, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.coordinator).post(path(draft, "/send"), {"version": 1, "signatories": SIGNATORIES})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "sent"
    assert response.json()["versions"][0]["frozen"] is True
    assert sorted(m.to[0] for m in mail.outbox) == ["cora@uas.example", "pia@brug.example"]


def test_sending_without_the_partners_signatory_is_refused_and_nothing_is_frozen(world, api_as, draft):
    body = {"version": 1, "signatories": SIGNATORIES[:1]}
    response = api_as(world.coordinator).post(path(draft, "/send"), body)
    assert response.status_code == 400
    assert response.json()["errors"]["signatories"] == ["Name who signs for the partner organisation."]
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.versions.get().sent_at is None
    assert not Signatory.objects.exists() and not mail.outbox


def test_sending_with_a_stale_version_gets_409(world, api_as, draft):
    update_agreement(draft, by=world.coordinator, expected_version=1, content=content(activity="Nieuw"))
    response = api_as(world.coordinator).post(path(draft, "/send"), {"version": 1, "signatories": SIGNATORIES})
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_only_who_may_change_the_partnership_sends_an_agreement(world, api_as, draft):
    body = {"version": 1, "signatories": SIGNATORIES}
    assert api_as(world.faculty).post(path(draft, "/send"), body).status_code == 403
    assert api_as(world.partner).post(path(draft, "/send"), body).status_code == 404
    assert api_as(world.outsider).post(path(draft, "/send"), body).status_code == 404
    assert api_as(world.other_partner).post(path(draft, "/send"), body).status_code == 404
    assert api_as(None).post(path(draft, "/send"), body).status_code == 401
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_version_as_pdf_for_those_who_may_read_it(world, api_as, sent):
    import io

    from pypdf import PdfReader

    update_agreement(sent, by=world.coordinator, expected_version=sent.version, content=content(activity="Nieuw"))
    response = api_as(world.partner).get(path(sent, "/versions/1/pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    version = AgreementVersion.objects.get(agreement=sent, number=1)
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.content)).pages)
    assert version.content_hash[:16] in text
    # The partner does not get the unsent draft; others get nothing; anonymous callers must authenticate.
    assert api_as(world.partner).get(path(sent, "/versions/2/pdf")).status_code == 404
    assert api_as(world.coordinator).get(path(sent, "/versions/2/pdf")).status_code == 200
    for user in (world.outsider, world.other_partner, world.student):
        assert api_as(user).get(path(sent, "/versions/1/pdf")).status_code == 404
    assert api_as(None).get(path(sent, "/versions/1/pdf")).status_code == 401
