"""Your institution: its settings and its audit trail, for its coordinators and administrators."""

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import require
from api.auth import acting_user
from api.errors import codes
from api.pagination import Pages
from api.schemas import InputSchema, Text
from audit.models import AuditEntry
from lib.errors import DomainError
from network.models import Institution
from network.services import STALE_MONTHS_RANGE, settings_fingerprint, update_institution_settings

router = Router(tags=["Institution"])

LOW, HIGH = STALE_MONTHS_RANGE


class SettingsOut(Schema):
    name: str
    short_name: str
    mission: str
    website: str
    stale_after_months: int = Field(description="After how many months without contact a relationship is flagged.")
    retention_unconfirmed_need_days: int = Field(description="Days after which an unconfirmed public need is removed.")
    retention_expired_link_days: int = Field(description="Days after their expiry that links and tokens are removed.")
    retention_closed_assessment_months: int = Field(
        description="Months after an assessment closes that its respondents are anonymised."
    )
    retention_import_file_days: int = Field(description="Days after which an uploaded import file is removed.")
    retention_booking_months: int = Field(
        description="Months after the booked time that a requester's name and e-mail are removed."
    )
    retention_workshop_days: int = Field(
        description="Days after a workshop closes that its positions lose their device key."
    )
    fingerprint: str = Field(description="Send it back with a change: a change to newer settings is refused (409).")

    @staticmethod
    def resolve_fingerprint(obj: Institution) -> str:
        return settings_fingerprint(obj)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Universiteit Aan de Schelde",
                    "short_name": "UAS",
                    "mission": "Learning with the city.",
                    "website": "https://example.org",
                    "stale_after_months": 6,
                    "retention_unconfirmed_need_days": 30,
                    "retention_expired_link_days": 30,
                    "retention_closed_assessment_months": 12,
                    "retention_import_file_days": 30,
                    "retention_booking_months": 12,
                    "retention_workshop_days": 30,
                    "fingerprint": "0123456789abcdef",
                }
            ]
        }
    )


class SettingsPatch(InputSchema):
    """Only the fields sent are changed; `fingerprint` is the one you read."""

    fingerprint: str = Field(max_length=64)
    mission: str | None = Field(None, max_length=10000)
    website: str | None = Field(None, max_length=200)
    stale_after_months: int | None = Field(None, ge=LOW, le=HIGH)
    retention_unconfirmed_need_days: int | None = Field(None, ge=1, le=365)
    retention_expired_link_days: int | None = Field(None, ge=1, le=365)
    retention_closed_assessment_months: int | None = Field(None, ge=1, le=120)
    retention_import_file_days: int | None = Field(None, ge=1, le=365)
    retention_booking_months: int | None = Field(None, ge=1, le=120)
    retention_workshop_days: int | None = Field(None, ge=1, le=365)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"fingerprint": "0123456789abcdef", "stale_after_months": 9}]}
    )


class AuditEntryOut(Schema):
    at: dt.datetime
    actor: str | None = Field(description="Who did it; null for the system or a removed account.")
    action: str = Field(description="The action's code, for example `changed` or `logged contact`.")
    action_label: str = Field(description="The action in words, in your language.")
    target_type: str = Field(description="The kind of record, as `app.model`.")
    target_id: str = Field(description="The record's public id.")
    target: str = Field(description="The record, in words, as it was then.")
    changes: dict[str, Any]

    @staticmethod
    def resolve_actor(obj: AuditEntry) -> str | None:
        user = obj.actor
        return (user.get_full_name() or user.username) if user else None

    @staticmethod
    def resolve_target(obj: AuditEntry) -> str:
        return obj.target_repr


def _institution(request: HttpRequest) -> Institution:
    user = acting_user(request)
    require(user, "network.view_audit")
    if user.institution_id is None:
        raise DomainError(_("Your account does not belong to an institution."))
    return Institution.objects.get(pk=user.institution_id)


@router.get("/settings", response=codes({200: SettingsOut}, 400, 403), summary="Your institution's settings")
def get_settings(request: HttpRequest) -> Institution:
    """The settings of your institution (coordinators and administrators), as on the settings page."""
    return _institution(request)


@router.patch(
    "/settings", response=codes({200: SettingsOut}, 400, 403, 409), summary="Change your institution's settings"
)
def change_settings(request: HttpRequest, payload: SettingsPatch) -> Institution:
    """Change the fields sent (coordinators and administrators). Answers 409 when someone else changed the
    settings since you read `fingerprint`. The change is written to the audit trail."""
    institution = _institution(request)
    sent = payload.model_dump(exclude_unset=True, exclude={"fingerprint"})
    data = {k: v for k, v in sent.items() if v is not None}
    update_institution_settings(institution, by=acting_user(request), expected_fingerprint=payload.fingerprint, **data)
    return Institution.objects.get(pk=institution.pk)


@router.get("/audit", response=codes({200: list[AuditEntryOut]}, 400, 403), summary="Your institution's audit trail")
@paginate(Pages)
def list_audit(
    request: HttpRequest,
    action: Text = "",
    target_type: Text = "",
    target_id: Text = "",
    actor: Text = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """Who did what, when, in your institution, newest first (coordinators and administrators), as on the
    audit page. Filters: `action` (a code, see `action`), `target_type` (for example `network.person`),
    `target_id` (a record's public id), `actor` (part of a username or name), `since` and `until` (days,
    inclusive)."""
    institution = _institution(request)
    entries = AuditEntry.objects.filter(institution_id=institution.pk).select_related("actor")
    if action:
        entries = entries.filter(action=action.strip())
    if target_type:
        entries = entries.filter(target_type=target_type.strip())
    if target_id:
        entries = entries.filter(target_id=target_id.strip())
    if text := actor.strip():
        entries = entries.filter(
            Q(actor__username__icontains=text)
            | Q(actor__first_name__icontains=text)
            | Q(actor__last_name__icontains=text)
        )
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries.order_by("-at", "-id")
