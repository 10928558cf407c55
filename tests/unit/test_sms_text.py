"""SMS text discipline: GSM-7 only, at most 3 segments, numbered options answered by number."""

import random
import re

import pytest

from bot.channels.sms_text import (
    choice_index,
    is_more_request,
    render_choices,
    segments,
    septets,
    split_for_sms,
    to_gsm7,
)

HINT = " Reply MORE for the rest."

# The GSM 03.38 default alphabet written out row by row from the code table (3GPP TS 23.038,
# 6.2.1), with "\x1b" standing for the escape to the extension table.
_GSM_TABLE = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = "\x0c^{}\\[]~|€"
assert len(_GSM_TABLE) == 128 and len(set(_GSM_TABLE)) == 128
GSM7_CHARS = (set(_GSM_TABLE) - {"\x1b"}) | set(_GSM_EXTENSION)


def is_gsm7(text: str) -> bool:
    return set(text) <= GSM7_CHARS


def strip_hint(part: str) -> str:
    assert part.endswith(HINT)
    return part[: -len(HINT)]


def split_all(text: str, hint: str = HINT, max_segments: int = 3) -> list[str]:
    """Every part a parent would receive by replying MORE until the end."""
    parts, rest = [], text
    while rest is not None:
        assert len(parts) < 100, "split_for_sms made no progress"
        first, rest = split_for_sms(rest, more_hint=hint, max_segments=max_segments)
        parts.append(first)
    return parts


def words_of(text: str) -> list[str]:
    return text.split()


# --- to_gsm7 -------------------------------------------------------------------------------


def test_smart_quote_becomes_gsm7_and_a_160_character_message_stays_one_segment():
    text = "Don’t worry if baby feeds often at night. " + "x" * 118
    assert len(text) == 160 and not is_gsm7(text)

    plain = to_gsm7(text)

    assert plain == "Don't worry if baby feeds often at night. " + "x" * 118
    assert is_gsm7(plain)
    assert septets(plain) == 160
    assert segments(plain) == 1


def test_output_is_pure_gsm7_for_emoji_cjk_smart_quotes_and_accents():
    text = (
        "👶🏽 “Hello” ‘there’ – welcome… 你好 こんにちは 안녕 Привет • crème brûlée façade Łódź "
        "naïve Zoë 1½ × 2 — 38°C 400µg\u00a0folic\u2009acid 👨\u200d👩\u200d👧 ❤️ 🇬🇧 ™ ©"
    )
    plain = to_gsm7(text)
    assert is_gsm7(plain), {c for c in plain if c not in GSM7_CHARS}
    assert plain == (
        '"Hello" \'there\' - welcome... - crème brulée facade Lodz naive Zoe 1 1/2 x 2 - 38C '
        "400mcg folic acid TM (c)"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("‘a’ ‚b‛ 5′", "'a' 'b' 5'"),
        ("“a” „b” 5″", '"a" "b" 5"'),
        ("a–b—c‒d−e", "a-b-c-d-e"),
        ("wait…", "wait..."),
        ("• one\n· two", "- one\n- two"),
        ("a\u00a0b\u2002c\u2003d\u202fe\u3000f", "a b c d e f"),
        ("3×2", "3x2"),
        ("½ cup", "1/2 cup"),
        ("1½ hours", "1 1/2 hours"),
        ("ê ç ł Ł ÿ À Ù", "e c l L y A U"),
        ("ﬁne ＡＢＣ ①", "fine ABC 1"),
        ("e\u0301", "é"),  # a decomposed é is still the GSM-7 é
    ],
)
def test_typographic_characters_map_to_plain_equivalents(text, expected):
    assert to_gsm7(text) == expected


def test_characters_already_in_gsm7_are_kept():
    kept = "£ é è ù ì ò Ç Ø ø Å å Ä Ö Ñ Ü § ä ö ñ ü à É Æ æ ß ¥ ¤ ¿ ¡ Δ Φ Γ Λ Ω Π Ψ Σ Θ Ξ @ $ _"
    assert to_gsm7(kept) == kept
    assert to_gsm7("^ { } \\ [ ~ ] | €") == "^ { } \\ [ ~ ] | €"


def test_emoji_are_removed_and_the_gaps_they_leave_are_closed():
    assert to_gsm7("Well done 🎉!") == "Well done!"
    assert to_gsm7("Hi 👋 there") == "Hi there"
    assert to_gsm7("Great👍Thanks") == "Great Thanks"
    assert to_gsm7("👋 Hello") == "Hello"
    assert to_gsm7("Sleep 😴\n\nFeed 🍼 often") == "Sleep\n\nFeed often"


def test_newlines_are_kept_and_line_endings_become_plain_newlines():
    assert to_gsm7("one\r\ntwo\rthree\u2028four\n\nfive") == "one\ntwo\nthree\nfour\n\nfive"
    assert to_gsm7("tab\there") == "tab here"


def test_invisible_characters_inside_words_leave_no_gap():
    assert to_gsm7("breast\u00adfeed\u200bing\ufeff") == "breastfeeding"


def test_to_gsm7_never_raises():
    odd = ["", "\x00\x07\x1b", "\ud83d lone surrogate", "\U000e0001tag", "\uffff", "𝐁𝐨𝐥𝐝", "٢٣"]
    for text in odd:
        assert is_gsm7(to_gsm7(text))
    assert to_gsm7(None) == ""  # type: ignore[arg-type]
    rng = random.Random(7)
    for _ in range(200):
        text = "".join(chr(rng.randrange(0x110000)) for _ in range(rng.randrange(40)))
        assert is_gsm7(to_gsm7(text))


def test_to_gsm7_is_idempotent():
    text = "It’s 38°C – “call 111” if baby’s unwell 🤒… Ça va?"
    once = to_gsm7(text)
    assert to_gsm7(once) == once


# --- septets and segments -------------------------------------------------------------------


def test_extension_characters_count_double():
    assert septets("abc") == 3
    assert septets("€") == 2
    assert septets("^{}\\[~]|€") == 18
    assert septets("£é") == 2  # in the default alphabet: one septet each
    assert septets("x" * 159 + "€") == 161
    assert segments("x" * 159 + "€") == 2


@pytest.mark.parametrize(
    ("length", "expected"),
    [(0, 1), (1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_segment_count(length, expected):
    assert segments("a" * length) == expected


def test_an_extension_character_is_never_split_across_segments():
    # 152 + 2 would straddle the end of the first part, so the € starts the second.
    text = "a" * 152 + "€" + "a" * 152
    assert septets(text) == 306
    assert segments(text) == 3


# --- split_for_sms --------------------------------------------------------------------------


def sentences(total: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    while len(" ".join(out)) < total:
        words = " ".join(rng.choice(["baby", "feed", "sleep", "nappy", "midwife", "warm"])
                         for _ in range(rng.randrange(3, 14)))
        out.append(words.capitalize() + rng.choice([".", "!", "?"]))
    body = " ".join(out)[: total - 1].rstrip(" .!?")
    return body + "s" * (total - 1 - len(body)) + "."


def test_text_that_fits_is_returned_whole():
    text = "a" * 459
    assert split_for_sms(text, more_hint=HINT) == (text, None)
    assert split_for_sms("", more_hint=HINT) == ("", None)


def test_long_text_splits_at_sentence_ends_and_reassembles():
    text = sentences(1200)
    assert len(text) == 1200 and segments(text) > 3

    parts = split_all(text)

    assert len(parts) >= 3
    for part in parts:
        assert segments(part) <= 3
    for part in parts[:-1]:
        assert re.search(r"[.!?]$", strip_hint(part)), part
    assert not parts[-1].endswith(HINT)
    content = [strip_hint(p) for p in parts[:-1]] + [parts[-1]]
    assert " ".join(content) == text


def test_first_part_is_the_longest_that_fits():
    text = sentences(1200, seed=3)
    first, rest = split_for_sms(text, more_hint=HINT)
    assert rest is not None
    content = strip_hint(first)
    # The next sentence end would not have fitted with the hint.
    following = re.search(r"[.!?](?=\s)", rest)
    assert following is not None
    assert segments(content + " " + rest[: following.end()] + HINT) > 3


def test_a_newline_is_a_sentence_boundary():
    text = "Things to bring:\n" + "\n".join(f"- item number {n} for the bag" for n in range(30))
    parts = split_all(text)
    assert len(parts) > 1
    first_content = strip_hint(parts[0])
    assert text.startswith(first_content + "\n")


def test_closing_quote_after_a_full_stop_stays_with_the_sentence():
    text = ('She said "rest when baby sleeps." ' * 20).strip()
    first, _ = split_for_sms(text, more_hint=HINT)
    assert strip_hint(first).endswith('sleeps."')


def test_text_without_sentence_punctuation_cuts_at_whitespace():
    text = " ".join(f"word{n}" for n in range(200))
    parts = split_all(text)
    assert len(parts) > 1
    for part in parts:
        assert segments(part) <= 3
    for part in parts[:-1]:
        assert re.fullmatch(r"(word\d+ )*word\d+", strip_hint(part))
    content = [strip_hint(p) for p in parts[:-1]] + [parts[-1]]
    assert " ".join(content) == text


def test_a_single_long_word_is_hard_cut():
    text = "a" * 600
    parts = split_all(text)
    assert len(parts) == 2
    assert segments(parts[0]) == 3
    assert len(strip_hint(parts[0])) == 3 * 153 - len(HINT)
    assert strip_hint(parts[0]) + parts[1] == text


def test_extension_characters_are_budgeted_at_two_septets():
    text = "{x} " * 300
    for part in split_all(text):
        assert segments(part) <= 3


def test_one_segment_budget():
    text = sentences(500, seed=5)
    parts = split_all(text, hint=" Reply MORE.", max_segments=1)
    assert all(septets(p) <= 160 for p in parts)
    assert words_of(" ".join(p.removesuffix(" Reply MORE.") for p in parts)) == words_of(text)


def test_trailing_whitespace_alone_does_not_force_a_split():
    text = "a" * 450 + " " * 50
    assert split_for_sms(text, more_hint=HINT) == ("a" * 450, None)


def test_a_hint_too_long_for_the_budget_is_an_error():
    with pytest.raises(ValueError):
        split_for_sms("a" * 200, more_hint="b" * 160, max_segments=1)


def test_splitting_never_loses_or_repeats_content():
    rng = random.Random(11)
    alphabet = "abc de. f!\n? {€} 'x'"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 1500)))
        if rng.random() < 0.3:
            text += "z" * rng.randrange(0, 700)
        max_segments = rng.choice([1, 2, 3])
        parts = split_all(text, max_segments=max_segments)
        for part in parts:
            assert segments(part) <= max_segments
        content = [strip_hint(p) for p in parts[:-1]] + [parts[-1]]
        assert "".join("".join(content).split()) == "".join(text.split())


# --- render_choices --------------------------------------------------------------------------


def test_buttons_render_as_numbered_options():
    text = render_choices("Is baby feeding well?", ["Yes", "No"], intro="Reply with a number:")
    assert text == "Is baby feeding well?\n\nReply with a number:\n1 Yes\n2 No"


def test_option_titles_are_made_gsm7_and_kept_to_one_line():
    text = render_choices("How are you?", ["Good 😊", "Not great – tired", "Need\nhelp"],
                          intro="Reply with a number:")
    assert text.endswith("\n1 Good\n2 Not great - tired\n3 Need help")
    assert is_gsm7(text)


def test_choices_without_text_or_titles():
    intro = "Reply with a number:"
    assert render_choices("", ["Yes"], intro=intro) == "Reply with a number:\n1 Yes"
    assert render_choices("Thanks.", [], intro=intro) == "Thanks."


def test_rendered_options_round_trip_through_choice_index():
    titles = ["Feeding", "Sleep", "Crying", "Something else"]
    rendered = render_choices("What is it about?", titles, intro="Reply with a number:")
    for line in rendered.splitlines()[-len(titles):]:
        number, title = line.split(" ", 1)
        assert titles[choice_index(number, len(titles))] == title


# --- choice_index ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("2", 1),
        (" 2 ", 1),
        ("2.", 1),
        ("2)", 1),
        ("#2", 1),
        ("(2)", 1),
        ("[2]", 1),
        ("2!", 1),
        ("1", 0),
        ("3", 2),
        ("option 2", 1),
        ("Option 2", 1),
        ("number 2", 1),
        ("no 2", 1),
        ("no. 2", 1),
        ("No.2", 1),
        ("choice 2", 1),
        ("option #2", 1),
        ("2️⃣", 1),
        ("2\u20e3", 1),
        ("two", 1),
        ("Two.", 1),
        ("THREE", 2),
        ("number one", 0),
        ("2 please", 1),
        ("2 thank you", 1),
        ("the second one", 1),
        ("2nd", 1),
        ("２", 1),  # full-width digit from some keyboards
        ("2 👍", 1),
    ],
)
def test_choice_index_accepts(reply, expected):
    assert choice_index(reply, 3) == expected


@pytest.mark.parametrize(
    "reply",
    [
        "0",
        "4",
        "four",
        "20",
        "2 weeks",
        "2weeks",
        "i have 2 kids",
        "no",
        "no one",
        "yes",
        "",
        "   ",
        "1 or 2",
        "1 2",
        "2.5",
        "2/3",
        "2:30",
        "2am",
        "to",
        "option",
        "my baby is 2",
        "9" * 5000,
    ],
)
def test_choice_index_rejects(reply):
    assert choice_index(reply, 3) is None


def test_choice_index_range_follows_the_option_count():
    assert choice_index("ten", 10) == 9
    assert choice_index("10", 10) == 9
    assert choice_index("10", 9) is None
    assert choice_index("1", 0) is None


# --- is_more_request -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["MORE", "more", "More please", "more pls", "send more", "more.", "MORE!", " more ",
     "more 🙏", "Send the rest please"],
)
def test_more_requests(text):
    assert is_more_request(text)


@pytest.mark.parametrize(
    "text",
    ["I want more info on breastfeeding", "no more", "tell me more about home birth",
     "more wind than usual", "not more", "", "2", "menu", "moreover"],
)
def test_not_more_requests(text):
    assert not is_more_request(text)
