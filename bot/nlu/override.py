"""Shared base for rule-based NLU components that decide the intent whatever the model said."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message


class RuleIntentComponent(GraphComponent):
    """Not trainable: its rules live in data files, not in the model."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RuleIntentComponent:
        return cls()


def set_intent(message: Message, intent: str) -> None:
    """Make `intent` the prediction with full confidence, keeping the rest of the ranking."""
    message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r["name"] != intent]
    message.set(
        INTENT_RANKING_KEY, [{"name": intent, "confidence": 1.0}, *ranking], add_to_output=True
    )
