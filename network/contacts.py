"""Who receives an organisation's mail, and who may change that.

An organisation of the shared directory receives digests with every institution's proposals, their
messages and the links that accept or decline them in its name. So that mail goes only to **verified
contacts**: the organisation's own partner logins, and addresses that someone who may speak for the
organisation vouched for (the office: a coordinator or administrator, or the organisation's partner user)
*and* that proved they read their mail by using a mailed link (signed, single-use, expiring).

The contact details of a shared organisation (its e-mail address and phone, and its mail contacts) are
changed only by the organisation's own partner users or the office: ``authorise_contact_change`` is that
one rule, called by the services behind the web, the API, the import and the admin. The address that
loses the organisation's mail is told, in the site's default language, and the audit trail keeps the change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import record
from lib.errors import DomainError
from network.models import Organisation, OrganisationContact

CONTACT_FIELDS = ("email", "phone")
CONFIRM_DAYS = 7
_SALT = "network.contact-address"

# Shown wherever the rule refuses (web field help, API 403, admin, import).
REFUSED = gettext_lazy(
    "Only the organisation's own partner users or a coordinator can change the contact addresses "
    "of an organisation in the shared directory."
)


def may_change_contacts(user: Any, organisation: Organisation | None) -> bool:
    """``None`` is the system itself: a management command, a migration, the demo data."""
    return user is None or bool(user.has_perm("network.change_organisation_contacts", organisation))


def authorise_contact_change(user: Any, organisation: Organisation | None) -> None:
    if not may_change_contacts(user, organisation):
        raise PermissionDenied(REFUSED)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not email:
        raise DomainError({"email": _("Give an e-mail address.")})
    try:
        validate_email(email)
    except Exception as exc:
        raise DomainError({"email": _("Enter a valid e-mail address.")}) from exc
    return email


@transaction.atomic
def add_contact(
    organisation: Organisation,
    *,
    by: Any,
    email: str,
    name: str = "",
    language: str = "",
    address_proven: bool = False,
) -> OrganisationContact:
    """Vouch for an address as the organisation's: it receives mail once it has used the link mailed to it.

    ``address_proven`` says the address already proved it reads its mail (it confirmed a need with a link
    sent to it): then no link is needed and the contact is verified at once.
    """
    authorise_contact_change(by, organisation)
    email = _clean_email(email)
    name = (name or "").strip()[:200]
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    now = timezone.now()
    actor = by if getattr(by, "is_authenticated", False) else None
    contact = OrganisationContact.objects.select_for_update().filter(organisation=organisation, email=email).first()
    if contact is not None and contact.is_verified:
        raise DomainError({"email": _("This address already receives the organisation's mail.")})
    if contact is None:
        contact = OrganisationContact(organisation=organisation, email=email, added_by=actor)
    contact.name = name or contact.name
    contact.language = language
    contact.approved_by, contact.approved_at = actor, now
    if address_proven:
        contact.address_confirmed_at = now
        contact.token_hash, contact.token_expires_at = "", None
    contact.full_clean(exclude=["organisation", "added_by", "approved_by"])
    contact.save()
    record(
        by,
        "added mail contact",
        organisation,
        institution_id=getattr(actor, "institution_id", None),
        changes={"email": email, "verified": contact.is_verified},
    )
    if not contact.is_verified:
        contact_id = contact.pk
        transaction.on_commit(lambda: _send_confirmation(contact_id))
    return contact


def _send_confirmation(contact_id: int) -> None:
    from network.tasks import send_contact_confirmation

    send_contact_confirmation.enqueue(contact_id)


@transaction.atomic
def remove_contact(contact: OrganisationContact, *, by: Any) -> None:
    """Stop mailing an address. The address is told, so that a redirection does not go unnoticed."""
    organisation = contact.organisation
    authorise_contact_change(by, organisation)
    email, was_verified = contact.email, contact.is_verified
    contact.delete()
    record(
        by,
        "removed mail contact",
        organisation,
        institution_id=getattr(by, "institution_id", None),
        changes={"email": email},
    )
    if was_verified:
        tell_old_address(organisation, old=email, new="", by=by)


def issue_contact_link(contact: OrganisationContact) -> str:
    """A new confirmation link for the address (the older one stops working): signed, expiring, single use."""
    nonce = secrets.token_urlsafe(24)
    contact.token_hash = _hash(nonce)
    contact.token_expires_at = timezone.now() + dt.timedelta(days=CONFIRM_DAYS)
    contact.save(update_fields=["token_hash", "token_expires_at"])
    return signing.dumps({"c": contact.pk, "n": nonce}, salt=_SALT, compress=True)


def contact_for_token(token: str) -> OrganisationContact | None:
    """The contact a link belongs to, whether or not it is still usable; ``None`` for a forged or old link."""
    if not token or len(token) > 300:
        return None
    try:
        data = signing.loads(token, salt=_SALT, max_age=dt.timedelta(days=CONFIRM_DAYS + 1))
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int) or not isinstance(data.get("n"), str):
        return None
    contact = OrganisationContact.objects.select_related("organisation").filter(pk=data["c"]).first()
    if contact is None:
        return None
    if contact.address_confirmed_at is None and contact.token_hash != _hash(data["n"]):
        return None
    return contact


@transaction.atomic
def confirm_contact_address(token: str) -> OrganisationContact:
    """The address confirms it reads its mail: from now on it receives the organisation's digests."""
    found = contact_for_token(token)
    if found is None:
        raise DomainError(_("This confirmation link does not work."), code="invalid")
    contact = OrganisationContact.objects.select_for_update().select_related("organisation").get(pk=found.pk)
    if contact.address_confirmed_at is not None:
        raise DomainError(_("This address was already confirmed."), code="used")
    if contact.token_expires_at is None or contact.token_expires_at <= timezone.now():
        raise DomainError(_("This confirmation link has expired. Ask for a new one."), code="expired")
    contact.address_confirmed_at = timezone.now()
    contact.token_hash, contact.token_expires_at = "", None
    contact.save(update_fields=["address_confirmed_at", "token_hash", "token_expires_at"])
    record(None, "confirmed mail contact", contact.organisation, changes={"email": contact.email})
    return contact


def tell_old_address(organisation: Organisation, *, old: str, new: str, by: Any) -> None:
    """After the commit, mail the address that no longer gets the organisation's mail."""
    if not old:
        return
    from network.tasks import send_contact_change_notice

    who = ""
    if getattr(by, "is_authenticated", False):
        who = by.get_full_name() or by.get_username()
    organisation_id = organisation.pk
    transaction.on_commit(lambda: send_contact_change_notice.enqueue(organisation_id, old, new, who))


def record_contact_details_change(organisation: Organisation, *, by: Any, before: dict[str, str]) -> None:
    """Audit a change of the organisation's own e-mail or phone, and tell the old e-mail address."""
    changes: dict[str, str] = {}
    for name, value in before.items():
        changes[name] = getattr(organisation, name)
        changes[f"{name}_before"] = value
    record(
        by,
        "changed contact details",
        organisation,
        institution_id=getattr(by, "institution_id", None) if getattr(by, "is_authenticated", False) else None,
        changes=changes,
    )
    if "email" in before:
        tell_old_address(organisation, old=before["email"], new=organisation.email, by=by)


# Who receives what


@dataclass(frozen=True)
class Recipient:
    email: str
    kind: str  # "login" (a partner user), "contact" (a mail contact)
    verified: bool
    since: dt.datetime | None
    approved_by: str
    language: str

    @property
    def kind_label(self) -> str:
        return str(_("partner login") if self.kind == "login" else _("mail contact"))

    @property
    def receives(self) -> list[str]:
        if not self.verified:
            return []
        return [str(_("digest of proposals")), str(_("answer links"))]


def organisation_recipients(organisation_id: int) -> list[Recipient]:
    """Every address the organisation's mail could go to, verified or not (for its page and the API)."""
    from accounts.models import Role, User

    rows: list[Recipient] = []
    for email, language, joined in (
        User.objects.filter(role=Role.PARTNER, organisation_id=organisation_id, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", "language", "date_joined")
    ):
        rows.append(Recipient(email.strip().lower(), "login", True, joined, "", language or ""))
    for contact in (
        OrganisationContact.objects.filter(organisation_id=organisation_id)
        .select_related("approved_by")
        .order_by("email", "id")
    ):
        approver = (
            contact.approved_by.get_full_name() or contact.approved_by.get_username() if contact.approved_by else ""
        )
        rows.append(
            Recipient(
                contact.email,
                "contact",
                contact.is_verified,
                contact.address_confirmed_at,
                approver,
                contact.language,
            )
        )
    return rows


def mail_recipients(organisation_id: int) -> tuple[list[str], str]:
    """The verified addresses that receive the organisation's mail, and the language to write in."""
    verified = [r for r in organisation_recipients(organisation_id) if r.verified]
    addresses = sorted({r.email for r in verified if r.email})
    language = next((r.language for r in verified if r.language), "") or settings.LANGUAGE_CODE
    return addresses, language
