"""Growth chart pictures: a readable PNG for each sex and kind, lines from rcpchgrowth's data."""

from __future__ import annotations

import io
from datetime import date, timedelta

import numpy as np
import pytest
from PIL import Image
from rcpchgrowth import measurement_from_sds

from bot.growth.centiles import BMI, LENGTH, LINE_SDS, RCPCH_METHOD, WEIGHT, ChildFacts
from bot.growth.chart import reference_lines, render_chart
from bot.growth.flags import Point

BORN = date(2025, 3, 3)
TERM = {"male": ChildFacts("male", BORN, 40, 0), "female": ChildFacts("female", BORN, 40, 0)}
PRETERM = {"male": ChildFacts("male", BORN, 31, 2), "female": ChildFacts("female", BORN, 29, 5)}
VALUES = {WEIGHT: (1.4, 2.4, 4.2, 6.3, 8.9), LENGTH: (40.0, 46.0, 56.0, 64.0, 75.0)}
DAYS = (0, 30, 90, 180, 330)


def points(kind: str, *, first_day: int = 0) -> list[Point]:
    return [
        Point(kind, BORN + timedelta(days=day), value, 0.0)
        for day, value in zip(DAYS, VALUES[kind], strict=True) if day >= first_day
    ]


def as_image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


@pytest.mark.parametrize("sex", ["male", "female"])
@pytest.mark.parametrize("kind", [WEIGHT, LENGTH])
@pytest.mark.parametrize("born", ["term", "preterm"])
def test_render_chart_is_a_png_of_readable_size(sex, kind, born):
    child = (TERM if born == "term" else PRETERM)[sex]
    # A term baby's first points are left out: the preterm values are small for term.
    mine = points(kind) if born == "preterm" else points(kind, first_day=90)
    image = as_image(render_chart(child, kind, mine, f"Ava: {kind}"))
    assert image.format == "PNG"
    assert image.width >= 600 and image.height >= 400


@pytest.mark.parametrize("kind", [WEIGHT, LENGTH, BMI])
def test_a_chart_without_points_still_draws_the_lines(kind):
    image = as_image(render_chart(TERM["female"], kind, [], "Ava"))
    assert image.format == "PNG" and image.size == (800, 600)


def test_a_chart_is_the_same_each_time():
    """Drawing time is measured by `make bench` (growth_chart_ms)."""
    first = render_chart(TERM["male"], WEIGHT, points(WEIGHT, first_day=90), "Sam: weight")
    assert render_chart(TERM["male"], WEIGHT, points(WEIGHT, first_day=90), "Sam: weight") \
        == first


def test_points_of_another_kind_are_left_out():
    weights = points(WEIGHT, first_day=90)
    mixed = weights + points(LENGTH, first_day=90)
    assert render_chart(TERM["male"], WEIGHT, mixed, "Sam") == \
        render_chart(TERM["male"], WEIGHT, weights, "Sam")


@pytest.mark.parametrize(("sex", "kind", "day"), [
    ("female", WEIGHT, 7), ("male", WEIGHT, 182), ("female", LENGTH, 364), ("male", LENGTH, 1001),
])
def test_lines_are_rcpchgrowths_uk_who_centiles(sex, kind, day):
    for ages, lines in reference_lines(sex, kind):
        if ages[0] <= day <= ages[-1] and day in ages:
            position = int(np.flatnonzero(ages == day)[0])
            for z, line in zip(LINE_SDS, lines, strict=True):
                expected = measurement_from_sds(
                    reference="uk-who", requested_sds=z, measurement_method=RCPCH_METHOD[kind],
                    sex=sex, age=day / 365.25,
                )
                assert line[position] == pytest.approx(expected, abs=1e-3)
            return
    pytest.fail(f"no line point at day {day}")
