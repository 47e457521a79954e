"""A person's export as a readable, printable page, in their own language.

The same page serves the web (``people/<id>/personal-data/page/``) and ``manage.py export_person --format
html``; it is built from the export's data, so it shows exactly what the JSON holds.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from network.models import Person
from network.privacy import export_person, export_sections, language_of

FIELD_LABELS = {
    "id": gettext_lazy("Id"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "email": gettext_lazy("E-mail"),
    "phone": gettext_lazy("Phone"),
    "active": gettext_lazy("Active"),
    "institution": gettext_lazy("Institution"),
    "created_at": gettext_lazy("Created"),
    "role": gettext_lazy("Role"),
    "organisation": gettext_lazy("Organisation"),
    "title": gettext_lazy("Title"),
    "with": gettext_lazy("With"),
    "description": gettext_lazy("Description"),
    "status": gettext_lazy("Status"),
    "date": gettext_lazy("Date"),
    "channel": gettext_lazy("Channel"),
    "summary": gettext_lazy("Summary"),
    "as_intermediary": gettext_lazy("As intermediary"),
    "relationship": gettext_lazy("Relationship"),
    "at": gettext_lazy("When"),
    "change": gettext_lazy("Change"),
    "username": gettext_lazy("User name"),
    "language": gettext_lazy("Language"),
    "joined": gettext_lazy("Joined"),
    "last_login": gettext_lazy("Last signed in"),
    "name": gettext_lazy("Name"),
    "created": gettext_lazy("Created"),
    "last_used": gettext_lazy("Last used"),
    "expires": gettext_lazy("Expires"),
    "partnership": gettext_lazy("Partnership"),
    "from": gettext_lazy("From"),
    "to": gettext_lazy("To"),
    "until": gettext_lazy("Until"),
    "relationships": gettext_lazy("Relationships"),
    "partnerships": gettext_lazy("Partnerships"),
    "note": gettext_lazy("Note"),
    "hours": gettext_lazy("Hours"),
    "round": gettext_lazy("Assessment"),
    "side": gettext_lazy("Side"),
    "invited": gettext_lazy("Invited"),
    "answered": gettext_lazy("Answered"),
    "answers": gettext_lazy("Answers"),
    "draft": gettext_lazy("Draft"),
    "item": gettext_lazy("Question"),
    "current": gettext_lazy("Current"),
    "desired": gettext_lazy("Desired"),
    "comment": gettext_lazy("Comment"),
    "course": gettext_lazy("Course"),
    "academic_year": gettext_lazy("Academic year"),
    "question": gettext_lazy("Question"),
    "answer": gettext_lazy("Answer"),
    "positions": gettext_lazy("Positions"),
    "dilemma": gettext_lazy("Dilemma"),
    "position": gettext_lazy("Position"),
    "reason": gettext_lazy("Reason"),
    "planned_actions": gettext_lazy("Planned actions"),
    "what": gettext_lazy("What"),
    "needs": gettext_lazy("Needs"),
    "by": gettext_lazy("By"),
    "done": gettext_lazy("Done"),
    "agreement": gettext_lazy("Agreement"),
    "version": gettext_lazy("Version"),
    "party": gettext_lazy("Party"),
    "signed": gettext_lazy("Signed"),
    "signed_as": gettext_lazy("Signed as"),
    "contact_name": gettext_lazy("Contact name"),
    "contact_email": gettext_lazy("Contact e-mail"),
    "posted": gettext_lazy("Posted"),
    "why": gettext_lazy("Why"),
    "facility": gettext_lazy("Facility"),
    "group": gettext_lazy("Group"),
    "purpose": gettext_lazy("Purpose"),
    "import": gettext_lazy("Import"),
    "row": gettext_lazy("Row"),
    "action": gettext_lazy("Action"),
    "data": gettext_lazy("Data"),
    "before": gettext_lazy("Before"),
    "who": gettext_lazy("Who"),
    "did": gettext_lazy("Did"),
    "record": gettext_lazy("Record"),
    "changes": gettext_lazy("Changes"),
    "as": gettext_lazy("As"),
    "values": gettext_lazy("Values"),
    "arguments": gettext_lazy("Arguments"),
    "result": gettext_lazy("Result"),
    "error": gettext_lazy("Error"),
    "send_on": gettext_lazy("Send on"),
    "added": gettext_lazy("Added"),
    "queued": gettext_lazy("Queued"),
    "sent": gettext_lazy("Sent"),
    "subject": gettext_lazy("Subject"),
}


def _label(key: Any) -> str:
    return str(FIELD_LABELS.get(key, str(key).replace("_", " ").capitalize()))


def block(value: Any) -> dict[str, Any]:
    """The value as a block the template draws: fields, a table, a list or a text."""
    if isinstance(value, dict):
        return {"kind": "fields", "items": [(_label(k), block(v)) for k, v in value.items()]}
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            headers = list(dict.fromkeys(k for v in value for k in v))
            return {
                "kind": "table",
                "headers": [_label(h) for h in headers],
                "rows": [[block(v.get(h)) for h in headers] for v in value],
            }
        return {"kind": "list", "items": [block(v) for v in value]}
    if isinstance(value, bool):
        return {"kind": "text", "value": _("yes") if value else _("no")}
    return {"kind": "text", "value": "—" if value in (None, "") else str(value)}


def export_page(person: Person, data: dict[str, Any] | None = None) -> str:
    """The export as an HTML page in the person's language (their login's, else Dutch)."""
    with translation.override(language_of(person)):
        data = data if data is not None else export_person(person)
        sections = [(title, block(value)) for title, value in export_sections(data)]
        return render_to_string(
            "network/personal_data.html",
            {
                "person": person,
                "sections": sections,
                "made_at": timezone.localtime(),
                "language": translation.get_language(),
            },
        )
