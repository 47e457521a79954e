"""Need pages: the public form a partner fills in without an account, its confirmation link, and
the shared need directory for staff (list, detail, enter or edit a need on a partner's behalf).

The public form resists abuse with a hidden honeypot field, a signed "form opened at" stamp
(a person needs a few seconds), a rate limit per address, size limits on every field, and a
confirmation link that works once and expires: nothing is shown to anyone until it is used.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.access import get_for_user_or_404, require
from lib.errors import DomainError
from lib.pagination import paginate
from lib.ratelimit import allow
from lib.scoping import unscoped
from matching.load import academic_period, organisation_load
from matching.models import Match, Need, NeedNote, Offer
from matching.services import (
    accept_need,
    add_need_note,
    confirm_need,
    need_for_token,
    post_need,
    reject_need,
    update_need,
)
from web.forms.matching import NeedFilterForm, NeedNoteForm, ProposeMatchForm, PublicNeedForm, StaffNeedForm
from web.forms.partnerships import add_domain_errors

# Posting from one address: this many tries per hour (a real partner posts one or two needs).
POSTS_PER_HOUR = 5
CONFIRMS_PER_HOUR = 30


def suggestions_url(name: str, public_id: Any) -> str:
    """The ranked suggestions page, when the matching engine's pages are installed."""
    try:
        return reverse(name, args=[public_id])
    except NoReverseMatch:
        return ""


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "web/matching/too_many.html", status=429)


@never_cache
@unscoped("the public need form")
def need_post(request: HttpRequest) -> HttpResponse:
    """The public form: no account needed."""
    language = "en" if (get_language() or "nl").startswith("en") else "nl"
    form = PublicNeedForm(request.POST or None)
    if request.method == "POST":
        if not allow(request, "need-post", limit=POSTS_PER_HOUR, window=3600):
            return _too_many(request)
        if form.is_bot:
            # Tell a bot nothing: it sees the same page a person would, and nothing is saved.
            return redirect("need-posted")
        if form.is_valid():
            try:
                post_need(
                    by=None,
                    organisation_fields=form.organisation_fields(),
                    **{**form.need_fields(), "language": language},
                )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                return redirect("need-posted")
    status = 400 if form.is_bound else 200
    return render(request, "web/matching/need_public_form.html", {"form": form}, status=status)


@unscoped("the public need form")
def need_posted(request: HttpRequest) -> HttpResponse:
    return render(request, "web/matching/need_posted.html")


@never_cache
@unscoped("a personal link: the token names the need")
def need_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links); POST confirms. A used or old link says so."""
    if not allow(request, "need-confirm", limit=CONFIRMS_PER_HOUR, window=3600):
        return _too_many(request)
    need = need_for_token(token)
    if need is None:
        return render(request, "web/matching/link_invalid.html", status=404)
    if request.method == "POST":
        try:
            need = confirm_need(token)
        except DomainError as error:
            status = 409 if getattr(error, "code", None) == "used" else 410
            return render(
                request, "web/matching/need_confirm.html", {"need": need, "error": error.messages[0]}, status=status
            )
        return render(request, "web/matching/need_confirmed.html", {"need": need})
    if need.confirmed_at is not None:
        return render(
            request, "web/matching/need_confirm.html", {"need": need, "error": _("This need was already confirmed.")}
        )
    return render(request, "web/matching/need_confirm.html", {"need": need})


@login_required
def need_list(request: HttpRequest) -> HttpResponse:
    visible = Need.objects.for_user(request.user)
    filters = NeedFilterForm(request.GET or None)
    needs = filters.filter(visible).select_related("organisation").prefetch_related("themes")
    context = {
        "nav": "needs",
        "filters": filters,
        "page": paginate(request, needs),
        "can_add": request.user.has_perm("matching.add_need"),
        "can_see_waiting": request.user.has_perm("matching.view_waiting_needs"),
    }
    return render(request, "web/matching/need_list.html", context)


WAITING_ROWS = 100


@login_required
def need_waiting_list(request: HttpRequest) -> HttpResponse:
    """Needs from the public form that wait for the office, or the organisation itself, to accept them."""
    user: Any = request.user
    require(user, "matching.view_waiting_needs")
    waiting = Need.objects.waiting_for(user).select_related("organisation").order_by("confirmed_at", "id")
    context = {"nav": "needs", "page": paginate(request, waiting, per_page=WAITING_ROWS)}
    return render(request, "web/matching/need_waiting.html", context)


def _waiting_need(request: HttpRequest, public_id: Any) -> Need:
    queryset = Need.objects.waiting_for(request.user).select_related("organisation")
    return get_for_user_or_404(queryset, public_id=public_id)


@login_required
@require_POST
def need_accept(request: HttpRequest, public_id: Any) -> HttpResponse:
    need = _waiting_need(request, public_id)
    try:
        accept_need(need, by=request.user)
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("“%(title)s” is now a need of %(organisation)s, and %(email)s receives its mail.")
            % {"title": need.title, "organisation": need.organisation.name, "email": need.contact_email},
        )
    return redirect("need-waiting")


@login_required
@require_POST
def need_reject(request: HttpRequest, public_id: Any) -> HttpResponse:
    need = _waiting_need(request, public_id)
    try:
        reject_need(need, by=request.user, reason=request.POST.get("reason", ""))
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(title)s” was rejected.") % {"title": need.title})
    return redirect("need-waiting")


def _get_need(request: HttpRequest, public_id: Any) -> Need:
    queryset = Need.objects.for_user(request.user).select_related("organisation", "created_by")
    return get_for_user_or_404(queryset, public_id=public_id)


@login_required
def need_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    user: Any = request.user
    need = _get_need(request, public_id)
    is_staff = user.is_institution_staff
    context: dict[str, Any] = {
        "nav": "needs",
        "need": need,
        "themes": list(need.themes.all()),
        "target_groups": list(need.target_groups.all()),
        "can_change": user.has_perm("matching.change_need", need),
        "suggestions_url": suggestions_url("need-suggestions", need.public_id) if is_staff else "",
    }
    matches = Match.objects.for_user(user).filter(need=need).select_related("offer", "institution")
    context["matches"] = list(matches.order_by("-proposed_at")[:50])
    if is_staff:
        period = academic_period(need.period_start)
        context["load"] = organisation_load([need.organisation_id], period).get(need.organisation_id)
        context["period"] = period
        context["notes"] = list(
            NeedNote.objects.filter(need=need, institution_id=user.institution_id).select_related("author")[:50]
        )
        context["note_form"] = NeedNoteForm()
        if user.has_perm("matching.add_offer"):
            offers = Offer.objects.for_user(user).filter(status=Offer.Status.OPEN).order_by("title", "id")
            initial = {"channel": _default_channel(user)}
            if request.GET.get("offer"):
                initial["offer"] = request.GET["offer"]
            context["propose_form"] = ProposeMatchForm(offers=offers, initial=initial)
    return render(request, "web/matching/need_detail.html", context)


def _default_channel(user: Any) -> str:
    from matching.services import default_channel

    return default_channel(user)


def _render_need_form(request: HttpRequest, form: StaffNeedForm, need: Need | None) -> HttpResponse:
    if not form.is_bound:
        status = 200
    elif form.has_error("__all__", "conflict"):
        status = 409
    else:
        status = 400
    return render(request, "web/matching/need_form.html", {"nav": "needs", "form": form, "need": need}, status=status)


@login_required
def need_create(request: HttpRequest) -> HttpResponse:
    """Staff enter a need on a partner's behalf; a partner user posts one for its own organisation."""
    user: Any = request.user
    require(user, "matching.add_need")
    initial = {"language": user.language or "nl"}
    if request.GET.get("organisation"):
        initial["organisation"] = request.GET["organisation"]
    form = StaffNeedForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        organisation = user.organisation if user.is_partner else form.cleaned_data["organisation"]
        try:
            need = post_need(by=user, organisation=organisation, **form.need_fields())
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Need saved. It is open for proposals."))
            return redirect("need-detail", need.public_id)
    return _render_need_form(request, form, None)


@login_required
def need_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    need = _get_need(request, public_id)
    require(request.user, "matching.change_need", need)
    form = StaffNeedForm(request.POST or None, user=request.user, need=need, initial=StaffNeedForm.initial_for(need))
    if request.method == "POST" and form.is_valid():
        fields = form.need_fields()
        try:
            update_need(
                need,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data.get("status"),
                **fields,
            )
        except DomainError as error:
            add_domain_errors(form, error)
            need.refresh_from_db()
        else:
            messages.success(request, _("Need saved."))
            return redirect("need-detail", need.public_id)
    return _render_need_form(request, form, need)


@login_required
def need_note_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    need = _get_need(request, public_id)
    require(request.user, "matching.add_need_note")
    form = NeedNoteForm(request.POST)
    if form.is_valid():
        try:
            add_need_note(need, by=request.user, text=form.cleaned_data["text"])
        except DomainError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Note saved. Only your institution sees it."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("need-detail", need.public_id)


urlpatterns = [
    path("needs/post/", need_post, name="need-post"),
    path("needs/posted/", need_posted, name="need-posted"),
    path("needs/confirm/<str:token>/", need_confirm, name="need-confirm"),
    path("needs/", need_list, name="need-list"),
    path("needs/waiting/", need_waiting_list, name="need-waiting"),
    path("needs/<uuid:public_id>/accept/", need_accept, name="need-accept"),
    path("needs/<uuid:public_id>/reject/", need_reject, name="need-reject"),
    path("needs/new/", need_create, name="need-create"),
    path("needs/<uuid:public_id>/", need_detail, name="need-detail"),
    path("needs/<uuid:public_id>/edit/", need_edit, name="need-edit"),
    path("needs/<uuid:public_id>/notes/", need_note_add, name="need-note-add"),
]
