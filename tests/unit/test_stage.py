from datetime import date, timedelta

import pytest

from bot.people.stage import Stage, parse_stage

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("due 14/03/2027", Stage("pregnant", due_date=date(2027, 3, 14))),
        ("my due date is 14.3.27", Stage("pregnant", due_date=date(2027, 3, 14))),
        ("14/3", Stage("pregnant", due_date=date(2027, 3, 14))),
        ("2027-04-01", Stage("pregnant", due_date=date(2027, 4, 1))),
        ("due on the 3rd of March", Stage("pregnant", due_date=date(2027, 3, 3))),
        ("March 3rd", Stage("pregnant", due_date=date(2027, 3, 3))),
        ("im 20 weeks", Stage("pregnant", due_date=TODAY + timedelta(days=140))),
        ("12 wks pregnant", Stage("pregnant", due_date=TODAY + timedelta(days=196))),
        ("week 30", Stage("pregnant", due_date=TODAY + timedelta(days=70))),
        ("born 3rd Oct", Stage("baby", birth_date=date(2026, 10, 3))),
        ("she was born on 3/3", Stage("baby", birth_date=date(2026, 3, 3))),
        ("he's 6 weeks old", Stage("baby", birth_date=TODAY - timedelta(days=42))),
        ("3 months old", Stage("baby", birth_date=TODAY - timedelta(days=90))),
        ("baby arrived yesterday", Stage("baby", birth_date=TODAY - timedelta(days=1))),
        ("born today!!", Stage("baby", birth_date=TODAY)),
        ("we're trying for a baby", Stage("planning")),
        ("ttc", Stage("planning")),
        ("not pregnant yet", Stage("planning")),
        # A due date a few days past is still a pregnancy: babies come late.
        ("due 20/11/2026", Stage("pregnant", due_date=date(2026, 11, 20))),
    ],
)
def test_reads_stage_from_free_text(text, expected):
    assert parse_stage(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "due in March",          # no day: asked again, never guessed
        "31/02/2027",            # no such date
        "due 1 Jan 2030",        # too far ahead for a pregnancy
        "born 1/1/2020",         # past the second birthday
        "50 weeks",              # not a pregnancy length
        "my baby is lovely",
    ],
)
def test_unclear_or_out_of_range_answers_are_refused(text):
    assert parse_stage(text, TODAY) is None


def test_weeks_and_age_are_derived_from_the_stored_dates():
    assert Stage("pregnant", due_date=TODAY + timedelta(days=140)).weeks_pregnant(TODAY) == 20
    assert Stage("baby", birth_date=TODAY - timedelta(days=10)).baby_age_days(TODAY) == 10
    assert Stage("planning").weeks_pregnant(TODAY) is None
