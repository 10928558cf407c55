"""Growth flags for the health visitor's review, by the rules in `thresholds.yml`.

A flag asks a person to look, never tells the parent anything. Flags are about the point just
recorded and are raised when a rule first becomes true, so a child who stays below a line is not
flagged again at every weighing. They use the SDS stored with each point (no rcpchgrowth calls),
except the newborn weight checks, which compare with birth weight itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.clock import long_date
from bot.growth.centiles import (
    BMI,
    CENTILE_LINES,
    DAYS_PER_YEAR,
    LENGTH,
    LINE_SDS,
    WEIGHT,
    ChildFacts,
    corrected_age_days,
    ordinal,
    thresholds,
    whole_months,
)


@dataclass(frozen=True)
class Point:
    """A kept measurement with the SDS it was given when recorded."""

    kind: str  # WEIGHT, LENGTH or BMI
    observed_on: date
    value: float
    sds: float | None


@dataclass(frozen=True)
class Flag:
    """Why the health visitor should look, in plain and factual words."""

    code: str
    reason: str


def _rules() -> dict[str, Any]:
    return thresholds()["flags"]


def _space() -> float:
    return thresholds()["centile_space_sds"]["value"]


def _about(sds: float) -> str:
    """The nearest centile line, e.g. "about the 50th"."""
    nearest = min(range(len(LINE_SDS)), key=lambda index: abs(LINE_SDS[index] - sds))
    return f"about the {ordinal(CENTILE_LINES[nearest])}"


def _where(sds: float) -> str:
    """Where a fallen SDS is: "about the 9th" near a line, else "below the 9th"."""
    within = thresholds()["band"]["on_line_within_sds"]["value"]
    if any(abs(line - sds) <= within for line in LINE_SDS):
        return _about(sds)
    above = [index for index, line in enumerate(LINE_SDS) if line > sds]
    if not above:
        return f"above the {ordinal(CENTILE_LINES[-1])}"
    return f"below the {ordinal(CENTILE_LINES[above[0]])}"


def _fall_threshold(child: ChildFacts, earlier: Sequence[Point]) -> int:
    """Centile spaces that count as a fall, by where birth weight was (2 when not known)."""
    rule = _rules()["centile_fall"]
    at_birth = [p for p in earlier if p.kind == WEIGHT and p.observed_on == child.birth_date]
    if at_birth:
        sds = at_birth[0].sds
        low = rule["spaces_if_birth_weight_below_sds"]
        high = rule["spaces_if_birth_weight_above_sds"]
        if sds < low["sds"]:
            return low["spaces"]
        if sds > high["sds"]:
            return high["spaces"]
    return rule["spaces"]


def _centile_fall(child: ChildFacts, earlier: Sequence[Point], new: Point) -> Flag | None:
    if new.kind != WEIGHT:
        return None
    rule = _rules()["centile_fall"]
    compared = [
        p for p in earlier
        if p.kind == WEIGHT
        and (p.observed_on - child.birth_date).days >= rule["compare_from_age_days"]
    ]
    if not compared:
        return None
    highest = max(compared, key=lambda p: p.sds)
    spaces = (highest.sds - new.sds) / _space()
    if spaces < _fall_threshold(child, earlier):
        return None
    return Flag(
        "centile_fall",
        f"Weight has fallen {spaces:.1f} centile spaces (from {_about(highest.sds)} to "
        f"{_where(new.sds)} centile) since {long_date(highest.observed_on)}.",
    )


def _below_0_4th(new: Point) -> Flag | None:
    limit = _rules()["below_0_4th"]["weight_below_sds"]
    if new.kind != WEIGHT or new.sds >= limit:
        return None
    return Flag(
        "below_0_4th",
        f"Weight on {long_date(new.observed_on)} is below the 0.4th centile "
        f"(SDS {new.sds:.2f}).",
    )


def _weight_below_length(nearby: Sequence[Point], new: Point) -> Flag | None:
    if new.kind not in (WEIGHT, LENGTH):
        return None
    rule = _rules()["weight_below_length"]
    other_kind = LENGTH if new.kind == WEIGHT else WEIGHT
    same_time = [
        p for p in nearby
        if p.kind == other_kind
        and abs((p.observed_on - new.observed_on).days) <= rule["same_time_within_days"]
    ]
    if not same_time:
        return None
    other = min(same_time, key=lambda p: abs((p.observed_on - new.observed_on).days))
    weight, length = (new, other) if new.kind == WEIGHT else (other, new)
    spaces = (length.sds - weight.sds) / _space()
    if spaces < rule["spaces"]:
        return None
    apart = abs((weight.observed_on - length.observed_on).days)
    return Flag(
        "weight_below_length",
        f"Weight is {spaces:.1f} centile spaces below length (weight SDS {weight.sds:.2f} on "
        f"{long_date(weight.observed_on)}, length SDS {length.sds:.2f} on "
        f"{long_date(length.observed_on)}, {apart} days apart).",
    )


def _bmi_above_98th(child: ChildFacts, new: Point) -> Flag | None:
    rule = _rules()["bmi_above_98th"]
    if new.kind != BMI or new.sds <= rule["bmi_above_sds"]:
        return None
    if corrected_age_days(child, new.observed_on) < rule["from_age_years"] * DAYS_PER_YEAR:
        return None
    return Flag(
        "bmi_above_98th",
        f"BMI on {long_date(new.observed_on)} is above the 98th centile (SDS {new.sds:.2f}).",
    )


def _newborn_weight_loss(new: Point, birth_weight_kg: float | None) -> Flag | None:
    if new.kind != WEIGHT or not birth_weight_kg:
        return None
    loss = (birth_weight_kg - new.value) / birth_weight_kg
    if loss <= _rules()["newborn_weight_loss"]["loss_over_fraction"]:
        return None
    return Flag(
        "newborn_weight_loss",
        f"Weight on {long_date(new.observed_on)} is {loss:.0%} below birth weight "
        f"({new.value:.2f} kg against {birth_weight_kg:.2f} kg).",
    )


def _not_back_to_birth_weight(
    child: ChildFacts, new: Point, birth_weight_kg: float | None
) -> Flag | None:
    if new.kind != WEIGHT or not birth_weight_kg or new.value >= birth_weight_kg:
        return None
    age_days = (new.observed_on - child.birth_date).days
    if age_days < _rules()["not_back_to_birth_weight"]["from_age_days"]:
        return None
    return Flag(
        "not_back_to_birth_weight",
        f"Weight at {age_days} days ({long_date(new.observed_on)}) is still below birth weight "
        f"({new.value:.2f} kg against {birth_weight_kg:.2f} kg).",
    )


def _flags_at(
    child: ChildFacts,
    earlier: Sequence[Point],
    nearby: Sequence[Point],
    new: Point,
    birth_weight_kg: float | None,
) -> list[Flag]:
    """Every rule that holds at `new`, given the points measured before it (`earlier`) and
    all other points, whenever measured (`nearby`: a length may be entered after a weight)."""
    found = [
        _below_0_4th(new),
        _centile_fall(child, earlier, new),
        _weight_below_length(nearby, new),
        _bmi_above_98th(child, new),
        _newborn_weight_loss(new, birth_weight_kg),
        _not_back_to_birth_weight(child, new, birth_weight_kg),
    ]
    return [flag for flag in found if flag is not None]


def growth_flags(
    child: ChildFacts, history: Sequence[Point], new: Point, birth_weight_kg: float | None
) -> list[Flag]:
    """Flags raised by the point just recorded: rules that hold now but did not at the last
    point of the same kind, so each concern reaches the health visitor once.

    `history` holds the child's other kept points, any kinds, any order; points without an SDS
    (refused ones) are left out, and a new point without one raises nothing.
    """
    if new.sds is None:
        return []
    kept = [p for p in history if p.sds is not None]
    earlier = sorted((p for p in kept if p.observed_on <= new.observed_on),
                     key=lambda p: p.observed_on)
    now = _flags_at(child, earlier, kept, new, birth_weight_kg)
    same_kind = [index for index, p in enumerate(earlier) if p.kind == new.kind]
    if not now or not same_kind:
        return now
    last = earlier[same_kind[-1]]
    others = [p for p in kept if p is not last]
    before = _flags_at(child, earlier[:same_kind[-1]], others, last, birth_weight_kg)
    raised = {flag.code for flag in before}
    return [flag for flag in now if flag.code not in raised]


def weighing_too_soon(
    child: ChildFacts, previous_weight_dates: Sequence[date], new_date: date
) -> bool:
    """Whether the last weight was closer than the recommended interval for the child's age,
    for the gentle "you needn't weigh so often" advice (never a rule a parent must follow)."""
    rule = thresholds()["weighing"]
    if (new_date - child.birth_date).days < rule["from_age_days"]:
        return False
    earlier = [day for day in previous_weight_dates if day < new_date]
    if not earlier:
        return False
    return (new_date - max(earlier)).days < _interval(child, new_date)["min_days"]


def _interval(child: ChildFacts, on: date) -> dict[str, Any]:
    age_months = whole_months(child.birth_date, on)
    return next(
        step for step in thresholds()["weighing"]["intervals"]
        if step["below_age_months"] is None or age_months < step["below_age_months"]
    )


def weighing_interval_words(child: ChildFacts, on: date) -> str:
    """How often weighing is worth it at the child's age, in words ("about once a month")."""
    return _interval(child, on)["words"]
