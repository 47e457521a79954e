"""Business operations of reflection: questions and dilemmas, workbooks, workshops, practice examples.

Every write is atomic and leaves an audit entry (except anonymous workshop positions, which
record no one on purpose).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from audit.services import record
from engagements.models import Course, Engagement
from lib.concurrency import save_versioned
from lib.errors import DomainError
from lib.scoping import unscoped
from network.models import Institution, Organisation, Person, Theme
from partnerships.models import Partnership
from reflection.models import (
    SCALE,
    CaseCollaborationForm,
    CaseConsent,
    CasePhoto,
    Dilemma,
    DilemmaPosition,
    PlannedAction,
    PracticeCase,
    ReflectionQuestion,
    Workbook,
    WorkbookAnswer,
    WorkshopPosition,
    WorkshopSession,
    new_join_code,
)
from reflection.photos import check_photo

QUESTION_FIELDS = ("question_set", "text_nl", "text_en", "order", "is_active")
DILEMMA_FIELDS = (
    "statement_nl",
    "statement_en",
    "pole_a_nl",
    "pole_a_en",
    "pole_b_nl",
    "pole_b_en",
    "order",
    "is_active",
)
CASE_FIELDS = ("title", "summary", "story", "lessons")


# Questions and dilemmas ---------------------------------------------------------------------


def _check_own(item: ReflectionQuestion | Dilemma, institution: Institution) -> None:
    if item.institution_id != institution.pk:
        raise DomainError(_("Built-in items are adapted by making your own copy first."))


@transaction.atomic
def create_question(*, by: Any, institution: Institution, **fields: Any) -> ReflectionQuestion:
    question = ReflectionQuestion(institution=institution, **{k: v for k, v in fields.items() if k in QUESTION_FIELDS})
    question.full_clean()
    question.save()
    record(by, "created", question, institution_id=institution.pk)
    return question


@transaction.atomic
def adapt_question(question: ReflectionQuestion, *, by: Any, institution: Institution) -> ReflectionQuestion:
    """The institution's own copy of a built-in question; the built-in is hidden for it from now on."""
    if not question.is_builtin:
        raise DomainError(_("Only built-in items are adapted; edit your own directly."))
    existing = ReflectionQuestion.objects.filter(institution=institution, replaces=question).first()
    if existing is not None:
        return existing
    copy = ReflectionQuestion.objects.create(
        institution=institution,
        replaces=question,
        question_set=question.question_set,
        text_nl=question.text_nl,
        text_en=question.text_en,
        order=question.order,
    )
    record(by, "adapted", copy, institution_id=institution.pk)
    return copy


@transaction.atomic
def update_question(
    question: ReflectionQuestion, *, by: Any, institution: Institution, expected_version: int | None, **fields: Any
) -> None:
    _check_own(question, institution)
    changes = {k: v for k, v in fields.items() if k in QUESTION_FIELDS}
    save_versioned(question, expected_version=expected_version, fields=changes)
    record(by, "changed", question, institution_id=institution.pk, changes={"fields": sorted(changes)})


@transaction.atomic
def create_dilemma(*, by: Any, institution: Institution, **fields: Any) -> Dilemma:
    dilemma = Dilemma(institution=institution, **{k: v for k, v in fields.items() if k in DILEMMA_FIELDS})
    dilemma.full_clean()
    dilemma.save()
    record(by, "created", dilemma, institution_id=institution.pk)
    return dilemma


@transaction.atomic
def adapt_dilemma(dilemma: Dilemma, *, by: Any, institution: Institution) -> Dilemma:
    if not dilemma.is_builtin:
        raise DomainError(_("Only built-in items are adapted; edit your own directly."))
    existing = Dilemma.objects.filter(institution=institution, replaces=dilemma).first()
    if existing is not None:
        return existing
    copy = Dilemma.objects.create(
        institution=institution, replaces=dilemma, **{f: getattr(dilemma, f) for f in DILEMMA_FIELDS}
    )
    record(by, "adapted", copy, institution_id=institution.pk)
    return copy


@transaction.atomic
def update_dilemma(
    dilemma: Dilemma, *, by: Any, institution: Institution, expected_version: int | None, **fields: Any
) -> None:
    _check_own(dilemma, institution)
    changes = {k: v for k, v in fields.items() if k in DILEMMA_FIELDS}
    save_versioned(dilemma, expected_version=expected_version, fields=changes)
    record(by, "changed", dilemma, institution_id=institution.pk, changes={"fields": sorted(changes)})


# Workbooks ----------------------------------------------------------------------------------


@dataclass
class ActionSpec:
    what: str
    needs: str = ""
    due_on: dt.date | None = None
    done: bool = False
    id: int | None = None


@transaction.atomic
def start_workbook(course: Course, *, by: Any, teacher: Person) -> Workbook:
    """The teacher's workbook for the course's academic year (the existing one if there is one)."""
    if not course.teachers.filter(pk=teacher.pk).exists():
        raise DomainError({"teacher": _("Choose one of the course's teachers.")})
    existing = Workbook.objects.filter(course=course, academic_year=course.academic_year, teacher=teacher).first()
    if existing is not None:
        return existing
    workbook = Workbook.objects.create(
        institution_id=course.institution_id,
        course=course,
        academic_year=course.academic_year,
        teacher=teacher,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    record(by, "created", workbook, institution_id=course.institution_id)
    return workbook


@transaction.atomic
def save_workbook(
    workbook: Workbook,
    *,
    by: Any,
    expected_version: int | None,
    answers: Mapping[int, str],
    positions: Mapping[int, tuple[int | None, str]],
    actions: Sequence[ActionSpec],
) -> None:
    """Write the answers, positions and planned actions of a workbook in one go.

    ``answers`` and ``positions`` are keyed by question and dilemma id; a position needs a
    reason, because the reason is what the group discusses and what next year's self reads.
    """
    errors: dict[str, list[str]] = {}
    for dilemma_id, (position, reason) in positions.items():
        if position is not None and position not in SCALE:
            errors.setdefault(f"position_{dilemma_id}", []).append(str(_("Choose a point on the scale.")))
        elif position is not None and not (reason or "").strip():
            errors.setdefault(f"reason_{dilemma_id}", []).append(str(_("Give a reason for your position.")))
    for action in actions:
        if not action.what.strip():
            errors.setdefault("actions", []).append(str(_("Say what you plan to do.")))
    if errors:
        raise DomainError(errors)
    save_versioned(workbook, expected_version=expected_version, fields={})

    existing_answers = {a.question_id: a for a in workbook.answers.all()}
    for question_id, text in answers.items():
        text = (text or "").strip()
        current = existing_answers.get(question_id)
        if current is None and text:
            WorkbookAnswer.objects.create(workbook=workbook, question_id=question_id, text=text)
        elif current is not None and current.text != text:
            current.text = text
            current.save(update_fields=["text"])

    existing_positions = {p.dilemma_id: p for p in workbook.positions.all()}
    for dilemma_id, (position, reason) in positions.items():
        current = existing_positions.get(dilemma_id)
        if position is None:
            if current is not None:
                current.delete()
            continue
        if current is None:
            DilemmaPosition.objects.create(
                workbook=workbook, dilemma_id=dilemma_id, position=position, reason=reason.strip()
            )
        elif (current.position, current.reason) != (position, reason.strip()):
            current.position, current.reason = position, reason.strip()
            current.save(update_fields=["position", "reason"])

    kept: set[int] = set()
    existing_actions = {a.pk: a for a in workbook.actions.all()}
    for order, spec in enumerate(actions):
        fields = {
            "what": spec.what.strip(),
            "needs": spec.needs.strip(),
            "due_on": spec.due_on,
            "done": spec.done,
            "order": order,
        }
        current = existing_actions.get(spec.id) if spec.id else None
        if current is None:
            kept.add(PlannedAction.objects.create(workbook=workbook, **fields).pk)
        else:
            kept.add(current.pk)
            if any(getattr(current, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(current, k, v)
                current.save()
    workbook.actions.exclude(pk__in=kept).delete()
    record(by, "changed", workbook, institution_id=workbook.institution_id)


# Workshops ----------------------------------------------------------------------------------


@transaction.atomic
def start_workshop(
    *,
    by: Any,
    institution: Institution,
    title: str,
    dilemmas: Iterable[Dilemma],
    questions: Iterable[ReflectionQuestion] = (),
) -> WorkshopSession:
    dilemmas, questions = list(dilemmas), list(questions)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the session a title.")
    if not dilemmas:
        errors["dilemmas"] = _("Choose at least one dilemma.")
    if errors:
        raise DomainError(errors)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                session = WorkshopSession.objects.create(
                    institution=institution,
                    title=title.strip(),
                    code=new_join_code(),
                    created_by=by if getattr(by, "is_authenticated", False) else None,
                )
            break
        except IntegrityError:  # the code was taken: draw again
            continue
    else:  # pragma: no cover - 31^6 codes
        raise DomainError(_("No free join code was found; try again."))
    session.dilemmas.set(dilemmas)
    session.questions.set(questions)
    record(by, "started workshop", session, institution_id=institution.pk)
    return session


@transaction.atomic
def close_workshop(session: WorkshopSession, *, by: Any) -> None:
    if not session.is_open:
        return
    session.status, session.closed_at = WorkshopSession.Status.CLOSED, timezone.now()
    session.save(update_fields=["status", "closed_at"])
    record(by, "closed workshop", session, institution_id=session.institution_id)


def new_participant_key() -> str:
    return secrets.token_hex(16)


@transaction.atomic
def record_workshop_positions(
    session: WorkshopSession, *, participant_key: str, positions: Mapping[int, int | None]
) -> None:
    """One device's positions: a new choice replaces the device's earlier one, so a device counts once."""
    if not session.is_open:
        raise DomainError(_("This session is closed."))
    if not participant_key:
        raise DomainError(_("Join the session first."))
    allowed = set(session.dilemmas.values_list("pk", flat=True))
    for dilemma_id, position in positions.items():
        if dilemma_id not in allowed:
            continue
        if position is None:
            WorkshopPosition.objects.filter(
                session=session, dilemma_id=dilemma_id, participant_key=participant_key
            ).delete()
        elif position not in SCALE:
            raise DomainError({f"position_{dilemma_id}": _("Choose a point on the scale.")})
        else:
            WorkshopPosition.objects.update_or_create(
                session=session,
                dilemma_id=dilemma_id,
                participant_key=participant_key,
                defaults={"position": position},
            )


# Practice examples --------------------------------------------------------------------------


def _slug_taken(slug: str, *, exclude_pk: int | None = None) -> bool:
    with unscoped("a practice example's web address is unique across the region"):
        return PracticeCase.objects.filter(slug=slug).exclude(pk=exclude_pk).exists()


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:100] or "case"
    slug, n = base, 2
    while _slug_taken(slug, exclude_pk=exclude_pk):
        slug, n = f"{base}-{n}", n + 1
    return slug


def _set_forms(case: PracticeCase, forms: Iterable[str]) -> None:
    valid = {value for value, _label in Engagement.Kind.choices}
    wanted = [f for f in dict.fromkeys(forms) if f in valid]
    case.forms.exclude(kind__in=wanted).delete()
    have = set(case.forms.values_list("kind", flat=True))
    CaseCollaborationForm.objects.bulk_create(
        [CaseCollaborationForm(case=case, kind=kind) for kind in wanted if kind not in have]
    )


@transaction.atomic
def create_case(
    partnership: Partnership,
    *,
    by: Any,
    forms: Iterable[str] = (),
    themes: Iterable[Theme] = (),
    slug: str = "",
    **fields: Any,
) -> PracticeCase:
    data = {k: (v or "").strip() for k, v in fields.items() if k in CASE_FIELDS}
    case = PracticeCase(
        institution_id=partnership.institution_id,
        partnership=partnership,
        slug=slugify(slug) or _unique_slug(data.get("title", "")),
        created_by=by if getattr(by, "is_authenticated", False) else None,
        **data,
    )
    if _slug_taken(case.slug):
        raise DomainError({"slug": _("Another practice example already uses this web address.")})
    case.full_clean()
    case.save()
    _set_forms(case, forms)
    case.themes.set(list(themes))
    record(by, "created", case, institution_id=case.institution_id)
    return case


@transaction.atomic
def update_case(
    case: PracticeCase,
    *,
    by: Any,
    expected_version: int | None,
    forms: Iterable[str] = (),
    themes: Iterable[Theme] = (),
    slug: str = "",
    **fields: Any,
) -> None:
    changes: dict[str, Any] = {k: (v or "").strip() for k, v in fields.items() if k in CASE_FIELDS}
    new_slug = slugify(slug) or case.slug
    if new_slug != case.slug:
        if _slug_taken(new_slug, exclude_pk=case.pk):
            raise DomainError({"slug": _("Another practice example already uses this web address.")})
        changes["slug"] = new_slug
    save_versioned(case, expected_version=expected_version, fields=changes)
    _set_forms(case, forms)
    case.themes.set(list(themes))
    if case.published:
        _check_publishable(case)
    record(by, "changed", case, institution_id=case.institution_id, changes={"fields": sorted(changes)})


def _check_publishable(case: PracticeCase) -> None:
    from reflection.cases import unconsented_mentions

    mentions = unconsented_mentions(case)
    if mentions:
        raise DomainError(
            _(
                "The text names %(names)s without their consent. Record their consent, or describe them "
                "without their name."
            )
            % {"names": ", ".join(mentions)}
        )


@transaction.atomic
def publish_case(case: PracticeCase, *, by: Any, expected_version: int | None) -> None:
    """Publish on the public pages, after checking no partner or person is named without consent."""
    _check_publishable(case)
    save_versioned(
        case,
        expected_version=expected_version,
        fields={"published": True, "published_at": case.published_at or timezone.now()},
    )
    record(by, "published", case, institution_id=case.institution_id)


@transaction.atomic
def unpublish_case(case: PracticeCase, *, by: Any, expected_version: int | None) -> None:
    save_versioned(case, expected_version=expected_version, fields={"published": False})
    record(by, "unpublished", case, institution_id=case.institution_id)


@transaction.atomic
def record_consent(
    case: PracticeCase, *, by: Any, organisation: Organisation, given_by: str, given_on: dt.date
) -> CaseConsent:
    errors: dict[str, str] = {}
    if not case.partnership.parties.filter(organisation=organisation).exists():
        errors["organisation"] = _("Only partners of this partnership are named in its practice example.")
    if not (given_by or "").strip():
        errors["given_by"] = _("Say who gave the consent.")
    if given_on and given_on > timezone.localdate():
        errors["given_on"] = _("Consent cannot be given in the future.")
    if errors:
        raise DomainError(errors)
    consent, _created = CaseConsent.objects.update_or_create(
        case=case,
        organisation=organisation,
        defaults={
            "given_by": given_by.strip(),
            "given_on": given_on,
            "recorded_by": by if getattr(by, "is_authenticated", False) else None,
        },
    )
    record(by, "recorded consent", case, institution_id=case.institution_id, changes={"organisation": organisation})
    return consent


@transaction.atomic
def withdraw_consent(case: PracticeCase, *, by: Any, organisation: Organisation) -> None:
    """Withdrawn consent takes effect at once: the public page describes the partner generically again."""
    CaseConsent.objects.filter(case=case, organisation=organisation).delete()
    if case.published and _mentions_after_withdrawal(case):
        # The story still names them: take the case offline rather than show a name without consent.
        PracticeCase.objects.filter(pk=case.pk).update(published=False)
        case.published = False
    record(by, "withdrew consent", case, institution_id=case.institution_id, changes={"organisation": organisation})


def _mentions_after_withdrawal(case: PracticeCase) -> bool:
    from reflection.cases import unconsented_mentions

    return bool(unconsented_mentions(case))


@transaction.atomic
def add_photo(case: PracticeCase, *, by: Any, upload: UploadedFile, alt_text: str, caption: str = "") -> CasePhoto:
    errors: dict[str, Any] = {}
    if not (alt_text or "").strip():
        errors["alt_text"] = _("Describe the photo for people who cannot see it.")
    content_type = None
    try:
        content_type = check_photo(upload)
    except DomainError as error:
        errors["image"] = error.messages
    if errors:
        raise DomainError(errors)
    photo = CasePhoto(
        case=case,
        content_type=content_type,
        alt_text=alt_text.strip(),
        caption=(caption or "").strip(),
        order=case.photos.count(),
    )
    photo.image.save("photo", upload, save=False)
    photo.save()
    record(by, "added photo", case, institution_id=case.institution_id)
    return photo


@transaction.atomic
def remove_photo(photo: CasePhoto, *, by: Any) -> None:
    case = photo.case
    photo.image.delete(save=False)
    photo.delete()
    record(by, "removed photo", case, institution_id=case.institution_id)
