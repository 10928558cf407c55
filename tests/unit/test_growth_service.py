"""Children and measurements in the database: assessed before storing, corrections supersede,
flags open one routine escalation, implausible values are never kept."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from rcpchgrowth.global_functions import measurement_from_sds
from sqlalchemy import select

from bot.growth.service import CHECK, RECORDED, REFUSE, GrowthError, GrowthService
from bot.people.service import PeopleService
from bot.store.db import session_scope
from bot.store.models import AuditEvent, Escalation, GrowthMeasurement

BORN = date(2026, 5, 1)


def _consented(database_url: str, conversation_id: str = "parent-1") -> str:
    PeopleService(database_url).record_consent(conversation_id, True, "v1")
    return conversation_id


def _weight(sds: float, on: date, sex: str = "female") -> float:
    age = (on - BORN).days / 365.25
    return round(measurement_from_sds("uk-who", sds, "weight", sex, age, False), 3)


@pytest.fixture
def service(database_url) -> GrowthService:
    return GrowthService(database_url)


def _add_ava(service: GrowthService, conversation_id: str, birth_weight: float | None = 3.3):
    child, created = service.save_child(
        conversation_id, name="Ava", sex="female", birth_date=BORN, gestation=(40, 0),
        birth_weight_kg=birth_weight)
    assert created
    return child


def test_a_child_needs_consent_first(service):
    with pytest.raises(GrowthError):
        service.save_child("stranger", name="Ava", sex="female", birth_date=BORN,
                           gestation=(40, 0), birth_weight_kg=None)
    assert service.children("stranger") == []


def test_a_fall_from_the_50th_to_below_the_9th_opens_one_routine_escalation(
        service, database_url):
    parent = _consented(database_url)
    ava = _add_ava(service, parent)
    outcomes = []
    for days, sds in ((42, 0.0), (70, -0.8), (98, -1.6)):
        on = BORN + timedelta(days=days)
        outcomes.append(service.record(parent, ava.id, "weight", _weight(sds, on), on,
                                       source="clinic", raw_text=f"{sds}"))
    assert [o.status for o in outcomes] == [RECORDED] * 3
    assert [bool(o.flags) for o in outcomes] == [False, False, True]
    assert {f.code for f in outcomes[2].flags} == {"centile_fall"}
    with session_scope(database_url) as session:
        (escalation,) = session.execute(select(Escalation)).scalars().all()
        assert (escalation.severity, escalation.category) == ("routine", "growth")
        assert escalation.summary.startswith("Ava: ")
        assert escalation.next_page_due_at is None  # routine: the desk queue, no pager
        flagged = session.get(GrowthMeasurement, outcomes[2].measurement_id)
        assert flagged.escalation_id == escalation.id


def test_an_8_sds_typo_is_refused_and_opens_nothing(service, database_url):
    parent = _consented(database_url)
    ava = _add_ava(service, parent)
    on = BORN + timedelta(days=98)
    typo = service.record(parent, ava.id, "weight", 62.0, on, source="home", raw_text="62kg")
    assert typo.status == REFUSE and typo.measurement_id is None
    with session_scope(database_url) as session:
        assert session.execute(select(Escalation)).first() is None
        kept = session.execute(select(GrowthMeasurement.source)).scalars().all()
    assert kept == ["birth"]


def test_an_unusual_value_waits_for_confirmation(service, database_url):
    parent = _consented(database_url)
    ava = _add_ava(service, parent)
    on = BORN + timedelta(days=98)
    heavy = _weight(4.5, on)
    assert service.record(parent, ava.id, "weight", heavy, on, source=None,
                          raw_text="x").status == CHECK
    confirmed = service.record(parent, ava.id, "weight", heavy, on, source=None, raw_text="x",
                               confirmed=True)
    assert confirmed.status == RECORDED and confirmed.assessment.sds > 4


def test_a_correction_supersedes_and_keeps_the_old_row(service, database_url):
    parent = _consented(database_url)
    ava = _add_ava(service, parent)
    on = BORN + timedelta(days=60)
    first = service.record(parent, ava.id, "weight", 5.9, on, source="home", raw_text="5.9")
    fixed = service.record(parent, ava.id, "weight", 5.7, on, source="home", raw_text="5.7",
                           correction=True)
    assert fixed.superseded_id == first.measurement_id
    (child,) = service.for_staff(parent)
    rows = [m for m in child["measurements"] if m["source"] != "birth"]
    assert [(m["value"], m["superseded"]) for m in rows] == [(5.9, True), (5.7, False)]
    with session_scope(database_url) as session:
        actions = session.execute(select(AuditEvent.action)).scalars().all()
    assert "measurement_corrected" in actions


def test_correcting_a_childs_details_reassesses_their_measurements(service, database_url):
    parent = _consented(database_url)
    ava = _add_ava(service, parent)
    on = BORN + timedelta(days=60)
    term = service.record(parent, ava.id, "weight", 4.6, on, source=None, raw_text="4.6")
    again, created = service.save_child(parent, name="ava", sex="female", birth_date=BORN,
                                        gestation=(33, 0), birth_weight_kg=3.3)
    assert not created and again.id == ava.id
    (child,) = service.for_staff(parent)
    (row,) = (m for m in child["measurements"] if m["source"] != "birth")
    assert row["corrected_age_days"] is not None
    assert row["sds"] > term.assessment.sds  # the same weight is more for a younger baby


def test_another_parents_child_cannot_be_written_to(service, database_url):
    parent = _consented(database_url)
    ava = _add_ava(service, parent)
    other = _consented(database_url, "parent-2")
    with pytest.raises(GrowthError):
        service.record(other, ava.id, "weight", 5.0, BORN + timedelta(days=50), source=None,
                       raw_text="5")


def test_the_chart_is_a_png(service, database_url):
    parent = _consented(database_url)
    ava = _add_ava(service, parent)
    service.record(parent, ava.id, "weight", 5.0, BORN + timedelta(days=50), source=None,
                   raw_text="5")
    assert service.chart(ava.id, "weight").startswith(b"\x89PNG")
