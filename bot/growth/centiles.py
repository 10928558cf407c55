"""UK-WHO centiles for a parent-recorded weight, length or BMI, by rcpchgrowth.

rcpchgrowth (RCPCH) does the arithmetic and the correction for gestation; this module decides
what may be kept (plausibility, thresholds in `thresholds.yml`) and says where a measurement sits
in plain English. It calls the library functions `rcpchgrowth.Measurement` itself uses for the
corrected SDS and centile (corrected decimal age, `sds_for_measurement`, `centile`) and applies
the library's own error limits, the check behind `observation_value_error`: one tenth of the
time of a full `Measurement`, which also builds chronological values and wording we do not use.
tests/unit/test_growth_centiles.py holds this equal to `Measurement` over a grid of cases.
The band is our own wording, told to the parent; flags for the health visitor are in `flags.py`.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from statistics import NormalDist
from typing import Any

import yaml
from rcpchgrowth.constants.validation_constants import (
    MAXIMUM_BMI_ERROR_SDS,
    MAXIMUM_HEIGHT_WEIGHT_OFC_ERROR_SDS,
    MINIMUM_BMI_ERROR_SDS,
    MINIMUM_HEIGHT_WEIGHT_OFC_ERROR_SDS,
)
from rcpchgrowth.date_calculations import corrected_decimal_age
from rcpchgrowth.global_functions import centile as centile_for_sds
from rcpchgrowth.global_functions import sds_for_measurement

WEIGHT, LENGTH, BMI = "weight", "length", "bmi"
# LENGTH is length lying down under 2 years and height standing after: rcpchgrowth's "height".
RCPCH_METHOD = {WEIGHT: "weight", LENGTH: "height", BMI: "bmi"}

CENTILE_LINES = (0.4, 2, 9, 25, 50, 75, 91, 98, 99.6)
# The lines sit exactly two thirds of an SD apart (Cole's nine-centile format), as drawn on the
# RCPCH UK-WHO charts and by rcpchgrowth.
LINE_SDS = tuple((index - 4) * 2 / 3 for index in range(len(CENTILE_LINES)))

OK, CHECK, REFUSE = "ok", "check", "refuse"
TERM_DAYS = 280  # 40 weeks: the due date is birth date + (280 - gestation in days)
PRETERM_BEFORE_WEEKS = 37  # born before 37 weeks is preterm (WHO); ages told corrected
DAYS_PER_YEAR = 365.25  # rcpchgrowth's decimal age
BMI_FROM_DAYS = 14  # UK-WHO BMI data starts 2 weeks after the due date

THRESHOLDS_FILE = Path(__file__).resolve().parent / "thresholds.yml"

logger = logging.getLogger(__name__)


@cache
def thresholds() -> dict[str, Any]:
    """The growth thresholds, each with its source, read once per process."""
    return yaml.safe_load(THRESHOLDS_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ChildFacts:
    """What the centile calculation needs to know about a child."""

    sex: str  # "male" or "female"
    birth_date: date
    gestation_weeks: int  # 40 and 0 for "on time"
    gestation_days: int


@dataclass(frozen=True)
class Assessment:
    """One measurement placed on the UK-WHO chart, or refused with the reason."""

    kind: str  # WEIGHT, LENGTH or BMI
    value: float  # kg, cm, or kg/m2
    observed_on: date
    sds: float | None  # corrected SDS from rcpchgrowth (None when refused)
    centile: float | None
    band: str  # plain English, e.g. "between the 25th and 50th centile lines"; "" when refused
    age_days: int  # chronological age in days
    corrected_age_days: int | None  # days from the due date when not born at 40+0, else None
    age_text: str  # "4 months"; "6 weeks (corrected for being born early)"
    plausibility: str  # "ok", "check" (|SDS| over 4, up to 8) or "refuse"
    refusal: str | None = None  # why refused, for logs


def due_date(child: ChildFacts) -> date:
    """The date the child would have been born at 40 weeks, as rcpchgrowth counts it."""
    weeks, days = child.gestation_weeks, child.gestation_days
    if weeks == 0:  # rcpchgrowth reads 0 weeks as "not given", i.e. term
        weeks, days = 40, 0
    return child.birth_date + timedelta(days=TERM_DAYS - (weeks * 7 + days))


def corrected_age_days(child: ChildFacts, on: date) -> int:
    """Days since the due date: the age rcpchgrowth plots and scores at on the UK-WHO chart."""
    return (on - due_date(child)).days


def born_preterm(child: ChildFacts) -> bool:
    """Born before 37 weeks: ages are then told corrected, as the health visitor does."""
    return 0 < child.gestation_weeks < PRETERM_BEFORE_WEEKS


def whole_months(start: date, end: date) -> int:
    """Whole calendar months from start to end (end not before start)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def sds_for_centile(centile: float) -> float:
    """The SDS of a centile (a percentage), e.g. 50 -> 0.0, 98 -> about 2.05."""
    if not 0 < centile < 100:
        raise ValueError(f"a centile is between 0 and 100, not {centile}")
    return NormalDist().inv_cdf(centile / 100)


def ordinal(centile: float) -> str:
    """A centile line's name: 0.4th, 2nd, 9th, 25th, 91st, 99.6th."""
    number = f"{centile:g}"
    if "." in number or 10 <= int(number) % 100 <= 13:
        return f"{number}th"
    return number + {1: "st", 2: "nd", 3: "rd"}.get(int(number) % 10, "th")


def band_for_sds(sds: float) -> str:
    """Where an SDS sits among the nine centile lines, in our own plain words."""
    within = thresholds()["band"]["on_line_within_sds"]["value"]
    for centile, line in zip(CENTILE_LINES, LINE_SDS, strict=True):
        if abs(sds - line) <= within:
            return f"on the {ordinal(centile)} centile line"
    if sds < LINE_SDS[0]:
        return f"below the {ordinal(CENTILE_LINES[0])} centile line"
    if sds > LINE_SDS[-1]:
        return f"above the {ordinal(CENTILE_LINES[-1])} centile line"
    upper = next(index for index, line in enumerate(LINE_SDS) if line > sds)
    lower_name, upper_name = ordinal(CENTILE_LINES[upper - 1]), ordinal(CENTILE_LINES[upper])
    return f"between the {lower_name} and {upper_name} centile lines"


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def age_words(start: date, end: date) -> str:
    """An age as a parent says it: days for 2 weeks, weeks to 13 weeks, then months and years."""
    days = (end - start).days
    if days < 14:
        return _plural(days, "day")
    if days < 91:
        return _plural(days // 7, "week")
    years, months = divmod(whole_months(start, end), 12)
    if years == 0:
        return _plural(months, "month")
    if months == 0:
        return _plural(years, "year")
    return f"{_plural(years, 'year')} {_plural(months, 'month')}"


def age_text(child: ChildFacts, on: date) -> str:
    """The child's age on a date, corrected for being born early when they were preterm."""
    if on < child.birth_date:
        return "before birth"
    if not born_preterm(child):
        return age_words(child.birth_date, on)
    due = due_date(child)
    if on < due:
        early = (due - on).days
        before = _plural(early, "day") if early < 14 else _plural(early // 7, "week")
        return f"{age_words(child.birth_date, on)}, {before} before their due date"
    return f"{age_words(due, on)} (corrected for being born early)"


def value_error(kind: str, value: float, sds: float) -> bool:
    """rcpchgrowth's own validation (what sets `observation_value_error` in a Measurement)."""
    if kind == BMI:
        return not MINIMUM_BMI_ERROR_SDS <= sds <= MAXIMUM_BMI_ERROR_SDS
    if kind == LENGTH and value < 2:  # metres sent instead of centimetres
        return True
    return not MINIMUM_HEIGHT_WEIGHT_OFC_ERROR_SDS <= sds <= MAXIMUM_HEIGHT_WEIGHT_OFC_ERROR_SDS


def assess(child: ChildFacts, kind: str, value: float, observed_on: date) -> Assessment:
    """Place a measurement on the UK-WHO chart for the child's sex, corrected for gestation.

    rcpchgrowth returns an SDS even for absurd values, so the plausibility rules here decide
    whether it is kept ("ok"), queried with the parent first ("check") or not kept ("refuse").
    """
    if kind not in RCPCH_METHOD:
        raise ValueError(f"unknown measurement kind {kind!r}")
    if child.sex not in ("male", "female"):
        raise ValueError(f"sex must be 'male' or 'female', not {child.sex!r}")
    rules = thresholds()["plausibility"]
    age_days = (observed_on - child.birth_date).days
    corrected = corrected_age_days(child, observed_on)

    def refused(reason: str) -> Assessment:
        return Assessment(
            kind=kind, value=value, observed_on=observed_on, sds=None, centile=None, band="",
            age_days=age_days,
            corrected_age_days=corrected if corrected != age_days else None,
            age_text=age_text(child, observed_on), plausibility=REFUSE, refusal=reason,
        )

    if age_days < 0:
        return refused("before birth")
    if corrected / DAYS_PER_YEAR > rules["chart_ends_at_years"]["value"]:
        return refused("beyond 4 years")
    if not math.isfinite(value) or value <= 0:
        return refused("value error")
    if kind == BMI and corrected < BMI_FROM_DAYS:
        return refused("no reference data")

    corrected_years = corrected_decimal_age(
        birth_date=child.birth_date, observation_date=observed_on,
        gestation_weeks=child.gestation_weeks, gestation_days=child.gestation_days,
    )
    try:
        sds = sds_for_measurement(reference="uk-who", age=corrected_years,
                                  measurement_method=RCPCH_METHOD[kind],
                                  observation_value=value, sex=child.sex)
    except LookupError as error:  # no UK-WHO data for this kind at this age
        logger.info("growth %s refused: %s", kind, error)
        return refused("no reference data")
    if sds is None:
        return refused("no reference data")
    if value_error(kind, value, sds):
        return refused("value error")
    if abs(sds) > rules["refuse_beyond_sds"]["value"]:
        return refused("beyond 8 SDS")
    centile = centile_for_sds(sds)

    corrected_days = round(corrected_years * DAYS_PER_YEAR)
    return Assessment(
        kind=kind,
        value=value,
        observed_on=observed_on,
        sds=sds,
        centile=centile,
        band=band_for_sds(sds),
        age_days=age_days,
        corrected_age_days=corrected_days if corrected_days != age_days else None,
        age_text=age_text(child, observed_on),
        plausibility=CHECK if abs(sds) > rules["check_beyond_sds"]["value"] else OK,
    )
