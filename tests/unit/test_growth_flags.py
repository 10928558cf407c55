"""Growth flags for the health visitor, on realistic entries made from rcpchgrowth's own data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from rcpchgrowth import measurement_from_sds

from bot.growth.centiles import (
    BMI,
    LENGTH,
    RCPCH_METHOD,
    WEIGHT,
    ChildFacts,
    assess,
    corrected_age_days,
    thresholds,
)
from bot.growth.flags import Point, growth_flags, weighing_too_soon

BORN = date(2025, 3, 3)
GIRL = ChildFacts("female", BORN, 40, 0)
BOY = ChildFacts("male", BORN, 39, 2)


def entry(child: ChildFacts, kind: str, sds: float, days: int) -> Point:
    """A point as the app stores it: a value near the given SDS, scored by assess()."""
    on = BORN + timedelta(days=days)
    value = measurement_from_sds(
        reference="uk-who", requested_sds=sds, measurement_method=RCPCH_METHOD[kind],
        sex=child.sex, age=corrected_age_days(child, on) / 365.25,
    )
    value = round(value, 2 if kind == WEIGHT else 1)
    result = assess(child, kind, value, on)
    assert result.plausibility == "ok"
    return Point(kind, on, value, result.sds)


def weight(child: ChildFacts, days: int, kg: float) -> Point:
    on = BORN + timedelta(days=days)
    return Point(WEIGHT, on, kg, assess(child, WEIGHT, kg, on).sds)


def codes(child, history, new, birth_weight_kg=None) -> list[str]:
    return [flag.code for flag in growth_flags(child, history, new, birth_weight_kg)]


def test_a_fall_from_the_50th_to_below_the_9th_is_flagged_on_the_third_entry_only():
    birth = entry(GIRL, WEIGHT, 0.0, 0)
    first = entry(GIRL, WEIGHT, 0.0, 42)
    second = entry(GIRL, WEIGHT, -0.8, 91)
    third = entry(GIRL, WEIGHT, -1.6, 152)
    fourth = entry(GIRL, WEIGHT, -1.7, 183)
    assert codes(GIRL, [birth], first) == []
    assert codes(GIRL, [birth, first], second) == []
    flags = growth_flags(GIRL, [second, birth, first], third, None)  # any order
    assert [flag.code for flag in flags] == ["centile_fall"]
    assert "from about the 50th to below the 9th centile" in flags[0].reason
    assert "since 14 April 2025" in flags[0].reason
    assert flags[0].reason.startswith("Weight has fallen 2.")
    # Still fallen at the next weighing: already raised, not raised again.
    assert codes(GIRL, [birth, first, second, third], fourth) == []


def test_newborn_weights_before_2_weeks_are_not_the_starting_point_of_a_fall():
    birth = entry(GIRL, WEIGHT, 1.0, 0)
    day_5 = entry(GIRL, WEIGHT, 1.0, 5)
    later = entry(GIRL, WEIGHT, -0.5, 42)
    assert codes(GIRL, [birth, day_5], later) == []


def test_one_space_counts_when_birth_weight_was_below_the_9th():
    small_birth = entry(GIRL, WEIGHT, -1.6, 0)
    average_birth = entry(GIRL, WEIGHT, -1.0, 0)
    peak = entry(GIRL, WEIGHT, -1.0, 42)
    fallen = entry(GIRL, WEIGHT, -1.8, 91)  # about 1.2 spaces
    assert codes(GIRL, [small_birth, peak], fallen) == ["centile_fall"]
    assert codes(GIRL, [average_birth, peak], fallen) == []


def test_three_spaces_count_when_birth_weight_was_above_the_91st():
    big_birth = entry(BOY, WEIGHT, 1.6, 0)
    peak = entry(BOY, WEIGHT, 1.5, 42)
    two_spaces = entry(BOY, WEIGHT, 0.0, 91)
    three_spaces = entry(BOY, WEIGHT, -0.6, 91)
    assert codes(BOY, [big_birth, peak], two_spaces) == []
    assert codes(BOY, [big_birth, peak], three_spaces) == ["centile_fall"]
    # Without a birth weight, two spaces are enough.
    assert codes(BOY, [peak], two_spaces) == ["centile_fall"]


def test_weight_below_the_0_4th_centile():
    low = entry(GIRL, WEIGHT, -2.8, 60)
    lower = entry(GIRL, WEIGHT, -2.9, 90)
    flags = growth_flags(GIRL, [], low, None)
    assert [flag.code for flag in flags] == ["below_0_4th"]
    assert flags[0].reason.startswith("Weight on 2 May 2025 is below the 0.4th centile")
    assert codes(GIRL, [low], lower) == []
    assert codes(GIRL, [], entry(GIRL, WEIGHT, -2.5, 60)) == []


def test_weight_two_spaces_below_a_length_measured_at_the_same_time():
    length = entry(BOY, LENGTH, 1.0, 120)
    light = entry(BOY, WEIGHT, -0.5, 125)
    assert codes(BOY, [length], light) == ["weight_below_length"]
    # Either order of recording.
    assert codes(BOY, [light], length) == ["weight_below_length"]
    # Too far apart to compare, or not far enough below.
    assert codes(BOY, [entry(BOY, LENGTH, 1.0, 100)], light) == []
    assert codes(BOY, [length], entry(BOY, WEIGHT, 0.0, 125)) == []


def test_bmi_above_the_98th_after_2_years_only():
    two_and_a_half = entry(GIRL, BMI, 2.3, 913)
    assert codes(GIRL, [], two_and_a_half) == ["bmi_above_98th"]
    assert codes(GIRL, [], entry(GIRL, BMI, 1.9, 913)) == []
    assert codes(GIRL, [], entry(GIRL, BMI, 2.3, 365)) == []


def test_newborn_weight_loss_over_10_percent():
    flags = growth_flags(GIRL, [], weight(GIRL, 4, 3.10), 3.5)
    assert [flag.code for flag in flags] == ["newborn_weight_loss"]
    assert "11% below birth weight" in flags[0].reason
    assert codes(GIRL, [], weight(GIRL, 4, 3.20), 3.5) == []
    # Still down at the next weighing: not raised again.
    assert codes(GIRL, [weight(GIRL, 4, 3.10)], weight(GIRL, 6, 3.12), 3.5) == []


def test_not_back_to_birth_weight_by_3_weeks():
    earlier = [weight(GIRL, 5, 3.3), weight(GIRL, 12, 3.35)]
    assert codes(GIRL, earlier, weight(GIRL, 20, 3.4), 3.5) == []
    flags = growth_flags(GIRL, earlier, weight(GIRL, 21, 3.4), 3.5)
    assert [flag.code for flag in flags] == ["not_back_to_birth_weight"]
    assert flags[0].reason.startswith("Weight at 21 days")
    assert codes(GIRL, earlier, weight(GIRL, 22, 3.6), 3.5) == []
    assert codes(GIRL, earlier, weight(GIRL, 22, 3.4), None) == []


def test_points_without_an_sds_raise_nothing():
    refused = Point(WEIGHT, BORN + timedelta(days=60), 72.0, None)
    assert codes(GIRL, [entry(GIRL, WEIGHT, 0.0, 42)], refused, 3.5) == []
    # ...and are left out of comparisons.
    history = [Point(WEIGHT, BORN + timedelta(days=42), 9.0, None)]
    assert codes(GIRL, history, entry(GIRL, WEIGHT, -1.5, 91)) == []


@pytest.mark.parametrize(("age_days", "previous_days_ago", "too_soon"), [
    (10, 3, False),     # first 3 weeks: checking the return to birth weight
    (91, 20, True),     # monthly to 6 months
    (91, 28, False),
    (240, 40, True),    # 2-monthly to 12 months
    (240, 56, False),
    (548, 70, True),    # 3-monthly after
    (548, 84, False),
])
def test_weighing_too_soon(age_days, previous_days_ago, too_soon):
    new_date = BORN + timedelta(days=age_days)
    previous = [BORN, new_date - timedelta(days=previous_days_ago)]
    assert weighing_too_soon(GIRL, previous, new_date) is too_soon


def test_weighing_too_soon_looks_only_at_earlier_weights():
    new_date = BORN + timedelta(days=91)
    assert weighing_too_soon(GIRL, [], new_date) is False
    assert weighing_too_soon(GIRL, [new_date, new_date + timedelta(days=3)], new_date) is False


def test_every_threshold_names_its_source():
    data = thresholds()
    assert data["last_reviewed"]
    sections = [data["centile_space_sds"], data["weighing"], *data["plausibility"].values(),
                *data["band"].values(), *data["flags"].values()]
    assert all(section["source"].strip() for section in sections)
