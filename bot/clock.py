"""The service's idea of 'today': UK local time, not the server's timezone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def local_today(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()


def long_date(day: date) -> str:
    """'14 March 2027': plain and unambiguous in a text message."""
    return f"{day.day} {day:%B %Y}"
