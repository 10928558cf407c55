"""When a café next meets, and how to say it in a text message.

Sessions are kept in UK local time: a group that meets at 10:00 on Tuesdays meets at 10:00 in
both winter (GMT) and summer (BST), so times are only turned into instants for a given day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
LOOKAHEAD_DAYS = 56  # eight weeks: further off than that is not worth telling a parent about
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class SessionTimes(Protocol):
    weekday: int
    starts_at: time
    ends_at: time


class ClosureDays(Protocol):
    first_day: date
    last_day: date


@dataclass(frozen=True)
class WeeklySession:
    """A session every week on `weekday` (0 Monday .. 6 Sunday), UK local times."""

    weekday: int
    starts_at: time
    ends_at: time


@dataclass(frozen=True)
class Closure:
    """Days the café does not meet, first and last day included."""

    first_day: date
    last_day: date
    reason: str | None = None


def _closed(day: date, closures: Iterable[ClosureDays]) -> bool:
    return any(closure.first_day <= day <= closure.last_day for closure in closures)


def next_session(
    sessions: Iterable[SessionTimes],
    closures: Iterable[ClosureDays],
    now: datetime,
) -> tuple[datetime, datetime] | None:
    """Start and end (UK local, aware) of the next session that has not finished yet.

    A session already under way counts: a parent can still drop in. None when nothing is on in
    the next eight weeks (every session falls in a closure, or the café lists none).
    """
    if now.tzinfo is None:
        raise ValueError("now must carry a timezone")
    weekly = sorted(sessions, key=lambda session: (session.weekday, session.starts_at))
    if not weekly:
        return None
    closures = list(closures)
    local_now = now.astimezone(UK)
    instant = now.astimezone(timezone.utc)
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = local_now.date() + timedelta(days=offset)
        todays = [session for session in weekly if session.weekday == day.weekday()]
        if not todays or _closed(day, closures):
            continue
        for session in todays:
            start = datetime.combine(day, session.starts_at, tzinfo=UK)
            end = datetime.combine(day, session.ends_at, tzinfo=UK)
            # Compared in UTC: aware times in one zone compare by wall clock in Python.
            if end.astimezone(timezone.utc) > instant:
                return start, end
    return None


def clock(moment: time | datetime) -> str:
    """'10am', '1:30pm', '12pm' for noon: how times are written in a text to a parent."""
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    if moment.minute:
        return f"{hour}:{moment.minute:02d}{suffix}"
    return f"{hour}{suffix}"


def describe_session(start: datetime, end: datetime, now: datetime) -> str:
    """'today 10am to 12pm', 'tomorrow ...', 'Thursday ...' within a week, else with the date."""
    start, end = start.astimezone(UK), end.astimezone(UK)
    days = (start.date() - now.astimezone(UK).date()).days
    if days == 0:
        day = "today"
    elif days == 1:
        day = "tomorrow"
    elif 2 <= days <= 6:
        day = WEEKDAYS[start.weekday()]
    else:
        day = f"{WEEKDAYS[start.weekday()]} {start.day} {start:%B}"
    return f"{day} {clock(start)} to {clock(end)}"
