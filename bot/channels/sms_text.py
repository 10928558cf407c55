"""Text discipline for SMS replies to parents, who may read them on any phone.

- Plain GSM-7 only: one emoji or smart quote switches the whole message to UCS-2, which cuts a
  segment from 160 characters to 70 and roughly triples the cost (`to_gsm7`).
- At most 3 segments a reply; longer content is split at a sentence end with a "reply MORE"
  hint, and the parent asks for the rest (`split_for_sms`, `is_more_request`).
- Buttons become numbered options that the parent answers with a number (`render_choices`,
  `choice_index`).

Pure functions on strings, so every rule here can be tested without a provider.
"""

from __future__ import annotations

import re
import unicodedata

# GSM 03.38 default alphabet, in code-table order (0x1B, the escape to the extension table, is
# left out: it is not a character of its own).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: each costs two septets (escape + character). Form feed is in the table too
# but means nothing on a phone screen, so replies never use it.
GSM7_EXTENSION = frozenset("^{}\\[~]|€")
GSM7 = GSM7_BASIC | GSM7_EXTENSION

SINGLE_SEGMENT = 160  # septets in a message that is not split
CONCAT_SEGMENT = 153  # septets per part once split (7 go to the concatenation header)

# Typographic characters that word processors and content editors put in, and plain stand-ins.
_REPLACEMENTS: dict[str, str] = {
    **dict.fromkeys("‘’‚‛′‵`´ʼʹ‹›", "'"),
    **dict.fromkeys("“”„‟″‶«»ʺ", '"'),
    **dict.fromkeys("‐‑‒–—―−⁃﹘﹣－", "-"),
    **dict.fromkeys("•·‣∙◦▪●", "-"),
    "…": "...",
    "×": "x",
    "÷": "/",
    "⁄": "/",
    "∕": "/",
    "±": "+/-",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "≈": "~",
    "→": "->",
    "←": "<-",
    "↔": "<->",
    "⇒": "=>",
    "©": "(c)",
    "®": "(R)",
    "¢": "c",
    "₤": "£",
    "¦": "|",
    # Micrograms must not turn into grams: "400µg" reads "400mcg", the usual medical form.
    "µ": "mc",
    "μ": "mc",
    # "38°C" reads "38C" on SMS; a gap there would look like a typo.
    "°": "",
    # Letters with no decomposition to a base letter.
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ð": "d",
    "Ð": "D",
    "ħ": "h",
    "Ħ": "H",
    "ı": "i",
    "ŧ": "t",
    "Ŧ": "T",
    "œ": "oe",
    "Œ": "OE",
    "þ": "th",
    "Þ": "Th",
    "ĸ": "k",
    # Greek capitals that look like Latin ones (the others are in the alphabet).
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
}
# Line breaks of other systems and Unicode's own line separators.
_NEWLINES = frozenset("\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# Soft hyphens, zero-width joiners, variation selectors, control codes, stray accents: removed
# without a trace, since they sit inside words.
_INVISIBLE = frozenset({"Cc", "Cf", "Mn", "Me"})
_DROPPED = "\x00"  # marks where an unsupported symbol was, until spacing is tidied


def _fallback(ch: str) -> str:
    """A character outside the alphabet as GSM-7: its compatibility form, marks removed."""
    out = []
    for part in unicodedata.normalize("NFKD", ch):
        if part in GSM7:
            out.append(part)
        elif part in _REPLACEMENTS:
            out.append(_REPLACEMENTS[part])
        elif part.isspace():
            out.append(" ")
    text = "".join(out)
    return text if text.strip() else ""


def _tidy_spacing(text: str) -> str:
    """Close the gaps removed symbols leave, without touching the line structure."""
    # "Well done 🎉!" -> "Well done!"; "Hi👋there" and "Hi 👋 there" -> "Hi there"
    text = re.sub(rf"[ ]*{_DROPPED}+[ ]*(?=[.,;:!?)\]}}])", "", text)
    text = re.sub(rf"(?<=[^\W_]){_DROPPED}+(?=[^\W_])", " ", text)
    text = text.replace(_DROPPED, "")
    lines = (re.sub(r" {2,}", " ", line).strip(" ") for line in text.split("\n"))
    return "\n".join(lines)


def to_gsm7(text: str) -> str:
    """Text a plain SMS can carry, so no character forces the whole reply into UCS-2.

    Typographic marks become their ASCII look-alikes, letters outside the alphabet lose their
    accents, and emoji and other symbols are dropped. Never raises.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    out: list[str] = []
    previous = ""
    for ch in text:
        if ch in _NEWLINES:
            piece = "\n"
        elif ch in GSM7:
            piece = ch
        elif ch in _REPLACEMENTS:
            piece = _REPLACEMENTS[ch]
        elif ch.isspace():
            piece = " "
        elif unicodedata.category(ch) in _INVISIBLE:
            continue
        else:
            piece = _fallback(ch)
            if piece and "⁄" in unicodedata.normalize("NFKD", ch) and previous.isdigit():
                piece = " " + piece  # "1½" -> "1 1/2", not "11/2"
            if not piece:
                piece = _DROPPED
        if piece == _DROPPED and previous == _DROPPED:
            continue
        out.append(piece)
        previous = piece[-1] if piece else previous
    return _tidy_spacing("".join(out))


def septets(text: str) -> int:
    """Length in GSM-7 septets, the unit SMS segments are measured in (extension chars are 2)."""
    return sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)


def segments(text: str) -> int:
    """How many SMS segments a GSM-7 text is billed as.

    One segment holds 160 septets; a longer message is sent in parts of 153. An extension
    character's two septets are never split across parts, so a part can hold 152 and the count
    can be one more than septets / 153 would say.
    """
    if septets(text) <= SINGLE_SEGMENT:
        return 1
    count, used = 1, 0
    for ch in text:
        width = 2 if ch in GSM7_EXTENSION else 1
        if used + width > CONCAT_SEGMENT:
            count, used = count + 1, 0
        used += width
    return count


# A sentence ends after . ! or ? (closing quotes or brackets may follow) before whitespace, or
# after a line break.
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*(?=\s)|\n")


def split_for_sms(
    text: str, *, more_hint: str, max_segments: int = 3
) -> tuple[str, str | None]:
    """Keep a reply within `max_segments`, holding the rest back until the parent asks.

    Returns `(text, None)` when it fits. Otherwise `first` is the longest part that ends at a
    sentence (else at a space, else anywhere) and still fits with `more_hint` appended, and
    `rest` is what follows, for the next call. No content is lost or repeated: only whitespace
    at the cut is dropped.
    """
    if segments(text) <= max_segments:
        return text, None
    if segments(text.rstrip()) <= max_segments:
        return text.rstrip(), None

    def fits(length: int) -> bool:
        return segments(text[:length].rstrip() + more_hint) <= max_segments

    # The longest prefix that fits with the hint: fitting only gets harder as the prefix grows.
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if fits(mid):
            low = mid
        else:
            high = mid - 1
    room = low
    start = len(text) - len(text.lstrip())  # a cut must leave some content in `first`
    if room <= start:
        raise ValueError("more_hint leaves no room for content within max_segments")

    cut = None
    for match in _SENTENCE_END.finditer(text, start, room + 1):
        if match.end() <= room:
            cut = match.end()
    if cut is None:
        cut = next((i for i in range(room, start, -1) if text[i].isspace()), room)
    return text[:cut].rstrip() + more_hint, text[cut:].lstrip()


def render_choices(text: str, titles: list[str], *, intro: str) -> str:
    """Buttons as numbered options, since a plain SMS has no buttons to tap.

    The text, a blank line, the intro, then one line per option ("1 Yes"). With no titles the
    text is returned unchanged.
    """
    if not titles:
        return text
    options = [f"{n} {' '.join(to_gsm7(title).split())}" for n, title in enumerate(titles, 1)]
    block = "\n".join(([intro] if intro.strip() else []) + options)
    return f"{text.rstrip()}\n\n{block}" if text.strip() else block


_NUMBER_WORDS = {
    word: n
    for n, word in enumerate(
        ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"), 1
    )
}
_ORDINAL_WORDS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"
)
_ORDINALS = {
    **{word: n for n, word in enumerate(_ORDINAL_WORDS, 1)},
    **{f"{n}{'st' if n == 1 else 'nd' if n == 2 else 'rd' if n == 3 else 'th'}": n
       for n in range(1, 11)},
}
# Words that may come before the number: "option 2", "number two", "no. 2", "the first one".
_LEADS = frozenset({"option", "opt", "number", "num", "nr", "n", "no", "choice", "answer", "the"})
# Courtesy after the number changes nothing: "2 please", "the second one thanks".
_TAILS = frozenset({"please", "pls", "plz", "thanks", "thx", "ta", "cheers"})
_TAILS_AFTER_ORDINAL = frozenset({"option", "choice"})
_KEYCAP_TEN = "\U0001f51f"


def _words(text: str) -> list[str]:
    """Lower-case words and numbers of a message, without punctuation, emoji or keycap marks."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace(_KEYCAP_TEN, " 10 ").replace("\ufe0f", "").replace("\u20e3", "")
    text = re.sub(r"\bthank\s+you\b", "thanks", text)
    return re.findall(r"\d+(?:st|nd|rd|th)\b|\d+|[^\W\d_]+", text)


def choice_index(reply: str, count: int) -> int | None:
    """The 0-based option a parent picked by number, or None if the reply is not a pick.

    A pick is one number (digits, a keycap emoji, "one".."ten" or "first".."tenth") with at most
    two lead words such as "option" or "no." and courtesy such as "please" after it; any other
    word means the parent is saying something else ("2 weeks", "i have 2 kids").
    """
    words = _words(reply) if isinstance(reply, str) else []
    # "the second one": that "one" is not a number.
    words = [w for i, w in enumerate(words) if not (w == "one" and i and words[i - 1] in _ORDINALS)]
    numbers = [
        i for i, w in enumerate(words) if w.isdecimal() or w in _NUMBER_WORDS or w in _ORDINALS
    ]
    if len(numbers) != 1:
        return None
    at = numbers[0]
    word, leads, tails = words[at], words[:at], words[at + 1 :]
    if len(leads) > 2 or any(lead not in _LEADS for lead in leads):
        return None
    if "no" in leads and not word.isdecimal():
        return None  # "no one" is not option 1
    allowed_tails = _TAILS | _TAILS_AFTER_ORDINAL if word in _ORDINALS else _TAILS
    if any(tail not in allowed_tails for tail in tails):
        return None
    if word.isdecimal():
        number = int(word) if len(word) <= 6 else 0
    else:
        number = _NUMBER_WORDS.get(word) or _ORDINALS[word]
    return number - 1 if 1 <= number <= count else None


# Words that ask for the rest of a long reply ("mor" and "moar" are common slips).
_MORE_WORDS = frozenset({"more", "mor", "moar", "rest", "continue"})
# Words that may surround them without making the message a new question.
_MORE_FILLERS = frozenset({
    "please", "pls", "plz", "thanks", "thx", "ta", "cheers",
    "send", "give", "show", "tell", "get", "read", "see", "go", "on",
    "me", "us", "i", "id", "d", "can", "could", "would", "will", "you", "like", "want",
    "have", "some", "the", "of", "it", "a", "bit", "ok", "okay", "yes", "yeah", "yep",
})


def is_more_request(text: str) -> bool:
    """True when a message only asks for the rest of a long reply ("MORE", "more please").

    A message that says anything else ("tell me more about home birth", "no more") is for the
    assistant, not a request for the held-back part.
    """
    words = _words(text) if isinstance(text, str) else []
    return any(w in _MORE_WORDS for w in words) and all(
        w in _MORE_WORDS or w in _MORE_FILLERS for w in words
    )
