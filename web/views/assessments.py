"""Assessment pages for the institution's staff: rounds, starting one, results, agreed actions, instruments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_for_user_or_404, require
from assessment.models import SCALE_MAX, SCALE_MIN, AgreedAction, Instrument, InstrumentItem, Respondent, Round
from assessment.scoring import SIDES, RoundResult, round_result, scale_label
from assessment.services import (
    add_action,
    close_round,
    copy_instrument,
    instruments_for_user,
    resend_invitation,
    set_action_done,
    start_round,
    update_item,
)
from lib.errors import ConflictError, DomainError
from lib.pagination import paginate
from network.models import Person
from partnerships.models import Partnership, PartnershipParty
from web.forms.assessments import ActionForm, InstrumentFilterForm, ItemForm, RoundFilterForm, RoundForm
from web.forms.partnerships import add_domain_errors

# The chart: a dot plot per domain, one line per side from "now" (filled dot) to "wished" (ring).
CHART_WIDTH, LABEL_WIDTH, PLOT_LEFT, PLOT_RIGHT = 640, 190, 200, 570
LINE_HEIGHT, ROW_GAP, AXIS_HEIGHT = 14, 12, 44
SIDE_CLASS = {side: f"side-{side}" for side in SIDES}
SIDE_COLOUR = {"campus": "#1f5f99", "community": "#b5541b", "student": "#2e7d32", "resident": "#6a3d9a"}


def _x(value: float) -> float:
    return round(PLOT_LEFT + (value - SCALE_MIN) / (SCALE_MAX - SCALE_MIN) * (PLOT_RIGHT - PLOT_LEFT), 1)


@dataclass
class ChartMark:
    side: str
    label: str
    colour: str
    y: float
    x_now: float | None
    x_wish: float | None
    title: str


@dataclass
class ChartRow:
    label: str
    y: float
    marks: list[ChartMark]


def _chart(result: RoundResult) -> dict[str, Any]:
    side_labels = dict(Respondent.Side.choices)
    sides = result.sides_answered
    rows: list[ChartRow] = []
    y = 10.0
    for domain in result.domains:
        marks = []
        for index, side in enumerate(sides):
            score = domain.sides.get(side)
            line_y = y + index * LINE_HEIGHT + LINE_HEIGHT / 2
            if score is None or score.current is None:
                continue
            if result.uses_scale and score.desired is not None:
                title = _("%(side)s: now %(now).1f, wished %(wish).1f") % {
                    "side": side_labels[side],
                    "now": score.current,
                    "wish": score.desired,
                }
            else:
                title = _("%(side)s: %(now).1f") % {"side": side_labels[side], "now": score.current}
            marks.append(
                ChartMark(
                    side=side,
                    label=str(side_labels[side]),
                    colour=SIDE_COLOUR[side],
                    y=line_y,
                    x_now=_x(score.current),
                    x_wish=_x(score.desired) if score.desired is not None else None,
                    title=title,
                )
            )
        height = max(len(sides), 1) * LINE_HEIGHT
        rows.append(ChartRow(label=domain.label, y=y + height / 2 + 4, marks=marks))
        y += height + ROW_GAP
    ticks = [
        {"value": v, "x": _x(v), "label": scale_label(v) if result.uses_scale and v in (1, 3, 5) else ""}
        for v in range(SCALE_MIN, SCALE_MAX + 1)
    ]
    return {
        "width": CHART_WIDTH,
        "height": y + AXIS_HEIGHT,
        "plot_top": 4,
        "plot_bottom": y,
        "axis_y": y + 16,
        "band_y": y + 32,
        "label_x": LABEL_WIDTH,
        "rows": rows,
        "ticks": ticks,
        "legend": [{"label": side_labels[s], "colour": SIDE_COLOUR[s]} for s in sides],
    }


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "assessment.view_rounds")
    filters = RoundFilterForm(request.GET or None)
    rounds = (
        filters.filter(Round.objects.for_user(request.user))
        .select_related("partnership", "instrument")
        .annotate(
            invited=Count("respondents"),
            answered=Count("respondents", filter=Q(respondents__submitted_at__isnull=False)),
        )
        .order_by("-created_at", "-id")
    )
    return render(
        request,
        "web/assessments/list.html",
        {"nav": "partnerships", "filters": filters, "page": paginate(request, rounds)},
    )


@login_required
def round_create(request: HttpRequest, public_id: Any) -> HttpResponse:
    user: Any = request.user
    partnership = get_for_user_or_404(
        Partnership.objects.for_user(user).prefetch_related(
            Prefetch("parties", queryset=PartnershipParty.objects.select_related("organisation"))
        ),
        public_id=public_id,
    )
    require(user, "assessment.add_round", partnership)
    form = RoundForm(
        request.POST if request.method == "POST" else None,
        partnership=partnership,
        instruments=instruments_for_user(user),
        people=Person.objects.for_user(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = start_round(
                by=user,
                partnership=partnership,
                instrument=data["instrument"],
                closes_on=data["closes_on"],
                respondents=form.respondent_specs(),
                title=data["title"],
                base_url=request.build_absolute_uri("/"),
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Assessment started: the invitations are on their way."))
            return redirect("round-detail", round_.public_id)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "web/assessments/form.html",
        {"nav": "partnerships", "form": form, "partnership": partnership},
        status=status,
    )


def _get_round(request: HttpRequest, public_id: Any) -> Round:
    round_ = get_for_user_or_404(
        Round.objects.for_user(request.user).select_related(
            "partnership", "relationship", "instrument", "institution", "created_by"
        ),
        public_id=public_id,
    )
    require(request.user, "assessment.view_round", round_)
    return round_


def _render_round(
    request: HttpRequest, round_: Round, action_form: ActionForm | None = None, status: int = 200
) -> HttpResponse:
    result = round_result(round_)
    can_change = request.user.has_perm("assessment.change_round", round_)
    context = {
        "nav": "partnerships",
        "round": round_,
        "result": result,
        "chart": _chart(result) if result.has_answers else None,
        "respondents": list(round_.respondents.all()),
        "actions": list(round_.actions.all()),
        "steps": AgreedAction.Step.choices,
        "can_change": can_change,
        # The partner reads the shared results: the chart, the sentences and the actions, not who answered what.
        "partner_view": bool(request.user.is_partner),
        "action_form": action_form or (ActionForm() if can_change else None),
    }
    return render(request, "web/assessments/detail.html", context, status=status)


@login_required
def round_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _render_round(request, _get_round(request, public_id))


def _changeable_round(request: HttpRequest, public_id: Any) -> Round:
    round_ = _get_round(request, public_id)
    require(request.user, "assessment.change_round", round_)
    return round_


@login_required
@require_POST
def round_add_action(request: HttpRequest, public_id: Any) -> HttpResponse:
    round_ = _changeable_round(request, public_id)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            add_action(round_, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Action added."))
            return redirect("round-detail", round_.public_id)
    return _render_round(request, round_, action_form=form, status=400)


@login_required
@require_POST
def round_action_done(request: HttpRequest, public_id: Any) -> HttpResponse:
    round_ = _changeable_round(request, public_id)
    raw = str(request.POST.get("action", ""))
    action = round_.actions.filter(pk=int(raw)).first() if raw.isdigit() else None
    if action is None:
        raise Http404
    set_action_done(action, by=request.user, done=request.POST.get("done") == "1")
    return redirect("round-detail", round_.public_id)


@login_required
@require_POST
def round_close(request: HttpRequest, public_id: Any) -> HttpResponse:
    round_ = _changeable_round(request, public_id)
    try:
        close_round(
            round_,
            by=request.user,
            share=request.POST.get("share", "1") != "0",  # shared unless the office says no
            reason=str(request.POST.get("reason", ""))[:500],
        )
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("round-detail", round_.public_id)
    messages.success(request, _("The round is closed: the links no longer take answers."))
    return redirect("round-detail", round_.public_id)


@login_required
@require_POST
def round_resend(request: HttpRequest, public_id: Any) -> HttpResponse:
    round_ = _changeable_round(request, public_id)
    raw = str(request.POST.get("respondent", ""))
    respondent = round_.respondents.filter(pk=int(raw)).first() if raw.isdigit() else None
    if respondent is None:
        raise Http404
    respondent.round = round_
    try:
        resend_invitation(respondent, by=request.user, base_url=request.build_absolute_uri("/"))
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A new link is on its way to %(name)s.") % {"name": respondent.name})
    return redirect("round-detail", round_.public_id)


# Instruments


def _get_instrument(request: HttpRequest, slug: str) -> Instrument:
    require(request.user, "assessment.view_instrument")
    instrument = (
        instruments_for_user(request.user)
        .filter(slug=slug)
        .select_related("institution")
        .order_by(F("institution_id").asc(nulls_last=True))
        .first()
    )
    if instrument is None:
        raise Http404
    return instrument


@login_required
def instrument_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "assessment.view_instrument")
    filters = InstrumentFilterForm(request.GET or None)
    instruments = (
        filters.filter(instruments_for_user(request.user))
        .select_related("institution")
        .annotate(item_count=Count("items"))
        .order_by(F("institution_id").asc(nulls_first=True), "name_nl", "id")
    )
    return render(
        request,
        "web/assessments/instruments.html",
        {"nav": "partnerships", "filters": filters, "page": paginate(request, instruments)},
    )


@login_required
def instrument_detail(request: HttpRequest, slug: str) -> HttpResponse:
    instrument = _get_instrument(request, slug)
    context = {
        "nav": "partnerships",
        "instrument": instrument,
        "items": list(instrument.items.all()),
        "can_copy": request.user.has_perm("assessment.copy_instrument"),
        "can_change": instrument.institution_id is not None
        and request.user.has_perm("assessment.change_instrument", instrument),
    }
    return render(request, "web/assessments/instrument.html", context)


@login_required
@require_POST
def instrument_copy(request: HttpRequest, slug: str) -> HttpResponse:
    instrument = _get_instrument(request, slug)
    require(request.user, "assessment.copy_instrument")
    user: Any = request.user
    if user.institution is None:
        raise Http404
    copy = copy_instrument(instrument, by=user, institution=user.institution)
    messages.success(request, _("Your own copy is ready: adapt its questions below."))
    return redirect("instrument-detail", copy.slug)


@login_required
def item_edit(request: HttpRequest, slug: str, domain: str) -> HttpResponse:
    instrument = _get_instrument(request, slug)
    require(request.user, "assessment.change_instrument", instrument)
    if instrument.institution_id is None:
        raise Http404
    item: InstrumentItem | None = instrument.items.filter(domain=domain).first()
    if item is None:
        raise Http404
    form = ItemForm(request.POST if request.method == "POST" else None, initial=ItemForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        try:
            update_item(
                item, by=request.user, expected_fingerprint=form.cleaned_data["fingerprint"] or None, **form.texts()
            )
        except ConflictError as error:
            form.add_error(None, error)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Question saved."))
            return redirect("instrument-detail", instrument.slug)
    status = (409 if form.has_error("__all__", "conflict") else 400) if form.is_bound else 200
    return render(
        request,
        "web/assessments/item_form.html",
        {"nav": "partnerships", "form": form, "instrument": instrument, "item": item},
        status=status,
    )


urlpatterns = [
    path("assessments/", round_list, name="round-list"),
    path("assessments/instruments/", instrument_list, name="instrument-list"),
    path("assessments/instruments/<slug:slug>/", instrument_detail, name="instrument-detail"),
    path("assessments/instruments/<slug:slug>/copy/", instrument_copy, name="instrument-copy"),
    path("assessments/instruments/<slug:slug>/items/<slug:domain>/", item_edit, name="instrument-item-edit"),
    path("partnerships/<uuid:public_id>/assessments/new/", round_create, name="round-create"),
    path("assessments/<uuid:public_id>/", round_detail, name="round-detail"),
    path("assessments/<uuid:public_id>/actions/", round_add_action, name="round-add-action"),
    path("assessments/<uuid:public_id>/actions/done/", round_action_done, name="round-action-done"),
    path("assessments/<uuid:public_id>/close/", round_close, name="round-close"),
    path("assessments/<uuid:public_id>/resend/", round_resend, name="round-resend"),
]
