"""The fake Twilio and Telegram APIs, driven by the real client libraries, so a test that passes
against the fakes exercises the same requests the product makes against the real providers."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import pytest
import requests
import telegram
import telegram.error
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.config import PROJECT_ROOT
from bot.ops.fake_providers import FakeTelegram, FakeTwilio, environment, sms_segments

PATIENT = "+447700900123"
OUR_NUMBER = "+447700900000"
CHAT = 555_001


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def client(fake_twilio: FakeTwilio) -> Client:
    client = Client(fake_twilio.account_sid, fake_twilio.auth_token)
    client.api.base_url = fake_twilio.url
    return client


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


def run_bot(fake: FakeTelegram, action: Any, token: str | None = None) -> Any:
    """Run `action(bot)` with a real, initialised PTB bot pointed at the fake."""

    async def go() -> Any:
        async with telegram.Bot(token or fake.token, base_url=fake.bot_base_url) as bot:
            return await action(bot)

    return asyncio.run(go())


class Receiver:
    """A stand-in for our webhook server: records requests and checks Twilio signatures
    against the public URL Twilio was configured with."""

    def __init__(self, auth_token: str) -> None:
        self.validator = RequestValidator(auth_token)
        self.requests: list[dict[str, Any]] = []
        self.public_base: str | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                status = 200
                if "X-Twilio-Signature" in self.headers:
                    base = receiver.public_base or receiver.url
                    form = dict(parse_qsl(body.decode(), keep_blank_values=True))
                    ok = receiver.validator.validate(
                        base + self.path, form, self.headers["X-Twilio-Signature"]
                    )
                    status = 200 if ok else 403
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(fake_twilio: FakeTwilio) -> Iterator[Receiver]:
    server = Receiver(fake_twilio.auth_token)
    yield server
    server.close()


# --- Twilio: sending ------------------------------------------------------------------------


def test_real_client_send_is_recorded_and_answered_like_twilio(fake_twilio, client):
    sent = client.messages.create(
        to=PATIENT, from_=OUR_NUMBER, body="Hello from the health visiting team",
        status_callback="http://127.0.0.1:1/sms/status",
    )

    assert sent.sid.startswith("SM") and len(sent.sid) == 34
    assert sent.status == "queued"
    assert sent.direction == "outbound-api"
    assert sent.num_segments == "1"
    assert sent.account_sid == fake_twilio.account_sid
    assert sent.from_ == OUR_NUMBER and sent.to == PATIENT
    assert sent.api_version == "2010-04-01"
    assert sent.error_code is None and sent.price is None
    assert isinstance(sent.date_created, dtm.datetime)
    assert sent.uri.endswith(f"/Messages/{sent.sid}.json")

    [message] = fake_twilio.wait_for_messages(1)
    assert message["to"] == PATIENT
    assert message["from"] == OUR_NUMBER
    assert message["messaging_service_sid"] is None
    assert message["body"] == "Hello from the health visiting team"
    assert message["status_callback"] == "http://127.0.0.1:1/sms/status"
    assert message["sid"] == sent.sid
    assert isinstance(message["received_at"], float)
    assert client.messages(sent.sid).fetch().body == message["body"]


def test_messaging_service_send(fake_twilio, client):
    sent = client.messages.create(to=PATIENT, messaging_service_sid="MG" + "a" * 32, body="Hi")

    assert sent.messaging_service_sid == "MG" + "a" * 32
    assert sent.from_ is None
    assert fake_twilio.messages[0]["messaging_service_sid"] == "MG" + "a" * 32
    assert fake_twilio.messages[0]["from"] is None


def test_segments_follow_the_sms_alphabet():
    assert sms_segments("a" * 160) == 1
    assert sms_segments("a" * 161) == 2
    assert sms_segments("€" * 80) == 1  # two units each in GSM-7
    assert sms_segments("😊" * 35) == 1  # UCS-2: 70 code units
    assert sms_segments("ş" * 71) == 2


def test_scripted_server_error_raises_and_is_not_delivered(fake_twilio, client):
    fake_twilio.fail_next(500, times=2)

    for _ in range(2):
        with pytest.raises(TwilioRestException) as raised:
            client.messages.create(to=PATIENT, from_=OUR_NUMBER, body="retry me")
        assert raised.value.status == 500
    client.messages.create(to=PATIENT, from_=OUR_NUMBER, body="retry me")

    assert [a["status"] for a in fake_twilio.attempts] == [500, 500, 201]
    assert len(fake_twilio.messages) == 1


def test_scripted_permanent_error_carries_twilio_code(fake_twilio, client):
    fake_twilio.fail_next(400, code=21211, message="The 'To' number is not a valid phone number.")

    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to="+4412", from_=OUR_NUMBER, body="Hi")

    assert raised.value.status == 400
    assert raised.value.code == 21211
    assert "not a valid phone number" in raised.value.msg
    assert fake_twilio.messages == []
    assert fake_twilio.attempts[0]["code"] == 21211


def test_rejected_number_fails_every_time(fake_twilio, client):
    fake_twilio.reject_number(PATIENT)

    for _ in range(2):
        with pytest.raises(TwilioRestException) as raised:
            client.messages.create(to=PATIENT, from_=OUR_NUMBER, body="Hi")
        assert (raised.value.status, raised.value.code) == (400, 21610)
    client.messages.create(to="+447700900999", from_=OUR_NUMBER, body="Hi")

    assert [m["to"] for m in fake_twilio.messages] == ["+447700900999"]


def test_wrong_credentials_get_401(fake_twilio):
    client = Client(fake_twilio.account_sid, "0" * 32)
    client.api.base_url = fake_twilio.url

    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to=PATIENT, from_=OUR_NUMBER, body="Hi")

    assert (raised.value.status, raised.value.code) == (401, 20003)
    assert fake_twilio.attempts[0]["status"] == 401
    assert fake_twilio.messages == []


@pytest.mark.parametrize(
    "form, code",
    [
        ({"From": OUR_NUMBER, "Body": "Hi"}, 21604),
        ({"To": PATIENT, "From": OUR_NUMBER}, 21602),
        ({"To": PATIENT, "Body": "Hi"}, 21603),
    ],
)
def test_missing_fields_are_refused_with_twilio_codes(fake_twilio, form, code):
    url = f"{fake_twilio.url}/2010-04-01/Accounts/{fake_twilio.account_sid}/Messages.json"
    response = requests.post(url, data=form, auth=(fake_twilio.account_sid,
                                                   fake_twilio.auth_token), timeout=5)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code and body["status"] == 400
    assert body["more_info"] == f"https://www.twilio.com/docs/errors/{code}"
    assert fake_twilio.attempts[0]["code"] == code


def test_wait_for_messages_times_out_with_a_clear_error(fake_twilio):
    with pytest.raises(AssertionError, match="expected at least 1 message"):
        fake_twilio.wait_for_messages(1, timeout=0.05)


def test_concurrent_sends_are_all_recorded(fake_twilio, client):
    threads = [
        threading.Thread(target=client.messages.create,
                         kwargs={"to": PATIENT, "from_": OUR_NUMBER, "body": f"n{i}"})
        for i in range(8)
    ]
    for thread in threads:
        thread.start()

    messages = fake_twilio.wait_for_messages(8)

    for thread in threads:
        thread.join()
    assert sorted(m["body"] for m in messages) == [f"n{i}" for i in range(8)]
    fake_twilio.reset()
    assert fake_twilio.messages == [] and fake_twilio.attempts == []


# --- Twilio: calling our webhooks -----------------------------------------------------------


def test_signature_is_what_the_real_validator_accepts(fake_twilio):
    url = "https://bot.example.nhs.uk/webhooks/twilio/webhook"
    params = fake_twilio.inbound_sms_params(PATIENT, "hello")
    signature = fake_twilio.sign(url, params)
    validator = RequestValidator(fake_twilio.auth_token)

    assert validator.validate(url, params, signature)
    assert not validator.validate(url, {**params, "Body": "hellO"}, signature)
    assert not RequestValidator("1" * 32).validate(url, params, signature)


def test_inbound_sms_params_carry_what_twilio_posts(fake_twilio):
    params = fake_twilio.inbound_sms_params(PATIENT, "Hello")

    assert params["From"] == PATIENT and params["To"] == OUR_NUMBER
    assert params["Body"] == "Hello"
    assert params["MessageSid"].startswith("SM") and len(params["MessageSid"]) == 34
    assert params["SmsSid"] == params["SmsMessageSid"] == params["MessageSid"]
    assert params["AccountSid"] == fake_twilio.account_sid
    assert params["NumMedia"] == "0" and params["SmsStatus"] == "received"
    assert params["FromCountry"] == "GB" and params["ApiVersion"] == "2010-04-01"
    assert {"ToCountry", "ToState", "ToCity", "ToZip", "FromZip", "FromState", "FromCity",
            "NumSegments"} <= params.keys()
    assert fake_twilio.inbound_sms_params(PATIENT, "x", message_sid="SM1")["MessageSid"] == "SM1"


def test_post_webhook_is_signed_for_the_public_url(fake_twilio, receiver):
    params = fake_twilio.inbound_sms_params(PATIENT, "Hello")

    status, body = fake_twilio.post_webhook(receiver.url + "/sms", params)
    assert (status, body) == (200, "ok")
    sent = receiver.requests[-1]
    assert dict(parse_qsl(sent["body"].decode(), keep_blank_values=True)) == params
    assert sent["headers"]["Content-Type"].startswith("application/x-www-form-urlencoded")

    # Behind a proxy Twilio signs the public URL, not the one the request arrives on.
    receiver.public_base = "https://bot.example.nhs.uk"
    assert fake_twilio.post_webhook(receiver.url + "/sms", params)[0] == 403
    signed = "https://bot.example.nhs.uk/sms"
    assert fake_twilio.post_webhook(receiver.url + "/sms", params, signed_url=signed)[0] == 200
    assert fake_twilio.post_webhook(receiver.url + "/sms", params, signature="forged")[0] == 403


def test_status_callback_reaches_the_recorded_url(fake_twilio, client, receiver):
    sent = client.messages.create(to=PATIENT, from_=OUR_NUMBER, body="Hi",
                                  status_callback=receiver.url + "/sms/status")

    assert fake_twilio.send_status_callback(sent.sid, "undelivered", error_code=30003) == 200

    form = dict(parse_qsl(receiver.requests[-1]["body"].decode(), keep_blank_values=True))
    assert receiver.requests[-1]["path"] == "/sms/status"
    assert form["MessageSid"] == form["SmsSid"] == sent.sid
    assert form["MessageStatus"] == form["SmsStatus"] == "undelivered"
    assert form["ErrorCode"] == "30003"
    assert (form["To"], form["From"]) == (PATIENT, OUR_NUMBER)
    assert form["AccountSid"] == fake_twilio.account_sid
    assert client.messages(sent.sid).fetch().status == "undelivered"


# --- Telegram: Bot API ----------------------------------------------------------------------


def test_real_bot_sends_with_inline_keyboard(fake_telegram):
    keyboard = telegram.InlineKeyboardMarkup(
        [[telegram.InlineKeyboardButton("Yes", callback_data="consent:yes"),
          telegram.InlineKeyboardButton("No", callback_data="consent:no")]]
    )

    async def action(bot: telegram.Bot) -> telegram.Message:
        assert bot.username == fake_telegram.bot_user["username"]
        return await bot.send_message(CHAT, "Can we text you reminders?", reply_markup=keyboard)

    sent = run_bot(fake_telegram, action)

    assert sent.chat.id == CHAT and sent.text == "Can we text you reminders?"
    assert sent.from_user.id == fake_telegram.bot_id and sent.from_user.is_bot
    assert sent.reply_markup == keyboard
    [message] = fake_telegram.wait_for_messages(1)
    assert message["chat_id"] == CHAT and message["message_id"] == sent.message_id
    buttons = message["reply_markup"]["inline_keyboard"][0]
    assert [b["callback_data"] for b in buttons] == ["consent:yes", "consent:no"]
    assert [c["method"] for c in fake_telegram.calls] == ["getMe", "sendMessage"]


def test_blocked_chat_raises_forbidden(fake_telegram):
    fake_telegram.block(CHAT)

    with pytest.raises(telegram.error.Forbidden, match="blocked by the user"):
        run_bot(fake_telegram, lambda bot: bot.send_message(CHAT, "Hi"))
    assert fake_telegram.messages == []


def test_scripted_server_error_raises_network_error_then_recovers(fake_telegram):
    fake_telegram.fail_next(500)

    async def action(bot: telegram.Bot) -> None:
        with pytest.raises(telegram.error.NetworkError) as raised:
            await bot.send_message(CHAT, "Hi")
        assert not isinstance(raised.value, telegram.error.RetryAfter)
        await bot.send_message(CHAT, "Hi again")

    run_bot(fake_telegram, action)
    assert [m["text"] for m in fake_telegram.messages] == ["Hi again"]
    assert [c["status"] for c in fake_telegram.calls] == [200, 500, 200]


def test_retry_after_raises_retry_after(fake_telegram):
    fake_telegram.fail_next(429, retry_after=3)

    with pytest.raises(telegram.error.RetryAfter) as raised:
        run_bot(fake_telegram, lambda bot: bot.send_message(CHAT, "Hi"))
    assert raised.value.retry_after in (3, dtm.timedelta(seconds=3))


def test_wrong_token_and_unknown_method(fake_telegram):
    bot_id = fake_telegram.token.split(":")[0]
    with pytest.raises(telegram.error.InvalidToken):
        run_bot(fake_telegram, lambda bot: bot.get_me(), token=f"{bot_id}:wrong")

    unknown = requests.get(f"{fake_telegram.bot_base_url}{fake_telegram.token}/sendRocket",
                           timeout=5)
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    wrong = requests.get(f"{fake_telegram.bot_base_url}{bot_id}:wrong/getMe", timeout=5)
    assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


def test_json_bodies_and_validation(fake_telegram):
    base = f"{fake_telegram.bot_base_url}{fake_telegram.token}"
    markup = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}

    ok = requests.post(f"{base}/sendMessage", timeout=5,
                       json={"chat_id": CHAT, "text": "Hi", "reply_markup": markup}).json()
    empty = requests.post(f"{base}/sendMessage", json={"chat_id": CHAT, "text": ""}, timeout=5)
    no_chat = requests.post(f"{base}/sendMessage", json={"text": "Hi"}, timeout=5)

    assert ok["ok"] and ok["result"]["reply_markup"] == markup
    assert ok["result"]["chat"] == {"id": CHAT, "first_name": "Sam", "type": "private"}
    assert empty.json()["description"] == "Bad Request: message text is empty"
    assert no_chat.json()["description"] == "Bad Request: chat not found"
    assert fake_telegram.messages[0]["reply_markup"] == markup


def test_callback_answer_and_keyboard_edit(fake_telegram):
    async def action(bot: telegram.Bot) -> Any:
        assert await bot.answer_callback_query("cbq-1", text="Saved")
        return await bot.edit_message_reply_markup(chat_id=CHAT, message_id=7)

    edited = run_bot(fake_telegram, action)

    assert fake_telegram.callback_answers == [
        {"callback_query_id": "cbq-1", "text": "Saved", "show_alert": False}
    ]
    assert isinstance(edited, telegram.Message) and edited.reply_markup is None


def test_webhook_round_trip(fake_telegram):
    async def action(bot: telegram.Bot) -> tuple[Any, Any]:
        await bot.set_webhook("https://bot.example.nhs.uk/webhooks/telegram/webhook",
                              secret_token="s3cret", allowed_updates=["message", "callback_query"])
        info = await bot.get_webhook_info()
        await bot.delete_webhook()
        return info, await bot.get_webhook_info()

    info, after = run_bot(fake_telegram, action)

    assert info.url == "https://bot.example.nhs.uk/webhooks/telegram/webhook"
    assert info.allowed_updates == ("message", "callback_query")
    assert info.pending_update_count == 0 and info.has_custom_certificate is False
    assert after.url == ""
    assert fake_telegram.webhook == {}


# --- Telegram: updates ----------------------------------------------------------------------


@pytest.fixture
def bot(fake_telegram: FakeTelegram) -> telegram.Bot:
    return telegram.Bot(fake_telegram.token, base_url=fake_telegram.bot_base_url)


def parse(update: dict[str, Any], bot: telegram.Bot) -> telegram.Update:
    # Round-trip through JSON, as the webhook receives it.
    return telegram.Update.de_json(json.loads(json.dumps(update)), bot)


def test_text_and_start_updates(fake_telegram, bot):
    text = parse(fake_telegram.text_update(CHAT, "my baby won't feed"), bot)
    start = parse(fake_telegram.start_update(CHAT, "clinic42"), bot)
    bare = parse(fake_telegram.start_update(CHAT), bot)

    assert text.effective_message.text == "my baby won't feed"
    assert text.effective_chat.type == "private" and text.effective_user.id == CHAT
    assert text.effective_user.language_code == "en" and not text.effective_user.is_bot
    assert start.effective_message.text == "/start clinic42"
    assert start.effective_message.parse_entities(["bot_command"]).popitem()[1] == "/start"
    assert bare.effective_message.text == "/start"
    assert bare.update_id == start.update_id + 1 == text.update_id + 2
    assert parse(fake_telegram.text_update(CHAT, "x", update_id=900), bot).update_id == 900


def test_callback_update_uses_the_sent_message(fake_telegram, bot):
    markup = telegram.InlineKeyboardMarkup([[telegram.InlineKeyboardButton("Yes",
                                                                           callback_data="y")]])
    sent = run_bot(fake_telegram, lambda b: b.send_message(CHAT, "Reminders?", reply_markup=markup))

    update = parse(fake_telegram.callback_update(CHAT, "y", message_id=sent.message_id), bot)
    fallback = parse(fake_telegram.callback_update(CHAT, "n", message_id=999), bot)

    assert update.callback_query.data == "y"
    assert update.callback_query.message.text == "Reminders?"
    assert update.callback_query.message.reply_markup == markup
    assert update.callback_query.from_user.id == CHAT and update.callback_query.chat_instance
    assert fallback.callback_query.data == "n" and fallback.callback_query.message.message_id == 999


def test_media_location_and_membership_updates(fake_telegram, bot):
    location = parse(fake_telegram.location_update(CHAT, 51.5074, -0.1278), bot)
    photo = parse(fake_telegram.photo_update(CHAT, caption="rash?"), bot)
    voice = parse(fake_telegram.voice_update(CHAT), bot)
    sticker = parse(fake_telegram.sticker_update(CHAT), bot)
    edited = parse(fake_telegram.edited_text_update(CHAT, "edited"), bot)
    group = parse(fake_telegram.group_text_update(-100200, "hello all"), bot)
    blocked = parse(fake_telegram.blocked_update(CHAT), bot)

    assert location.message.location.latitude == 51.5074
    assert location.message.location.longitude == -0.1278
    assert len(photo.message.photo) == 3 and photo.message.caption == "rash?"
    assert parse(fake_telegram.photo_update(CHAT), bot).message.caption is None
    assert voice.message.voice.mime_type == "audio/ogg" and voice.message.text is None
    assert sticker.message.sticker.emoji == "👍"
    assert edited.message is None and edited.edited_message.text == "edited"
    assert edited.edited_message.edit_date > edited.edited_message.date
    assert group.effective_chat.type == "group" and group.effective_message.text == "hello all"
    assert blocked.my_chat_member.new_chat_member.status == "kicked"
    assert blocked.my_chat_member.old_chat_member.status == "member"
    assert blocked.effective_user.id == CHAT


def test_post_update_sends_json_with_secret(fake_telegram, receiver):
    update = fake_telegram.text_update(CHAT, "hi")

    assert fake_telegram.post_update(receiver.url + "/tg", update, secret="s3") == (200, "ok")
    assert fake_telegram.post_update(receiver.url + "/tg", update, secret=None)[0] == 200

    with_secret, without = receiver.requests
    assert json.loads(with_secret["body"]) == update
    assert with_secret["headers"]["Content-Type"] == "application/json"
    assert with_secret["headers"]["X-Telegram-Bot-Api-Secret-Token"] == "s3"
    assert "X-Telegram-Bot-Api-Secret-Token" not in without["headers"]


# --- Lifecycle and command line -------------------------------------------------------------


def test_stop_releases_the_port_even_with_pooled_connections():
    fake = FakeTwilio().start()
    session = requests.Session()
    session.get(fake.url, timeout=5)  # leaves a kept-alive connection open
    url = fake.url

    fake.stop()

    assert not fake.running
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=2)


def test_environment_points_the_channels_at_the_fakes(fake_twilio, fake_telegram):
    env = environment(fake_twilio, fake_telegram)

    assert env == {
        "TWILIO_ACCOUNT_SID": fake_twilio.account_sid,
        "TWILIO_AUTH_TOKEN": fake_twilio.auth_token,
        "TWILIO_API_URL": fake_twilio.url,
        "TELEGRAM_BOT_TOKEN": fake_telegram.token,
        "TELEGRAM_API_URL": fake_telegram.url,
    }


def test_cli_prints_environment_and_stops_on_ctrl_c():
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.ops.fake_providers", "--twilio-port", "0",
         "--telegram-port", "0"],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if "Ctrl-C" in line:
                break
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
    printed = "".join(lines)
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_URL",
                 "TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL"):
        assert f"export {name}=" in printed
