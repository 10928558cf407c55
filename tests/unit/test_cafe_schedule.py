"""When a café next meets: UK local times through the clock changes, closures skipped."""

from datetime import date, datetime, time, timezone

import pytest

from bot.cafes.schedule import (
    UK,
    Closure,
    WeeklySession,
    clock,
    describe_session,
    next_session,
)

TUESDAY_MORNING = WeeklySession(1, time(10), time(12))
THURSDAY_AFTERNOON = WeeklySession(3, time(13, 30), time(15))


def uk(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UK)


def test_a_session_later_today_is_next():
    now = uk(2026, 12, 1, 8, 0)  # a Tuesday
    assert next_session([TUESDAY_MORNING], [], now) == (uk(2026, 12, 1, 10), uk(2026, 12, 1, 12))


def test_a_session_under_way_still_counts_until_it_ends():
    sessions = [THURSDAY_AFTERNOON, TUESDAY_MORNING]
    assert next_session(sessions, [], uk(2026, 12, 1, 11, 59))[0] == uk(2026, 12, 1, 10)
    assert next_session(sessions, [], uk(2026, 12, 1, 12, 0))[0] == uk(2026, 12, 3, 13, 30)


def test_the_earliest_session_on_a_day_comes_first():
    sessions = [WeeklySession(1, time(14), time(15)), TUESDAY_MORNING]
    assert next_session(sessions, [], uk(2026, 12, 1, 7))[0] == uk(2026, 12, 1, 10)


def test_closures_are_skipped_first_and_last_day_included():
    christmas = Closure(date(2026, 12, 22), date(2027, 1, 5), "Christmas")
    start, _ = next_session([TUESDAY_MORNING], [christmas], uk(2026, 12, 20, 9))
    assert start == uk(2027, 1, 12, 10)
    one_day = Closure(date(2026, 12, 3), date(2026, 12, 3))
    start, _ = next_session([TUESDAY_MORNING, THURSDAY_AFTERNOON], [one_day], uk(2026, 12, 2))
    assert start == uk(2026, 12, 8, 10)


def test_ten_oclock_stays_ten_oclock_when_the_clocks_go_forward():
    # Clocks go forward on Sunday 28 March 2027.
    now = uk(2027, 3, 23, 13)  # Tuesday, GMT, after the session
    start, end = next_session([TUESDAY_MORNING], [], now)
    assert (start.date(), start.hour, end.hour) == (date(2027, 3, 30), 10, 12)
    assert start.utcoffset().total_seconds() == 3600
    assert start.astimezone(timezone.utc).hour == 9


def test_ten_oclock_stays_ten_oclock_when_the_clocks_go_back():
    # Clocks go back on Sunday 25 October 2026.
    monday = WeeklySession(0, time(10), time(12))
    start, _ = next_session([monday], [], uk(2026, 10, 19, 13))
    assert start == uk(2026, 10, 26, 10)
    assert start.utcoffset().total_seconds() == 0
    assert start.astimezone(timezone.utc).hour == 10


def test_now_in_another_timezone_is_read_as_the_same_instant():
    # 09:30 UTC in July is 10:30 in London: the 10:00 session is under way.
    now = datetime(2026, 7, 7, 9, 30, tzinfo=timezone.utc)
    assert next_session([TUESDAY_MORNING], [], now)[0] == uk(2026, 7, 7, 10)
    # 11:30 UTC is 12:30 in London: it has finished, so next week's.
    now = datetime(2026, 7, 7, 11, 30, tzinfo=timezone.utc)
    assert next_session([TUESDAY_MORNING], [], now)[0] == uk(2026, 7, 14, 10)


def test_nothing_in_the_next_eight_weeks_is_none():
    long_closure = Closure(date(2026, 12, 1), date(2027, 3, 1), "Venue rebuilt")
    assert next_session([TUESDAY_MORNING], [long_closure], uk(2026, 12, 1, 8)) is None
    assert next_session([], [], uk(2026, 12, 1, 8)) is None
    just_within = Closure(date(2026, 12, 1), date(2027, 1, 25))
    assert next_session([TUESDAY_MORNING], [just_within], uk(2026, 12, 1, 8))[0] == uk(
        2027, 1, 26, 10)


def test_now_must_carry_a_timezone():
    with pytest.raises(ValueError):
        next_session([TUESDAY_MORNING], [], datetime(2026, 12, 1, 8))


@pytest.mark.parametrize(("moment", "text"), [
    (time(10), "10am"), (time(13, 30), "1:30pm"), (time(12), "12pm"), (time(0, 5), "12:05am"),
])
def test_times_read_the_way_people_write_them(moment, text):
    assert clock(moment) == text


def test_a_session_is_described_by_how_soon_it_is():
    now = uk(2025, 12, 29, 9)  # Monday
    assert describe_session(uk(2025, 12, 29, 10), uk(2025, 12, 29, 12), now) == (
        "today 10am to 12pm")
    assert describe_session(uk(2025, 12, 30, 13, 30), uk(2025, 12, 30, 15), now) == (
        "tomorrow 1:30pm to 3pm")
    assert describe_session(uk(2026, 1, 1, 10), uk(2026, 1, 1, 12), now) == (
        "Thursday 10am to 12pm")
    assert describe_session(uk(2026, 1, 4, 10), uk(2026, 1, 4, 12), now) == (
        "Sunday 10am to 12pm")
    assert describe_session(uk(2026, 1, 6, 10), uk(2026, 1, 6, 12), now) == (
        "Tuesday 6 January 10am to 12pm")


def test_today_and_tomorrow_follow_the_uk_calendar_not_utc():
    session = (uk(2026, 7, 2, 10), uk(2026, 7, 2, 12))
    # 23:30 in London on 1 July (22:30 UTC): the session is tomorrow.
    assert describe_session(*session, uk(2026, 7, 1, 23, 30)).startswith("tomorrow")
    # 23:30 UTC on 1 July is already 00:30 on 2 July in London: the session is today.
    late = datetime(2026, 7, 1, 23, 30, tzinfo=timezone.utc)
    assert describe_session(*session, late).startswith("today")
