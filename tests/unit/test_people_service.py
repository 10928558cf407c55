from datetime import date

import pytest
from sqlalchemy import select, text

from bot.people.service import PeopleService
from bot.people.stage import Stage
from bot.store.db import session_scope
from bot.store.models import AuditEvent, Consent, Escalation, OptEvent


def test_unknown_person_has_no_profile(database_url):
    assert PeopleService(database_url).profile("nobody") is None


def test_registration_needs_consent(database_url):
    people = PeopleService(database_url)
    with pytest.raises(PermissionError):
        people.register("c1", Stage("planning"), "SE25")
    people.record_consent("c1", False, "v1")
    with pytest.raises(PermissionError):
        people.register("c1", Stage("planning"), "SE25")


def test_consent_then_registration_is_stored_with_notice_version(database_url):
    people = PeopleService(database_url)
    people.record_consent("c1", True, "2026-11-v1")
    people.register("c1", Stage("pregnant", due_date=date(2027, 3, 14)), "SE25")
    profile = people.profile("c1")
    assert profile.registered and profile.consent_given and not profile.opted_out
    assert (profile.stage, profile.due_date, profile.postcode_district) == (
        "pregnant", date(2027, 3, 14), "SE25",
    )
    with session_scope(database_url) as session:
        consent = session.execute(select(Consent)).scalar_one()
        actions = session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars()
        assert consent.notice_version == "2026-11-v1" and consent.recorded_at is not None
        assert list(actions) == ["consent_given", "registered"]


def test_changing_details_keeps_the_first_registration_time(database_url):
    people = PeopleService(database_url)
    people.record_consent("c1", True, "v1")
    people.register("c1", Stage("pregnant", due_date=date(2027, 3, 14)), "SE25")
    people.register("c1", Stage("baby", birth_date=date(2026, 11, 1)), "CR0")
    profile = people.profile("c1")
    assert (profile.stage, profile.baby_birth_date, profile.postcode_district) == (
        "baby", date(2026, 11, 1), "CR0",
    )
    with session_scope(database_url) as session:
        actions = list(session.execute(select(AuditEvent.action)).scalars())
    assert actions[-1] == "details_changed"


def test_stop_and_start_decide_whether_we_may_message_first(database_url):
    people = PeopleService(database_url)
    people.record_consent("c1", True, "v1")
    assert people.may_message_first("c1")
    people.opt_out("c1")
    assert not people.may_message_first("c1")
    assert people.profile("c1").opted_out
    people.opt_in("c1")
    assert people.may_message_first("c1")
    with session_scope(database_url) as session:
        kinds = list(session.execute(select(OptEvent.kind).order_by(OptEvent.id)).scalars())
    assert kinds == ["stop", "start"]


def test_no_consent_means_no_proactive_messages(database_url):
    people = PeopleService(database_url)
    people.record_consent("c1", False, "v1")
    assert not people.may_message_first("c1")


def test_asking_for_a_person_opens_a_routine_escalation(database_url):
    people = PeopleService(database_url)
    escalation_id = people.request_contact("c1", "can someone call me")
    with session_scope(database_url) as session:
        escalation = session.get(Escalation, escalation_id)
        assert (escalation.severity, escalation.category, escalation.status) == (
            "routine", "contact_request", "open",
        )
        trail = session.execute(select(AuditEvent).where(AuditEvent.subject_type == "escalation"))
        assert trail.scalar_one().action == "escalation_opened"


def test_audit_trail_is_append_only(database_url):
    people = PeopleService(database_url)
    people.opt_out("c1")
    with pytest.raises(Exception, match="append-only"):
        with session_scope(database_url) as session:
            session.execute(text("UPDATE audit_events SET actor = 'someone else'"))
    with pytest.raises(Exception, match="append-only"):
        with session_scope(database_url) as session:
            session.execute(text("DELETE FROM audit_events"))
    with session_scope(database_url) as session:
        assert session.execute(select(AuditEvent.actor)).scalar_one() == "assistant"
