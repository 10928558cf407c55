from datetime import date

import pytest

from bot.dates import (
    PLACEHOLDER_YEAR,
    explicit_date,
    find_dates,
    most_recent,
    read_past_date,
    weekday_before,
)

TODAY = date(2026, 11, 24)  # a Tuesday
YESTERDAY = date(2026, 11, 23)
MARCH_3 = date(2026, 3, 3)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("today", TODAY),
        ("Today!", TODAY),
        ("this morning", TODAY),
        ("this afternoon at clinic", TODAY),
        ("tonight", TODAY),
        ("2day", TODAY),
        ("yesterday", YESTERDAY),
        ("yday", YESTERDAY),
        ("last night", YESTERDAY),
        ("the day before yesterday", date(2026, 11, 22)),
        ("2 days ago", date(2026, 11, 22)),
        ("a week ago", date(2026, 11, 17)),
        ("two weeks ago", date(2026, 11, 10)),
        # A plain weekday is the latest one on or before today; "last" is strictly before.
        ("on Monday", YESTERDAY),
        ("monday", YESTERDAY),
        ("last Monday", YESTERDAY),
        ("Tuesday", TODAY),
        ("on tues", TODAY),
        ("last tuesday", date(2026, 11, 17)),
        ("on weds", date(2026, 11, 18)),
        ("thurs", date(2026, 11, 19)),
        ("on fri", date(2026, 11, 20)),
        ("on sat", date(2026, 11, 21)),
        ("last sun", date(2026, 11, 22)),
        # Day first; a day and month without a year is the most recent one already past.
        ("3rd March", MARCH_3),
        ("March 3rd", MARCH_3),
        ("3 Mar", MARCH_3),
        ("on the 3rd of march", MARCH_3),
        ("3/3", MARCH_3),
        ("03/03/2026", MARCH_3),
        ("3.3.26", MARCH_3),
        ("2026-03-03", MARCH_3),
        ("3rd March 2026", MARCH_3),
        ("24/11", TODAY),
        ("25/11", date(2025, 11, 25)),
        ("1st Dec", date(2025, 12, 1)),
        ("29/2", date(2024, 2, 29)),
        # Date words that agree are one date.
        ("yesterday, Monday 23rd", YESTERDAY),
        ("Mon 23/11", YESTERDAY),
    ],
)
def test_reads_a_past_date(text, day):
    reading = read_past_date(text, TODAY)
    assert (reading.day, reading.found, reading.problem) == (day, True, None)


@pytest.mark.parametrize(
    ("text", "day", "problem"),
    [
        ("31/2", None, "unclear_date"),             # no such day
        ("30 February", None, "unclear_date"),
        ("31/04/2026", None, "unclear_date"),
        ("last week", None, "unclear_date"),        # not one day
        ("in March", None, "unclear_date"),
        ("a few days ago", None, "unclear_date"),
        ("the other day", None, "unclear_date"),
        ("yesterday, 3/3", None, "unclear_date"),   # two different days
        ("Monday 16th November", None, "unclear_date"),
        ("tomorrow", date(2026, 11, 25), "future_date"),
        ("25/11/2026", date(2026, 11, 25), "future_date"),
        ("1/1/2027", date(2027, 1, 1), "future_date"),
        ("1/1/2023", date(2023, 1, 1), "too_old"),
        ("3rd March 2020", date(2020, 3, 3), "too_old"),
    ],
)
def test_dates_that_cannot_be_used_say_why(text, day, problem):
    reading = read_past_date(text, TODAY)
    assert (reading.day, reading.found, reading.problem) == (day, True, problem)


@pytest.mark.parametrize(
    "text",
    ["", "hello", "7.4kg", "she sat up on her own", "out in the sun", "she may be teething",
     "born at 34 weeks", "6 months old", "she's 65cm long now"],
)
def test_text_without_date_words_is_not_found(text):
    reading = read_past_date(text, TODAY)
    assert (reading.day, reading.found, reading.problem, reading.spans) == (None, False, None, ())


def test_how_far_back_is_the_callers_choice():
    assert read_past_date("1/10/2026", TODAY, max_days_back=30).problem == "too_old"
    assert read_past_date("1/11/2026", TODAY, max_days_back=30).problem is None


@pytest.mark.parametrize(
    ("text", "loose", "strict"),
    [
        # Among measurements "7.4" is a weight and "14-3" is 14lb 3oz.
        ("7.4", date(2026, 4, 7), None),
        ("14-3", date(2026, 3, 14), None),
        ("on 3.3", MARCH_3, MARCH_3),
        ("on the 14-3", date(2026, 3, 14), date(2026, 3, 14)),
        ("3/3", MARCH_3, MARCH_3),
        ("3.3.26", MARCH_3, MARCH_3),
    ],
)
def test_strict_reading_needs_a_year_or_on_for_dots_and_dashes(text, loose, strict):
    assert read_past_date(text, TODAY).day == loose
    assert read_past_date(text, TODAY, strict=True).day == strict


def test_spans_cover_the_date_words():
    text = "weighed 6.2kg on 3/3 at clinic"
    (span,) = read_past_date(text, TODAY).spans
    assert text[slice(*span)] == "3/3"
    written = find_dates("born 3rd Oct 2025")
    assert [(w.year, w.month, w.day) for w in written] == [(2025, 10, 3)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("due 14/03/2027", (date(2027, 3, 14), True)),
        ("14.3.27", (date(2027, 3, 14), True)),
        ("14/3", (date(PLACEHOLDER_YEAR, 3, 14), False)),
        ("29/2", (date(PLACEHOLDER_YEAR, 2, 29), False)),
        ("March 3rd", (date(PLACEHOLDER_YEAR, 3, 3), False)),
        ("2027-04-01", (date(2027, 4, 1), True)),
        ("31/02/2027", (None, False)),
        ("hello", (None, False)),
    ],
)
def test_explicit_date_reports_whether_the_year_was_given(text, expected):
    assert explicit_date(text) == expected


def test_most_recent_and_weekday_helpers():
    assert most_recent(11, 24, TODAY) == TODAY
    assert most_recent(11, 25, TODAY) == date(2025, 11, 25)
    assert most_recent(2, 29, TODAY) == date(2024, 2, 29)
    assert most_recent(2, 30, TODAY) is None
    assert weekday_before(1, TODAY, strictly=False) == TODAY
    assert weekday_before(1, TODAY, strictly=True) == date(2026, 11, 17)
    assert weekday_before(6, TODAY, strictly=False) == date(2026, 11, 22)
