"""UK-WHO centiles: worked cases checked against rcpchgrowth itself, bands, ages, plausibility."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from rcpchgrowth import Measurement, measurement_from_sds

from bot.growth.centiles import (
    BMI,
    CENTILE_LINES,
    LENGTH,
    RCPCH_METHOD,
    WEIGHT,
    ChildFacts,
    age_text,
    assess,
    band_for_sds,
    ordinal,
    sds_for_centile,
)

BORN = date(2025, 3, 3)
TERM_BOY = ChildFacts("male", BORN, 40, 0)
TERM_GIRL = ChildFacts("female", BORN, 40, 0)
PRETERM_BOY = ChildFacts("male", BORN, 32, 0)  # 8 weeks early
PRETERM_GIRL = ChildFacts("female", BORN, 30, 4)


def direct(child: ChildFacts, kind: str, value: float, on: date) -> dict:
    """rcpchgrowth called directly with the same arguments."""
    return Measurement(
        sex=child.sex, birth_date=child.birth_date, observation_date=on,
        measurement_method=RCPCH_METHOD[kind], observation_value=value, reference="uk-who",
        gestation_weeks=child.gestation_weeks, gestation_days=child.gestation_days,
    ).measurement["measurement_calculated_values"]


def value_at(child: ChildFacts, kind: str, sds: float, on: date, corrected_days: int) -> float:
    """The measurement at a given SDS on the child's corrected age, from rcpchgrowth."""
    return measurement_from_sds(
        reference="uk-who", requested_sds=sds, measurement_method=RCPCH_METHOD[kind],
        sex=child.sex, age=corrected_days / 365.25,
    )


WORKED = [
    # term, at birth and under 2 weeks: UK90
    (TERM_BOY, WEIGHT, 3.5, BORN),
    (TERM_GIRL, WEIGHT, 3.1, BORN + timedelta(days=10)),
    (TERM_GIRL, LENGTH, 50.5, BORN + timedelta(days=3)),
    # term, WHO 2006 after 2 weeks
    (TERM_BOY, WEIGHT, 5.0, BORN + timedelta(weeks=6)),
    (TERM_GIRL, LENGTH, 62.0, BORN + timedelta(days=122)),
    (TERM_BOY, WEIGHT, 9.6, date(2026, 3, 3)),
    # preterm: before the due date (UK90 preterm) and after (WHO, corrected)
    (PRETERM_BOY, WEIGHT, 2.1, BORN + timedelta(weeks=3)),
    (PRETERM_GIRL, WEIGHT, 5.5, BORN + timedelta(days=150)),
    (PRETERM_GIRL, LENGTH, 58.0, BORN + timedelta(days=150)),
    # height standing after 2 years; BMI after 2 years
    (TERM_BOY, LENGTH, 91.0, date(2027, 9, 3)),
    (TERM_GIRL, BMI, 16.2, date(2028, 3, 3)),
]


@pytest.mark.parametrize(("child", "kind", "value", "on"), WORKED)
def test_sds_and_centile_are_rcpchgrowths_corrected_values(child, kind, value, on):
    expected = direct(child, kind, value, on)
    result = assess(child, kind, value, on)
    assert result.plausibility == "ok"
    assert result.sds == pytest.approx(expected["corrected_sds"], abs=1e-9)
    assert result.centile == pytest.approx(expected["corrected_centile"], abs=1e-9)
    assert result.age_days == (on - child.birth_date).days


def test_a_35_kg_term_boy_at_birth_is_on_the_50th_centile():
    result = assess(TERM_BOY, WEIGHT, 3.5, BORN)
    assert abs(result.sds) < 0.17
    assert 40 < result.centile < 55
    assert result.band == "on the 50th centile line"
    assert (result.age_text, result.corrected_age_days) == ("0 days", None)


def test_a_term_girl_of_6_kg_at_4_months_is_below_the_middle():
    # WHO 2006 girls' median at 4 months is about 6.4 kg.
    result = assess(TERM_GIRL, WEIGHT, 6.0, BORN + timedelta(days=122))
    assert -1 < result.sds < 0
    assert result.age_text == "4 months"


def test_preterm_correction_changes_the_result():
    on = BORN + timedelta(weeks=12)
    term = assess(TERM_BOY, WEIGHT, 4.0, on)
    preterm = assess(PRETERM_BOY, WEIGHT, 4.0, on)
    # The same weight is small for 12 weeks but fine for 4 weeks after the due date.
    assert term.sds < -1.5
    assert preterm.sds > term.sds + 1
    assert preterm.corrected_age_days == preterm.age_days - 56
    assert term.corrected_age_days is None
    assert preterm.age_text == "4 weeks (corrected for being born early)"


def test_a_preterm_baby_before_the_due_date_is_told_both_ages():
    result = assess(PRETERM_BOY, WEIGHT, 2.1, BORN + timedelta(weeks=3))
    assert result.corrected_age_days == -35
    assert result.age_text == "3 weeks, 5 weeks before their due date"


@pytest.mark.parametrize(("sds", "band"), [
    (0.0, "on the 50th centile line"),
    (0.16, "on the 50th centile line"),
    (-0.4, "between the 25th and 50th centile lines"),
    (0.4, "between the 50th and 75th centile lines"),
    (2.0, "on the 98th centile line"),
    (-1.1, "between the 9th and 25th centile lines"),
    (-2.7, "on the 0.4th centile line"),
    (-3.0, "below the 0.4th centile line"),
    (3.0, "above the 99.6th centile line"),
])
def test_bands(sds, band):
    assert band_for_sds(sds) == band


def test_ordinals_and_centile_sds():
    names = [ordinal(centile) for centile in CENTILE_LINES]
    assert names == ["0.4th", "2nd", "9th", "25th", "50th", "75th", "91st", "98th", "99.6th"]
    assert sds_for_centile(50) == pytest.approx(0.0)
    assert sds_for_centile(98) == pytest.approx(2.054, abs=1e-3)
    assert sds_for_centile(0.4) == pytest.approx(-2.652, abs=1e-3)
    with pytest.raises(ValueError):
        sds_for_centile(100)


@pytest.mark.parametrize(("days", "text"), [
    (1, "1 day"), (10, "10 days"), (14, "2 weeks"), (42, "6 weeks"), (90, "12 weeks"),
    (122, "4 months"), (365, "1 year"), (457, "1 year 3 months"), (761, "2 years 1 month"),
])
def test_age_text(days, text):
    assert age_text(TERM_BOY, BORN + timedelta(days=days)) == text


def test_72_kg_at_6_months_is_refused():
    result = assess(TERM_BOY, WEIGHT, 72.0, BORN + timedelta(days=183))
    assert (result.plausibility, result.refusal) == ("refuse", "value error")
    assert (result.sds, result.centile, result.band) == (None, None, "")


def test_between_4_and_8_sds_asks_the_parent_to_check():
    on = BORN + timedelta(days=183)
    heavy = value_at(TERM_BOY, WEIGHT, 5.0, on, 183)
    result = assess(TERM_BOY, WEIGHT, heavy, on)
    assert result.plausibility == "check"
    assert result.sds == pytest.approx(5.0, abs=0.01)
    assert result.band == "above the 99.6th centile line"
    short = value_at(TERM_GIRL, LENGTH, -4.5, on, 183)
    assert assess(TERM_GIRL, LENGTH, short, on).plausibility == "check"
    assert assess(TERM_BOY, WEIGHT, value_at(TERM_BOY, WEIGHT, 3.9, on, 183), on).plausibility \
        == "ok"


def test_beyond_8_sds_is_refused_even_where_rcpchgrowth_allows_it():
    # rcpchgrowth only calls a BMI an error beyond 15 SDS.
    on = date(2028, 3, 3)
    huge = value_at(TERM_GIRL, BMI, 10.0, on, (on - BORN).days)
    result = assess(TERM_GIRL, BMI, huge, on)
    assert (result.plausibility, result.refusal) == ("refuse", "beyond 8 SDS")


@pytest.mark.parametrize(("kind", "value", "on", "reason"), [
    (WEIGHT, 3.2, BORN - timedelta(days=1), "before birth"),
    (WEIGHT, 17.0, date(2029, 6, 1), "beyond 4 years"),
    (BMI, 13.0, BORN + timedelta(days=5), "no reference data"),
    (WEIGHT, 0.0, BORN + timedelta(days=5), "value error"),
    (LENGTH, 0.6, BORN + timedelta(days=60), "value error"),  # metres, not cm
])
def test_refusals(kind, value, on, reason):
    result = assess(TERM_BOY, kind, value, on)
    assert (result.plausibility, result.refusal, result.sds) == ("refuse", reason, None)


def test_unknown_kind_or_sex_is_a_programming_error():
    with pytest.raises(ValueError):
        assess(TERM_BOY, "ofc", 35.0, BORN)
    with pytest.raises(ValueError):
        assess(ChildFacts("boy", BORN, 40, 0), WEIGHT, 3.5, BORN)


GRID_CHILDREN = [TERM_BOY, TERM_GIRL, PRETERM_BOY, PRETERM_GIRL, ChildFacts("female", BORN, 37, 6)]
GRID_AGES = [0, 5, 13, 14, 30, 90, 200, 400, 729, 731, 1100]
GRID_SDS = [-9.0, -5.0, -2.0, 0.0, 1.5, 4.5, 9.0]


@pytest.mark.parametrize("child", GRID_CHILDREN)
@pytest.mark.parametrize("kind", [WEIGHT, LENGTH])
def test_assess_equals_a_full_rcpchgrowth_measurement_over_a_grid(child, kind):
    """Same corrected SDS and centile as Measurement, and refused exactly when Measurement
    reports an observation_value_error (or the value is beyond 8 SDS)."""
    for days in GRID_AGES:
        on = BORN + timedelta(days=days)
        corrected = (on - BORN).days - (280 - child.gestation_weeks * 7 - child.gestation_days)
        for target in GRID_SDS:
            value = round(value_at(child, kind, target, on, max(corrected, 0)), 3)
            if value <= 0:
                continue
            ours = assess(child, kind, value, on)
            full = Measurement(
                sex=child.sex, birth_date=child.birth_date, observation_date=on,
                measurement_method=RCPCH_METHOD[kind], observation_value=value,
                reference="uk-who", gestation_weeks=child.gestation_weeks,
                gestation_days=child.gestation_days,
            ).measurement
            error = full["child_observation_value"]["observation_value_error"]
            expected = full["measurement_calculated_values"]
            if error or expected["corrected_sds"] is None:
                assert ours.plausibility == "refuse", (child, kind, days, value, error)
                continue
            if ours.plausibility == "refuse":
                assert abs(expected["corrected_sds"]) > 8 or ours.refusal == "no reference data"
                continue
            assert ours.sds == pytest.approx(expected["corrected_sds"], abs=1e-9)
            assert ours.centile == pytest.approx(expected["corrected_centile"], abs=1e-6)
