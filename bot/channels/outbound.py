"""One way out for every message: replies, pages to staff and proactive messages.

Every message is written to the outbox (`outbound_messages`) in the caller's transaction
before any provider is called, then `Outbox.drain` delivers it:

- in order per recipient: a message goes to the provider only when every earlier message to
  the same recipient on the same channel has a final status, so the messages of one turn
  arrive as written (stock Rasa's Twilio channel can reorder them: rasa issue #11680);
- retried with backoff on provider errors (`RETRY_DELAYS`); short waits are taken inline,
  longer ones are left to the scheduler's sweep (`deliver_due`);
- claimed with a conditional update and a lease, so two processes never send the same message
  at once; a process that dies mid-send leaves a lease that expires and the message is sent
  again (at least once, never lost);
- a permanent failure marks the contact unreachable and, for a page, brings the next step of
  the escalation cascade forward.

A channel with no provider configured leaves its messages `held`, where the desk shows them.
Addresses (phone numbers, chat ids) are looked up at send time and never copied into the outbox.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from bot.store import audit
from bot.store.db import session_scope
from bot.store.models import (
    ChannelIdentity,
    Escalation,
    OutboundImage,
    OutboundMessage,
    Staff,
    utcnow,
)

logger = logging.getLogger(__name__)
# Actions store a picture with `store_image` and put this reference in a Rasa message's image.
IMAGE_SCHEME = "outbound-image:"

QUEUED, RETRYING, SENDING = "queued", "retrying", "sending"
SENT, DELIVERED, FAILED, HELD = "sent", "delivered", "failed", "held"
# The rest of a long SMS, waiting for the person to reply MORE; replaced by a newer one.
MORE, SUPERSEDED = "more", "superseded"
PENDING = (QUEUED, RETRYING, SENDING)

# Seconds before each retry: about 20 minutes in all, then the message is marked failed.
RETRY_DELAYS = (0.5, 1.0, 2.0, 5.0, 15.0, 60.0, 300.0, 900.0)
INLINE_WAIT_S = 4.0  # a drain waits this long itself; longer waits go to the scheduler
CLAIM_LEASE = timedelta(seconds=60)


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Delivery:
    """What a provider sender needs for one message."""

    message_id: int
    channel: str
    address: str
    body: str
    buttons: tuple[Button, ...] = ()
    image: bytes | None = None  # a PNG to send with the body as its caption


def store_image(database_url: str, data: bytes, media_type: str = "image/png") -> str:
    """Keep a picture for a message about to be sent; returns its reference for Rasa."""
    with session_scope(database_url) as session:
        image = OutboundImage(media_type=media_type, data=data)
        session.add(image)
        session.flush()
        return f"{IMAGE_SCHEME}{image.id}"


class SendError(Exception):
    """A provider refused a message. `permanent` errors are not retried; `contact` ones mean the
    address itself cannot be reached (invalid number, bot blocked)."""

    def __init__(self, reason: str, *, permanent: bool, contact: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.contact = contact
        self.retry_after = retry_after


# A sender delivers one message and returns the provider's id for it, or raises SendError.
Sender = Callable[[Delivery], "str | None"]


def buttons_json(buttons: Iterable[Button]) -> str | None:
    items = [{"title": b.title, "payload": b.payload} for b in buttons]
    return json.dumps(items) if items else None


def buttons_of(message: OutboundMessage) -> tuple[Button, ...]:
    if not message.buttons:
        return ()
    return tuple(Button(item["title"], item["payload"]) for item in json.loads(message.buttons))


@dataclass(frozen=True)
class Recipient:
    type: str  # "person", "staff" or "fallback"
    id: str
    channel: str

    def rows(self) -> tuple:
        """Conditions that select this recipient's outbox rows."""
        return (
            OutboundMessage.recipient_type == self.type,
            OutboundMessage.recipient_id == self.id,
            OutboundMessage.channel == self.channel,
        )


_background = ThreadPoolExecutor(max_workers=16, thread_name_prefix="outbox")


@dataclass
class Outbox:
    database_url: str
    senders: dict[str, Sender] = field(default_factory=dict)
    fallback_channel: str | None = None
    fallback_address: str | None = None
    clock: Callable[[], datetime] = utcnow
    sleep: Callable[[float], None] = time.sleep

    def queue(
        self,
        session: Session,
        *,
        recipient_type: str,
        recipient_id: str,
        channel: str | None,
        purpose: str,
        body: str,
        buttons: Iterable[Button] = (),
        escalation_id: int | None = None,
        status: str = QUEUED,
        image_id: int | None = None,
    ) -> OutboundMessage:
        """Store a message in the caller's transaction; `drain` sends it after the commit."""
        stored_buttons = buttons_json(buttons)
        message = OutboundMessage(
            recipient_type=recipient_type,
            recipient_id=str(recipient_id),
            channel=channel or "outbox",
            purpose=purpose,
            body=body,
            buttons=stored_buttons,
            choices_open=stored_buttons is not None,
            escalation_id=escalation_id,
            status=status,
            image_id=image_id,
            attempts=0,
            created_at=self.clock(),
        )
        session.add(message)
        session.flush()
        return message

    def drain(self, recipient: Recipient, inline_wait: float = INLINE_WAIT_S) -> None:
        """Send this recipient's pending messages in order until none is left, or the next
        retry is further away than `inline_wait` seconds (the sweep takes it from there)."""
        waited = 0.0
        while True:
            step = self._claim_head(recipient)
            if step is None:
                return
            if isinstance(step, float):
                if waited + step > inline_wait:
                    return
                self.sleep(step)
                waited += step
                continue
            self._send(step)

    def drain_soon(self, recipients: Iterable[Recipient]) -> None:
        """Drain in a background thread, for callers that must not wait on a provider."""
        for recipient in dict.fromkeys(recipients):
            _background.submit(self._drain_logged, recipient)

    def _drain_logged(self, recipient: Recipient) -> None:
        try:
            self.drain(recipient)
        except Exception:  # the sweep retries; a background thread has nobody to raise to
            logger.exception("outbox: drain failed for a %s on %s", recipient.type,
                             recipient.channel)

    def deliver_due(self) -> int:
        """The scheduler's sweep: drain every recipient with a message due. Returns how many."""
        now = self.clock()
        with session_scope(self.database_url) as session:
            rows = session.execute(
                select(OutboundMessage.recipient_type, OutboundMessage.recipient_id,
                       OutboundMessage.channel)
                .where(or_(
                    and_(OutboundMessage.status.in_((QUEUED, RETRYING)),
                         or_(OutboundMessage.next_attempt_at.is_(None),
                             OutboundMessage.next_attempt_at <= now)),
                    and_(OutboundMessage.status == SENDING,
                         OutboundMessage.claimed_until < now),
                ))
                .distinct()
            ).all()
        recipients = [Recipient(*row) for row in rows]
        for recipient in recipients:
            self.drain(recipient, inline_wait=0.0)  # one slow recipient must not hold the rest
        return len(recipients)

    def _claim_head(self, recipient: Recipient) -> Delivery | float | None:
        """Claim the oldest pending message: a Delivery to send, seconds to wait, or None."""
        now = self.clock()
        with session_scope(self.database_url) as session:
            head = session.execute(
                select(OutboundMessage)
                .where(*recipient.rows(), OutboundMessage.status.in_(PENDING))
                .order_by(OutboundMessage.id)
                .limit(1)
            ).scalar_one_or_none()
            if head is None:
                return None
            if head.status == SENDING and head.claimed_until and head.claimed_until > now:
                return None  # another process is sending it and will go on with the rest
            if head.next_attempt_at and head.next_attempt_at > now:
                return (head.next_attempt_at - now).total_seconds()
            claimed = session.execute(
                update(OutboundMessage)
                .where(OutboundMessage.id == head.id, OutboundMessage.status == head.status,
                       OutboundMessage.attempts == head.attempts)
                .values(status=SENDING, claimed_until=now + CLAIM_LEASE,
                        attempts=head.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:
                return None
            address = self._address(session, head)
            sender = self.senders.get(head.channel)
            if sender is None or not address:
                session.execute(
                    update(OutboundMessage).where(OutboundMessage.id == head.id)
                    .values(status=HELD, claimed_until=None)
                )
                logger.info("outbox: message %s held (no %s)", head.id,
                            "provider" if sender is None else "address")
                return 0.0
            image = session.get(OutboundImage, head.image_id).data if head.image_id else None
            return Delivery(head.id, head.channel, address, head.body, buttons_of(head), image)

    def _send(self, delivery: Delivery) -> None:
        """Call the provider outside any transaction, then record what happened."""
        message_id = delivery.message_id
        try:
            provider_id = self.senders[delivery.channel](delivery)
        except SendError as error:
            self._record_failure(message_id, error)
        except Exception as error:  # network errors and the like: worth another try
            self._record_failure(message_id, SendError(type(error).__name__, permanent=False))
        else:
            with session_scope(self.database_url) as session:
                message = session.get(OutboundMessage, message_id)
                message.status, message.sent_at = SENT, self.clock()
                message.provider_id, message.claimed_until = provider_id, None

    def _record_failure(self, message_id: int, error: SendError) -> None:
        now = self.clock()
        with session_scope(self.database_url) as session:
            message = session.get(OutboundMessage, message_id)
            message.last_error = error.reason[:255]
            message.claimed_until = None
            retries_left = message.attempts <= len(RETRY_DELAYS)
            if not error.permanent and retries_left:
                delay = max(error.retry_after or 0.0, RETRY_DELAYS[message.attempts - 1])
                message.status = RETRYING
                message.next_attempt_at = now + timedelta(seconds=delay)
                logger.warning("outbox: message %s via %s failed (%s); retry in %.1f s",
                               message.id, message.channel, error.reason, delay)
                return
            self.fail(session, message, error.reason, contact=error.contact, now=now)

    def fail(self, session: Session, message: OutboundMessage, reason: str, *,
             contact: bool, now: datetime | None = None) -> None:
        """A final failure: recorded, the contact marked, and a failed page cascades at once."""
        now = now or self.clock()
        message.status, message.last_error = FAILED, reason[:255]
        logger.error("outbox: message %s via %s failed for good (%s)", message.id,
                     message.channel, reason)
        if contact:
            mark_unreachable(session, message, reason, now)
        if message.purpose == "page" and message.escalation_id is not None:
            escalation = session.get(Escalation, message.escalation_id)
            if escalation is not None and escalation.status == "open":
                if message.recipient_type == "staff":
                    # Their number is now skipped, so the next step cannot loop back to it.
                    escalation.next_page_due_at = now
                audit.record(session, "outbox", "page_failed", "escalation", escalation.id,
                             message=message.id, reason=reason[:80])

    def _address(self, session: Session, message: OutboundMessage) -> str | None:
        if message.recipient_type == "person":
            identity = _identity(session, message)
            return None if identity is None else identity.address
        if message.recipient_type == "staff":
            staff = session.get(Staff, int(message.recipient_id))
            if staff is not None and staff.page_channel == message.channel:
                return staff.page_address
            return None
        if message.recipient_type == "fallback" and message.channel == self.fallback_channel:
            return self.fallback_address
        return None


def _identity(session: Session, message: OutboundMessage) -> ChannelIdentity | None:
    """Where a message to a person goes on its channel."""
    return session.execute(
        select(ChannelIdentity).where(
            ChannelIdentity.person_id == message.recipient_id,
            ChannelIdentity.channel == message.channel,
        )
    ).scalar_one_or_none()


def mark_unreachable(session: Session, message: OutboundMessage, reason: str,
                     now: datetime) -> None:
    """Remember that a contact cannot be reached, so the desk shows it and paging skips it."""
    if message.recipient_type == "person":
        identity = _identity(session, message)
        if identity is not None:
            identity.mark_unreachable(reason, now)
    elif message.recipient_type == "staff":
        staff = session.get(Staff, int(message.recipient_id))
        if staff is not None:
            staff.page_failed_at = now
    audit.record(session, "outbox", "contact_unreachable", message.recipient_type,
                 message.recipient_id, channel=message.channel)


def configured_outbox(database_url: str | None = None) -> Outbox:
    """The outbox with every provider that has credentials in the environment."""
    from bot.channels import sms, telegram
    from bot.config import get_settings

    settings = get_settings()
    senders: dict[str, Sender] = {}
    for name, module in (("sms", sms), ("telegram", telegram)):
        sender = module.sender_from_settings(settings)
        if sender is not None:
            senders[name] = sender
    return Outbox(
        database_url or settings.database_url,
        senders,
        fallback_channel=settings.fallback_page_channel,
        fallback_address=settings.fallback_page_address,
    )
