from datetime import datetime

import pytest

from bot.escalation.rota import RotaError, add_shift, add_staff, add_team, main, on_duty
from bot.escalation.service import EscalationService
from bot.people.service import PeopleService
from bot.people.stage import Stage


def test_rota_decides_who_is_on_duty_in_uk_time(database_url):
    add_team(database_url, "North", ["SE25 6XY", "CR0"])
    hana = add_staff(database_url, "Hana", "health_visitor", "North", "sms", "+447700900001")
    # 09:00-17:00 UK time in winter is 09:00-17:00 UTC; in summer 08:00-16:00 UTC.
    add_shift(database_url, hana, "North", "2026-07-01 09:00", "2026-07-01 17:00", "Europe/London")
    assert on_duty(database_url, "North", now=datetime(2026, 7, 1, 8, 30)) == ["Hana"]
    assert on_duty(database_url, "North", now=datetime(2026, 7, 1, 16, 30)) == []


def test_a_persons_district_routes_their_escalations_to_the_team(database_url):
    north = add_team(database_url, "North", ["SE25"])
    add_team(database_url, "South", ["BN1"])
    people = PeopleService(database_url)
    people.record_consent("c1", True, "v1")
    people.register("c1", Stage("planning"), "SE25")
    escalation = EscalationService(database_url).open("c1", "urgent", "x", "t")
    assert EscalationService(database_url).get(escalation)["team_id"] == north


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda url: add_team(url, "X", ["ZZ9"]), "not a UK postcode district"),
        (lambda url: add_staff(url, "A", "boss", "North", None, None), "role must be"),
        (lambda url: add_staff(url, "A", "team_lead", "Nowhere", None, None), "no team"),
        (lambda url: add_staff(url, "A", "team_lead", "North", "sms", None), "give both"),
        (lambda url: add_shift(url, 1, "North", "tomorrow", "later", "Europe/London"),
         "not a date"),
        (lambda url: add_shift(url, 1, "North", "2026-01-01 10:00", "2026-01-01 09:00",
                               "Europe/London"), "end after"),
    ],
)
def test_bad_rota_input_gets_a_clear_error(database_url, call, message):
    add_team(database_url, "North", [])
    add_staff(database_url, "Hana", "health_visitor", "North", None, None)
    with pytest.raises(RotaError, match=message):
        call(database_url)


def test_cli_reports_errors_with_exit_code_2(database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["add-staff", "A", "--role", "team_lead", "--team", "Nowhere"]) == 2
    assert "no team called 'Nowhere'" in capsys.readouterr().err


def test_a_new_pager_number_clears_a_failed_one(database_url):
    from bot.escalation.rota import set_pager
    from bot.store.db import session_scope
    from bot.store.models import Staff

    add_team(database_url, "West", [])
    staff_id = add_staff(database_url, "Ola", "health_visitor", "West", "sms", "+447700900001")
    with session_scope(database_url) as session:
        session.get(Staff, staff_id).page_failed_at = datetime(2026, 11, 23)
    set_pager(database_url, staff_id, "telegram", "12345")
    with session_scope(database_url) as session:
        staff = session.get(Staff, staff_id)
        assert (staff.page_channel, staff.page_address, staff.page_failed_at) == (
            "telegram", "12345", None)
    with pytest.raises(RotaError, match="no staff member"):
        set_pager(database_url, 999, "sms", "+447700900001")


def _audit(database_url):
    from sqlalchemy import select

    from bot.store.db import session_scope
    from bot.store.models import AuditEvent

    with session_scope(database_url) as session:
        return [(row.actor, row.action) for row in session.execute(
            select(AuditEvent).where(AuditEvent.action.like("shift_%"))
            .order_by(AuditEvent.id)).scalars()]


def test_cli_shifts_are_audited_as_the_cli_unless_told_otherwise(database_url):
    add_team(database_url, "North", [])
    hana = add_staff(database_url, "Hana", "health_visitor", "North", None, None)
    add_shift(database_url, hana, "North", "2026-07-01 09:00", "2026-07-01 17:00",
              "Europe/London")
    add_shift(database_url, hana, "North", "2026-07-02 09:00", "2026-07-02 17:00",
              "Europe/London", actor="staff:7")
    assert _audit(database_url) == [("cli", "shift_added"), ("staff:7", "shift_added")]


def test_local_shift_reads_uk_time_and_rolls_an_early_end_to_the_next_day():
    from datetime import date, time

    from bot.escalation.rota import local_shift

    assert local_shift(date(2026, 7, 1), time(9), time(17), "Europe/London") == (
        datetime(2026, 7, 1, 8), datetime(2026, 7, 1, 16))
    assert local_shift(date(2026, 11, 24), time(20), time(8), "Europe/London") == (
        datetime(2026, 11, 24, 20), datetime(2026, 11, 25, 8))
    assert local_shift(date(2026, 11, 24), time(9), time(9), "Europe/London") == (
        datetime(2026, 11, 24, 9), datetime(2026, 11, 25, 9))
    # 01:30 happens twice when the clocks go back: the first, still in BST.
    assert local_shift(date(2026, 10, 25), time(1, 30), time(3), "Europe/London") == (
        datetime(2026, 10, 25, 0, 30), datetime(2026, 10, 25, 3))


def test_a_time_skipped_when_the_clocks_go_forward_is_refused():
    from datetime import date, time

    from bot.escalation.rota import ShiftError, local_shift

    with pytest.raises(ShiftError, match="01:30 does not exist on Sunday 28 March") as caught:
        local_shift(date(2027, 3, 28), time(1, 30), time(9), "Europe/London")
    assert caught.value.field == "start"
    with pytest.raises(ShiftError) as caught:
        local_shift(date(2027, 3, 27), time(20), time(1, 15), "Europe/London")
    assert caught.value.field == "end"


@pytest.fixture
def north(database_url):
    team = add_team(database_url, "North", [])
    add_team(database_url, "South", [])
    return {
        "team": team,
        "hana": add_staff(database_url, "Hana Ali", "health_visitor", "North", "sms",
                          "+447700900001"),
        "lee": add_staff(database_url, "Lee Brown", "team_lead", "North", None, None),
        "omar": add_staff(database_url, "Omar Khan", "health_visitor", "South", None, None),
        "sam": add_staff(database_url, "Sam Patel", "admin", "North", None, None),
    }


NOW = datetime(2026, 11, 24, 10)


def book(database_url, team, staff_id, starts_at, ends_at, actor="cli"):
    from bot.escalation.rota import book_shift

    return book_shift(database_url, team, staff_id, starts_at, ends_at, now=NOW,
                      timezone_name="Europe/London", actor=actor)


@pytest.mark.parametrize(
    ("who", "starts_at", "ends_at", "field", "message"),
    [
        ("hana", datetime(2026, 11, 24, 7), datetime(2026, 11, 24, 10), "date", "already ended"),
        ("hana", datetime(2026, 11, 25, 9), datetime(2026, 11, 26, 9, 1), "end",
         "no longer than 24 hours"),
        ("hana", datetime(2026, 11, 25, 9), datetime(2026, 11, 25, 9), "end", "end after"),
        ("omar", datetime(2026, 11, 25, 9), datetime(2026, 11, 25, 17), "staff", "this team"),
        ("sam", datetime(2026, 11, 25, 9), datetime(2026, 11, 25, 17), "staff", "this team"),
        ("hana", datetime(2026, 11, 24, 16, 59), datetime(2026, 11, 24, 20), "start",
         "Hana Ali already has a shift on Tuesday 24 November from 09:00 to 17:00"),
    ],
)
def test_book_shift_refuses_a_shift_that_cannot_help_paging(database_url, north, who, starts_at,
                                                           ends_at, field, message):
    from bot.escalation.rota import ShiftError

    book(database_url, north["team"], north["hana"], datetime(2026, 11, 24, 9),
         datetime(2026, 11, 24, 17))
    with pytest.raises(ShiftError, match=message) as caught:
        book(database_url, north["team"], north[who], starts_at, ends_at)
    assert caught.value.field == field


def test_book_shift_allows_back_to_back_shifts_and_records_the_actor(database_url, north):
    from bot.escalation.rota import shifts_for

    first = book(database_url, north["team"], north["hana"], datetime(2026, 11, 24, 9),
                 datetime(2026, 11, 24, 17), actor="staff:2")
    second = book(database_url, north["team"], north["hana"], datetime(2026, 11, 24, 17),
                  datetime(2026, 11, 25, 9), actor="staff:2")
    assert [shift.id for shift in shifts_for(database_url, north["team"], NOW,
                                             datetime(2026, 11, 25))] == [first, second]
    assert _audit(database_url) == [("staff:2", "shift_added")] * 2


def test_shifts_for_and_on_duty_now_say_who_can_be_paged(database_url, north):
    from bot.escalation.rota import on_duty_now, shifts_for
    from bot.store.db import session_scope
    from bot.store.models import Staff

    book(database_url, north["team"], north["hana"], datetime(2026, 11, 24, 9),
         datetime(2026, 11, 24, 17))
    book(database_url, north["team"], north["lee"], datetime(2026, 11, 24, 8),
         datetime(2026, 11, 24, 20))
    book(database_url, north["team"], north["lee"], datetime(2026, 11, 25, 8),
         datetime(2026, 11, 25, 20))
    on_now = on_duty_now(database_url, north["team"], NOW)
    assert [(shift.staff_name, shift.paging) for shift in on_now] == [
        ("Hana Ali", "ok"), ("Lee Brown", "no_pager")]
    assert [shift.pageable for shift in on_now] == [True, False]
    assert on_duty(database_url, "North", now=NOW) == ["Hana Ali", "Lee Brown"]
    assert len(shifts_for(database_url, north["team"], datetime(2026, 11, 24, 17),
                          datetime(2026, 11, 25, 8))) == 1, "touching ends do not overlap"

    with session_scope(database_url) as session:
        session.get(Staff, north["hana"]).page_failed_at = NOW
        session.get(Staff, north["lee"]).active = False
    assert [(shift.staff_name, shift.paging) for shift in
            on_duty_now(database_url, north["team"], NOW)] == [("Hana Ali", "failed")]
    assert [shift.paging for shift in shifts_for(database_url, north["team"], NOW,
                                                  datetime(2026, 11, 24, 11))] == [
        "inactive", "failed"]


def test_remove_shift_deletes_a_future_shift_and_ends_a_current_one(database_url, north):
    from bot.escalation.rota import get_shift, remove_shift

    current = book(database_url, north["team"], north["hana"], datetime(2026, 11, 24, 9),
                   datetime(2026, 11, 24, 17))
    future = book(database_url, north["team"], north["hana"], datetime(2026, 11, 25, 9),
                  datetime(2026, 11, 25, 17))
    assert remove_shift(database_url, future, now=NOW, actor="staff:5") == "removed"
    assert get_shift(database_url, future) is None
    assert remove_shift(database_url, current, now=NOW, actor="staff:5") == "ended"
    assert get_shift(database_url, current).ends_at == NOW
    assert on_duty(database_url, "North", now=NOW) == []
    with pytest.raises(RotaError, match="already finished"):
        remove_shift(database_url, current, now=NOW)
    with pytest.raises(RotaError, match="not on the rota any more"):
        remove_shift(database_url, future, now=NOW)
    assert _audit(database_url)[-2:] == [("staff:5", "shift_removed"), ("staff:5", "shift_ended")]


def test_teams_and_rota_staff_list_who_can_be_chosen(database_url, north):
    from bot.escalation.rota import rota_staff, team_name, teams

    assert [name for _, name in teams(database_url)] == ["North", "South"]
    assert team_name(database_url, north["team"]) == "North"
    assert team_name(database_url, 999) is None
    assert rota_staff(database_url, north["team"]) == [
        (north["hana"], "Hana Ali"), (north["lee"], "Lee Brown")]
