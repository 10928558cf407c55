"""Telegram through python-telegram-bot.

- `TelegramInput`, the Rasa input channel at /webhooks/telegram/webhook. A request must carry
  the X-Telegram-Bot-Api-Secret-Token set with the webhook (else 403); updates are parsed with
  `telegram.Update.de_json` and taken in once per `update_id` (Telegram retries).
  Text, edited text (read as a new message), `/start` with a deep-link payload and other
  commands, button presses (answered), a shared location, and captions are passed to Rasa;
  a photo, voice note or sticker gets "I can only read text for now". Only private chats are
  served; group messages are ignored.
- `TelegramOutput`: a Rasa message on Telegram: text, with buttons as an inline keyboard.
- `TelegramSender`: how the outbox sends, with `telegram.Bot` on its own event loop thread.
- `python -m bot.channels.telegram set-webhook | check-webhook` registers and checks the webhook.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import sys
import threading
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy import select
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)
from telegram.request import HTTPXRequest

from bot.channels.inbound import InboundError, clean_text
from bot.channels.outbound import Delivery, SendError
from bot.channels.turn import (
    Contact,
    OutboxOutputChannel,
    Part,
    ProviderInput,
    buttons_from,
    channel_text,
    converse,
    image_id_from,
    pressed_choice,
    send_now,
    take_in,
)
from bot.config import Settings, get_settings
from bot.store.db import session_scope
from bot.store.models import ChannelIdentity, utcnow

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
WEBHOOK_PATH = "/webhooks/telegram/webhook"
MAX_BODY_BYTES = 256 * 1024
MAX_TEXT = 4096  # Telegram's limit for one message
MAX_CAPTION = 1024  # and for the caption of a photo
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_START_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_CALLBACK = re.compile(r"^(\d{1,18}):(\d{1,2})$")
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)
# Commands that mean a Rasa intent; any other command is read as its words ("/help" -> "help").
COMMAND_INTENTS = {"start": "/greet"}


class TelegramOutput(OutboxOutputChannel):
    channel = CHANNEL

    def render(self, message: dict[str, Any]) -> list[Part]:
        text = str(message.get("text") or "").strip()
        buttons = buttons_from(message)
        image_id = image_id_from(message)
        if image_id is not None and len(text) <= MAX_CAPTION:
            return [Part(text, buttons, image_id=image_id)]
        if not text:
            return []
        chunks = split_long(text, MAX_TEXT)
        parts = [Part(chunk) for chunk in chunks[:-1]] + [Part(chunks[-1], buttons)]
        return parts + ([Part("", image_id=image_id)] if image_id is not None else [])


def split_long(text: str, limit: int) -> list[str]:
    """Cut text longer than one Telegram message at paragraph or line ends."""
    chunks: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        cut = cut if cut > 0 else limit
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return chunks + [text]


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def send_error(error: TelegramError) -> SendError:
    """Whether Telegram's refusal is worth retrying, and whether the chat itself is gone."""
    reason = f"telegram {type(error).__name__}: {error.message}"[:255]
    if isinstance(error, RetryAfter):
        return SendError(reason, permanent=False, retry_after=_seconds(error.retry_after))
    if isinstance(error, InvalidToken):
        logger.error("telegram: the Bot API refused our token; check TELEGRAM_BOT_TOKEN")
        return SendError(reason, permanent=False)
    if isinstance(error, Forbidden):  # blocked by the user, or the account was deleted
        return SendError(reason, permanent=True, contact=True)
    if isinstance(error, BadRequest | ChatMigrated):
        contact = "chat not found" in error.message.lower()
        return SendError(reason, permanent=True, contact=contact)
    return SendError(reason, permanent=False)  # NetworkError, TimedOut: try again


class BotRunner:
    """One `telegram.Bot` on its own event loop thread, for callers in ordinary threads."""

    def __init__(self, token: str, api_url: str | None) -> None:
        self.token = token
        self.base_url = f"{api_url.rstrip('/')}/bot" if api_url else "https://api.telegram.org/bot"
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._bot: Bot | None = None

    def run(self, call: Callable[[Bot], Awaitable[Any]], timeout: float = 30.0) -> Any:
        with self._lock:  # started on first use, so a forked worker gets its own
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, daemon=True,
                                 name="telegram-bot").start()
                self._bot = Bot(self.token, base_url=self.base_url,
                                request=HTTPXRequest(connection_pool_size=32))
        return asyncio.run_coroutine_threadsafe(call(self._bot), self._loop).result(timeout)


class TelegramSender:
    """Sends one outbox message with `telegram.Bot`; returns Telegram's message id."""

    def __init__(self, runner: BotRunner) -> None:
        self.runner = runner

    def __call__(self, delivery: Delivery) -> str:
        markup = None
        if delivery.buttons:
            markup = InlineKeyboardMarkup([
                [InlineKeyboardButton(button.title, callback_data=f"{delivery.message_id}:{i}")]
                for i, button in enumerate(delivery.buttons)
            ])
        chat_id = int(delivery.address)
        try:
            if delivery.image is not None:
                sent: Message = self.runner.run(lambda bot: bot.send_photo(
                    chat_id=chat_id, photo=delivery.image, caption=delivery.body or None,
                    reply_markup=markup))
            else:
                sent = self.runner.run(lambda bot: bot.send_message(
                    chat_id=chat_id, text=delivery.body, reply_markup=markup))
        except TelegramError as error:
            raise send_error(error) from error
        return str(sent.message_id)


def runner_from_settings(settings: Settings) -> BotRunner | None:
    if not settings.telegram_bot_token:
        return None
    return BotRunner(settings.telegram_bot_token, settings.telegram_api_url)


def sender_from_settings(settings: Settings) -> TelegramSender | None:
    runner = runner_from_settings(settings)
    return None if runner is None else TelegramSender(runner)


def set_reachable(database_url: str, address: str, reachable: bool) -> None:
    """A person blocked (or unblocked) the bot: remember it so nobody waits on replies."""
    with session_scope(database_url) as session:
        identity = session.execute(
            select(ChannelIdentity).where(ChannelIdentity.channel == CHANNEL,
                                          ChannelIdentity.address == address)
        ).scalar_one_or_none()
        if identity is None:
            return
        if reachable:
            identity.mark_reachable()
        else:
            identity.mark_unreachable("blocked the bot", utcnow())


def parse_update(body: bytes) -> Update:
    """A Telegram update from a webhook body, or InboundError (400) saying what is wrong."""
    if not body:
        raise InboundError("empty body: Telegram sends a JSON update")
    if len(body) > MAX_BODY_BYTES:
        raise InboundError(f"body too large: at most {MAX_BODY_BYTES} bytes")
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InboundError("body must be a UTF-8 JSON update") from None
    if not isinstance(payload, dict):
        raise InboundError("body must be a JSON object")
    update_id = payload.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool) or update_id < 0:
        raise InboundError("'update_id' must be a non-negative integer")
    try:
        update = Update.de_json(payload)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InboundError(f"not a Telegram update: {type(error).__name__}") from None
    for message in (update.message, update.edited_message):
        if message is not None and not isinstance(getattr(message.chat, "id", None), int):
            raise InboundError("'chat.id' must be an integer")
    return update


def command_text(text: str) -> tuple[str, dict[str, Any] | None]:
    """What Rasa reads for a command: `/start PAYLOAD` is a greeting with the payload as
    metadata; other commands are read as their words."""
    match = _COMMAND.match(text)
    if match is None:
        return text.lstrip("/").strip() or text, None
    command, argument = match.group(1).lower(), (match.group(2) or "").strip()
    if command in COMMAND_INTENTS:
        metadata = {"start_payload": argument} if _START_PAYLOAD.match(argument) else None
        return COMMAND_INTENTS[command], metadata
    return f"{command} {argument}".strip(), None


def message_text(message: Message) -> tuple[str | None, dict[str, Any] | None]:
    """(text for Rasa, metadata) for a chat message, or (None, None) if there is none to read."""
    if message.location is not None:
        entities = {"latitude": message.location.latitude,
                    "longitude": message.location.longitude}
        return f"/share_location{json.dumps(entities)}", None
    try:
        text = clean_text(message.text or message.caption or "")
    except InboundError:
        return None, None  # a photo, voice note or sticker: nothing to read
    if text.startswith("/"):
        return command_text(text)
    return text, None


class TelegramInput(ProviderInput):
    """Telegram's webhook, mounted by Rasa at /webhooks/telegram/."""

    channel = CHANNEL
    output_class = TelegramOutput

    def __init__(self, settings: Settings) -> None:
        if not _SECRET.match(settings.telegram_webhook_secret or ""):
            raise ValueError("TELEGRAM_WEBHOOK_SECRET must be 1-256 of A-Z a-z 0-9 _ -")
        super().__init__(settings)
        self.secret = settings.telegram_webhook_secret.encode()
        self.runner = runner_from_settings(settings)

    async def _answer(self, callback_id: str) -> None:
        try:
            await asyncio.to_thread(self.runner.run,
                                    lambda bot: bot.answer_callback_query(callback_id))
        except Exception as error:  # the press is still read; only the spinner stays longer
            logger.warning("telegram: could not answer a button press (%s)",
                           type(error).__name__)

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        webhook = self.new_blueprint()
        database_url = self.settings.database_url
        outbox = self.outbox

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "").encode()
            if not hmac.compare_digest(given, self.secret):
                return response.json({"error": "missing or wrong secret token"}, status=403)
            try:
                update = parse_update(request.body)
                metadata = None
                if update.callback_query is not None:
                    query = update.callback_query
                    chat_id, text = query.from_user.id, None
                    await self._answer(query.id)
                else:
                    message = update.message or update.edited_message
                    if message is None:
                        await self._other(update)
                        return response.json({"status": "ignored"})
                    if message.chat.type != "private":
                        logger.info("telegram: a %s chat message ignored", message.chat.type)
                        return response.json({"status": "ignored"})
                    chat_id = message.chat.id
                    text, metadata = message_text(message)
            except InboundError as error:
                return response.json({"error": error.reason}, status=error.status)
            contact = await asyncio.to_thread(take_in, database_url, CHANNEL,
                                              str(update.update_id), str(chat_id))
            if contact is None:
                return response.json({"status": "duplicate"})
            output = TelegramOutput(outbox, contact)
            if update.callback_query is not None:
                text = await asyncio.to_thread(self._pressed, contact,
                                               update.callback_query.data or "")
                if text is None:
                    await send_now(outbox, contact.recipient,
                                   output.render({"text": channel_text("choice_expired")}))
                    return response.json({"status": "ok"})
            if text is None:
                await send_now(outbox, contact.recipient,
                               output.render({"text": channel_text("text_only")}))
                return response.json({"status": "ok"})
            message = UserMessage(text, output, contact.conversation_id,
                                  input_channel=CHANNEL, metadata=metadata)
            await converse(database_url, on_new_message, message, lambda: output.texts)
            return response.json({"status": "ok"})

        return webhook

    def _pressed(self, contact: Contact, data: str) -> str | None:
        match = _CALLBACK.match(data)
        if match is None:
            return None
        return pressed_choice(self.settings.database_url, contact, int(match.group(1)),
                              int(match.group(2)))

    async def _other(self, update: Update) -> None:
        member = update.my_chat_member
        if member is not None and member.chat.type == "private":
            status = member.new_chat_member.status
            await asyncio.to_thread(set_reachable, self.settings.database_url,
                                    str(member.chat.id), status not in ("kicked", "left"))


def _cli(argv: list[str]) -> int:
    """set-webhook: point Telegram at PUBLIC_BASE_URL with the secret; check-webhook: compare."""
    if len(argv) != 1 or argv[0] not in ("set-webhook", "check-webhook"):
        print("usage: python -m bot.channels.telegram set-webhook | check-webhook",
              file=sys.stderr)
        return 2
    settings = get_settings()
    missing = settings.missing_for_telegram() + ([] if settings.public_base_url
                                                 else ["PUBLIC_BASE_URL"])
    if missing:
        print(f"error: set {', '.join(missing)} (see .env.example)", file=sys.stderr)
        return 2
    if not _SECRET.match(settings.telegram_webhook_secret):
        print("error: TELEGRAM_WEBHOOK_SECRET must be 1-256 of A-Z a-z 0-9 _ -", file=sys.stderr)
        return 2
    url = settings.public_base_url.rstrip("/") + WEBHOOK_PATH
    runner = runner_from_settings(settings)
    try:
        if argv[0] == "set-webhook":
            runner.run(lambda bot: bot.set_webhook(
                url, secret_token=settings.telegram_webhook_secret,
                allowed_updates=ALLOWED_UPDATES))
            print(f"webhook set: {url}")
            return 0
        info = runner.run(lambda bot: bot.get_webhook_info())
    except TelegramError as error:
        print(f"error: Telegram refused: {error.message}", file=sys.stderr)
        return 1
    print(f"webhook: {info.url or '(none)'}")
    print(f"pending updates: {info.pending_update_count}")
    if info.last_error_message:
        print(f"last error: {info.last_error_message}")
    if info.url != url:
        print(f"error: expected {url}; run set-webhook", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_cli(sys.argv[1:]))
