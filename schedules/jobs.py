"""Jobs run by the scheduler. Each takes what it needs as arguments, so tests drive the clock."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from bot.channels.outbound import DELIVERED, FAILED, SENT, SUPERSEDED, Outbox
from bot.escalation.paging import default_policy, page_due
from bot.mood.offers import offer_checkins, rasa_trigger
from bot.store import audit
from bot.store.db import session_scope
from bot.store.models import (
    InboundReceipt,
    OutboundImage,
    OutboundMessage,
    ServiceHeartbeat,
    utcnow,
)

logger = logging.getLogger(__name__)

# Providers retry a webhook for minutes (Twilio) to a day (Telegram); a week covers both.
RECEIPT_RETENTION = timedelta(days=7)
# A chart picture is only needed until its message is sent; the desk draws charts afresh.
IMAGE_RETENTION = timedelta(days=7)


def heartbeat(database_url: str, name: str = "scheduler", now: datetime | None = None) -> None:
    """A sign of life that /healthz reads: proves the scheduler is running, not just started."""
    now = now or utcnow()
    with session_scope(database_url) as session:
        beat = session.get(ServiceHeartbeat, name)
        if beat is None:
            session.add(ServiceHeartbeat(name=name, seen_at=now))
        else:
            beat.seen_at = now


def page_due_escalations(
    database_url: str, outbox: Outbox, now: datetime | None = None
) -> list[int]:
    """First pages, re-pages after a missed SLA, and cascades: see bot.escalation.paging."""
    return page_due(database_url, default_policy(), outbox, now=now)


def deliver_due_messages(outbox: Outbox) -> int:
    """Retries and anything a crashed process left half-sent: see bot.channels.outbound."""
    return outbox.deliver_due()


def purge_old_conversation_events(
    database_url: str, retention_days: int, now: datetime | None = None
) -> int:
    """Delete conversation events older than the retention period (data minimisation)."""
    from rasa.core.tracker_store import SQLTrackerStore

    events = SQLTrackerStore.SQLEvent.__table__
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    cutoff_ts = (cutoff - datetime(1970, 1, 1)).total_seconds()
    with session_scope(database_url) as session:
        oldest = session.execute(select(events.c.id).where(events.c.timestamp < cutoff_ts).limit(1))
        if oldest.first() is None:
            return 0
        deleted = session.execute(delete(events).where(events.c.timestamp < cutoff_ts)).rowcount
        audit.record(
            session, "scheduler", "retention_purge", "conversation_events", "all",
            deleted=deleted, retention_days=retention_days,
        )
    logger.info("retention: deleted %d events older than %d days", deleted, retention_days)
    return deleted


def purge_old_receipts(database_url: str, now: datetime | None = None) -> int:
    """Forget provider message ids once no retry of them can arrive."""
    cutoff = (now or utcnow()) - RECEIPT_RETENTION
    with session_scope(database_url) as session:
        return session.execute(
            delete(InboundReceipt).where(InboundReceipt.received_at < cutoff)
        ).rowcount


def purge_sent_images(database_url: str, now: datetime | None = None) -> int:
    """Delete pictures (growth charts carry a child's name) once their message is done with."""
    cutoff = (now or utcnow()) - IMAGE_RETENTION
    with session_scope(database_url) as session:
        session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.image_id.is_not(None),
                   OutboundMessage.created_at < cutoff,
                   OutboundMessage.status.in_((SENT, DELIVERED, FAILED, SUPERSEDED)))
            .values(image_id=None).execution_options(synchronize_session=False)
        )
        still_needed = select(OutboundMessage.image_id).where(
            OutboundMessage.image_id.is_not(None))
        return session.execute(
            delete(OutboundImage).where(OutboundImage.created_at < cutoff,
                                        OutboundImage.id.not_in(still_needed))
            .execution_options(synchronize_session=False)
        ).rowcount


def offer_mood_checkins(database_url: str, rasa_url: str, token: str, timezone: str,
                        now: datetime | None = None) -> list[str]:
    """Check-in offers at the Healthy Child Programme moments: see bot.mood.offers."""
    return offer_checkins(database_url, rasa_trigger(rasa_url, token), timezone, now=now)
