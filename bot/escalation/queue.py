"""The desk's queue: what needs a person, most pressing first, each with its SLA clock.

Order: urgent before routine; within each, not yet acknowledged before acknowledged; then the
longest wait first. The SLA is the time by which someone should have acknowledged it:
`URGENT_SLA_MINUTES` for urgent (the same clock that re-pages) and `ROUTINE_SLA_HOURS` for
routine reviews.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select

from bot.escalation.service import ACKNOWLEDGED, OPEN, RESOLVED
from bot.store.db import session_scope
from bot.store.models import Escalation, EscalationNote, Staff, Team

ACTIVE = "active"  # open or acknowledged: the queue's default view
STATUS_FILTERS = (ACTIVE, OPEN, ACKNOWLEDGED, RESOLVED)
CATEGORY_NAMES = {
    "suicide_self_harm": "Suicide or self-harm",
    "harm_to_baby": "Thoughts of harming the baby",
    "postpartum_psychosis": "Possible postpartum psychosis",
    "domestic_abuse": "Domestic abuse",
    "pregnancy_red_flag": "Pregnancy warning sign",
    "baby_red_flag": "Baby warning sign",
    "concern": "Worrying message",
    "mood_checkin": "Mood check-in",
    "growth": "Growth",
    "contact_request": "Asked to talk to a health visitor",
}
MAX_QUEUE = 500


def category_name(category: str) -> str:
    return CATEGORY_NAMES.get(category, category.replace("_", " ").capitalize())


@dataclass(frozen=True)
class SlaPolicy:
    urgent: timedelta
    routine: timedelta

    def allowed(self, severity: str) -> timedelta:
        return self.urgent if severity == "urgent" else self.routine


@dataclass(frozen=True)
class SlaClock:
    """How long it waited for a person, and whether that was within the SLA."""

    waited: timedelta  # until acknowledged, or until now if nobody has
    due_at: datetime
    remaining: timedelta  # before the SLA runs out (zero once it has)
    overdue: bool
    acknowledged: bool


def sla_clock(severity: str, created_at: datetime, acknowledged_at: datetime | None,
              now: datetime, policy: SlaPolicy) -> SlaClock:
    due_at = created_at + policy.allowed(severity)
    until = acknowledged_at or now
    return SlaClock(waited=max(until - created_at, timedelta(0)), due_at=due_at,
                    remaining=max(due_at - until, timedelta(0)), overdue=until > due_at,
                    acknowledged=acknowledged_at is not None)


def describe_wait(span: timedelta) -> str:
    """'4 min', '2 h 5 min', '3 days': short enough for a queue row."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{hours // 24} days"


@dataclass(frozen=True)
class QueueItem:
    id: int
    person_id: str | None
    severity: str
    category: str
    status: str
    summary: str | None
    team_id: int | None
    team_name: str | None
    created_at: datetime
    acknowledged_by: str | None
    assigned_to: str | None
    notes: int
    clock: SlaClock

    @property
    def category_name(self) -> str:
        return category_name(self.category)

    @property
    def unacknowledged_urgent(self) -> bool:
        return self.severity == "urgent" and self.status == OPEN


def _sort_key(item: QueueItem) -> tuple:
    return (item.status == RESOLVED, item.severity != "urgent", item.status != OPEN,
            item.created_at)


def queue(database_url: str, *, team_ids: frozenset[int] | None, unassigned: bool,
          now: datetime, policy: SlaPolicy, status: str = ACTIVE,
          category: str | None = None) -> list[QueueItem]:
    """Escalations for these teams (None: every team), plus those with no team if allowed."""
    if status not in STATUS_FILTERS:
        raise ValueError(f"status must be one of {', '.join(STATUS_FILTERS)}")
    with session_scope(database_url) as session:
        query = (
            select(Escalation, Team.name, Staff.name)
            .outerjoin(Team, Team.id == Escalation.team_id)
            .outerjoin(Staff, Staff.id == Escalation.assigned_staff_id)
        )
        if team_ids is not None:
            teams = Escalation.team_id.in_(sorted(team_ids))
            query = query.where(or_(teams, Escalation.team_id.is_(None)) if unassigned else teams)
        query = query.where(
            Escalation.status.in_((OPEN, ACKNOWLEDGED)) if status == ACTIVE
            else Escalation.status == status
        )
        if category:
            query = query.where(Escalation.category == category)
        newest_first = status == RESOLVED
        query = query.order_by(
            Escalation.created_at.desc() if newest_first else Escalation.created_at
        ).limit(MAX_QUEUE)
        rows = session.execute(query).all()
        ids = [row[0].id for row in rows]
        note_counts = dict(session.execute(
            select(EscalationNote.escalation_id, func.count())
            .where(EscalationNote.escalation_id.in_(ids))
            .group_by(EscalationNote.escalation_id)
        ).all()) if ids else {}
        items = [
            QueueItem(
                id=e.id, person_id=e.person_id, severity=e.severity, category=e.category,
                status=e.status, summary=e.summary, team_id=e.team_id, team_name=team_name,
                created_at=e.created_at, acknowledged_by=e.acknowledged_by,
                assigned_to=assignee, notes=note_counts.get(e.id, 0),
                clock=sla_clock(e.severity, e.created_at, e.acknowledged_at, now, policy),
            )
            for e, team_name, assignee in rows
        ]
    return items if newest_first else sorted(items, key=_sort_key)


def categories_in_use(database_url: str) -> list[str]:
    with session_scope(database_url) as session:
        return sorted(session.execute(select(Escalation.category).distinct()).scalars())
