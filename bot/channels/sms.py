"""SMS through Twilio.

- `SmsInput`, the Rasa input channel: inbound messages at /webhooks/sms/webhook and delivery
  status callbacks at /webhooks/sms/status. Every request must carry an X-Twilio-Signature
  computed over the configured public URL (PUBLIC_BASE_URL, so it works behind a proxy), checked
  with twilio's own RequestValidator; anything unsigned or forged gets 403. A MessageSid already
  taken in (Twilio retries) is acknowledged and not answered again.
- `SmsOutput`: a Rasa message as SMS: plain GSM-7 text (one emoji or smart quote would switch
  the whole message to UCS-2, 70 characters a segment), at most 3 segments with the rest waiting
  for MORE, and buttons as numbered options the next reply can pick by number.
- `TwilioSender`: how the outbox sends an SMS, with twilio's REST client rather than TwiML, so
  a turn can send several messages in order, with status callbacks and retries.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy import select
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.channels.inbound import InboundError, clean_text
from bot.channels.outbound import (
    DELIVERED,
    FAILED,
    MORE,
    SUPERSEDED,
    Delivery,
    Outbox,
    SendError,
    buttons_of,
)
from bot.channels.sms_text import (
    choice_index,
    is_more_request,
    render_choices,
    split_for_sms,
    to_gsm7,
)
from bot.channels.turn import (
    Contact,
    OutboxOutputChannel,
    Part,
    ProviderInput,
    buttons_from,
    channel_text,
    converse,
    queue_parts,
    send_now,
    take_choice,
    take_in,
)
from bot.config import Settings
from bot.store.db import session_scope
from bot.store.models import OutboundMessage

logger = logging.getLogger(__name__)

CHANNEL = "sms"
WEBHOOK_PATH = "/webhooks/sms/webhook"
STATUS_PATH = "/webhooks/sms/status"
MAX_BODY_BYTES = 16 * 1024  # an inbound SMS form is about 1 KB; 1,600 characters at most
MAX_FIELDS = 64
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
_SID = re.compile(r"^[A-Z]{2}[0-9a-fA-F]{32}$")
_PHONE = re.compile(r"^\+?[0-9]{3,15}$")
_STATUS = re.compile(r"^[a-z_-]{1,32}$")
# Twilio errors that mean the number itself cannot take our messages: invalid or landline
# number, unsubscribed (the person texted STOP to the carrier), blocked or unknown handset.
# Source: Twilio error and warning dictionary, twilio.com/docs/api/errors.
CONTACT_ERROR_CODES = frozenset({21211, 21214, 21610, 21612, 21614, 30004, 30005, 30006})


class SmsOutput(OutboxOutputChannel):
    channel = CHANNEL

    def render(self, message: dict[str, Any]) -> list[Part]:
        text = str(message.get("text") or "").strip()
        buttons = buttons_from(message)
        if buttons:
            text = render_choices(text, [b.title for b in buttons],
                                  intro=channel_text("sms_choices_intro"))
        if not text:
            return []
        first, rest = split_for_sms(to_gsm7(text), more_hint=channel_text("sms_more_hint"))
        if rest is None:
            return [Part(first, buttons)]
        return [Part(first), Part(rest, buttons, MORE)]


def release_more(outbox: Outbox, contact: Contact) -> bool:
    """Queue the next part of the last long reply; False if nothing is waiting."""
    with session_scope(outbox.database_url) as session:
        waiting = session.execute(
            select(OutboundMessage)
            .where(*contact.recipient.rows(), OutboundMessage.status == MORE)
            .order_by(OutboundMessage.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if waiting is None:
            return False
        waiting.status = SUPERSEDED
        body, buttons = waiting.body, buttons_of(waiting)
    first, rest = split_for_sms(body, more_hint=channel_text("sms_more_hint"))
    parts = [Part(first, buttons)] if rest is None else [Part(first), Part(rest, buttons, MORE)]
    queue_parts(outbox, contact.recipient, parts)
    return True


def parse_form(body: bytes) -> dict[str, str]:
    """A Twilio webhook's form fields, or InboundError (always 400) saying what is wrong."""
    if len(body) > MAX_BODY_BYTES:
        raise InboundError(f"body too large: at most {MAX_BODY_BYTES} bytes")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                          max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise InboundError("body must be UTF-8 form data") from None
    except ValueError:
        raise InboundError(f"too many form fields: at most {MAX_FIELDS}") from None
    params = dict(pairs)
    if len(params) != len(pairs):
        raise InboundError("a form field is repeated")
    return params


def field(params: dict[str, str], name: str, pattern: re.Pattern[str]) -> str:
    value = params.get(name)
    if value is None or not pattern.match(value):
        raise InboundError(f"'{name}' is missing or malformed")
    return value


def rest_error(error: TwilioRestException) -> SendError:
    """Whether Twilio's refusal is worth retrying, and whether it is the number's fault."""
    reason = f"twilio {error.status} {error.code or ''}".strip()
    if error.status == 429 or error.status >= 500:
        return SendError(reason, permanent=False)
    if error.status in (401, 403):
        logger.error("sms: Twilio refused our credentials; check TWILIO_* settings")
        return SendError(reason, permanent=False)  # retried while someone fixes the settings
    return SendError(reason, permanent=True, contact=error.code in CONTACT_ERROR_CODES)


class TwilioSender:
    """Sends one outbox message through Twilio's REST API; returns the message SID."""

    def __init__(self, settings: Settings) -> None:
        self.client = Client(settings.twilio_account_sid, settings.twilio_auth_token,
                             http_client=TwilioHttpClient(timeout=10))
        if settings.twilio_api_url:  # a regional edge or proxy, or a local stand-in
            self.client.api.base_url = settings.twilio_api_url.rstrip("/")
        if settings.twilio_messaging_service_sid:
            self.origin = {"messaging_service_sid": settings.twilio_messaging_service_sid}
        else:
            self.origin = {"from_": settings.twilio_from_number}
        self.status_callback = (
            settings.public_base_url.rstrip("/") + STATUS_PATH
            if settings.public_base_url else None
        )

    def __call__(self, delivery: Delivery) -> str:
        options: dict[str, Any] = dict(self.origin)
        if self.status_callback:
            options["status_callback"] = self.status_callback
        try:
            message = self.client.messages.create(to=delivery.address, body=delivery.body,
                                                  **options)
        except TwilioRestException as error:
            raise rest_error(error) from error
        return message.sid


def sender_from_settings(settings: Settings) -> TwilioSender | None:
    if not (settings.twilio_account_sid and settings.twilio_auth_token
            and (settings.twilio_from_number or settings.twilio_messaging_service_sid)):
        return None
    return TwilioSender(settings)


def record_status(outbox: Outbox, provider_id: str, status: str,
                  error_code: int | None) -> None:
    """Apply a delivery status callback to the outbox row it belongs to."""
    with session_scope(outbox.database_url) as session:
        message = session.execute(
            select(OutboundMessage).where(OutboundMessage.channel == CHANNEL,
                                          OutboundMessage.provider_id == provider_id)
        ).scalar_one_or_none()
        if message is None or message.status == FAILED:
            return
        if status == "delivered":
            message.status, message.delivered_at = DELIVERED, outbox.clock()
        elif status in ("undelivered", "failed"):
            reason = f"twilio {status} {error_code or ''}".strip()
            outbox.fail(session, message, reason, contact=error_code in CONTACT_ERROR_CODES)


class SmsInput(ProviderInput):
    """Twilio's webhooks, mounted by Rasa at /webhooks/sms/."""

    channel = CHANNEL
    output_class = SmsOutput

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.validator = RequestValidator(settings.twilio_auth_token)

    def _verified(self, request: Request) -> dict[str, str]:
        """The form fields of a request Twilio signed; InboundError 403 or 400 otherwise."""
        signature = request.headers.get("X-Twilio-Signature")
        if not signature:
            raise InboundError("missing X-Twilio-Signature", status=403)
        params = parse_form(request.body)
        url = self.settings.public_base_url.rstrip("/") + request.path
        if request.query_string:
            url += "?" + request.query_string
        if not self.validator.validate(url, params, signature):
            raise InboundError("invalid X-Twilio-Signature", status=403)
        return params

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        webhook = self.new_blueprint()
        database_url = self.settings.database_url
        outbox = self.outbox

        def twiml() -> HTTPResponse:
            return response.text(EMPTY_TWIML, content_type="text/xml")

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                params = self._verified(request)
                sid = field(params, "MessageSid", _SID)
                address = field(params, "From", _PHONE)
                if "Body" not in params:
                    raise InboundError("'Body' is missing")
                try:
                    text: str | None = clean_text(params["Body"])
                except InboundError as error:
                    if error.status != 400:
                        raise InboundError(error.reason) from None
                    text = None  # nothing to read: a picture, or an empty message
            except InboundError as error:
                return response.json({"error": error.reason}, status=error.status)
            contact = await asyncio.to_thread(take_in, database_url, CHANNEL, sid, address)
            if contact is None:
                return twiml()  # a retry of a message already answered
            output = SmsOutput(outbox, contact)
            if text is None:
                await send_now(outbox, contact.recipient,
                               output.render({"text": channel_text("text_only")}))
                return twiml()
            if is_more_request(text):
                if await asyncio.to_thread(release_more, outbox, contact):
                    outbox.drain_soon([contact.recipient])
                else:
                    await send_now(outbox, contact.recipient,
                                   output.render({"text": channel_text("nothing_more")}))
                return twiml()
            text = await asyncio.to_thread(take_choice, database_url, contact, text,
                                           choice_index)
            message = UserMessage(text, output, contact.conversation_id,
                                  input_channel=CHANNEL)
            await converse(database_url, on_new_message, message, lambda: output.texts)
            return twiml()

        @webhook.route("/status", methods=["POST"])
        async def status(request: Request) -> HTTPResponse:
            try:
                params = self._verified(request)
                sid = field(params, "MessageSid", _SID)
                state = field(params, "MessageStatus", _STATUS)
                code = params.get("ErrorCode") or None
                if code is not None and not code.isdigit():
                    raise InboundError("'ErrorCode' must be a number")
            except InboundError as error:
                return response.json({"error": error.reason}, status=error.status)
            await asyncio.to_thread(record_status, outbox, sid, state,
                                    int(code) if code else None)
            return response.empty()

        return webhook
