"""Reading dates the way UK parents text them: "3/3", "3rd March", "yesterday", "on Monday".

Day first, always. A day and month without a year is the most recent one already past. A reader
that cannot place a date says so instead of guessing, so the assistant asks again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tues", "tue"),
            ("wednesday", "weds", "wed"),
            ("thursday", "thurs", "thur", "thu"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}
# Short names that are also everyday words ("she sat up", "in the sun") count as a weekday only
# after "on" or "last".
_EVERYDAY_WORD_WEEKDAYS = frozenset({"mon", "wed", "sat", "sun"})
# A day and month read without a year carry this leap year, so 29 February is kept.
PLACEHOLDER_YEAR = 2000


def _alternatives(names: dict[str, int]) -> str:
    return "|".join(sorted(names, key=len, reverse=True))


_MONTH = rf"({_alternatives(MONTHS)})\.?"
_ORD = r"(?:st|nd|rd|th)?"

_ISO = re.compile(r"\b(\d{4})[-/](\d{1,2})[-/](\d{1,2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})([/.\-])(\d{1,2})(?:[/.\-](\d{2}|\d{4}))?\b")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MONTH}(?:,?\s+(\d{{4}}))?\b")
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}}){_ORD}(?:,?\s+(\d{{4}}))?\b")

_ON = re.compile(r"\bon\s+(?:the\s+)?$")

_TODAY = r"today|2day|tonight|tonite|2nite|this\s+(?:morning|afternoon|evening)"
_YESTERDAY = r"yesterday|yday|last\s+night"
_TOMORROW = r"tomorrow|tmrw|tmr|2moro|2morrow|tomoz"
TODAY_WORDS = re.compile(rf"\b(?:{_TODAY})\b", re.I)
YESTERDAY_WORDS = re.compile(rf"\b(?<!before\s)(?:{_YESTERDAY})\b", re.I)
# Group names are how many days back the words mean.
_RELATIVE = re.compile(
    rf"\b(?:(?P<two>(?:the\s+)?day\s+before\s+yesterday)|(?P<one>{_YESTERDAY})"
    rf"|(?P<zero>{_TODAY})|(?P<ahead>{_TOMORROW}))\b"
)
_DAYS_BACK = {"two": 2, "one": 1, "zero": 0, "ahead": -1}
_AGO = re.compile(rf"\b(\d{{1,2}}|{_alternatives(NUMBER_WORDS)})\s+(days?|weeks?)\s+ago\b")
_WEEKDAY = re.compile(
    rf"\b(?:(last)\s+|(on|this|this\s+past|past)\s+)?({_alternatives(WEEKDAYS)})\b"
)
# Cheap checks that spare most messages the slower patterns.
_DIGIT = re.compile(r"\d")
_MONTH_STEMS = tuple(sorted({name[:3] for name in MONTHS}))
_WEEKDAY_STEMS = tuple(sorted({name[:3] for name in WEEKDAYS}))
_VAGUE_STEMS = ("week", "month", "fortnight", "ago", "back", "other day")
# Date words that do not name one day: the assistant asks which day it was.
_VAGUE = re.compile(
    r"\b(?:(?:last|this|past)\s+(?:week|weekend|month|fortnight)"
    r"|(?:at\s+)?the\s+weekend"
    r"|(?:a\s+)?(?:few|couple(?:\s+of)?)\s+(?:days|weeks)\s+(?:ago|back)"
    r"|the\s+other\s+day"
    r"|(?:in|on|during|since|early|mid|late|end\s+of|start\s+of|beginning\s+of)\s+(?:the\s+)?"
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december))\b"
)


@dataclass(frozen=True)
class WrittenDate:
    """A date as written: the year is None when it was left out; the day may not exist."""

    year: int | None
    month: int
    day: int
    start: int
    end: int

    def placeholder_date(self) -> date | None:
        """The date, with PLACEHOLDER_YEAR standing in for a missing year; None if impossible."""
        try:
            return date(self.year or PLACEHOLDER_YEAR, self.month, self.day)
        except ValueError:
            return None


@dataclass(frozen=True)
class DateReading:
    """What a message says about when something happened.

    `found` is False when the text has no date words at all (the caller uses today). `day` is
    kept for a date in the future or too long ago, so the reply can quote it back.
    """

    day: date | None
    found: bool
    problem: str | None = None
    spans: tuple[tuple[int, int], ...] = ()


def find_dates(text: str, strict: bool = False) -> list[WrittenDate]:
    """Every written date, ISO first, then day-first numbers, then dates with a month name.

    With `strict`, a day and month joined by "." or "-" need a year or "on" before them: among
    measurements "7.4" is a weight and "14-3" is 14lb 3oz, but "on 3.3" is 3 March.
    """
    found: list[WrittenDate] = []
    taken: list[tuple[int, int]] = []
    if not _DIGIT.search(text):
        return found
    text = lower_same_length(text)

    def add(year_raw: str | None, month_raw: str, day_raw: str, span: tuple[int, int]) -> None:
        if any(start < span[1] and span[0] < end for start, end in taken):
            return
        month = MONTHS[month_raw] if month_raw.isalpha() else int(month_raw)
        year = int(year_raw) if year_raw else None
        if year is not None and year < 100:
            year += 2000
        taken.append(span)
        found.append(WrittenDate(year, month, int(day_raw), span[0], span[1]))

    for match in _ISO.finditer(text):
        add(match.group(1), match.group(2), match.group(3), match.span())
    for match in _NUMERIC.finditer(text):
        day_raw, separator, month_raw, year_raw = match.groups()
        if strict and separator != "/" and not year_raw and not _ON.search(text, 0, match.start()):
            continue
        add(year_raw, month_raw, day_raw, match.span())
    if not _mentions(text, _MONTH_STEMS):
        return found
    for match in _DAY_MONTH.finditer(text):
        add(match.group(3), match.group(2).rstrip("."), match.group(1), match.span())
    for match in _MONTH_DAY.finditer(text):
        add(match.group(3), match.group(1).rstrip("."), match.group(2), match.span())
    return found


def _mentions(lower_text: str, stems: tuple[str, ...]) -> bool:
    return any(stem in lower_text for stem in stems)


def explicit_date(text: str, strict: bool = False) -> tuple[date | None, bool]:
    """The first written date and whether its year was given.

    Without a year the date carries PLACEHOLDER_YEAR for the caller to place. An impossible
    date ("31/02") gives (None, False), as does a text without one.
    """
    written = find_dates(text, strict)
    if not written:
        return None, False
    day = written[0].placeholder_date()
    if day is None:
        return None, False
    return day, written[0].year is not None


def most_recent(month: int, day: int, today: date) -> date | None:
    """The latest `day` of `month` on or before today; None when there is no such day."""
    for year in range(today.year, today.year - 8, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    return None


def weekday_before(weekday: int, today: date, strictly: bool) -> date:
    """The most recent given weekday: today counts unless `strictly` ("last Monday")."""
    back = (today.weekday() - weekday) % 7
    if strictly and back == 0:
        back = 7
    return today - timedelta(days=back)


def read_past_date(
    text: str, today: date, max_days_back: int = 3 * 366, strict: bool = False
) -> DateReading:
    """When something already happened, read from a message.

    Several date words must agree ("yesterday, Monday 23rd" is fine); a vague one ("last
    week", "in March") or an impossible one ("31/2") is unclear_date.
    """
    days: set[date] = set()
    spans: list[tuple[int, int]] = []
    unclear = False

    for written in find_dates(text, strict):
        spans.append((written.start, written.end))
        if written.year is None:
            day = most_recent(written.month, written.day, today)
        else:
            day = written.placeholder_date()
        if day is None:
            unclear = True
        else:
            days.add(day)
    masked = blank(lower_same_length(text), spans)

    for match in _RELATIVE.finditer(masked):
        spans.append(match.span())
        days.add(today - timedelta(days=_DAYS_BACK[str(match.lastgroup)]))
    if "ago" in masked:
        for match in _AGO.finditer(masked):
            spans.append(match.span())
            count_raw, unit = match.group(1), match.group(2)
            count = int(count_raw) if count_raw.isdigit() else NUMBER_WORDS[count_raw]
            days.add(today - timedelta(days=count * (7 if unit.startswith("week") else 1)))
    if _mentions(masked, _WEEKDAY_STEMS):
        for match in _WEEKDAY.finditer(masked):
            last, on, name = match.group(1), match.group(2), match.group(3)
            if name in _EVERYDAY_WORD_WEEKDAYS and not (last or on):
                continue
            spans.append(match.span())
            days.add(weekday_before(WEEKDAYS[name], today, strictly=bool(last)))
    if _mentions(masked, _VAGUE_STEMS) or _mentions(masked, _MONTH_STEMS):
        masked = blank(masked, spans)
        for match in _VAGUE.finditer(masked):
            spans.append(match.span())
            unclear = True

    if not spans:
        return DateReading(None, False)
    found_spans = tuple(sorted(spans))
    if unclear or len(days) != 1:
        return DateReading(None, True, "unclear_date", found_spans)
    (day,) = days
    if day > today:
        return DateReading(day, True, "future_date", found_spans)
    if (today - day).days > max_days_back:
        return DateReading(day, True, "too_old", found_spans)
    return DateReading(day, True, None, found_spans)


def lower_same_length(text: str) -> str:
    """The text in lower case with every character in its place, so spans found in one fit
    the other (a few letters, like "İ", grow when lowered and are left as they are)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(char.lower() if len(char.lower()) == 1 else char for char in text)


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with the spans replaced by spaces: what one reader has taken is hidden from
    the next, and positions still line up."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text
