"""Rasa's REST channel with strict input checks: a bad request gets a clear 4xx, never a 500.

POST /webhooks/rest/webhook  {"sender": "abc", "message": "hi"}  ->  [{"recipient_id", "text", ...}]
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.inbound import InboundError, clean_text
from bot.channels.turn import converse
from bot.config import get_settings

MAX_BODY_BYTES = 64 * 1024
_SENDER = re.compile(r"^[A-Za-z0-9_.:@+\-]{1,128}$")


def parse_request(body: bytes) -> tuple[str, str, dict[str, Any] | None]:
    """(sender, message, metadata) from a raw request body, or InboundError."""
    if not body:
        raise InboundError('empty body: send JSON like {"sender": "me", "message": "hi"}')
    if len(body) > MAX_BODY_BYTES:
        raise InboundError(f"body too large: at most {MAX_BODY_BYTES} bytes", status=413)
    try:
        payload = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise InboundError("body must be UTF-8 encoded JSON") from None
    except json.JSONDecodeError:
        raise InboundError("body must be valid JSON") from None
    if not isinstance(payload, dict):
        raise InboundError("body must be a JSON object")
    sender = payload.get("sender")
    if not isinstance(sender, str) or not _SENDER.match(sender):
        raise InboundError(
            "'sender' is required: 1-128 letters, digits or _ . : @ + -"
        )
    metadata = payload.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise InboundError("'metadata' must be a JSON object")
    return sender, clean_text(payload.get("message")), metadata


class RestInput(InputChannel):
    """Local and API conversations; the provider channels live beside it."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        webhook = Blueprint("rest_webhook", __name__)
        database_url = get_settings().database_url

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, text, metadata = parse_request(request.body)
            except InboundError as error:
                return response.json({"error": error.reason}, status=error.status)
            collector = CollectingOutputChannel()
            message = UserMessage(
                text, collector, sender, input_channel=self.name(), metadata=metadata
            )
            await converse(database_url, on_new_message, message,
                           lambda: [m.get("text") or "" for m in collector.messages])
            return response.json(collector.messages)

        return webhook
