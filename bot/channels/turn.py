"""What a channel does with one inbound message once the provider's signature and payload have
been checked.

1. Take it in once: the provider's message id is recorded, so a retried webhook is not
   answered twice.
2. Find (or create) the person behind the address. Conversation ids are opaque: a phone number
   or chat id is kept only in `channel_identities`.
3. Screen for risk and commit any escalation before Rasa runs (`bot.safety.intake`).
4. Run the turn. Provider channels put every reply in the outbox, which sends them in order.
5. Never a lost crisis: if the dialogue gave no crisis reply, the channel sends it; if the turn
   failed, the person is told so, with the numbers to call.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.channels.outbound import (
    IMAGE_SCHEME,
    MORE,
    QUEUED,
    SUPERSEDED,
    Button,
    Outbox,
    Recipient,
    buttons_of,
    configured_outbox,
)
from bot.config import Settings, get_settings
from bot.content import load
from bot.people.service import person_for_address
from bot.safety.intake import screen
from bot.safety.replies import crisis_reply, has_crisis_reply
from bot.store.db import session_scope
from bot.store.models import InboundReceipt, OutboundMessage, Person

logger = logging.getLogger(__name__)


def channel_text(key: str) -> str:
    """A fixed text the channels send themselves (bot/content/channel_messages.yml)."""
    return load("channel_messages")["messages"][key]


@dataclass(frozen=True)
class Contact:
    """The person behind an inbound message, on the channel it came from."""

    person_id: str
    conversation_id: str
    channel: str

    @property
    def recipient(self) -> Recipient:
        return Recipient("person", self.person_id, self.channel)


@dataclass(frozen=True)
class Part:
    """One outbox row made from a Rasa message (an SMS may become a part and a MORE part)."""

    body: str
    buttons: tuple[Button, ...] = ()
    status: str = QUEUED
    image_id: int | None = None


def image_id_from(message: dict[str, Any]) -> int | None:
    """The stored picture a Rasa message carries (`image="outbound-image:<id>"`), if any."""
    image = str(message.get("image") or "")
    number = image.removeprefix(IMAGE_SCHEME)
    return int(number) if image.startswith(IMAGE_SCHEME) and number.isdigit() else None


def buttons_from(message: dict[str, Any]) -> tuple[Button, ...]:
    """The buttons of a Rasa message; ones without a payload cannot be answered, so are left out."""
    return tuple(
        Button(str(b.get("title") or b["payload"]), str(b["payload"]))
        for b in message.get("buttons") or [] if isinstance(b, dict) and b.get("payload")
    )


def take_in(database_url: str, channel: str, provider_id: str, address: str) -> Contact | None:
    """The sender of a new inbound message, or None if this provider id was taken in before."""
    try:
        with session_scope(database_url) as session:
            session.add(InboundReceipt(channel=channel, provider_id=provider_id))
    except IntegrityError:
        return None
    try:
        return _contact(database_url, channel, address)
    except IntegrityError:  # a first message from this address raced another; theirs won
        return _contact(database_url, channel, address)


def _contact(database_url: str, channel: str, address: str) -> Contact:
    with session_scope(database_url) as session:
        person = person_for_address(session, channel, address)
        return Contact(person.id, person.conversation_id, channel)


def take_choice(database_url: str, contact: Contact, text: str,
                choose: Callable[[str, int], int | None]) -> str:
    """The payload of the option a reply picks from the last message's choices, else the text.
    Choices answer only the very next message, so they are closed either way."""
    with session_scope(database_url) as session:
        offered = session.execute(
            select(OutboundMessage)
            .where(*contact.recipient.rows(), OutboundMessage.choices_open.is_(True),
                   OutboundMessage.status.not_in((MORE, SUPERSEDED)))
            .order_by(OutboundMessage.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if offered is None:
            return text
        session.execute(
            update(OutboundMessage).where(*contact.recipient.rows(),
                                          OutboundMessage.choices_open.is_(True))
            .values(choices_open=False).execution_options(synchronize_session=False)
        )
        buttons = buttons_of(offered)
        index = choose(text, len(buttons))
        return text if index is None else buttons[index].payload


def pressed_choice(database_url: str, contact: Contact, message_id: int, index: int) -> str | None:
    """The payload behind a button pressed on one of this person's messages, or None."""
    with session_scope(database_url) as session:
        message = session.get(OutboundMessage, message_id)
        if message is None or message.recipient_id != contact.person_id:
            return None
        buttons = buttons_of(message)
        if not 0 <= index < len(buttons):
            return None
        message.choices_open = False
        return buttons[index].payload


def queue_parts(outbox: Outbox, recipient: Recipient, parts: list[Part],
                purpose: str = "reply") -> None:
    """Commit a message's parts to the outbox; a new MORE part replaces any older one."""
    with session_scope(outbox.database_url) as session:
        if any(part.status == MORE for part in parts):
            session.execute(
                update(OutboundMessage)
                .where(*recipient.rows(), OutboundMessage.status == MORE)
                .values(status=SUPERSEDED).execution_options(synchronize_session=False)
            )
        for part in parts:
            outbox.queue(session, recipient_type=recipient.type, recipient_id=recipient.id,
                         channel=recipient.channel, purpose=purpose, body=part.body,
                         buttons=part.buttons, status=part.status, image_id=part.image_id)


async def send_now(outbox: Outbox, recipient: Recipient, parts: list[Part]) -> None:
    """Queue and start delivery: the channel's own answers (not-text, nothing more, ...)."""
    await asyncio.to_thread(queue_parts, outbox, recipient, parts)
    outbox.drain_soon([recipient])


class OutboxOutputChannel(OutputChannel):
    """Rasa's output side of a provider channel: every message goes through the outbox.

    Used for replies within a turn and for proactive messages (`trigger_intent` with
    `output_channel`), where the person is found from the conversation id. Each provider
    channel names itself and says how a Rasa message looks on it (`render`).
    """

    channel = ""

    def __init__(self, outbox: Outbox, contact: Contact | None = None) -> None:
        self.outbox = outbox
        self.contact = contact
        self.texts: list[str] = []

    @classmethod
    def name(cls) -> str:
        return cls.channel

    def render(self, message: dict[str, Any]) -> list[Part]:
        raise NotImplementedError

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        parts = self.render(message)
        if not parts:
            logger.info("%s: a message with nothing to show on this channel was skipped",
                        self.channel)
            return
        recipient = await asyncio.to_thread(self._recipient, recipient_id)
        if recipient is None:
            logger.error("%s: no person for this conversation; message kept out of the outbox",
                         self.channel)
            return
        await send_now(self.outbox, recipient, parts)
        self.texts.append(message.get("text") or "")

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    def _recipient(self, conversation_id: str) -> Recipient | None:
        if self.contact is not None and self.contact.conversation_id == conversation_id:
            return self.contact.recipient
        with session_scope(self.outbox.database_url) as session:
            person_id = session.execute(
                select(Person.id).where(Person.conversation_id == conversation_id)
            ).scalar_one_or_none()
        return None if person_id is None else Recipient("person", person_id, self.channel)


async def converse(
    database_url: str,
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    message: UserMessage,
    sent_texts: Callable[[], list[str]],
) -> None:
    """Screen, run the turn, and make sure a crisis or a failure is always answered."""
    output = message.output_channel
    detection = None
    try:
        detection = await asyncio.to_thread(screen, database_url, message.sender_id,
                                            message.text)
    except Exception:
        # The reply with contacts still goes out (the NLU component sees the risk too).
        logger.exception("%s: could not persist a risk escalation", message.input_channel)
    failed = False
    try:
        await on_new_message(message)
    except Exception:
        failed = True
        logger.exception("%s: turn failed (message text not logged)", message.input_channel)
    if detection is not None and not has_crisis_reply(sent_texts()):
        # Never a lost crisis: if the dialogue did not answer it, the channel does.
        logger.warning("%s: dialogue gave no crisis reply; the channel sends it",
                       message.input_channel)
        category = detection.category if detection.urgent else None
        await output.send_text_message(message.sender_id, crisis_reply(category))
    elif failed:
        await output.send_text_message(message.sender_id, channel_text("turn_failed"))


class ProviderInput(InputChannel):
    """What the SMS and Telegram input channels share: settings from the environment (like
    every process, so .env is the one source), the outbox, and a health route."""

    channel = ""
    output_class: type[OutboxOutputChannel] = OutboxOutputChannel

    @classmethod
    def name(cls) -> str:
        return cls.channel

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ProviderInput:
        return cls(get_settings())

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.outbox = configured_outbox(settings.database_url)

    def get_output_channel(self) -> OutboxOutputChannel:
        return self.output_class(self.outbox)

    def new_blueprint(self) -> Blueprint:
        webhook = Blueprint(f"{self.channel}_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        return webhook
