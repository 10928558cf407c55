"""STOP / START / HELP decided by rule, in any state, before the dialogue sees the message."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.override import RuleIntentComponent, set_intent

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
class KeywordIntentClassifier(RuleIntentComponent):
    """Overrides the predicted intent when the whole message is a carrier keyword."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = keyword_intent(message.get(TEXT) or "")
            if intent is not None:
                set_intent(message, intent)
        return messages
