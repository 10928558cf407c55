"""Paging, re-paging and cascade on a controllable clock."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.channels.outbound import Outbox, SendError
from bot.escalation.paging import PagingPolicy, page_due
from bot.escalation.service import EscalationService
from bot.store.db import session_scope
from bot.store.models import AuditEvent, OutboundMessage, RotaShift, Staff, Team

T0 = datetime(2026, 11, 23, 14, 0)
POLICY = PagingPolicy(sla=timedelta(minutes=15), fallback_channel="sms")


def outbox(database_url, senders=None, now=T0):
    return Outbox(database_url, senders or {}, fallback_channel="sms",
                  fallback_address="+447700900000", clock=lambda: now, sleep=lambda _: None)


@pytest.fixture
def team(database_url):
    """A team with one health visitor on duty 09:00-17:00 and a team lead."""
    with session_scope(database_url) as session:
        team = Team(name="North")
        session.add(team)
        session.flush()
        visitor = Staff(name="Hana", role="health_visitor", team_id=team.id,
                        page_channel="sms", page_address="+447700900001", active=True)
        lead = Staff(name="Lee", role="team_lead", team_id=team.id,
                     page_channel="telegram", page_address="555", active=True)
        session.add_all([visitor, lead])
        session.flush()
        session.add(RotaShift(team_id=team.id, staff_id=visitor.id,
                              starts_at=T0.replace(hour=9), ends_at=T0.replace(hour=17)))
        return {"team": team.id, "visitor": str(visitor.id), "lead": str(lead.id)}


class RecordingSender:
    """Stands in for a provider: records (address, text)."""

    def __init__(self):
        self.sent = []

    def __call__(self, delivery):
        self.sent.append((delivery.address, delivery.body))
        return f"P{len(self.sent)}"


def pages(database_url):
    with session_scope(database_url) as session:
        rows = session.execute(
            select(OutboundMessage).where(OutboundMessage.purpose == "page")
            .order_by(OutboundMessage.id)
        ).scalars().all()
        return [(m.recipient_type, m.recipient_id, m.status, m.body) for m in rows]


def test_urgent_escalation_pages_on_duty_then_cascades_until_acknowledged(database_url, team):
    service = EscalationService(database_url)
    escalation_id = service.open("c1", "urgent", "suicide_self_harm", "text", now=T0)
    sender = RecordingSender()
    senders = {"sms": sender}

    page_text = f"Urgent escalation #{escalation_id}: please open the desk."
    assert page_due(database_url, POLICY, outbox(database_url, senders), now=T0) == [
        escalation_id
    ]
    assert pages(database_url) == [("staff", team["visitor"], "sent", page_text)]
    assert sender.sent == [("+447700900001", page_text)]

    # Within the SLA nothing more happens.
    soon = T0 + timedelta(minutes=14)
    assert page_due(database_url, POLICY, outbox(database_url, senders, soon), now=soon) == []
    # SLA missed: page again and cascade to the team lead (no Telegram sender: held).
    later = T0 + timedelta(minutes=15)
    assert page_due(database_url, POLICY, outbox(database_url, senders, later), now=later) == [
        escalation_id
    ]
    assert [p[:3] for p in pages(database_url)[1:]] == [
        ("staff", team["visitor"], "sent"), ("staff", team["lead"], "held"),
    ]
    # Missed again: the fallback contact too.
    again = T0 + timedelta(minutes=30)
    page_due(database_url, POLICY, outbox(database_url, senders, again), now=again)
    assert [p[0] for p in pages(database_url)[3:]] == ["staff", "staff", "fallback"]
    assert sender.sent[-1] == ("+447700900000", page_text)

    service.acknowledge(escalation_id, by="Hana", now=T0 + timedelta(minutes=31))
    assert page_due(database_url, POLICY, outbox(database_url, senders),
                    now=T0 + timedelta(hours=2)) == []

    with session_scope(database_url) as session:
        trail = session.execute(
            select(AuditEvent.action).where(AuditEvent.subject_id == str(escalation_id))
            .order_by(AuditEvent.id)
        ).scalars().all()
    assert trail == ["escalation_opened", "paged", "repaged", "repaged", "escalation_acknowledged"]


def test_nobody_on_duty_pages_the_fallback_contact(database_url, team):
    night = T0.replace(hour=23)
    escalation_id = EscalationService(database_url).open(
        "c1", "urgent", "baby_red_flag", "text", now=night
    )
    assert page_due(database_url, POLICY, outbox(database_url), now=night) == [escalation_id]
    assert [(p[0], p[2]) for p in pages(database_url)] == [("fallback", "held")]


def test_on_duty_without_a_pager_does_not_hold_back_the_fallback(database_url, team):
    with session_scope(database_url) as session:
        visitor = session.get(Staff, int(team["visitor"]))
        visitor.page_channel = visitor.page_address = None
    escalation_id = EscalationService(database_url).open("c1", "urgent", "harm_to_baby", "t",
                                                         now=T0)
    page_due(database_url, POLICY, outbox(database_url, {"sms": RecordingSender()}), now=T0)
    text = f"Urgent escalation #{escalation_id}: please open the desk."
    assert pages(database_url) == [("fallback", "fallback", "sent", text)]


def test_routine_escalations_are_queued_not_paged(database_url, team):
    EscalationService(database_url).open("c1", "routine", "concern", "text", now=T0)
    assert page_due(database_url, POLICY, outbox(database_url),
                    now=T0 + timedelta(days=1)) == []


def test_a_page_is_claimed_once_even_if_two_callers_race(database_url, team):
    escalation_id = EscalationService(database_url).open("c1", "urgent", "x", "t", now=T0)
    first = page_due(database_url, POLICY, outbox(database_url), now=T0)
    second = page_due(database_url, POLICY, outbox(database_url), now=T0)
    assert (first, second) == ([escalation_id], [])
    assert len(pages(database_url)) == 1


def test_a_failing_provider_is_retried_and_the_cascade_goes_on(database_url, team):
    def down(delivery):
        raise ConnectionError("provider down")

    escalation_id = EscalationService(database_url).open("c1", "urgent", "x", "t", now=T0)
    page_due(database_url, POLICY, outbox(database_url, {"sms": down}), now=T0)
    assert pages(database_url)[0][2] == "retrying"
    later = T0 + timedelta(minutes=15)
    assert page_due(database_url, POLICY, outbox(database_url, now=later), now=later) == [
        escalation_id
    ]


def test_a_page_that_fails_for_good_cascades_at_once_and_skips_that_number(database_url, team):
    def invalid_number(delivery):
        raise SendError("twilio 400 21211", permanent=True, contact=True)

    escalation_id = EscalationService(database_url).open("c1", "urgent", "x", "t", now=T0)
    page_due(database_url, POLICY, outbox(database_url, {"sms": invalid_number}), now=T0)
    assert pages(database_url)[0][2] == "failed"
    with session_scope(database_url) as session:
        assert session.get(Staff, int(team["visitor"])).page_failed_at == T0
    # The next step is due now, not after the SLA: the team lead is paged.
    soon = T0 + timedelta(seconds=2)
    assert page_due(database_url, POLICY, outbox(database_url, now=soon), now=soon) == [
        escalation_id
    ]
    assert [p[:2] for p in pages(database_url)[1:]] == [("staff", team["lead"])]
