"""Run the scheduler: `python -m schedules`. Stops cleanly on Ctrl-C or SIGTERM."""

from __future__ import annotations

import logging
import signal

from apscheduler.schedulers.blocking import BlockingScheduler

from bot.channels.outbound import configured_outbox
from bot.config import get_settings
from schedules import jobs

# How often escalations are checked for a first page, a re-page or a cascade. Short, so a
# crisis is paged within seconds even when the action server's fast path did not run.
PAGE_SWEEP_SECONDS = 2
# How often the outbox is swept for retries that are due and sends a crashed process left.
OUTBOX_SWEEP_SECONDS = 1


def build_scheduler() -> BlockingScheduler:
    settings = get_settings()
    outbox = configured_outbox(settings.database_url)
    scheduler = BlockingScheduler(timezone=settings.timezone)
    scheduler.add_job(
        jobs.heartbeat, "interval", seconds=30, args=[settings.database_url],
        id="heartbeat", coalesce=True, max_instances=1,
    )
    scheduler.add_job(
        jobs.page_due_escalations, "interval", seconds=PAGE_SWEEP_SECONDS,
        args=[settings.database_url, outbox], id="page_sweep", coalesce=True, max_instances=1,
    )
    scheduler.add_job(
        jobs.deliver_due_messages, "interval", seconds=OUTBOX_SWEEP_SECONDS, args=[outbox],
        id="outbox_sweep", coalesce=True, max_instances=1,
    )
    scheduler.add_job(
        jobs.purge_old_conversation_events, "cron", hour=3, minute=15,
        args=[settings.database_url, settings.message_retention_days],
        id="retention_purge", coalesce=True, max_instances=1,
    )
    scheduler.add_job(
        jobs.offer_mood_checkins, "interval", minutes=15,
        args=[settings.database_url, settings.rasa_url, settings.rasa_api_token,
              settings.timezone],
        id="checkin_offers", coalesce=True, max_instances=1,
    )
    scheduler.add_job(
        jobs.purge_old_receipts, "cron", hour=3, minute=30, args=[settings.database_url],
        id="receipt_purge", coalesce=True, max_instances=1,
    )
    scheduler.add_job(
        jobs.purge_sent_images, "cron", hour=3, minute=45, args=[settings.database_url],
        id="image_purge", coalesce=True, max_instances=1,
    )
    return scheduler


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    scheduler = build_scheduler()
    jobs.heartbeat(settings.database_url)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    scheduler.start()


if __name__ == "__main__":
    main()
