"""The provider channels below the Rasa server: how a Rasa message looks on each channel, MORE
and numbered choices against a real database, payload checks, and the senders configured from
the environment reaching local fakes of Twilio and Telegram through the real libraries."""

import pytest
from sqlalchemy import select

from bot.channels.inbound import InboundError
from bot.channels.outbound import MORE, Outbox, SendError
from bot.channels.sms import SmsOutput, parse_form, release_more, rest_error, sender_from_settings
from bot.channels.sms_text import choice_index, segments
from bot.channels.telegram import (
    TelegramOutput,
    command_text,
    parse_update,
    send_error,
)
from bot.channels.telegram import sender_from_settings as telegram_sender
from bot.channels.turn import Contact, queue_parts, take_choice, take_in
from bot.config import get_settings
from bot.ops.fake_providers import FakeTelegram, FakeTwilio, environment
from bot.store.db import session_scope
from bot.store.models import OutboundMessage

LONG = " ".join(f"Sentence number {i} says something useful about feeding." for i in range(20))
BUTTONS = [{"title": "Yes, that's OK", "payload": "/affirm"},
           {"title": "No thanks", "payload": "/deny"}]


def rows(database_url):
    with session_scope(database_url) as session:
        return session.execute(
            select(OutboundMessage.body, OutboundMessage.status).order_by(OutboundMessage.id)
        ).all()


def test_sms_render_keeps_to_three_gsm7_segments_and_holds_the_rest_for_more():
    first, rest = SmsOutput(Outbox("sqlite://")).render({"text": LONG, "buttons": BUTTONS})
    assert first.body.endswith("Reply MORE for the rest.") and segments(first.body) <= 3
    assert first.buttons == () and rest.status == MORE
    assert rest.buttons[0].payload == "/affirm" and "1 Yes, that's OK" in rest.body
    (smart,) = SmsOutput(Outbox("sqlite://")).render({"text": "You’re doing great 👍"})
    assert smart.body == "You're doing great"


def test_telegram_render_keeps_buttons_and_splits_only_past_4096_characters():
    (part,) = TelegramOutput(Outbox("sqlite://")).render({"text": "Hi", "buttons": BUTTONS})
    assert [b.title for b in part.buttons] == ["Yes, that's OK", "No thanks"]
    parts = TelegramOutput(Outbox("sqlite://")).render({"text": "word " * 2000})
    assert len(parts) == 3 and all(len(p.body) <= 4096 for p in parts)
    assert TelegramOutput(Outbox("sqlite://")).render({"image": "x.png"}) == []


def test_more_releases_the_rest_part_by_part_then_nothing(database_url):
    outbox = Outbox(database_url)
    contact = take_in(database_url, "sms", "SM" + "1" * 32, "+447700900100")
    very_long = " ".join([LONG] * 3)
    queue_parts(outbox, contact.recipient, SmsOutput(outbox).render({"text": very_long}))
    released = 0
    while release_more(outbox, contact):
        released += 1
    bodies = [body for body, status in rows(database_url) if status == "queued"]
    assert released == len(bodies) - 1 >= 2
    assert all(segments(body) <= 3 for body in bodies)
    assert " ".join(b.replace(" Reply MORE for the rest.", "") for b in bodies).split() == (
        very_long.split())


def test_a_newer_long_reply_replaces_an_older_waiting_rest(database_url):
    outbox = Outbox(database_url)
    contact = take_in(database_url, "sms", "SM" + "2" * 32, "+447700900101")
    for _ in range(2):
        queue_parts(outbox, contact.recipient, SmsOutput(outbox).render({"text": LONG}))
    assert [status for _, status in rows(database_url)] == [
        "queued", "superseded", "queued", "more"]


def test_a_number_picks_from_the_last_choices_only_once(database_url):
    outbox = Outbox(database_url)
    contact = take_in(database_url, "sms", "SM" + "3" * 32, "+447700900102")
    queue_parts(outbox, contact.recipient,
                SmsOutput(outbox).render({"text": "OK?", "buttons": BUTTONS}))
    assert take_choice(database_url, contact, "2", choice_index) == "/deny"
    assert take_choice(database_url, contact, "2", choice_index) == "2", "choices were closed"
    queue_parts(outbox, contact.recipient,
                SmsOutput(outbox).render({"text": "OK?", "buttons": BUTTONS}))
    assert take_choice(database_url, contact, "20 weeks", choice_index) == "20 weeks"


def test_a_provider_id_is_taken_in_once_and_addresses_stay_out_of_conversation_ids(database_url):
    first = take_in(database_url, "telegram", "77", "123456789")
    assert take_in(database_url, "telegram", "77", "123456789") is None
    again = take_in(database_url, "telegram", "78", "123456789")
    assert isinstance(first, Contact) and again == first
    assert "123456789" not in first.conversation_id


@pytest.mark.parametrize(("body", "reason"), [
    (b"a=1&a=2", "repeated"),
    (b"\xff\xfe", "UTF-8"),
    (b"x=" + b"y" * 20_000, "too large"),
    (b"&".join(b"f%d=1" % i for i in range(100)), "too many"),
])
def test_sms_forms_that_twilio_never_sends_are_refused(body, reason):
    with pytest.raises(InboundError) as error:
        parse_form(body)
    assert error.value.status == 400 and reason in error.value.reason


@pytest.mark.parametrize(("body", "reason"), [
    (b'{"update_id": true}', "update_id"),
    (b'{"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": "x", '
     b'"type": "private"}}}', "chat.id"),
    (b'{"update_id": 1, "message": []}', "not a Telegram update"),
])
def test_telegram_updates_that_are_not_updates_are_refused(body, reason):
    with pytest.raises(InboundError) as error:
        parse_update(body)
    assert reason in error.value.reason


def test_telegram_commands_become_words_and_start_keeps_its_payload():
    assert command_text("/start team-north") == ("/greet", {"start_payload": "team-north"})
    assert command_text("/start") == ("/greet", None)
    assert command_text("/help@First1000Bot") == ("help", None)
    assert command_text("/stop") == ("stop", None)
    assert command_text('/inform{"stage_answer": "x"}') == ('inform{"stage_answer": "x"}', None)


@pytest.fixture
def fakes(monkeypatch):
    twilio, telegram = FakeTwilio().start(), FakeTelegram().start()
    for name, value in environment(twilio, telegram).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TWILIO_FROM_NUMBER", "+447700900000")
    yield twilio, telegram
    twilio.stop()
    telegram.stop()


def test_senders_from_the_environment_reach_the_providers_and_map_their_errors(
    database_url, fakes
):
    twilio, telegram = fakes
    settings = get_settings()
    outbox = Outbox(database_url, {"sms": sender_from_settings(settings),
                                   "telegram": telegram_sender(settings)})
    sms = take_in(database_url, "sms", "SM" + "4" * 32, "+447700900103").recipient
    chat = take_in(database_url, "telegram", "90", "4242").recipient
    queue_parts(outbox, sms, SmsOutput(outbox).render({"text": "Hello", "buttons": BUTTONS}))
    queue_parts(outbox, chat, TelegramOutput(outbox).render({"text": "Hi", "buttons": BUTTONS}))
    outbox.drain(sms)
    outbox.drain(chat)
    (text,) = twilio.messages
    assert text["to"] == "+447700900103" and text["from"] == "+447700900000"
    (message,) = telegram.messages
    keyboard = message["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard] == ["Yes, that's OK", "No thanks"]
    assert keyboard[0][0]["callback_data"].endswith(":0")

    telegram.block(4242)
    twilio.reject_number("+447700900103", code=21610)
    queue_parts(outbox, sms, SmsOutput(outbox).render({"text": "again"}))
    queue_parts(outbox, chat, TelegramOutput(outbox).render({"text": "again"}))
    outbox.drain(sms)
    outbox.drain(chat)
    assert [status for _, status in rows(database_url)][-2:] == ["failed", "failed"]


def test_provider_errors_are_sorted_into_retry_give_up_and_bad_contact():
    from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
    from twilio.base.exceptions import TwilioRestException

    def twilio_error(status, code):
        return rest_error(TwilioRestException(status, "uri", "msg", code))

    def kind(error: SendError):
        return (error.permanent, error.contact)

    assert kind(twilio_error(500, 20500)) == (False, False)
    assert kind(twilio_error(429, 20429)) == (False, False)
    assert kind(twilio_error(401, 20003)) == (False, False)
    assert kind(twilio_error(400, 21211)) == (True, True)
    assert kind(twilio_error(400, 21617)) == (True, False)
    assert kind(send_error(Forbidden("Forbidden: bot was blocked by the user"))) == (True, True)
    assert kind(send_error(BadRequest("Chat not found"))) == (True, True)
    assert kind(send_error(BadRequest("Message is too long"))) == (True, False)
    assert kind(send_error(NetworkError("Bad Gateway"))) == (False, False)
    assert send_error(RetryAfter(7)).retry_after == 7


def test_button_presses_only_count_on_the_persons_own_messages(database_url):
    from bot.channels.turn import pressed_choice

    outbox = Outbox(database_url)
    mine = take_in(database_url, "telegram", "91", "5001")
    theirs = take_in(database_url, "telegram", "92", "5002")
    queue_parts(outbox, mine.recipient,
                TelegramOutput(outbox).render({"text": "OK?", "buttons": BUTTONS}))
    with session_scope(database_url) as session:
        message_id = session.execute(select(OutboundMessage.id)).scalar_one()
    assert pressed_choice(database_url, mine, message_id, 0) == "/affirm"
    assert pressed_choice(database_url, theirs, message_id, 0) is None
    assert pressed_choice(database_url, mine, message_id, 5) is None


def test_telegram_cli_sets_and_checks_the_webhook(monkeypatch, capsys):
    from bot.channels.telegram import _cli

    telegram = FakeTelegram().start()
    try:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", telegram.token)
        monkeypatch.setenv("TELEGRAM_API_URL", telegram.url)
        monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "s3cret_-")
        monkeypatch.setenv("PUBLIC_BASE_URL", "https://first1000.example.nhs.uk/")
        assert _cli(["check-webhook"]) == 1, "no webhook yet"
        assert _cli(["set-webhook"]) == 0
        assert telegram.webhook["url"] == (
            "https://first1000.example.nhs.uk/webhooks/telegram/webhook")
        assert telegram.webhook["secret_token"] == "s3cret_-"
        assert _cli(["check-webhook"]) == 0
        monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "not allowed!")
        assert _cli(["set-webhook"]) == 2
        monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
        assert _cli(["set-webhook"]) == 2
        assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
        assert _cli(["bogus"]) == 2
    finally:
        telegram.stop()


def test_channels_stay_off_with_one_line_each_until_configured(monkeypatch, caplog):
    from bot.ops.rasa_server import channels

    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER",
                 "TWILIO_MESSAGING_SERVICE_SID", "PUBLIC_BASE_URL", "TELEGRAM_BOT_TOKEN",
                 "TELEGRAM_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert list(channels(get_settings())) == ["bot.channels.rest.RestInput"]
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2 and all("channel disabled: set" in line for line in lines)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "0" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "t")
    monkeypatch.setenv("TWILIO_MESSAGING_SERVICE_SID", "MG" + "0" * 32)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://example.nhs.uk")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:x")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "s")
    assert list(channels(get_settings())) == [
        "bot.channels.rest.RestInput", "bot.channels.sms.SmsInput",
        "bot.channels.telegram.TelegramInput"]
