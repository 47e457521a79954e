"""Agreement pages: list, draft with a guided form, edit (a new version once sent), send for
signing, compare versions, download a version as PDF, and the calendar feeds."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.access import get_for_user_or_404, require
from agreements import ical
from agreements.access import version_scope
from agreements.diff import diff_versions
from agreements.models import Agreement, AgreementTemplate, AgreementVersion, Signatory
from agreements.pdf import render_pdf
from agreements.sections import BALANCE_PARTIES, BALANCE_SIDES, TEXT_SECTIONS, normalise
from agreements.services import (
    content_from_template,
    create_agreement,
    latest_version,
    send_agreement,
    templates_for,
    update_agreement,
)
from engagements.models import Engagement
from lib.errors import ConflictError, DomainError
from lib.pagination import paginate
from lib.scoping import acting_as
from partnerships.models import Partnership
from web.forms.agreements import AgreementFilterForm, AgreementForm, DraftAgreementForm, SendForm, TemplateChoiceForm
from web.forms.partnerships import add_domain_errors


def _agreements(request: HttpRequest) -> QuerySet[Agreement]:
    return Agreement.objects.for_user(request.user).select_related(
        "institution", "partnership", "engagement__organisation", "created_by"
    )


def _get(request: HttpRequest, public_id: Any) -> Agreement:
    return get_for_user_or_404(_agreements(request), public_id=public_id)


def _visible_versions(user: Any, agreement: Agreement) -> QuerySet[AgreementVersion]:
    return agreement.versions.filter(version_scope(user)).order_by("-number")


def _feed_url(request: HttpRequest, name: str, token: str | None) -> str | None:
    return request.build_absolute_uri(reverse(name, args=[token])) if token else None


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    filters = AgreementFilterForm(request.GET or None)
    drafting = None
    if getattr(user, "is_institution_staff", False):
        # A partnership of the user's own institution to start a draft from, searched for (without
        # JavaScript the search comes back here with its matches; choosing one opens the draft).
        asked = "partnership" in request.GET or "partnership_q" in request.GET
        drafting = DraftAgreementForm(
            request.GET if asked else None,
            partnerships=Partnership.objects.for_user(user).filter(institution_id=user.institution_id),
        )
        if asked and drafting.is_valid():
            partnership = drafting.cleaned_data["partnership"]
            return redirect(reverse("agreement-create") + f"?partnership={partnership.public_id}")
    context = {
        "nav": "agreements",
        "drafting": drafting,
        "filters": filters,
        "page": paginate(request, filters.filter(_agreements(request))),
        "calendar_url": _feed_url(request, "agreement-calendar-user", ical.user_token(request.user)),
    }
    return render(request, "web/agreements/list.html", context)


def _subject(request: HttpRequest) -> Partnership | Engagement:
    """The partnership or engagement named in ``?partnership=`` or ``?engagement=``, as the user may see it."""
    partnership = request.POST.get("partnership") or request.GET.get("partnership")
    engagement = request.POST.get("engagement") or request.GET.get("engagement")
    if partnership:
        return get_for_user_or_404(
            Partnership.objects.for_user(request.user).select_related("institution"), public_id=partnership
        )
    if engagement:
        return get_for_user_or_404(
            Engagement.objects.for_user(request.user).select_related("institution", "organisation"),
            public_id=engagement,
        )
    raise Http404


def _missions(subject: Partnership | Engagement) -> dict[str, Any]:
    if isinstance(subject, Partnership):
        organisations = [p.organisation for p in subject.parties.select_related("organisation").order_by("id")]
    else:
        organisations = [subject.organisation] if subject.organisation_id else []
    return {"institution": subject.institution, "organisations": organisations}


def _form_page(
    request: HttpRequest,
    form: AgreementForm,
    *,
    subject: Partnership | Engagement,
    agreement: Agreement | None,
    chooser: TemplateChoiceForm | None = None,
    template: AgreementTemplate | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "nav": "agreements",
        "form": form,
        "agreement": agreement,
        "subject": subject,
        "subject_kind": "partnership" if isinstance(subject, Partnership) else "engagement",
        "missions": _missions(subject),
        "chooser": chooser,
        "template": template,
        "frozen": agreement is not None and latest_version(agreement).is_frozen,
    }
    return render(request, "web/agreements/form.html", context, status=status)


@login_required
def agreement_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    subject = _subject(request)
    require(user, "agreements.add_agreement", subject)
    templates = templates_for(subject.institution_id)
    chooser = TemplateChoiceForm(request.GET if "template" in request.GET else None, templates=templates)
    template: AgreementTemplate | None = None
    if chooser.is_bound and chooser.is_valid():
        template = chooser.cleaned_data["template"]
    if request.method == "POST":
        posted = request.POST.get("template", "")
        template = templates.filter(pk=posted).first() if posted.isdigit() else None
        form = AgreementForm(request.POST)
        if form.is_valid():
            try:
                agreement = create_agreement(
                    by=user,
                    content=form.content(),
                    template=template,
                    **{"partnership" if isinstance(subject, Partnership) else "engagement": subject},
                )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("Draft agreement saved. Nothing is sent until you send it."))
                return redirect("agreement-detail", agreement.public_id)
        return _form_page(request, form, subject=subject, agreement=None, template=template, status=400)
    content = content_from_template(template, language=translation.get_language() or "nl", title=subject.title)
    initial, rows = AgreementForm.initial_for(content)
    form = AgreementForm(initial=initial, evaluation_rows=rows)
    return _form_page(request, form, subject=subject, agreement=None, chooser=chooser, template=template)


@login_required
def agreement_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    agreement = _get(request, public_id)
    require(request.user, "agreements.change_agreement", agreement)
    current = latest_version(agreement)
    initial, rows = AgreementForm.initial_for(current.content, version=agreement.version)
    if request.method == "POST":
        form = AgreementForm(request.POST, evaluation_rows=rows)
        if form.is_valid():
            try:
                version = update_agreement(
                    agreement, by=request.user, expected_version=form.cleaned_data["version"], content=form.content()
                )
            except ConflictError as error:
                form.add_error(None, error)
                return _form_page(request, form, subject=agreement.subject, agreement=agreement, status=409)
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                if version.number != current.number:
                    messages.success(
                        request,
                        _("Saved as version %(number)d. Send it to ask for signatures on this version.")
                        % {"number": version.number},
                    )
                else:
                    messages.success(request, _("Draft saved."))
                return redirect("agreement-detail", agreement.public_id)
        return _form_page(request, form, subject=agreement.subject, agreement=agreement, status=400)
    form = AgreementForm(initial=initial, evaluation_rows=rows)
    return _form_page(request, form, subject=agreement.subject, agreement=agreement)


def _send_initial(agreement: Agreement, request: HttpRequest) -> dict[str, Any]:
    """Who signed last time, or the coordinator and the partner's contact person."""
    initial: dict[str, Any] = {"version": agreement.version}
    earlier = Signatory.objects.filter(agreement=agreement).order_by("-version__number", "id")
    seen: set[str] = set()
    for signatory in earlier:
        prefix = signatory.party
        if prefix in seen:
            continue
        seen.add(prefix)
        initial.update(
            {
                f"{prefix}_name": signatory.name,
                f"{prefix}_role": signatory.role,
                f"{prefix}_email": signatory.email,
                f"{prefix}_language": signatory.language,
            }
        )
    if "institution" not in seen:
        user: Any = request.user
        initial.update(
            {
                "institution_name": user.get_full_name(),
                "institution_email": user.email or (user.person.email if user.person_id else ""),
                "institution_language": user.language,
            }
        )
    if "organisation" not in seen and agreement.partnership_id:
        party = agreement.partnership.parties.select_related("contact_person").order_by("id").first()
        if party and party.contact_person:
            initial.update(
                {"organisation_name": str(party.contact_person), "organisation_email": party.contact_person.email}
            )
    return initial


@login_required
def agreement_send(request: HttpRequest, public_id: Any) -> HttpResponse:
    agreement = _get(request, public_id)
    require(request.user, "agreements.change_agreement", agreement)
    version = latest_version(agreement)
    form = SendForm(request.POST if request.method == "POST" else None, initial=_send_initial(agreement, request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                send_agreement(
                    agreement,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    signatories=form.specs(),
                    base_url=request.build_absolute_uri("/"),
                )
            except ConflictError as error:
                form.add_error(None, error)
                status = 409
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Version %(number)d sent: every signatory gets a personal link.") % {"number": version.number},
                )
                return redirect("agreement-detail", agreement.public_id)
    context = {"nav": "agreements", "agreement": agreement, "version": version, "form": form}
    return render(request, "web/agreements/send.html", context, status=status)


def _balance(content: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "label": party.label,
            "sides": [
                {"label": label, "text": content["balance"][party.key][side]} for side, label, *_r in BALANCE_SIDES
            ],
        }
        for party in BALANCE_PARTIES
    ]


@login_required
def agreement_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    user: Any = request.user
    agreement = _get(request, public_id)
    versions = list(_visible_versions(user, agreement).only("id", "number", "sent_at", "content_hash", "created_at"))
    if not versions:
        raise Http404
    shown = versions[0]
    if request.GET.get("version", "").isdigit():
        shown = next((v for v in versions if v.number == int(request.GET["version"])), None) or shown
    shown = AgreementVersion.objects.get(pk=shown.pk)
    content = normalise(shown.content)
    signatories = list(Signatory.objects.filter(version=shown).select_related("signature").order_by("party", "id"))
    can_change = user.has_perm("agreements.change_agreement", agreement)
    newest = versions[0]
    partnership = agreement.partnership_for_calendar
    context = {
        "nav": "agreements",
        "agreement": agreement,
        "versions": versions,
        "shown": shown,
        "newest": newest,
        "content": content,
        "sections": [{"label": s.label, "text": content[s.key]} for s in TEXT_SECTIONS],
        "balance": _balance(content),
        "signatories": signatories,
        "missions": _missions(agreement.subject),
        "can_change": can_change and agreement.status in ("draft", "sent", "partly_signed"),
        "can_send": can_change and not newest.is_frozen and agreement.status in ("draft", "sent", "partly_signed"),
        "partnership_calendar_url": _feed_url(
            request, "agreement-calendar-partnership", ical.partnership_token(user, partnership)
        )
        if partnership is not None
        else None,
    }
    return render(request, "web/agreements/detail.html", context)


@login_required
def agreement_diff(request: HttpRequest, public_id: Any) -> HttpResponse:
    user: Any = request.user
    agreement = _get(request, public_id)
    versions = {v.number: v for v in _visible_versions(user, agreement)}
    try:
        old = versions[int(request.GET.get("from", ""))]
        new = versions[int(request.GET.get("to", ""))]
    except (KeyError, ValueError):
        numbers = sorted(versions)
        if len(numbers) < 2:
            messages.info(request, _("There is only one version so far: nothing to compare."))
            return redirect("agreement-detail", agreement.public_id)
        old, new = versions[numbers[-2]], versions[numbers[-1]]
    context = {
        "nav": "agreements",
        "agreement": agreement,
        "old": old,
        "new": new,
        "numbers": sorted(versions),
        "sections": diff_versions(old.content, new.content),
    }
    return render(request, "web/agreements/diff.html", context)


@login_required
def agreement_pdf(request: HttpRequest, public_id: Any, number: int) -> HttpResponse:
    agreement = _get(request, public_id)
    version = get_for_user_or_404(
        _visible_versions(request.user, agreement).select_related("agreement__institution"), number=number
    )
    response = HttpResponse(render_pdf(version), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agreement-{agreement.public_id}-v{number}.pdf"'
    return response


def _calendar_response(name: str, events: list[ical.Event]) -> HttpResponse:
    response = HttpResponse(ical.calendar(name, events), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="brug.ics"'
    return response


def _in_calendar(user: Any) -> QuerySet[Agreement]:
    return (
        Agreement.objects.for_user(user)
        .exclude(status__in=[Agreement.Status.DRAFT, Agreement.Status.ENDED])
        .prefetch_related("evaluation_moments")
        .order_by("id")
    )


@never_cache
def calendar_user(request: HttpRequest, token: str) -> HttpResponse:
    reader = ical.read_token(token)
    if reader is None:
        raise Http404
    user = reader.user
    with acting_as(user), translation.override(user.language):
        events = ical.agreement_events(_in_calendar(user), request.build_absolute_uri("/").rstrip("/"))
        return _calendar_response(_("Brug agreements"), events)


@never_cache
def calendar_partnership(request: HttpRequest, token: str) -> HttpResponse:
    reader = ical.read_token(token, partnership=True)
    if reader is None:
        raise Http404
    user = reader.user
    with acting_as(user):
        return _partnership_feed(request, user, reader.partnership_id)


def _partnership_feed(request: HttpRequest, user: Any, partnership_id: Any) -> HttpResponse:
    partnership = get_for_user_or_404(Partnership.objects.for_user(user), public_id=partnership_id)
    agreements = _in_calendar(user).filter(partnership=partnership) | _in_calendar(user).filter(
        engagement__partnership=partnership
    )
    with translation.override(user.language):
        events = ical.agreement_events(
            agreements.prefetch_related(Prefetch("evaluation_moments")), request.build_absolute_uri("/").rstrip("/")
        )
        return _calendar_response(partnership.title, events)


urlpatterns = [
    path("agreements/", agreement_list, name="agreement-list"),
    path("agreements/new/", agreement_create, name="agreement-create"),
    path("agreements/<uuid:public_id>/", agreement_detail, name="agreement-detail"),
    path("agreements/<uuid:public_id>/edit/", agreement_edit, name="agreement-edit"),
    path("agreements/<uuid:public_id>/send/", agreement_send, name="agreement-send"),
    path("agreements/<uuid:public_id>/compare/", agreement_diff, name="agreement-diff"),
    path("agreements/<uuid:public_id>/versions/<int:number>/pdf/", agreement_pdf, name="agreement-pdf"),
    path("calendar/agreements/<str:token>.ics", calendar_user, name="agreement-calendar-user"),
    path("calendar/partnership/<str:token>.ics", calendar_partnership, name="agreement-calendar-partnership"),
]
