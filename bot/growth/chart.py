"""A growth chart picture: the UK-WHO centile lines with the child's own points.

The lines come from rcpchgrowth's UK-WHO reference tables (UK90 for preterm and term babies up
to 2 weeks after the due date, WHO 2006 lying length to 2 years, standing height to 4 years),
turned into measurements with rcpchgrowth's own LMS formula. Points are plotted at the age
rcpchgrowth scored them at: corrected for gestation. Drawn with matplotlib's object interface
(no pyplot), so pictures can be made from several threads at once.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MultipleLocator
from rcpchgrowth import measurement_for_z, select_reference_data_for_uk_who_chart

from bot.growth.centiles import (
    BMI,
    CENTILE_LINES,
    DAYS_PER_YEAR,
    LENGTH,
    LINE_SDS,
    RCPCH_METHOD,
    WEIGHT,
    ChildFacts,
    born_preterm,
    corrected_age_days,
    ordinal,
    thresholds,
)
from bot.growth.flags import Point

# UK90 (preterm and term, to 2 weeks after the due date), WHO 2006 infants (to 2 years, lying
# length), WHO 2006 children (2 to 4 years, standing height): the UK-WHO 0-4 chart.
SEGMENTS = ("uk90_preterm", "uk_who_infant", "uk_who_child")
Y_LABELS = {WEIGHT: "Weight (kg)", LENGTH: "Length or height (cm)", BMI: "BMI (kg/m²)"}
LINE_COLOURS = {"male": "#1d5fa6", "female": "#b8336a"}  # RCPCH charts: blue boys, pink girls
WHO_FROM_DAYS = 14  # UK90 to 2 weeks after the due date, WHO 2006 from then
SHORTEST_DAYS = 183  # at least 6 months shown
WEEKS_UP_TO_DAYS = 200  # shorter charts are labelled in weeks, longer ones in months
MAX_TICKS = 14
SIZE_INCHES, DPI = (8, 6), 100  # 800 x 600 pixels

Line = tuple[np.ndarray, tuple[np.ndarray, ...]]  # ages in days, one array of values per centile


@lru_cache(maxsize=8)
def reference_lines(sex: str, kind: str) -> tuple[Line, ...]:
    """The nine centile lines for a sex and kind, one piece per reference, ages in days from the
    due date. Weekly points: the WHO tables are daily, far more than a picture needs."""
    pieces = []
    for segment in SEGMENTS:
        rows = select_reference_data_for_uk_who_chart(segment, RCPCH_METHOD[kind], sex)
        days = [round(row["decimal_age"] * DAYS_PER_YEAR) for row in rows]
        # The WHO infant table starts at birth, but UK-WHO uses it from 2 weeks only.
        first = WHO_FROM_DAYS if segment == "uk_who_infant" else -math.inf
        in_range = [index for index, day in enumerate(days) if first <= day <= _chart_end_days()]
        if not in_range:
            continue  # no data, e.g. BMI before 2 weeks
        keep = [
            index for index in in_range
            if segment == "uk90_preterm" or days[index] % 7 == 0
            or index in (in_range[0], in_range[-1])
        ]
        values = tuple(
            np.array([_measurement(z, rows[index]) for index in keep]) for z in LINE_SDS
        )
        pieces.append((np.array([days[index] for index in keep], dtype=float), values))
    return tuple(pieces)


def _measurement(z: float, row: dict) -> float:
    value = measurement_for_z(z=z, l=row["L"], m=row["M"], s=row["S"])
    return float("nan") if value is None else value


def _chart_end_days() -> float:
    return thresholds()["plausibility"]["chart_ends_at_years"]["value"] * DAYS_PER_YEAR


def _values_between(line: Line, centile_index: int, low: float, high: float) -> np.ndarray:
    """A line's values within an age range, with its values at the range's ends."""
    ages, values = line[0], line[1][centile_index]
    inside = values[(ages >= low) & (ages <= high)]
    ends = [np.interp(edge, ages, values) for edge in (low, high) if ages[0] <= edge <= ages[-1]]
    return np.concatenate([inside, np.array(ends)])


def render_chart(child: ChildFacts, kind: str, points: Sequence[Point], title: str) -> bytes:
    """A PNG of the child's UK-WHO chart from birth to a little past the latest point (at least
    6 months, at most 4 years). Carries no personal data beyond the title."""
    lines = reference_lines(child.sex, kind)
    mine = sorted((p for p in points if p.kind == kind), key=lambda p: p.observed_on)
    ages = np.array([corrected_age_days(child, p.observed_on) for p in mine], dtype=float)
    values = np.array([p.value for p in mine], dtype=float)

    earliest = lines[0][0][0]
    start = max(earliest, min(0.0, float(ages.min()) if len(ages) else 0.0))
    start = 7 * np.floor(start / 7)
    oldest = float(ages.max()) if len(ages) else 0.0
    end = min(_chart_end_days(), max(SHORTEST_DAYS, oldest + max(28.0, 0.15 * oldest)))
    in_weeks = end <= WEEKS_UP_TO_DAYS
    per_unit = 7.0 if in_weeks else DAYS_PER_YEAR / 12

    figure = Figure(figsize=SIZE_INCHES, dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.1, 0.1, 0.8, 0.82))
    colour = LINE_COLOURS.get(child.sex, "#555555")
    visible: list[np.ndarray] = []
    for index, centile in enumerate(CENTILE_LINES):
        central = centile == 50
        for line in lines:
            axes.plot(
                line[0] / per_unit, line[1][index], color=colour,
                linewidth=1.6 if central else 0.9, alpha=1.0 if central else 0.75,
            )
            visible.append(_values_between(line, index, start, end))
        last = next((line for line in reversed(lines) if line[0][0] <= end), lines[0])
        axes.annotate(
            ordinal(centile), xy=(1.0, float(np.interp(end, last[0], last[1][index]))),
            xycoords=("axes fraction", "data"), xytext=(4, 0), textcoords="offset points",
            va="center", fontsize=8, color=colour, annotation_clip=False,
        )
    if len(mine):
        axes.plot(ages / per_unit, values, color="black", linewidth=1.2, marker="o",
                  markersize=5, zorder=3)
        visible.append(values[(ages >= start) & (ages <= end)])

    shown = np.concatenate(visible)
    low, high = float(np.nanmin(shown)), float(np.nanmax(shown))
    margin = 0.04 * (high - low)
    axes.set_ylim(low - margin, high + margin)
    axes.set_xlim(start / per_unit, end / per_unit)
    span = (end - start) / per_unit
    steps = (1, 2, 4, 8) if in_weeks else (1, 2, 3, 6)
    axes.xaxis.set_major_locator(MultipleLocator(next(
        (step for step in steps if span / step <= MAX_TICKS), steps[-1]
    )))
    unit = "weeks" if in_weeks else "months"
    axes.set_xlabel(
        f"Age in {unit}, corrected for being born early (0 = due date)"
        if born_preterm(child) else f"Age ({unit})"
    )
    axes.set_ylabel(Y_LABELS[kind])
    axes.set_title(title)
    axes.grid(True, color="#dddddd", linewidth=0.6)

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
