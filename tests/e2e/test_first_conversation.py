"""The first conversation over the REST channel, against the real running stack."""

from __future__ import annotations

from datetime import timedelta

import requests
from sqlalchemy import select

from bot.clock import local_today, long_date
from bot.content import load as load_content
from bot.store.db import session_scope
from bot.store.models import Consent, Escalation, OptEvent, Person
from tests.e2e.conftest import Conversation


def _db(stack):
    return stack.env["DATABASE_URL"]


def _person(stack, sender) -> Person | None:
    with session_scope(_db(stack)) as session:
        return session.execute(
            select(Person).where(Person.conversation_id == sender)
        ).scalar_one_or_none()


def test_hi_gets_the_greeting_with_a_menu(conversation):
    messages = conversation.say("hi")
    assert "First 1,000 Days" in messages[0]["text"]
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert "Sign up for tips" in titles and "Talk to a health visitor" in titles


def test_sign_up_with_consent_stage_and_district(stack, conversation):
    notice = load_content("privacy_notice")
    assert notice["text"] in conversation.say_text("I'd like to sign up please")
    assert "When is your baby due" in conversation.say_text("yes that's fine")
    due = local_today("Europe/London") + timedelta(days=120)
    assert "postcode" in conversation.say_text(f"due {due:%d/%m/%Y}")
    reply = conversation.say_text("SE25 6XY")
    assert f"due on {long_date(due)}" in reply and "SE25" in reply and "6XY" not in reply

    person = _person(stack, conversation.sender)
    assert person.registered_at is not None
    assert (person.stage, person.due_date, person.postcode_district) == ("pregnant", due, "SE25")
    with session_scope(_db(stack)) as session:
        consent = session.execute(
            select(Consent).where(Consent.person_id == person.id)
        ).scalar_one()
    assert consent.given and consent.notice_version == notice["version"]


def test_unclear_answers_are_asked_again_not_guessed(stack, conversation):
    conversation.say("register")
    conversation.say("yes")
    assert "couldn't read that" in conversation.say_text("sometime in spring")
    assert "postcode" in conversation.say_text("we're trying for a baby")
    assert "couldn't find that postcode" in conversation.say_text("ZZ9")
    assert "planning a pregnancy" in conversation.say_text("M1 1AE")
    assert _person(stack, conversation.sender).stage == "planning"


def test_declining_consent_saves_nothing_but_answers_go_on(stack, conversation):
    conversation.say("sign me up")
    assert "won't save anything" in conversation.say_text("no")
    person = _person(stack, conversation.sender)
    assert person.registered_at is None and person.due_date is None
    assert "First 1,000 Days" in conversation.say_text("hello")


def test_stop_inside_sign_up_then_start(stack, conversation):
    conversation.say("sign up")
    assert "START" in conversation.say_text("STOP")
    assert _person(stack, conversation.sender).opted_out_at is not None
    assert "messages are on again" in conversation.say_text("start")
    assert _person(stack, conversation.sender).opted_out_at is None
    with session_scope(_db(stack)) as session:
        kinds = session.execute(select(OptEvent.kind).order_by(OptEvent.id)).scalars().all()
    assert kinds[-2:] == ["stop", "start"]
    # The form was left, not resumed behind the person's back.
    assert "First 1,000 Days" in conversation.say_text("hi")


def test_asking_for_a_health_visitor_opens_a_routine_request(stack, conversation):
    assert "health visitor" in conversation.say_text("can i speak to a health visitor please")
    with session_scope(_db(stack)) as session:
        escalation = session.execute(
            select(Escalation).where(Escalation.conversation_id == conversation.sender)
        ).scalar_one()
    assert (escalation.severity, escalation.category) == ("routine", "contact_request")


def test_not_understood_gets_a_kind_fallback_with_the_menu(conversation):
    messages = conversation.say("qwzx plorp vrrm")
    assert messages, "never silence"
    assert any(m.get("buttons") for m in messages)


def test_a_new_session_remembers_registration_from_the_database(stack, conversation):
    conversation.say("sign up")
    conversation.say("yes")
    conversation.say("planning")
    conversation.say("CR0")
    reply = requests.post(
        f"{stack.rasa_url}/conversations/{conversation.sender}/execute",
        params={"token": stack_token(stack)},
        json={"name": "action_session_start"},
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    assert "Hi again" in conversation.say_text("hiya")


def stack_token(stack) -> str:
    from pathlib import Path

    return (Path(stack.env["VAR_DIR"]) / "secrets" / "rasa_api_token").read_text().strip()


def test_malformed_requests_get_a_clear_4xx(stack):
    url = f"{stack.rasa_url}/webhooks/rest/webhook"
    cases = [
        (b"", 400),
        (b'{"message": "hi"}', 400),
        (b'{"sender": "x", "message": "' + b"a" * 10_240 + b'"}', 413),
        (b'{"sender": "x", "message": "caf\xe9"}', 400),
        (b"not json at all", 400),
    ]
    for body, status in cases:
        reply = requests.post(url, data=body, headers={"Content-Type": "application/json"})
        assert reply.status_code == status, (body[:40], reply.status_code, reply.text)
        assert reply.json()["error"]


def test_emoji_gets_a_friendly_reply(conversation):
    messages = conversation.say("👋😊")
    assert messages and messages[0]["text"]


def test_healthz_reports_every_process(stack):
    reply = requests.get(f"{stack.desk_url}/healthz", timeout=5)
    assert reply.status_code == 200
    body = reply.json()
    assert body["status"] == "ok"
    assert set(body["dependencies"]) == {"database", "rasa", "actions", "scheduler", "lock_store"}
    assert body["dependencies"]["database"]["kind"] == "sqlite"


def test_production_setup_postgres_redis_two_workers(scaled_stack):
    conversation = Conversation(scaled_stack)
    assert "First 1,000 Days" in conversation.say_text("hello")
    conversation.say("sign up")
    conversation.say("yes")
    conversation.say("baby is 3 weeks old")
    assert "signed up" in conversation.say_text("SW1A 1AA")
    health = requests.get(f"{scaled_stack.desk_url}/healthz", timeout=5).json()
    assert health["dependencies"]["database"]["kind"] == "postgresql"
    assert health["dependencies"]["lock_store"] == {"state": "up", "kind": "redis"}
