"""The append-only audit trail: writing entries, and reading them back for the desk's log.

Details never hold a phone number or message text.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import distinct, select
from sqlalchemy.orm import Session

from bot.store.db import session_scope
from bot.store.models import AuditEvent


def staff_actor(staff_id: int) -> str:
    """How a member of staff is named in the trail: their id, never their name."""
    return f"staff:{staff_id}"


def record(
    session: Session,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str | int,
    **detail: Any,
) -> AuditEvent:
    """Add an audit row in the caller's transaction: the action and its trail commit together."""
    event = AuditEvent(
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        detail=json.dumps(detail, sort_keys=True, default=str) if detail else None,
    )
    session.add(event)
    return event


def search(
    database_url: str,
    action: str | None = None,
    actor: str | None = None,
    subject_type: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    before_id: int | None = None,
) -> list[AuditEvent]:
    """Entries newest first; `before_id` pages on by id, which stays steady as rows arrive.

    `since` is inclusive and `until` exclusive, both naive UTC like every stored time.
    """
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    if actor is not None:
        query = query.where(AuditEvent.actor == actor)
    if subject_type is not None:
        query = query.where(AuditEvent.subject_type == subject_type)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    with session_scope(database_url) as session:
        return list(session.execute(query).scalars())


def recorded_kinds(database_url: str) -> tuple[list[str], list[str]]:
    """The actions and subject types the trail holds, for a filter to offer."""
    with session_scope(database_url) as session:
        actions = session.execute(
            select(distinct(AuditEvent.action)).order_by(AuditEvent.action)
        ).scalars()
        subject_types = session.execute(
            select(distinct(AuditEvent.subject_type)).order_by(AuditEvent.subject_type)
        ).scalars()
        return list(actions), list(subject_types)
