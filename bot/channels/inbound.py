"""Checks every channel applies to an inbound message before Rasa sees it."""

from __future__ import annotations

import re
import unicodedata

# Long enough for any SMS (concatenated) or Telegram message (4,096 characters).
MAX_MESSAGE_CHARS = 4096
# Control characters break storage (PostgreSQL refuses NUL) and logs; tabs and newlines stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class InboundError(ValueError):
    """A message that cannot be accepted, with a reason safe to show the caller."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def clean_text(text: object) -> str:
    """Normalise an inbound text, or raise InboundError saying what is wrong with it."""
    if not isinstance(text, str):
        raise InboundError("'message' must be a string")
    cleaned = _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()
    if not cleaned:
        raise InboundError("'message' is empty")
    if len(cleaned) > MAX_MESSAGE_CHARS:
        raise InboundError(
            f"'message' is too long: at most {MAX_MESSAGE_CHARS} characters", status=413
        )
    return cleaned
