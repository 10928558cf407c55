"""The risk detector as a Rasa NLU component: on every message, in every state, a message
that carries risk gets the `risk` intent and a `risk_category` entity, whatever the trained
classifier said, so the dialogue answers with the right contacts first."""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.override import RuleIntentComponent, set_intent
from bot.safety.detector import detect

RISK_INTENT = "risk"
# Routine findings (negated, past, questions, general distress) get the gentle reply.
ROUTINE_CATEGORY = "concern"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class RiskDetectorComponent(RuleIntentComponent):
    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):  # a button payload, not the person's words
                continue
            detection = detect(text)
            if detection is None:
                continue
            category = detection.category if detection.urgent else ROUTINE_CATEGORY
            set_intent(message, RISK_INTENT)
            entity = {
                "entity": "risk_category",
                "value": category,
                "start": 0,
                "end": len(text),
                "confidence_entity": 1.0,
                "extractor": type(self).__name__,
            }
            message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
            message.set(
                "risk",
                {"category": detection.category, "severity": detection.severity},
                add_to_output=True,
            )
        return messages
