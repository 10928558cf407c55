"""SMS and Telegram end to end: the real stack, the real twilio and python-telegram-bot
libraries, and local fakes of the providers' APIs that sign and deliver like the real ones."""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy import select

from bot.channels.sms import STATUS_PATH
from bot.channels.sms import WEBHOOK_PATH as SMS_PATH
from bot.channels.sms_text import GSM7, segments
from bot.channels.telegram import WEBHOOK_PATH as TELEGRAM_PATH
from bot.clock import local_today
from bot.store.db import session_scope
from bot.store.models import (
    AuditEvent,
    ChannelIdentity,
    Escalation,
    OptEvent,
    OutboundMessage,
    Person,
    RotaShift,
    Staff,
    Team,
    utcnow,
)
from tests.e2e.conftest import PUBLIC_BASE_URL, TELEGRAM_SECRET

PENDING = ("queued", "retrying", "sending")


def _db(stack) -> str:
    return stack.env["DATABASE_URL"]


def _identity(stack, channel: str, address: str) -> ChannelIdentity | None:
    with session_scope(_db(stack)) as session:
        return session.execute(
            select(ChannelIdentity).where(ChannelIdentity.channel == channel,
                                          ChannelIdentity.address == address)
        ).scalar_one_or_none()


def _person(stack, channel: str, address: str) -> Person:
    with session_scope(_db(stack)) as session:
        identity = session.execute(
            select(ChannelIdentity).where(ChannelIdentity.channel == channel,
                                          ChannelIdentity.address == address)
        ).scalar_one()
        return session.get(Person, identity.person_id)


def _outbox(stack, person_id: str) -> list[OutboundMessage]:
    with session_scope(_db(stack)) as session:
        return list(session.execute(
            select(OutboundMessage).where(OutboundMessage.recipient_id == person_id)
            .order_by(OutboundMessage.id)
        ).scalars())


def _settle(stack, channel: str, address: str, timeout_s: float = 20.0) -> None:
    """Wait until nothing is left to send to this person (the webhook has committed the turn's
    messages to the outbox before it answers; the outbox sends them in the background)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        identity = _identity(stack, channel, address)
        if identity is not None and not [
            m for m in _outbox(stack, identity.person_id) if m.status in PENDING
        ]:
            return
        time.sleep(0.05)
    raise AssertionError(f"messages to a {channel} contact still pending after {timeout_s} s")


class Phone:
    """A parent texting the assistant: Twilio signs each inbound SMS for the public URL."""

    def __init__(self, stack, providers, number: str | None = None) -> None:
        self.stack, self.twilio = stack, providers.twilio
        self.number = number or f"+4477009{random.randint(10000, 99999)}"
        self.seen = 0

    def post(self, body: str, *, sid: str | None = None) -> int:
        params = self.twilio.inbound_sms_params(self.number, body, message_sid=sid)
        status, _ = self.twilio.post_webhook(self.stack.rasa_url + SMS_PATH, params,
                                             signed_url=PUBLIC_BASE_URL + SMS_PATH)
        return status

    def text(self, body: str, *, sid: str | None = None) -> list[str]:
        assert self.post(body, sid=sid) == 200
        return self.replies()

    def replies(self) -> list[str]:
        _settle(self.stack, "sms", self.number)
        mine = [m["body"] for m in self.twilio.messages if m["to"] == self.number]
        new, self.seen = mine[self.seen:], len(mine)
        return new


class Chat:
    """A parent on Telegram: updates carry the webhook's secret token."""

    def __init__(self, stack, providers) -> None:
        self.stack, self.telegram = stack, providers.telegram
        self.chat_id = random.randint(10**8, 10**9)
        self.seen = 0
        self.last: list[dict] = []

    def post(self, update: dict, secret: str | None = TELEGRAM_SECRET) -> int:
        status, _ = self.telegram.post_update(self.stack.rasa_url + TELEGRAM_PATH, update,
                                              secret=secret)
        return status

    def send(self, update: dict) -> list[str]:
        assert self.post(update) == 200
        _settle(self.stack, "telegram", str(self.chat_id))
        mine = [m for m in self.telegram.messages if m["chat_id"] == self.chat_id]
        self.last, self.seen = mine[self.seen:], len(mine)
        return [m["text"] for m in self.last]

    def say(self, text: str) -> list[str]:
        return self.send(self.telegram.text_update(self.chat_id, text))

    def press(self, title: str) -> list[str]:
        for message in reversed(self.last):
            rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
            for button in (b for row in rows for b in row):
                if button["text"] == title:
                    return self.send(self.telegram.callback_update(
                        self.chat_id, button["callback_data"], message_id=message["message_id"]))
        raise AssertionError(f"no button {title!r} on the last messages")


def _assert_sms_discipline(texts: list[str]) -> None:
    for text in texts:
        assert set(text) <= GSM7, f"not GSM-7: {sorted(set(text) - GSM7)}"
        assert segments(text) <= 3, f"{segments(text)} segments"


# --- SMS -----------------------------------------------------------------------------------


def test_sms_unsigned_or_forged_requests_get_403_and_reach_nobody(stack, providers):
    twilio, url = providers.twilio, stack.rasa_url + SMS_PATH
    number = f"+4477009{random.randint(10000, 99999)}"
    params = twilio.inbound_sms_params(number, "hi")
    unsigned = requests.post(url, data=params, timeout=10)
    assert unsigned.status_code == 403
    assert twilio.post_webhook(url, params, signature="forged")[0] == 403
    tampered = dict(params, Body="something else")
    signature = twilio.sign(PUBLIC_BASE_URL + SMS_PATH, params)
    assert twilio.post_webhook(url, tampered, signature=signature)[0] == 403
    # Signed for the local address rather than the public one Twilio was given.
    assert twilio.post_webhook(url, params)[0] == 403
    assert _identity(stack, "sms", number) is None


def test_sms_signed_gets_200_and_a_reply_through_the_rest_api(stack, providers):
    phone = Phone(stack, providers)
    params = providers.twilio.inbound_sms_params(phone.number, "hi")
    status, body = providers.twilio.post_webhook(stack.rasa_url + SMS_PATH, params,
                                                 signed_url=PUBLIC_BASE_URL + SMS_PATH)
    assert status == 200 and "<Response" in body and "<Message" not in body
    (greeting,) = phone.replies()
    assert "First 1,000 Days" in greeting
    assert "Reply with a number:\n1 Sign up for tips" in greeting
    _assert_sms_discipline([greeting])
    person = _person(stack, "sms", phone.number)
    assert phone.number.lstrip("+") not in person.conversation_id


def test_sms_the_same_message_sid_twice_gets_one_reply(stack, providers):
    phone = Phone(stack, providers)
    sid = "SM" + "ab" * 16
    assert phone.text("hello", sid=sid)
    assert phone.post("hello", sid=sid) == 200
    assert phone.replies() == []


def test_sms_whole_conversation_with_numbered_answers(stack, providers):
    phone = Phone(stack, providers)
    greeting = phone.text("Hi")
    assert "1 Sign up for tips" in greeting[-1]
    consent = phone.text("1")  # Sign up for tips
    assert any("Is that OK?" in text for text in consent)
    assert "When is your baby due" in " ".join(phone.text("1"))  # Yes
    due = local_today("Europe/London") + timedelta(days=100)
    assert "postcode" in " ".join(phone.text(f"due {due:%d/%m/%Y}"))
    signed_up = " ".join(phone.text("SE25 6XY"))
    assert "you're signed up" in signed_up and "SE25" in signed_up
    assert "breastfeeding" in " ".join(phone.text("what can you help me with?"))
    assert "START" in " ".join(phone.text("stop"))
    assert "messages are on again" in " ".join(phone.text("Start"))
    _assert_sms_discipline(
        [m["body"] for m in providers.twilio.messages if m["to"] == phone.number])

    person = _person(stack, "sms", phone.number)
    assert person.registered_at is not None and person.postcode_district == "SE25"
    assert person.opted_out_at is None
    with session_scope(_db(stack)) as session:
        kinds = session.execute(
            select(OptEvent.kind).where(OptEvent.person_id == person.id).order_by(OptEvent.id)
        ).scalars().all()
    assert kinds == ["stop", "start"]


def test_sms_more_with_nothing_waiting_says_so(stack, providers):
    phone = Phone(stack, providers)
    assert phone.text("MORE") == ["That was everything. Reply MENU to see what I can help with."]


def test_sms_a_picture_with_no_text_gets_a_friendly_answer(stack, providers):
    phone = Phone(stack, providers)
    params = providers.twilio.inbound_sms_params(phone.number, "")
    params["NumMedia"] = "1"
    status, _ = providers.twilio.post_webhook(stack.rasa_url + SMS_PATH, params,
                                              signed_url=PUBLIC_BASE_URL + SMS_PATH)
    assert status == 200
    assert phone.replies() == ["Sorry, I can only read text for now. Please type your message."]


def test_sms_malformed_payloads_get_400(stack, providers):
    twilio, url = providers.twilio, stack.rasa_url + SMS_PATH
    public = PUBLIC_BASE_URL + SMS_PATH
    good = twilio.inbound_sms_params("+447700900555", "hi")
    for broken in (
        {k: v for k, v in good.items() if k != "MessageSid"},
        {k: v for k, v in good.items() if k != "From"},
        {k: v for k, v in good.items() if k != "Body"},
        dict(good, MessageSid="not-a-sid"),
        dict(good, From="<script>"),
        dict(good, Body="x" * 5000),
    ):
        status, body = twilio.post_webhook(url, broken, signed_url=public)
        assert status == 400, (status, body)
    huge = dict(good, Body="x" * 20_000)
    assert twilio.post_webhook(url, huge, signed_url=public)[0] == 400
    signature = twilio.sign(public, good)
    garbage = requests.post(url, data=b"\xff\xfe=%%%", timeout=10,
                            headers={"X-Twilio-Signature": signature,
                                     "Content-Type": "application/x-www-form-urlencoded"})
    assert garbage.status_code in (400, 403)
    assert _identity(stack, "sms", "+447700900555") is None


def test_sms_provider_errors_are_retried_and_the_reply_is_delivered_once(stack, providers):
    phone = Phone(stack, providers)
    providers.twilio.fail_next(500, times=3)
    assert len(phone.text("hello")) == 1
    (reply,) = _outbox(stack, _person(stack, "sms", phone.number).id)
    assert (reply.status, reply.attempts) == ("sent", 4)


def test_sms_delivery_status_callbacks_update_the_outbox(stack, providers):
    twilio = providers.twilio
    phone = Phone(stack, providers)
    phone.text("hello")
    (reply,) = _outbox(stack, _person(stack, "sms", phone.number).id)
    url, form = twilio.status_callback_params(reply.provider_id, "delivered")
    assert url == PUBLIC_BASE_URL + STATUS_PATH
    local = stack.rasa_url + STATUS_PATH
    assert twilio.post_webhook(local, form, signed_url=url)[0] in (200, 204)
    assert twilio.post_webhook(local, form, signature="forged")[0] == 403
    (reply,) = _outbox(stack, reply.recipient_id)
    assert reply.status == "delivered" and reply.delivered_at is not None

    _, lost = twilio.status_callback_params(reply.provider_id, "undelivered", error_code=30005)
    assert twilio.post_webhook(local, lost, signed_url=url)[0] in (200, 204)
    (reply,) = _outbox(stack, reply.recipient_id)
    assert reply.status == "failed"
    assert _identity(stack, "sms", phone.number).unreachable_at is not None


def test_sms_a_page_to_a_number_that_fails_for_good_cascades_to_the_team_lead(stack, providers):
    twilio = providers.twilio
    visitor_number, lead_number = "+447700900801", "+447700900802"
    twilio.reject_number(visitor_number, code=21211, message="invalid 'To' number")
    phone = Phone(stack, providers)
    phone.text("hello")
    now = utcnow()
    with session_scope(_db(stack)) as session:
        team = Team(name=f"Channels {random.randint(0, 10**6)}")
        session.add(team)
        session.flush()
        visitor = Staff(name="Vi", role="health_visitor", team_id=team.id, page_channel="sms",
                        page_address=visitor_number, active=True)
        lead = Staff(name="Lu", role="team_lead", team_id=team.id, page_channel="sms",
                     page_address=lead_number, active=True)
        session.add_all([visitor, lead])
        session.flush()
        session.add(RotaShift(team_id=team.id, staff_id=visitor.id,
                              starts_at=now - timedelta(hours=1),
                              ends_at=now + timedelta(hours=1)))
        person = session.execute(
            select(Person).join(ChannelIdentity).where(ChannelIdentity.address == phone.number)
        ).scalar_one()
        person.team_id = team.id
        visitor_id = visitor.id
    reply = " ".join(phone.text("i took all my tablets an hour ago"))
    assert "999" in reply

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not [
        m for m in twilio.messages if m["to"] == lead_number
    ]:
        time.sleep(0.1)
    (page,) = (m for m in twilio.messages if m["to"] == lead_number)
    assert page["body"].startswith("Urgent escalation #")
    with session_scope(_db(stack)) as session:
        escalation = session.execute(
            select(Escalation).where(Escalation.conversation_id == person.conversation_id)
        ).scalar_one()
        failed = session.execute(
            select(OutboundMessage).where(OutboundMessage.escalation_id == escalation.id,
                                          OutboundMessage.recipient_id == str(visitor_id))
        ).scalar_one()
        assert failed.status == "failed" and "21211" in failed.last_error
        assert session.get(Staff, visitor_id).page_failed_at is not None
        assert escalation.cascade_level >= 2
        trail = session.execute(
            select(AuditEvent.action).where(AuditEvent.subject_id == str(escalation.id))
        ).scalars().all()
        assert "page_failed" in trail


# Numbered answers by SMS up to the last question of a check-in that comes out positive:
# mood check, yes, no, not at all, not at all, yes (help), then 8 PHQ-9 answers of "Several days".
SMS_CHECKIN = ["mood check", "1", "2", "1", "1", "1"] + ["2"] * 8
LAST_ANSWER = "1"  # PHQ-9 item 9: "Not at all"; the result comes as three messages


def test_sms_three_messages_of_a_turn_arrive_in_order_across_10_conversations(
    stack, providers
):
    phones = [Phone(stack, providers) for _ in range(10)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda phone: [phone.text(t) for t in SMS_CHECKIN], phones))
        turns = list(pool.map(lambda phone: phone.text(LAST_ANSWER), phones))
    for phone, replies in zip(phones, turns, strict=True):
        assert len(replies) == 3, replies
        assert "Thank you for answering" in replies[0]
        assert "health visitor" in replies[1] and "Talking Therapies" in replies[2]
        outbox = [m.body for m in _outbox(stack, _person(stack, "sms", phone.number).id)]
        assert outbox[-3:] == replies, "the provider got them in the order they were written"


def test_a_scheduled_check_in_offer_reaches_the_phone_and_its_answer_starts_it(
    stack, providers
):
    from schedules.jobs import offer_mood_checkins

    phone = Phone(stack, providers)
    phone.text("hi")
    with session_scope(_db(stack)) as session:
        person = session.execute(
            select(Person).join(ChannelIdentity).where(ChannelIdentity.address == phone.number)
        ).scalar_one()
        person.registered_at = utcnow()
        person.stage, person.baby_birth_date = "baby", local_today("Europe/London") - timedelta(
            days=45)
        conversation_id = person.conversation_id
    token = (Path(stack.env["VAR_DIR"]) / "secrets" / "rasa_api_token").read_text().strip()
    morning = utcnow().replace(hour=11, minute=0)
    offered = offer_mood_checkins(_db(stack), stack.rasa_url, token, "Europe/London",
                                  now=morning)
    assert conversation_id in offered
    (offer,) = phone.replies()
    assert "short questions" in offer and "1 Yes, let's do it" in offer
    started = " ".join(phone.text("1"))
    assert "feeling down, depressed or hopeless" in started


# --- Telegram ------------------------------------------------------------------------------


def test_telegram_without_the_secret_gets_403(stack, providers):
    chat = Chat(stack, providers)
    update = providers.telegram.text_update(chat.chat_id, "hi")
    assert chat.post(update, secret=None) == 403
    assert chat.post(update, secret="wrong") == 403
    assert _identity(stack, "telegram", str(chat.chat_id)) is None


def test_telegram_with_the_secret_replies_once_per_update_id(stack, providers):
    chat = Chat(stack, providers)
    update = providers.telegram.text_update(chat.chat_id, "hello")
    (greeting,) = chat.send(update)
    assert "First 1,000 Days" in greeting
    keyboard = chat.last[0]["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard][0] == "Sign up for tips"
    assert chat.send(update) == [], "a retried update is not answered again"


def test_telegram_whole_conversation_with_buttons(stack, providers):
    telegram = providers.telegram
    chat = Chat(stack, providers)
    assert "First 1,000 Days" in chat.send(telegram.start_update(chat.chat_id, "team-north"))[0]
    answered = len(telegram.callback_answers)
    assert any("Is that OK?" in text for text in chat.press("Sign up for tips"))
    assert len(telegram.callback_answers) == answered + 1, "the button press was answered"
    assert "When is your baby due" in " ".join(chat.press("Yes, that's OK"))
    due = local_today("Europe/London") + timedelta(days=60)
    assert "postcode" in " ".join(chat.say(f"{due:%d/%m/%Y}"))
    assert "you're signed up" in " ".join(chat.say("M1 1AE"))
    assert "breastfeeding" in " ".join(chat.say("/help"))
    assert "START" in " ".join(chat.say("STOP"))
    assert "messages are on again" in " ".join(chat.say("start"))
    person = _person(stack, "telegram", str(chat.chat_id))
    assert person.registered_at is not None and person.postcode_district == "M1"
    assert person.opted_out_at is None


def test_telegram_location_pictures_edits_groups_and_blocking(stack, providers):
    telegram = providers.telegram
    chat = Chat(stack, providers)
    reply = " ".join(chat.send(telegram.location_update(chat.chat_id, 51.4, -0.07)))
    assert "baby café" in reply and "where you are" in reply  # used for the café finder
    for update in (telegram.photo_update(chat.chat_id), telegram.voice_update(chat.chat_id),
                   telegram.sticker_update(chat.chat_id)):
        assert chat.send(update) == [
            "Sorry, I can only read text for now. Please type your message."
        ]
    assert "First 1,000 Days" in chat.send(telegram.photo_update(chat.chat_id, caption="hi"))[0]
    assert "999" in " ".join(
        chat.send(telegram.edited_text_update(chat.chat_id, "i want to kill myself")))
    group = telegram.group_text_update(-chat.chat_id, "hi")
    assert chat.post(group) == 200
    assert _identity(stack, "telegram", str(-chat.chat_id)) is None
    assert chat.post(telegram.blocked_update(chat.chat_id)) == 200
    assert _identity(stack, "telegram", str(chat.chat_id)).unreachable_at is not None
    chat.say("hello again")  # writing again means they can be reached again
    assert _identity(stack, "telegram", str(chat.chat_id)).unreachable_at is None


def test_telegram_a_blocked_bot_is_recorded_not_retried(stack, providers):
    telegram = providers.telegram
    chat = Chat(stack, providers)
    telegram.block(chat.chat_id)
    assert chat.send(telegram.text_update(chat.chat_id, "hi")) == []
    (reply,) = _outbox(stack, _person(stack, "telegram", str(chat.chat_id)).id)
    assert (reply.status, reply.attempts) == ("failed", 1)
    assert _identity(stack, "telegram", str(chat.chat_id)).unreachable_at is not None


def test_telegram_provider_errors_are_retried_and_delivered_once(stack, providers):
    chat = Chat(stack, providers)
    providers.telegram.fail_next(500, times=3)
    assert len(chat.say("hello")) == 1
    (reply,) = _outbox(stack, _person(stack, "telegram", str(chat.chat_id)).id)
    assert (reply.status, reply.attempts) == ("sent", 4)


def test_telegram_malformed_updates_get_400(stack, providers):
    url = stack.rasa_url + TELEGRAM_PATH
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    for body in (b"", b"not json", b"[1]", b'{"update_id": "7"}', b'{"update_id": -1}',
                 b'{"update_id": 5, "message": {"chat": "x"}}',
                 b'{"update_id": 6, "message": 42}', b"{" + b" " * 300_000 + b"}"):
        reply = requests.post(url, data=body, headers=headers, timeout=10)
        assert reply.status_code == 400, (body[:40], reply.status_code, reply.text)
    assert requests.post(url, data=b"{}", timeout=10).status_code == 403


def test_telegram_three_messages_of_a_turn_arrive_in_order_across_10_chats(
    stack, providers
):
    chats = [Chat(stack, providers) for _ in range(10)]

    def into_last_question(chat: Chat) -> None:
        chat.say("mood check")
        for title in ("Yes", "No", "Not at all", "Not at all", "Yes"):
            chat.press(title)
        for _ in range(8):
            chat.press("Several days")

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(into_last_question, chats))
        turns = list(pool.map(lambda chat: chat.press("Not at all"), chats))
    for chat, replies in zip(chats, turns, strict=True):
        assert len(replies) == 3, replies
        assert "Thank you for answering" in replies[0] and "Talking Therapies" in replies[2]
        outbox = [m.body for m in _outbox(stack, _person(stack, "telegram", str(chat.chat_id)).id)]
        assert outbox[-3:] == replies


def test_a_proactive_message_reaches_the_phone_through_the_outbox(stack, providers):
    phone = Phone(stack, providers)
    phone.text("hi")
    person = _person(stack, "sms", phone.number)
    token = (Path(stack.env["VAR_DIR"]) / "secrets" / "rasa_api_token").read_text().strip()
    reply = requests.post(
        f"{stack.rasa_url}/conversations/{person.conversation_id}/trigger_intent",
        params={"output_channel": "sms", "token": token}, json={"name": "greet"}, timeout=30,
    )
    assert reply.status_code == 200, reply.text
    (greeting,) = phone.replies()
    assert "First 1,000 Days" in greeting
