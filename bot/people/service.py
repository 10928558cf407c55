"""Registration, consent, stage, opt-out and requests for a person: what the actions call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.people.stage import Stage
from bot.store import audit
from bot.store.db import session_scope
from bot.store.models import ChannelIdentity, Consent, OptEvent, Person, new_id, utcnow

ASSISTANT = "assistant"


@dataclass(frozen=True)
class Profile:
    """What the conversation needs to know about a person at the start of each session."""

    registered: bool
    consent_given: bool
    opted_out: bool
    stage: str
    due_date: date | None
    baby_birth_date: date | None
    postcode_district: str | None


def find_person(
    session: Session, conversation_id: str, create: bool = True
) -> Person | None:
    """The person behind a conversation, created on first contact unless `create` is False."""
    person = session.execute(
        select(Person).where(Person.conversation_id == conversation_id)
    ).scalar_one_or_none()
    if person is None and create:
        person = Person(conversation_id=conversation_id, stage="unknown")
        session.add(person)
        session.flush()
    return person


def person_for_address(session: Session, channel: str, address: str) -> Person:
    """The person who writes from this address, created on first contact with an opaque
    conversation id. Writing again means they can be reached again."""
    identity = session.execute(
        select(ChannelIdentity).where(
            ChannelIdentity.channel == channel, ChannelIdentity.address == address
        )
    ).scalar_one_or_none()
    if identity is not None:
        identity.mark_reachable()
        return identity.person
    person = Person(conversation_id=f"{channel}-{new_id()}", stage="unknown")
    session.add(person)
    session.flush()
    session.add(ChannelIdentity(person_id=person.id, channel=channel, address=address))
    session.flush()
    return person


def latest_consent(session: Session, person_id: str) -> Consent | None:
    return session.execute(
        select(Consent)
        .where(Consent.person_id == person_id)
        .order_by(Consent.recorded_at.desc(), Consent.id.desc())
        .limit(1)
    ).scalar_one_or_none()


class PeopleService:
    """Each method is one transaction; every change leaves an audit row."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def profile(self, conversation_id: str) -> Profile | None:
        with session_scope(self.database_url) as session:
            person = find_person(session, conversation_id, create=False)
            if person is None:
                return None
            consent = latest_consent(session, person.id)
            return Profile(
                registered=person.registered_at is not None,
                consent_given=bool(consent and consent.given),
                opted_out=person.opted_out_at is not None,
                stage=person.stage,
                due_date=person.due_date,
                baby_birth_date=person.baby_birth_date,
                postcode_district=person.postcode_district,
            )

    def record_consent(self, conversation_id: str, given: bool, notice_version: str) -> None:
        with session_scope(self.database_url) as session:
            person = find_person(session, conversation_id)
            session.add(Consent(person_id=person.id, given=given, notice_version=notice_version))
            audit.record(
                session, ASSISTANT, "consent_given" if given else "consent_declined",
                "person", person.id, notice_version=notice_version,
            )

    def register(self, conversation_id: str, stage: Stage, postcode_district: str) -> None:
        """Save the registration answers; only called after consent was given."""
        with session_scope(self.database_url) as session:
            person = find_person(session, conversation_id)
            consent = latest_consent(session, person.id)
            if consent is None or not consent.given:
                raise PermissionError("registration needs consent first")
            person.stage = stage.kind
            person.due_date = stage.due_date
            person.baby_birth_date = stage.birth_date
            person.postcode_district = postcode_district
            first_time = person.registered_at is None
            person.registered_at = person.registered_at or utcnow()
            audit.record(
                session, ASSISTANT, "registered" if first_time else "details_changed",
                "person", person.id, stage=stage.kind,
            )

    def opt_out(self, conversation_id: str) -> None:
        """STOP: nothing proactive is sent until START; replies to their own messages go on."""
        with session_scope(self.database_url) as session:
            person = find_person(session, conversation_id)
            person.opted_out_at = utcnow()
            session.add(OptEvent(person_id=person.id, kind="stop"))
            audit.record(session, ASSISTANT, "opted_out", "person", person.id)

    def opt_in(self, conversation_id: str) -> None:
        with session_scope(self.database_url) as session:
            person = find_person(session, conversation_id)
            person.opted_out_at = None
            session.add(OptEvent(person_id=person.id, kind="start"))
            audit.record(session, ASSISTANT, "opted_in", "person", person.id)

    def may_message_first(self, conversation_id: str) -> bool:
        """Proactive messages need consent and no STOP in force."""
        profile = self.profile(conversation_id)
        return bool(profile and profile.consent_given and not profile.opted_out)

    def request_contact(self, conversation_id: str, message_text: str | None) -> int:
        """'Talk to a health visitor': a routine escalation in the desk queue."""
        from bot.escalation.service import EscalationService

        return EscalationService(self.database_url).open(
            conversation_id, "routine", "contact_request", message_text, actor=ASSISTANT
        )
