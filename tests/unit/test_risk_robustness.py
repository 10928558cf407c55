"""Parents write the same thing in many ways. Each plain statement here must keep its verdict
wrapped in the ordinary openings and endings of a text, in text-speak, in capitals and with two
letters swapped in its longest word: the detector is built on normalisation and patterns that
generalise, not on the exact sentences of the evaluation sets."""

import pytest

from bot.safety.detector import _is_english, default_detector, english_words

CRISIS = {
    "suicide_self_harm": [
        "i want to kill myself",
        "i have been thinking about ending my life",
        "she said she wants to kill herself",
        "i cut myself again last night",
        "i have got the tablets ready",
    ],
    "harm_to_baby": [
        "i keep having thoughts of hurting the baby",
        "i am scared i will shake him",
        "my partner shook the baby",
        "i keep picturing drowning her in the bath",
    ],
    "postpartum_psychosis": [
        "i am hearing voices telling me to do things",
        "my wife thinks the baby is the devil",
        "someone swapped my baby at the hospital",
    ],
    "domestic_abuse": [
        "my boyfriend slapped me",
        "he threatened to kill me",
        "he put his hands round my neck",
        "i am scared of my husband",
    ],
    "pregnancy_red_flag": [
        "i am 30 weeks and bleeding heavily",
        "not felt the baby move since yesterday and i am 36 weeks",
        "my waters have broken and i am 32 weeks",
        "28 weeks pregnant and seeing flashing lights",
    ],
    "baby_red_flag": [
        "my baby is floppy",
        "my baby is struggling to breathe",
        "his lips are blue",
        "my 6 week old has a temperature of 38.5",
        "baby is shaking and her eyes are rolling back",
    ],
}
ORDINARY = [
    "my back is killing me",
    "i could murder a cup of tea",
    "dying to meet her",
    "the baby kicked me so hard in the ribs",
    "drowning in washing",
    "babys temp is 37.2",
    "swollen feet at the end of a hot day, 35 weeks",
]
WRAPPERS = [
    "{}", "{}.", "hi, {}", "sorry to bother you but {}", "{} what do i do", "{} pls help",
    "{} x", "its 3am and {}", "{}. i dont know who else to tell", "honestly {} lol",
    "ok so {}", "{} should i be worried", "{}!!!", "um {}",
]
TEXT_SPEAK = {"you": "u", "are": "r", "to": "2", "please": "pls", "because": "cos",
              "really": "rly", "tonight": "tonite"}


def _text_speak(text: str) -> str:
    return " ".join(TEXT_SPEAK.get(word, word) for word in text.split())


def _typo(text: str) -> str | None:
    """Two letters swapped in the middle of the longest word, if that is not itself a word."""
    words = text.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) < 6:
        return None
    middle = len(word) // 2
    typo = word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]
    if typo == word or _is_english(typo, english_words()):
        return None
    return " ".join(words[:longest] + [typo] + words[longest + 1 :])


def _variants(text: str) -> list[str]:
    forms = [text, _text_speak(text), text.upper(), _typo(text)]
    return [wrapper.format(form) for form in forms if form for wrapper in WRAPPERS]


@pytest.mark.parametrize(
    ("statement", "category"),
    [(s, c) for c, statements in CRISIS.items() for s in statements],
)
def test_a_crisis_stays_urgent_however_it_is_written(statement, category):
    detector = default_detector()
    missed = [t for t in _variants(statement) if not (d := detector.detect(t)) or not d.urgent]
    assert missed == []
    assert detector.detect(statement).category == category


@pytest.mark.parametrize("statement", ORDINARY)
def test_an_ordinary_message_stays_not_urgent_however_it_is_written(statement):
    detector = default_detector()
    urgent = [t for t in _variants(statement) if (d := detector.detect(t)) and d.urgent]
    assert urgent == []
