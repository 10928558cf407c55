"""Writing to the append-only audit trail. Details never hold a phone number or message text."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from bot.store.models import AuditEvent


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
