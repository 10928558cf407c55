"""Children and their measurements: what the growth actions and the desk call.

A measurement is assessed (rcpchgrowth, corrected for gestation) before anything is stored:
an implausible value is refused, an unusual one is confirmed first. Stored measurements are
never changed: a correction is a new row that supersedes the old one. A flag for the health
visitor opens a routine escalation in the same transaction as the measurement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.escalation.service import ACKNOWLEDGED, OPEN, open_escalation, team_for
from bot.growth.centiles import (
    BMI,
    CHECK,
    LENGTH,
    REFUSE,
    WEIGHT,
    Assessment,
    ChildFacts,
    assess,
)
from bot.growth.chart import render_chart
from bot.growth.flags import Flag, Point, growth_flags, weighing_too_soon
from bot.people.service import ASSISTANT, find_person, latest_consent
from bot.store import audit
from bot.store.db import session_scope
from bot.store.models import Child, Escalation, GrowthMeasurement, Person, utcnow

RECORDED = "recorded"  # beside centiles.CHECK and REFUSE, the other outcomes
BIRTH = "birth"
SOURCES = ("clinic", "home", BIRTH, "unknown")
GROWTH_CATEGORY = "growth"
MAX_CHILDREN = 8  # more than any family needs; stops a runaway loop adding rows


class GrowthError(Exception):
    """A request the service cannot carry out, with a reason the caller can show."""


@dataclass(frozen=True)
class ChildView:
    id: int
    name: str
    sex: str
    birth_date: date
    gestation_weeks: int
    gestation_days: int

    @property
    def facts(self) -> ChildFacts:
        return ChildFacts(self.sex, self.birth_date, self.gestation_weeks, self.gestation_days)

    @classmethod
    def of(cls, child: Child) -> ChildView:
        return cls(child.id, child.name, child.sex, child.birth_date, child.gestation_weeks,
                   child.gestation_days)


@dataclass(frozen=True)
class Outcome:
    """What happened to one measurement: recorded, or waiting for a check or a new figure."""

    status: str
    child: ChildView
    assessment: Assessment
    measurement_id: int | None = None
    flags: tuple[Flag, ...] = ()
    escalation_id: int | None = None
    weighed_too_soon: bool = False
    superseded_id: int | None = None


def _point(row: GrowthMeasurement) -> Point:
    return Point(row.kind, row.observed_on, row.value, row.sds)


def _current(session: Session, child_id: int) -> list[GrowthMeasurement]:
    """The child's measurements that still count (not superseded), oldest first."""
    return list(session.execute(
        select(GrowthMeasurement)
        .where(GrowthMeasurement.child_id == child_id, GrowthMeasurement.superseded_at.is_(None))
        .order_by(GrowthMeasurement.observed_on, GrowthMeasurement.id)
    ).scalars())


def _bmi_point(child: ChildFacts, rows: list[GrowthMeasurement], new: GrowthMeasurement
               ) -> Point | None:
    """BMI from a weight and a length taken on the same day, when the chart covers the age."""
    other_kind = LENGTH if new.kind == WEIGHT else WEIGHT
    other = [r for r in rows if r.kind == other_kind and r.observed_on == new.observed_on]
    if not other:
        return None
    weight, length = (new, other[-1]) if new.kind == WEIGHT else (other[-1], new)
    bmi = weight.value / (length.value / 100) ** 2
    result = assess(child, BMI, round(bmi, 2), new.observed_on)
    if result.plausibility == REFUSE or result.sds is None:
        return None
    return Point(BMI, new.observed_on, result.value, result.sds)


def _open_or_extend_flag(session: Session, conversation_id: str, child: ChildView,
                         flags: list[Flag], raw_text: str | None) -> int:
    """One growth review at a time per family: new reasons join an unresolved one."""
    reasons = "\n".join(f"{child.name}: {flag.reason}" for flag in flags)
    existing = session.execute(
        select(Escalation)
        .where(Escalation.conversation_id == conversation_id,
               Escalation.category == GROWTH_CATEGORY,
               Escalation.status.in_((OPEN, ACKNOWLEDGED)))
        .order_by(Escalation.id.desc()).limit(1)
    ).scalar_one_or_none()
    if existing is not None:
        existing.summary = f"{existing.summary}\n{reasons}" if existing.summary else reasons
        audit.record(session, ASSISTANT, "escalation_reason_added", "escalation", existing.id,
                     flags=[flag.code for flag in flags])
        return existing.id
    escalation = open_escalation(session, conversation_id, "routine", GROWTH_CATEGORY,
                                 trigger_text=raw_text, summary=reasons, actor=ASSISTANT)
    return escalation.id


class GrowthService:
    """Each method is one transaction; every change leaves an audit row."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    # Children -----------------------------------------------------------------------------

    def children(self, conversation_id: str) -> list[ChildView]:
        with session_scope(self.database_url) as session:
            person = find_person(session, conversation_id, create=False)
            if person is None:
                return []
            return [ChildView.of(child) for child in self._children(session, person.id)]

    @staticmethod
    def _children(session: Session, person_id: str) -> list[Child]:
        return list(session.execute(
            select(Child).where(Child.person_id == person_id).order_by(Child.id)
        ).scalars())

    def save_child(
        self,
        conversation_id: str,
        *,
        name: str,
        sex: str,
        birth_date: date,
        gestation: tuple[int, int],
        birth_weight_kg: float | None,
        actor: str = "parent",
    ) -> tuple[ChildView, bool]:
        """Add a child, or correct the details of the child with that name. Returns the child
        and whether it is new. Measurements already stored are re-assessed against the
        corrected details (their values are what the parent sent and never change)."""
        with session_scope(self.database_url) as session:
            person = find_person(session, conversation_id)
            consent = latest_consent(session, person.id)
            if consent is None or not consent.given:
                raise GrowthError("keeping a child's details needs consent first")
            children = self._children(session, person.id)
            child = next((c for c in children if c.name.casefold() == name.casefold()), None)
            created = child is None
            if child is None:
                if len(children) >= MAX_CHILDREN:
                    raise GrowthError("too many children on record")
                child = Child(person_id=person.id, name=name)
                session.add(child)
            child.sex, child.birth_date = sex, birth_date
            child.gestation_weeks, child.gestation_days = gestation
            session.flush()
            view = ChildView.of(child)
            rows = _current(session, child.id)
            for row in rows:
                self._reassess(row, view)
            births = [r for r in rows if r.source == BIRTH]
            if birth_weight_kg is not None and (
                    not births or abs(births[-1].value - birth_weight_kg) > 1e-6
                    or births[-1].observed_on != birth_date):
                result = assess(view.facts, WEIGHT, birth_weight_kg, birth_date)
                if result.plausibility == REFUSE:
                    raise GrowthError("birth weight looks unlikely")
                new = self._store(session, view, result, BIRTH, actor, None)
                if births:
                    self._supersede(session, births[-1], new)
            audit.record(session, actor, "child_added" if created else "child_details_changed",
                         "child", child.id, person_id=person.id)
            return view, created

    @staticmethod
    def _reassess(row: GrowthMeasurement, child: ChildView) -> None:
        result = assess(child.facts, row.kind, row.value, row.observed_on)
        row.sds, row.centile = result.sds, result.centile
        row.age_days, row.corrected_age_days = result.age_days, result.corrected_age_days

    # Measurements -------------------------------------------------------------------------

    def check(self, child: ChildView, kind: str, value: float, observed_on: date) -> Assessment:
        """Where a value would sit, without storing it (to ask before recording)."""
        return assess(child.facts, kind, value, observed_on)

    def record(
        self,
        conversation_id: str,
        child_id: int,
        kind: str,
        value: float,
        observed_on: date,
        *,
        source: str | None,
        raw_text: str | None,
        confirmed: bool = False,
        correction: bool = False,
        entered_by: str = "parent",
    ) -> Outcome:
        """Assess, then store unless refused or waiting for a check; flag for review."""
        if kind not in (WEIGHT, LENGTH):
            raise GrowthError(f"unknown measurement {kind!r}")
        with session_scope(self.database_url) as session:
            child = self._own_child(session, conversation_id, child_id)
            result = assess(child.facts, kind, value, observed_on)
            if result.plausibility == REFUSE:
                return Outcome(REFUSE, child, result)
            if result.plausibility == CHECK and not confirmed:
                return Outcome(CHECK, child, result)
            rows = _current(session, child.id)
            replaced = None
            if correction:
                same_kind = [r for r in rows if r.kind == kind and r.source != BIRTH]
                replaced = max(same_kind, key=lambda r: r.id) if same_kind else None
            new = self._store(session, child, result, source or "unknown", entered_by, raw_text)
            if replaced is not None:
                self._supersede(session, replaced, new)
            history = [r for r in rows if r is not replaced]
            births = [r.value for r in history if r.kind == WEIGHT and r.source == BIRTH]
            points = [_point(r) for r in history]
            flags = growth_flags(child.facts, points, _point(new), births[-1] if births else None)
            bmi = _bmi_point(child.facts, history, new)
            if bmi is not None:
                flags += [f for f in growth_flags(child.facts, points, bmi, None)
                          if f.code not in {g.code for g in flags}]
            escalation_id = None
            if flags:
                escalation_id = _open_or_extend_flag(session, conversation_id, child, flags,
                                                     raw_text)
                new.escalation_id = escalation_id
            too_soon = kind == WEIGHT and weighing_too_soon(
                child.facts,
                [r.observed_on for r in history if r.kind == WEIGHT and r.source != BIRTH],
                observed_on,
            )
            return Outcome(RECORDED, child, result, new.id, tuple(flags), escalation_id,
                           too_soon, replaced.id if replaced is not None else None)

    def _own_child(self, session: Session, conversation_id: str, child_id: int) -> ChildView:
        person = find_person(session, conversation_id, create=False)
        child = session.get(Child, child_id)
        if person is None or child is None or child.person_id != person.id:
            raise GrowthError("no such child for this conversation")
        return ChildView.of(child)

    @staticmethod
    def _store(session: Session, child: ChildView, result: Assessment, source: str,
               entered_by: str, raw_text: str | None) -> GrowthMeasurement:
        row = GrowthMeasurement(
            child_id=child.id, kind=result.kind, value=result.value,
            observed_on=result.observed_on, source=source, entered_by=entered_by,
            raw_text=raw_text, sds=result.sds, centile=result.centile,
            age_days=result.age_days, corrected_age_days=result.corrected_age_days,
        )
        session.add(row)
        session.flush()
        audit.record(session, entered_by, "measurement_recorded", "child", child.id,
                     measurement_id=row.id, kind=result.kind, source=source)
        return row

    @staticmethod
    def _supersede(session: Session, old: GrowthMeasurement, new: GrowthMeasurement) -> None:
        old.superseded_at = utcnow()
        new.supersedes_id = old.id
        audit.record(session, new.entered_by, "measurement_corrected", "child", old.child_id,
                     superseded_id=old.id, measurement_id=new.id)

    # Views --------------------------------------------------------------------------------

    def latest(self, child_id: int, kind: str) -> Assessment | None:
        """Where the child's most recent measurement of this kind sits, or None."""
        with session_scope(self.database_url) as session:
            child = session.get(Child, child_id)
            rows = [r for r in _current(session, child_id) if r.kind == kind]
            if child is None or not rows:
                return None
            facts, last = ChildView.of(child).facts, rows[-1]
        return assess(facts, kind, last.value, last.observed_on)

    def chart(self, child_id: int, kind: str) -> bytes:
        """The child's growth chart picture for one kind of measurement (PNG)."""
        with session_scope(self.database_url) as session:
            child = session.get(Child, child_id)
            if child is None:
                raise GrowthError("no such child")
            view = ChildView.of(child)
            points = [_point(r) for r in _current(session, child_id) if r.kind == kind]
        title = f"{view.name}: {'weight' if kind == WEIGHT else 'length or height'}"
        return render_chart(view.facts, kind, points, title)

    def team_of(self, conversation_id: str) -> int | None:
        """The team that looks after this person (decides which staff may see them)."""
        with session_scope(self.database_url) as session:
            return team_for(session, find_person(session, conversation_id, create=False))

    def team_of_child(self, child_id: int) -> int | None:
        with session_scope(self.database_url) as session:
            child = session.get(Child, child_id)
            if child is None:
                raise GrowthError("no such child")
            return team_for(session, session.get(Person, child.person_id))

    def parent_of(self, child_id: int) -> str:
        """The person id a child is recorded under."""
        with session_scope(self.database_url) as session:
            child = session.get(Child, child_id)
            if child is None:
                raise GrowthError("no such child")
            return child.person_id

    def for_staff(self, conversation_id: str) -> list[dict]:
        """Children with every measurement, superseded ones included and marked, for the desk."""
        with session_scope(self.database_url) as session:
            person = find_person(session, conversation_id, create=False)
            if person is None:
                return []
            out = []
            for child in self._children(session, person.id):
                rows = session.execute(
                    select(GrowthMeasurement).where(GrowthMeasurement.child_id == child.id)
                    .order_by(GrowthMeasurement.observed_on, GrowthMeasurement.id)
                ).scalars()
                out.append({
                    "id": child.id, "name": child.name, "sex": child.sex,
                    "birth_date": child.birth_date.isoformat(),
                    "gestation": f"{child.gestation_weeks}+{child.gestation_days}",
                    "measurements": [_as_dict(row) for row in rows],
                })
            return out


def _as_dict(row: GrowthMeasurement) -> dict:
    return {
        "id": row.id, "kind": row.kind, "value": row.value,
        "observed_on": row.observed_on.isoformat(), "source": row.source,
        "entered_by": row.entered_by, "sds": row.sds, "centile": row.centile,
        "age_days": row.age_days, "corrected_age_days": row.corrected_age_days,
        "superseded": row.superseded_at is not None, "supersedes_id": row.supersedes_id,
        "escalation_id": row.escalation_id,
        "recorded_at": row.created_at.isoformat() + "Z",
    }
