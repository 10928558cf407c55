"""STOP / START / HELP decided by rule, in any state, before the dialogue sees the message."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

KEYWORDS_FILE = Path(__file__).with_name("keywords.yml")
_NOT_LETTERS = re.compile(r"[^a-z ]+")


@lru_cache(maxsize=1)
def keyword_intents() -> dict[str, str]:
    data = yaml.safe_load(KEYWORDS_FILE.read_text(encoding="utf-8"))
    return {word: intent for intent, words in data["intents"].items() for word in words}


def keyword_intent(text: str) -> str | None:
    """The intent for a bare keyword ("STOP", " stop. ", "Unsubscribe!"), else None."""
    normalised = " ".join(_NOT_LETTERS.sub(" ", (text or "").lower()).split())
    return keyword_intents().get(normalised)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class KeywordIntentClassifier(GraphComponent):
    """Overrides the predicted intent when the whole message is a carrier keyword."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> KeywordIntentClassifier:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = keyword_intent(message.get(TEXT) or "")
            if intent is None:
                continue
            message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r["name"] != intent]
            message.set(
                INTENT_RANKING_KEY,
                [{"name": intent, "confidence": 1.0}, *ranking],
                add_to_output=True,
            )
        return messages
