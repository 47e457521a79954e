"""Workshop mode: the office runs a reflection session with a group; each participant answers on
their own device; the group sees only the anonymous spread of positions per dilemma.

Joining needs only the short code, no account. Why: the source document's sessions bring
teachers together with colleagues from other institutions and partners who have no Brug
login, and a position is stored without any identity anyway (a random key in the device's
session cookie, so one device counts once). The code works only while the session is open.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_for_user_or_404, require
from lib.errors import DomainError
from lib.pagination import paginate
from lib.ratelimit import allow
from lib.scoping import unscoped
from reflection.drawing import STRIP, spread_bars
from reflection.models import WorkshopPosition, WorkshopSession
from reflection.selectors import workshop_spread
from reflection.services import close_workshop, new_participant_key, record_workshop_positions, start_workshop
from web.forms.partnerships import add_domain_errors
from web.forms.reflection import JoinForm, WorkshopForm, WorkshopPositionsForm

SESSION_KEYS = "workshop_keys"
POLL_SECONDS = 4
# Wrong join codes one address may try per window: a room full of participants behind one address
# mistypes a few; a script trying codes is stopped long before it finds an open session.
WRONG_CODES = 30
WRONG_CODES_WINDOW_S = 900


@login_required
def workshop_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(user, "reflection.run_workshop")
    if user.institution_id is None:
        raise Http404
    form = WorkshopForm(request.POST or None, institution_id=user.institution_id)
    if request.method == "POST" and form.is_valid():
        try:
            session = start_workshop(by=user, institution=user.institution, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            return redirect("workshop-group", session.public_id)
    sessions = WorkshopSession.objects.for_user(user).order_by("-created_at", "-id")
    context = {"nav": "reflection", "form": form, "page": paginate(request, sessions)}
    return render(request, "web/reflection/workshops.html", context, status=400 if form.is_bound else 200)


def _session(request: HttpRequest, public_id: Any) -> WorkshopSession:
    return get_for_user_or_404(WorkshopSession.objects.for_user(request.user), public_id=public_id)


def _spread_context(session: WorkshopSession, *, spread_url: str) -> dict[str, Any]:
    rows = [{"spread": s, "bars": spread_bars(s)} for s in workshop_spread(session)]
    return {
        "session": session,
        "rows": rows,
        "spread_url": spread_url,
        "poll_seconds": POLL_SECONDS,
        "strip": STRIP,
    }


@login_required
def workshop_group(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The coordinator's screen: join code, the anonymous spread (refreshing), the questions."""
    session = _session(request, public_id)
    context = {
        "nav": "reflection",
        "questions": list(session.questions.order_by("question_set", "order", "id")),
        "join_url": request.build_absolute_uri(reverse("workshop-join")),
        "can_close": session.is_open and request.user.has_perm("reflection.run_workshop"),
        **_spread_context(session, spread_url=reverse("workshop-spread", args=[session.public_id])),
    }
    return render(request, "web/reflection/workshop_group.html", context)


@login_required
def workshop_spread_partial(request: HttpRequest, public_id: Any) -> HttpResponse:
    session = _session(request, public_id)
    url = reverse("workshop-spread", args=[session.public_id])
    return render(request, "web/reflection/_spread.html", _spread_context(session, spread_url=url))


@login_required
@require_POST
def workshop_close(request: HttpRequest, public_id: Any) -> HttpResponse:
    session = _session(request, public_id)
    require(request.user, "reflection.run_workshop")
    close_workshop(session, by=request.user)
    messages.success(request, _("The session is closed; nobody can add positions any more."))
    return redirect("workshop-group", session.public_id)


# Participants: no login, only the code --------------------------------------------------------


def _codes_left(request: HttpRequest, *, wrong: bool = False) -> bool:
    """Whether this address may still try codes; ``wrong=True`` counts one wrong code first."""
    return allow(request, "workshop-code", limit=WRONG_CODES, window=WRONG_CODES_WINDOW_S, count=wrong)


def _too_many_codes(request: HttpRequest) -> HttpResponse:
    refused = _("Too many wrong codes from your address. Wait a quarter of an hour and try again.")
    return render(request, "web/reflection/join.html", {"form": JoinForm(), "refused": refused}, status=429)


def _code_guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse every code from an address that tried too many wrong ones."""

    @wraps(view)
    def guarded(request: HttpRequest, code: str) -> HttpResponse:
        if not _codes_left(request):
            return _too_many_codes(request)
        return view(request, code)

    return guarded


@unscoped("a workshop join code names the session")
def workshop_join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or request.GET or None)
    if form.is_bound and not _codes_left(request):
        return _too_many_codes(request)
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        if WorkshopSession.objects.filter(code=code, status=WorkshopSession.Status.OPEN).exists():
            return redirect("workshop-participate", code)
        _codes_left(request, wrong=True)
        form.add_error("code", _("No open session has this code. Check the code on the screen."))
    return render(request, "web/reflection/join.html", {"form": form}, status=400 if form.is_bound else 200)


def _open_session(request: HttpRequest, code: str) -> WorkshopSession:
    session = WorkshopSession.objects.filter(code=code.upper(), status=WorkshopSession.Status.OPEN).first()
    if session is None:
        # A closed session's code is not a guess (participants' pages keep polling after the end).
        if not WorkshopSession.objects.filter(code=code.upper()).exists():
            _codes_left(request, wrong=True)
        raise Http404
    return session


def _participant_key(request: HttpRequest, session: WorkshopSession, *, create: bool) -> str:
    keys = request.session.get(SESSION_KEYS, {})
    key = keys.get(str(session.public_id), "")
    if not key and create:
        key = new_participant_key()
        keys[str(session.public_id)] = key
        request.session[SESSION_KEYS] = keys
    return key


@_code_guarded
@unscoped("a workshop join code names the session")
def workshop_participate(request: HttpRequest, code: str) -> HttpResponse:
    session = _open_session(request, code)
    key = _participant_key(request, session, create=True)
    dilemmas = list(session.dilemmas.order_by("order", "id"))
    mine = dict(
        WorkshopPosition.objects.filter(session=session, participant_key=key).values_list("dilemma_id", "position")
    )
    form = WorkshopPositionsForm(request.POST or None, dilemmas=dilemmas, initial_positions=mine)
    if request.method == "POST" and form.is_valid():
        try:
            record_workshop_positions(session, participant_key=key, positions=form.positions())
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Your positions are in. They count anonymously."))
            return redirect("workshop-participant-group", session.code)
    context = {"session": session, "form": form}
    return render(request, "web/reflection/participate.html", context, status=400 if form.is_bound else 200)


@_code_guarded
@unscoped("a workshop join code names the session")
def workshop_participant_group(request: HttpRequest, code: str) -> HttpResponse:
    """What a participant's device shows of the group: the same anonymous spread and the questions."""
    session = _open_session(request, code)
    if not _participant_key(request, session, create=False):
        return redirect("workshop-participate", session.code)
    context = {
        "questions": list(session.questions.order_by("question_set", "order", "id")),
        "participant": True,
        **_spread_context(session, spread_url=reverse("workshop-participant-spread", args=[session.code])),
    }
    return render(request, "web/reflection/workshop_group.html", context)


@_code_guarded
@unscoped("a workshop join code names the session")
def workshop_participant_spread(request: HttpRequest, code: str) -> HttpResponse:
    session = _open_session(request, code)
    if not _participant_key(request, session, create=False):
        raise Http404
    url = reverse("workshop-participant-spread", args=[session.code])
    return render(request, "web/reflection/_spread.html", _spread_context(session, spread_url=url))


urlpatterns = [
    path("reflection/workshops/", workshop_list, name="workshop-list"),
    path("reflection/workshops/<uuid:public_id>/", workshop_group, name="workshop-group"),
    path("reflection/workshops/<uuid:public_id>/spread/", workshop_spread_partial, name="workshop-spread"),
    path("reflection/workshops/<uuid:public_id>/close/", workshop_close, name="workshop-close"),
    path("join/", workshop_join, name="workshop-join"),
    path("join/<str:code>/", workshop_participate, name="workshop-participate"),
    path("join/<str:code>/group/", workshop_participant_group, name="workshop-participant-group"),
    path("join/<str:code>/group/spread/", workshop_participant_spread, name="workshop-participant-spread"),
]
