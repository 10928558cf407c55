"""Paging the on-duty health visitor, re-paging and cascading when nobody acknowledges.

`page_due` is the one routine for first pages, re-pages and cascades. The action server calls
it straight after a crisis reply (fast path) and the scheduler every few seconds (safety
sweep, and after any restart), so an escalation persisted by the Rasa server is always paged.
Each escalation is claimed with a conditional update before paging, so two callers never page
the same step twice.

Cascade: level 0 pages the health visitors on duty for the team; level 1 (one SLA missed) adds
the team leads; level 2 and above add the fallback contact. Nobody to page at a level means the
fallback contact is paged at that level. Pages carry no clinical detail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from bot.channels.outbound import Outbox, Recipient
from bot.store import audit
from bot.store.db import session_scope
from bot.store.models import Escalation, RotaShift, Staff, utcnow

PAGE_TEXT = "Urgent escalation #{id}: please open the desk."
CLAIM_LEASE = timedelta(seconds=30)


@dataclass(frozen=True)
class PagingPolicy:
    sla: timedelta
    fallback_channel: str | None


@dataclass(frozen=True)
class Pagee:
    kind: str  # "staff" or "fallback"
    id: str
    channel: str | None


# Staff a page can reach: active, with a pager set that has not failed. Someone on duty
# without one cannot be paged, so they do not stop the fallback contact being paged.
_PAGEABLE = (
    Staff.active.is_(True),
    Staff.page_failed_at.is_(None),
    Staff.page_channel.is_not(None),
    Staff.page_address.is_not(None),
)


def recipients_for(session, team_id: int | None, level: int, now: datetime,
                   policy: PagingPolicy) -> list[Pagee]:
    staff: list[Staff] = []
    if team_id is not None:
        staff = list(
            session.execute(
                select(Staff)
                .join(RotaShift, RotaShift.staff_id == Staff.id)
                .where(
                    RotaShift.team_id == team_id,
                    RotaShift.starts_at <= now,
                    RotaShift.ends_at > now,
                    *_PAGEABLE,
                )
                .order_by(Staff.id)
            ).scalars().unique()
        )
        if level >= 1:
            leads = session.execute(
                select(Staff).where(
                    Staff.team_id == team_id, Staff.role == "team_lead", *_PAGEABLE,
                )
            ).scalars()
            staff += [lead for lead in leads if lead.id not in {s.id for s in staff}]
    recipients = [Pagee("staff", str(s.id), s.page_channel) for s in staff]
    if not recipients or level >= 2:
        recipients.append(Pagee("fallback", "fallback", policy.fallback_channel))
    return recipients


def _claim(session, escalation: Escalation, now: datetime) -> bool:
    """Take this paging step: only one caller's conditional update succeeds."""
    claimed = session.execute(
        update(Escalation)
        .where(
            Escalation.id == escalation.id,
            Escalation.next_page_due_at == escalation.next_page_due_at,
            Escalation.status == "open",
        )
        .values(next_page_due_at=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def page_due(
    database_url: str,
    policy: PagingPolicy,
    outbox: Outbox,
    now: datetime | None = None,
    conversation_id: str | None = None,
    background: bool = False,
) -> list[int]:
    """Page every open escalation whose page is due; return the ids paged.

    Pages are committed to the outbox with the paging step, then sent (in a background thread
    when `background`, so an action never waits on a provider).
    """
    now = now or utcnow()
    with session_scope(database_url) as session:
        query = select(Escalation).where(
            Escalation.status == "open",
            Escalation.next_page_due_at.is_not(None),
            Escalation.next_page_due_at <= now,
        )
        if conversation_id is not None:
            query = query.where(Escalation.conversation_id == conversation_id)
        due = list(session.execute(query.order_by(Escalation.id)).scalars())
    paged: list[int] = []
    to_send: list[Recipient] = []
    for candidate in due:
        with session_scope(database_url) as session:
            if not _claim(session, candidate, now):
                continue
            escalation = session.get(Escalation, candidate.id)
            level = escalation.cascade_level
            recipients = recipients_for(session, escalation.team_id, level, now, policy)
            for recipient in recipients:
                message = outbox.queue(
                    session,
                    recipient_type=recipient.kind,
                    recipient_id=recipient.id,
                    channel=recipient.channel,
                    purpose="page",
                    body=PAGE_TEXT.format(id=escalation.id),
                    escalation_id=escalation.id,
                )
                to_send.append(Recipient(recipient.kind, recipient.id, message.channel))
            escalation.page_count += 1
            escalation.last_paged_at = now
            escalation.cascade_level = level + 1
            escalation.next_page_due_at = now + policy.sla
            audit.record(
                session, "pager", "paged" if level == 0 else "repaged", "escalation",
                escalation.id, level=level, staff=sum(r.kind == "staff" for r in recipients),
                fallback=any(r.kind == "fallback" for r in recipients),
            )
            paged.append(escalation.id)
    if background:
        outbox.drain_soon(to_send)
    else:
        for recipient in dict.fromkeys(to_send):
            outbox.drain(recipient)
    return paged


def default_policy() -> PagingPolicy:
    from bot.config import get_settings

    settings = get_settings()
    return PagingPolicy(
        sla=timedelta(minutes=settings.urgent_sla_minutes),
        fallback_channel=settings.fallback_page_channel,
    )



