"""``manage.py load_demo``: the demo of ``make run``, loaded once, with its logins printed."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from agreements.models import Agreement, Signature
from demo.content import CASE_ORGANISATION_NAMES, GHENT_SLUG, LEUVEN_SLUG, Cases, load_cases
from demo.generate import generate_network, organisation_names
from engagements.models import Course, Engagement
from network.models import Institution, Organisation, Person
from partnerships.models import Partnership

PASSWORD = "brug-demo-2026"
GENERATED_ORGANISATIONS = 130


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    institution: str  # slug, or "" for a partner or the superuser
    person: str  # key in Cases.people
    sees: Any


LOGINS = (
    Login(
        "coordinator.gent",
        Role.COORDINATOR,
        GHENT_SLUG,
        "anchor",
        gettext_lazy(
            "Neighbourhood anchor at Campus Watersportbaan: the Ghent college's whole network, dashboard with risks"
        ),
    ),
    Login(
        "docent.gent",
        Role.FACULTY,
        GHENT_SLUG,
        "mes",
        gettext_lazy("Lecturer of the MES bachelor projects: the Ghent college's network, the youth-house project"),
    ),
    Login(
        "student.gent",
        Role.STUDENT,
        GHENT_SLUG,
        "student",
        gettext_lazy("Student of the OND programme: her own engagements and relationships"),
    ),
    Login(
        "coordinator.leuven",
        Role.COORDINATOR,
        LEUVEN_SLUG,
        "ku_coord",
        gettext_lazy("KU Leuven coordinator: the TADA partnership and the whole KU Leuven network"),
    ),
    Login(
        "docent.leuven",
        Role.FACULTY,
        LEUVEN_SLUG,
        "ku_fac",
        gettext_lazy("KU Leuven lecturer of the service-learning course with TADA"),
    ),
    Login(
        "partner.tada",
        Role.PARTNER,
        "",
        "tada",
        gettext_lazy("Staff of TADA: what KU Leuven does with TADA, nothing else"),
    ),
)


class Command(BaseCommand):
    help = "Load the demo data (the Watersportbaan neighbourhood campus, KU Leuven and TADA, a generated network)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Remove the demo data first, then load it again.")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Size of the generated part (1 = about 130 organisations)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["reset"]:
            self.step(_("Removing the demo data"))
            wipe(scale=options["scale"])
        if Institution.objects.filter(slug__in=[GHENT_SLUG, LEUVEN_SLUG]).exists():
            self.stdout.write(_("The demo data is already loaded (use --reset to load it again)."))
        else:
            with transaction.atomic():
                self.step(_("The Watersportbaan neighbourhood campus and KU Leuven with TADA"))
                cases = load_cases()
                self.step(_("A generated network around them"))
                generated = generate_network(
                    [cases.ghent, cases.leuven],
                    scale=options["scale"],
                    progress=lambda m: self.stdout.write(f"    {m}"),
                )
                self.step(_("Logins"))
                make_logins(cases)
            self.stdout.write(
                _(
                    "Generated %(organisations)d organisations, %(people)d people, %(relationships)d relationships, "
                    "%(interactions)d contact moments, %(engagements)d engagements in %(seconds).0f s."
                )
                % {**generated.__dict__, "seconds": time.monotonic() - started}
            )
        # Each feature app adds its part of the two cases; each loader is idempotent, so a
        # database loaded before a feature existed gets that feature's demo content too.
        self.step(_("Goals, agreements, the neighbourhood and reflection"))
        for loader in DEMO_EXTENSIONS:
            with transaction.atomic():
                import_string(loader)(self.stdout)
        self.print_logins()

    def step(self, text: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(f"• {text}"))

    def print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(_("Demo logins (password for all: %(password)s)") % {"password": PASSWORD})
        )
        rows = [(login.username, str(Role(login.role).label), str(login.sees)) for login in LOGINS]
        rows.append(("admin", _("Superuser"), _("Django admin at /admin/")))
        width = max(len(r[0]) for r in rows)
        role_width = max(len(r[1]) for r in rows)
        for username, role, sees in rows:
            self.stdout.write(f"  {username:<{width}}  {role:<{role_width}}  {sees}")
        self.stdout.write("")


DEMO_EXTENSIONS = [
    "partnerships.demo_strategic.load_demo_strategic",
    "agreements.demo.load_demo_agreements",
    "places.demo.load_demo_places",
    "reflection.demo.load_demo_reflection",
    "demo.content.contacts.load_demo_contacts",
]


def make_logins(cases: Cases) -> None:
    institutions = {GHENT_SLUG: cases.ghent, LEUVEN_SLUG: cases.leuven}
    for login in LOGINS:
        if User.objects.filter(username=login.username).exists():
            continue
        person: Person = cases.people[login.person]
        organisation = None
        if login.role == Role.PARTNER:
            organisation = person.affiliations.get(role="O").organisation
        User.objects.create_user(
            username=login.username,
            password=PASSWORD,
            role=login.role,
            institution=institutions.get(login.institution),
            organisation=organisation,
            person=person,
            language="nl",
            first_name=person.first_name,
            last_name=person.last_name,
            email=person.email,
        )
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser(username="admin", password=PASSWORD, email="admin@example.org", language="nl")


@transaction.atomic
def wipe(*, scale: float = 1.0) -> None:
    """Remove everything the demo made: its institutions with all they keep, its users and organisations."""
    institutions = Institution.objects.filter(slug__in=[GHENT_SLUG, LEUVEN_SLUG])
    generated = [name for name, _kind in organisation_names(round(GENERATED_ORGANISATIONS * max(1.0, scale)))]
    organisations = Organisation.objects.filter(name__in=[*CASE_ORGANISATION_NAMES, *generated])
    usernames = [login.username for login in LOGINS] + ["admin"]
    User.objects.filter(
        Q(institution__in=institutions) | Q(organisation__in=organisations) | Q(username__in=usernames)
    ).delete()
    # Agreements protect the partnerships and engagements they are about, and signatures protect
    # what was signed: the demo's go first, on purpose.
    Signature.objects.filter(version__agreement__institution__in=institutions).delete()
    Agreement.objects.filter(institution__in=institutions).delete()
    Engagement.objects.filter(institution__in=institutions).delete()
    Course.objects.filter(institution__in=institutions).delete()
    Partnership.objects.filter(institution__in=institutions).delete()
    Person.objects.filter(institution__in=institutions).delete()
    institutions.delete()
    # An organisation another institution works with stays in the shared directory.
    organisations.filter(engagements__isnull=True, affiliations__isnull=True, partnership_parties__isnull=True).delete()
