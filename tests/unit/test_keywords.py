import pytest

from bot.nlu.keywords import keyword_intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("STOP", "opt_out"),
        ("stop", "opt_out"),
        (" Stop. ", "opt_out"),
        ("UNSUBSCRIBE", "opt_out"),
        ("Stop all", "opt_out"),
        ("START", "opt_in"),
        ("start!", "opt_in"),
        ("Help", "help"),
    ],
)
def test_bare_carrier_keywords_decide_the_intent(text, intent):
    assert keyword_intent(text) == intent


@pytest.mark.parametrize(
    "text", ["stop crying", "when does the pain stop", "help me with feeding", "start weaning?", ""]
)
def test_keywords_inside_a_sentence_are_left_to_the_model(text):
    assert keyword_intent(text) is None
