
"""Reading a parent's free-text answer to a mood check-in question.

Parents answer by SMS or Telegram as people really type: "yesss", "nah not really", "most dys",
"um probably about 10 days". A reader maps an answer onto its scale only when the answer is
clear and returns None otherwise, and the check-in asks again briefly. A wrong mapping changes
a clinical score, so the readers never guess:

- Every word must be understood. An unknown word makes the answer unclear instead of being
  skipped, because it may qualify or reverse the rest ("yes, years ago", "no, not until last
  week", "I can't stop crying").
- Mixed answers are unclear: "yes and no", "yeah nah", "most days, sometimes every day".
- Questions, doubt, conditions and changes over time are unclear: a "?", "maybe", "not sure",
  "I don't know", "hard to say", "but", "though", "if", "used to", "not anymore".
- Negation is read, never stripped: "not every day", "not often", "not great" are unclear;
  "I haven't", "not really", "not at all" are clear. Double negation is unclear.
- Spelling is forgiven only where that cannot change the meaning: case, punctuation, emoji,
  apostrophes, stretched letters ("yesss", "nooo") and a fixed list of misspellings and
  text-speak ("ya", "yh", "def", "v", "rly", "evry", "nrly", "dys"). There is no fuzzy
  matching: "no" is one letter from "so".
- A polite refusal ("no thanks") is unclear: it may decline the check-in, not answer it.

Yes/no (the Whooley questions and the help question):

- Degree words ("sometimes", "a bit", "kind of", "now and then") on their own are unclear: they
  do not say whether the parent would answer yes. With a yes they are a yes ("a bit yes", "yes
  sometimes", "I have, a bit"); with a no they are unclear ("no, sometimes").
- High-frequency words ("every day", "all the time", "a lot") are a yes: the Whooley asks if
  the parent has *often* been bothered. Negated ("not often", "not a lot") they are unclear.
- "probably", "I think", "I'd say", "I guess" go with the answer they qualify ("I think so",
  "probably not"); "maybe", "perhaps", "possibly" leave it unclear.
- "I have", "I do", "I am" answer with the question's own verb and are a yes; "I haven't",
  "I don't" are a no. "I'm ok" or "I'm fine" alone is unclear (it answers "how are you?"), but
  is part of a no ("no I'm ok"); "not ok" is unclear.
- "Yes, but not today" (a third answer to the help question) is unclear, like any "but".

Frequency (PHQ-9, GAD-2, GAD-7: 0-3 over the last two weeks):

- A bare digit 0-3 is the scale value, also inside a short answer ("I'd say 2"). Other numbers
  and number words on their own are unclear, as are "option 2", "about 2", "2/3" and "-1".
- A count of days maps by how many of the 14 days it covers: 0 -> 0, 1-6 -> 1, 7-11 -> 2,
  12-14 -> 3; more than 14 is unclear. A range or an approximate count must fall in one band:
  "about N" stands for N-1 to N+1, so "about 10 days" is 2 but "about 12 days" is unclear.
  "N times" means at most N days; "N a week" counts both weeks; rates per day ("twice a day")
  are unclear.
- "sometimes", "a bit", "a little" are 1, as are the other words for "several days". "probably",
  "I'd say", "kind of" go with the frequency they qualify ("probably most days" is 2), and alone
  are unclear. "half the time", "rarely", "hardly ever", "not often", "not much", "quite a few"
  sit on a boundary between two options and are unclear.
- "no", "nope", "never", "not really", "none" are 0. "yes" alone is unclear (it is not a
  frequency) but may go with one ("yes, most days"); "yes" with a 0 ("yes no") is unclear.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.text_patterns import APOSTROPHES

FREQUENCY_LABELS: tuple[str, str, str, str] = (
    "Not at all",
    "Several days",
    "More than half the days",
    "Nearly every day",
)

# What a word or phrase does to an answer.
_YES = "yes"  # an explicit yes
_NO = "no"  # an explicit no
_NEG = "neg"  # a negator: "not", "haven't", "don't"
_PRON = "pron"  # "I", the subject of "I have", "I don't"
_AUX = "aux"  # the question's own verb: "have", "do", "am", "been"
_AUX_PRON = "aux_pron"  # both at once: "I've", "I'm"
_FILL = "fill"  # changes nothing: "um", "really", "honestly", "lately", "thanks"
_EPIST = "epist"  # commits to the answer it goes with: "probably", "I think", "I'd say"
_ECHO = "echo"  # words of the question itself: "down", "anxious", "help"
_REASSURE = "reassure"  # "ok", "fine", "all good": fits only a no
_NPI = "npi"  # "at all": fits only a no
_DEGREE = "degree"  # yes/no: "sometimes", "a bit", "kind of": fits only a yes
_STRONG = "strong"  # yes/no: "every day", "a lot": a yes
_LEVEL = "level"  # frequency: a point on the 0-3 scale
_UNSURE = "unsure"  # doubt, questions, refusals, conditions: the answer is unclear
_UNKNOWN = "unknown"  # a word the reader does not know

_UNCLEAR = frozenset({_UNSURE, _UNKNOWN})
_SKIPPABLE = frozenset({_FILL, _EPIST})
_CONTRACTED_NEGATORS = frozenset({
    "dont", "doesnt", "didnt", "havent", "hasnt", "hadnt", "wasnt", "werent", "isnt", "arent",
    "aint",
})


@dataclass(frozen=True)
class _Item:
    kind: str
    value: int | None = None  # frequency: the scale value
    negates: bool = False  # puts the rest of its clause under negation ("never", "not really")
    word: str = ""


# Word lists. Phrases are separated by commas; a phrase is matched as a whole, longest first.

_NEGATORS = "not, " + ", ".join(sorted(_CONTRACTED_NEGATORS))

_UNSURE_WORDS = """
    maybe, perhaps, possibly, might, could be, unsure, not sure, not really sure, not too sure,
    not so sure, not certain, no idea, no clue, not a clue, dont know, dont really know,
    didnt know, dont no, idk, idek, dunno, hard to say, difficult to say, hard to tell,
    cant say, cant really say, couldnt say, cant tell, depends, it depends, varies, it varies,
    what, why, how, huh, eh, pardon, mean, or, either, question, option, number, choice,
    not now, not today, not yet, not right now, later, oh no, oh god,
    no thanks, no thank you, nah thanks, nah thank you, no ta, nope thanks,
    but, though, tho, although, altho, however, except, unless, if, whereas, yet, used to,
    used, anymore, any more, no longer, not anymore, not any more, before, ago, until, till,
    til, then again, apart from, other than, better, worse, half, half the time, about half,
    rarely, seldom, hardly, barely, hardly ever, almost never, quite a few, a good few,
    a fair few, a fair bit, a fair amount
"""
_FILL_WORDS = """
    um, umm, uh, er, erm, hmm, hm, mm, ah, oh, well, so, like, just, actually, basically,
    honestly, tbh, ngl, to be honest, if im honest, if i am honest, in all honesty, lol, haha,
    x, xx, please, thanks, thank you, cheers, sadly, unfortunately, sorry, im afraid,
    i am afraid, really, very, quite, pretty, super, extremely, truly, totally, and, the, of,
    in, by, with, for, it, that, this, mate, hun, feel, feeling, felt, was, were, had, lately,
    recently, currently, at the moment, atm, these days, still
"""
_EPIST_WORDS = """
    probably, i think, think, i guess, guess, i suppose, suppose, i reckon, reckon, id say,
    i would say, would say, id have to say, i believe, believe
"""
_ECHO_WORDS = """
    down, low, depressed, depression, hopeless, sad, flat, miserable, unhappy, teary, tearful,
    fed up, anxious, anxiety, nervous, on edge, worried, worrying, worry, stressed,
    overwhelmed, struggling, bothered, little interest, no interest, little pleasure,
    no pleasure, no motivation, interest, pleasure, need, want, help, some help
"""
_REASSURE_WORDS = """
    ok, okay, alright, all right, fine, good, great, grand, all good, coping, happy,
    doing ok, doing okay, doing fine, doing well, doing good, doing alright
"""
_YES_WORDS = """
    yes, yeah, yea, yeh, yah, ya, ye, yh, yep, yup, yeap, yas, yus, yesh, aye, yes please,
    definitely, def, defo, absolutely, certainly, indeed, of course, ofc, for sure, very much,
    very much so, afraid so, im afraid so, i am afraid so, sadly so, unfortunately so,
    i think so, think so, i believe so, believe so, i guess so, guess so, i suppose so,
    suppose so, i reckon so, reckon so, i would say so, id say so, would say so
"""
_NO_WORDS = """
    no, nope, nop, nah, na, naw, nae, nay, no way, never, never really, not really, not at all,
    not at all really, dont think so, i dont think so, dont believe so, i dont believe so,
    i wouldnt say so, wouldnt say so, probably not, i think not, definitely not, def not,
    defo not, absolutely not, certainly not, of course not, hell no, god no, not once,
    not even once, not one day, not a single day, not a day, none, none at all, not lately,
    not recently
"""
# Yes/no only: these do not say how often ("not much" could be 0 or 1 on the frequency scale).
_NO_ONLY_WORDS = """
    not much, not very much, not that much, not particularly, not especially, not me
"""

# The frequency scale. In a yes/no answer, 1 is a degree word and 2-3 a high-frequency word.
_LEVEL_WORDS = {
    0: """
        zero, none of the days, none of the time, none of them
    """,
    1: """
        several days, several, a few days, few days, a few, some days, sometimes, some times,
        the odd day, odd day, the odd time, a bit, a little, a little bit, little bit,
        a wee bit, a tiny bit, slightly, now and then, every now and then, now and again,
        every now and again, once or twice, a few times, a couple of times, a couple,
        occasionally, on occasion, on and off, off and on, at times, here and there,
        from time to time, once in a while, every once in a while, every so often,
        some of the time, some nights, a few nights, every few days
    """,
    2: """
        more than half the days, more than half of the days, more than half the time,
        more than half of the time, more than half, over half the days, over half of the days,
        over half the time, over half, more then half the days, more then half, most days,
        most of the days, most of the time, most nights, most mornings, most evenings, most,
        mostly, more often than not, more days than not, a lot, lots, loads, a lot of the time,
        lots of the time, a lot of days, lots of days, loads of days, often, frequently, usually,
        quite a lot, quite a bit, every other day, the majority of the time, majority of the time,
        the majority of days, the majority of the days, majority of days, the majority
    """,
    3: """
        nearly every day, almost every day, every day, every single day, each day,
        pretty much every day, practically every day, virtually every day,
        just about every day, near enough every day, nearly every night, every night,
        every morning, every evening, all day every day, day and night, all the time,
        all of the time, the whole time, nearly all the time, almost all the time,
        pretty much all the time, constantly, constant, always, nearly always, almost always,
        pretty much always, daily, nearly daily, almost daily, non stop, nonstop, all the days,
        every day without fail
    """,
}
_DEGREE_ONLY_WORDS = "kind of, sort of, somewhat, partly, a tad, mildly"

# Misspellings and text-speak, each with the words it stands for. Only forms that cannot be
# read as anything else belong here.
_ALIASES = {
    "yse": "yes", "yez": "yes", "deff": "def", "defs": "def", "deffo": "defo",
    "definately": "definitely", "definatly": "definitely", "definitly": "definitely",
    "defintely": "definitely", "definetly": "definitely", "definitley": "definitely",
    "definetely": "definitely", "defiantly": "definitely", "deffinitely": "definitely",
    "absolutly": "absolutely", "absolutley": "absolutely",
    "dnt": "dont", "dosnt": "doesnt", "dosent": "doesnt", "doesent": "doesnt",
    "havnt": "havent", "hvnt": "havent", "havet": "havent", "wasn": "wasnt", "didn": "didnt",
    "iam": "i am", "rly": "really", "rlly": "really", "realy": "really", "relly": "really",
    "rilly": "really", "v": "very", "vry": "very", "quiet": "quite", "prety": "pretty",
    "evry": "every", "evey": "every", "evrey": "every", "everi": "every",
    "everyday": "every day", "evryday": "every day", "eveyday": "every day",
    "evreyday": "every day", "everday": "every day",
    "dys": "days", "dayz": "days", "dy": "day", "nite": "night", "nites": "nights",
    "wk": "week", "wks": "weeks", "tims": "times",
    "nrly": "nearly", "nerly": "nearly", "nearley": "nearly", "almst": "almost",
    "mst": "most", "mor": "more", "thn": "than", "hlf": "half", "haf": "half",
    "alwys": "always", "alway": "always", "alwayz": "always", "allways": "always",
    "constanly": "constantly", "constantley": "constantly", "constently": "constantly",
    "somtimes": "sometimes", "sometims": "sometimes", "sumtimes": "sometimes",
    "smtimes": "sometimes", "somtims": "sometimes", "sometime": "sometimes",
    "somtime": "sometimes", "sumtime": "sometimes",
    "occasionaly": "occasionally", "ocasionally": "occasionally",
    "occassionally": "occasionally", "ocassionally": "occasionally",
    "ocasionaly": "occasionally", "offen": "often", "oftn": "often", "ofen": "often",
    "severel": "several", "sevral": "several", "sevrel": "several", "severl": "several",
    "usualy": "usually", "usally": "usually", "ususally": "usually",
    "neva": "never", "nevr": "never", "nver": "never", "latley": "lately",
    "alot": "a lot", "allot": "a lot", "abit": "a bit", "alittle": "a little", "lil": "little",
    "afew": "a few", "kinda": "kind of", "kindof": "kind of", "sorta": "sort of",
    "sortof": "sort of", "dno": "dunno", "donno": "dunno", "duno": "dunno",
    "prob": "probably", "probs": "probably", "prolly": "probably", "probly": "probably",
    "probaly": "probably", "probally": "probably", "propably": "probably",
    "okey": "ok", "oki": "ok", "okie": "ok", "thx": "thanks", "thnx": "thanks",
    "thanx": "thanks", "ty": "thanks", "feelin": "feeling", "cannot": "cant",
}
_LAUGHTER = re.compile(r"^(?:ha|he|hah|heh){2,}h?$")
# "do not" is "dont", so that "I do not think so" reads as "I don't think so".
_NEGATED_AUX = {
    "do": "dont", "does": "doesnt", "did": "didnt", "have": "havent", "has": "hasnt",
    "had": "hadnt", "was": "wasnt", "were": "werent", "is": "isnt", "are": "arent",
    "can": "cant", "could": "couldnt", "would": "wouldnt",
}

# Counts of days ("3 days", "about 10 days", "once or twice a week", "10 out of 14").
_NUMBER_WORDS = {
    "zero": 0, "no": 0, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14,
}
_NUMBER_PHRASES = {  # (fewest, most)
    ("a", "couple", "of"): (2, 2), ("a", "couple"): (2, 2), ("couple", "of"): (2, 2),
    ("couple",): (2, 2), ("a", "few"): (2, 4), ("few",): (2, 4), ("several",): (3, 6),
}
_TIMES_WORDS = {"once": (1, 1), "twice": (2, 2), "thrice": (3, 3)}
_COUNT_PREFIXES = (  # longest first
    (("no", "more", "than"), "below"), (("not", "more", "than"), "below"),
    (("more", "than"), "above"), (("at", "least"), "from"), (("less", "than"), "below"),
    (("fewer", "than"), "below"), (("at", "most"), "below"), (("up", "to"), "below"),
    (("round", "about"), "about"), (("over",), "above"), (("under",), "below"),
    (("about",), "about"), (("around",), "about"), (("roughly",), "about"),
    (("approx",), "about"), (("approximately",), "about"), (("like",), "about"),
    (("abt",), "about"), (("nearly",), "nearly"), (("almost",), "nearly"),
    (("between",), "between"),
)
_DAY_UNITS = frozenset({"day", "days", "night", "nights", "morning", "mornings", "evening",
                        "evenings"})
_WEEK_UNITS = {"week": 7, "weeks": 7, "fortnight": 14, "fortnights": 14}
_TIME_UNITS = frozenset({"time", "times", "x"})
_PER_WEEK = (("a", "week"), ("per", "week"), ("each", "week"), ("every", "week"), ("pw",),
             ("weekly",))
_PER_OTHER = frozenset({"day", "night", "morning", "evening", "month", "year", "hour",
                        "daily", "nightly", "monthly", "hourly"})
_FORTNIGHT = 14

# The question's own time window adds nothing: "most days in the last 2 weeks".
_WINDOW = re.compile(
    r"\b(?:(?:over|in|during|for|within|across) )?(?:the )?(?:this )?(?:last|past) "
    r"(?:(?:2|two|couple of|couple|few) weeks|fortnight|14 days|month|4 weeks|four weeks)\b"
    r"|\b(?:this|the) (?:past )?(?:month|fortnight)\b"
)
_PAYLOAD = re.compile(r"^\s*/(\w+)\s*(?:\{.*\})?\s*$", re.DOTALL)
_NUMBER_RANGE = re.compile(r"(\d)\s*[-\u2010-\u2015~]\s*(?=\d)")
_WORD_HYPHEN = re.compile(r"(?<=[^\W\d_])[-\u2010\u2011](?=[^\W\d_])")
_MINUS = re.compile(r"(?<![\w.])[-\u2212]\d")  # "-1" is not on the scale
_ALL_DAY_LONG = re.compile(r"\b24\s*/\s*7\b")
_FRACTION = re.compile(r"\d\s*/\s*\d")
_BREAKS = re.compile(r"[^\w\s]+|_|\n")
_TOKENS = re.compile(r"[^\W\d_]+|\d+")
_RUNS_OF_3 = re.compile(r"(.)\1{2,}")
_RUNS_OF_2 = re.compile(r"(.)\1+")


def _phrases(text: str) -> list[tuple[str, ...]]:
    return [tuple(p.split()) for p in text.split(",") if p.split()]


def _lexicon(*groups: tuple[str, str, int | None]) -> dict[tuple[str, ...], _Item]:
    """Phrase -> item. A later group does not override an earlier one."""
    lexicon: dict[tuple[str, ...], _Item] = {}
    for kind, text, value in groups:
        for words in _phrases(text):
            negates = kind == _NEG or words[0] in ("not", "never") or (
                words[0] in _CONTRACTED_NEGATORS
            ) or words[:2] in (("i", "dont"), ("i", "wouldnt"))
            lexicon.setdefault(words, _Item(kind, value, negates, " ".join(words)))
    return lexicon


_SHARED = (
    (_UNSURE, _UNSURE_WORDS, None),
    (_NPI, "at all", None),
    (_NEG, _NEGATORS, None),
    (_PRON, "i", None),
    (_AUX, "have, has, do, does, did, am, is, been", None),
    (_AUX_PRON, "ive, im", None),
    (_REASSURE, _REASSURE_WORDS, None),
    (_EPIST, _EPIST_WORDS, None),
    (_ECHO, _ECHO_WORDS, None),
    (_FILL, _FILL_WORDS, None),
)
_YES_NO_LEXICON = _lexicon(
    *_SHARED[:1],
    (_YES, _YES_WORDS, None),
    (_NO, _NO_WORDS, None),
    (_NO, _NO_ONLY_WORDS, None),
    (_STRONG, _LEVEL_WORDS[3], None),
    (_STRONG, _LEVEL_WORDS[2], None),
    (_STRONG, "so much", None),
    (_DEGREE, _LEVEL_WORDS[1], None),
    (_DEGREE, _DEGREE_ONLY_WORDS, None),
    *_SHARED[1:],
)
_FREQUENCY_LEXICON = _lexicon(
    *_SHARED[:1],
    (_UNSURE, "about, around, roughly, approx, approximately", None),
    (_LEVEL, _NO_WORDS, 0),
    (_LEVEL, _LEVEL_WORDS[0], 0),
    (_LEVEL, _LEVEL_WORDS[1], 1),
    (_LEVEL, _LEVEL_WORDS[2], 2),
    (_LEVEL, _LEVEL_WORDS[3], 3),
    (_YES, _YES_WORDS, None),
    (_EPIST, "kind of, sort of", None),
    *_SHARED[1:],
)
_LONGEST = max(len(words) for words in (*_YES_NO_LEXICON, *_FREQUENCY_LEXICON))
_VOCABULARY = frozenset(
    word
    for words in (*_YES_NO_LEXICON, *_FREQUENCY_LEXICON, *_NUMBER_PHRASES)
    for word in words
) | frozenset(_NUMBER_WORDS) | frozenset(_TIMES_WORDS) | _DAY_UNITS | frozenset(
    _WEEK_UNITS
) | _TIME_UNITS | _PER_OTHER | {"out", "per", "each", "ish", "give", "take", "to", "week"}


# Reading the text.


def _payload(text: str) -> str | None:
    """The intent of a button payload ("/affirm"), else None."""
    match = _PAYLOAD.match(text)
    return match.group(1).lower() if match else None


def _canonical(word: str) -> list[str]:
    """The word as the lexicons spell it: "Yesss" -> ["yes"], "alot" -> ["a", "lot"]."""
    if word.isdigit():
        return [str(int(word))] if len(word) <= 6 else [word]
    if _LAUGHTER.match(word):
        return ["haha"]
    forms = [word]
    for runs, keep in ((_RUNS_OF_3, r"\1\1"), (_RUNS_OF_2, r"\1")):
        shorter = runs.sub(keep, word)
        if shorter not in forms:
            forms.append(shorter)
    for form in forms:
        if form in _ALIASES:
            return _ALIASES[form].split()
        if form in _VOCABULARY:
            return [form]
    return [word]


def _merge_negations(tokens: list[str]) -> list[str]:
    """ "do not" -> "dont", so one spelling of each negated verb reaches the lexicons."""
    merged: list[str] = []
    for token in tokens:
        if token == "not" and merged and merged[-1] in _NEGATED_AUX:
            merged[-1] = _NEGATED_AUX[merged[-1]]
        else:
            merged.append(token)
    return merged


def _read(text: str) -> tuple[list[str], list[list[str]]] | None:
    """(the raw words, the canonical words of each clause), or None for a question or a
    fraction."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if "?" in text or "\u00bf" in text:
        return None
    text = text.replace("\U0001f51f", " 10 ").replace("\ufe0f", "").replace("\u20e3", "")
    text = APOSTROPHES.sub("", text)
    text = _ALL_DAY_LONG.sub(" constantly ", text)
    if _FRACTION.search(text):
        return None  # "2/3", "10/14": a fraction of what is not said
    text = _NUMBER_RANGE.sub(r"\1 to ", text)
    text = _WORD_HYPHEN.sub(" ", text)
    raw = _TOKENS.findall(text)
    segments = []
    for part in _BREAKS.split(text):
        words = [c for token in _TOKENS.findall(part) for c in _canonical(token)]
        words = _WINDOW.sub(" ", " ".join(_merge_negations(words))).split()
        if words:
            segments.append(words)
    return raw, segments


# Counts of days.


def _band(days: int) -> int:
    return 0 if days == 0 else 1 if days <= 6 else 2 if days <= 11 else 3


def _starts(tokens: list[str], at: int, words: tuple[str, ...]) -> bool:
    return tuple(tokens[at : at + len(words)]) == words


def _number(tokens: list[str], at: int) -> tuple[int, int, int, bool] | None:
    """(fewest, most, next position, is a count of times) for a number at `at`, else None."""
    if at >= len(tokens):
        return None
    token = tokens[at]
    if token.isdigit():
        return int(token), int(token), at + 1, False
    if token in _TIMES_WORDS:
        low, high = _TIMES_WORDS[token]
        return low, high, at + 1, True
    for words, (low, high) in _NUMBER_PHRASES.items():
        if _starts(tokens, at, words):
            return low, high, at + len(words), False
    if token in _NUMBER_WORDS:
        return _NUMBER_WORDS[token], _NUMBER_WORDS[token], at + 1, False
    return None


def _count(tokens: list[str], at: int) -> tuple[int, int | None] | None:
    """(next position, scale value) for a count of days starting at `at`; the value is None
    when the count cannot be placed on the scale ("about 12 days", "15 days", "twice a day").
    None when no count starts here."""
    mode = ""
    for words, prefix_mode in _COUNT_PREFIXES:
        if _starts(tokens, at, words):
            mode, at = prefix_mode, at + len(words)
            break
    first = _number(tokens, at)
    if first is None:
        return None
    low, high, at, times = first
    approx = mode == "about"
    if at < len(tokens) and tokens[at] == "ish":
        approx, at = True, at + 1
    joiners = ("and",) if mode == "between" else ("or", "to")
    if at < len(tokens) and tokens[at] in joiners:
        second = _number(tokens, at + 1)
        if second is not None and (second[3] == times or not second[3]):
            high, at = second[1], second[2]
    elif mode == "between":
        return at, None
    factor = 1
    if not times:
        unit = tokens[at] if at < len(tokens) else ""
        if unit in _DAY_UNITS:
            at += 1
        elif unit in _WEEK_UNITS:
            factor, at = _WEEK_UNITS[unit], at + 1
        elif unit in _TIME_UNITS:
            times, at = True, at + 1
        denominator = None
        for words in (("out", "of", "the"), ("out", "of"), ("of", "the"), ("of",)):
            if _starts(tokens, at, words) and at + len(words) < len(tokens):
                after = tokens[at + len(words)]
                if after.isdigit():
                    denominator, at = int(after), at + len(words) + 1
                    break
        if denominator is not None:
            if factor != 1 or times or denominator not in (7, _FORTNIGHT):
                return at, None
            factor = _FORTNIGHT // denominator
            if at < len(tokens) and tokens[at] in _DAY_UNITS:
                at += 1
        elif unit not in _DAY_UNITS and unit not in _WEEK_UNITS and unit not in _TIME_UNITS:
            return None  # a bare number is not a count
    if tokens[at : at + 1] == ["or"] and low == high:  # "a day or two"
        second = _number(tokens, at + 1)
        if second is not None and not second[3]:
            high, at = second[1], second[2]
    per_week = False
    for words in _PER_WEEK:
        if _starts(tokens, at, words):
            per_week, at = True, at + len(words)
            break
    else:
        if tokens[at : at + 1] and (
            tokens[at] in _PER_OTHER
            or (tokens[at] in ("a", "per", "each", "every") and tokens[at + 1 : at + 2]
                and tokens[at + 1] in _PER_OTHER)
        ):
            return at + 1, None  # "twice a day", "3 times a month": not a count of days
    if _starts(tokens, at, ("or", "so")) or _starts(tokens, at, ("give", "or", "take")):
        approx, at = True, at + (2 if tokens[at] == "or" else 3)
    elif tokens[at : at + 1] == ["ish"]:
        approx, at = True, at + 1
    if per_week and factor != 1:
        return at, None
    weeks = 2 if per_week else 1
    fewest, most = low * factor * weeks, high * factor * weeks
    if times:  # N times: at least one day (one a week), at most N days
        fewest = min(fewest, weeks)
    if most > _FORTNIGHT or fewest > most:
        return at, None
    if approx:
        fewest, most = max(fewest - 1, min(fewest, 1)), min(most + 1, _FORTNIGHT)
    elif mode == "nearly":
        fewest, most = max(fewest - 2, 1), most - 1
    elif mode in ("above", "from"):
        fewest, most = fewest + (mode == "above"), _FORTNIGHT
    elif mode == "below":
        return at, None
    bands = {_band(days) for days in range(fewest, most + 1)}
    return at, (bands.pop() if len(bands) == 1 else None)


# Matching words to the lexicons.


def _scan(
    tokens: list[str], lexicon: dict[tuple[str, ...], _Item], counts: bool
) -> list[_Item] | None:
    """The items of one clause, longest phrase first; None if a count cannot be placed."""
    items: list[_Item] = []
    at = 0
    while at < len(tokens):
        if counts:
            found = _count(tokens, at)
            if found is not None:
                at, value = found
                if value is None:
                    return None
                items.append(_Item(_LEVEL, value, word="count"))
                continue
        for size in range(min(_LONGEST, len(tokens) - at), 0, -1):
            item = lexicon.get(tuple(tokens[at : at + size]))
            if item is not None:
                items.append(item)
                at += size
                break
        else:
            token = tokens[at]
            if counts and token.isdigit() and int(token) <= 3:
                items.append(_Item(_LEVEL, int(token), word=token))
            else:
                items.append(_Item(_UNKNOWN, word=token))
            at += 1
    return items


def _neighbour(items: list[_Item], at: int, step: int, skip: frozenset[str]) -> _Item | None:
    at += step
    while 0 <= at < len(items) and items[at].kind in skip:
        at += step
    return items[at] if 0 <= at < len(items) else None


def _clauses(items: list[_Item]) -> list[bool]:
    """Polarity of each "I have" / "I haven't" in a clause: True for "I have", "I'm", "I do";
    False for "I haven't", "don't", "I am not"."""
    found = []
    with_aux = _SKIPPABLE | {_AUX}
    for at, item in enumerate(items):
        if item.kind == _NEG:
            before = _neighbour(items, at, -1, _SKIPPABLE)
            if item.word != "not" or (before is not None and before.kind in (_AUX, _AUX_PRON)):
                found.append(False)
        elif item.kind == _AUX_PRON or (
            item.kind == _AUX
            and (subject := _neighbour(items, at, -1, with_aux)) is not None
            and subject.kind in (_PRON, _AUX_PRON)
        ):
            after = _neighbour(items, at, 1, with_aux)
            if after is None or after.kind != _NEG:
                found.append(True)
    return found


# The answers.


def yes_no(text: str) -> bool | None:
    """A parent's answer to a yes/no question (Whooley, help), or None when it is not clearly
    one or the other, so that the question is asked again rather than guessed."""
    if not isinstance(text, str):
        return None
    payload = _payload(text)
    if payload is not None:
        return {"affirm": True, "deny": False}.get(payload)
    read = _read(text)
    if read is None:
        return None
    raw, segments = read
    if raw in (["y"], ["n"]):  # a lone letter; inside a sentence "y" may be "why"
        return raw == ["y"]
    clauses = [_scan(tokens, _YES_NO_LEXICON, counts=False) for tokens in segments]
    return _decide_yes_no([c for c in clauses if c is not None])


def _decide_yes_no(clauses: list[list[_Item]]) -> bool | None:
    votes: set[bool] = set()  # answers given
    fits: set[bool] = set()  # answers the other words allow
    reassured = any(item.kind == _REASSURE for items in clauses for item in items)
    for items in clauses:
        negated = False  # under a negation from earlier in the clause
        negators = 0
        for item in items:
            if item.kind in _UNCLEAR:
                return None
            if item.kind == _NEG:
                negators += 1
                if negators > 1:
                    return None  # "I don't think I haven't"
                fits.add(False)
                negated = True
            elif item.kind in (_YES, _NO):
                if negators:
                    return None  # "not yes", "I wouldn't say no"
                votes.add(item.kind == _YES)
                negated = negated or item.negates
            elif item.kind == _STRONG:
                if negated:
                    return None  # "not often", "not every day"
                votes.add(True)
            elif item.kind in (_DEGREE, _REASSURE):
                if negated:
                    return None  # "not great", "not ok"
                fits.add(item.kind == _DEGREE)
            elif item.kind == _NPI:
                fits.add(False)
            elif item.kind == _ECHO:
                fits.add(not negated)
        for polarity in _clauses(items):
            if not (polarity and reassured):  # "I'm ok": "I'm" is not "I am [down]"
                votes.add(polarity)
    if len(votes) != 1:
        return None
    answer = votes.pop()
    return None if (not answer) in fits else answer


def frequency(text: str) -> int | None:
    """A parent's answer on the 0-3 "over the last 2 weeks, how often" scale (PHQ-9, GAD-2,
    GAD-7), or None when it cannot be placed on one option with confidence, so that the
    question is asked again rather than guessed."""
    if not isinstance(text, str) or _payload(text) is not None or _MINUS.search(text):
        return None
    read = _read(text)
    if read is None:
        return None
    clauses = []
    for tokens in read[1]:
        items = _scan(tokens, _FREQUENCY_LEXICON, counts=True)
        if items is None:
            return None
        clauses.append(items)
    return _decide_frequency(clauses)


def _decide_frequency(clauses: list[list[_Item]]) -> int | None:
    values: set[int] = set()
    only_zero = False  # "I'm fine", "at all": fits only "not at all"
    affirmed = False  # "yes": fits anything but "not at all" ("yes, most days")
    negation = False
    polarities: list[bool] = []
    for items in clauses:
        negated = False
        negators = 0
        for item in items:
            if item.kind in _UNCLEAR:
                return None
            if item.kind == _NEG:
                negators += 1
                if negators > 1:
                    return None
                negated = negation = True
            elif item.kind == _LEVEL:
                if negated:
                    return None  # "not every day", "not a lot"
                values.add(item.value if item.value is not None else -1)
                negated = negated or item.negates
            elif item.kind == _REASSURE:
                if negated:
                    return None
                only_zero = True
            elif item.kind == _NPI:
                only_zero = True
            elif item.kind == _YES:
                affirmed = True
        polarities += _clauses(items)
    if negation:
        # "I haven't", "I'm not", "no I don't": not bothered at all. Beside any other
        # frequency it is unclear ("most days, not every day").
        if values - {0}:
            return None
        if not values:
            if False not in polarities or True in polarities:
                return None
            values = {0}
    if len(values) != 1:
        return None
    value = values.pop()
    if value < 0 or (only_zero and value != 0) or (affirmed and value == 0):
        return None
    return value
