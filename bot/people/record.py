"""A person's whole picture for the health visitor: profile, children, and one timeline.

The timeline merges the conversation (Rasa's tracker events: what the parent wrote and what the
assistant answered), messages staff sent from the desk, check-in results with their scores,
growth entries, and escalations with their notes, newest first. It is for staff only: the
assistant never shows scores or notes to a parent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, select
from sqlalchemy.orm import Session

from bot.clock import long_date
from bot.escalation.queue import category_name
from bot.escalation.service import team_for
from bot.growth.service import GrowthService
from bot.people.service import latest_consent
from bot.store.db import session_scope
from bot.store.models import (
    ChannelIdentity,
    Escalation,
    EscalationNote,
    MoodCheckin,
    OutboundMessage,
    Person,
    Staff,
    Team,
)

TIMELINE_LIMIT = 300  # the most recent entries; the record is for the current picture
INSTRUMENT_NAMES = {"whooley": "Whooley questions", "gad2": "GAD-2", "phq9": "PHQ-9",
                    "gad7": "GAD-7", "epds": "EPDS"}
CHANNEL_NAMES = {"sms": "SMS", "telegram": "Telegram"}

# Rasa's tracker table, read-only here (the tracker store owns it).
_events = Table(
    "events", MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


class PersonNotFoundError(LookupError):
    """No person has this id."""


@dataclass(frozen=True)
class Entry:
    """One line of the timeline."""

    at: datetime
    kind: str  # parent, assistant, staff, checkin, growth, escalation, note
    text: str
    detail: str = ""
    by: str = ""
    escalation_id: int | None = None


@dataclass(frozen=True)
class Contact:
    channel: str
    hint: str  # the last digits only: enough to confirm, not to copy
    reachable: bool


@dataclass
class PersonRecord:
    id: str
    conversation_id: str
    team_id: int | None
    team_name: str | None
    stage: str
    due_date: date | None
    baby_birth_date: date | None
    postcode_district: str | None
    registered_at: datetime | None
    consent: str
    opted_out_at: datetime | None
    contacts: list[Contact]
    children: list[dict]
    escalations: list[dict]
    timeline: list[Entry] = field(default_factory=list)

    @property
    def reference(self) -> str:
        """A short handle staff can say aloud ("ref 4F2A9C"), not an identifier of the parent."""
        return self.id[:6].upper()

    @property
    def reachable_contact(self) -> Contact | None:
        return next((c for c in self.contacts if c.reachable), None)


def _utc(moment: datetime | float) -> datetime:
    if isinstance(moment, float):
        return datetime.fromtimestamp(moment, tz=timezone.utc).replace(tzinfo=None)
    return moment


def _hint(address: str) -> str:
    return f"ending {address[-3:]}" if len(address) > 3 else "set"


def team_of_person(database_url: str, person_id: str) -> int | None:
    """The team that looks after the person (theirs, or their district's), for the access
    check before anything else is read."""
    with session_scope(database_url) as session:
        person = session.get(Person, person_id)
        if person is None:
            raise PersonNotFoundError(person_id)
        return team_for(session, person)


def _conversation(session: Session, conversation_id: str) -> list[Entry]:
    rows = session.execute(
        select(_events.c.type_name, _events.c.timestamp, _events.c.data)
        .where(_events.c.sender_id == conversation_id,
               _events.c.type_name.in_(("user", "bot")))
        .order_by(_events.c.id.desc()).limit(TIMELINE_LIMIT)
    ).all()
    entries = []
    for type_name, timestamp, data in rows:
        text = (json.loads(data or "{}").get("text") or "").strip()
        if text:
            kind = "parent" if type_name == "user" else "assistant"
            entries.append(Entry(_utc(timestamp), kind, text))
    return entries


def _desk_messages(session: Session, person_id: str) -> list[Entry]:
    rows = session.execute(
        select(OutboundMessage, Staff.name)
        .join(Staff, Staff.id == OutboundMessage.sent_by_staff_id)
        .where(OutboundMessage.recipient_type == "person",
               OutboundMessage.recipient_id == person_id)
        .order_by(OutboundMessage.id.desc()).limit(TIMELINE_LIMIT)
    ).all()
    return [Entry(m.created_at, "staff", m.body, detail=f"Status: {m.status}", by=name)
            for m, name in rows]


def _checkins(session: Session, person_id: str) -> list[Entry]:
    rows = session.execute(
        select(MoodCheckin).where(MoodCheckin.person_id == person_id)
        .order_by(MoodCheckin.completed_at.desc()).limit(TIMELINE_LIMIT)
    ).scalars()
    entries = []
    for checkin in rows:
        scores = json.loads(checkin.scores or "[]")
        detail = "; ".join(
            f"{INSTRUMENT_NAMES.get(s['instrument'], s['instrument'])} {s['total']}"
            + (" (positive)" if s.get("positive") else "")
            + (" (risk item answered)" if s.get("risk") else "")
            for s in scores
        )
        entries.append(Entry(checkin.completed_at, "checkin",
                             f"Mood check-in: {checkin.outcome}", detail=detail,
                             escalation_id=checkin.escalation_id))
    return entries


def _escalations(session: Session, person_id: str) -> tuple[list[dict], list[Entry]]:
    rows = session.execute(
        select(Escalation).where(Escalation.person_id == person_id)
        .order_by(Escalation.created_at.desc())
    ).scalars().all()
    notes = session.execute(
        select(EscalationNote).where(EscalationNote.escalation_id.in_([e.id for e in rows]))
        .order_by(EscalationNote.created_at)
    ).scalars().all() if rows else []
    summaries, entries = [], []
    for e in rows:
        summaries.append({"id": e.id, "severity": e.severity, "category": e.category,
                          "category_name": category_name(e.category), "status": e.status,
                          "created_at": e.created_at, "summary": e.summary,
                          "trigger_text": e.trigger_text, "outcome": e.outcome,
                          "acknowledged_by": e.acknowledged_by, "resolved_by": e.resolved_by})
        entries.append(Entry(e.created_at, "escalation",
                             f"{e.severity.capitalize()} escalation: {category_name(e.category)}",
                             detail=e.summary or "", escalation_id=e.id))
        if e.acknowledged_at:
            entries.append(Entry(e.acknowledged_at, "escalation", "Acknowledged",
                                 by=e.acknowledged_by or "", escalation_id=e.id))
        if e.resolved_at:
            entries.append(Entry(e.resolved_at, "escalation", "Resolved",
                                 detail=e.outcome or "", by=e.resolved_by or "",
                                 escalation_id=e.id))
    entries += [Entry(n.created_at, "note", n.body, by=n.author, escalation_id=n.escalation_id)
                for n in notes]
    return summaries, entries


def _growth_entries(children: list[dict]) -> list[Entry]:
    entries = []
    for child in children:
        for m in child["measurements"]:
            if m["superseded"]:
                continue
            unit = "kg" if m["kind"] == "weight" else "cm"
            centile = f"centile {m['centile']:.0f}" if m["centile"] is not None else "no centile"
            entries.append(Entry(
                datetime.fromisoformat(m["recorded_at"].rstrip("Z")), "growth",
                f"{child['name']}: {m['kind']} {m['value']:g} {unit} on "
                f"{long_date(date.fromisoformat(m['observed_on']))}",
                detail=f"{centile}, source {m['source']}",
                escalation_id=m["escalation_id"],
            ))
    return entries


def person_record(database_url: str, person_id: str) -> PersonRecord:
    """Everything the desk shows on a person's page, in one read."""
    with session_scope(database_url) as session:
        person = session.get(Person, person_id)
        if person is None:
            raise PersonNotFoundError(person_id)
        team_id = team_for(session, person)
        team = session.get(Team, team_id) if team_id is not None else None
        consent = latest_consent(session, person.id)
        identities = session.execute(
            select(ChannelIdentity).where(ChannelIdentity.person_id == person.id)
            .order_by(ChannelIdentity.id.desc())
        ).scalars()
        contacts = [Contact(CHANNEL_NAMES.get(i.channel, i.channel), _hint(i.address),
                            i.unreachable_at is None) for i in identities]
        escalations, escalation_entries = _escalations(session, person.id)
        timeline = (_conversation(session, person.conversation_id)
                    + _desk_messages(session, person.id)
                    + _checkins(session, person.id) + escalation_entries)
        record = PersonRecord(
            id=person.id, conversation_id=person.conversation_id, team_id=team_id,
            team_name=team.name if team else None, stage=person.stage,
            due_date=person.due_date, baby_birth_date=person.baby_birth_date,
            postcode_district=person.postcode_district, registered_at=person.registered_at,
            consent=("given" if consent.given else "declined") if consent else "not asked",
            opted_out_at=person.opted_out_at, contacts=contacts, children=[],
            escalations=escalations,
        )
    record.children = GrowthService(database_url).for_staff(record.conversation_id)
    timeline += _growth_entries(record.children)
    record.timeline = sorted(timeline, key=lambda e: e.at, reverse=True)[:TIMELINE_LIMIT]
    return record
