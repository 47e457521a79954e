"""The factors of a score, each a number from 0 to 1 (see ``matching.engine``), for one pair and as arrays."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

DISTANCE_HALF_KM = 15.0
LOAD_FREE_SHARE = 0.5
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def overlap_share(s1: int | None, e1: int | None, s2: int | None, e2: int | None) -> float | None:
    """Days of overlap over the shorter period's days; None when a period is unknown, -1 when disjoint."""
    if s1 is None or e1 is None or s2 is None or e2 is None:
        return None
    days = min(e1, e2) - max(s1, s2) + 1
    if days <= 0:
        return -1.0
    return days / max(1, min(e1 - s1 + 1, e2 - s2 + 1))


def capacity_fit(offer_hours: float, offer_students: float, need_hours: float, need_students: float) -> float:
    if offer_hours <= 0 or need_hours <= 0:
        return 0.0
    fit = min(offer_hours, need_hours) / max(offer_hours, need_hours)
    if need_students > 0 and offer_students > need_students:
        fit *= need_students / offer_students
    return fit


def load_pressure(load: tuple[int, int] | None) -> float:
    if load is None:
        return 0.0
    taken, capacity = load
    if capacity <= 0:
        return 1.0
    share = taken / capacity
    return min(1.0, max(0.0, (share - LOAD_FREE_SHARE) / (1.0 - LOAD_FREE_SHARE)))


def distance_factor(km: float) -> float:
    return 1.0 / (1.0 + km / DISTANCE_HALF_KM)


def period_shares(
    has_period: np.ndarray, starts: np.ndarray, ends: np.ndarray, start: int, end: int
) -> tuple[np.ndarray, np.ndarray]:
    """(share of overlap, disjoint) for every record against one known period (days as ordinals)."""
    overlap = np.minimum(ends, end) - np.maximum(starts, start) + 1
    shorter = np.maximum(1, np.minimum(ends - starts + 1, end - start + 1))
    disjoint = has_period & (overlap <= 0)
    share = np.where(has_period & (overlap > 0), overlap / shorter, 0.0)
    return share, disjoint


def capacity_fits(offer_hours: Any, offer_students: Any, need_hours: Any, need_students: Any) -> np.ndarray:
    """``_capacity_fit`` for arrays (one side may be a single number)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        fit = np.where(
            (offer_hours > 0) & (need_hours > 0),
            np.minimum(offer_hours, need_hours) / np.maximum(np.maximum(offer_hours, need_hours), 1e-9),
            0.0,
        )
        crowded = (need_students > 0) & (offer_students > need_students)
        return np.where(crowded, fit * need_students / np.maximum(offer_students, 1e-9), fit)


def distance_factors(
    place_lat: np.ndarray, place_lon: np.ndarray, place_index: np.ndarray, latitude: float, longitude: float
) -> np.ndarray:
    """``distance_factor`` from one point to distinct places (radians), spread over the records that are
    there; ``place_index`` one past the last place means "unknown" (factor 0)."""
    phi1, lambda1 = math.radians(latitude), math.radians(longitude)
    h = (
        np.sin((place_lat - phi1) / 2) ** 2
        + math.cos(phi1) * np.cos(place_lat) * np.sin((place_lon - lambda1) / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    factors = np.append(1.0 / (1.0 + km / DISTANCE_HALF_KM), 0.0)
    return factors[place_index]
