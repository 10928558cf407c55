"""The desk queue: order, SLA clock, team scope, and every action audited with who and when."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.desk import create_app
from bot.escalation.queue import SlaPolicy, describe_wait, queue, sla_clock
from bot.escalation.rota import add_team
from bot.escalation.service import EscalationService
from bot.people.service import find_person
from bot.store.db import session_scope
from bot.store.models import AuditEvent, Escalation
from tests.desk_support import DeskClock, csrf_from, make_staff, sign_in

START = datetime(2026, 11, 24, 9, 0)
POLICY = SlaPolicy(timedelta(minutes=15), timedelta(hours=48))


@pytest.fixture
def clock():
    return DeskClock(START)


@pytest.fixture
def desk(database_url, clock):
    north = add_team(database_url, "North", ["SE25"])
    south = add_team(database_url, "South", ["BR1"])
    staff = {
        "hana": make_staff(database_url, "Hana Ali", "health_visitor", "North", "hana"),
        "lee": make_staff(database_url, "Lee Grant", "team_lead", "North", "lee"),
        "omar": make_staff(database_url, "Omar Obi", "health_visitor", "North", "omar"),
        "sam": make_staff(database_url, "Sam Shaw", "health_visitor", "South", "sam"),
        "ada": make_staff(database_url, "Ada Admin", "admin", None, "ada"),
    }
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "DESK_API_TOKEN": None,
                      "DESK_CLOCK": clock})
    return {"app": app, "north": north, "south": south, "staff": staff, "url": database_url}


def person_in(database_url: str, conversation_id: str, district: str | None) -> str:
    with session_scope(database_url) as session:
        person = find_person(session, conversation_id)
        person.postcode_district = district
        return person.id


def escalate(database_url, conversation_id, severity, category, at, district="SE25",
             text="I can't go on"):
    person_in(database_url, conversation_id, district)
    return EscalationService(database_url).open(conversation_id, severity, category, text,
                                                now=at)


def client_for(desk, username):
    client = desk["app"].test_client()
    assert sign_in(client, username).status_code == 302
    return client


def post(client, path, form=None, page="/queue/"):
    data = {"csrf_token": csrf_from(client, page), **(form or {})}
    return client.post(path, data=data)


def audit_rows(database_url, action):
    with session_scope(database_url) as session:
        return [(row.actor, row.subject_id, row.at) for row in session.execute(
            select(AuditEvent).where(AuditEvent.action == action)).scalars()]


def test_sla_clock_counts_to_acknowledgement_and_flags_overdue():
    clock = sla_clock("urgent", START, None, START + timedelta(minutes=10), POLICY)
    assert not clock.overdue and clock.remaining == timedelta(minutes=5)
    late = sla_clock("urgent", START, None, START + timedelta(minutes=16), POLICY)
    assert late.overdue and late.remaining == timedelta(0)
    acked = sla_clock("urgent", START, START + timedelta(minutes=4), START + timedelta(hours=3),
                      POLICY)
    assert acked.acknowledged and acked.waited == timedelta(minutes=4) and not acked.overdue
    routine = sla_clock("routine", START, None, START + timedelta(hours=47), POLICY)
    assert not routine.overdue
    assert describe_wait(timedelta(seconds=20)) == "under a minute"
    assert describe_wait(timedelta(minutes=125)) == "2 h 5 min"
    assert describe_wait(timedelta(days=3, hours=2)) == "3 days"


def test_queue_puts_unacknowledged_urgent_first_then_longest_wait(desk):
    url = desk["url"]
    routine_old = escalate(url, "c-routine", "routine", "mood_checkin", START - timedelta(days=1))
    urgent_new = escalate(url, "c-urgent-new", "urgent", "suicide_self_harm",
                          START - timedelta(minutes=2))
    urgent_old = escalate(url, "c-urgent-old", "urgent", "baby_red_flag",
                          START - timedelta(minutes=20))
    acked = escalate(url, "c-acked", "urgent", "domestic_abuse", START - timedelta(hours=1))
    EscalationService(url).acknowledge(acked, by="Hana Ali", now=START - timedelta(minutes=50))
    items = queue(url, team_ids=frozenset({desk["north"]}), unassigned=False, now=START,
                  policy=POLICY)
    assert [i.id for i in items] == [urgent_old, urgent_new, acked, routine_old]
    assert items[0].clock.overdue and not items[1].clock.overdue


def test_health_visitor_sees_own_team_queue_with_sla_clock(desk, clock):
    url = desk["url"]
    north = escalate(url, "c-north", "urgent", "suicide_self_harm", START - timedelta(minutes=20))
    south = escalate(url, "c-south", "urgent", "harm_to_baby", START, district="BR1")
    page = client_for(desk, "hana").get("/queue/").get_data(as_text=True)
    assert f"#{north} Suicide or self-harm" in page
    assert f"#{south} " not in page
    assert "Waiting 20 min: overdue" in page
    assert "1 urgent escalation not acknowledged" in page
    assert "queue-row-urgent" in page


def test_another_teams_escalation_is_403_by_url_and_by_form(desk):
    url = desk["url"]
    north = escalate(url, "c-north", "urgent", "suicide_self_harm", START)
    sam = client_for(desk, "sam")
    assert sam.get(f"/queue/escalations/{north}").status_code == 403
    reply = post(sam, f"/queue/escalations/{north}/acknowledge")
    assert reply.status_code == 403
    assert EscalationService(url).get(north)["status"] == "open"
    assert "another team" in reply.get_data(as_text=True)


def test_acknowledge_stops_paging_and_is_audited(desk, clock):
    url = desk["url"]
    north = escalate(url, "c-north", "urgent", "suicide_self_harm", START)
    clock.now = START + timedelta(minutes=3)
    hana = client_for(desk, "hana")
    reply = post(hana, f"/queue/escalations/{north}/acknowledge")
    assert reply.status_code == 302
    assert reply.headers["Location"].endswith(f"/queue/escalations/{north}")
    with session_scope(url) as session:
        row = session.get(Escalation, north)
        assert row.status == "acknowledged" and row.next_page_due_at is None
        assert row.acknowledged_by == "Hana Ali" and row.acknowledged_at == clock.now
    assert audit_rows(url, "escalation_acknowledged") == [
        (f"staff:{desk['staff']['hana']}", str(north), audit_rows(url,
         "escalation_acknowledged")[0][2])]
    page = hana.get(f"/queue/escalations/{north}").get_data(as_text=True)
    assert "Acknowledged: paging has stopped." in page
    assert "Acknowledged by Hana Ali after 3 min" in page


def test_notes_are_kept_shown_and_audited(desk):
    url = desk["url"]
    north = escalate(url, "c-north", "routine", "mood_checkin", START)
    hana = client_for(desk, "hana")
    page = f"/queue/escalations/{north}"
    assert post(hana, f"{page}/notes", {"note": "  "}, page).status_code == 302
    assert "Nothing was changed: the note is empty" in hana.get(page).get_data(as_text=True)
    post(hana, f"{page}/notes", {"note": "Phoned, no answer. Trying again at 2pm."}, page)
    shown = hana.get(page).get_data(as_text=True)
    assert "Phoned, no answer. Trying again at 2pm." in shown and "Hana Ali, Tue 24 Nov" in shown
    assert [actor for actor, *_ in audit_rows(url, "escalation_note")] == [
        f"staff:{desk['staff']['hana']}"]


def test_resolve_needs_an_outcome_and_is_audited(desk):
    url = desk["url"]
    north = escalate(url, "c-north", "urgent", "domestic_abuse", START)
    lee = client_for(desk, "lee")
    page = f"/queue/escalations/{north}"
    post(lee, f"{page}/resolve", {"outcome": ""}, page)
    assert EscalationService(url).get(north)["status"] == "open"
    post(lee, f"{page}/resolve", {"outcome": "Spoke to her; safe at her mum's. IDVA referral."},
         page)
    resolved = EscalationService(url).get(north)
    assert resolved["status"] == "resolved" and resolved["resolved_by"] == "Lee Grant"
    assert audit_rows(url, "escalation_resolved")[0][0] == f"staff:{desk['staff']['lee']}"
    assert "IDVA referral" in lee.get(page).get_data(as_text=True)
    active = lee.get("/queue/").get_data(as_text=True)
    assert f"#{north} " not in active
    assert f"#{north} " in lee.get("/queue/?status=resolved").get_data(as_text=True)


def test_assign_only_to_a_colleague_in_the_team(desk):
    url = desk["url"]
    north = escalate(url, "c-north", "routine", "growth", START)
    hana = client_for(desk, "hana")
    page = f"/queue/escalations/{north}"
    post(hana, f"{page}/assign", {"staff_id": str(desk["staff"]["sam"])}, page)
    assert EscalationService(url).get(north)["assigned_staff_id"] is None
    post(hana, f"{page}/assign", {"staff_id": "not a number"}, page)
    post(hana, f"{page}/assign", {"staff_id": str(desk["staff"]["omar"])}, page)
    assert EscalationService(url).get(north)["assigned_staff_id"] == desk["staff"]["omar"]
    assert "with Omar Obi" in hana.get("/queue/").get_data(as_text=True)
    assert len(audit_rows(url, "escalation_assigned")) == 1


def test_unassigned_escalation_goes_to_leads_who_give_it_a_team(desk):
    url = desk["url"]
    lost = escalate(url, "c-nowhere", "urgent", "baby_red_flag", START, district=None)
    assert EscalationService(url).get(lost)["team_id"] is None
    assert f"#{lost} " not in client_for(desk, "hana").get("/queue/").get_data(as_text=True)
    lee = client_for(desk, "lee")
    assert f"#{lost} " in lee.get("/queue/").get_data(as_text=True)
    page = f"/queue/escalations/{lost}"
    post(lee, f"{page}/move", {"team_id": str(desk["south"])}, page)
    moved = EscalationService(url).get(lost)
    assert moved["team_id"] == desk["south"]
    with session_scope(url) as session:
        assert session.get(Escalation, lost).next_page_due_at is not None  # South is paged
    assert f"#{lost} " in client_for(desk, "sam").get("/queue/").get_data(as_text=True)
    assert f"#{lost} " not in lee.get("/queue/").get_data(as_text=True)
    assert json.loads(audit_rows_detail(url, "escalation_moved")) == {"team_id": desk["south"]}


def audit_rows_detail(database_url, action):
    with session_scope(database_url) as session:
        return session.execute(select(AuditEvent.detail).where(
            AuditEvent.action == action)).scalar_one()


def test_list_refreshes_and_status_feeds_the_banner(desk):
    url = desk["url"]
    hana = client_for(desk, "hana")
    assert hana.get("/queue/status.json").get_json() == {
        "urgent_unacknowledged": 0, "longest_wait": None}
    assert "Nothing here" in hana.get("/queue/items").get_data(as_text=True)
    north = escalate(url, "c-north", "urgent", "postpartum_psychosis",
                     START - timedelta(minutes=7))
    assert hana.get("/queue/status.json").get_json() == {
        "urgent_unacknowledged": 1, "longest_wait": "7 min"}
    fragment = hana.get("/queue/items").get_data(as_text=True)
    assert f"#{north} Possible postpartum psychosis" in fragment and "<html" not in fragment


def test_filters_by_status_and_category_and_refuses_unknown_values(desk):
    url = desk["url"]
    growth = escalate(url, "c-1", "routine", "growth", START)
    mood = escalate(url, "c-2", "routine", "mood_checkin", START)
    hana = client_for(desk, "hana")
    page = hana.get("/queue/?category=growth").get_data(as_text=True)
    assert f"#{growth} " in page and f"#{mood} " not in page
    assert hana.get("/queue/?status=everything").status_code == 400
    assert hana.get("/queue/items?category=nonsense").status_code == 400


def test_admin_and_strangers_have_no_queue(desk):
    url = desk["url"]
    north = escalate(url, "c-north", "urgent", "suicide_self_harm", START)
    admin = client_for(desk, "ada")
    assert admin.get("/queue/").status_code == 403
    assert admin.get(f"/queue/escalations/{north}").status_code == 403
    assert "urgent-banner" not in admin.get("/").get_data(as_text=True)
    stranger = desk["app"].test_client()
    reply = stranger.get("/queue/")
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/login")
    assert stranger.get("/queue/status.json").status_code == 302


def test_post_without_csrf_token_changes_nothing(desk):
    url = desk["url"]
    north = escalate(url, "c-north", "urgent", "suicide_self_harm", START)
    hana = client_for(desk, "hana")
    reply = hana.post(f"/queue/escalations/{north}/acknowledge")
    assert reply.status_code == 400
    assert EscalationService(url).get(north)["status"] == "open"


def test_unknown_escalation_is_404(desk):
    assert client_for(desk, "hana").get("/queue/escalations/9999").status_code == 404
