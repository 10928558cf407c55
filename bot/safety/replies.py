"""The crisis replies, read from the Rasa domain (bot/domain/safety.yml), so a channel can
send the right one itself if the dialogue could not (for example, the action server is down
when a new conversation starts). One text per category, one place."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

SAFETY_DOMAIN = Path(__file__).resolve().parent.parent / "domain" / "safety.yml"
EMERGENCY_CONTACT = "999"


@lru_cache(maxsize=1)
def crisis_replies() -> dict[str | None, str]:
    """Category -> reply text; the key None holds the default (routine) reply."""
    domain = yaml.safe_load(SAFETY_DOMAIN.read_text(encoding="utf-8"))
    replies: dict[str | None, str] = {}
    for variation in domain["responses"]["utter_crisis"]:
        conditions = variation.get("condition") or []
        category = conditions[0]["value"] if conditions else None
        replies[category] = variation["text"]
    return replies


def crisis_reply(category: str | None) -> str:
    replies = crisis_replies()
    return replies.get(category, replies[None])


def has_crisis_reply(texts: list[str]) -> bool:
    return any(EMERGENCY_CONTACT in text for text in texts)
