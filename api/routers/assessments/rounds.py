"""Assessment rounds through the API: list, read, start and close rounds, read their results, agree on actions
and tick them off, and send a respondent a new link; with the lookups and the shaping of a round's detail and
results that these routes share."""

from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Status
from ninja.pagination import paginate

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.lookups import many, one
from api.pagination import Pages
from api.routers.assessments.base import MAX_NUMBER, RoundStatus, router
from api.routers.assessments.instruments import _instrument
from api.routers.assessments.schemas import (
    RoundActionDoneIn,
    RoundActionIn,
    RoundDetailOut,
    RoundIn,
    RoundOut,
    RoundRespondentIn,
    RoundResultOut,
)
from api.schemas import SearchTerm
from assessment.models import AgreedAction, Respondent, Round
from assessment.scoring import SIDES, RoundResult, round_result, scale_label
from assessment.services import RespondentSpec, add_action, close_round, resend_invitation, set_action_done, start_round
from lib.errors import DomainError
from network.models import Person
from partnerships.models import Partnership


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


@router.get("/rounds", response=codes({200: list[RoundOut]}, 403), summary="List assessment rounds")
@paginate(Pages)
def list_rounds(
    request: HttpRequest,
    q: SearchTerm = "",
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
