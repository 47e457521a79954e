"""Practice examples: the office turns a partnership into a case (story, consents, photos) and
publishes it; the public reads published cases without logging in.

The public pages read only ``reflection.cases.public_cases()``: published cases, partner names
only with consent, no people and no internal notes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_for_user_or_404, require
from lib.errors import DomainError
from lib.pagination import paginate
from lib.scoping import unscoped
from network.models import Organisation
from partnerships.models import Partnership
from reflection.cases import FORM_LABELS, public_cases, public_partners, search_public_cases, with_public_data
from reflection.models import CasePhoto, PracticeCase
from reflection.selectors import case_parties, managed_cases
from reflection.services import (
    add_photo,
    create_case,
    publish_case,
    record_consent,
    remove_photo,
    unpublish_case,
    update_case,
    withdraw_consent,
)
from web.forms.partnerships import add_domain_errors
from web.forms.reflection import CaseForm, CaseSearchForm, ConsentForm, PhotoForm

PUBLIC_PAGE_SIZE = 12


# The office's side --------------------------------------------------------------------------


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(user, "reflection.manage_cases")
    cases = managed_cases(user)
    partnerships = Partnership.objects.for_user(user).filter(institution_id=user.institution_id).order_by("title")
    context = {"nav": "reflection", "page": paginate(request, cases), "partnerships": partnerships[:200]}
    return render(request, "web/cases/manage_list.html", context)


@login_required
def case_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(user, "reflection.manage_cases")
    partnership = get_for_user_or_404(
        Partnership.objects.for_user(user), public_id=request.GET.get("partnership") or request.POST.get("partnership")
    )
    require(user, "reflection.change_case", partnership)
    form = CaseForm(
        request.POST or None,
        initial={"title": partnership.title, "collaboration_forms": partnership.collaboration_forms},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = create_case(partnership, by=user, **form.service_fields())
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Practice example made. Record consents before you publish."))
            return redirect("case-manage", case.public_id)
    context = {"nav": "reflection", "form": form, "partnership": partnership, "case": None}
    return render(request, "web/cases/form.html", context, status=400 if form.is_bound else 200)


def _case(request: HttpRequest, public_id: Any) -> PracticeCase:
    queryset = PracticeCase.objects.for_user(request.user).select_related("partnership", "institution")
    case = get_for_user_or_404(queryset, public_id=public_id)
    require(request.user, "reflection.change_case", case)
    return case


def _party_organisations(case: PracticeCase) -> Any:
    return Organisation.objects.filter(partnership_parties__partnership=case.partnership).order_by("name")


def _manage_context(case: PracticeCase, **forms: Any) -> dict[str, Any]:
    return {
        "nav": "reflection",
        "case": case,
        "parties": case_parties(case),
        "photos": list(case.photos.all()),
        "consent_form": forms.get("consent_form") or ConsentForm(organisations=_party_organisations(case)),
        "photo_form": forms.get("photo_form") or PhotoForm(),
        "publish_error": forms.get("publish_error"),
    }


@login_required
def case_manage(request: HttpRequest, public_id: Any) -> HttpResponse:
    case = _case(request, public_id)
    form = CaseForm(request.POST or None, initial=_case_initial(case))
    if request.method == "POST" and form.is_valid():
        try:
            update_case(case, by=request.user, expected_version=form.cleaned_data["version"], **form.service_fields())
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Practice example saved."))
            return redirect("case-manage", case.public_id)
    status = (409 if form.has_error("__all__", "conflict") else 400) if form.is_bound else 200
    context = {**_manage_context(case), "form": form}
    return render(request, "web/cases/manage.html", context, status=status)


def _case_initial(case: PracticeCase) -> dict[str, Any]:
    return {
        "title": case.title,
        "slug": case.slug,
        "summary": case.summary,
        "story": case.story,
        "lessons": case.lessons,
        "collaboration_forms": list(case.forms.values_list("kind", flat=True)),
        "themes": list(case.themes.values_list("slug", flat=True)),
        "version": case.version,
    }


def _render_manage(request: HttpRequest, case: PracticeCase, status: int = 400, **forms: Any) -> HttpResponse:
    form = CaseForm(initial=_case_initial(case))
    context = {**_manage_context(case, **forms), "form": form}
    return render(request, "web/cases/manage.html", context, status=status)


@login_required
@require_POST
def case_publish(request: HttpRequest, public_id: Any) -> HttpResponse:
    case = _case(request, public_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = case.version
    try:
        if request.POST.get("publish") == "0":
            unpublish_case(case, by=request.user, expected_version=version)
            messages.success(request, _("The practice example is no longer public."))
        else:
            publish_case(case, by=request.user, expected_version=version)
            messages.success(request, _("The practice example is public."))
    except DomainError as error:
        case.refresh_from_db()
        status = 409 if getattr(error, "code", None) == "conflict" else 400
        return _render_manage(request, case, status=status, publish_error=" ".join(error.messages))
    return redirect("case-manage", case.public_id)


@login_required
@require_POST
def case_consent(request: HttpRequest, public_id: Any) -> HttpResponse:
    case = _case(request, public_id)
    form = ConsentForm(request.POST, organisations=_party_organisations(case))
    if form.is_valid():
        try:
            record_consent(case, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Consent recorded: the partner is named on the public page."))
            return redirect("case-manage", case.public_id)
    return _render_manage(request, case, consent_form=form)


@login_required
@require_POST
def case_consent_withdraw(request: HttpRequest, public_id: Any, organisation_id: Any) -> HttpResponse:
    case = _case(request, public_id)
    organisation = get_for_user_or_404(_party_organisations(case), public_id=organisation_id)
    withdraw_consent(case, by=request.user, organisation=organisation)
    messages.success(request, _("Consent withdrawn: the partner is no longer named on the public page."))
    return redirect("case-manage", case.public_id)


@login_required
@require_POST
def case_photo_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    case = _case(request, public_id)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            add_photo(
                case,
                by=request.user,
                upload=form.cleaned_data["image"],
                alt_text=form.cleaned_data["alt_text"],
                caption=form.cleaned_data["caption"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Photo added."))
            return redirect("case-manage", case.public_id)
    return _render_manage(request, case, photo_form=form)


@login_required
@require_POST
def case_photo_remove(request: HttpRequest, public_id: Any, photo_id: Any) -> HttpResponse:
    case = _case(request, public_id)
    photo = get_for_user_or_404(case.photos.all(), public_id=photo_id)
    remove_photo(photo, by=request.user)
    messages.success(request, _("Photo removed."))
    return redirect("case-manage", case.public_id)


@login_required
def case_preview(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The public page as it will look, for the office, also before publishing."""
    case = _case(request, public_id)
    return _public_detail(request, with_public_data(PracticeCase.objects.filter(pk=case.pk)).get(), preview=True)


# The public side ----------------------------------------------------------------------------


@unscoped("the public practice examples: published rows only")
def public_case_list(request: HttpRequest) -> HttpResponse:
    search = CaseSearchForm(request.GET or None)
    page = paginate(request, search_public_cases(**search.values()), per_page=PUBLIC_PAGE_SIZE)
    rows = [
        {
            "case": case,
            "partners": public_partners(case),
            "forms": [FORM_LABELS.get(f.kind, f.kind) for f in case.forms.all()],
        }
        for case in page.object_list
    ]
    context = {"search": search, "page": page, "rows": rows}
    return render(request, "web/cases/public_list.html", context)


def _public_detail(request: HttpRequest, case: PracticeCase, *, preview: bool = False) -> HttpResponse:
    context = {
        "case": case,
        "partners": public_partners(case),
        "forms": [FORM_LABELS.get(f.kind, f.kind) for f in case.forms.all()],
        "themes": list(case.themes.all()),
        "photos": list(case.photos.all()),
        "preview": preview,
    }
    return render(request, "web/cases/public_detail.html", context)


@unscoped("the public practice examples: published rows only")
def public_case_detail(request: HttpRequest, slug: str) -> HttpResponse:
    case = public_cases().filter(slug=slug).first()
    if case is None:
        raise Http404
    return _public_detail(request, case)


@unscoped("the public practice examples: published rows only")
def case_photo(request: HttpRequest, slug: str, photo_id: Any) -> FileResponse:
    """A photo of a published case (or of a draft, for the office that keeps it)."""
    photo = CasePhoto.objects.filter(public_id=photo_id, case__slug=slug).select_related("case").first()
    if photo is None:
        raise Http404
    if not photo.case.published:
        visible = PracticeCase.objects.for_user(request.user).filter(pk=photo.case_id).exists()
        if not visible:
            raise Http404
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "public, max-age=3600" if photo.case.published else "private, no-store"
    return response


urlpatterns = [
    path("reflection/cases/", case_list, name="case-manage-list"),
    path("reflection/cases/new/", case_create, name="case-create"),
    path("reflection/cases/<uuid:public_id>/", case_manage, name="case-manage"),
    path("reflection/cases/<uuid:public_id>/preview/", case_preview, name="case-preview"),
    path("reflection/cases/<uuid:public_id>/publish/", case_publish, name="case-publish"),
    path("reflection/cases/<uuid:public_id>/consents/", case_consent, name="case-consent"),
    path(
        "reflection/cases/<uuid:public_id>/consents/<uuid:organisation_id>/withdraw/",
        case_consent_withdraw,
        name="case-consent-withdraw",
    ),
    path("reflection/cases/<uuid:public_id>/photos/", case_photo_add, name="case-photo-add"),
    path(
        "reflection/cases/<uuid:public_id>/photos/<uuid:photo_id>/remove/", case_photo_remove, name="case-photo-remove"
    ),
    path("cases/", public_case_list, name="case-list"),
    path("cases/<slug:slug>/", public_case_detail, name="case-detail"),
    path("cases/<slug:slug>/photos/<uuid:photo_id>/", case_photo, name="case-photo"),
]
