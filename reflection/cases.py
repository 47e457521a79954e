"""The public side of practice examples: who may be named, and what the public pages read.

A partner organisation is named only with its recorded consent; otherwise it is described
by its kind ("a neighbourhood organisation"). The public pages read only published cases and
only the fields listed here: no people, no internal notes, no partnership records.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from engagements.models import Engagement
from network.models import Organisation
from partnerships.models import PartnershipParty
from reflection.models import CaseConsent, CasePhoto, PracticeCase

GENERIC_BY_KIND = {
    Organisation.Kind.NONPROFIT: _("a non-profit organisation"),
    Organisation.Kind.CITY_SERVICE: _("a city or public service"),
    Organisation.Kind.SCHOOL: _("a school"),
    Organisation.Kind.SPORTS_CLUB: _("a sports club"),
    Organisation.Kind.YOUTH_WORK: _("a youth organisation"),
    Organisation.Kind.NEIGHBOURHOOD: _("a neighbourhood organisation"),
    Organisation.Kind.CARE: _("a care and welfare organisation"),
    Organisation.Kind.CULTURE: _("a cultural organisation"),
    Organisation.Kind.RESEARCH: _("a research or government department"),
    Organisation.Kind.OTHER: _("a community partner"),
}
FORM_LABELS = dict(Engagement.Kind.choices)


@dataclass
class PublicPartner:
    label: str
    named: bool
    role: str = ""


def public_partners(case: PracticeCase) -> list[PublicPartner]:
    """The case's partners as the public may see them (uses the prefetches of ``public_cases``)."""
    consented = {c.organisation_id for c in case.consents.all()}
    partners = []
    for party in case.partnership.parties.all():
        organisation = party.organisation
        if organisation.pk in consented:
            partners.append(PublicPartner(label=organisation.name, named=True, role=party.role))
        else:
            partners.append(
                PublicPartner(label=str(GENERIC_BY_KIND.get(organisation.kind, GENERIC_BY_KIND["other"])), named=False)
            )
    partners.sort(key=lambda p: (not p.named, p.label.lower()))
    return partners


def with_public_data(queryset: QuerySet[PracticeCase]) -> QuerySet[PracticeCase]:
    """What a public page shows of each case, in a fixed number of queries."""
    parties = PartnershipParty.objects.select_related("organisation").only(
        "partnership_id", "role", "organisation__name", "organisation__kind"
    )
    return queryset.select_related("institution", "partnership").prefetch_related(
        Prefetch("partnership__parties", queryset=parties),
        Prefetch("consents", queryset=CaseConsent.objects.only("case_id", "organisation_id")),
        "themes",
        "forms",
        Prefetch("photos", queryset=CasePhoto.objects.order_by("order", "id")),
    )


def public_cases() -> QuerySet[PracticeCase]:
    """Published cases only, newest first."""
    return with_public_data(PracticeCase.objects.published()).order_by("-published_at", "-id")


def search_public_cases(*, q: str = "", theme: str = "", form: str = "") -> QuerySet[PracticeCase]:
    cases = public_cases()
    if q:
        cases = cases.filter(
            Q(title__icontains=q) | Q(summary__icontains=q) | Q(story__icontains=q) | Q(lessons__icontains=q)
        )
    if theme:
        cases = cases.filter(themes__slug=theme)
    if form:
        cases = cases.filter(forms__kind=form)
    return cases


def unconsented_mentions(case: PracticeCase) -> list[str]:
    """Names of partners without consent, and of people of the partnership, that the public text contains.

    People are never named on a public page (their consent is not recorded here), so the
    partnership's owners and the partners' contact people must not appear either.
    """
    texts = [case.title, case.summary, case.story, case.lessons]
    texts += [f"{p.alt_text} {p.caption}" for p in case.photos.all()]
    haystack = " ".join(texts).casefold()
    consented = set(case.consents.values_list("organisation_id", flat=True))
    names: list[str] = []
    parties = case.partnership.parties.select_related("organisation", "contact_person")
    for party in parties:
        if party.organisation_id not in consented:
            names.append(party.organisation.name)
        if party.contact_person is not None:
            names.append(party.contact_person.full_name)
    names += [owner.full_name for owner in case.partnership.owners.all()]
    return sorted({name for name in names if name.strip() and name.casefold() in haystack})
