from datetime import datetime, timedelta

from sqlalchemy import func, select, text

from bot.store.db import session_scope
from bot.store.models import (
    AuditEvent,
    InboundReceipt,
    OutboundImage,
    OutboundMessage,
    ServiceHeartbeat,
)
from schedules import jobs
from schedules.__main__ import build_scheduler


def test_heartbeat_is_written_and_refreshed(database_url):
    first = datetime(2026, 11, 23, 9, 0)
    jobs.heartbeat(database_url, now=first)
    jobs.heartbeat(database_url, now=first + timedelta(seconds=30))
    with session_scope(database_url) as session:
        beat = session.get(ServiceHeartbeat, "scheduler")
        assert beat.seen_at == first + timedelta(seconds=30)


def _add_event(session, sender: str, at: datetime) -> None:
    session.execute(
        text(
            "INSERT INTO events (sender_id, type_name, timestamp, data) "
            "VALUES (:s, 'user', :ts, '{}')"
        ),
        {"s": sender, "ts": (at - datetime(1970, 1, 1)).total_seconds()},
    )


def test_retention_purge_deletes_only_expired_events_and_is_audited(database_url):
    now = datetime(2026, 11, 23, 3, 15)
    with session_scope(database_url) as session:
        _add_event(session, "old", now - timedelta(days=800))
        _add_event(session, "recent", now - timedelta(days=10))
    assert jobs.purge_old_conversation_events(database_url, retention_days=730, now=now) == 1
    assert jobs.purge_old_conversation_events(database_url, retention_days=730, now=now) == 0
    with session_scope(database_url) as session:
        senders = session.execute(text("SELECT sender_id FROM events")).scalars().all()
        purges = session.execute(
            select(func.count()).where(AuditEvent.action == "retention_purge")
        ).scalar_one()
    assert senders == ["recent"]
    assert purges == 1


def test_scheduler_registers_its_jobs():
    scheduler = build_scheduler()
    jobs_ = {job.id for job in scheduler.get_jobs()}
    assert jobs_ == {"heartbeat", "page_sweep", "outbox_sweep", "retention_purge",
                     "receipt_purge", "checkin_offers", "image_purge"}


def test_provider_receipts_are_kept_only_as_long_as_retries_can_come(database_url):
    now = datetime(2026, 11, 23, 12, 0)
    with session_scope(database_url) as session:
        session.add(InboundReceipt(channel="sms", provider_id="SMold",
                                   received_at=now - timedelta(days=8)))
        session.add(InboundReceipt(channel="sms", provider_id="SMnew",
                                   received_at=now - timedelta(days=6)))
    assert jobs.purge_old_receipts(database_url, now=now) == 1
    with session_scope(database_url) as session:
        left = session.execute(select(InboundReceipt.provider_id)).scalars().all()
    assert left == ["SMnew"]


def test_pictures_are_deleted_a_week_after_their_message_was_sent(database_url):
    now = datetime(2026, 11, 24, 12, 0)
    old, recent, waiting = now - timedelta(days=8), now - timedelta(days=1), now - timedelta(days=9)
    with session_scope(database_url) as session:
        images = [OutboundImage(media_type="image/png", data=b"png", created_at=at)
                  for at in (old, recent, waiting)]
        session.add_all(images)
        session.flush()
        for image, at, status in zip(images, (old, recent, waiting),
                                     ("delivered", "delivered", "held"), strict=True):
            session.add(OutboundMessage(
                recipient_type="person", recipient_id="p1", channel="telegram",
                purpose="reply", body="chart", status=status, attempts=0, created_at=at,
                image_id=image.id))
    assert jobs.purge_sent_images(database_url, now=now) == 1
    with session_scope(database_url) as session:
        kept = session.execute(select(OutboundImage.created_at).order_by(
            OutboundImage.created_at)).scalars().all()
        cleared = session.execute(select(func.count()).where(
            OutboundMessage.image_id.is_(None))).scalar_one()
    assert kept == [waiting, recent]  # a held message still needs its picture
    assert cleared == 1
