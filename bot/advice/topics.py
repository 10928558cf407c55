"""Advice topics as data, and how a parent's message is read against them.

The items, their keyword patterns, the personal factors (diabetes, epilepsy medicines, a neural
tube defect history, a BMI of 30 or more, HIV medicines) and first baby or not all live in
`bot/content/advice/*.yml`, so a clinician can change what is said and when without touching
code. This module reads a message the way those patterns expect it: lower case, apostrophes
dropped, contractions and text-speak expanded ("ftm" -> "first time mum", "meds" -> "medicines"),
common misspellings corrected, " | " between clauses. A factor or a statement said with a
negation ("I don't have diabetes") does not count.

Pure functions over strings; the files are loaded once per process.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot.content import load
from bot.text_patterns import APOSTROPHES, DECIMAL_COMMA, LETTER_REPEATS

TOPICS = ("preconception", "birth_setting", "breastfeeding")
CLAUSE = " | "

# Short forms parents type, read as the words the patterns are written in. Applied to whole
# words after apostrophes are dropped ("don't" -> "dont" -> "do not").
TEXT_SPEAK: dict[str, str] = {
    "im": "i am", "ive": "i have", "iam": "i am", "dont": "do not", "doesnt": "does not",
    "didnt": "did not", "havent": "have not", "hasnt": "has not", "hadnt": "had not",
    "isnt": "is not", "arent": "are not", "wasnt": "was not", "werent": "were not",
    "cant": "can not", "cannot": "can not", "wont": "will not", "wouldnt": "would not",
    "shouldnt": "should not", "couldnt": "could not", "aint": "am not", "its": "it is",
    "thats": "that is", "whats": "what is", "hows": "how is", "theres": "there is",
    "shes": "she is", "hes": "he is", "youre": "you are", "theyre": "they are",
    "ill": "i will", "id": "i would", "u": "you", "ur": "your", "r": "are", "n": "and",
    "b4": "before", "pls": "please", "plz": "please", "wat": "what", "wot": "what",
    "wht": "what", "wut": "what", "hw": "how", "abt": "about", "bout": "about",
    "coz": "because", "cos": "because", "cuz": "because", "gonna": "going to",
    "wanna": "want to", "tho": "though", "1st": "first", "2nd": "second", "3rd": "third",
    "4th": "fourth", "5th": "fifth", "bby": "baby", "babys": "baby", "bubba": "baby",
    "bub": "baby", "lo": "baby", "dd": "daughter", "ds": "son", "dh": "husband",
    "preg": "pregnant", "pregs": "pregnant", "pg": "pregnant", "ttc": "trying to conceive",
    "ftm": "first time mum", "stm": "second time mum", "ebm": "expressed breast milk",
    "bfing": "breastfeeding", "bfeeding": "breastfeeding", "bfd": "breastfed",
    "ff": "formula feeding", "mw": "midwife", "hv": "health visitor", "hb": "home birth",
    "mlu": "midwife led unit", "csection": "caesarean", "csec": "caesarean",
    "cesarean": "caesarean", "vbac": "vaginal birth after caesarean", "meds": "medicines",
    "med": "medicine", "vit": "vitamin", "vits": "vitamins", "vitd": "vitamin d",
    "mcg": "micrograms", "mcgs": "micrograms", "ug": "micrograms", "microgram": "micrograms",
    "milligrams": "mg", "milligram": "mg", "mgs": "mg", "yo": "year old", "yr": "year",
    "yrs": "years", "t1d": "type 1 diabetes", "t2d": "type 2 diabetes",
    "gd": "gestational diabetes", "gdm": "gestational diabetes", "ntd": "neural tube defect",
    "ntds": "neural tube defects", "dr": "doctor", "doc": "doctor", "boob": "breast",
    "boobs": "breasts", "nips": "nipples", "nipps": "nipples", "formular": "formula",
    "breastmilk": "breast milk", "homebirth": "home birth", "homebirths": "home births",
    "obgyn": "obstetrician", "mum2be": "mum to be",
}
# "bf" is a boyfriend after "my"; otherwise, here, breastfeeding.
_OWNERS = frozenset({"my", "your", "her", "his", "our", "their"})

_CAESAREAN = re.compile(r"\bc\s*[-./]?\s*(?:sections?|secs?)\b")
# ? ends a question; other sentence marks and commas end a clause; a point between digits is a
# decimal point.
_BOUNDARY = re.compile(r"(\?+)|[!;:\n\r,()\[\]]+|(?<!\d)\.+|\.+(?!\d)")
_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
_PARTS = re.compile(r"\d+(?:\.\d+)?|[a-z]+")

# Words that open a question: a new clause starts there, so "I take epilepsy meds do I need more
# folic acid" is a statement and then a question.
_QUESTION_WORDS = frozenset({"how", "what", "when", "where", "which", "why"})
_QUESTION_PAIRS = frozenset({
    ("can", "i"), ("could", "i"), ("should", "i"), ("do", "i"), ("is", "it"), ("is", "there"),
    ("are", "there"), ("will", "i"), ("would", "i"), ("am", "i"), ("can", "we"),
    ("should", "we"), ("do", "we"), ("does", "it"), ("do", "you"), ("can", "you"),
})
# These open a question only at the start of a clause: mid-sentence "it is my first" is not one.
_QUESTION_STARTS = _QUESTION_PAIRS | {
    ("is", "this"), ("is", "home"), ("is", "a"), ("is", "my"), ("is", "the"), ("are", "home"),
    ("does", "my"), ("does", "the"), ("will", "my"), ("can", "my"), ("is", "breastfeeding"),
    ("are", "birth"), ("are", "midwifery"), ("is", "giving"), ("how", "do"),
}
# After these a question word continues the clause ("I want to know how much").
_NO_SPLIT_AFTER = frozenset({
    "what", "how", "when", "where", "which", "why", "if", "to",
    "know", "about", "wondering", "wonder", "sure", "ask", "tell", "me", "idea", "unsure",
    "asking", "question", "out", "see", "says", "said", "explain", "understand",
})


@dataclass(frozen=True)
class Reading:
    """A message as the patterns read it: `text` with " | " between clauses, and each clause's
    (start, end, is_question) in `text`."""

    text: str
    clauses: tuple[tuple[int, int, bool], ...]

    def clause_at(self, position: int) -> tuple[int, int, bool]:
        for start, end, question in self.clauses:
            if start <= position <= end:
                return start, end, question
        return 0, len(self.text), False

    @property
    def words(self) -> int:
        return len([w for w in self.text.split() if w != "|"])


@dataclass(frozen=True)
class Personal:
    """Wording for a person who has told us a factor: `{because}` names the factor kindly."""

    sms: str
    telegram: str
    because: Mapping[str, str]

    def render(self, factors: Iterable[str]) -> tuple[str, str] | None:
        named = [f for f in self.because if f != "several" and f in set(factors)]
        if not named:
            return None
        because = self.because[named[0]] if len(named) == 1 else self.because["several"]
        return self.sms.format(because=because), self.telegram.format(because=because)


@dataclass(frozen=True)
class Item:
    """One answer: its texts, buttons, source, and the patterns that choose it."""

    key: str
    topic: str
    title: str
    ask: str
    sms: str
    telegram: str
    follow_ups: tuple[tuple[str, str], ...]
    offer_cafe: bool
    source: str
    last_reviewed: str
    note: str | None
    match: tuple[re.Pattern[str], ...]
    weak: tuple[re.Pattern[str], ...]
    follow: tuple[re.Pattern[str], ...]
    overrides: frozenset[str]
    demote_on_factor: bool
    urgent: bool
    uses: frozenset[str]
    personalised_by: str | None
    personal: Personal | None


@dataclass(frozen=True)
class Topic:
    name: str
    overview: str
    items: Mapping[str, Item]


@dataclass(frozen=True)
class Found:
    """An item a message asks about: where it was first asked, and whether as a question."""

    key: str
    position: int
    question: bool


@dataclass(frozen=True)
class TopicMatches:
    strong: tuple[Found, ...]
    weak: tuple[Found, ...]
    follow: frozenset[str]


@dataclass(frozen=True)
class _Factor:
    name: str
    match: tuple[re.Pattern[str], ...]
    not_when: tuple[re.Pattern[str], ...]
    others_count: bool
    bmi_at_least: float | None


@dataclass(frozen=True)
class _Negation:
    window: int
    negators: frozenset[str]
    fillers: frozenset[str]
    scope_breaks: frozenset[str]


def _compile(patterns: Iterable[str] | None) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns or ())


def _fill(text: str, config: Mapping[str, str]) -> str:
    """Put configured values ({helpline_hours}) into a text; other braces stay for later."""
    return re.sub(r"\{(\w+)\}", lambda m: config.get(m.group(1), m.group(0)), text)


def _item(raw: dict[str, Any], config: Mapping[str, str]) -> Item:
    personal = raw.get("personal")
    return Item(
        key=raw["key"],
        topic=raw["topic"],
        title=raw.get("title") or raw["key"],
        ask=raw.get("ask") or "",
        sms=_fill(" ".join(str(raw["sms"]).split()), config),
        telegram=_fill(str(raw["telegram"]).strip(), config),
        follow_ups=tuple((b["title"], b["payload"]) for b in raw.get("follow_ups") or ()),
        offer_cafe=bool(raw.get("offer_cafe", False)),
        source=raw.get("source") or "",
        last_reviewed=str(raw.get("last_reviewed") or ""),
        note=raw.get("note"),
        match=_compile(raw.get("match")),
        weak=_compile(raw.get("weak")),
        follow=_compile(raw.get("follow")),
        overrides=frozenset(raw.get("overrides") or ()),
        demote_on_factor=bool(raw.get("demote_on_factor", False)),
        urgent=bool(raw.get("urgent", False)),
        uses=frozenset(raw.get("uses") or ()),
        personalised_by=raw.get("personalised_by"),
        personal=Personal(
            sms=_fill(" ".join(str(personal["sms"]).split()), config),
            telegram=_fill(str(personal["telegram"]).strip(), config),
            because=dict(personal["because"]),
        ) if personal else None,
    )


@cache
def raw_file(topic: str) -> dict[str, Any]:
    """The YAML file of a topic as written (for content checks)."""
    return load(f"advice/{topic}")


def config_values(data: Mapping[str, Any]) -> dict[str, str]:
    """A file's `config:` values by name ({helpline_hours} -> "open every day")."""
    return {name: str(body["value"]) for name, body in (data.get("config") or {}).items()}


def build_topic(data: Mapping[str, Any]) -> Topic:
    """A topic from the data of its file (tests pass in-memory data here too)."""
    config = config_values(data)
    items = {raw["key"]: _item(raw, config) for raw in data["items"]}
    return Topic(name=data["topic"], overview=data["overview"], items=items)


@cache
def topics() -> dict[str, Topic]:
    """Every advice topic, by name, in the order of `TOPICS`."""
    return {name: build_topic(raw_file(name)) for name in TOPICS}


def item(key: str) -> Item:
    """The item with this key, in whichever topic it is."""
    for topic in topics().values():
        if key in topic.items:
            return topic.items[key]
    raise KeyError(key)


# --- reading a message -------------------------------------------------------------------------


@cache
def _vocabulary() -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    words = frozenset(w for name in TOPICS for w in raw_file(name).get("vocabulary") or ())
    by_first: dict[str, list[str]] = {}
    for word in sorted(words):
        by_first.setdefault(word[0], []).append(word)
    return words, {k: tuple(v) for k, v in by_first.items()}


def _distance(a: str, b: str, limit: int) -> int:
    """Edit distance with swapped neighbours counted once; stops early past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _correct(token: str) -> str:
    """A likely misspelling of a key word, read as that word ("diabeties" -> "diabetes").

    Only words of 6 letters or more, one slip (two from 9 letters), and never the first letter:
    "feeling" must not become "feeding".
    """
    words, by_first = _vocabulary()
    if len(token) < 6 or not token.isalpha() or token in words:
        return token
    limit = 2 if len(token) >= 9 else 1
    best, best_distance = token, limit + 1
    for word in by_first.get(token[0], ()):
        distance = _distance(token, word, limit)
        if distance < best_distance:
            best, best_distance = word, distance
    return best


def _tokens(segment: str) -> list[str]:
    out: list[str] = []
    for raw in _TOKEN.findall(segment):
        if raw == "bf" or raw == "bfs":
            out.extend(["boyfriend"] if out and out[-1] in _OWNERS else ["breastfeeding"])
            continue
        mapped = TEXT_SPEAK.get(raw)
        if mapped is not None:
            out.extend(mapped.split())
            continue
        for part in _PARTS.findall(raw):
            part = TEXT_SPEAK.get(part, part)
            for word in part.split():
                if word.isalpha():
                    word = _correct(LETTER_REPEATS.sub(r"\1\1", word))
                out.append(word)
    return out


def _split_questions(tokens: list[str]) -> list[list[str]]:
    clauses: list[list[str]] = [[]]
    for i, token in enumerate(tokens):
        pair = (token, tokens[i + 1]) if i + 1 < len(tokens) else None
        opens = token in _QUESTION_WORDS or pair in _QUESTION_PAIRS
        if opens and clauses[-1] and clauses[-1][-1] not in _NO_SPLIT_AFTER:
            clauses.append([])
        clauses[-1].append(token)
    return clauses


def read(text: str) -> Reading:
    """Normalise a message for the patterns: see the module docstring."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = APOSTROPHES.sub("", text).replace("&", " and ").replace("+", " ")
    text = DECIMAL_COMMA.sub(r"\1.\2", text)
    text = _CAESAREAN.sub(" caesarean ", text)
    pieces: list[tuple[list[str], bool]] = []
    last = 0
    for mark in list(_BOUNDARY.finditer(text)) + [None]:
        end = mark.start() if mark else len(text)
        is_question = bool(mark and mark.group(1))
        sub = _split_questions(_tokens(text[last:end]))
        for n, words in enumerate(sub):
            if not words:
                continue
            starts_question = words[0] in _QUESTION_WORDS or (
                len(words) > 1 and (words[0], words[1]) in _QUESTION_STARTS
            )
            pieces.append((words, starts_question or (is_question and n == len(sub) - 1)))
        last = mark.end() if mark else len(text)
    parts: list[str] = []
    clauses: list[tuple[int, int, bool]] = []
    position = 0
    for words, question in pieces:
        clause = " ".join(words)
        if parts:
            position += len(CLAUSE)
        clauses.append((position, position + len(clause), question))
        parts.append(clause)
        position += len(clause)
    return Reading(CLAUSE.join(parts), tuple(clauses))


# --- negation, factors, first baby ------------------------------------------------------------


@cache
def _negation() -> _Negation:
    spec = raw_file("preconception")["negation"]
    return _Negation(
        window=int(spec["window"]),
        negators=frozenset(spec["negators"]),
        fillers=frozenset(str(w) for w in spec["fillers"]),
        scope_breaks=frozenset(spec["scope_breaks"]),
    )


def negated(reading: Reading, start: int) -> bool:
    """True when a negator governs the words at `start`: in "I don't have diabetes", only
    filler words stand between "not" and "diabetes"; in "I can't stop my epilepsy meds", "stop"
    does, so epilepsy is not negated."""
    rules = _negation()
    clause_start, _, _ = reading.clause_at(start)
    before = reading.text[clause_start:start].split()[-rules.window:]
    for word in reversed(before):
        if word in rules.negators:
            return True
        if word in rules.scope_breaks or word not in rules.fillers:
            return False
    return False


_OTHER_PERSON = re.compile(
    r"\b(?:(?:my|his|her|our|their|the) (?:mum|mom|mother|mam|dad|father|sister|brother|partner|"
    r"husband|boyfriend|wife|girlfriend|friend|nan|nana|gran|granny|grandma|grandad|"
    r"grandmother|grandfather|aunt|auntie|uncle|cousin|son|daughter|baby|child|kid|family|"
    r"side|fiance|fiancee|other half)|he|she|they|partner|husband|boyfriend)\b"
)
_RUNS_IN = re.compile(r"^(?: \w+){0,3} (?:runs?|ran) in\b")
_BMI = re.compile(
    r"\bbmi (?:(?:is|of|was|at|around|about|roughly|currently|now|like|it|sitting|says|reads|"
    r"measured|a|my|just)\s)*(?:(over|above|more than|higher than|under|below|less than|"
    r"lower than) )?(\d{2}(?:\.\d+)?)\b"
)


@cache
def _factors() -> tuple[_Factor, ...]:
    return tuple(
        _Factor(
            name=name,
            match=_compile(body.get("match")),
            not_when=_compile(body.get("not_when")),
            others_count=bool(body.get("others_count", False)),
            bmi_at_least=float(body["bmi_at_least"]) if "bmi_at_least" in body else None,
        )
        for name, body in raw_file("preconception")["factors"].items()
    )


def factor_names() -> frozenset[str]:
    """Every personal factor the files define."""
    return frozenset(f.name for f in _factors())


def _about_someone_else(reading: Reading, start: int, end: int) -> bool:
    clause_start, clause_end, _ = reading.clause_at(start)
    if _OTHER_PERSON.search(reading.text[clause_start:start]):
        return True
    return bool(_RUNS_IN.match(reading.text[end:clause_end]))


def factors_in(reading: Reading) -> dict[str, tuple[tuple[int, int], ...]]:
    """Personal factors a message states, with where they were said.

    Not counted: a negated mention, a mention of someone else's condition (except a neural tube
    defect history, which counts for either parent and their families), and the `not_when`
    exceptions of each factor (gestational diabetes, an HIV test).
    """
    text = reading.text
    found: dict[str, list[tuple[int, int]]] = {}
    for factor in _factors():
        spans = [m.span() for p in factor.match for m in p.finditer(text)]
        if factor.bmi_at_least is not None:
            for m in _BMI.finditer(text):
                qualifier, value = m.group(1), float(m.group(2))
                if qualifier in {"under", "below", "less than", "lower than"}:
                    continue
                if value >= factor.bmi_at_least:
                    spans.append(m.span())
        for start, end in spans:
            if negated(reading, start):
                continue
            excluded = any(
                m.start() < end and start < m.end()
                for p in factor.not_when for m in p.finditer(text)
            )
            if excluded or (not factor.others_count and _about_someone_else(reading, start, end)):
                continue
            found.setdefault(factor.name, []).append((start, end))
    return {name: tuple(spans) for name, spans in found.items()}


@cache
def _parity() -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
    spec = raw_file("birth_setting")["parity"]
    return _compile(spec["first_baby"]), _compile(spec["had_baby_before"])


def first_baby_in(reading: Reading) -> bool | None:
    """True for a first baby, False after a birth before, None when the message does not say.

    Having had a baby wins when both are said: "I had my first at home" is about a past birth.
    """
    first, before = _parity()

    def said(patterns: tuple[re.Pattern[str], ...]) -> bool:
        return any(
            not negated(reading, m.start()) for p in patterns for m in p.finditer(reading.text)
        )

    if said(before):
        return False
    if said(first):
        return True
    return None


# --- items ------------------------------------------------------------------------------------


def _first(reading: Reading, patterns: Iterable[re.Pattern[str]],
           skip: Iterable[tuple[int, int]] = (), statements_negate: bool = True) -> Found | None:
    """The earliest place one of `patterns` matches, as a question or a statement."""
    skip = tuple(skip)
    best: Found | None = None
    for pattern in patterns:
        for m in pattern.finditer(reading.text):
            start, end = m.span()
            if any(start < s_end and s_start < end for s_start, s_end in skip):
                continue
            _, _, question = reading.clause_at(start)
            if statements_negate and not question and negated(reading, start):
                continue
            if best is None or start < best.position:
                best = Found("", start, question)
            break
    return best


def _ordered(found: list[Found], topic: Topic) -> tuple[Found, ...]:
    """Urgent items first (a red, hot breast before storing milk), then questions before
    statements, then in the order the parent wrote them."""
    return tuple(sorted(
        found, key=lambda f: (not topic.items[f.key].urgent, not f.question, f.position)
    ))


def matches(reading: Reading, topic: Topic,
            factor_spans: Iterable[tuple[int, int]] = ()) -> TopicMatches:
    """Which items of `topic` a message asks about.

    `strong`: items a `match` pattern found, with an item that `overrides` another taking its
    place (a risk factor in a home-birth question), the overview only if alone. `weak`: items only a
    `weak` pattern found, or whose match was the parent describing a factor ("I take epilepsy
    meds"). `follow`: items whose `follow` patterns match (used after that item's answer).
    """
    factor_spans = tuple(factor_spans)
    strong: dict[str, Found] = {}
    weak: dict[str, Found] = {}
    follow: set[str] = set()
    for item in topic.items.values():
        hit = _first(reading, item.match)
        if hit is not None and item.demote_on_factor:
            undemoted = _first(reading, item.match, skip=factor_spans)
            if undemoted is None:
                weak[item.key] = Found(item.key, hit.position, hit.question)
                hit = None
            else:
                hit = undemoted
        if hit is not None:
            strong[item.key] = Found(item.key, hit.position, hit.question)
        weak_hit = _first(reading, item.weak)
        if weak_hit is not None and item.key not in strong and item.key not in weak:
            weak[item.key] = Found(item.key, weak_hit.position, weak_hit.question)
        if _first(reading, item.follow, statements_negate=False) is not None:
            follow.add(item.key)
    for key in list(strong):
        if key not in strong:
            continue
        for other in topic.items[key].overrides & strong.keys():
            displaced = strong.pop(other)
            mine = strong[key]
            if (not displaced.question, displaced.position) < (not mine.question, mine.position):
                strong[key] = Found(key, displaced.position, displaced.question)
    # The overview answers only when nothing more particular was asked.
    if topic.overview in strong and len(strong) > 1:
        weak[topic.overview] = strong.pop(topic.overview)
    for key in strong:
        weak.pop(key, None)
    weak_found = [f for f in weak.values() if f.key != topic.overview]
    if topic.overview in weak:
        weak_found.append(Found(topic.overview, len(reading.text), False))
    return TopicMatches(
        strong=_ordered(list(strong.values()), topic),
        weak=tuple(sorted(weak_found, key=lambda f: (f.key == topic.overview, f.position))),
        follow=frozenset(follow),
    )


@cache
def parity_answers() -> tuple[dict[bool, str], frozenset[str]]:
    """Which birth-setting answer goes with first baby (True) or not (False), and which
    answers are told that way once it is known."""
    spec = raw_file("birth_setting")["parity_answers"]
    return (
        {True: spec["first_baby"], False: spec["had_baby_before"]},
        frozenset(spec["applies_to"]),
    )


@cache
def factor_answers() -> dict[str, frozenset[str]]:
    """Birth-setting answers given first when the person has told us one of these factors."""
    spec = raw_file("birth_setting").get("factor_answers") or {}
    return {key: frozenset(names) for key, names in spec.items()}
