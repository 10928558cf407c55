"""Local, in-process stand-ins for the Twilio REST API and the Telegram Bot API.

The SMS and Telegram channels are exercised by the test suite, by `make bench` and by developers
on a laptop without credentials. These fakes speak the same HTTP as the real providers, so the
real client libraries are used unchanged and only their base URL is pointed at the fake:

    fake = FakeTwilio().start()
    client = twilio.rest.Client(fake.account_sid, fake.auth_token)
    client.api.base_url = fake.url
    client.messages.create(to="+447700900123", from_="+447700900000", body="Hello",
                           status_callback="http://127.0.0.1:5005/sms/status")
    # or, through a Messaging Service: create(to=..., messaging_service_sid="MG...", body=...)
    fake.wait_for_messages(1)

(twilio 8.2.2 joins `client.api.base_url` with the request path at send time, so setting it
after the client is built is enough; no edge or region may be set, or the host is rewritten.)

    tg = FakeTelegram().start()
    bot = telegram.Bot(tg.token, base_url=tg.bot_base_url)

Each fake also plays the provider calling our webhooks: `FakeTwilio.post_webhook` signs a form
exactly as Twilio does (X-Twilio-Signature), `FakeTwilio.send_status_callback` reports delivery,
and `FakeTelegram.post_update` delivers updates built by the `*_update` helpers.

Failures are scripted (`fail_next`, `reject_number`, `block`) so retry, back-off and
unsubscribe handling can be tested without a real outage. Everything recorded is guarded by a
lock: the webhook server and test threads use a fake at the same time.

`python -m bot.ops.fake_providers` runs both fakes on fixed ports and prints the environment a
developer sets to point the channels at them.
"""

from __future__ import annotations

import argparse
import base64
import email.parser
import email.policy
import hmac
import json
import logging
import math
import secrets
import signal
import socket
import string
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterable
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit

from twilio.request_validator import RequestValidator

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
TWILIO_API_VERSION = "2010-04-01"
# Ofcom's drama range: numbers that can never reach a real phone.
DEFAULT_NUMBER = "+447700900000"
DEFAULT_FIRST_NAME = "Sam"
DEFAULT_GROUP_MEMBER_ID = 424242

Listener = Callable[[dict[str, Any]], None]
_Fake = TypeVar("_Fake", bound="_FakeProvider")


def _hex(n: int) -> str:
    return secrets.token_hex(n // 2)


def _no_proxy_opener() -> urllib.request.OpenerDirector:
    # Webhooks are local: a developer's HTTP(S)_PROXY must not swallow them.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _no_proxy_opener().open(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8", "replace")


# --------------------------------------------------------------------------------------------
# Shared HTTP plumbing
# --------------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Many clients connect at once (pooled senders in several processes); the default backlog
    # of 5 drops connections, and a dropped SYN costs the client a one-second retransmit.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], fake: _FakeProvider) -> None:
        self.fake = fake
        self.closing = False
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("%s: connection from %s ended abruptly", self.fake.name, client_address,
                  exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    # Keep-alive, as the real APIs offer: the clients pool connections and the bench is timed.
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without this, Nagle's algorithm and the
    # client's delayed ACK add about 40 ms to every kept-alive request.
    disable_nagle_algorithm = True
    # An idle pooled connection must not keep a handler thread alive for ever.
    timeout = 60
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            if self.server.closing:
                self.close_connection = True
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        super().finish()

    def do_GET(self) -> None:  # noqa: N802 - name fixed by BaseHTTPRequestHandler
        self._serve()

    def do_POST(self) -> None:  # noqa: N802 - name fixed by BaseHTTPRequestHandler
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            status, payload, extra_headers = self.server.fake._dispatch(
                self.command, self.path, self.headers, body
            )
        except Exception:  # a fault in the fake must surface as a 500, not a hung client
            log.exception("%s: error handling %s %s", self.server.fake.name, self.command,
                          self.path)
            status, payload, extra_headers = 500, {"message": "fake provider error"}, {}
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra_headers.items():
            self.send_header(name, value)
        if self.server.closing:
            self.close_connection = True
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s: " + format, self.server.fake.name, *args)


class _FakeProvider:
    """Start/stop, URL and wait plumbing shared by both fakes."""

    name = "fake"

    def __init__(self, *, host: str = HOST, port: int = 0,
                 on_message: Listener | None = None) -> None:
        self._host = host
        self._port = port
        self._on_message = on_message
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._messages: list[dict[str, Any]] = []

    # Lifecycle -------------------------------------------------------------------------------

    def start(self: _Fake) -> _Fake:
        """Bind and serve from a daemon thread; returns self so `Fake().start()` reads well."""
        if self._server is not None:
            return self
        server = _Server((self._host, self._port), self)
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"{self.name}-http", daemon=True,
        )
        self._server, self._thread = server, thread
        thread.start()
        log.debug("%s listening on %s", self.name, self.url)
        return self

    def stop(self) -> None:
        """Stop serving and drop open connections, so the port is really gone afterwards."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        with server.connections_lock:
            server.closing = True
            for conn in list(server.connections):
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self: _Fake) -> _Fake:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the fake is serving."""
        return self._server is not None

    @property
    def port(self) -> int:
        """The bound port (the OS picks one when constructed with port 0)."""
        if self._server is None:
            raise RuntimeError(f"{self.name} is not started")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """Base URL of the fake, e.g. http://127.0.0.1:PORT."""
        return f"http://{self._host}:{self.port}"

    # Recording -------------------------------------------------------------------------------

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Copies of the messages accepted for delivery, oldest first."""
        with self._lock:
            return [dict(m) for m in self._messages]

    def wait_for_messages(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Block until at least `count` messages were accepted; tests and the bench sync on it."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self._messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    got = [self._describe(m) for m in self._messages]
                    raise AssertionError(
                        f"{self.name}: expected at least {count} message(s) within {timeout:g}s, "
                        f"got {len(self._messages)}: {got}"
                    )
                self._changed.wait(remaining)
            return [dict(m) for m in self._messages]

    def _record_message(self, message: dict[str, Any]) -> None:
        with self._changed:
            self._messages.append(message)
            self._changed.notify_all()
        if self._on_message is not None:
            try:
                self._on_message(dict(message))
            except Exception:
                log.exception("%s: on_message listener failed", self.name)

    @staticmethod
    def _describe(message: dict[str, Any]) -> str:
        return repr(message)

    def _dispatch(self, method: str, path: str, headers: Any,
                  body: bytes) -> tuple[int, Any, dict[str, str]]:
        raise NotImplementedError


# --------------------------------------------------------------------------------------------
# Twilio
# --------------------------------------------------------------------------------------------

_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = set("^{}\\[~]|€\f")

# Twilio's own wording for the errors the fake produces.
_TWILIO_MESSAGES = {
    20003: "Authenticate",
    20404: "The requested resource was not found",
    20429: "Too Many Requests",
    20500: "An internal server error has occurred",
    20503: "Service unavailable",
    21602: "Message body is required.",
    21603: "A 'From' phone number is required.",
    21604: "A 'To' phone number is required.",
    21617: "The concatenated message body exceeds the 1600 character limit.",
}
_TWILIO_CODE_FOR_STATUS = {401: 20003, 404: 20404, 429: 20429, 500: 20500, 503: 20503}
MAX_SMS_BODY = 1600


def sms_segments(body: str) -> int:
    """How many SMS parts a body costs: GSM-7 fits 160 (153 when split), UCS-2 70 (67)."""
    if all(c in _GSM7_BASIC or c in _GSM7_EXTENDED for c in body):
        units = sum(2 if c in _GSM7_EXTENDED else 1 for c in body)
        single, part = 160, 153
    else:
        units = len(body.encode("utf-16-le")) // 2
        single, part = 70, 67
    return 1 if units <= single else math.ceil(units / part)


def twilio_error(status: int, code: int, message: str | None = None) -> dict[str, Any]:
    """An error body shaped like Twilio's, which `TwilioRestException` reads `code` from."""
    return {
        "code": code,
        "message": message or _TWILIO_MESSAGES.get(code) or HTTPStatus(status).phrase,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


class FakeTwilio(_FakeProvider):
    """Twilio's Programmable Messaging API (send, fetch) plus Twilio's side of our webhooks."""

    name = "fake-twilio"

    def __init__(self, account_sid: str | None = None, auth_token: str | None = None, *,
                 host: str = HOST, port: int = 0, on_message: Listener | None = None) -> None:
        super().__init__(host=host, port=port, on_message=on_message)
        self.account_sid = account_sid or "AC" + _hex(32)
        self.auth_token = auth_token or _hex(32)
        self._validator = RequestValidator(self.auth_token)
        self._attempts: list[dict[str, Any]] = []
        self._resources: dict[str, dict[str, Any]] = {}
        self._failures: deque[tuple[int, int, str | None]] = deque()
        self._rejected: dict[str, tuple[int, str]] = {}

    # Recording and scripting -----------------------------------------------------------------

    @property
    def attempts(self) -> list[dict[str, Any]]:
        """Every send request, failed ones included, with the HTTP status and code returned."""
        with self._lock:
            return [dict(a) for a in self._attempts]

    def resource(self, sid: str) -> dict[str, Any]:
        """The message resource as Twilio would return it now (status follows callbacks)."""
        with self._lock:
            return dict(self._resources[sid])

    def reset(self) -> None:
        """Forget messages, attempts, scripted failures and rejected numbers."""
        with self._lock:
            self._messages.clear()
            self._attempts.clear()
            self._resources.clear()
            self._failures.clear()
            self._rejected.clear()

    def fail_next(self, status: int, *, code: int | None = None, message: str | None = None,
                  times: int = 1) -> None:
        """Answer the next `times` send requests with an error, e.g. 500 (transient) or
        400 code 21211 (permanent). `code` defaults to Twilio's code for the status and
        `message` to Twilio's wording for the code."""
        code = code if code is not None else _TWILIO_CODE_FOR_STATUS.get(status, status)
        with self._lock:
            self._failures.extend([(status, code, message)] * times)

    def reject_number(self, number: str, code: int = 21610,
                      message: str = "Attempt to send to unsubscribed recipient") -> None:
        """Permanently refuse sends to `number` with a 400, as for a recipient who texted STOP."""
        with self._lock:
            self._rejected[number] = (code, message)

    def accept_number(self, number: str) -> None:
        """Undo `reject_number` (the recipient texted START)."""
        with self._lock:
            self._rejected.pop(number, None)

    # HTTP API --------------------------------------------------------------------------------

    def _authenticated(self, headers: Any) -> bool:
        value = headers.get("Authorization") or ""
        scheme, _, encoded = value.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(encoded).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return hmac.compare_digest(user, self.account_sid) and hmac.compare_digest(
            password, self.auth_token
        )

    def _dispatch(self, method: str, path: str, headers: Any,
                  body: bytes) -> tuple[int, Any, dict[str, str]]:
        extra = {"Twilio-Request-Id": "RQ" + _hex(32)}
        route = urlsplit(path).path
        prefix = f"/{TWILIO_API_VERSION}/Accounts/"
        parts = route[len(prefix):].split("/") if route.startswith(prefix) else []
        is_send = method == "POST" and len(parts) == 2 and parts[1] == "Messages.json"
        form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True)) if is_send else {}

        if not self._authenticated(headers):
            status, payload = 401, twilio_error(401, 20003)
        elif not parts or parts[0] != self.account_sid:
            status, payload = 404, twilio_error(404, 20404, f"The requested resource {route} "
                                                "was not found")
        elif is_send:
            status, payload = self._send(form)
        elif method == "GET" and len(parts) == 3 and parts[1] == "Messages":
            sid = parts[2].removesuffix(".json")
            with self._lock:
                found = self._resources.get(sid)
                status, payload = (200, dict(found)) if found else (
                    404, twilio_error(404, 20404, f"The requested resource {route} "
                                      "was not found"))
        else:
            status, payload = 404, twilio_error(404, 20404, f"The requested resource {route} "
                                                "was not found")

        if is_send:
            with self._lock:
                self._attempts.append({
                    "to": form.get("To"),
                    "from": form.get("From"),
                    "messaging_service_sid": form.get("MessagingServiceSid"),
                    "body": form.get("Body"),
                    "status_callback": form.get("StatusCallback"),
                    "status": status,
                    "code": payload.get("code") if status >= 300 else None,
                    "sid": payload.get("sid") if status < 300 else None,
                    "received_at": time.perf_counter(),
                })
        return status, payload, extra

    def _send(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        to, sender = form.get("To") or "", form.get("From") or ""
        service, text = form.get("MessagingServiceSid") or "", form.get("Body") or ""
        with self._lock:
            if self._failures:
                status, code, message = self._failures.popleft()
                return status, twilio_error(status, code, message)
            rejected = self._rejected.get(to)
        if not to:
            return 400, twilio_error(400, 21604)
        if not text:
            return 400, twilio_error(400, 21602)
        if not sender and not service:
            return 400, twilio_error(400, 21603)
        if len(text) > MAX_SMS_BODY:
            return 400, twilio_error(400, 21617)
        if rejected is not None:
            return 400, twilio_error(400, *rejected)

        sid = "SM" + _hex(32)
        now = formatdate(usegmt=True).replace("GMT", "+0000")
        uri = f"/{TWILIO_API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}"
        resource = {
            "account_sid": self.account_sid,
            "api_version": TWILIO_API_VERSION,
            "body": text,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            # Through a Messaging Service Twilio picks the sender later, so it is null here.
            "from": sender or None,
            "messaging_service_sid": service or None,
            "num_media": "0",
            "num_segments": str(sms_segments(text)),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "queued",
            "subresource_uris": {"media": f"{uri}/Media.json", "feedback": f"{uri}/Feedback.json"},
            "to": to,
            "uri": f"{uri}.json",
        }
        with self._lock:
            self._resources[sid] = resource
        self._record_message({
            "to": to,
            "from": sender or None,
            "messaging_service_sid": service or None,
            "body": text,
            "status_callback": form.get("StatusCallback") or None,
            "sid": sid,
            "received_at": time.perf_counter(),
        })
        return 201, dict(resource)

    # Twilio calling our webhooks -------------------------------------------------------------

    def inbound_sms_params(self, from_: str, body: str, *, to: str = DEFAULT_NUMBER,
                           message_sid: str | None = None) -> dict[str, str]:
        """The complete form Twilio posts to the SMS webhook when a parent texts us."""
        sid = message_sid or "SM" + _hex(32)
        return {
            "ToCountry": "GB",
            "ToState": "",
            "SmsMessageSid": sid,
            "NumMedia": "0",
            "ToCity": "",
            "FromZip": "",
            "SmsSid": sid,
            "FromState": "",
            "SmsStatus": "received",
            "FromCity": "",
            "Body": body,
            "FromCountry": "GB",
            "To": to,
            "ToZip": "",
            "NumSegments": str(sms_segments(body)),
            "MessageSid": sid,
            "AccountSid": self.account_sid,
            "From": from_,
            "ApiVersion": TWILIO_API_VERSION,
        }

    def sign(self, url: str, params: dict[str, str]) -> str:
        """X-Twilio-Signature for a form POST to `url`, computed as Twilio does."""
        return self._validator.compute_signature(url, params)

    def post_webhook(self, url: str, params: dict[str, str], *, signed_url: str | None = None,
                     signature: str | None = None, timeout: float = 10) -> tuple[int, str]:
        """POST `params` to `url` as Twilio does and return (status, body text).

        The signature covers `signed_url or url`: Twilio signs the public URL it was given,
        which differs from the local one behind a proxy. Pass `signature` to send a forged one.
        """
        if signature is None:
            signature = self.sign(signed_url or url, params)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "User-Agent": "TwilioProxy/1.1",
            "X-Twilio-Signature": signature,
            "I-Twilio-Idempotency-Token": secrets.token_hex(16),
        }
        return _post(url, urlencode(params).encode("utf-8"), headers, timeout)

    def status_callback_params(self, sid: str, status: str, *,
                               error_code: int | None = None) -> tuple[str, dict[str, str]]:
        """The callback URL recorded for message `sid` and the form Twilio posts to it."""
        with self._lock:
            message = next((m for m in self._messages if m["sid"] == sid), None)
            if message is None:
                raise LookupError(f"{self.name}: no accepted message with sid {sid}")
            if not message["status_callback"]:
                raise LookupError(f"{self.name}: message {sid} was sent without StatusCallback")
            resource = self._resources.get(sid)
            if resource is not None:
                resource["status"] = status
                resource["date_updated"] = formatdate(usegmt=True).replace("GMT", "+0000")
                if error_code is not None:
                    resource["error_code"] = error_code
        params = {
            "MessageSid": sid,
            "SmsSid": sid,
            "MessageStatus": status,
            "SmsStatus": status,
            "AccountSid": self.account_sid,
            # A Messaging Service sends from its number pool; the fake's pool is one number.
            "From": message["from"] or DEFAULT_NUMBER,
            "To": message["to"],
            "ApiVersion": TWILIO_API_VERSION,
        }
        if message["messaging_service_sid"]:
            params["MessagingServiceSid"] = message["messaging_service_sid"]
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        return message["status_callback"], params

    def send_status_callback(self, sid: str, status: str, *,
                             error_code: int | None = None, timeout: float = 10) -> int:
        """Report a delivery status for message `sid` to its StatusCallback; returns the
        HTTP status our webhook answered."""
        url, params = self.status_callback_params(sid, status, error_code=error_code)
        code, _ = self.post_webhook(url, params, timeout=timeout)
        return code

    @staticmethod
    def _describe(message: dict[str, Any]) -> str:
        return f"{message['to']}: {message['body']!r}"


# --------------------------------------------------------------------------------------------
# Telegram
# --------------------------------------------------------------------------------------------

_TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"
_JSON_PARAMS = {
    "reply_markup", "allowed_updates", "entities", "caption_entities", "link_preview_options",
    "reply_parameters", "media", "results", "commands", "scope",
}
_INT_PARAMS = {
    "chat_id", "message_id", "reply_to_message_id", "max_connections", "cache_time",
    "message_thread_id", "offset", "limit",
}
_BOOL_PARAMS = {
    "show_alert", "disable_notification", "protect_content", "drop_pending_updates",
    "disable_web_page_preview", "allow_sending_without_reply",
}
_TELEGRAM_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
MAX_TELEGRAM_TEXT = 4096
MAX_TELEGRAM_CAPTION = 1024
MAX_TELEGRAM_PHOTO_BYTES = 10 * 1024 * 1024
MAX_CALLBACK_DATA_BYTES = 64
# Telegram matches method names without regard to case; the fake answers to these spellings.
_TELEGRAM_METHODS = {
    name.lower(): name
    for name in (
        "getMe", "sendMessage", "sendPhoto", "answerCallbackQuery", "editMessageReplyMarkup",
        "setWebhook", "getWebhookInfo", "deleteWebhook",
    )
}


def telegram_error(status: int, description: str | None = None,
                   retry_after: int | None = None) -> dict[str, Any]:
    """An error body shaped like the Bot API's, which PTB maps onto its exceptions."""
    if description is None:
        description = (f"Too Many Requests: retry after {retry_after}" if retry_after
                       else _TELEGRAM_DESCRIPTIONS.get(status) or HTTPStatus(status).phrase)
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return body


def _utf16_len(text: str) -> int:
    # Telegram measures entity offsets and lengths in UTF-16 code units.
    return len(text.encode("utf-16-le")) // 2


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    params: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            # Uploads keep their bytes, so a test can open the picture that was sent.
            params[name] = {"filename": filename, "content_type": part.get_content_type(),
                            "size": len(payload), "data": payload}
        else:
            params[name] = payload.decode(part.get_content_charset() or "utf-8")
    return params


def _normalise(params: dict[str, Any]) -> dict[str, Any]:
    # Form and multipart bodies carry every value as a string, complex ones JSON-encoded;
    # a JSON body carries them typed. Bring both to the typed form.
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str):
            if key in _JSON_PARAMS:
                try:
                    value = json.loads(value)
                except ValueError:
                    pass
            elif key in _INT_PARAMS:
                try:
                    value = int(value)
                except ValueError:
                    pass
            elif key in _BOOL_PARAMS and value.lower() in ("true", "false"):
                value = value.lower() == "true"
        out[key] = value
    return out


class FakeTelegram(_FakeProvider):
    """The Telegram Bot API methods the assistant calls, plus Telegram's side of the webhook."""

    name = "fake-telegram"

    def __init__(self, token: str | None = None, *, host: str = HOST, port: int = 0,
                 on_message: Listener | None = None) -> None:
        super().__init__(host=host, port=port, on_message=on_message)
        if token is None:
            bot_id = 100_000_000 + secrets.randbelow(900_000_000)
            token = f"{bot_id}:" + "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(35))
        bot_id_text, sep, _ = token.partition(":")
        if not sep or not bot_id_text.isdigit():
            raise ValueError("a bot token looks like '123456789:AA...'")
        self.token = token
        self.bot_id = int(bot_id_text)
        self._calls: list[dict[str, Any]] = []
        self._callback_answers: list[dict[str, Any]] = []
        self._failures: deque[tuple[int, str | None, int | None]] = deque()
        self._blocked: set[int] = set()
        self._webhook: dict[str, Any] = {}
        self._sent: dict[tuple[int, int], dict[str, Any]] = {}
        self._next_update_id = 1
        self._next_message_id = 1

    @property
    def bot_base_url(self) -> str:
        """What to pass as `telegram.Bot(token, base_url=...)`; PTB appends the token."""
        return f"{self.url}/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's own User object, as getMe returns it."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "First 1000 Days",
            "username": "first1000days_fake_bot",
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    # Recording and scripting -----------------------------------------------------------------

    @property
    def calls(self) -> list[dict[str, Any]]:
        """Every request: method, parsed params and the HTTP status answered."""
        with self._lock:
            return [dict(c) for c in self._calls]

    @property
    def callback_answers(self) -> list[dict[str, Any]]:
        """answerCallbackQuery calls: callback_query_id, text, show_alert."""
        with self._lock:
            return [dict(a) for a in self._callback_answers]

    @property
    def webhook(self) -> dict[str, Any]:
        """The webhook last set: url, secret_token, allowed_updates (empty when none)."""
        with self._lock:
            return dict(self._webhook)

    def reset(self) -> None:
        """Forget recorded calls, scripted failures, blocks and the webhook; restart ids."""
        with self._lock:
            self._messages.clear()
            self._calls.clear()
            self._callback_answers.clear()
            self._failures.clear()
            self._blocked.clear()
            self._webhook = {}
            self._sent.clear()
            self._next_update_id = 1
            self._next_message_id = 1

    def fail_next(self, status: int, *, description: str | None = None, times: int = 1,
                  retry_after: int | None = None) -> None:
        """Answer the next `times` sendMessage calls with an error. `description` defaults to
        Telegram's wording ("Internal Server Error", "Too Many Requests: retry after N", ...).
        With `retry_after`, PTB raises RetryAfter (flood control)."""
        with self._lock:
            self._failures.extend([(status, description, retry_after)] * times)

    def block(self, chat_id: int) -> None:
        """Make sendMessage to `chat_id` fail as when the user has blocked the bot."""
        with self._lock:
            self._blocked.add(int(chat_id))

    def unblock(self, chat_id: int) -> None:
        """Undo `block` (the user restarted the bot)."""
        with self._lock:
            self._blocked.discard(int(chat_id))

    # HTTP API --------------------------------------------------------------------------------

    def _parse_params(self, path: str, headers: Any, body: bytes) -> dict[str, Any]:
        params: dict[str, Any] = dict(parse_qsl(urlsplit(path).query, keep_blank_values=True))
        content_type = headers.get("Content-Type") or ""
        media_type = content_type.split(";")[0].strip().lower()
        if body:
            if media_type == "application/json":
                decoded = json.loads(body.decode("utf-8"))
                if isinstance(decoded, dict):
                    params.update(decoded)
            elif media_type == "multipart/form-data":
                params.update(_parse_multipart(content_type, body))
            else:
                params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        return _normalise(params)

    def _dispatch(self, method: str, path: str, headers: Any,
                  body: bytes) -> tuple[int, Any, dict[str, str]]:
        route = urlsplit(path).path
        token, _, api_method = route.removeprefix("/bot").partition("/")
        canonical = _TELEGRAM_METHODS.get(api_method.lower())
        try:
            params = self._parse_params(path, headers, body)
        except ValueError:
            params = {}
            status, payload = 400, telegram_error(400, "Bad Request: can't parse JSON")
        else:
            if not route.startswith("/bot") or not hmac.compare_digest(token, self.token):
                status, payload = 401, telegram_error(401)
            elif canonical is None:
                status, payload = 404, telegram_error(404)
            else:
                status, payload = getattr(self, "_api_" + canonical)(params)
        with self._lock:
            self._calls.append({"method": canonical or api_method, "params": params,
                                "status": status})
        return status, payload, {}

    @staticmethod
    def _ok(result: Any, description: str | None = None) -> tuple[int, dict[str, Any]]:
        payload: dict[str, Any] = {"ok": True, "result": result}
        if description:
            payload["description"] = description
        return 200, payload

    def _api_getMe(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:  # noqa: N802
        return self._ok(self.bot_user)

    def _next_failure(self) -> tuple[int, dict[str, Any]] | None:
        with self._lock:
            if self._failures:
                status, description, retry_after = self._failures.popleft()
                return status, telegram_error(status, description, retry_after)
        return None

    def _api_sendMessage(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:  # noqa: N802
        failure = self._next_failure()
        if failure is not None:
            return failure
        chat_id, text = params.get("chat_id"), params.get("text")
        if not isinstance(chat_id, int):
            return 400, telegram_error(400, "Bad Request: chat not found")
        if not isinstance(text, str) or not text.strip():
            return 400, telegram_error(400, "Bad Request: message text is empty")
        if not params.get("parse_mode") and len(text) > MAX_TELEGRAM_TEXT:
            return 400, telegram_error(400, "Bad Request: message is too long")
        return self._deliver(chat_id, params, {"text": text})

    def _api_sendPhoto(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:  # noqa: N802
        """A photo uploaded as a file (the assistant never sends links to pictures)."""
        failure = self._next_failure()
        if failure is not None:
            return failure
        chat_id, photo = params.get("chat_id"), params.get("photo")
        caption = params.get("caption") or ""
        if not isinstance(chat_id, int):
            return 400, telegram_error(400, "Bad Request: chat not found")
        if not isinstance(photo, dict) or not photo.get("size"):
            return 400, telegram_error(400, "Bad Request: there is no photo in the request")
        if photo["size"] > MAX_TELEGRAM_PHOTO_BYTES:
            return 400, telegram_error(400, "Bad Request: file is too big")
        if len(caption) > MAX_TELEGRAM_CAPTION:
            return 400, telegram_error(400, "Bad Request: message caption is too long")
        return self._deliver(chat_id, params, {
            "caption": caption, "photo": photo["data"],
            "photo_content_type": photo["content_type"],
        })

    def _deliver(self, chat_id: int, params: dict[str, Any],
                 content: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Record a sent message (text, or a photo with its caption) the way Telegram would."""
        markup = params.get("reply_markup")
        if markup is not None and not isinstance(markup, dict):
            return 400, telegram_error(400, "Bad Request: can't parse reply keyboard markup JSON "
                                       "object")
        if markup and not self._callback_data_ok(markup):
            return 400, telegram_error(400, "Bad Request: BUTTON_DATA_INVALID")
        with self._lock:
            if chat_id in self._blocked:
                return 403, telegram_error(403, "Forbidden: bot was blocked by the user")
            message_id = self._next_message_id
            self._next_message_id += 1
            message = {
                "message_id": message_id,
                "from": self.bot_user,
                "chat": self._chat(chat_id),
                "date": int(time.time()),
            }
            if "photo" in content:
                unique = f"photo{message_id}"
                message["photo"] = [{"file_id": unique, "file_unique_id": unique,
                                     "width": 0, "height": 0,
                                     "file_size": len(content["photo"])}]
                if content["caption"]:
                    message["caption"] = content["caption"]
            else:
                message["text"] = content["text"]
            if markup:
                message["reply_markup"] = markup
            self._sent[(chat_id, message_id)] = message
        # A photo's caption is what the person reads with it, so it is recorded as its text.
        self._record_message({
            "chat_id": chat_id,
            "text": content.get("text", content.get("caption")),
            "reply_markup": markup or None,
            "parse_mode": params.get("parse_mode"),
            "message_id": message_id,
            "received_at": time.perf_counter(),
            **{key: content[key] for key in ("photo", "photo_content_type") if key in content},
        })
        return self._ok(message)

    @staticmethod
    def _callback_data_ok(markup: dict[str, Any]) -> bool:
        for row in markup.get("inline_keyboard") or []:
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= (
                        MAX_CALLBACK_DATA_BYTES):
                    return False
        return True

    def _api_answerCallbackQuery(  # noqa: N802
            self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        query_id = params.get("callback_query_id")
        if not query_id:
            return 400, telegram_error(400, "Bad Request: query is too old and response timeout "
                                       "expired or query ID is invalid")
        with self._lock:
            self._callback_answers.append({
                "callback_query_id": str(query_id),
                "text": params.get("text"),
                "show_alert": bool(params.get("show_alert", False)),
            })
        return self._ok(True)

    def _api_editMessageReplyMarkup(  # noqa: N802
            self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        markup = params.get("reply_markup") or None
        if params.get("inline_message_id"):
            return self._ok(True)
        chat_id, message_id = params.get("chat_id"), params.get("message_id")
        if not isinstance(chat_id, int):
            return 400, telegram_error(400, "Bad Request: chat not found")
        if not isinstance(message_id, int):
            return 400, telegram_error(400, "Bad Request: message identifier is not specified")
        with self._lock:
            # A message the fake did not send (e.g. from a built callback update) is edited
            # leniently, so webhook tests need not send it first.
            message = self._sent.setdefault((chat_id, message_id), {
                "message_id": message_id, "from": self.bot_user, "chat": self._chat(chat_id),
                "date": int(time.time()),
            })
            message["edit_date"] = int(time.time())
            if markup:
                message["reply_markup"] = markup
            else:
                message.pop("reply_markup", None)
            return self._ok(json.loads(json.dumps(message)))

    def _api_setWebhook(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:  # noqa: N802
        url = params.get("url") or ""
        with self._lock:
            if not url:
                self._webhook = {}
                return self._ok(True, "Webhook was deleted")
            self._webhook = {
                "url": url,
                "secret_token": params.get("secret_token"),
                "allowed_updates": params.get("allowed_updates"),
            }
        return self._ok(True, "Webhook was set")

    def _api_getWebhookInfo(  # noqa: N802
            self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            info: dict[str, Any] = {
                "url": self._webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": 0,
            }
            if self._webhook.get("allowed_updates") is not None:
                info["allowed_updates"] = self._webhook["allowed_updates"]
        return self._ok(info)

    def _api_deleteWebhook(  # noqa: N802
            self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self._webhook = {}
        return self._ok(True, "Webhook was deleted")

    # Update builders -------------------------------------------------------------------------

    def _take_update_id(self, update_id: int | None) -> int:
        with self._lock:
            if update_id is None:
                update_id = self._next_update_id
            self._next_update_id = max(self._next_update_id, update_id + 1)
            return update_id

    def _take_message_id(self) -> int:
        with self._lock:
            message_id = self._next_message_id
            self._next_message_id += 1
            return message_id

    @staticmethod
    def _user(user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": DEFAULT_FIRST_NAME,
                "language_code": "en"}

    @staticmethod
    def _chat(chat_id: int) -> dict[str, Any]:
        return {"id": chat_id, "first_name": DEFAULT_FIRST_NAME, "type": "private"}

    def _incoming(self, chat_id: int, **content: Any) -> dict[str, Any]:
        return {
            "message_id": self._take_message_id(),
            "from": self._user(chat_id),
            "chat": self._chat(chat_id),
            "date": int(time.time()),
            **content,
        }

    def _file(self, kind: str) -> dict[str, str]:
        serial = secrets.token_hex(6)
        return {"file_id": f"{kind}-{serial}-{secrets.token_urlsafe(24)}",
                "file_unique_id": f"{kind[:2].upper()}{serial}"}

    @staticmethod
    def _text_content(text: str) -> dict[str, Any]:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [
                {"offset": 0, "length": _utf16_len(command), "type": "bot_command"}
            ]
        return content

    def text_update(self, chat_id: int, text: str, *, update_id: int | None = None
                    ) -> dict[str, Any]:
        """A private text message; commands carry a bot_command entity, as Telegram adds."""
        return {"update_id": self._take_update_id(update_id),
                "message": self._incoming(chat_id, **self._text_content(text))}

    def start_update(self, chat_id: int, payload: str | None = None, *,
                     update_id: int | None = None) -> dict[str, Any]:
        """The /start a user sends on opening the bot, with the deep-link payload if any."""
        text = "/start" if payload is None else f"/start {payload}"
        return self.text_update(chat_id, text, update_id=update_id)

    def callback_update(self, chat_id: int, data: str, *, message_id: int = 1,
                        update_id: int | None = None) -> dict[str, Any]:
        """A press on an inline button of our message `message_id` (its text and keyboard are
        taken from what the fake recorded, when it sent that message)."""
        with self._lock:
            sent = self._sent.get((chat_id, message_id))
            message = json.loads(json.dumps(sent)) if sent else {
                "message_id": message_id, "from": self.bot_user, "chat": self._chat(chat_id),
                "date": int(time.time()), "text": "…",
            }
        return {
            "update_id": self._take_update_id(update_id),
            "callback_query": {
                "id": str(secrets.randbits(63)),
                "from": self._user(chat_id),
                "message": message,
                "chat_instance": str(-(abs(chat_id) * 1_000_003 % 10**19)),
                "data": data,
            },
        }

    def location_update(self, chat_id: int, latitude: float, longitude: float, *,
                        update_id: int | None = None) -> dict[str, Any]:
        """A shared location (a parent finding the nearest service)."""
        return {"update_id": self._take_update_id(update_id),
                "message": self._incoming(chat_id, location={"latitude": latitude,
                                                             "longitude": longitude})}

    def photo_update(self, chat_id: int, caption: str | None = None, *,
                     update_id: int | None = None) -> dict[str, Any]:
        """A photo, in the three sizes Telegram provides, with an optional caption."""
        sizes = [
            {**self._file("photo"), "file_size": size, "width": w, "height": h}
            for w, h, size in ((90, 67, 1_200), (320, 240, 14_000), (1280, 960, 98_000))
        ]
        content: dict[str, Any] = {"photo": sizes}
        if caption is not None:
            content["caption"] = caption
        return {"update_id": self._take_update_id(update_id),
                "message": self._incoming(chat_id, **content)}

    def voice_update(self, chat_id: int, *, update_id: int | None = None) -> dict[str, Any]:
        """A voice note, which the assistant cannot read."""
        voice = {**self._file("voice"), "duration": 3, "mime_type": "audio/ogg",
                 "file_size": 9_000}
        return {"update_id": self._take_update_id(update_id),
                "message": self._incoming(chat_id, voice=voice)}

    def sticker_update(self, chat_id: int, *, update_id: int | None = None) -> dict[str, Any]:
        """A sticker, which the assistant cannot read."""
        sticker = {**self._file("sticker"), "type": "regular", "width": 512, "height": 512,
                   "is_animated": False, "is_video": False, "emoji": "👍",
                   "set_name": "HotCherry", "file_size": 22_000}
        return {"update_id": self._take_update_id(update_id),
                "message": self._incoming(chat_id, sticker=sticker)}

    def edited_text_update(self, chat_id: int, text: str, *,
                           update_id: int | None = None) -> dict[str, Any]:
        """A user editing an earlier message (Telegram sends it as edited_message)."""
        message = self._incoming(chat_id, **self._text_content(text))
        message["edit_date"] = message["date"]
        message["date"] -= 60
        return {"update_id": self._take_update_id(update_id), "edited_message": message}

    def group_text_update(self, chat_id: int, text: str, *, user_id: int = DEFAULT_GROUP_MEMBER_ID,
                          update_id: int | None = None) -> dict[str, Any]:
        """A text in a group the bot was added to; the assistant is for private chats only."""
        message = self._incoming(chat_id, **self._text_content(text))
        message["from"] = self._user(user_id)
        message["chat"] = {"id": chat_id, "title": "Parents group", "type": "group",
                           "all_members_are_administrators": True}
        return {"update_id": self._take_update_id(update_id), "message": message}

    def blocked_update(self, chat_id: int, *, update_id: int | None = None) -> dict[str, Any]:
        """The my_chat_member update Telegram sends when a user blocks the bot."""
        return {
            "update_id": self._take_update_id(update_id),
            "my_chat_member": {
                "chat": self._chat(chat_id),
                "from": self._user(chat_id),
                "date": int(time.time()),
                "old_chat_member": {"user": self.bot_user, "status": "member"},
                "new_chat_member": {"user": self.bot_user, "status": "kicked", "until_date": 0},
            },
        }

    def post_update(self, webhook_url: str, update: dict[str, Any], *, secret: str | None,
                    timeout: float = 10) -> tuple[int, str]:
        """POST an update to our webhook as Telegram does; returns (status, body text)."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        return _post(webhook_url, json.dumps(update).encode("utf-8"), headers, timeout)

    @staticmethod
    def _describe(message: dict[str, Any]) -> str:
        return f"{message['chat_id']}: {message['text']!r}"


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------

# Stable credentials, so a developer's .env keeps working across restarts of the fakes.
LOCAL_ACCOUNT_SID = "AC" + "0" * 31 + "1"
LOCAL_AUTH_TOKEN = "f" * 32
LOCAL_BOT_TOKEN = "123456789:" + "LocalFakeTelegramBotTokenForLaptops"


def environment(twilio: FakeTwilio, telegram: FakeTelegram) -> dict[str, str]:
    """The variables that point the SMS and Telegram channels at running fakes."""
    return {
        "TWILIO_ACCOUNT_SID": twilio.account_sid,
        "TWILIO_AUTH_TOKEN": twilio.auth_token,
        "TWILIO_API_URL": twilio.url,
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_URL": telegram.url,
    }


def _log_twilio(message: dict[str, Any]) -> None:
    sender = message["from"] or message["messaging_service_sid"]
    log.info("SMS %s -> %s: %s", sender, message["to"], message["body"])


def _log_telegram(message: dict[str, Any]) -> None:
    keyboard = ""
    if message["reply_markup"]:
        buttons = [b.get("text") for row in message["reply_markup"].get("inline_keyboard", [])
                   for b in row]
        keyboard = f"  [buttons: {', '.join(map(str, buttons))}]" if buttons else ""
    log.info("Telegram -> %s: %s%s", message["chat_id"], message["text"], keyboard)


def main(argv: Iterable[str] | None = None) -> int:
    """Run both fakes until Ctrl-C, logging what the assistant sends."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--twilio-port", type=int, default=8901)
    parser.add_argument("--telegram-port", type=int, default=8902)
    parser.add_argument("--account-sid", default=LOCAL_ACCOUNT_SID)
    parser.add_argument("--auth-token", default=LOCAL_AUTH_TOKEN)
    parser.add_argument("--bot-token", default=LOCAL_BOT_TOKEN)
    args = parser.parse_args(None if argv is None else list(argv))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")

    twilio = FakeTwilio(args.account_sid, args.auth_token, port=args.twilio_port,
                        on_message=_log_twilio)
    telegram = FakeTelegram(args.bot_token, port=args.telegram_port, on_message=_log_telegram)
    stopping = threading.Event()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):  # set before anything is printed
        signal.signal(stop_signal, lambda *_: stopping.set())
    with twilio, telegram:
        print("Fake Twilio and Telegram are running. Point the channels at them with:\n")
        for name, value in environment(twilio, telegram).items():
            print(f"export {name}={value}")
        print("\nOutgoing messages are logged below. Ctrl-C stops.", flush=True)
        while not stopping.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
