"""When to offer a mood check-in unasked (rules and moments in `schedule.yml`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SCHEDULE_FILE = Path(__file__).resolve().parent / "schedule.yml"


@cache
def schedule() -> dict[str, Any]:
    return yaml.safe_load(SCHEDULE_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Parent:
    """What the offer rules need to know about a person."""

    due_date: date | None
    birth_date: date | None
    opted_out: bool
    offered: frozenset[str]  # moments already offered
    last_offer_at: datetime | None  # local time


def moment_on(day: date, due_date: date | None, birth_date: date | None) -> str | None:
    """The Healthy Child Programme moment open on this day, if any."""
    anchors = {"due_date": due_date, "birth_date": birth_date}
    for moment in schedule()["moments"]:
        anchor = anchors[moment["anchor"]]
        if anchor is None or (moment["anchor"] == "due_date" and birth_date is not None):
            continue
        if moment["from_day"] <= (day - anchor).days <= moment["to_day"]:
            return moment["id"]
    return None


def in_quiet_hours(moment: time) -> bool:
    quiet = schedule()["quiet_hours"]
    start, end = time.fromisoformat(quiet["start"]), time.fromisoformat(quiet["end"])
    return moment >= start or moment < end if start > end else start <= moment < end


def offer_due(parent: Parent, now_local: datetime) -> str | None:
    """The moment to offer a check-in for now, or None."""
    if parent.opted_out or in_quiet_hours(now_local.time()):
        return None
    gap = timedelta(days=schedule()["min_days_between_offers"])
    if parent.last_offer_at is not None and now_local - parent.last_offer_at < gap:
        return None
    moment = moment_on(now_local.date(), parent.due_date, parent.birth_date)
    return None if moment in parent.offered else moment
