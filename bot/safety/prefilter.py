"""Which patterns could match a text at all, from the words it contains.

A category's patterns were one alternation tried at every word start: 30-70 alternatives each
time, most of which fail on the first word. Almost every pattern needs one of a few words to
be there ("kill", "killing" -> "kill"; "bleed", "bleeding" -> "blee..."). `triggers` reads that
from the pattern itself (its parsed form, so it stays right when a pattern is edited): a set of
literal word beginnings, one of which every match must start a word with. A text's words then
say which patterns are worth trying; the others cannot match, so leaving them out changes
nothing. `Alternation` keeps the leftmost-first matches of the full alternation exactly, by
running the possible patterns separately and merging their matches in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

try:  # Python 3.11+
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_WORD_RUN = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")

# None: no requirement found (the pattern is always tried).
Triggers = frozenset[str] | None


# Words in almost every message: a requirement naming one of them hardly filters anything.
COMMON = frozenset(
    "a am an and are as at baby be been but by can do for from get go got had has have he her "
    "him his i if in is it its just me my no not of on or our she so that the them then there "
    "they this to up was we were what when will with would you your".split()
)


def _key(words: frozenset[str]) -> tuple[bool, int, int]:
    return (not any(w in COMMON for w in words), min(map(len, words)), -len(words))


def _better(a: Triggers, b: Triggers) -> Triggers:
    """The more selective of two requirements: no common word, then a longer shortest word,
    then fewer words."""
    if a is None:
        return b
    if b is None:
        return a
    return a if _key(a) >= _key(b) else b


def _is_space(item) -> bool:
    op, av = item
    return op is sre_constants.IN and av == [(sre_constants.CATEGORY,
                                              sre_constants.CATEGORY_SPACE)]


def _sequence(items, at_word_start: bool) -> tuple[Triggers, bool]:
    """(requirement, whether the sequence ends at a word start) for a parsed sequence that
    starts at a word start or not."""
    best: Triggers = None
    ws = at_word_start
    i = 0
    items = list(items)
    while i < len(items):
        op, av = items[i]
        if op is sre_constants.LITERAL:
            char = chr(av)
            if ws and _WORD_CHAR.match(char):
                run = ""
                while (i < len(items) and items[i][0] is sre_constants.LITERAL
                       and _WORD_CHAR.match(chr(items[i][1]))):
                    run += chr(items[i][1])
                    i += 1
                best = _better(best, frozenset({run}))
                ws = False
                continue
            ws = char.isspace()
        elif op is sre_constants.AT:
            if av in (sre_constants.AT_BOUNDARY, sre_constants.AT_BEGINNING,
                      sre_constants.AT_BEGINNING_STRING):
                ws = True
            elif av is sre_constants.AT_NON_BOUNDARY:
                ws = False
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            pass  # consumes nothing
        elif op is sre_constants.IN:
            ws = _is_space(items[i])
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT,
                    getattr(sre_constants, "POSSESSIVE_REPEAT", None)):
            low, _high, body = av
            if len(body) == 1 and _is_space(body[0]):
                ws = True if low >= 1 else ws
            else:
                required, ends = _sequence(body, ws)
                ends = ends and _sequence(body, ends)[1]  # as a later repetition ends
                if low >= 1:
                    best = _better(best, required)
                    ws = ends
                else:
                    ws = ws and ends
        elif op is sre_constants.SUBPATTERN:
            required, ws = _sequence(av[-1], ws)
            best = _better(best, required)
        elif op is sre_constants.BRANCH:
            union: set[str] = set()
            ends_all = True
            for alternative in av[1]:
                required, ends = _sequence(alternative, ws)
                ends_all = ends_all and ends
                if required is None:
                    union = None  # type: ignore[assignment]
                elif union is not None:
                    union |= required
            if union is not None:
                best = _better(best, frozenset(union))
            ws = ends_all
        else:
            ws = False
        i += 1
    return best, ws


def triggers(pattern: str) -> Triggers:
    """Word beginnings one of which starts a word in every match of `pattern` (None if the
    pattern gives no such guarantee)."""
    required, _ = _sequence(sre_parse.parse(pattern).data, False)
    return required


class WordIndex:
    """Maps each word of a text to the (alternation, pattern) pairs its beginnings unlock."""

    def __init__(self) -> None:
        self._by_trigger: dict[str, list[tuple[int, int]]] = {}
        self._lengths: list[int] = []
        self._cache: dict[str, tuple[tuple[int, int], ...]] = {}
        self._count = 0

    def register(self, patterns: list[str]) -> tuple[int, list[bool]]:
        """An id for a new alternation, and which of its patterns are always tried."""
        owner = self._count
        self._count += 1
        always = []
        for index, pattern in enumerate(patterns):
            required = triggers(pattern)
            always.append(required is None)
            for word in required or ():
                self._by_trigger.setdefault(word, []).append((owner, index))
        self._lengths = sorted({len(w) for w in self._by_trigger})
        self._cache.clear()
        return owner, always

    def _word(self, word: str) -> tuple[tuple[int, int], ...]:
        found = self._cache.get(word)
        if found is None:
            hits: list[tuple[int, int]] = []
            for length in self._lengths:
                if length > len(word):
                    break
                hits += self._by_trigger.get(word[:length], ())
            found = tuple(hits)
            if len(self._cache) < 100_000:  # bounded: texts are untrusted
                self._cache[word] = found
        return found

    def scan(self, text: str) -> dict[int, set[int]]:
        """For each alternation, the patterns that some word of the text unlocks."""
        unlocked: dict[int, set[int]] = {}
        for word in set(_WORD_RUN.findall(text)):
            for owner, index in self._word(word):
                unlocked.setdefault(owner, set()).add(index)
        return unlocked


class Alternation:
    """`(?:p1)|(?:p2)|...` with the same matches, trying only patterns a text's words allow."""

    def __init__(self, patterns: list[str], index: WordIndex) -> None:
        self.patterns = [re.compile(p) for p in patterns]
        self.owner, always = index.register(patterns)
        self.always = {i for i, flag in enumerate(always) if flag}

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def possible(self, unlocked: dict[int, set[int]]) -> list[re.Pattern]:
        found = unlocked.get(self.owner)
        if found is None:
            return [self.patterns[i] for i in sorted(self.always)]
        return [self.patterns[i] for i in sorted(self.always | found)]

    def finditer(
        self, text: str, unlocked: dict[int, set[int]], pos: int = 0
    ) -> Iterator[re.Match]:
        """The matches `re.compile("|".join(...)).finditer(text, pos)` would give, in order."""
        if not self.always and self.owner not in unlocked:
            return iter(())
        patterns = self.possible(unlocked)
        if len(patterns) == 1:
            return patterns[0].finditer(text, pos)
        return self._merged(text, patterns, pos)

    def _merged(self, text: str, patterns: list[re.Pattern], pos: int) -> Iterator[re.Match]:
        nexts = [p.search(text, pos) for p in patterns]
        while True:
            best = None
            for match in nexts:
                if match is not None and (best is None or match.start() < best.start()):
                    best = match
            if best is None:
                return
            yield best
            # An empty match would need the engine's rule for the next start; none of the
            # patterns matches empty text, and the tests hold them to it.
            pos = best.end() if best.end() > best.start() else best.end() + 1
            if pos > len(text):
                return
            nexts = [
                m if m is None or m.start() >= pos else patterns[i].search(text, pos)
                for i, m in enumerate(nexts)
            ]

    def search(self, text: str, unlocked: dict[int, set[int]]) -> re.Match | None:
        if not self.always and self.owner not in unlocked:
            return None
        found = None
        for pattern in self.possible(unlocked):  # the leftmost match, first pattern on a tie
            match = pattern.search(text)
            if match is not None and (found is None or match.start() < found.start()):
                found = match
        return found

    def sub(self, replacement: str, text: str, unlocked: dict[int, set[int]]) -> str:
        parts, last = [], 0
        for match in self.finditer(text, unlocked):
            parts.append(text[last:match.start()])
            parts.append(replacement)
            last = match.end()
        if not parts:
            return text
        parts.append(text[last:])
        return "".join(parts)
