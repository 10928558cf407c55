"""A message that states a weight or length with its unit is a measurement to record.

The classifier learns the usual ways of saying it; this component catches the rest ("he was
70.5cm on tuesday", "hv came today 9lb 13oz") when the model was unsure or heard only a general
intent. A specific intent the model chose (a correction, a question about feeding, a crisis) is
left alone: the risk detector runs after this and overrides everything.
"""

from __future__ import annotations

from datetime import date

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.growth.parsing import read_measurement
from bot.nlu.override import RuleIntentComponent, set_intent

RECORD = "record_measurement"
# General intents a message with a measurement in it is better read as a measurement than as.
GENERAL_INTENTS = frozenset({
    "nlu_fallback", "inform", "out_of_scope", "greet", "goodbye", "thank", "affirm", "deny",
    "talk_to_health_visitor", "change_details", "register",
})


def states_a_measurement(text: str) -> bool:
    """True when the text gives a weight or length with its unit (the date is not needed)."""
    reading = read_measurement(text, date.today())
    return bool(reading.quantities) and reading.problem not in ("bad_number", "several_values")


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class MeasurementIntentClassifier(RuleIntentComponent):
    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            predicted = (message.get(INTENT) or {}).get("name")
            if predicted in GENERAL_INTENTS and states_a_measurement(message.get(TEXT) or ""):
                set_intent(message, RECORD)
        return messages
