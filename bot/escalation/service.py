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
from bot.store.models import Escalation, Person, Team, TeamDistrict, utcnow

OPEN, ACKNOWLEDGED, RESOLVED = "open", "acknowledged", "resolved"
STATUSES = (OPEN, ACKNOWLEDGED, RESOLVED)


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
    }


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

    def acknowledge(self, escalation_id: int, by: str, now: datetime | None = None) -> dict:
        """A person has it: paging stops."""
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
                audit.record(session, by, "escalation_acknowledged", "escalation", escalation.id)
            return as_dict(escalation)

    def resolve(
        self, escalation_id: int, by: str, outcome: str | None = None, now: datetime | None = None
    ) -> dict:
        now = now or utcnow()
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
                session, by, "escalation_resolved", "escalation", escalation.id,
                with_outcome=bool(outcome),
            )
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

    def get(self, escalation_id: int) -> dict:
        with session_scope(self.database_url) as session:
            return as_dict(self._get(session, escalation_id))

    @staticmethod
    def _get(session: Session, escalation_id: int) -> Escalation:
        escalation = session.get(Escalation, escalation_id)
        if escalation is None:
            raise EscalationError(f"no escalation {escalation_id}", status=404)
        return escalation
