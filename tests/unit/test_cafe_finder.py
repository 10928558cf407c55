"""Nearest cafés: exactly the brute-force answer (ties by id), over thousands of cafés."""

import random
from dataclasses import replace

import pytest

from bot.cafes.finder import (
    CafeFinder,
    CafeRecord,
    Match,
    bench_search_ms,
    haversine_km,
    random_directory,
)


def brute_force(cafes, lat, lon, limit, within_km):
    """The reference: measure every café, sort by distance then id."""
    scored = sorted(
        ((haversine_km(lat, lon, cafe.latitude, cafe.longitude), cafe.id, cafe)
         for cafe in cafes),
        key=lambda item: (item[0], item[1]),
    )
    return [Match(cafe, distance) for distance, _, cafe in scored
            if within_km is None or distance <= within_km][:limit]


def directory_with_ties(count: int, seed: int) -> list[CafeRecord]:
    """Cafés over GB where many share a position (a district centroid, as real ones do)."""
    rng = random.Random(seed)
    spots = [(rng.uniform(50.0, 58.6), rng.uniform(-5.7, 1.7)) for _ in range(count // 4)]
    cafes = random_directory(count, seed=seed)
    shuffled = rng.sample(range(1, count * 3), count)  # ids not in position order
    return [
        replace(cafe, id=shuffled[index],
                latitude=spots[index % len(spots)][0] if index % 2 else cafe.latitude,
                longitude=spots[index % len(spots)][1] if index % 2 else cafe.longitude)
        for index, cafe in enumerate(cafes)
    ]


def test_distances_are_great_circle_kilometres():
    london, edinburgh = (51.5074, -0.1278), (55.9533, -3.1883)
    assert haversine_km(*london, *edinburgh) == pytest.approx(534, abs=2)
    assert haversine_km(*london, *london) == 0
    assert haversine_km(0, 0, 0, 1) == pytest.approx(111.195, abs=0.01)


@pytest.mark.parametrize("seed", [1, 2])
def test_nearest_is_exactly_the_brute_force_answer(seed):
    cafes = directory_with_ties(5000, seed)
    finder = CafeFinder(cafes)
    rng = random.Random(seed + 100)
    queries = [(rng.uniform(49.8, 59.0), rng.uniform(-6.0, 2.0)) for _ in range(80)]
    # Queries on top of cafés give distance-0 ties between cafés sharing a spot.
    queries += [(cafe.latitude, cafe.longitude) for cafe in rng.sample(cafes, 40)]
    for lat, lon in queries:
        everything = brute_force(cafes, lat, lon, len(cafes), None)
        for limit, within_km in ((1, None), (3, 25.0), (10, 5.0), (25, None), (3, 0.0)):
            expected = [m for m in everything if within_km is None or m.distance_km <= within_km]
            assert finder.nearest(lat, lon, limit=limit, within_km=within_km) == (
                expected[:limit]), (lat, lon, limit, within_km)


def test_ties_are_broken_by_id():
    spot = CafeRecord(id=9, name="B", venue="v", address="a", postcode="CR0 1AA",
                      latitude=51.37325, longitude=-0.0779)
    cafes = [spot, replace(spot, id=4, name="A"), replace(spot, id=7, name="C")]
    found = CafeFinder(cafes).nearest(51.37325, -0.0779, limit=2)
    assert [match.cafe.id for match in found] == [4, 7]
    assert [match.distance_km for match in found] == [0.0, 0.0]


def test_cafes_beyond_the_radius_are_left_out():
    london = CafeRecord(id=1, name="London", venue="v", address="a", postcode="SE25 4AA",
                        latitude=51.39778, longitude=-0.07674)
    finder = CafeFinder([london])
    assert finder.nearest(60.15, -1.17) == []  # Shetland: nothing within 25 km
    assert [m.cafe.id for m in finder.nearest(60.15, -1.17, within_km=None)] == [1]


def test_empty_directory_and_no_limit_find_nothing():
    assert CafeFinder([]).nearest(51.5, -0.1) == []
    assert CafeFinder(random_directory(10)).nearest(51.5, -0.1, limit=0) == []


def test_the_benchmark_reports_percentiles():
    timings = bench_search_ms(cafes=200, queries=20)
    assert set(timings) == {"p50", "p95"}
    assert 0 <= timings["p50"] <= timings["p95"]
