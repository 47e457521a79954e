"""Assessments: rounds answered from both sides of a partnership, their results, agreed actions, and the
instruments to ask with. Same services, visibility and permissions as the assessment pages."""

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator, ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.lookups import many, one
from api.pagination import Pages
from api.schemas import InputSchema, Text, TitledRef, choice
from assessment.models import AgreedAction, Instrument, InstrumentItem, Respondent, Round
from assessment.scoring import SIDES, RoundResult, round_result, scale_label
from assessment.services import (
    ITEM_TEXT_FIELDS,
    RespondentSpec,
    add_action,
    close_round,
    copy_instrument,
    instruments_for_user,
    item_fingerprint,
    resend_invitation,
    set_action_done,
    start_round,
    update_item,
)
from lib.errors import DomainError
from network.models import Person
from partnerships.models import Partnership

router = Router(tags=["Assessments"])

RoundStatus = choice(Round.Status)
Side = choice(Respondent.Side)
Step = choice(AgreedAction.Step)
InstrumentKind = choice(Instrument.Kind)
Language = Annotated[str, Field(description="Language of the invitation mail: nl or en.")]
MAX_NUMBER = 2**31 - 1
# Beyond this a deadline is a typing error, and the link's expiry (a day later) would not fit a date.
LAST_DAY = dt.date(9000, 12, 31)


def _not_too_far(day: dt.date | None) -> dt.date | None:
    if day is not None and day > LAST_DAY:
        raise ValueError(f"Choose a date before {LAST_DAY.year}.")
    return day


Day = Annotated[dt.date, AfterValidator(_not_too_far)]


class AssessmentInstrumentOut(Schema):
    slug: str = Field(description="Send this to start a round with the instrument.")
    name: str
    description: str
    kind: str
    built_in: bool = Field(description="A built-in instrument every institution can use, or your institution's own.")
    items: int = Field(description="Number of questions.")
    active: bool

    @staticmethod
    def resolve_built_in(obj: Instrument) -> bool:
        return obj.institution_id is None

    @staticmethod
    def resolve_items(obj: Any) -> int:
        return obj.item_count

    @staticmethod
    def resolve_active(obj: Instrument) -> bool:
        return obj.is_active


class AssessmentInstrumentRef(Schema):
    slug: str
    name: str


class RoundOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    title: str
    status: str
    partnership: TitledRef | None
    instrument: AssessmentInstrumentRef
    closes_on: dt.date
    invited: int = Field(description="People asked.")
    answered: int = Field(description="People who sent their answers.")
    created_at: dt.datetime


class RoundRespondentOut(Schema):
    """Someone asked to answer. The personal link is never shown: only its owner gets it, by mail."""

    number: int = Field(description="The n-th person asked in this round; use it to send them a new link.")
    name: str
    side: str
    side_label: str
    person: UUID | None = Field(description="The person record, if the respondent has one you may see.")
    invited: bool = Field(description="The invitation mail has left.")
    answered: bool
    answered_at: dt.datetime | None


class RoundActionOut(Schema):
    number: int = Field(description="The n-th action agreed in this round; use it to tick the action off.")
    step: str
    what: str
    who: str
    due_on: dt.date | None
    done: bool


class RoundDetailOut(RoundOut):
    respondents: list[RoundRespondentOut]
    actions: list[RoundActionOut]
    can_change: bool = Field(description="You may add and tick actions and close the round.")


class RoundSideScoreOut(Schema):
    side: str
    answered: int = Field(description="Answers on this question from this side.")
    current: float | None = Field(description="Mean score now, 1 to 5.")
    desired: float | None = Field(description="Mean score wished for (instruments with a current and desired state).")
    gap: float | None = Field(description="Desired minus current.")
    current_label: str = Field(description="Place of the current mean on the scale, in words.")
    change: float | None = Field(description="Current mean minus that of the previous round, if both are known.")


class RoundDomainOut(Schema):
    domain: str
    label: str
    sides: list[RoundSideScoreOut]
    side_gap: float | None = Field(description="Campus minus community on the current state.")
    sentence: str


class RoundSideCountOut(Schema):
    side: str
    label: str
    invited: int
    answered: int


class RoundCommentOut(Schema):
    side: str
    domain_label: str
    text: str


class RoundResultOut(Schema):
    round: UUID
    uses_scale: bool = Field(description="Scores sit on the exploitative-transactional-transformational scale.")
    overall_current: float | None
    overall_label: str
    overall_by_side: dict[str, float | None]
    counts: list[RoundSideCountOut]
    domains: list[RoundDomainOut]
    comments: list[RoundCommentOut]
    previous_round: UUID | None = Field(description="The earlier round that changes are measured against.")
    summary: list[str] = Field(description="The result in sentences.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "round": "3f2c1d1e-0000-4000-8000-000000000009",
                    "uses_scale": True,
                    "overall_current": 3.4,
                    "overall_label": "transactional",
                    "overall_by_side": {"campus": 3.8, "community": 3.0},
                    "counts": [{"side": "campus", "label": "Campus side", "invited": 2, "answered": 2}],
                    "domains": [
                        {
                            "domain": "decision_making",
                            "label": "Decision-making",
                            "sides": [
                                {
                                    "side": "campus",
                                    "answered": 2,
                                    "current": 5.0,
                                    "desired": 5.0,
                                    "gap": 0.0,
                                    "current_label": "transformational",
                                    "change": None,
                                }
                            ],
                            "side_gap": 2.0,
                            "sentence": "The partner rates decision-making as transactional (3.0) where you rate "
                            "it transformational (5.0).",
                        }
                    ],
                    "comments": [],
                    "previous_round": None,
                    "summary": ["Overall the relationship is rated transactional now (3.4 on a scale from 1 to 5)."],
                }
            ]
        }
    )


class RoundRespondentIn(InputSchema):
    """A person record (its e-mail and language are used), or a name and e-mail for someone without one."""

    side: Side
    person: UUID | None = Field(None, description="A person you may see, with an e-mail address.")
    name: Text = Field("", max_length=200)
    email: Text = Field("", max_length=254)
    language: Language | None = Field(None, description="nl or en; default: the person's own, else Dutch.")


class RoundIn(InputSchema):
    partnership: UUID
    instrument: str = Field(max_length=50, description="Slug of an instrument (see the list of instruments).")
    closes_on: Day = Field(description="Last day to answer.")
    title: Text = Field("", max_length=200, description="Leave empty to use the instrument's name.")
    respondents: list[RoundRespondentIn] = Field(max_length=500, description="At least one on each of both sides.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "partnership": "3f2c1d1e-0000-4000-8000-000000000003",
                    "instrument": "relationship-tres",
                    "closes_on": "2026-12-20",
                    "respondents": [
                        {"side": "campus", "person": "3f2c1d1e-0000-4000-8000-000000000001"},
                        {"side": "community", "name": "An Peeters", "email": "an@example.org", "language": "en"},
                    ],
                }
            ]
        }
    )


class RoundActionIn(InputSchema):
    step: Step = AgreedAction.Step.ARTICULATE.value
    what: Text = Field(min_length=1, max_length=300)
    who: Text = Field(min_length=1, max_length=200)
    due_on: Day | None = Field(None, description="From today on.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"step": "articulate", "what": "Plan a joint evaluation", "who": "Cora and Pia"}]
        }
    )


class RoundActionDoneIn(InputSchema):
    done: bool

    model_config = ConfigDict(json_schema_extra={"examples": [{"done": True}]})


def _rounds(request: HttpRequest) -> QuerySet[Round]:
    return (
        Round.objects.for_user(acting_user(request))
        .select_related("partnership", "instrument")
        .annotate(
            invited=Count("respondents"),
            answered=Count("respondents", filter=Q(respondents__submitted_at__isnull=False)),
        )
    )


def _round(request: HttpRequest, public_id: UUID) -> Round:
    """A round the user may see (else 404) and read (else 403), as on the round page."""
    round_ = get_for_user_or_404(_rounds(request), public_id=public_id)
    require(acting_user(request), "assessment.view_round", round_)
    return round_


def _changeable(request: HttpRequest, public_id: UUID) -> Round:
    round_ = _round(request, public_id)
    require(acting_user(request), "assessment.change_round", round_)
    return round_


def _instrument_out(round_: Round) -> dict[str, str]:
    return {"slug": round_.instrument.slug, "name": round_.instrument.name}


def _round_out(round_: Any) -> dict[str, Any]:
    return {
        "public_id": round_.public_id,
        "title": round_.title,
        "status": round_.status,
        "partnership": round_.partnership,
        "instrument": _instrument_out(round_),
        "closes_on": round_.closes_on,
        "invited": round_.invited,
        "answered": round_.answered,
        "created_at": round_.created_at,
    }


def _numbered_actions(round_: Round) -> list[tuple[int, AgreedAction]]:
    """Actions numbered in the order they were agreed: a number stays the same when others are added."""
    by_age = sorted(round_.actions.all(), key=lambda a: a.pk)
    return [(n, action) for n, action in enumerate(by_age, start=1)]


def _numbered_respondents(round_: Round) -> list[tuple[int, Respondent]]:
    """Respondents numbered in the order they were asked."""
    return list(enumerate(sorted(round_.respondents.all(), key=lambda r: r.pk), start=1))


def _detail(request: HttpRequest, round_: Round) -> dict[str, Any]:
    user = acting_user(request)
    visible_people = set(
        Person.objects.for_user(user)
        .filter(pk__in=[r.person_id for r in round_.respondents.all() if r.person_id])
        .values_list("pk", flat=True)
    )
    people = {r.person_id: r.person for r in round_.respondents.all()}
    actions = _numbered_actions(round_)
    numbers = {r.pk: n for n, r in _numbered_respondents(round_)}
    return {
        **_round_out(round_),
        "respondents": [
            {
                "number": numbers[r.pk],
                "name": r.name,
                "side": r.side,
                "side_label": str(r.get_side_display()),
                "person": people[r.person_id].public_id if r.person_id in visible_people else None,
                "invited": r.invited_at is not None,
                "answered": r.submitted_at is not None,
                "answered_at": r.submitted_at,
            }
            for r in round_.respondents.all()
        ],
        "actions": [
            {"number": n, "step": a.step, "what": a.what, "who": a.who, "due_on": a.due_on, "done": a.done}
            for n, a in actions
        ],
        "can_change": user.has_perm("assessment.change_round", round_),
    }


def _detail_of(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    round_ = get_for_user_or_404(
        _rounds(request).prefetch_related(
            Prefetch("respondents", queryset=Respondent.objects.select_related("person")), "actions"
        ),
        public_id=public_id,
    )
    return _detail(request, round_)


def _result_out(result: RoundResult) -> dict[str, Any]:
    return {
        "round": result.round.public_id,
        "uses_scale": result.uses_scale,
        "overall_current": result.overall_current,
        "overall_label": result.overall_label,
        "overall_by_side": {side: value for side, value in result.overall_by_side.items() if side in SIDES},
        "counts": [
            {"side": c.side, "label": c.label, "invited": c.invited, "answered": c.answered} for c in result.counts
        ],
        "domains": [
            {
                "domain": d.domain,
                "label": d.label,
                "sides": [
                    {
                        "side": s.side,
                        "answered": s.answered,
                        "current": s.current,
                        "desired": s.desired,
                        "gap": s.gap,
                        "current_label": scale_label(s.current) if result.uses_scale else "",
                        "change": d.change.get(side),
                    }
                    for side, s in d.sides.items()
                ],
                "side_gap": d.side_gap,
                "sentence": d.sentence,
            }
            for d in result.domains
        ],
        "comments": [{"side": c.side, "domain_label": c.item_label, "text": c.text} for c in result.comments],
        "previous_round": result.previous.public_id if result.previous else None,
        "summary": [str(line) for line in result.summary],
    }


# Instruments


@router.get("/instruments", response=codes({200: list[AssessmentInstrumentOut]}, 403), summary="List instruments")
@paginate(Pages)
def list_instruments(request: HttpRequest, q: Text = "", kind: InstrumentKind | None = None) -> Any:
    """The built-in questionnaires and your institution's own (institution staff). Filters: `q` (part of the
    name), `kind`."""
    user = acting_user(request)
    require(user, "assessment.view_instrument")
    queryset = instruments_for_user(user)
    if q.strip():
        queryset = queryset.filter(Q(name_nl__icontains=q.strip()) | Q(name_en__icontains=q.strip()))
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.annotate(item_count=Count("items")).order_by(
        F("institution_id").asc(nulls_first=True), "name_nl", "id"
    )


def _instrument(user: Any, slug: str) -> Instrument:
    # The institution's own copy wins over a built-in one with the same slug, as on the instrument pages.
    instrument = (
        instruments_for_user(user)
        .filter(slug=slug, is_active=True)
        .order_by(F("institution_id").asc(nulls_last=True))
        .first()
    )
    if instrument is None:
        raise DomainError({"instrument": _("No such instrument, or not one you can use: %(slug)s") % {"slug": slug}})
    return instrument


class InstrumentItemOut(Schema):
    domain: str = Field(description="Identifies the item within the instrument; use it to change the item.")
    order: int
    dimension: str
    label_nl: str
    label_en: str
    text_nl: str
    text_en: str
    low_nl: str
    low_en: str
    high_nl: str
    high_en: str
    fingerprint: str = Field(description="Send it back with a change: a change to newer texts is refused (409).")

    @staticmethod
    def resolve_fingerprint(obj: InstrumentItem) -> str:
        return item_fingerprint(obj)


class InstrumentDetailOut(Schema):
    slug: str
    name: str
    description: str
    kind: str
    built_in: bool = Field(description="Built in (copy it to adapt it), or your institution's own.")
    active: bool
    can_change: bool = Field(description="You may change the wording of its items.")
    items: list[InstrumentItemOut]


class ItemPatch(InputSchema):
    """The texts sent are changed, in both languages as sent; `fingerprint` is the one you read."""

    fingerprint: str = Field(max_length=64)
    label_nl: str | None = Field(None, min_length=1, max_length=100)
    label_en: str | None = Field(None, min_length=1, max_length=100)
    text_nl: str | None = Field(None, min_length=1, max_length=5000)
    text_en: str | None = Field(None, min_length=1, max_length=5000)
    low_nl: str | None = Field(None, max_length=300)
    low_en: str | None = Field(None, max_length=300)
    high_nl: str | None = Field(None, max_length=300)
    high_en: str | None = Field(None, max_length=300)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "fingerprint": "0123456789abcdef",
                    "text_nl": "Hoe vaak zien jullie elkaar?",
                    "text_en": "How often do you meet?",
                }
            ]
        }
    )


def _shown_instrument(request: HttpRequest, slug: str) -> Instrument:
    """An instrument the user may read, the institution's own before a built-in one, as on its page."""
    user = acting_user(request)
    require(user, "assessment.view_instrument")
    instrument = (
        instruments_for_user(user)
        .filter(slug=slug)
        .select_related("institution")
        .order_by(F("institution_id").asc(nulls_last=True))
        .first()
    )
    if instrument is None:
        raise Http404
    return instrument


def _instrument_detail(request: HttpRequest, instrument: Instrument) -> dict[str, Any]:
    user = acting_user(request)
    return {
        "slug": instrument.slug,
        "name": instrument.name,
        "description": instrument.description,
        "kind": instrument.kind,
        "built_in": instrument.institution_id is None,
        "active": instrument.is_active,
        "can_change": instrument.institution_id is not None
        and user.has_perm("assessment.change_instrument", instrument),
        "items": list(instrument.items.order_by("order", "id")),
    }


@router.get("/instruments/{slug}", response=codes({200: InstrumentDetailOut}, 403, 404), summary="One instrument")
def get_instrument(request: HttpRequest, slug: str) -> dict[str, Any]:
    """An instrument with its items (domains and questions, in both languages), institution staff."""
    return _instrument_detail(request, _shown_instrument(request, slug))


@router.post(
    "/instruments/{slug}/copy",
    response=codes({201: InstrumentDetailOut}, 400, 403, 404),
    summary="Copy an instrument to adapt it",
)
def copy_to_adapt(request: HttpRequest, slug: str) -> Status:
    """Your institution's own copy of an instrument, to adapt its questions; rounds already run keep the
    original (coordinators and administrators)."""
    user = acting_user(request)
    instrument = _shown_instrument(request, slug)
    require(user, "assessment.copy_instrument")
    if user.institution is None:
        raise DomainError(_("Your account does not belong to an institution."))
    own = copy_instrument(instrument, by=user, institution=user.institution)
    return Status(201, _instrument_detail(request, own))


@router.patch(
    "/instruments/{slug}/items/{domain}",
    response=codes({200: InstrumentItemOut}, 400, 403, 404, 409),
    summary="Change the wording of an item",
)
def change_item(request: HttpRequest, slug: str, domain: str, payload: ItemPatch) -> InstrumentItem:
    """Change the texts sent of one item of your institution's own instrument (coordinators and
    administrators). Built-in instruments cannot be changed: copy them first. Answers 409 when someone else
    changed the item since you read its `fingerprint`."""
    user = acting_user(request)
    instrument = _shown_instrument(request, slug)
    require(user, "assessment.change_instrument", instrument)
    if instrument.institution_id is None:
        raise Http404
    item = instrument.items.filter(domain=domain).first()
    if item is None:
        raise Http404
    texts = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if k in ITEM_TEXT_FIELDS}
    texts = {k: ("" if v is None else v) for k, v in texts.items()}
    return update_item(item, by=user, expected_fingerprint=payload.fingerprint, **texts)


# Rounds


@router.get("/rounds", response=codes({200: list[RoundOut]}, 403), summary="List assessment rounds")
@paginate(Pages)
def list_rounds(
    request: HttpRequest,
    q: Text = "",
    status: RoundStatus | None = None,
    partnership: UUID | None = None,
) -> Any:
    """The rounds of your institution, newest first (institution staff). Filters: `q` (part of the title),
    `status`, `partnership`."""
    require(acting_user(request), "assessment.view_rounds")
    queryset = _rounds(request)
    if q.strip():
        queryset = queryset.filter(title__icontains=q.strip())
    if status:
        queryset = queryset.filter(status=status)
    if partnership:
        queryset = queryset.filter(partnership__public_id=partnership)
    return queryset.order_by("-created_at", "-id")


@router.get("/rounds/{public_id}", response=codes({200: RoundDetailOut}, 403, 404), summary="One assessment round")
def get_round(request: HttpRequest, public_id: UUID) -> Any:
    """Who was asked (side, answered or not; never their personal links) and the agreed actions."""
    _round(request, public_id)
    return _detail_of(request, public_id)


@router.get(
    "/rounds/{public_id}/results", response=codes({200: RoundResultOut}, 403, 404), summary="Results of a round"
)
def get_results(request: HttpRequest, public_id: UUID) -> Any:
    """Means per domain and side, the gap between the sides, the place on the scale, the change since the
    previous round, and the result in sentences. Only submitted answers count."""
    round_ = _round(request, public_id)
    return _result_out(round_result(round_))


def _language_of(person: Person) -> str:
    try:
        return person.user.language or settings.LANGUAGE_CODE
    except ObjectDoesNotExist:
        return settings.LANGUAGE_CODE


def _specs(user: Any, respondents: list[RoundRespondentIn]) -> list[RespondentSpec]:
    people = {
        p.public_id: p
        for p in many(
            Person.objects.for_user(user).select_related("user"),
            [r.person for r in respondents if r.person is not None],
            "respondents",
        )
    }
    specs = []
    for r in respondents:
        person = people.get(r.person) if r.person else None
        if person is not None:
            name, email = r.name or str(person), r.email or person.email
            language = r.language or _language_of(person)
        else:
            name, email, language = r.name, r.email, r.language or settings.LANGUAGE_CODE
        specs.append(RespondentSpec(r.side, name, email, language, person))
    return specs


@router.post("/rounds", response=codes({201: RoundDetailOut}, 400, 403), summary="Start an assessment round")
def add_round(request: HttpRequest, payload: RoundIn) -> Status:
    """Ask people on each side of a partnership to answer an instrument; each gets a personal link by mail,
    as from the web page (staff who may change the partnership)."""
    user = acting_user(request)
    require(user, "assessment.view_rounds")
    partnership = one(
        Partnership.objects.for_user(user).select_related("institution"), payload.partnership, "partnership"
    )
    require(user, "assessment.add_round", partnership)
    round_ = start_round(
        by=user,
        partnership=partnership,  # type: ignore[arg-type]
        instrument=_instrument(user, payload.instrument),
        closes_on=payload.closes_on,
        respondents=_specs(user, payload.respondents),
        title=payload.title,
        base_url=request.build_absolute_uri("/"),
    )
    return Status(201, _detail_of(request, round_.public_id))


@router.post("/rounds/{public_id}/close", response=codes({200: RoundDetailOut}, 400, 403, 404), summary="Close a round")
def close(request: HttpRequest, public_id: UUID) -> Any:
    """The personal links stop taking answers (who may change the partnership). Closing twice is harmless."""
    close_round(_changeable(request, public_id), by=acting_user(request))
    return _detail_of(request, public_id)


@router.post(
    "/rounds/{public_id}/actions", response=codes({201: RoundDetailOut}, 400, 403, 404), summary="Agree on an action"
)
def add_agreed_action(request: HttpRequest, public_id: UUID, payload: RoundActionIn) -> Status:
    """What the partners agree to do after reading the results (who may change the partnership)."""
    round_ = _changeable(request, public_id)
    if payload.due_on and payload.due_on < timezone.localdate():
        raise DomainError({"due_on": _("Choose a date from today on.")})
    add_action(
        round_, by=acting_user(request), what=payload.what, who=payload.who, step=payload.step, due_on=payload.due_on
    )
    return Status(201, _detail_of(request, public_id))


@router.post(
    "/rounds/{public_id}/actions/{number}",
    response=codes({200: RoundDetailOut}, 400, 403, 404),
    summary="Tick an action off (or reopen it)",
)
def tick_action(request: HttpRequest, public_id: UUID, number: int, payload: RoundActionDoneIn) -> Any:
    round_ = _changeable(request, public_id)
    actions = dict(_numbered_actions(round_)) if 1 <= number <= MAX_NUMBER else {}
    if number not in actions:
        raise Http404
    set_action_done(actions[number], by=acting_user(request), done=payload.done)
    return _detail_of(request, public_id)


@router.post(
    "/rounds/{public_id}/respondents/{number}/resend",
    response=codes({200: RoundDetailOut}, 400, 403, 404),
    summary="Send a respondent a new link",
)
def resend(request: HttpRequest, public_id: UUID, number: int) -> Any:
    """Mail a fresh personal link to the n-th person asked (see `respondents[].number`), for example when the
    mail got lost; the earlier link stops working (who may change the partnership). Refused when they already
    answered or the round no longer takes answers."""
    round_ = _changeable(request, public_id)
    respondents = dict(_numbered_respondents(round_)) if 1 <= number <= MAX_NUMBER else {}
    if number not in respondents:
        raise Http404
    respondent = respondents[number]
    respondent.round = round_
    resend_invitation(respondent, by=acting_user(request), base_url=request.build_absolute_uri("/"))
    return _detail_of(request, public_id)
