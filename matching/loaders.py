"""The engine's records and context from the database, with one index per process kept while it is current.

Keys in the records: an offer's party is its institution's pk, a need's its organisation's pk (as text),
so that relationships and loads line up. An index is rebuilt only when its rows change: the key is the
number of open rows, their latest ``updated_at``, the sum of their versions and the largest pk, and the
number and largest pk of their theme and target group links (three small aggregate queries).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lib.errors import DomainError
from matching.engine import (
    Collection,
    Context,
    NeedRecord,
    OfferRecord,
    Ranked,
    explain,
    rank,
    weights_with_defaults,
)
from matching.load import academic_period, organisation_load
from matching.models import Match, MatchingWeights, Need, Offer
from network.models import Institution, Relationship, TargetGroup, Theme
from network.selectors import stale_cutoff

DECLINE_KINDS_THAT_TEACH = (Match.DeclineKind.NO_CAPACITY, Match.DeclineKind.NOT_OUR_FIELD)

_lock = threading.Lock()
_indexes: dict[tuple[str, int | None], tuple[tuple[Any, ...], Collection]] = {}


def need_record(need: Need) -> NeedRecord:
    organisation = need.organisation
    latitude, longitude = need.latitude, need.longitude
    if latitude is None or longitude is None:
        latitude, longitude = organisation.latitude, organisation.longitude
    return NeedRecord(
        id=str(need.public_id),
        organisation=str(need.organisation_id),
        title=need.title,
        description=need.description,
        language=need.language,
        themes=frozenset(t.slug for t in need.themes.all()),
        target_groups=frozenset(t.slug for t in need.target_groups.all()),
        period_start=need.period_start,
        period_end=need.period_end,
        effort_hours=need.effort_hours,
        max_students=need.max_students,
        latitude=latitude,
        longitude=longitude,
        organisation_name=organisation.name,
    )


def offer_record(offer: Offer) -> OfferRecord:
    campus = offer.campus
    return OfferRecord(
        id=str(offer.public_id),
        institution=str(offer.institution_id),
        title=offer.title,
        description=offer.description,
        learning_goals=offer.learning_goals,
        disciplines=offer.disciplines,
        language=offer.language,
        themes=frozenset(t.slug for t in offer.themes.all()),
        target_groups=frozenset(t.slug for t in offer.target_groups.all()),
        period_start=offer.period_start,
        period_end=offer.period_end,
        students=offer.students,
        hours_per_student=offer.hours_per_student,
        latitude=campus.latitude if campus else None,
        longitude=campus.longitude if campus else None,
        campus=campus.name if campus else "",
    )


def open_offers(institution: Institution | None = None) -> QuerySet[Offer]:
    offers = Offer.objects.filter(status=Offer.Status.OPEN)
    if institution is not None:
        offers = offers.filter(institution=institution)
    return offers


def open_needs() -> QuerySet[Need]:
    return Need.objects.filter(status=Need.Status.OPEN)


def _stamp(queryset: QuerySet[Any]) -> tuple[Any, ...]:
    """What changes when an open row, or its themes or target groups, change: three small queries."""
    row = queryset.order_by().aggregate(
        n=Count("pk"), latest=Max("updated_at"), versions=Sum("version"), newest=Max("pk")
    )
    model = queryset.model
    codes = []
    for relation in ("themes", "target_groups"):
        through = getattr(model, relation).through
        link = {f"{model._meta.model_name}__in": queryset.values("pk")}
        links = through.objects.filter(**link).aggregate(n=Count("pk"), last=Max("pk"))
        codes.append((links["n"], links["last"]))
    return (row["n"], row["latest"], row["versions"], row["newest"], *codes)


def _cached(key: tuple[str, int | None], queryset: QuerySet[Any], build: Any) -> Collection:
    stamp = _stamp(queryset)
    with _lock:
        found = _indexes.get(key)
        if found is not None and found[0] == stamp:
            return found[1]
    collection = Collection(build(queryset))
    with _lock:
        _indexes[key] = (stamp, collection)
    return collection


def offer_collection(institution: Institution | None = None) -> Collection:
    """The open offers (of one institution, or all), indexed; cached until one of them changes."""
    key = ("offers", institution.pk if institution else None)
    return _cached(key, open_offers(institution), offer_records)


def need_collection() -> Collection:
    """The open needs of the shared directory, indexed; cached until one of them changes."""
    return _cached(("needs", None), open_needs(), need_records)


def offer_records(offers: QuerySet[Offer]) -> list[OfferRecord]:
    rows = offers.select_related("campus").prefetch_related("themes", "target_groups").order_by("pk")
    return [offer_record(o) for o in rows.iterator(chunk_size=2000)]


def need_records(needs: QuerySet[Need]) -> list[NeedRecord]:
    rows = needs.select_related("organisation").prefetch_related("themes", "target_groups").order_by("pk")
    return [need_record(n) for n in rows.iterator(chunk_size=2000)]


def clear_cache() -> None:
    with _lock:
        _indexes.clear()


def weights_for(institution: Institution | None) -> dict[str, float]:
    if institution is None:
        return weights_with_defaults(None)
    row = MatchingWeights.objects.filter(institution=institution).first()
    return weights_with_defaults(row.weights if row else None)


def names() -> dict[str, str]:
    """Theme and target group names in the active language, by slug (for the reasons' details)."""
    found = {t.slug: t.name for t in TargetGroup.objects.all()}
    found.update({t.slug: t.name for t in Theme.objects.all()})
    return found


def context_for(
    institutions: Iterable[Institution],
    organisation_ids: Iterable[int],
    *,
    day: dt.date | None = None,
) -> Context:
    """Healthy relationships of ``institutions`` and the current load of the organisations, in four queries
    for the load and one for the relationships whatever their number."""
    institutions = list(institutions)
    organisation_ids = list(set(organisation_ids))
    relationships: dict[tuple[str, str], dt.date | None] = {}
    for institution in institutions:
        cutoff = stale_cutoff(institution)
        rows = Relationship.objects.filter(
            institution=institution, status=Relationship.Status.ACTIVE, last_contact_on__gte=cutoff
        ).filter(Q(a_organisation__isnull=False) | Q(b_organisation__isnull=False))
        if len(organisation_ids) < 1000:
            rows = rows.filter(Q(a_organisation_id__in=organisation_ids) | Q(b_organisation_id__in=organisation_ids))
        for a, b, last in rows.values_list("a_organisation_id", "b_organisation_id", "last_contact_on"):
            for organisation in (a, b):
                if organisation is not None:
                    key = (str(institution.pk), str(organisation))
                    if key not in relationships or (last and (relationships[key] or dt.date.min) < last):
                        relationships[key] = last
    period = academic_period(day or timezone.localdate())
    loads = {str(pk): (load.total, load.capacity) for pk, load in organisation_load(organisation_ids, period).items()}
    # What partners said when they declined: "no capacity" counts the organisation as full this academic period,
    # "not our field" keeps that offer out of its suggestions.
    declines = Match._base_manager.filter(status=Match.Status.DECLINED, decline_kind__in=DECLINE_KINDS_THAT_TEACH)
    if len(organisation_ids) < 1000:
        declines = declines.filter(need__organisation_id__in=organisation_ids)
    declined = set()
    for organisation, offer, kind, responded in declines.values_list(
        "need__organisation_id", "offer__public_id", "decline_kind", "responded_at"
    ):
        if kind == Match.DeclineKind.NOT_OUR_FIELD:
            declined.add((str(organisation), str(offer)))
        elif responded is not None and period.start <= timezone.localdate(responded) <= period.end:
            taken, capacity = loads.get(str(organisation), (0, 0))
            loads[str(organisation)] = (max(taken, capacity, 1), capacity)
    return Context(relationships=relationships, loads=loads, names=names(), declined=frozenset(declined))


def _as_need(need: Any) -> NeedRecord:
    return need if isinstance(need, NeedRecord) else need_record(need)


def _as_offer(offer: Any) -> OfferRecord:
    return offer if isinstance(offer, OfferRecord) else offer_record(offer)


def need_ranking_parts(need: Need, institution: Institution) -> tuple[NeedRecord, Collection, Context]:
    """What ranking the institution's offers for a need takes, for ranking it more than once (a preview)."""
    context = context_for([institution], [need.organisation_id], day=need.period_start)
    return need_record(need), offer_collection(institution), context


def suggestions_for_need(
    need: Need, institution: Institution | None, *, weights: Mapping[str, Any] | None = None, limit: int = 10
) -> list[Ranked]:
    """The institution's open offers for a need, best first, with the institution's weights (or ``weights``).

    Without an institution (a superuser of none) there are no offers to rank: a ``DomainError`` says so.
    """
    if institution is None:
        raise DomainError(
            _("Suggestions rank the offers of your institution, and your account belongs to no institution.")
        )
    record, collection, context = need_ranking_parts(need, institution)
    return rank(
        record,
        collection,
        weights=weights if weights is not None else weights_for(institution),
        context=context,
        limit=limit,
    )


def suggestions_for_offer(offer: Offer, *, weights: Mapping[str, Any] | None = None, limit: int = 10) -> list[Ranked]:
    """The open needs for an offer, best first, with its institution's weights (or ``weights``)."""
    record = offer_record(offer)
    collection = need_collection()
    organisation_ids = [int(p) for p in collection.parties]
    context = context_for([offer.institution], organisation_ids, day=offer.period_start)
    return rank(
        record,
        collection,
        weights=weights if weights is not None else weights_for(offer.institution),
        context=context,
        limit=limit,
    )


def explain_pair(need: Need, offer: Offer, *, weights: Mapping[str, Any] | None = None) -> Ranked:
    """Score and reasons of one need and one offer, against the index of the institution's open offers
    when the offer is in it (so that its text weights match the ranking's)."""
    record, other = need_record(need), offer_record(offer)
    context = context_for([offer.institution], [need.organisation_id], day=need.period_start)
    collection = offer_collection(offer.institution)
    text_index = collection.text if other.id in set(collection.ids) else None
    return explain(
        record,
        other,
        text_index,
        weights=weights if weights is not None else weights_for(offer.institution),
        context=context,
    )


def rank_from_database(
    query: Any,
    others: Any,
    *,
    weights: Mapping[str, Any] | None,
    context: Context | None,
    institution: Any,
    limit: int,
) -> list[Ranked]:
    """``engine.rank_offers_for_need`` / ``rank_needs_for_offer`` called with models or without a collection."""
    if isinstance(query, Need | NeedRecord):
        need = _as_need(query)
        if others is None:
            if isinstance(query, Need) and institution is not None:
                return suggestions_for_need(query, institution, weights=weights, limit=limit)
            collection = offer_collection(institution)
        else:
            collection = Collection(_as_offer(o) for o in others)
        if context is None and isinstance(query, Need):
            institutions = [institution] if institution is not None else list(Institution.objects.all())
            context = context_for(institutions, [query.organisation_id], day=query.period_start)
        return rank(need, collection, weights=weights, context=context, limit=limit)
    offer = _as_offer(query)
    if others is None:
        if isinstance(query, Offer):
            return suggestions_for_offer(query, weights=weights, limit=limit)
        collection = need_collection()
    else:
        collection = Collection(_as_need(n) for n in others)
    if context is None and isinstance(query, Offer):
        organisation_ids = [int(p) for p in collection.parties]
        context = context_for([query.institution], organisation_ids, day=query.period_start)
    return rank(offer, collection, weights=weights, context=context, limit=limit)
