"""The service's idea of 'today': UK local time, not the server's timezone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def local_today(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()


def long_date(day: date) -> str:
    """'14 March 2027': plain and unambiguous in a text message."""
    return f"{day.day} {day:%B %Y}"


def local_time(moment: datetime, timezone: str) -> datetime:
    """A stored moment (naive UTC) as the wall-clock time in the service's timezone."""
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(timezone))


def short_datetime(moment: datetime | None, timezone: str) -> str:
    """'Tue 24 Nov 2026, 09:05' in UK local time, for staff pages; '' for no moment."""
    if moment is None:
        return ""
    local = local_time(moment, timezone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"
