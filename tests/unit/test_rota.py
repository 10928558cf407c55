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
