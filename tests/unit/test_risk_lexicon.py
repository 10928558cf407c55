"""The learned lexicon: plain arithmetic at run time, rebuilt from the development sets only."""

import yaml

from bot.ops.build_risk_lexicon import build
from bot.ops.safety_eval import ORDINARY, SETS, TRAINING, load_messages
from bot.safety.detector import (
    LEXICON_FILE,
    RiskLexicon,
    default_detector,
    lexicon_features,
    pattern_detector,
)


def test_features_are_words_and_pairs_within_a_clause_less_scene_setting():
    assert lexicon_features("i am done , so tired") == [
        "done", "am done", "i _ done", "so", "tired", "so tired",
    ]
    assert "not _ moving" in lexicon_features("baby is not really moving")
    assert lexicon_features("baby is 3 weeks old") == []


def test_scoring_is_a_softmax_over_weighted_words():
    lexicon = RiskLexicon({
        "urgent_probability": 0.7,
        "routine_probability": 0.45,
        "min_words": 2,
        "categories": {
            "none": {"bias": 1.0, "weights": {}},
            "suicide_self_harm": {"bias": -1.0, "weights": {"farewell": 4.0}},
        },
    })
    category, probability = lexicon.score("my farewell")
    assert lexicon.score("farewell") == ("none", 0.0), "too short to judge"
    assert category == "suicide_self_harm" and probability > 0.7
    assert lexicon.score("hello there")[1] < 0.45


def test_ordinary_sign_up_answers_are_not_flagged():
    for text in ("baby is 3 weeks old", "she is 6 weeks old", "im 20 weeks", "SW1A 1AA"):
        assert default_detector().detect(text) is None, text


def test_the_shipped_lexicon_is_what_the_build_produces():
    shipped = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    rebuilt = build()
    assert shipped["categories"] == rebuilt["categories"], "rebuild: bot.ops.build_risk_lexicon"


def test_the_blind_and_everyday_sets_are_never_used_to_build_it():
    measured = {name for label in ("blind", "everyday") for names in SETS[label] for name in names}
    assert measured and measured.isdisjoint(
        {name for names in TRAINING for name in names} | set(ORDINARY)
    )


def test_the_everyday_sets_hold_ordinary_messages_only_and_never_the_same_one():
    measured = [m["text"] for m in load_messages("risk_everyday.yml")]
    learned = [m["text"] for name in ORDINARY for m in load_messages(name)]
    assert len(measured) == 600 and len(learned) == 800
    assert set(measured).isdisjoint(learned)
    assert not any("category" in m for name in ORDINARY for m in load_messages(name))


def test_the_lexicon_catches_meaning_the_patterns_do_not_spell_out():
    detector = default_detector()
    assert detector.lexicon is not None
    detection = detector.detect(
        "honestly think my kids would be happier if i just vanished for good"
    )
    assert detection is not None and detection.urgent


def test_the_patterns_judge_on_their_own_without_the_lexicon():
    """The hand-written layer is a detector by itself: the lexicon is built with it."""
    patterns = pattern_detector()
    assert patterns.lexicon is None
    detection = patterns.detect("I have the pills ready and I'm going to take them all tonight")
    assert detection is not None and detection.urgent
    assert patterns.detect("my back is killing me after the school run") is None
    assert patterns.detect("what time does the baby cafe open on tuesday") is None
