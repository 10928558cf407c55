"""Reading a child's weight or length, and the answers around it, from a parent's text.

Parents text things like "Ava weighed 7.4 kg today", "14lb 3oz at clinic", "ben was 7,4kg
yesterday at the baby clinic" or "Length 61.5 cm and weight 6.2kg on 3/3". A measurement goes on
a centile chart and can prompt a call from the health visitor, so the reader never guesses:

- A number without a unit is never given one ("she's 7.4 now" may be kg or lb, "14-3" may be
  14lb 3oz): the assistant asks, and `read_unit_answer` reads the reply.
- Two different weights (or lengths), an impossible number ("7..4kg", "14lb 16oz", "2ft 14in",
  nought, or a size no young child has) or a date that cannot be placed comes back as a
  `problem`, and nothing from that message is recorded until the parent has answered.
- Numbers that are ages, counts, temperatures, times, feed volumes, gains or dates are not
  measurements: "6 months old", "2 nappies", "38C", "at 10am", "6oz bottles", "up 200g", "3/3".
  Ounces alone are a feed, not a baby's weight, so "20oz" is a bad number.
- The same weight written twice in different units ("7.4kg (16lb 5oz)") is one weight.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from bot.dates import NUMBER_WORDS, blank, lower_same_length, read_past_date

WEIGHT, LENGTH = "weight", "length"  # LENGTH covers length and height

PROBLEMS = (
    "no_number",
    "bad_number",
    "several_values",
    "no_unit",
    "unclear_date",
    "future_date",
    "too_old",
    "which_child",
)

KG_PER_LB = 0.45359237
KG_PER_OZ = KG_PER_LB / 16
CM_PER_INCH = 2.54
CM_PER_FOOT = 12 * CM_PER_INCH
# A measurement taken more than about three years ago is outside the first 1,000 days.
MAX_DAYS_BACK = 3 * 366
# No child under five is outside these: the wrong unit, a typo or an adult's weight.
PLAUSIBLE = {WEIGHT: (0.25, 35.0), LENGTH: (15.0, 130.0)}


@dataclass(frozen=True)
class Quantity:
    kind: str  # WEIGHT (value in kg) or LENGTH (value in cm)
    value: float  # kg rounded to 3 dp; cm rounded to 1 dp
    written: str  # the words it was read from, e.g. "14lb 3oz"


@dataclass(frozen=True)
class Reading:
    """What one message says about a measurement; `problem` is None when it is complete.

    `quantities` are kept with a date, child or missing-unit problem, so the assistant can ask
    just that and then record them; with no_number, bad_number or several_values they are
    empty. `observed_on` is kept with future_date and too_old, so the reply can quote it.
    """

    quantities: tuple[Quantity, ...]  # at most one weight and one length, in the order written
    observed_on: date | None  # None when the message gave no date (the caller uses today)
    child: str | None  # one of the `children` names passed in (their spelling), or None
    source: str | None  # "clinic" or "home" or None
    problem: str | None  # see PROBLEMS
    bare_number: float | None = None  # the number written without a unit (problem "no_unit")
    kind_hint: str | None = None  # WEIGHT or LENGTH when the words say which


# Units: the kind they measure, their size in kg or cm, and how parents write them.
_UNITS: dict[str, tuple[str, float, str]] = {
    "kg": (WEIGHT, 1.0, r"kilo\s?gram(?:me)?s?|kilos?|kgs?"),
    "g": (WEIGHT, 0.001, r"grammes?|grams?|gms?|gs|g"),
    "lb": (WEIGHT, KG_PER_LB, r"pounds?|lbs?|ibs?"),
    "oz": (WEIGHT, KG_PER_OZ, r"ounces?|ozs?"),
    "st": (WEIGHT, 14 * KG_PER_LB, r"stones?"),
    "cm": (LENGTH, 1.0, r"centimet(?:re|er)s?|cms?"),
    "mm": (LENGTH, 0.1, r"millimet(?:re|er)s?|mms?"),
    "m": (LENGTH, 100.0, r"met(?:re|er)s?|mtrs?|m"),
    "ft": (LENGTH, CM_PER_FOOT, r"feet|foot|ft"),
    "inch": (LENGTH, CM_PER_INCH, r"inch(?:es)?|\"|''"),
}
_END = r"(?![a-z])"
# What may follow a number whose unit is left out after a larger one ("14lbs 3", "2 foot 1"):
# the end, punctuation or a few joining words, never another unit or "days".
_IMPLIED = (
    r"(?=\s*(?:$|[!?,;:)\]]|\.(?!\d)|[^\x00-\x7f]"
    r"|(?:at|on|in|and|today|tonight|yesterday|this|last|now|x+|please|pls|thanks|thx|ta"
    r"|i|we|she|he|hv|from|with|by|when|after|before)(?![a-z])))"
)
# "in" is an inch only where it cannot be the preposition: "25in", "2ft 1 in", "25 in long".
_INCH_IN = (
    r"ins?(?=\s*(?:$|[!?,;:)\]]|\.(?!\d)|[^\x00-\x7f]"
    r"|(?:long|tall|and|at|on|today|tonight|yesterday|now|this|last|from|x+)(?![a-z])))"
)
_FRACTIONS = {
    "½": 0.5, "¼": 0.25, "¾": 0.75, "half": 0.5, "quarter": 0.25, "1/2": 0.5, "1/4": 0.25,
    "3/4": 0.75,
}


def _number(name: str, lead: bool = True) -> str:
    before = r"(?<![\w.,])" if lead else ""
    return (
        rf"{before}(?P<{name}>\d+(?:[.,]\d+)?)"
        rf"(?P<{name}f>\s*[½¼¾]|\s+and\s+a\s+(?:half|quarter)|\s+[13]/[24])?"
    )


def _compile(pattern: str) -> re.Pattern[str]:
    """Patterns are matched against lower-case text: much faster than ignoring case."""
    return re.compile(pattern)


_SEP = r"\s*(?:and\s+|&\s*|,\s*|-\s*)?"
_LB, _OZ = _UNITS["lb"][2], _UNITS["oz"][2]
_INCHES = rf"{_UNITS['inch'][2]}|ins?"
# Larger and smaller units written together, read before single units: the big unit, its
# words, what follows the second number, the small unit and the limit of the small number.
_PAIR_PATTERNS = (
    ("st", rf"(?:stones?|st){_END}", rf"\s*(?:{_LB}){_END}", "lb", 14),
    ("st", rf"stones?{_END}", _IMPLIED, "lb", 14),
    ("lb", rf"(?:{_LB}){_END}", rf"(?:\s*(?:{_OZ}){_END}|{_IMPLIED})", "oz", 16),
    ("ft", rf"(?:feet|foot|ft|'){_END}", rf"(?:\s*(?:{_INCHES}){_END}|{_IMPLIED})", "inch", 12),
)
_PAIRS = tuple(
    (
        _compile(rf"{_number('a')}\s*{big_words}{_SEP}{_number('b', False)}{small_words}"),
        big,
        small,
        limit,
    )
    for big, big_words, small_words, small, limit in _PAIR_PATTERNS
)
_GROUPED_GRAMS = _compile(
    rf"(?<![\w.,])(?P<a>\d{{1,2}}(?:,\d{{3}}|\s\d{{3}}))\s*(?:{_UNITS['g'][2]}){_END}"
)
_SINGLE = _compile(
    _number("a")
    + r"\s*(?:"
    + "|".join(
        rf"(?P<{unit}>{_INCH_IN}|{words})" if unit == "inch" else rf"(?P<{unit}>{words})"
        for unit, (_kind, _size, words) in _UNITS.items()
    )
    + rf"){_END}"
)

# Quantities that are not a measurement of the child now: a gain or loss, an earlier figure
# ("up from 7.1kg"), a head size, a feed.
_CHANGE_BEFORE = _compile(
    r"(?:\b(?:up|down|gained|gain(?:ed)?\s+of|put\s+on|putting\s+on|lost|dropped|increase\s+of"
    r"|grew|grown|from|head(?:\s+circ(?:umference)?)?|hc|circumference)"
    r"\s*(?:by\s+|of\s+|is\s+|was\s+|from\s+|:\s*|=\s*)?"
    r"(?:about\s+|around\s+|roughly\s+|nearly\s+)?)$"
)
_CHANGE_AFTER = _compile(
    r"\s*(?:more|less|gain(?:ed)?|heavier|lighter|longer|taller|shorter|increase)\b"
)
_FEED_BEFORE = _compile(
    r"\b(?:drinks?|drinking|drank|takes?|taking|took|having|has|had|feeds?|bottles?\s+of)\s*$"
)
_FEED_AFTER = _compile(
    r"\s*(?:bottles?|feeds?|of\s+(?:milk|formula)|milk|formula|each|per|a\s+feed)\b"
)
# "7.4 kg or lb?": the unit is in doubt, so the number is read as having none.
_ANY_UNIT = "|".join(words for _kind, _size, words in _UNITS.values())
_UNIT_IN_DOUBT = _compile(rf"\s*(?:or|/)\s*(?:{_ANY_UNIT}){_END}")
_NEGATIVE_BEFORE = _compile(r"(?:^|[\s(:=])(?:-|−|minus\s*)\s*$")

_TIME = _compile(
    r"(?<![\w.,])\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)(?![a-z])"
    r"|(?<![\w.,])\d{1,2}:\d{2}(?!\d)"
    r"|(?<![\w.,])\d{1,2}\s*o'?clock\b"
)
_MALFORMED = _compile(r"\d[.,]{2,}\d|\d+(?:[.,]\d+){2,}")
_BARE = _compile(r"(?<![\w.,])\d+(?:[.,]\d+)?(?!\d)")
# Words after a number that make it an age, a count, a time, a temperature or a volume.
_NOT_A_MEASURE_AFTER = _compile(
    r"\s*(?:%|°|º|℃|℉|\+\s*\d|"
    r"(?:st|nd|rd|th|degrees?|degs?|c|f|celsius|per\s*cent|(?:th\s+)?(?:per)?centiles?"
    r"|days?|d|weeks?|wks?|wk|w|months?|mths?|mnths?|mnth|mos?|mo|m|years?|yrs?|yr|y|yo"
    r"|hours?|hrs?|hr|h|minutes?|mins?|seconds?|secs?|am|pm"
    r"|ml|mls|l|lit(?:re|er)s?|millilit(?:re|er)s?"
    r"|nappies|nappy|nappys|feeds?|bottles?|times?|kids?|children|child|babies|baby|boys?"
    r"|girls?|twins|teeth|tooth|wet|dirty|poos?|wees?|naps?|sleeps?|jabs?|vaccines?)(?![a-z]))"
)
_NOT_A_MEASURE_BEFORE = _compile(
    r"(?:\bborn\s+(?:at|@)|\bweek|\bwk|\bday|\bage|\baged|\btemp(?:erature)?(?:\s+(?:of|is|was))?"
    r"|\broom|\bbed|\bno\.?|\bnumber|\btwin|\bsize|\bgestation|\bcentile|\bpercentile"
    r"|[£$€#+])\s*$"
)
_JOINER = _compile(r"\s*(?:(or|to|or\s+maybe|or\s+possibly|maybe)|[-–~/])\s*")

_WEIGHT_WORDS = _compile(
    r"\b(?:weigh(?:s|ed|ing|d)?|weight|wieght|weigth|wieghed|weighted|wt|heavy|heavier|scales?)\b"
)
_LENGTH_WORDS = _compile(
    r"\b(?:long|longer|length|lenght|tall|taller|height|hight|measured|measures|measure"
    r"|measuring)\b"
)
_CLINIC = _compile(
    r"\b(?:clinics?|gp|gps|surgery|doctors?|dr|health\s*visitors?|hvs?|pharmacy|pharmacist"
    r"|chemists?|hospital|hosp|nicu|scbu|neonatal|a\s*&\s*e|weigh[\s-]?ins?"
    r"|children'?s\s+cent(?:re|er)|family\s+hub|midwi(?:fe|ves)|nurse|red\s+book"
    r"|\d+\s*-?\s*(?:day|week|wk|month|mth|year)\s+(?:check|review))\b"
)
# Our own scales are surely home; "at home" or "I weighed" give way to a clinic word, since a
# health visitor weighs at home too and parents weigh at drop-in clinics.
_HOME_SCALES = _compile(
    r"\b(?:home\s+scales|(?:our|my|own|bathroom)\s+scales|weighed\s+(?:her|him|them)\s+"
    r"(?:myself|ourselves))\b"
)
_HOME = _compile(r"\b(?:at\s+home|(?:i|we)\s+weighed|(?:i|we)'ve\s+weighed)\b")


@dataclass(frozen=True)
class _Found:
    """A number with a unit; `kind` None when it is not a measurement of the child."""

    start: int
    end: int
    kind: str | None
    value: float = 0.0  # kg or cm, not rounded
    resolution: float = 0.0  # half the last written digit, in kg or cm
    unit: str = ""
    bad: bool = False


def read_measurement(text: str, today: date, children: Sequence[str] = ()) -> Reading:
    """A weight and/or length from a parent's message, or what is missing or wrong with it."""
    text = _normalise(text)
    lower = lower_same_length(text)
    found, work = _quantities(lower)
    work = blank(work, [match.span() for match in _TIME.finditer(work)])
    dating = read_past_date(work, today, MAX_DAYS_BACK, strict=True)
    work = blank(work, list(dating.spans))
    malformed = bool(_MALFORMED.search(work))
    work = blank(work, [match.span() for match in _MALFORMED.finditer(work)])
    bare = [
        match
        for match in _BARE.finditer(work)
        if not _NOT_A_MEASURE_AFTER.match(work, match.end())
        and not _just_before(_NOT_A_MEASURE_BEFORE, work, match.start())
    ]

    measures = [item for item in found if item.kind is not None]
    checked = [_plausible(item) for item in measures]
    good = [item for item in checked if not item.bad]
    quantities = _distinct(good, text)
    given = {quantity.kind for quantity in quantities}
    several = len(given) < len(quantities) or _joined(checked, bare, lower)

    problems: list[str] = []
    if not measures and not bare and not malformed:
        problems.append("no_number")
    if malformed or any(item.bad for item in checked):
        problems.append("bad_number")
    if several:
        problems.append("several_values")
    if bare:
        problems.append("no_unit")
    if dating.problem:
        problems.append(dating.problem)
    child, unsure_child = _child(lower, children)
    if unsure_child:
        problems.append("which_child")
    problem = min(problems, key=PROBLEMS.index) if problems else None

    if problem in ("no_number", "bad_number", "several_values"):
        quantities = []
    bare_number = _to_float(bare[0].group()) if problem == "no_unit" and len(bare) == 1 else None
    bare_start = bare[0].start() if len(bare) == 1 else None
    return Reading(
        quantities=tuple(quantities),
        observed_on=dating.day,
        child=child,
        source=_source(lower),
        problem=problem,
        bare_number=bare_number,
        kind_hint=_kind_hint(lower, bare_start, given),
    )


def read_unit_answer(text: str, number: float, kind_hint: str | None = None) -> Quantity | None:
    """The reply to "Was that kg or lb?": the unit alone, applied to the number already given.

    A reply with a whole measurement ("7.4kg") gives that. "metric" or "imperial" is read with
    `kind_hint`; a unit of the other kind, two units, a negation or another number is unclear.
    """
    text = _normalise(text)
    lower = lower_same_length(text)
    found, work = _quantities(lower)
    measures = [item for item in found if item.kind is not None]
    if measures:
        if len(measures) != 1:
            return None
        item = _plausible(measures[0])
        if item.bad or (kind_hint and item.kind != kind_hint):
            return None
        return _quantity(item, text)
    if _NEGATION.search(lower):
        return None
    if any(_to_float(match.group()) != number for match in _BARE.finditer(work)):
        return None
    units = {match.lastgroup for match in _UNIT_ANSWER.finditer(lower)}
    if len(units) > 1:
        units.discard("inch")  # "in grams": "in" there is the preposition
    if len(units) != 1:
        return None
    (unit,) = units
    if unit in _NOT_AN_ANSWER_UNIT:
        return None
    if unit in _SYSTEMS:
        if kind_hint is None:
            return None
        unit = _SYSTEMS[unit][kind_hint]
    kind, size, _words = _UNITS[unit]
    if kind_hint and kind != kind_hint:
        return None
    item = _plausible(_Found(0, 0, kind, number * size, unit=unit))
    if item.bad:
        return None
    written = unit if unit != "inch" else "in"
    return Quantity(kind, _rounded(kind, item.value), f"{number:g} {written}")


def read_weight(text: str) -> Quantity | None:
    """A weight written with its unit ("7lb 2oz", "3.2kg", "3200g", "7 pounds 2"), or None.

    Only the number is checked here (more than nought, ounces under 16); whether it is a
    likely birth weight is the caller's question.
    """
    text = _normalise(text)
    found, _work = _quantities(lower_same_length(text))
    weights = [item for item in found if item.kind == WEIGHT]
    if not weights or any(item.bad for item in weights):
        return None
    distinct = _distinct(weights, text)
    if len(distinct) != 1:
        return None
    return distinct[0]


_WEEKS = r"(?:weeks?|wks?|wk|w)"
_DAYS = r"(?:days?|dys?|d)"
_COUNT = rf"(\d{{1,2}}|(?:{'|'.join(NUMBER_WORDS)})(?=\s))"
_GESTATION = _compile(
    rf"(?<![\w.])(\d{{1,2}})\s*(?:\+\s*(\d{{1,2}})(?!\d)|{_WEEKS}{_END}"
    rf"(?:\s*(?:and|&|,|\+)?\s*(\d{{1,2}})\s*{_DAYS}{_END})?)"
)
_GESTATION_ONLY_NUMBER = _compile(r"^\s*(\d{1,2})\s*[.!]*\s*$")
_EARLY_OR_LATE = _compile(
    rf"\b(?:{_COUNT}\s*({_WEEKS}|{_DAYS}){_END}(?:\s*(?:and|&|,)\s*{_COUNT}\s*{_DAYS}{_END})?"
    r"|(a\s+fortnight|fortnight))\s*"
    r"(early|premature|prem|preterm|too\s+soon|before|late|overdue|after|past)\b"
)
_TERM = _compile(
    r"\b(?:on\s+time|bang\s+on|full[\s-]?term|term|due\s+date|on\s+the\s+day)\b"
)
_UNSURE = _compile(
    r"\b(?:not|dont|dunno|idk|unsure|unknown|no\s+idea|can'?t\s+remember|forget|forgot)\b|n't\b"
)


def read_gestation(text: str) -> tuple[int, int] | None:
    """Weeks and days of pregnancy at birth: "34+2", "34 weeks", "3 weeks early", "on time"."""
    text = _normalise(text).lower()
    readings: set[int] = set()
    relative: set[int] = set()
    for match in _EARLY_OR_LATE.finditer(text):
        count_raw, unit, extra_raw, fortnight, direction = match.groups()
        if fortnight:
            days = 14
        else:
            days = _count(count_raw) * (7 if unit.startswith("w") else 1)
            days += _count(extra_raw) if extra_raw else 0
        late = direction in ("late", "overdue", "after", "past")
        relative.add(280 + days if late else 280 - days)
    text = blank(text, [match.span() for match in _EARLY_OR_LATE.finditer(text)])
    for match in _GESTATION.finditer(text):
        weeks, days = int(match.group(1)), int(match.group(2) or match.group(3) or 0)
        if days > 6:
            return None
        readings.add(weeks * 7 + days)
    only_number = _GESTATION_ONLY_NUMBER.match(text)
    if only_number:
        readings.add(int(only_number.group(1)) * 7)
    if not readings:
        if _UNSURE.search(text):
            return None
        readings = relative or ({280} if _TERM.search(text) else set())
    if len(readings) != 1:
        return None
    (total,) = readings
    weeks, days = divmod(total, 7)
    return (weeks, days) if 22 <= weeks <= 44 else None


_MALE_WORDS = frozenset({"boy", "boi", "son", "male", "lad"})
_FEMALE_WORDS = frozenset({"girl", "gurl", "daughter", "female", "lass"})
_SEX_UNSURE = _compile(
    r"\b(?:not|dont|dunno|idk|unsure|unknown|other|prefer|rather|non\s*-?\s*binary|intersex"
    r"|either|neither|both|twins|or|yet)\b|n't\b"
)


def read_sex(text: str) -> str | None:
    """The sex from "boy", "baby girl", "he's a boy", "F": "male" or "female"; None if unsure."""
    text = _normalise(text).lower()
    words = re.findall(r"[a-z]+", text)
    if not words or _SEX_UNSURE.search(text):
        return None
    if words in (["m"], ["f"]):
        return "male" if words == ["m"] else "female"
    male = bool(_MALE_WORDS.intersection(words))
    female = bool(_FEMALE_WORDS.intersection(words))
    if male == female:
        return None
    return "male" if male else "female"


# Names keep the parent's capitals, so these ignore case instead of lowering the text.
_GREETING = re.compile(r"^(?:hi|hello|hey|hiya)\b[\s,!.]*", re.I)
_NAME_LEAD = re.compile(
    r"^(?:(?:(?:her|his|their|my\s+(?:baby|son|daughter|child)'?s|(?:the\s+)?baby'?s"
    r"|(?:my\s+)?(?:son|daughter|child)'?s)\s+(?:nick)?name(?:\s+is|'s)?"
    r"|(?:she|he|they)(?:'s|'re|\s+is|\s+are)\s+called|(?:we|i)\s+call\s+(?:her|him|them)"
    r"|call\s+(?:her|him|them)|(?:nick)?name(?:\s+is|'s)?|called|it'?s|it\s+is)\b)\s*[:,-]?\s*",
    re.I,
)
_NAME_TAIL = re.compile(r"(?:[\s.,!?;:()]+|\s+(?:x+|thanks|thank\s+you|ta|please|pls))+$", re.I)
# Answers that are not a name, though they look like one.
_NOT_NAMES = frozenset(
    {
        "yes", "no", "nope", "nah", "idk", "dunno", "skip", "none", "not sure", "don't know",
        "dont know", "prefer not to say", "rather not say", "no thanks", "why", "what", "pass",
        "not telling", "no idea",
    }
)
# Emoji joiners and presentation selectors, dropped with the emoji they belong to.
_EMOJI_PARTS = frozenset({"\ufe0f", "\ufe0e", "\u200d"})


def _is_decoration(char: str) -> bool:
    return char in _EMOJI_PARTS or unicodedata.category(char) in ("So", "Sk", "Cs", "Co")


def _is_name_character(char: str) -> bool:
    """Letters of any alphabet (with their accents), spaces, hyphens and apostrophes."""
    return char.isalpha() or unicodedata.category(char).startswith("M") or char in " -'"


def read_child_name(text: str) -> str | None:
    """The name or nickname from "her name is ava", "it's Ben!", "we call him Bubba 😊"."""
    text = _normalise(text)
    text = "".join(" " if _is_decoration(char) else char for char in text).strip()
    text = _GREETING.sub("", text)
    text = _NAME_LEAD.sub("", text, count=1)
    text = _NAME_TAIL.sub("", text)
    name = " ".join(text.split())
    if not name or len(name) > 40 or len(name.split()) > 4 or name.lower() in _NOT_NAMES:
        return None
    if not all(_is_name_character(char) for char in name):
        return None
    if not any(char.isalpha() for char in name):
        return None
    if name == name.lower():
        name = re.sub(r"(^|[\s-])(\w)", lambda match: match.group(1) + match.group(2).upper(), name)
    return name


_NEGATION = _compile(r"\b(?:not|never|neither|nor)\b|n't\b")
_NOT_A_CHOICE = frozenset({"both", "all", "neither", "either", "twins", "each", "everyone"})
# Words around a name in an answer, never compared with the names for typos.
_FILLER_WORDS = frozenset(
    {
        "it", "its", "it's", "is", "was", "for", "please", "pls", "plz", "thanks", "thank",
        "you", "ta", "that", "that's", "thats", "this", "the", "one", "my", "little", "baby",
        "oh", "sorry", "x", "xx", "xxx", "no", "yes", "ok", "okay", "her", "him", "his", "she",
        "he", "sis", "bro", "brother", "sister", "son", "daughter",
    }
)


def read_child_answer(text: str, children: Sequence[str]) -> str | None:
    """Which child an answer names: "Ava", "it's ava", "for Ben please", or one typo in a
    name of four or more letters ("Elie" for "Ellie"); "both", two names or none gives None."""
    lower = lower_same_length(_normalise(text))
    words = re.findall(r"[^\W\d_]+(?:['-][^\W\d_]+)*", lower)
    if not words or _NOT_A_CHOICE.intersection(words) or _NEGATION.search(lower):
        return None
    mentioned = _mentioned(lower, tuple(children))
    if mentioned:
        return mentioned[0] if len(mentioned) == 1 else None
    tokens = [word.removesuffix("'s") for word in words if word not in _FILLER_WORDS]
    close = set()
    for child in children:
        name_words = child.lower().split()
        name = " ".join(name_words)
        if len(name) < 4:
            continue
        for index in range(len(tokens) - len(name_words) + 1):
            if _one_edit_apart(" ".join(tokens[index : index + len(name_words)]), name):
                close.add(child)
    return close.pop() if len(close) == 1 else None


_SYSTEMS = {"metric": {WEIGHT: "kg", LENGTH: "cm"}, "imperial": {WEIGHT: "lb", LENGTH: "inch"}}
# Ounces alone are a feed, and "2.1 feet" may mean 2ft 1in: asked again instead.
_NOT_AN_ANSWER_UNIT = frozenset({"oz", "ft"})
_UNIT_ANSWER = _compile(
    r"(?<![a-z'])(?:"
    + "|".join(
        rf"(?P<{unit}>{words if unit != 'inch' else words + '|ins?'})"
        for unit, (_kind, _size, words) in _UNITS.items()
    )
    + r"|(?P<metric>metric)|(?P<imperial>imperial))(?![a-z])"
)


def _quantities(text: str) -> tuple[list[_Found], str]:
    """Every number written with a unit, and the text with them blanked out."""
    found: list[_Found] = []
    work = text
    for pattern, big, small, limit in _PAIRS:
        matches = list(pattern.finditer(work))
        for match in matches:
            found.append(_pair(text, match, big, small, limit))
        work = blank(work, [match.span() for match in matches])
    matches = list(_GROUPED_GRAMS.finditer(work))
    for match in matches:
        grams = float(re.sub(r"[,\s]", "", match.group("a")))
        found.append(_single(text, match, "g", grams, 0.5))
    work = blank(work, [match.span() for match in matches])
    matches = [
        match for match in _SINGLE.finditer(work) if not _UNIT_IN_DOUBT.match(work, match.end())
    ]
    for match in matches:
        unit = next(key for key in _UNITS if match.group(key))
        number, step = _written_number(match, "a")
        if unit == "m" and match.group("m") == "m" and step >= 0.5:
            # "6m" is six months; a length in metres is written "0.65m" or "1 metre".
            found.append(_Found(*match.span(), kind=None))
            continue
        found.append(_single(text, match, unit, number, step))
    work = blank(work, [match.span() for match in matches])
    found.sort(key=lambda item: item.start)
    return found, work


def _single(text: str, match: re.Match[str], unit: str, number: float, step: float) -> _Found:
    kind, size, _words = _UNITS[unit]
    start, end = match.span()
    if _just_before(_CHANGE_BEFORE, text, start) or _CHANGE_AFTER.match(text, end):
        return _Found(start, end, None)
    if unit == "oz":
        if _just_before(_FEED_BEFORE, text, start) or _FEED_AFTER.match(text, end):
            return _Found(start, end, None)
        return _Found(start, end, kind, unit=unit, bad=True)
    bad = number <= 0 or _just_before(_NEGATIVE_BEFORE, text, start)
    return _Found(start, end, kind, number * size, step * size, unit, bad)


def _pair(text: str, match: re.Match[str], big: str, small: str, limit: int) -> _Found:
    kind, big_size, _words = _UNITS[big]
    small_size = _UNITS[small][1]
    start, end = match.span()
    large, _ = _written_number(match, "a")
    part, part_step = _written_number(match, "b")
    if _just_before(_CHANGE_BEFORE, text, start):
        return _Found(start, end, None)
    bad = (
        part >= limit
        or large + part <= 0
        or large != int(large)
        or _just_before(_NEGATIVE_BEFORE, text, start)
    )
    value = large * big_size + part * small_size
    return _Found(start, end, kind, value, part_step * small_size, f"{big}+{small}", bad)


def _written_number(match: re.Match[str], name: str) -> tuple[float, float]:
    """The number in group `name` with any fraction, and half its last written digit."""
    raw = match.group(name)
    number = _to_float(raw)
    point = max(raw.find("."), raw.find(","))
    step = 0.5 * 10.0 ** -(len(raw) - 1 - point) if point >= 0 else 0.5
    fraction = match.group(f"{name}f")
    if fraction:
        number += _FRACTIONS[fraction.split()[-1].lower()]
        step = 0.125
    return number, step


def _just_before(pattern: re.Pattern[str], text: str, start: int) -> bool:
    """Whether words ending at `start` match `pattern` (anchored with $); only the last few
    words are searched, which keeps long messages fast."""
    return pattern.search(text, max(0, start - 40), start) is not None


def _to_float(raw: str) -> float:
    return float(raw.replace(",", "."))


def _plausible(item: _Found) -> _Found:
    """The item, marked bad when no young child could measure that."""
    if item.bad or item.kind is None:
        return item
    low, high = PLAUSIBLE[item.kind]
    if low <= item.value <= high:
        return item
    return _Found(item.start, item.end, item.kind, item.value, item.resolution, item.unit, True)


def _distinct(items: list[_Found], text: str) -> list[Quantity]:
    """One quantity per value: a weight written again in other units is the same weight."""
    kept: list[_Found] = []
    for item in items:
        same_kind = [other for other in kept if other.kind == item.kind]
        if not same_kind:
            kept.append(item)
            continue
        first = same_kind[0]
        if first.unit == item.unit:
            if abs(first.value - item.value) > 1e-9:
                kept.append(item)
        elif abs(first.value - item.value) > first.resolution + item.resolution:
            kept.append(item)
    return [_quantity(item, text) for item in kept]


def _quantity(item: _Found, text: str) -> Quantity:
    assert item.kind is not None
    return Quantity(item.kind, _rounded(item.kind, item.value), text[item.start : item.end].strip())


def _rounded(kind: str, value: float) -> float:
    return round(value, 3) if kind == WEIGHT else round(value, 1)


def _joined(items: list[_Found], bare: list[re.Match[str]], text: str) -> bool:
    """Whether two numbers are offered as alternatives: "7.4 or 7.2kg", "7.2-7.4kg"."""
    spans = [(item.start, item.end, True) for item in items]
    spans += [(match.start(), match.end(), False) for match in bare]
    spans.sort()
    for (_, end, has_unit), (start, _, next_has_unit) in zip(spans, spans[1:], strict=False):
        joiner = _JOINER.fullmatch(text, end, start)
        if joiner and (joiner.group(1) or has_unit or next_has_unit):
            return True
    return False


def _kind_hint(text: str, bare_start: int | None, given: set[str]) -> str | None:
    """Which kind the words point to; for a number without a unit, the kind not yet given
    with a unit, or else the one named nearest to it."""
    hints = [(match.start(), WEIGHT) for match in _WEIGHT_WORDS.finditer(text)]
    hints += [(match.start(), LENGTH) for match in _LENGTH_WORDS.finditer(text)]
    if bare_start is not None:
        hints = [hint for hint in hints if hint[1] not in given]
    kinds = {kind for _, kind in hints}
    if len(kinds) == 1:
        return kinds.pop()
    if kinds and bare_start is not None:
        return min(hints, key=lambda hint: abs(hint[0] - bare_start))[1]
    return None


def _source(text: str) -> str | None:
    if _HOME_SCALES.search(text):
        return "home"
    if _CLINIC.search(text):
        return "clinic"
    if _HOME.search(text):
        return "home"
    return None


def _child(text: str, children: Sequence[str]) -> tuple[str | None, bool]:
    """The child a message is about, and whether the assistant must ask which."""
    names = tuple(dict.fromkeys(name for name in children if name.strip()))
    mentioned = _mentioned(text, names)
    if len(mentioned) == 1:
        return mentioned[0], False
    if mentioned or len(names) > 1:
        return None, True
    return (names[0], False) if names else (None, False)


def _mentioned(text: str, children: tuple[str, ...]) -> list[str]:
    """The children named in the text as whole words, longest names first ("Ava Rose", not
    also "Ava")."""
    mentioned = []
    for name in sorted(children, key=len, reverse=True):
        pattern = _name_pattern(name)
        if pattern is None:
            continue
        spans = [match.span() for match in pattern.finditer(text)]
        if spans:
            mentioned.append(name)
            text = blank(text, spans)
    return [name for name in children if name in mentioned]


@lru_cache(maxsize=512)
def _name_pattern(name: str) -> re.Pattern[str] | None:
    words = name.lower().split()
    if not words:
        return None
    return _compile(r"(?<!\w)" + r"\s+".join(re.escape(word) for word in words) + r"(?!\w)")


def _one_edit_apart(typed: str, name: str) -> bool:
    """Whether `typed` is `name` with one letter added, dropped, changed or two swapped."""
    if typed == name:
        return True
    if abs(len(typed) - len(name)) > 1 or len(typed) < 4:
        return False
    if len(typed) == len(name):
        differ = [index for index, (a, b) in enumerate(zip(typed, name, strict=True)) if a != b]
        if len(differ) == 1:
            return True
        return (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and typed[differ[0]] == name[differ[1]]
            and typed[differ[1]] == name[differ[0]]
        )
    shorter, longer = sorted((typed, name), key=len)
    return any(longer[:index] + longer[index + 1 :] == shorter for index in range(len(longer)))


def _count(raw: str) -> int:
    return int(raw) if raw.isdigit() else NUMBER_WORDS[raw]


_QUOTES = str.maketrans(
    {"’": "'", "‘": "'", "`": "'", "´": "'", "′": "'", "“": '"', "”": '"', "″": '"'}
)


def _normalise(text: str) -> str:
    """Curly quotes made plain, one character for one, so positions still line up."""
    return (text or "").translate(_QUOTES)
