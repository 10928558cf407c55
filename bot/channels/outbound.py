"""One way out for every message: replies, pages to staff and proactive messages.

Each message is written to the outbox (`outbound_messages`) before any provider is called, so
nothing is lost if a send fails. A channel with no credentials configured leaves its messages
`held` in the outbox, where the desk shows them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from bot.store.models import OutboundMessage, utcnow

logger = logging.getLogger(__name__)

# A sender takes (address, text) and raises on failure. Provider senders plug in here.
Sender = Callable[[str, str], None]


@dataclass
class Outbound:
    senders: dict[str, Sender] = field(default_factory=dict)

    def queue(
        self,
        session: Session,
        *,
        recipient_type: str,
        recipient_id: str,
        channel: str | None,
        purpose: str,
        body: str,
        escalation_id: int | None = None,
    ) -> OutboundMessage:
        """Store a message in the caller's transaction; `deliver` sends it after commit."""
        message = OutboundMessage(
            recipient_type=recipient_type,
            recipient_id=str(recipient_id),
            channel=channel or "outbox",
            purpose=purpose,
            body=body,
            escalation_id=escalation_id,
            status="queued",
            attempts=0,
        )
        session.add(message)
        session.flush()
        return message

    def deliver(self, session: Session, message: OutboundMessage, address: str | None) -> None:
        """Try the provider once; with no provider or address the message stays held."""
        sender = self.senders.get(message.channel)
        if sender is None or not address:
            message.status = "held"
            return
        message.attempts += 1
        try:
            sender(address, message.body)
        except Exception as error:  # provider errors are recorded, never raised to the caller
            message.status = "failed"
            message.last_error = type(error).__name__
            logger.warning("outbound %s via %s failed: %s", message.id, message.channel,
                           type(error).__name__)
            return
        message.status, message.sent_at = "sent", utcnow()
