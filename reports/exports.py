"""Every list as CSV or XLSX: the same rows the user sees on the list page, with its filters applied.

Safety: a cell that a spreadsheet would read as a formula (a text starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return: OWASP "CSV injection")
is written with a leading ``'`` in CSV and as a plain string cell in XLSX.

Memory stays bounded for any number of rows: CSV is streamed row by row, and
XLSX is written by openpyxl's write-only workbook to a temporary file; the rows
are read from the database in chunks (``iterator(chunk_size=...)``, which keeps
``prefetch_related`` per chunk), so the number of queries grows with the
number of chunks, never with the number of rows in a chunk.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.db.models import Prefetch, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CHUNK_ROWS = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# The CSV separator: Excel in Dutch (as in Belgium and the Netherlands) splits on ";", in English on ",".
SEPARATORS = {"comma": ",", "semicolon": ";"}
SEMICOLON_LANGUAGES = ("nl",)


def defuse(value: str) -> str:
    """A text a spreadsheet would run as a formula gets a leading apostrophe (shown as text, never run)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def plain(value: Any) -> Any:
    """A value as it goes into a cell: dates as ISO dates, text as text, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(microsecond=0, tzinfo=None).isoformat(sep=" ")
    if isinstance(value, (dt.date, int, float, Decimal)):
        return value
    return str(value)


@dataclass(frozen=True)
class Column:
    header: Promise | str
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class ExportList:
    """One exportable list: who may export it, which rows (filtered like the page) and which columns."""

    name: str
    title: Promise | str
    rows: Callable[[Any, QueryDict], QuerySet[Any]]
    columns: list[Column]
    permission: str | None = None
    needs_institution: bool = False

    def headers(self) -> list[str]:
        return [str(column.header) for column in self.columns]

    def values(self, queryset: QuerySet[Any]) -> Iterator[list[Any]]:
        for obj in queryset.iterator(chunk_size=CHUNK_ROWS):
            yield [plain(column.value(obj)) for column in self.columns]


# ---------------------------------------------------------------------------------------------- writing


class _Line:
    """The file-like object ``csv.writer`` writes one row to; the row is handed on, not kept."""

    def write(self, value: str) -> str:
        return value


def csv_separator(choice: str | None = None, language: str | None = None) -> str:
    """The separator asked for (``comma`` or ``semicolon``), else the one Excel expects in ``language``."""
    if choice in SEPARATORS:
        return SEPARATORS[choice]
    return ";" if (language or "").split("-")[0].lower() in SEMICOLON_LANGUAGES else ","


def csv_lines(headers: list[str], rows: Iterable[list[Any]], delimiter: str = ",") -> Iterator[str]:
    """The CSV text, one line at a time, starting with a byte-order mark so that Excel reads UTF-8."""
    writer = csv.writer(_Line(), delimiter=delimiter)
    yield "\ufeff" + writer.writerow([defuse(h) for h in headers])
    for row in rows:
        yield writer.writerow([defuse(v) if isinstance(v, str) else _csv_value(v) for v in row])


def _csv_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def xlsx_file(title: str, headers: list[str], rows: Iterable[list[Any]]) -> IO[bytes]:
    """The XLSX workbook in a temporary file (rewound); openpyxl's write-only mode keeps memory flat."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))

    def cell(value: Any, *, bold: bool = False) -> WriteOnlyCell:
        if isinstance(value, str):
            item = WriteOnlyCell(sheet, value=None)
            # Assigning a text that starts with "=" would make openpyxl write a formula: set it as a string.
            item._value = value
            item.data_type = "s"
            if value.startswith(FORMULA_STARTS):
                item.quotePrefix = True
        else:
            item = WriteOnlyCell(sheet, value=value)
            if isinstance(value, dt.date):
                item.number_format = "yyyy-mm-dd"
        if bold:
            item.font = Font(bold=True)
        return item

    sheet.append([cell(header, bold=True) for header in headers])
    for row in rows:
        sheet.append([cell(value) for value in row])
    output = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    workbook.save(output)
    output.seek(0)
    return output


def _sheet_title(title: str) -> str:
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\")
    return (cleaned or "Export")[:31]


def filename(export: ExportList, fmt: str, today: dt.date | None = None) -> str:
    """The file's name in the reader's language ("brug-organisaties-2026-12-07.csv" on a Dutch page)."""
    today = today or timezone.localdate()
    return f"brug-{slugify(str(export.title)) or export.name}-{today.isoformat()}.{fmt}"


# ---------------------------------------------------------------------------------------------- lists


def _names(items: Iterable[Any]) -> str:
    return "; ".join(str(item) for item in items)


def _display(field: str) -> Callable[[Any], Any]:
    return lambda obj: getattr(obj, f"get_{field}_display")()


def _attr(path: str) -> Callable[[Any], Any]:
    def read(obj: Any) -> Any:
        for part in path.split("."):
            if obj is None:
                return None
            obj = getattr(obj, part)
        return obj

    return read


# Every list is filtered by the same code as its list page: the network's lists by ``network.filters``;
# partnerships, courses, engagements and the health overview by the ``filter`` method of their filter form.


def _valid(form: Any) -> dict[str, Any]:
    return form.cleaned_data if form.is_valid() else {}


def organisations(user: Any, params: QueryDict) -> QuerySet[Any]:
    from network.filters import filter_organisations, organisation_cities
    from network.models import Organisation
    from web.forms.network import OrganisationFilterForm

    visible = Organisation.objects.for_user(user)
    filters = OrganisationFilterForm(params or None, cities=organisation_cities(visible))
    return filter_organisations(visible.prefetch_related("themes"), _valid(filters))


def people(user: Any, params: QueryDict) -> QuerySet[Any]:
    from network.filters import filter_people
    from network.models import Affiliation, Person
    from web.forms.network import PersonFilterForm

    filters = PersonFilterForm(params or None)
    queryset = Person.objects.for_user(user).prefetch_related(
        Prefetch("affiliations", queryset=Affiliation.objects.select_related("organisation", "institution"))
    )
    return filter_people(queryset, _valid(filters))


def relationships(user: Any, params: QueryDict) -> QuerySet[Any]:
    from network.filters import filter_relationships, relationship_organisation_choices, relationship_owner_choices
    from network.models import Relationship
    from web.forms.network import RelationshipFilterForm

    visible = Relationship.objects.for_user(user)
    filters = RelationshipFilterForm(
        params or None,
        organisations=relationship_organisation_choices(visible),
        owners=relationship_owner_choices(visible),
    )
    institution = user.institution if user.institution_id else None
    return filter_relationships(
        visible.with_actors().prefetch_related("owners"), _valid(filters), institution=institution
    )


def partnerships(user: Any, params: QueryDict) -> QuerySet[Any]:
    from partnerships.models import Partnership, PartnershipParty
    from web.forms.partnerships import PartnershipFilterForm

    filters = PartnershipFilterForm(params or None)
    return (
        filters.filter(Partnership.objects.for_user(user))
        .select_related("institution", "campus")
        .prefetch_related(
            Prefetch("parties", queryset=PartnershipParty.objects.select_related("organisation").order_by("id")),
            "owners",
        )
        .order_by("title", "id")
    )


def courses(user: Any, params: QueryDict) -> QuerySet[Any]:
    from engagements.models import Course
    from web.forms.engagements import CourseFilterForm

    visible = Course.objects.for_user(user)
    years = list(visible.order_by("-academic_year").values_list("academic_year", flat=True).distinct()[:50])
    filters = CourseFilterForm(params or None, years=years)
    return (
        filters.filter(visible)
        .select_related("campus")
        .prefetch_related("teachers")
        .order_by("-academic_year", "title", "id")
    )


def engagements(user: Any, params: QueryDict) -> QuerySet[Any]:
    from engagements.models import Engagement
    from web.forms.engagements import EngagementFilterForm

    visible = Engagement.objects.for_user(user)
    filters = EngagementFilterForm(params or None, visible=visible, user=user)
    return (
        filters.filter(visible).select_related("organisation", "course", "partnership").order_by("-start_date", "-id")
    )


def health(user: Any, params: QueryDict) -> QuerySet[Any]:
    from health.overview import filter_flag, overview_base, with_health
    from partnerships.models import PartnershipParty
    from web.forms.continuum import HealthFilterForm

    institution = user.institution
    filters = HealthFilterForm(params or None, institution=institution)
    listed = with_health(filters.filter(overview_base(user, institution)), institution)
    return (
        filter_flag(listed.queryset, filters.chosen_flag())
        .select_related("campus")
        .prefetch_related(
            Prefetch("parties", queryset=PartnershipParty.objects.select_related("organisation").order_by("id"))
        )
    )


def _health_flags(partnership: Any) -> str:
    from health.overview import FLAG_CHOICES

    return "; ".join(str(label) for code, label in FLAG_CHOICES if getattr(partnership, f"flag_{code}", 0))


def _parties(partnership: Any) -> str:
    return _names(party.organisation for party in partnership.parties.all())


def _person_roles(person: Any) -> str:
    return _names(sorted({a.get_role_display() for a in person.affiliations.all()}))


def _person_places(person: Any) -> str:
    return _names(dict.fromkeys(str(a.organisation or a.institution) for a in person.affiliations.all()))


ID = Column(gettext_lazy("Id"), _attr("public_id"))

LISTS: dict[str, ExportList] = {
    item.name: item
    for item in [
        ExportList(
            "organisations",
            gettext_lazy("Organisations"),
            organisations,
            [
                Column(gettext_lazy("Name"), _attr("name")),
                Column(gettext_lazy("Kind"), _display("kind")),
                Column(gettext_lazy("Themes"), lambda o: _names(o.themes.all())),
                Column(gettext_lazy("Street and number"), _attr("street")),
                Column(gettext_lazy("Postcode"), _attr("postcode")),
                Column(gettext_lazy("City"), _attr("city")),
                Column(gettext_lazy("Enterprise number"), _attr("enterprise_number")),
                Column(gettext_lazy("Website"), _attr("website")),
                Column(gettext_lazy("E-mail"), _attr("email")),
                Column(gettext_lazy("Phone"), _attr("phone")),
                Column(gettext_lazy("Capacity per period"), _attr("capacity_per_period")),
                Column(gettext_lazy("Active"), _attr("is_active")),
                Column(gettext_lazy("Last changed"), _attr("updated_at")),
                ID,
            ],
            permission="network.use_network",
        ),
        ExportList(
            "people",
            gettext_lazy("People"),
            people,
            [
                Column(gettext_lazy("First name"), _attr("first_name")),
                Column(gettext_lazy("Last name"), _attr("last_name")),
                Column(gettext_lazy("SOFAR roles"), _person_roles),
                Column(gettext_lazy("Organisation or institution"), _person_places),
                Column(gettext_lazy("E-mail"), _attr("email")),
                Column(gettext_lazy("Phone"), _attr("phone")),
                Column(gettext_lazy("Active"), _attr("is_active")),
                ID,
            ],
            permission="network.use_network",
        ),
        ExportList(
            "relationships",
            gettext_lazy("Relationships"),
            relationships,
            [
                Column(gettext_lazy("First actor"), lambda r: r.a),
                Column(gettext_lazy("Role of the first actor"), _display("a_role")),
                Column(gettext_lazy("Second actor"), lambda r: r.b),
                Column(gettext_lazy("Role of the second actor"), _display("b_role")),
                Column(gettext_lazy("Description"), _attr("description")),
                Column(gettext_lazy("Status"), _display("status")),
                Column(gettext_lazy("Owners"), lambda r: _names(r.owners.all())),
                Column(gettext_lazy("Without an active owner"), _attr("orphaned")),
                Column(gettext_lazy("Last contact"), _attr("last_contact_on")),
                ID,
            ],
            permission="network.use_network",
        ),
        ExportList(
            "partnerships",
            gettext_lazy("Partnerships"),
            partnerships,
            [
                Column(gettext_lazy("Title"), _attr("title")),
                Column(gettext_lazy("Partner organisations"), _parties),
                Column(gettext_lazy("Kind"), _display("kind")),
                Column(gettext_lazy("Basis"), _display("basis")),
                Column(gettext_lazy("Continuum stage"), _display("stage")),
                Column(gettext_lazy("Status"), _display("status")),
                Column(gettext_lazy("Lead institution"), _attr("institution")),
                Column(gettext_lazy("Campus"), _attr("campus")),
                Column(gettext_lazy("Start date"), _attr("start_date")),
                Column(gettext_lazy("End date"), _attr("end_date")),
                Column(gettext_lazy("Owners"), lambda p: _names(p.owners.all())),
                Column(gettext_lazy("Without an active owner"), _attr("orphaned")),
                Column(gettext_lazy("Next joint evaluation"), _attr("next_evaluation_on")),
                ID,
            ],
        ),
        ExportList(
            "courses",
            gettext_lazy("Courses"),
            courses,
            [
                Column(gettext_lazy("Course code"), _attr("code")),
                Column(gettext_lazy("Title"), _attr("title")),
                Column(gettext_lazy("Programme"), _attr("programme")),
                Column(gettext_lazy("Academic year"), _attr("academic_year")),
                Column(gettext_lazy("Campus"), _attr("campus")),
                Column(gettext_lazy("Teachers"), lambda c: _names(c.teachers.all())),
                ID,
            ],
        ),
        ExportList(
            "engagements",
            gettext_lazy("Engagements"),
            engagements,
            [
                Column(gettext_lazy("Title"), _attr("title")),
                Column(gettext_lazy("Type"), _display("kind")),
                Column(gettext_lazy("Level"), _display("level")),
                Column(gettext_lazy("Status"), _display("status")),
                Column(gettext_lazy("Community partner"), _attr("organisation")),
                Column(gettext_lazy("Course"), _attr("course")),
                Column(gettext_lazy("Partnership"), _attr("partnership")),
                Column(gettext_lazy("Start date"), _attr("start_date")),
                Column(gettext_lazy("End date"), _attr("end_date")),
                Column(gettext_lazy("Hours"), _attr("hours")),
                ID,
            ],
        ),
        ExportList(
            "health",
            gettext_lazy("Partnership health"),
            health,
            [
                Column(gettext_lazy("Partnership"), _attr("title")),
                Column(gettext_lazy("Partner organisations"), _parties),
                Column(gettext_lazy("Continuum stage"), _display("stage")),
                Column(gettext_lazy("Campus"), _attr("campus")),
                Column(gettext_lazy("Flags"), _health_flags),
                Column(gettext_lazy("Severity"), _attr("severity")),
                ID,
            ],
            permission="partnerships.view_health",
            needs_institution=True,
        ),
    ]
}
