"""The scheduler's job: offer check-ins at the Healthy Child Programme moments, through Rasa's
`trigger_intent` with the person's channel, so the conversation knows it asked."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import delete, select

from bot.mood.schedule import Parent, offer_due
from bot.store import audit
from bot.store.db import session_scope
from bot.store.models import ChannelIdentity, MoodOffer, Person, utcnow

logger = logging.getLogger(__name__)

OFFER_INTENT = "offer_checkin"
PROACTIVE_CHANNELS = ("sms", "telegram")

# Sends the offer into a conversation on a channel; raises if it could not.
Trigger = Callable[[str, str], None]


def rasa_trigger(rasa_url: str, token: str) -> Trigger:
    def trigger(conversation_id: str, channel: str) -> None:
        reply = requests.post(
            f"{rasa_url}/conversations/{conversation_id}/trigger_intent",
            params={"output_channel": channel, "token": token},
            json={"name": OFFER_INTENT}, timeout=30,
        )
        reply.raise_for_status()

    return trigger


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.replace(tzinfo=timezone.utc).astimezone(zone).replace(tzinfo=None)


def offer_checkins(database_url: str, trigger: Trigger, timezone_name: str,
                   now: datetime | None = None) -> list[str]:
    """Offer a check-in to everyone with a moment due; returns their conversation ids."""
    now = now or utcnow()
    zone = ZoneInfo(timezone_name)
    with session_scope(database_url) as session:
        candidates = session.execute(
            select(Person, ChannelIdentity.channel)
            .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
            .where(Person.registered_at.is_not(None), Person.opted_out_at.is_(None),
                   ChannelIdentity.channel.in_(PROACTIVE_CHANNELS),
                   ChannelIdentity.unreachable_at.is_(None))
        ).all()
        offers = session.execute(
            select(MoodOffer.person_id, MoodOffer.moment, MoodOffer.offered_at)
        ).all()
    offered: dict[str, set[str]] = {}
    last: dict[str, datetime] = {}
    for person_id, moment, offered_at in offers:
        offered.setdefault(person_id, set()).add(moment)
        last[person_id] = max(offered_at, last.get(person_id, offered_at))
    sent = []
    for person, channel in candidates:
        parent = Parent(person.due_date, person.baby_birth_date, False,
                        frozenset(offered.get(person.id, ())),
                        _local(last[person.id], zone) if person.id in last else None)
        moment = offer_due(parent, _local(now, zone))
        if moment is None:
            continue
        with session_scope(database_url) as session:
            session.add(MoodOffer(person_id=person.id, moment=moment, offered_at=now))
        try:
            trigger(person.conversation_id, channel)
        except Exception as error:  # not offered after all: the next run tries again
            logger.warning("mood: check-in offer not sent (%s)", type(error).__name__)
            with session_scope(database_url) as session:
                session.execute(delete(MoodOffer).where(MoodOffer.person_id == person.id,
                                                        MoodOffer.moment == moment))
            continue
        with session_scope(database_url) as session:
            audit.record(session, "scheduler", "checkin_offered", "person", person.id,
                         moment=moment)
        sent.append(person.conversation_id)
    return sent

