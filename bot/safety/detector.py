"""Deterministic risk detector: runs on every inbound message, independent of the classifier.

Patterns, idioms, negation and text-speak live in `risk_patterns.yml` with their sources.
The detector normalises the text (case, apostrophes, contractions, text-speak, repeated
letters, one-typo misspellings of key words), removes figures of speech ("my back is killing
me"), then looks for each category's patterns. An urgent phrase that is negated ("I'm not
going to hurt myself"), in the past or already checked ("used to self harm"), a question for
information, or part of a story or programme, is lowered to a routine review, never to silence.
Partners' and family members' reports are never lowered for being about someone else.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import yaml

from bot.safety.prefilter import Alternation, WordIndex
from bot.text_patterns import APOSTROPHES, DECIMAL_COMMA, LETTER_REPEATS

PATTERNS_FILE = Path(__file__).with_name("risk_patterns.yml")
LEXICON_FILE = Path(__file__).with_name("risk_lexicon.yml")
URGENT, ROUTINE = "urgent", "routine"
# Psychosis symptoms are not lowered for past wording: delusions often mention the past ("she
# died years ago"). Naming the illness as history ("I had psychosis 4 years ago"), or a
# first-person history ("I used to hear voices, I'm stable now"), still is.
NEVER_LOWERED_AS_PAST = {"postpartum_psychosis"}
ILLNESS_NAMES = {"psychosis", "psychotic"}
# A risk named as a topic, with nothing told of it: a study, a course or a podcast anywhere in
# the message ("does postpartum psychosis come on suddenly? we're doing a project at uni")
# makes it information.
NAMED_TOPICS = ILLNESS_NAMES | {
    "domestic abuse", "domestic violence", "coercive control", "suicide", "self harm",
}
# Only the body's signs can be feared rather than happening: "scared of hurting her" is itself
# a disclosure.
FEARED_NOT_HAPPENING = {"baby_red_flag", "pregnancy_red_flag"}
# Acts someone has "never" done ("he's never hit me", the Scots "he's no hurtin me"); a body
# sign "never been this floppy" is itself a sign, so only these categories read a denial
# inside a match.
DENIED_IN_THE_MATCH = {"domestic_abuse"}
_DENIALS = frozenset({"never", "no"})
_UNTIL_NOW = re.compile(r"\s+(?:\w+\s+)?(?:before|until|till|til)\b")
# A body sign or a suicidal place can come back later in the message ("tried at 16. i'm there
# again tonight"); "happy again", "myself again now" say the opposite (see `recurred`).
RECURRING_SIGNS = FEARED_NOT_HAPPENING | {"suicide_self_harm"}

# Sentence marks become " | " and commas " , "; a point between digits (38.5) is a decimal.
_SENTENCE_MARK = re.compile(r"(?:(?<!\d)\.|\.(?!\d)|[!?;:\n])+")
_COMMA = re.compile(r",+")
# An emoji or a run of them closes a clause as a comma does ("she kicks me 😂 7 months old").
_EMOJI_CHARS = r"\u2600-\u27bf\U0001f000-\U0001faff"
_EMOJI = re.compile(rf"[{_EMOJI_CHARS}][{_EMOJI_CHARS}\ufe0f\u200d\s]*")
# Ticks and crosses in a checklist ("bleeding ✗, movements ✓") answer as words do.
_CROSS = re.compile(r"[\u2717\u2718\u274c\u274e]\ufe0f?")
_TICK = re.compile(r"[\u2713\u2714\u2705\u2611]\ufe0f?")
_CLAUSE_BOUNDARY = re.compile(r"[|,]")
_SENTENCE = re.compile(r"\|")
_NON_WORD = re.compile(r"[^a-z0-9°+.,\s|]+")
_SPACES = re.compile(r"[ \t]+")
# A count with its unit run on ("30w", "4wks", "1yo"): "30 weeks", "4 wks", "1 yo".
_UNIT_GLUED = re.compile(
    r"\b(\d{1,2})\s*(w)\b|\b(\d{1,2})(wks?|weeks?|mo|mos|mths?|months?|yo|yrs?|days?)\b"
)


def _unglued(match: re.Match) -> str:
    if match.group(2):
        return f"{match.group(1)} weeks"
    return f"{match.group(3)} {match.group(4)}"


# "40 plus 3" and "40 + 3" are 40+3: weeks and days of pregnancy.
_GESTATION_PLUS = re.compile(r"\b([1-4]\d)\s*(?:\+|plus)\s*([0-6])\b")
# "my self", "her self": one word (not "my self esteem").
_SPLIT_SELF = re.compile(
    r"\b(my|her|him|your|it|them|our)\s+(self|selves)\b"
    r"(?!\s*(?:esteem|worth|care|confidence|sooth\w*|doubt|conscious|employed)\b)"
)
# "ill" and "id" with the apostrophe gone: "I'll" and "I'd" where "I" would start a clause.
_SHORTENED = {"ill": "i will", "id": "i would"}
# Only after words that "ill" (unwell) hardly follows: "so ill", "feel ill" stay as they are.
_BEFORE_I = frozenset(
    "if then think thought scared afraid frightened terrified worried sure know promise swear "
    "maybe probably hope wish what".split()
)
# "2" for "to" ("wants 2 die", "struggling 2 breathe"), read only between two words and not
# before something counted ("my 2 year old", "for 2 days", "took 2 tablets", "2 of them").
_COUNTED = frozenset(
    "year yr yo month mth week wk day night hour hr minute min mins second sec time am pm "
    "oclock ish of or and more other x lot few couple kid child baby boy girl".split()
)
_BEFORE_COUNT = frozenset(
    "a the my her his our their your last first next every only just about around like than "
    "over under nearly almost top with at after within between and or to of these those "
    "another other for in on by".split()
)


def _to_not_two(tokens: list[str], index: int) -> bool:
    """Whether the "2" at this index stands for "to"."""
    if index == 0 or index + 1 >= len(tokens):
        return False
    before, after = tokens[index - 1], tokens[index + 1]
    return (
        before.isalpha() and before not in _BEFORE_COUNT
        and after.isalpha() and after not in _COUNTED
        and not (after.endswith("s") and not after.endswith("ss"))
    )


# "Scared of her choking": a body's sign feared for the future, not happening now.
_FEAR_OF = re.compile(
    r"\b(?:scared|worried|afraid|terrified|paranoid|nervous|anxious|frightened)\s+(?:of|about)\s+"
    r"(?:(?:her|him|them|the\s+baby|baby|my\s+baby|lo)\s+)?$"
    # A what-if: "what if my waters break at work?"
    r"|\bwhat\s+if\s+(?:(?:my|her|his|the|baby|babys|she|he|i|it|they)\s+){0,2}$"
)
# Words that open a sentence: "no" before one is an answer ("no he hit me again").
_SENTENCE_OPENERS = frozenset("i he she they we you it my his her our their".split())
# A condition ("if i do not pay ...") whose negator does not reach the clause after it.
_CONDITIONS = frozenset({"if", "unless"})
_CAN = frozenset({"can", "could"})
# A sign asked about and answered "no" at once: "blurry vision? no. headache? no.", "contractions?
# no, just wind".
_ANSWERED_NO = re.compile(
    r"\s*\|\s*(?:no|nope|nah|none|not\s+really|no\s+chance|no\s+way|not\s+a\s+chance"
    r"|none\s+of\s+(?:those|them|that|these|the\s+above)|all\s+no|nothing\s+like\s+that)\s*(?:\||,|$)"
)
# A checklist's answer straight after the sign: "harming myself - never", "bleeding ✗".
_ANSWERED_AFTER = re.compile(
    r"\s+(?:never|no|none|nope|nah|not\s+at\s+all)\s*(?:\||,|$)"
)
# "I swore I'd never shake him. I just did": the denial taken back in the next words.
_DONE_AFTER_ALL = re.compile(
    r"\s*[|,]?\s*(?:but\s+|and\s+)?(?:then\s+)?i\s+(?:just\s+|have\s+just\s+|already\s+)?"
    r"(?:did|have\s+now|have\s+done\s+it|done\s+it)\b"
    r"(?=\s*(?:$|\||,|it\b|twice\b|again\b|once\b|today\b|tonight\b|just\s+now\b))"
)
# "I was having thoughts of ending my life. That was 8 months ago": a sentence dated by the next.
_DATED_BY_NEXT = re.compile(
    r"\s*\|\s*(?:but\s+)?(?:that|this|it)\s+was\s+(?:\w+\s+){0,3}?(?:years|months|a\s+long\s+time)\s+ago\b"
)
# "Why can I not stop hitting her", "why are the voices saying I need to ...": a why-question
# about oneself takes the thing asked about as given.
_PRESUPPOSED = re.compile(
    r"^(?:why|how\s+come)\s+(?:(?:am|are|is|do|does|did|can|could|will|would|have|has)\s+)?"
    r"(?:not\s+)?(?:i|my|the\s+voices|voices)\b"
    # "who needs sleep": rhetorical, it asks nothing.
    r"|^who\s+needs\b"
)
# Words that open a question without changing it ("ok so what are the signs of ..."), or open
# a statement ("what I mean is ...").
_PREAMBLE = re.compile(
    r"^(?:(?:ok|okay|so|um|umm|erm|hi|hey|hiya|right|also|sorry|quick\s+question"
    r"|what\s+i\s+(?:mean|meant)\s+(?:is|was)|just\s+checking|quick\s+one|random\s+question"
    # "At my check the health visitor asked if ...", "for our class notes, what's the ..."
    r"|at\s+(?:my|the|our|her|his)\s+(?:\w+\s+){0,2}(?:check|appointment|visit|review|booking"
    r"|scan|check\s+up)|for\s+(?:my|our|the)\s+(?:\w+\s+){0,3}(?:notes|homework|class|course"
    r"|project|records))\s+)+"
)


def _unframed(part: str) -> str:
    """A sentence or clause without the words that only open it."""
    return _PREAMBLE.sub("", part.strip())


# A turn in a sentence: what comes after it is judged on its own ("all good, and then ...").
_TURN = re.compile(
    r" (?:but|and then|however|whereas|, now|the other (?:one |twin )?(?:is|has|was|keeps)) "
)


@dataclass(frozen=True)
class Detection:
    """What was found: the most serious category, its severity, and every category matched."""

    category: str
    severity: str
    categories: tuple[str, ...] = field(default=())
    lowered_because: str | None = None

    @property
    def urgent(self) -> bool:
        return self.severity == URGENT


@dataclass(frozen=True)
class _Category:
    name: str
    severity: str
    pattern: Alternation
    # Patterns anchored to the start of the message ("^..."), kept apart: in one alternation
    # with the others they would slow every search down.
    anchored: re.Pattern | None = None

    def finditer(self, text: str, unlocked: dict[int, set[int]], pos: int = 0):
        if self.anchored is not None and pos == 0:
            yield from self.anchored.finditer(text)
        yield from self.pattern.finditer(text, unlocked, pos)


def _alternation(patterns: list[str]) -> re.Pattern | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


class RiskDetector:
    """Compiled once; `detect` is pure and thread-safe."""

    def __init__(self, spec: dict, lexicon: RiskLexicon | None = None) -> None:
        self.lexicon = lexicon
        self.reviewed = spec["reviewed"]
        self.sources = tuple(spec["sources"])
        self.words = {k: str(v) for k, v in spec["words"].items()}
        self.emoji_words = {k: str(v) for k, v in (spec.get("emoji_words") or {}).items()}
        self._emoji_words = re.compile(
            "|".join(sorted(map(re.escape, self.emoji_words), key=len, reverse=True))
        ) if self.emoji_words else None
        # Dropped g's ("thinkin", "endin", "battern"): restored for every -ing word the
        # patterns use, so no pattern needs to spell both.
        self._ing_words = frozenset(
            set(re.findall(r"(?<![a-z\\])[a-z]{2,}ing\b", " ".join(_strings(spec))))
            - {"thing"}  # "thin" is a word
        )
        self.vocabulary = frozenset(spec["fuzzy_vocabulary"])
        self._deletes = _deletion_index(self.vocabulary)
        # Every other word the patterns and cues spell out ("husband", "slapped", "floppy") is
        # corrected too. A token that is itself an English word is not corrected to a
        # different word: "overdoing", "homeless" and "breeding" stay as written.
        self._english = english_words()
        self._spelled = frozenset(
            w for w in _spelled_words([spec["categories"], spec.get("cues") or {}])
            if w in self._english and w not in self.vocabulary
        ) | {w for w in self.words if len(w) >= 6 and w.isalpha()}  # "doenst": "doesnt"
        self._spelled_deletes = _deletion_index(self._spelled)
        # Every pattern list below is tried only where the text's words could let it match.
        self._words = WordIndex()
        self.idioms = Alternation(spec["figures_of_speech"], self._words)
        negation = spec["negation"]
        self.negators = frozenset(negation["negators"])
        self.negation_blockers = frozenset(negation["blockers"])
        self.negation_window = int(negation["window"])
        self.resolved = re.compile(spec["resolved"]["markers"])
        self.long_ago = re.compile(spec["resolved"]["long_ago"])
        self.birth_timing = re.compile(spec["resolved"]["birth_timing"])
        self.long_ago_only = frozenset(spec["resolved"]["long_ago_only"])
        well_again = "".join(rf"(?<!{word}\s)" for word in spec["resolved"]["well_again"])
        self.again = re.compile(spec["resolved"]["again"].format(well_again=well_again))
        self.safe_now = re.compile(spec["resolved"]["safe_now"])
        self.reassured = re.compile(spec["resolved"]["reassured"])
        self.abuse_recent = re.compile(spec["resolved"]["abuse_recent"])
        self.recurred = re.compile(spec["resolved"]["recurred"].format(well_again=well_again))
        self.history = re.compile(spec["resolved"]["history"])
        self.question = re.compile(spec["information_question"])
        self.recent = re.compile(spec["resolved"]["recent"])
        child = spec["child_actor"]
        self.child_categories = frozenset(child["categories"])
        self.child_acts = re.compile(child["acts"])
        self.sibling = re.compile(child["sibling"])
        self.feeding_bite = re.compile(child["feeding_bite"])
        self.parent_acts = re.compile(child["parent_acts"])
        self.aged_after = re.compile(child["aged_after"])
        self.pregnancy = re.compile(child["pregnancy"])
        self.pronouns = {
            p: (re.compile(child["aged"].format(pronoun=p)), re.compile(b["adults"]),
                re.compile(b["hurt"]))
            for p, b in child["pronouns"].items()
        }
        self.media = re.compile(spec["stories_and_media"])
        self.work_before = re.compile(spec["at_work"]["before"])
        self.work_after = re.compile(spec["at_work"]["after"])
        self.media_for_psychosis = re.compile(spec["stories_and_media_for_psychosis"])
        self.media_for_topics = re.compile(spec["stories_and_media_for_topics"])
        self.cues = {
            name: (
                [re.compile(p) for p in body.get("strong", [])],
                [re.compile(p) for p in body.get("weak", [])],
            )
            for name, body in (spec.get("cues") or {}).items()
        }
        # One search tells whether any strong cue is there at all (most messages: none).
        self.cue_gates = {
            name: Alternation(body.get("strong", []), self._words)
            for name, body in (spec.get("cues") or {}).items()
        }
        self.categories = []
        # A pattern may come with `routine_when`: a sign that is urgent in general but not in a
        # message that also says this (a fever in a toddler, waters breaking clear at term).
        self.conditions: dict[re.Pattern, tuple[re.Pattern, str]] = {}
        # Patterns marked `even_asked`: a sign no question makes information ("how quickly
        # would someone find the baby if the mum wasn't around anymore").
        self.asked_is_told: set[re.Pattern] = set()
        for name, body in spec["categories"].items():
            entries = [e if isinstance(e, dict) else {"pattern": e} for e in body["patterns"]]
            plain = [e for e in entries if not e["pattern"].startswith("^")]
            alternation = Alternation([e["pattern"] for e in plain], self._words)
            for entry, compiled in zip(plain, alternation.patterns, strict=True):
                if entry.get("even_asked"):
                    self.asked_is_told.add(compiled)
                if "routine_when" in entry:
                    self.conditions[compiled] = (
                        re.compile(entry["routine_when"]), entry["because"]
                    )
            self.categories.append(_Category(
                name,
                body["severity"],
                alternation,
                _alternation([e["pattern"] for e in entries if e["pattern"].startswith("^")]),
            ))
        self.lexicon_conditions = {
            name: (re.compile(body["pattern"]), body["because"])
            for name, body in (spec.get("lexicon_routine_when") or {}).items()
        }
        # "baby monitor", "baby shark": a thing, not the baby, whatever is done to it.
        self.baby_things = frozenset(spec.get("baby_things", ()))
        self._corrected: dict[str, str] = {}

    def normalise(self, text: str) -> str:
        """Lower-case, expand text-speak, correct key misspellings; clauses split by ' | '."""
        text = unicodedata.normalize("NFKC", text or "").lower()
        text = APOSTROPHES.sub("", text)
        text = DECIMAL_COMMA.sub(r"\1.\2", text)
        text = _GESTATION_PLUS.sub(r"\1+\2", text)
        text = _UNIT_GLUED.sub(_unglued, text)
        text = _SPLIT_SELF.sub(r"\1\2", text)
        text = _TICK.sub(" yes ", _CROSS.sub(" no ", text))
        if self._emoji_words is not None:
            text = self._emoji_words.sub(lambda m: f" {self.emoji_words[m.group(0)]} ", text)
        text = _COMMA.sub(" , ", _SENTENCE_MARK.sub(" | ", _EMOJI.sub(", ", text)))
        text = _NON_WORD.sub(" ", text)
        text = LETTER_REPEATS.sub(r"\1\1", text)
        tokens = []
        raw = text.split()
        for index, token in enumerate(raw):
            if token == "2" and _to_not_two(raw, index):
                token = "to"
            if token in _SHORTENED and tokens and tokens[-1] in _BEFORE_I:
                token = _SHORTENED[token]  # "scared ill drown her": I'll, not ill
            token = self.words.get(token, token)
            if token.endswith("in") and token + "g" in self._ing_words:
                token += "g"
            if " " not in token:
                corrected = self._corrected.get(token)
                if corrected is None:
                    corrected = self._correct(token)
                    if len(self._corrected) < 100_000:  # bounded: texts are untrusted
                        self._corrected[token] = corrected
                token = self.words.get(corrected, corrected)
            if token in self.baby_things and tokens and tokens[-1] in ("baby", "babys"):
                tokens.pop()
            tokens.append(token)
        return _SPACES.sub(" ", " ".join(tokens)).strip()

    def _correct(self, token: str) -> str:
        if len(token) < 6 or token in self.vocabulary or not token.isalpha():
            return token
        squeezed = re.sub(r"([a-z])\1", r"\1", token)
        for candidate in (token, squeezed):
            if candidate in self.vocabulary:
                return candidate
        curated = _closest(token, self._deletes, self._english)
        if _is_english(token, self._english):
            # Another form of a listed word ("strangle", "headaches") reads as it; an unrelated
            # word ("overdoing", "homeless", "breeding") stays as written.
            related = curated and (curated.startswith(token) or token.startswith(curated))
            return curated if related else token
        return curated or _closest(token, self._spelled_deletes, self._english) or token

    def _clean(self, text: str) -> tuple[str, dict[int, set[int]]]:
        """The normalised text less its figures of speech, and the patterns its words allow."""
        normalised = self.normalise(text)
        unlocked = self._words.scan(normalised)
        cleaned = self.idioms.sub(" | ", normalised, unlocked)
        if cleaned != normalised:
            unlocked = self._words.scan(cleaned)
        return cleaned, unlocked

    def clean(self, text: str) -> str:
        """The text as the patterns and the lexicon see it."""
        return self._clean(text)[0]

    def detect(self, text: str) -> Detection | None:
        cleaned, unlocked = self._clean(text)
        found: list[tuple[str, str]] = []
        by_cues: set[str] = set()
        lowered: str | None = None
        for category in self.categories:
            severity = None
            reasons: set[str] = set()
            start: int | None = 0
            while start is not None:
                matches, start = category.finditer(cleaned, unlocked, start), None
                for match in matches:
                    reason = self._lowering_reason(cleaned, match, category) if (
                        category.severity == URGENT
                    ) else None
                    if reason is None:
                        severity = category.severity
                        break
                    severity, lowered = ROUTINE, reason
                    reasons.add(reason)
                    # A lowered match that runs on past a sentence mark may have swallowed a
                    # sign told after it ("no contractions, moving lots | my waters have just
                    # gone, 34 weeks"): the search starts again from the mark.
                    mark = cleaned.rfind(" |", match.start(), match.end() - 1)
                    if mark > match.start():
                        start = mark + 2
                        break
            if reasons == {"information_question"} and self._told_beside_question(
                cleaned, category.name
            ):
                severity = URGENT
            # Cues are counted too where a phrase was only a young child's doing: "she bit me
            # during a feed" is a baby's, and must not hide "i bit her hand" in the message.
            if (
                severity is None or (severity == ROUTINE and reasons == {"young_child"})
            ) and category.name in self.cues:
                by_cue, reason = self._cue_severity(cleaned, category, unlocked)
                if by_cue == URGENT:
                    severity = URGENT
                    by_cues.add(category.name)
                elif by_cue is not None:
                    severity, lowered = by_cue, reason or lowered
            if severity:
                found.append((category.name, severity))
        # The lexicon speaks only for a category the patterns did not judge: it must not
        # overrule a phrase they judged negated, past, a question or a story ("I'd never hurt
        # him" judged, "I don't want to come back up" heard).
        # Nor is it urgent where the patterns' own rules would lower a phrase: a story or
        # programme, or a message about the past with nothing happening again.
        judged = {name for name, _ in found if name != "concern"}
        category, probability = (
            self.lexicon.score(cleaned)
            if self.lexicon is not None and all(severity != URGENT for _, severity in found)
            else ("none", 0.0)
        )
        if category != "none" and category not in judged:
            reason = (
                self._lexicon_lowering(cleaned, category)
                if probability >= self.lexicon.urgent_p else None
            )
            if reason is not None:
                found.append((category, ROUTINE))
                lowered = reason
            elif probability >= self.lexicon.urgent_p:
                found.insert(0, (category, URGENT))
            elif probability >= self.lexicon.routine_p:
                found.append((category, ROUTINE))
        if not found:
            return None
        urgent = [name for name, severity in found if severity == URGENT]
        names = tuple(name for name, _ in found)
        if urgent:
            # A category named by a phrase comes before one only inferred from counted cues:
            # "he grabbed me by the throat in front of the baby" is abuse, not harm to the baby.
            spelled_out = [name for name in urgent if name not in by_cues]
            return Detection((spelled_out or urgent)[0], URGENT, names)
        first = next((n for n in names if n != "concern"), names[0])
        return Detection(first, ROUTINE, names, lowered)

    def _cue_severity(
        self, text: str, category: _Category, unlocked: dict[int, set[int]]
    ) -> tuple[str | None, str | None]:
        """Urgent when a strong cue and one more cue of the category are both present."""
        strong, weak = self.cues[category.name]
        gate = self.cue_gates[category.name]
        if not gate or gate.search(text, unlocked) is None:
            return None, None
        strong_hits = [m for p in strong for m in p.finditer(text)]
        if not strong_hits:
            return None, None
        # Distinct cue words count, not patterns: three strong signs in one pattern are three.
        found = {m.group(0) for m in strong_hits} | {
            m.group(0) for p in weak for m in p.finditer(text)
        }
        if len(found) < 2:
            return None, None
        hit = strong_hits[0]
        reason = self._lowering_reason(text, hit, category)
        # "My toddler headbutted me, now I've got a black eye": the mark a young child's act
        # earlier in the sentence made, unless the parent acted after it ("so i bit her back").
        if reason is None and category.name in self.child_categories:
            sentence_start = _bounds(text, hit, _SENTENCE)[0]
            if any(
                self._child_did(text, act, sentence_start, hit)
                and self.parent_acts.search(text, act.end(), hit.end()) is None
                for act in self.child_acts.finditer(text, sentence_start, hit.end())
                if act.start() <= hit.start()
            ):
                reason = "young_child"
        if (
            reason is None
            and category.name in FEARED_NOT_HAPPENING
            and self.reassured.search(text)
            and not self.again.search(text)
        ):
            reason = "reassured"
        return (URGENT, None) if reason is None else (ROUTINE, reason)

    def _lowering_reason(self, text: str, match: re.Match, category: _Category) -> str | None:
        """Why an urgent match is only routine: judged on its clause (negation, question) or
        its sentence (past or resolved, a story or programme), never on the whole message."""
        clause_start, clause_end = _bounds(text, match, _CLAUSE_BOUNDARY)
        clause = text[clause_start:clause_end]
        # "It was fine earlier but now ...": risk after a "but" (or "and then") is judged from
        # it on; risk before it keeps its whole sentence ("had a bleed but the scan was fine").
        # A "but" inside the match counts too ("26 weeks, says she's fine, but she's
        # bleeding"); a "now" there does not ("a bleed at 8 weeks, scan fine, now 20 weeks").
        sentence_start, sentence_end = _bounds(text, match, _SENTENCE)
        turns = [
            turn for turn in _TURN.finditer(text, sentence_start, match.end())
            if turn.start() < match.start() or turn.group(0) != " , now "
        ]
        sentence = text[turns[-1].start() + 1 if turns else sentence_start : sentence_end]
        before = text[clause_start : match.start()].split()
        if (
            self._negated(before, match)
            or _ANSWERED_NO.match(text, clause_end)
            or _ANSWERED_AFTER.match(text, match.end())
        ) and not _DONE_AFTER_ALL.match(text, clause_end):
            return "negated"
        # "contractions? no, just wind, 28w": the answer inside a match that runs on past it.
        asked_end = text.find(" |", match.start(), match.end())
        if asked_end != -1 and _ANSWERED_NO.match(text, asked_end):
            return "negated"
        # "Scared of her choking with baby-led weaning" (see FEARED_NOT_HAPPENING).
        feared = _FEAR_OF.search(text, clause_start, match.start())
        # ... unless the message goes on to say it has come true: "well they just have".
        if (
            feared
            and category.name in FEARED_NOT_HAPPENING
            and not self.recurred.search(text, match.end())
        ):
            return "feared_not_happening"
        # A long match ending "... no bleeding": that sign is negated; any shorter match of the
        # same pattern before it ("35+2 and my waters went, no contractions") is judged instead.
        # "... and she can not see" is a sign in itself, not a denial.
        words = match.group(0).split()
        if len(words) >= 3 and words[-2] in self.negators - _spelled_words_of(
            match.re, self.negators
        ) and words[-3] not in _CAN:
            cut = match.start() + match.group(0).rindex(f" {words[-2]} ")
            shorter = match.re.search(text, match.start(), cut)
            return "negated" if shorter is None else self._lowering_reason(text, shorter, category)
        # "He's never hit me": a denial in a short match's own filler, with no "before tonight".
        if (
            category.name in DENIED_IN_THE_MATCH
            and len(words) <= 5
            and (denial := _DENIALS.intersection(words[1:-1]))
            and not denial & _spelled_words_of(match.re, self.negators)
            and not _UNTIL_NOW.match(text, match.end())
        ):
            return "negated"
        psychosis = category.name in NEVER_LOWERED_AS_PAST
        if psychosis and self.history.search(sentence):
            return "past_or_resolved"
        symptom = psychosis and match.group(0) not in ILLNESS_NAMES
        # The illness named in one sentence and its recovery told in another ("had psychosis
        # after our first in 2021. she fully recovered"): its signs, if any, are judged alone.
        if (
            psychosis and not symptom
            and (self.history.search(text) or self.resolved.search(text))
            and not self.again.search(text)
        ):
            return "past_or_resolved"
        if (
            category.name == "domestic_abuse"
            and self.safe_now.search(text)
            and not self.abuse_recent.search(text)
            and not self.again.search(text)
        ):
            return "past_or_resolved"
        dated = _DATED_BY_NEXT.match(text, sentence_end)
        if (
            not symptom
            and self._past_for(category.name).search(
                self.birth_timing.sub(" ", sentence + (dated.group(0) if dated else ""))
            )
            # A body sign back later in the message ("said it was fine. now it's happening
            # again") is not settled either.
            and not self.again.search(sentence)
            and not (category.name in RECURRING_SIGNS and self.recurred.search(text, match.end()))
        ):
            return "past_or_resolved"
        # "Not worried about myself but what does coercive control mean": the question after
        # the turn is judged on its own.
        clause_turns = [turn for turn in turns if turn.start() >= clause_start]
        asked = text[clause_turns[-1].end() if clause_turns else clause_start : clause_end]
        # A match that runs over a comma is asked about in the part where it ends too ("at
        # 28 weeks, what happens if my waters break while I'm away?").
        comma = text.rfind(",", clause_start, match.end())
        last_part = text[comma + 1 if comma != -1 else clause_start : clause_end]
        questions = [_unframed(part) for part in (clause, asked, last_part)]
        if (
            any(self.question.search(q) for q in questions)
            and not any(_PRESUPPOSED.match(q) for q in questions)
            and not self._happening_now(text)
            and match.re not in self.asked_is_told
        ):
            return "information_question"
        # The illness named for an essay, a course or a leaflet is information; a symptom is
        # judged by the narrower list, since delusions often involve the TV or a story.
        media = self.media if psychosis and not symptom else self._media_for(category.name)
        if media.search(sentence) or (
            match.group(0) in NAMED_TOPICS
            and (media.search(text) or self.media_for_topics.search(text))
        ):
            return "story_or_media"
        if self.work_before.search(text, sentence_start, match.start()) or self.work_after.match(
            text, match.end()
        ):
            return "someone_at_work"
        if category.name in self.child_categories and self._young_child_acts(
            text, clause_start, match
        ):
            return "young_child"
        condition = self.conditions.get(match.re)
        if condition is not None and condition[0].search(text):
            return condition[1]
        return None

    def _young_child_acts(self, text: str, clause_start: int, match: re.Match) -> bool:
        """Whether the sign's own verb has a young child as its subject (see `child_actor`)."""
        # The act must be the sign's own: begun by the time the sign is, and reaching into it.
        acts = [
            m for m in self.child_acts.finditer(text, clause_start, match.end())
            if m.start() <= match.start() < m.end()
        ]
        if not acts:
            return False
        return self._child_did(text, acts[-1], clause_start, match)

    def _child_did(self, text: str, act: re.Match, clause_start: int, sign: re.Match) -> bool:
        """Whether the one who did this act is a young child: named as one ("my toddler"), or
        a pronoun the message gives a child's age, with no adult of that sex named before."""
        if act.group("actor") not in self.pronouns:
            return True
        if self.feeding_bite.search(text, clause_start, _bounds(text, sign, _CLAUSE_BOUNDARY)[1]):
            return True
        if self.sibling.match(text, act.end()):
            return True
        aged, adults, hurt = self.pronouns[act.group("actor")]
        after = self.aged_after.search(text, act.end())
        if after is not None and after.group("old") is None and self.pregnancy.search(text):
            after = None
        return (
            (aged.search(text) is not None or after is not None)
            and adults.search(text, 0, act.start()) is None
            and hurt.match(text, act.end()) is None
        )

    def _asks(self, part: str) -> bool:
        """Whether a sentence or clause asks for information (see `information_question`)."""
        return self.question.search(_unframed(part)) is not None

    def _told_beside_question(self, text: str, category: str) -> bool:
        """Whether the sentences that ask nothing tell of the sign now, to the lexicon: "what
        does it mean if I can't feel kicks? haven't felt anything for hours, 27 weeks"."""
        if self.lexicon is None:
            return False
        sentences = [s for s in _SENTENCE.split(text) if s.strip()]
        told = [s for s in sentences if not self._asks(s)]
        if not told or len(told) == len(sentences):
            return False
        name, probability = self.lexicon.score(" | ".join(told))
        return name == category and probability >= self.lexicon.urgent_p

    def _happening_now(self, text: str) -> bool:
        """A question that says it is happening ("what do I do if I already took them an hour
        ago", "... because that's where I'm at tonight") is not asking for information."""
        return self.recent.search(text) is not None

    def _lexicon_lowering(self, text: str, category: str) -> str | None:
        """Why a lexicon judgement is only routine, read from the whole message."""
        if self._media_for(category).search(text):
            return "story_or_media"
        # A message that only asks ("what temperature is a fever in a baby?") tells of nothing.
        sentences = [s for s in _SENTENCE.split(text) if s.strip()]
        if all(self._asks(s) for s in sentences) and not self._happening_now(text):
            return "information_question"
        # The past answers it only if the sentences not about the past are not urgent alone.
        past = self.history if category in NEVER_LOWERED_AS_PAST else self._past_for(category)
        # In each sentence only what follows its last turn counts: "in a refuge now but he
        # found out which one" is not settled.
        sentences = _SENTENCE.split(self.birth_timing.sub(" ", text))
        settled = [past.search(_TURN.split(s)[-1]) is not None for s in sentences]
        if any(settled) and not self.again.search(text):
            rest = " | ".join(s for s, done in zip(sentences, settled, strict=True) if not done)
            if not self._urgent_alone(rest):
                return "past_or_resolved"
        # The reading answers the question only if, without it, the rest is not urgent.
        condition = self.lexicon_conditions.get(category)
        answered = condition[0].search(text) if condition is not None else None
        if answered is not None:
            rest = text[: answered.start()] + " | " + text[answered.end() :]
            if not self._urgent_alone(rest):
                return condition[1]
        return None

    def _urgent_alone(self, rest: str) -> bool:
        """Whether what is left of a message, once a part of it is set aside, is still urgent
        to the lexicon (only ever asked when the lexicon judged the whole message)."""
        return self.lexicon.score(rest)[1] >= self.lexicon.urgent_p

    def _past_for(self, category: str) -> re.Pattern:
        """What makes a sign of this category past or settled (see `resolved` in the patterns)."""
        return self.long_ago if category in self.long_ago_only else self.resolved

    def _media_for(self, category: str) -> re.Pattern:
        """Stories and programmes; for psychosis only plain consumption of one counts."""
        return self.media_for_psychosis if category in NEVER_LOWERED_AS_PAST else self.media

    def _negated(self, clause_before: list[str], sign: re.Match) -> bool:
        """Whether a negator in the few words before the sign denies it: not one that a "but"
        or a full stop inside the sign has left behind ("not a big crash but ... now some
        bleeding", "not like cramps. the baby has not moved")."""
        if _TURN.search(sign.group(0)) or _SENTENCE.search(sign.group(0)):
            return False
        before = clause_before[-self.negation_window :]
        signed = sign.group(0).split()
        following = [*before[1:], signed[0]]
        offset = len(clause_before) - len(before)
        # "no he hit me again": an answer before a sentence, not "no" before a noun; but
        # "no he does not hurt me" answers with a denial (a negator the pattern itself does
        # not spell, as "will not wake" is spelled).
        spelled = _spelled_words_of(sign.re, self.negators)
        answer_only = self.negators.intersection(signed) <= spelled
        for index in range(len(before) - 1, -1, -1):
            word = before[index]
            if word in self.negation_blockers:
                return False
            if word == "no" and answer_only and following[index] in _SENTENCE_OPENERS:
                continue
            # "if i do not come back he will hurt the baby": the negator is the condition's.
            start = offset + index
            if signed[0] in _SENTENCE_OPENERS and _CONDITIONS.intersection(
                clause_before[max(0, start - 3) : start]
            ):
                continue
            if word in self.negators:
                return True
        return False


# Words that only set the scene ("baby is 3 weeks old") or ask ("please help"): a feature made
# of nothing else carries no risk, so the lexicon never learns that ages, pronouns or a plea
# for help on an ordinary question mean danger.
CONTEXT_WORDS = frozenset(
    "a am an and are at baby babies been born day days for has have he help her him his i in is "
    "it me month months my of old on our please pregnant she the they to was we week weeks wks "
    "you".split()
)


_DIGIT = re.compile(r"\d")


def _context(word: str) -> bool:
    return word in CONTEXT_WORDS or (not word.isalpha() and _DIGIT.search(word) is not None)


def lexicon_features(normalised: str) -> list[str]:
    """Words, adjacent word pairs and pairs one word apart ("not _ moving", "hit _ again") of a
    normalised text (clause marks break pairs), less those made only of scene-setting words.
    The gapped pairs let one learned pair stand for many wordings around a sign."""
    features: list[str] = []
    for clause in _CLAUSE_BOUNDARY.split(normalised):
        words = clause.split()
        context = [_context(w) for w in words]
        features += [w for w, c in zip(words, context, strict=True) if not c]
        features += [
            f"{words[i]} {words[i + 1]}" for i in range(len(words) - 1)
            if not (context[i] and context[i + 1])
        ]
        features += [
            f"{words[i]} _ {words[i + 2]}" for i in range(len(words) - 2)
            if not (context[i] and context[i + 2])
        ]
    return features


class RiskLexicon:
    """Learned word weights per category (and for "none"): sums and a softmax, nothing else."""

    def __init__(self, spec: dict) -> None:
        self.urgent_p = float(spec["urgent_probability"])
        self.routine_p = float(spec["routine_probability"])
        self.min_words = int(spec["min_words"])
        # Feature -> its weight in each category, so that scoring looks each feature up once
        # (the per-category tables are not kept: only this index is needed to score).
        self._names = list(spec["categories"])
        self._biases = [float(body["bias"]) for body in spec["categories"].values()]
        self._weights: dict[str, tuple[tuple[int, float], ...]] = {}
        for index, body in enumerate(spec["categories"].values()):
            for feature, weight in body["weights"].items():
                self._weights[feature] = (*self._weights.get(feature, ()), (index, float(weight)))

    def score(self, normalised: str) -> tuple[str, float]:
        """The most likely category and its probability."""
        if len(normalised.split()) < self.min_words:
            return "none", 0.0
        sums = list(self._biases)
        for feature in set(lexicon_features(normalised)):
            for index, weight in self._weights.get(feature, ()):
                sums[index] += weight
        logits = dict(zip(self._names, sums, strict=True))
        top = max(logits.values())
        total = sum(math.exp(z - top) for z in logits.values())
        best = max((n for n in logits if n != "none"), key=logits.__getitem__)
        return best, math.exp(logits[best] - top) / total


@cache  # one entry per compiled pattern: a fixed set, held for life
def _spelled_words_of(pattern: re.Pattern, words: frozenset[str]) -> frozenset[str]:
    """Which of these words the pattern spells out itself (rather than lets a filler match)."""
    return frozenset(
        w for w in words if re.search(rf"(?:(?<![a-z\\])|(?<=\\b)){w}\b", pattern.pattern)
    )


def _bounds(text: str, match: re.Match, boundary: re.Pattern) -> tuple[int, int]:
    """Start and end of the stretch of text around a match, between two boundary marks."""
    starts = [m.end() for m in boundary.finditer(text, 0, match.start())]
    end = boundary.search(text, match.end())
    return (starts[-1] if starts else 0), (end.start() if end else len(text))


def _typo_budget(word: str) -> int:
    """One typo; two only in long words, where two typos still leave the word unmistakable."""
    return 2 if len(word) >= 12 else 1


def _closest(
    token: str, deletes: dict[str, tuple[str, ...]], frequency: dict[str, int]
) -> str | None:
    """The nearest word of the index within the token's typo budget, sharing its first letter
    (typos rarely change it; requiring it keeps "sitting" from becoming "fitting" and "sloppy"
    from becoming "floppy"); between equally near words, the commoner ("dorwning" is
    "drowning", not "downing"), then the first in alphabetical order, so that the answer
    never depends on the order of a set."""
    budget = _typo_budget(token)
    candidates = {
        word for variant in _deletions(token, budget) for word in deletes.get(variant, ())
        if word[0] == token[0]
    }
    ranked = sorted(
        (distance, -frequency.get(word, 0), word)
        for word in candidates if (distance := _distance(token, word)) <= budget
    )
    return ranked[0][2] if ranked else None


def _deletions(word: str, depth: int) -> set[str]:
    found, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def _deletion_index(vocabulary: frozenset[str]) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for word in vocabulary:
        for variant in _deletions(word, _typo_budget(word)):
            index.setdefault(variant, []).append(word)
    return {k: tuple(v) for k, v in index.items()}


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment): a swapped pair counts as one typo."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


# A regular-expression escape (\b, \s, \w) is not part of a word.
_ESCAPE = re.compile(r"\\[a-zA-Z]")
# A stem and its endings: "slap(?:ped|ping)" spells "slapped" and "slapping".
_STEM_ENDINGS = re.compile(r"([a-z]+)\(\?:([a-z|]+)\)")


def _spelled_words(specs: list) -> set[str]:
    """The whole words of six letters or more that the given patterns spell out."""
    words: set[str] = set()
    for pattern in (p for spec in specs for p in _strings(spec)):
        pattern = _ESCAPE.sub(" ", pattern)
        for stem, endings in _STEM_ENDINGS.findall(pattern):
            words.update(stem + ending for ending in endings.split("|"))
        words.update(re.findall(r"[a-z]+", pattern))
    return {w for w in words if len(w) >= 6}


@lru_cache(maxsize=1)
def english_words() -> dict[str, int]:
    """English words in everyday use and how common each is (pyspellchecker's frequency
    list, packaged with it: nothing is downloaded; its rarest entries are left out)."""
    from spellchecker import SpellChecker

    frequencies = SpellChecker(language="en").word_frequency
    return {w: count for w, count in frequencies.dictionary.items() if count >= 10}


# British spellings of words the (American) word list holds: "recognise", "colour", "foetal".
_BRITISH = tuple(
    (re.compile(pattern), american)
    for pattern, american in (
        (r"is(e|ed|es|ing)$", r"iz\1"), (r"ys(e|ed|es|ing)$", r"yz\1"), (r"our", "or"),
        (r"tre$", "ter"), (r"ae", "e"), (r"oe", "e"), (r"ll(ed|ing)$", r"l\1"),
    )
)
# Endings that make a word of a word ("everythings", "crampy", "teether", "tightenings"),
# and contractions without their apostrophe ("theyve").
_ENDINGS = ("s", "es", "y", "ey", "er", "ed", "ing", "ings", "ly", "ve", "re", "ll", "d")


def _is_english(token: str, english: dict[str, int]) -> bool:
    """A word in use, in British spelling or with an everyday ending, is no one's typo."""
    if token in english:
        return True
    for pattern, american in _BRITISH:
        if pattern.sub(american, token) in english:
            return True
    return any(
        token.endswith(ending) and (stem := token[: -len(ending)]) and len(stem) >= 3
        and (stem in english or stem + "e" in english)
        for ending in _ENDINGS
    )


def _strings(value) -> list[str]:
    """Every string in a loaded YAML document."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _load(path: Path) -> dict:
    # The C loader where PyYAML has it: the lexicon is large, and the pure-Python loader takes
    # seconds and far more memory to read it.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


@lru_cache(maxsize=1)
def pattern_detector() -> RiskDetector:
    """The hand-written layer alone (also what the lexicon is built with)."""
    return RiskDetector(_load(PATTERNS_FILE))


@lru_cache(maxsize=1)
def default_detector() -> RiskDetector:
    """Patterns plus the learned lexicon, as every channel and the NLU pipeline use it."""
    lexicon = RiskLexicon(_load(LEXICON_FILE)) if LEXICON_FILE.exists() else None
    return RiskDetector(_load(PATTERNS_FILE), lexicon)


def detect(text: str) -> Detection | None:
    """Detect risk in one message with the shipped patterns."""
    return default_detector().detect(text)
