"""Nearest cafés to a point: an in-memory index over the active directory.

Distances are great-circle (haversine) kilometres. The whole directory is scored at once with
numpy to find the few candidates that could be nearest; those are then measured again with the
plain-Python formula, so the answer (order, ties broken by id) is exactly the brute-force one.
"""

from __future__ import annotations

import math
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.cafes.schedule import Closure, WeeklySession

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
DEFAULT_WITHIN_KM = 25.0  # further than this is not a drop-in for a parent with a newborn
# Candidates are kept within this margin of the cut-off (relative, plus a floor for cafés a
# hair apart), so rounding differences between numpy and the plain formula never drop one.
_MARGIN = 1e-9
_FLOOR = 1e-18


@dataclass(frozen=True)
class CafeRecord:
    """What the finder and the conversation need about one café, detached from the database."""

    id: int
    name: str
    venue: str
    address: str
    postcode: str
    latitude: float
    longitude: float
    contact: str | None = None
    accessibility: str | None = None
    languages: str | None = None
    sessions: tuple[WeeklySession, ...] = ()
    closures: tuple[Closure, ...] = ()


@dataclass(frozen=True)
class Match:
    cafe: CafeRecord
    distance_km: float


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres: the one definition of 'how far' in the finder."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _haversine_a(distance_km: float) -> float:
    """The haversine 'a' for a distance: a grows with distance, so it can stand in for it."""
    return math.sin(min(math.pi / 2, distance_km / (2 * EARTH_RADIUS_KM))) ** 2


class CafeFinder:
    """Active cafés indexed for nearest search; rebuilt whenever the directory changes."""

    def __init__(self, cafes: Sequence[CafeRecord]) -> None:
        self._cafes = tuple(cafes)
        self._lat = np.radians(np.array([cafe.latitude for cafe in self._cafes], dtype=float))
        self._lon = np.radians(np.array([cafe.longitude for cafe in self._cafes], dtype=float))
        self._cos_lat = np.cos(self._lat)

    def __len__(self) -> int:
        return len(self._cafes)

    @property
    def cafes(self) -> tuple[CafeRecord, ...]:
        return self._cafes

    def nearest(
        self,
        lat: float,
        lon: float,
        limit: int = 3,
        within_km: float | None = DEFAULT_WITHIN_KM,
    ) -> list[Match]:
        """Up to `limit` cafés nearest to (lat, lon), nearest first, ties by id."""
        if limit <= 0 or not self._cafes:
            return []
        phi = math.radians(lat)
        a = (np.sin((self._lat - phi) / 2) ** 2
             + math.cos(phi) * self._cos_lat * np.sin((self._lon - math.radians(lon)) / 2) ** 2)
        candidates = np.arange(len(self._cafes))
        if within_km is not None:
            candidates = np.flatnonzero(a <= _haversine_a(within_km) * (1 + _MARGIN) + _FLOOR)
            if candidates.size == 0:
                return []
        scores = a[candidates]
        if candidates.size > limit:
            cut = np.partition(scores, limit - 1)[limit - 1]
            keep = scores <= cut * (1 + _MARGIN) + _FLOOR
            candidates = candidates[keep]
        matches = []
        for index in candidates.tolist():
            cafe = self._cafes[index]
            distance = haversine_km(lat, lon, cafe.latitude, cafe.longitude)
            if within_km is None or distance <= within_km:
                matches.append(Match(cafe, distance))
        matches.sort(key=lambda match: (match.distance_km, match.cafe.id))
        return matches[:limit]


def random_directory(count: int, seed: int = 0) -> list[CafeRecord]:
    """Made-up cafés scattered over Great Britain, for tests and the benchmark."""
    rng = random.Random(seed)
    return [
        CafeRecord(id=index + 1, name=f"Cafe {index + 1}", venue="venue", address="address",
                   postcode="XX1 1XX", latitude=rng.uniform(50.0, 58.6),
                   longitude=rng.uniform(-5.7, 1.7))
        for index in range(count)
    ]


def bench_search_ms(cafes: int = 5000, queries: int = 500) -> dict[str, float]:
    """Search latency (ms) over a made-up directory, for `make bench`: p50 and p95."""
    finder = CafeFinder(random_directory(cafes, seed=1))
    rng = random.Random(2)
    timings = []
    for _ in range(queries):
        lat, lon = rng.uniform(50.0, 58.6), rng.uniform(-5.7, 1.7)
        started = time.perf_counter()
        finder.nearest(lat, lon)
        timings.append((time.perf_counter() - started) * 1000)
    percentiles = statistics.quantiles(timings, n=100, method="inclusive")
    return {"p50": round(statistics.median(timings), 3), "p95": round(percentiles[94], 3)}
