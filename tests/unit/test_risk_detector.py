"""Behaviour of the detector on its own. The large evaluation sets live in tests/data/ and
run through the whole stack (tests/e2e/test_safety_net.py)."""

import pytest

from bot.safety.detector import default_detector, detect


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("i want to kill myself", "suicide_self_harm"),
        ("kms", "suicide_self_harm"),
        ("feeling really sucidal tonight", "suicide_self_harm"),
        ("everyone would be better off without me", "suicide_self_harm"),
        ("I have the pills ready", "suicide_self_harm"),
        ("I cant stop thinking about killing myself", "suicide_self_harm"),
        ("i keep having thoughts of shaking her when she screams", "harm_to_baby"),
        (
            "my wife hasnt slept in 3 days and keeps saying the baby isnt ours",
            "postpartum_psychosis",
        ),
        ("she says she can hear voices telling her things", "postpartum_psychosis"),
        ("he hit me again last night", "domestic_abuse"),
        ("bleading heavily at 30 weeks", "pregnancy_red_flag"),
        ("baby hasnt moved since yesterday", "pregnancy_red_flag"),
        ("bby is floppy and wont wake", "baby_red_flag"),
        ("temp 38,5 in my 3 week old", "baby_red_flag"),
    ],
)
def test_urgent_categories(text, category):
    detection = detect(text)
    assert detection is not None and detection.urgent, detection
    assert detection.category == category


def test_risk_buried_in_a_long_message_is_found():
    text = (
        "hi sorry to bother you, feeding is going ok now and my mum came round which helped, "
        "the health visitor said her weight is fine. honestly though i dont want to be here "
        "anymore and i think everyone would cope better. anyway what time is the baby cafe"
    )
    assert detect(text).category == "suicide_self_harm"


@pytest.mark.parametrize(
    "text",
    [
        "my back is killing me",
        "these heels are killing me",
        "I could murder a cup of tea",
        "dying to know if its a boy or girl",
        "dead on my feet today",
        "nearly died laughing at the baby's face",
        "my phone died halfway through the call",
        "thanks so much, see you at baby cafe",
    ],
)
def test_figures_of_speech_and_ordinary_messages_are_not_risk(text):
    assert detect(text) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("im not going to hurt myself, just tired", "negated"),
        ("I would never hurt my baby", "negated"),
        ("i used to self harm as a teenager but doing well now", "past_or_resolved"),
        ("what are the signs of pre-eclampsia", "information_question"),
    ],
)
def test_negated_past_or_questions_are_lowered_to_routine_not_ignored(text, reason):
    detection = detect(text)
    assert detection is not None and detection.severity == "routine"
    assert detection.lowered_because == reason


def test_relapse_is_not_lowered_by_past_wording():
    assert detect("i used to self harm and now ive started cutting myself again").urgent


def test_normalisation_expands_text_speak_and_fixes_typos():
    detector = default_detector()
    assert detector.normalise("Im gonna OD") == "i am going to overdose"
    assert detector.normalise("overdoes") == "overdose"
    assert detector.normalise("can't, won't") == "can not , will not"
