"""A person's page: the whole picture for their own team only, and an audited message out."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import pytest
from PIL import Image
from sqlalchemy import insert, select

from bot.channels.outbound import HELD, Outbox
from bot.desk import create_app
from bot.escalation.rota import add_team
from bot.escalation.service import EscalationService
from bot.growth.service import GrowthService
from bot.people.record import _events
from bot.people.service import find_person
from bot.store.db import session_scope
from bot.store.models import (
    AuditEvent,
    ChannelIdentity,
    Consent,
    MoodCheckin,
    OutboundMessage,
    utcnow,
)
from tests.desk_support import csrf_from, make_staff, sign_in

PHONE = "+447700900123"


@pytest.fixture
def desk(database_url):
    add_team(database_url, "North", ["SE25"])
    add_team(database_url, "South", ["BR1"])
    staff = {
        "hana": make_staff(database_url, "Hana Ali", "health_visitor", "North", "hana"),
        "sam": make_staff(database_url, "Sam Shaw", "health_visitor", "South", "sam"),
        "ada": make_staff(database_url, "Ada Admin", "admin", None, "ada"),
    }
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "DESK_API_TOKEN": None,
                      "OUTBOX": Outbox(database_url, {})})
    return {"app": app, "staff": staff, "url": database_url}


def make_person(database_url, conversation_id="sms-conv-1", district="SE25", phone=PHONE):
    with session_scope(database_url) as session:
        person = find_person(session, conversation_id)
        person.postcode_district = district
        person.stage = "baby"
        person.baby_birth_date = date(2026, 9, 1)
        person.registered_at = datetime(2026, 9, 10, 10, 0)
        session.add(Consent(person_id=person.id, given=True, notice_version="2026-10"))
        if phone:
            session.add(ChannelIdentity(person_id=person.id, channel="sms", address=phone))
        return person.id


def client_for(desk, username):
    client = desk["app"].test_client()
    assert sign_in(client, username).status_code == 302
    return client


def say(database_url, conversation_id, kind, text, at):
    with session_scope(database_url) as session:
        session.execute(insert(_events).values(
            sender_id=conversation_id, type_name=kind, timestamp=at.timestamp(),
            data=json.dumps({"event": kind, "text": text})))


def test_person_page_shows_the_whole_picture_newest_first(desk):
    url = desk["url"]
    person_id = make_person(url)
    base = datetime(2026, 11, 20, 10, 0)
    say(url, "sms-conv-1", "user", "feeling really low today", base)
    say(url, "sms-conv-1", "bot", "I'm sorry it's hard today.", base.replace(minute=1))
    escalation = EscalationService(url).open("sms-conv-1", "routine", "mood_checkin",
                                            "feeling really low today", now=base)
    EscalationService(url).add_note(escalation, "Visit booked for Friday", author="Hana Ali",
                                    staff_id=desk["staff"]["hana"], now=base.replace(hour=11))
    with session_scope(url) as session:
        session.add(MoodCheckin(
            person_id=person_id, completed_at=base.replace(minute=5),
            answers="{}", outcome="positive", scoring_key_version="2026-11",
            scores=json.dumps([{"instrument": "phq9", "total": 14, "positive": True,
                                "risk": False, "answers": [], "version": "1"}])))
    growth = GrowthService(url)
    child, _ = growth.save_child("sms-conv-1", name="Ava", sex="female",
                                 birth_date=date(2026, 9, 1), gestation=(40, 0),
                                 birth_weight_kg=3.4)
    growth.record("sms-conv-1", child.id, "weight", 5.1, date(2026, 11, 18), source="clinic",
                  raw_text="5.1kg")

    page = client_for(desk, "hana").get(f"/people/{person_id}").get_data(as_text=True)
    assert f"Record {person_id[:6].upper()}" in page
    assert "Baby born 1 September 2026" in page and "SE25 · North" in page
    assert "SMS (ending 123)" in page and PHONE not in page and "900123" not in page
    assert "Consent</dt><dd>Given" in page and "Receiving messages" in page
    timeline = page[page.index('id="timeline-heading"'):]
    for text in ("feeling really low today", "I&#39;m sorry it&#39;s hard today.",
                 "PHQ-9 14 (positive)", "Visit booked for Friday",
                 "Routine escalation: Mood check-in", "Ava: weight 5.1 kg on 18 November 2026"):
        assert text in timeline, text
    assert timeline.index("Visit booked") < timeline.index("PHQ-9 14")
    assert timeline.index("PHQ-9 14") < timeline.index("feeling really low today")
    assert f'/people/{person_id}/children/{child.id}/chart.png?kind=weight' in page


def test_growth_chart_picture_for_own_team_only(desk):
    url = desk["url"]
    person_id = make_person(url)
    other = make_person(url, "sms-conv-2", phone="+447700900999")
    child, _ = GrowthService(url).save_child("sms-conv-1", name="Ava", sex="female",
                                             birth_date=date(2026, 9, 1), gestation=(40, 0),
                                             birth_weight_kg=3.4)
    hana = client_for(desk, "hana")
    reply = hana.get(f"/people/{person_id}/children/{child.id}/chart.png?kind=weight")
    assert reply.status_code == 200 and reply.mimetype == "image/png"
    assert Image.open(io.BytesIO(reply.data)).size[0] >= 600
    assert hana.get(f"/people/{other}/children/{child.id}/chart.png").status_code == 404
    assert hana.get(f"/people/{person_id}/children/{child.id}/chart.png?kind=x").status_code \
        == 400
    sam = client_for(desk, "sam")
    assert sam.get(f"/people/{person_id}/children/{child.id}/chart.png").status_code == 403


def test_another_team_or_an_admin_cannot_open_the_record(desk):
    person_id = make_person(desk["url"])
    for username in ("sam", "ada"):
        client = client_for(desk, username)
        reply = client.get(f"/people/{person_id}")
        assert reply.status_code == 403
        assert "feeling" not in reply.get_data(as_text=True)
        assert client.post(f"/people/{person_id}/messages",
                           data={"csrf_token": csrf_from(client, "/cafes/"),
                                 "message": "hello"}).status_code == 403
    assert client_for(desk, "hana").get("/people/no-such-person").status_code == 404


def test_send_message_goes_through_the_outbox_and_is_audited(desk):
    url = desk["url"]
    person_id = make_person(url)
    hana = client_for(desk, "hana")
    page = f"/people/{person_id}"
    reply = hana.post(f"{page}/messages", data={
        "csrf_token": csrf_from(hana, page),
        "message": "Hi, it's Hana your health visitor. Can I ring you at 2pm today?"})
    assert reply.status_code == 302
    with session_scope(url) as session:
        message = session.execute(select(OutboundMessage)).scalar_one()
        assert (message.recipient_type, message.recipient_id, message.channel) == (
            "person", person_id, "sms")
        assert message.purpose == "staff" and message.sent_by_staff_id == desk["staff"]["hana"]
        assert message.status in (HELD, "queued")
        audit = session.execute(select(AuditEvent).where(
            AuditEvent.action == "desk_message_sent")).scalar_one()
        assert audit.actor == f"staff:{desk['staff']['hana']}" and audit.subject_id == person_id
        assert "2pm" not in (audit.detail or "")
    shown = hana.get(page).get_data(as_text=True)
    assert "Message sent." in shown
    assert "Staff message · Hana Ali" in shown and "Can I ring you at 2pm today?" in shown


@pytest.mark.parametrize("case", ["opted_out", "no_contact", "empty", "too_long"])
def test_message_that_cannot_be_sent_says_why_and_sends_nothing(desk, case):
    url = desk["url"]
    person_id = make_person(url, phone=None if case == "no_contact" else PHONE)
    if case == "opted_out":
        with session_scope(url) as session:
            find_person(session, "sms-conv-1").opted_out_at = utcnow()
    text = {"empty": "   ", "too_long": "x" * 1001}.get(case, "Hello from the team")
    hana = client_for(desk, "hana")
    page = f"/people/{person_id}"
    reply = hana.post(f"{page}/messages", data={"csrf_token": csrf_from(hana, page),
                                                "message": text})
    assert reply.status_code == 400
    body = reply.get_data(as_text=True)
    expected = {"opted_out": "They replied STOP", "no_contact": "no working SMS or Telegram",
                "empty": "The message is empty", "too_long": "The message is too long"}[case]
    assert expected in body and "The message was not sent" in body
    with session_scope(url) as session:
        assert session.execute(select(OutboundMessage)).first() is None
    if case in ("opted_out", "no_contact"):
        shown = hana.get(page).get_data(as_text=True)
        assert expected in shown and "Send message" not in shown


def test_message_post_without_csrf_is_refused(desk):
    url = desk["url"]
    person_id = make_person(url)
    reply = client_for(desk, "hana").post(f"/people/{person_id}/messages",
                                          data={"message": "hello"})
    assert reply.status_code == 400
    with session_scope(url) as session:
        assert session.execute(select(OutboundMessage)).first() is None
