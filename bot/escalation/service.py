"""Open, acknowledge, resolve and list escalations. Every step is audited in the same commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.people.service import find_person
from bot.safety.detector import Detection
from bot.store import audit
from bot.store.db import session_scope
from bot.store.models import (
    Escalation,
    EscalationNote,
    Person,
    Staff,
    Team,
    TeamDistrict,
    utcnow,
)

OPEN, ACKNOWLEDGED, RESOLVED = "open", "acknowledged", "resolved"
STATUSES = (OPEN, ACKNOWLEDGED, RESOLVED)
MAX_NOTE_LENGTH = 4000
MAX_OUTCOME_LENGTH = 4000
CLINICAL_ROLES = ("health_visitor", "team_lead")


class EscalationError(Exception):
    """A request that cannot be applied (unknown id, wrong state), with a reason for the caller."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def team_for(session: Session, person: Person | None) -> int | None:
    """The person's team, else the team covering their district, else the only team."""
    if person is not None and person.team_id is not None:
        return person.team_id
    if person is not None and person.postcode_district:
        mapped = session.get(TeamDistrict, person.postcode_district)
        if mapped is not None:
            return mapped.team_id
    teams = session.execute(select(Team.id).limit(2)).scalars().all()
    return teams[0] if len(teams) == 1 else None


def as_dict(escalation: Escalation) -> dict:
    """The API's view of an escalation (for staff): no message text, no contact details; the
    summary a check-in left (its scores) is included."""
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() + "Z" if value else None

    return {
        "id": escalation.id,
        "conversation_id": escalation.conversation_id,
        "severity": escalation.severity,
        "category": escalation.category,
        "summary": escalation.summary,
        "status": escalation.status,
        "team_id": escalation.team_id,
        "created_at": iso(escalation.created_at),
        "acknowledged_at": iso(escalation.acknowledged_at),
        "acknowledged_by": escalation.acknowledged_by,
        "resolved_at": iso(escalation.resolved_at),
        "resolved_by": escalation.resolved_by,
        "page_count": escalation.page_count,
        "assigned_staff_id": escalation.assigned_staff_id,
    }


def _clean_text(text: str | None, what: str, limit: int, required: bool) -> str | None:
    cleaned = (text or "").strip()
    if not cleaned:
        if required:
            raise EscalationError(f"{what} is empty: write a few words")
        return None
    if len(cleaned) > limit:
        raise EscalationError(f"{what} is too long: keep it under {limit} characters")
    return cleaned


def open_escalation(
    session: Session,
    conversation_id: str,
    severity: str,
    category: str,
    *,
    trigger_text: str | None = None,
    summary: str | None = None,
    actor: str = "risk_detector",
    now: datetime | None = None,
) -> Escalation:
    """An escalation in the caller's transaction (so it commits with whatever caused it)."""
    now = now or utcnow()
    person = find_person(session, conversation_id)
    escalation = Escalation(
        person_id=person.id,
        conversation_id=conversation_id,
        severity=severity,
        category=category,
        status=OPEN,
        trigger_text=trigger_text,
        summary=summary,
        team_id=team_for(session, person),
        created_at=now,
        next_page_due_at=now if severity == "urgent" else None,
        page_count=0,
        cascade_level=0,
    )
    session.add(escalation)
    session.flush()
    audit.record(
        session, actor, "escalation_opened", "escalation", escalation.id,
        severity=severity, category=category,
    )
    return escalation


@dataclass
class EscalationService:
    database_url: str

    def open(
        self,
        conversation_id: str,
        severity: str,
        category: str,
        trigger_text: str | None,
        actor: str = "risk_detector",
        now: datetime | None = None,
    ) -> int:
        """Persist an escalation; an urgent one is due for paging at once."""
        with session_scope(self.database_url) as session:
            return open_escalation(session, conversation_id, severity, category,
                                   trigger_text=trigger_text, actor=actor, now=now).id

    def open_from_detection(
        self, conversation_id: str, detection: Detection, text: str, now: datetime | None = None
    ) -> int:
        return self.open(
            conversation_id, detection.severity, detection.category, text, now=now
        )

    def acknowledge(self, escalation_id: int, by: str, now: datetime | None = None,
                    actor: str | None = None) -> dict:
        """A person has it: paging stops. `by` is the name shown; `actor` the audit's who."""
        now = now or utcnow()
        with session_scope(self.database_url) as session:
            escalation = self._get(session, escalation_id)
            if escalation.status == RESOLVED:
                raise EscalationError("escalation is already resolved", status=409)
            if escalation.status == OPEN:
                escalation.status = ACKNOWLEDGED
                escalation.acknowledged_at = now
                escalation.acknowledged_by = by
                escalation.next_page_due_at = None
                audit.record(session, actor or by, "escalation_acknowledged", "escalation",
                             escalation.id)
            return as_dict(escalation)

    def resolve(
        self, escalation_id: int, by: str, outcome: str | None = None, now: datetime | None = None,
        actor: str | None = None, outcome_required: bool = False,
    ) -> dict:
        """Close it with what happened; the desk insists on an outcome, the API may omit it."""
        now = now or utcnow()
        outcome = _clean_text(outcome, "the outcome", MAX_OUTCOME_LENGTH, outcome_required)
        with session_scope(self.database_url) as session:
            escalation = self._get(session, escalation_id)
            if escalation.status == RESOLVED:
                raise EscalationError("escalation is already resolved", status=409)
            if escalation.acknowledged_at is None:
                escalation.acknowledged_at, escalation.acknowledged_by = now, by
            escalation.status = RESOLVED
            escalation.resolved_at, escalation.resolved_by = now, by
            escalation.outcome = outcome
            escalation.next_page_due_at = None
            audit.record(
                session, actor or by, "escalation_resolved", "escalation", escalation.id,
                with_outcome=bool(outcome),
            )
            return as_dict(escalation)

    def add_note(self, escalation_id: int, body: str, *, author: str, staff_id: int | None,
                 now: datetime | None = None) -> int:
        """A note on the escalation (any status: a resolved one may need a follow-up noted)."""
        text = _clean_text(body, "the note", MAX_NOTE_LENGTH, required=True)
        with session_scope(self.database_url) as session:
            escalation = self._get(session, escalation_id)
            note = EscalationNote(escalation_id=escalation.id, staff_id=staff_id, author=author,
                                  body=text, created_at=now or utcnow())
            session.add(note)
            session.flush()
            audit.record(session, audit.staff_actor(staff_id) if staff_id else author,
                         "escalation_note", "escalation", escalation.id, note_id=note.id)
            return note.id

    def notes(self, escalation_id: int) -> list[dict]:
        with session_scope(self.database_url) as session:
            rows = session.execute(
                select(EscalationNote).where(EscalationNote.escalation_id == escalation_id)
                .order_by(EscalationNote.created_at, EscalationNote.id)
            ).scalars()
            return [{"id": n.id, "author": n.author, "body": n.body, "created_at": n.created_at}
                    for n in rows]

    def assign(self, escalation_id: int, staff_id: int, *, actor: str) -> dict:
        """Hand an escalation to a colleague in its team (a health visitor or the team lead)."""
        with session_scope(self.database_url) as session:
            escalation = self._get(session, escalation_id)
            if escalation.status == RESOLVED:
                raise EscalationError("escalation is already resolved", status=409)
            colleague = session.get(Staff, staff_id)
            if (colleague is None or not colleague.active or colleague.role not in CLINICAL_ROLES
                    or colleague.team_id != escalation.team_id):
                raise EscalationError("choose an active health visitor or lead in its team")
            escalation.assigned_staff_id = colleague.id
            audit.record(session, actor, "escalation_assigned", "escalation", escalation.id,
                         staff_id=colleague.id)
            return as_dict(escalation)

    def move_to_team(self, escalation_id: int, team_id: int, *, actor: str) -> dict:
        """Give an escalation (and its person, if no team covers them yet) to a team."""
        with session_scope(self.database_url) as session:
            escalation = self._get(session, escalation_id)
            if session.get(Team, team_id) is None:
                raise EscalationError(f"no team {team_id}", status=404)
            escalation.team_id = team_id
            escalation.assigned_staff_id = None
            person = session.get(Person, escalation.person_id) if escalation.person_id else None
            if person is not None and person.team_id is None:
                person.team_id = team_id
            if escalation.severity == "urgent" and escalation.status == OPEN:
                # The new team's rota is paged now, from the first step of the cascade.
                escalation.cascade_level = 0
                escalation.next_page_due_at = utcnow()
            audit.record(session, actor, "escalation_moved", "escalation", escalation.id,
                         team_id=team_id)
            return as_dict(escalation)

    def list(
        self,
        status: str | None = None,
        limit: int = 50,
        team_id: int | None = None,
        conversation_id: str | None = None,
    ) -> list[dict]:
        with session_scope(self.database_url) as session:
            query = select(Escalation)
            if status:
                query = query.where(Escalation.status == status)
            if conversation_id:
                query = query.where(Escalation.conversation_id == conversation_id)
            if team_id is not None:
                query = query.where(Escalation.team_id == team_id)
            query = query.order_by(
                (Escalation.severity == "urgent").desc(), Escalation.created_at.asc()
            ).limit(limit)
            return [as_dict(e) for e in session.execute(query).scalars()]

    def detail(self, escalation_id: int) -> dict:
        """Everything staff see about one escalation, including the message that raised it."""
        with session_scope(self.database_url) as session:
            e = self._get(session, escalation_id)
            assignee = session.get(Staff, e.assigned_staff_id) if e.assigned_staff_id else None
            team = session.get(Team, e.team_id) if e.team_id is not None else None
            return {
                "person_id": e.person_id, "trigger_text": e.trigger_text,
                "summary": e.summary, "outcome": e.outcome, "created_at": e.created_at,
                "acknowledged_at": e.acknowledged_at, "resolved_at": e.resolved_at,
                "assigned_to": assignee.name if assignee else None,
                "team_name": team.name if team else None,
            }

    def get(self, escalation_id: int) -> dict:
        with session_scope(self.database_url) as session:
            return as_dict(self._get(session, escalation_id))

    @staticmethod
    def _get(session: Session, escalation_id: int) -> Escalation:
        escalation = session.get(Escalation, escalation_id)
        if escalation is None:
            raise EscalationError(f"no escalation {escalation_id}", status=404)
        return escalation
