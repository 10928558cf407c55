"""The first thing every channel does with an inbound message: screen it and, on risk,
persist an escalation before Rasa, the action server or any provider is involved."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.escalation.service import EscalationService
from bot.safety.detector import Detection, detect

logger = logging.getLogger(__name__)


def screen(
    database_url: str, conversation_id: str, text: str, now: datetime | None = None
) -> Detection | None:
    """Detect risk; if found, the escalation is committed before this returns."""
    detection = detect(text)
    if detection is None:
        return None
    escalation_id = EscalationService(database_url).open_from_detection(
        conversation_id, detection, text, now=now
    )
    logger.info(
        "safety: %s %s escalation #%d opened", detection.severity, detection.category,
        escalation_id,
    )
    return detection
