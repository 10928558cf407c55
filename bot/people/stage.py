"""Where someone is in the first 1,000 days: planning, pregnant (due date) or a baby (birth date).

Parents answer in their own words: "due 14/03/2027", "I'm 20 weeks", "born 3rd Oct",
"she's 6 weeks old", "we're trying". Dates are UK style (day first). Anything unclear returns
None so the assistant asks again rather than guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.dates import TODAY_WORDS, YESTERDAY_WORDS, explicit_date

PREGNANCY_DAYS = 280
# A due date may be up to 42 weeks ahead; a baby is in scope until 1,000 days after conception
# (about the second birthday), with a little slack so a late reply is not refused.
MAX_DAYS_AHEAD = 42 * 7
MAX_BABY_AGE_DAYS = 2 * 366 + 31
# A due date that has just passed is still a pregnancy (babies come up to 2 weeks late).
OVERDUE_GRACE_DAYS = 14

_WEEKS_PREGNANT = re.compile(
    r"\b(\d{1,2})\s*(?:\+\s*\d\s*)?(?:weeks?|wks?|w)\b(?!\s*old)"
    r"|\bweek\s+(\d{1,2})\b",
    re.I,
)
_AGE = re.compile(r"\b(\d{1,2})\s*(days?|weeks?|wks?|months?|mths?)\s*old\b", re.I)
_PLANNING = re.compile(
    r"\b(planning|trying|ttc|not\s+(?:yet\s+)?pregnant|thinking\s+about|want(?:ing)?\s+a\s+baby)\b",
    re.I,
)
_BORN_WORDS = re.compile(r"\b(born|birth|arrived|had\s+(?:her|him|them|my|the)|dob|old)\b", re.I)
_DUE_WORDS = re.compile(r"\b(due|edd|expect|pregnant|weeks?)\b", re.I)


@dataclass(frozen=True)
class Stage:
    """One of: planning (no date), pregnant (due_date), baby (birth_date)."""

    kind: str
    due_date: date | None = None
    birth_date: date | None = None

    def weeks_pregnant(self, today: date) -> int | None:
        if self.kind != "pregnant" or self.due_date is None:
            return None
        return max(0, (PREGNANCY_DAYS - (self.due_date - today).days) // 7)

    def baby_age_days(self, today: date) -> int | None:
        if self.kind != "baby" or self.birth_date is None:
            return None
        return (today - self.birth_date).days


def _place_in_year(day: date, today: date, prefer_past: bool | None) -> date | None:
    """Choose the year for a day and month given without one."""
    candidates = []
    for year in (today.year - 2, today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(day.replace(year=year))
        except ValueError:
            continue
    future = [c for c in candidates if today < c <= today + timedelta(days=MAX_DAYS_AHEAD)]
    past = [c for c in candidates if today - timedelta(days=MAX_BABY_AGE_DAYS) <= c <= today]
    if prefer_past is True:
        return max(past) if past else None
    if prefer_past is False:
        return min(future) if future else None
    if future:
        return min(future)
    return max(past) if past else None


def parse_stage(text: str, today: date) -> Stage | None:
    """Read a stage from a free-text answer, or None when it is unclear or out of range."""
    text = (text or "").strip()
    if not text:
        return None
    if _PLANNING.search(text):
        return Stage("planning")

    age = _AGE.search(text)
    if age:
        number, unit = int(age.group(1)), age.group(2).lower()
        days = number * (30 if unit.startswith("m") else 7 if unit.startswith("w") else 1)
        return _checked(Stage("baby", birth_date=today - timedelta(days=days)), today)

    born_hint = bool(_BORN_WORDS.search(text))
    due_hint = bool(_DUE_WORDS.search(text))
    prefer_past: bool | None = None
    if born_hint != due_hint:
        prefer_past = born_hint

    if TODAY_WORDS.search(text) and born_hint:
        return Stage("baby", birth_date=today)
    if YESTERDAY_WORDS.search(text) and born_hint:
        return Stage("baby", birth_date=today - timedelta(days=1))

    day, has_year = explicit_date(text)
    if day is not None:
        if not has_year:
            day = _place_in_year(day, today, prefer_past)
            if day is None:
                return None
        if day > today - timedelta(days=OVERDUE_GRACE_DAYS) and not (born_hint and day <= today):
            return _checked(Stage("pregnant", due_date=day), today)
        return _checked(Stage("baby", birth_date=day), today)

    weeks = _WEEKS_PREGNANT.search(text)
    if weeks and not born_hint:
        number = int(weeks.group(1) or weeks.group(2))
        if 1 <= number <= 42:
            return Stage("pregnant", due_date=today + timedelta(days=PREGNANCY_DAYS - number * 7))
    return None


def _checked(stage: Stage, today: date) -> Stage | None:
    """Refuse dates outside the first 1,000 days (a typo, or a child past the service)."""
    if stage.kind == "pregnant":
        assert stage.due_date is not None
        ahead = (stage.due_date - today).days
        return stage if -OVERDUE_GRACE_DAYS <= ahead <= MAX_DAYS_AHEAD else None
    if stage.kind == "baby":
        assert stage.birth_date is not None
        age = (today - stage.birth_date).days
        return stage if 0 <= age <= MAX_BABY_AGE_DAYS else None
    return stage
