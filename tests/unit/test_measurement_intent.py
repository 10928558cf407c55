"""Messages that state a measurement are recorded even when the classifier was unsure."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.measurement import MeasurementIntentClassifier, states_a_measurement


def _message(text: str, intent: str) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": 0.4})
    return message


@pytest.mark.parametrize(
    ("text", "predicted", "expected"),
    [
        ("he was 70.5cm on tuesday", "nlu_fallback", "record_measurement"),
        ("hv came today 9lb 13oz", "talk_to_health_visitor", "record_measurement"),
        ("isla 5800 grams yesterday", "inform", "record_measurement"),
        ("i made a mistake it should be 65cm", "correct_measurement", "correct_measurement"),
        ("my nipples hurt since she was 3.2kg", "ask_breastfeeding", "ask_breastfeeding"),
        ("born a week ago", "nlu_fallback", "nlu_fallback"),
        ("can a health visitor call me", "talk_to_health_visitor", "talk_to_health_visitor"),
        ("she's 7.4 now", "nlu_fallback", "nlu_fallback"),  # no unit: asked, not guessed
    ],
)
def test_a_stated_measurement_overrides_only_general_intents(text, predicted, expected):
    (message,) = MeasurementIntentClassifier().process([_message(text, predicted)])
    assert message.get(INTENT)["name"] == expected


@pytest.mark.parametrize("text", ["14lb 3oz at clinic", "length 61.5 cm", "2ft 1in"])
def test_measurements_with_units_are_recognised(text):
    assert states_a_measurement(text)


@pytest.mark.parametrize("text", ["6 months old", "38C fever", "7..4kg", "hello"])
def test_other_numbers_are_not_measurements(text):
    assert not states_a_measurement(text)
