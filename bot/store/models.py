"""The app's own tables. Rasa's tracker events live beside them in the same database.

Lasting facts about a person (stage, consent, opt-out) live here rather than in Rasa slots, so a
conversation that runs for 1,000 days only ever loads its current session.
Phone numbers and Telegram ids are stored once, in `channel_identities`, and nowhere else.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


def utcnow() -> datetime:
    """Naive UTC, the one convention for every stored time."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_id() -> str:
    return uuid.uuid4().hex


class Team(Base):
    __tablename__ = "teams"

    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False, unique=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class TeamDistrict(Base):
    """Which team covers a postcode district: routes a person's escalations to that team."""

    __tablename__ = "team_districts"

    postcode_district = Column(String(4), primary_key=True)
    team_id = Column(Integer, ForeignKey("teams.id"), nullable=False)


class Staff(Base):
    """A health visitor, team lead or admin. Their pager address is stored here, once."""

    __tablename__ = "staff"

    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False)
    role = Column(String(16), nullable=False)
    team_id = Column(Integer, ForeignKey("teams.id"), nullable=True, index=True)
    page_channel = Column(String(16), nullable=True)
    page_address = Column(String(128), nullable=True)
    # Set when a page to this address failed for good; paging skips them until it is changed.
    page_failed_at = Column(DateTime, nullable=True)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class RotaShift(Base):
    """Who is on duty for a team, and when (UTC)."""

    __tablename__ = "rota_shifts"

    id = Column(Integer, primary_key=True)
    team_id = Column(Integer, ForeignKey("teams.id"), nullable=False, index=True)
    staff_id = Column(Integer, ForeignKey("staff.id"), nullable=False)
    starts_at = Column(DateTime, nullable=False)
    ends_at = Column(DateTime, nullable=False)


class ApiToken(Base):
    """Bearer tokens for the desk API, stored as SHA-256 hashes (the token is shown once)."""

    __tablename__ = "api_tokens"

    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False)
    token_hash = Column(String(64), nullable=False, unique=True)
    team_id = Column(Integer, ForeignKey("teams.id"), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    revoked_at = Column(DateTime, nullable=True)


class Person(Base):
    """A parent or parent-to-be, keyed by a channel-neutral id."""

    __tablename__ = "people"

    id = Column(String(32), primary_key=True, default=new_id)
    conversation_id = Column(String(255), nullable=False, unique=True, index=True)
    team_id = Column(Integer, ForeignKey("teams.id"), nullable=True)
    stage = Column(String(16), nullable=False, default="unknown")
    due_date = Column(Date, nullable=True)
    baby_birth_date = Column(Date, nullable=True)
    postcode_district = Column(String(4), nullable=True)
    registered_at = Column(DateTime, nullable=True)
    opted_out_at = Column(DateTime, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    identities = relationship("ChannelIdentity", back_populates="person")


class ChannelIdentity(Base):
    """The one place a phone number or Telegram chat id is kept."""

    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "address", name="uq_channel_address"),)

    id = Column(Integer, primary_key=True)
    person_id = Column(String(32), ForeignKey("people.id"), nullable=False, index=True)
    channel = Column(String(16), nullable=False)
    address = Column(String(128), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    # Set when the provider says this address cannot be reached (invalid number, bot blocked);
    # cleared when the person writes again.
    unreachable_at = Column(DateTime, nullable=True)
    unreachable_reason = Column(String(120), nullable=True)

    person = relationship("Person", back_populates="identities")

    def mark_unreachable(self, reason: str, now: datetime) -> None:
        self.unreachable_at, self.unreachable_reason = now, reason[:120]

    def mark_reachable(self) -> None:
        self.unreachable_at = self.unreachable_reason = None


class Consent(Base):
    """Each yes or no to the privacy notice, with the notice version the person saw."""

    __tablename__ = "consents"

    id = Column(Integer, primary_key=True)
    person_id = Column(String(32), ForeignKey("people.id"), nullable=False, index=True)
    given = Column(Boolean, nullable=False)
    notice_version = Column(String(32), nullable=False)
    recorded_at = Column(DateTime, nullable=False, default=utcnow)


class OptEvent(Base):
    """STOP and START, kept as history: the latest one decides whether we may message first."""

    __tablename__ = "opt_events"

    id = Column(Integer, primary_key=True)
    person_id = Column(String(32), ForeignKey("people.id"), nullable=False, index=True)
    kind = Column(String(8), nullable=False)
    recorded_at = Column(DateTime, nullable=False, default=utcnow)


class Escalation(Base):
    """Something that needs a person: a crisis (urgent) or a request or concern (routine)."""

    __tablename__ = "escalations"

    id = Column(Integer, primary_key=True)
    person_id = Column(String(32), ForeignKey("people.id"), nullable=True, index=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    severity = Column(String(8), nullable=False)
    category = Column(String(40), nullable=False)
    status = Column(String(16), nullable=False, default="open", index=True)
    trigger_text = Column(Text, nullable=True)
    # What staff need to see first (a check-in's scores, for example); never sent to a parent.
    summary = Column(Text, nullable=True)
    team_id = Column(Integer, ForeignKey("teams.id"), nullable=True, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    # Paging: the next page is due at this time while nobody has acknowledged (urgent only).
    next_page_due_at = Column(DateTime, nullable=True, index=True)
    last_paged_at = Column(DateTime, nullable=True)
    page_count = Column(Integer, nullable=False, default=0)
    cascade_level = Column(Integer, nullable=False, default=0)
    acknowledged_at = Column(DateTime, nullable=True)
    acknowledged_by = Column(String(120), nullable=True)
    resolved_at = Column(DateTime, nullable=True)
    resolved_by = Column(String(120), nullable=True)
    outcome = Column(Text, nullable=True)
    assigned_staff_id = Column(Integer, ForeignKey("staff.id"), nullable=True)


class EscalationNote(Base):
    """A member of staff's note on an escalation: what they did, what comes next."""

    __tablename__ = "escalation_notes"

    id = Column(Integer, primary_key=True)
    escalation_id = Column(Integer, ForeignKey("escalations.id"), nullable=False, index=True)
    staff_id = Column(Integer, ForeignKey("staff.id"), nullable=True)
    author = Column(String(120), nullable=False)
    body = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class OutboundMessage(Base):
    """Every message we send, kept as an outbox: replies, pages and proactive messages.

    No address here: it is looked up from `channel_identities` or `staff` when sending.
    """

    __tablename__ = "outbound_messages"
    __table_args__ = (
        Index("ix_outbound_recipient", "recipient_type", "recipient_id", "channel", "status"),
    )

    id = Column(Integer, primary_key=True)
    recipient_type = Column(String(16), nullable=False)
    recipient_id = Column(String(64), nullable=False)
    channel = Column(String(16), nullable=False)
    purpose = Column(String(16), nullable=False)
    body = Column(Text, nullable=False)
    escalation_id = Column(Integer, ForeignKey("escalations.id"), nullable=True, index=True)
    status = Column(String(16), nullable=False, default="queued", index=True)
    attempts = Column(Integer, nullable=False, default=0)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    sent_at = Column(DateTime, nullable=True)
    last_error = Column(String(255), nullable=True)
    # Delivery state: see bot.channels.outbound.
    buttons = Column(Text, nullable=True)
    choices_open = Column(Boolean, nullable=False, default=False)
    next_attempt_at = Column(DateTime, nullable=True)
    claimed_until = Column(DateTime, nullable=True)
    provider_id = Column(String(64), nullable=True, index=True)
    delivered_at = Column(DateTime, nullable=True)
    # A picture sent with the text (a growth chart on Telegram); SMS never carries one.
    image_id = Column(Integer, ForeignKey("outbound_images.id"), nullable=True)
    sent_by_staff_id = Column(Integer, ForeignKey("staff.id"), nullable=True)  # desk messages


class OutboundImage(Base):
    """A picture made for one message, kept as sent so a retry sends the same picture."""

    __tablename__ = "outbound_images"

    id = Column(Integer, primary_key=True)
    media_type = Column(String(32), nullable=False)
    data = Column(LargeBinary, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)


class Child(Base):
    """A child a parent told us about; twins are two rows. Gestation corrects their centiles."""

    __tablename__ = "children"

    id = Column(Integer, primary_key=True)
    person_id = Column(String(32), ForeignKey("people.id"), nullable=False, index=True)
    name = Column(String(40), nullable=False)
    sex = Column(String(8), nullable=False)
    birth_date = Column(Date, nullable=False)
    gestation_weeks = Column(Integer, nullable=False)
    gestation_days = Column(Integer, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class GrowthMeasurement(Base):
    """One weight or length as entered, with its computed SDS. A correction is a new row
    that supersedes this one; nothing is overwritten. Birth weight is the row at age 0."""

    __tablename__ = "growth_measurements"
    __table_args__ = (Index("ix_growth_child_kind", "child_id", "kind", "superseded_at"),)

    id = Column(Integer, primary_key=True)
    child_id = Column(Integer, ForeignKey("children.id"), nullable=False)
    kind = Column(String(8), nullable=False)  # weight (kg) or length (cm; height after 2 years)
    value = Column(Float, nullable=False)
    observed_on = Column(Date, nullable=False)
    source = Column(String(16), nullable=False)  # birth, clinic, home or unknown
    entered_by = Column(String(120), nullable=False)
    raw_text = Column(Text, nullable=True)
    sds = Column(Float, nullable=True)
    centile = Column(Float, nullable=True)
    age_days = Column(Integer, nullable=False)
    corrected_age_days = Column(Integer, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    supersedes_id = Column(Integer, ForeignKey("growth_measurements.id"), nullable=True)
    superseded_at = Column(DateTime, nullable=True)
    escalation_id = Column(Integer, ForeignKey("escalations.id"), nullable=True)


class MoodCheckin(Base):
    """A completed (or risk-stopped) mood check-in: raw answers, scores and the key version."""

    __tablename__ = "mood_checkins"

    id = Column(Integer, primary_key=True)
    person_id = Column(String(32), ForeignKey("people.id"), nullable=False, index=True)
    completed_at = Column(DateTime, nullable=False, default=utcnow)
    answers = Column(Text, nullable=False)  # JSON: item -> raw answer
    scores = Column(Text, nullable=False)  # JSON: one entry per instrument scored
    outcome = Column(String(16), nullable=False)  # negative, positive or risk
    scoring_key_version = Column(String(32), nullable=False)
    escalation_id = Column(Integer, ForeignKey("escalations.id"), nullable=True)


class MoodOffer(Base):
    """A check-in offered at a Healthy Child Programme moment, so each is offered once."""

    __tablename__ = "mood_offers"
    __table_args__ = (UniqueConstraint("person_id", "moment", name="uq_mood_offer_moment"),)

    id = Column(Integer, primary_key=True)
    person_id = Column(String(32), ForeignKey("people.id"), nullable=False, index=True)
    moment = Column(String(32), nullable=False)
    offered_at = Column(DateTime, nullable=False, default=utcnow)


class InboundReceipt(Base):
    """Provider message ids already taken in, so a retried webhook is answered once."""

    __tablename__ = "inbound_receipts"
    __table_args__ = (UniqueConstraint("channel", "provider_id", name="uq_inbound_receipt"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(16), nullable=False)
    provider_id = Column(String(64), nullable=False)
    received_at = Column(DateTime, nullable=False, default=utcnow, index=True)


class AuditEvent(Base):
    """Append-only trail (database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_events"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    actor = Column(String(120), nullable=False)
    action = Column(String(60), nullable=False)
    subject_type = Column(String(40), nullable=False)
    subject_id = Column(String(64), nullable=False)
    detail = Column(Text, nullable=True)


class ServiceHeartbeat(Base):
    """Last sign of life from a background process, read by the desk's /healthz."""

    __tablename__ = "service_heartbeats"

    name = Column(String(40), primary_key=True)
    seen_at = Column(DateTime, nullable=False, default=utcnow)


class Cafe(Base):
    """A baby café (breastfeeding drop-in) in the service's own directory.

    The position is the district's centroid unless the desk gave a precise one: near enough to
    rank cafés for a parent who only told us their district.
    """

    __tablename__ = "cafes"

    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False)
    venue = Column(String(200), nullable=False)
    address = Column(String(300), nullable=False)
    postcode = Column(String(8), nullable=False)
    outward_code = Column(String(4), nullable=False, index=True)
    latitude = Column(Float, nullable=False)
    longitude = Column(Float, nullable=False)
    contact = Column(String(200), nullable=True)
    accessibility = Column(Text, nullable=True)
    languages = Column(String(200), nullable=True)
    last_verified = Column(Date, nullable=True)
    active = Column(Boolean, nullable=False, default=True)
    # Loaded from the bundled sample file: not a real group, replaced by the service's own list.
    sample = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    sessions = relationship("CafeSession", cascade="all, delete-orphan",
                            order_by="(CafeSession.weekday, CafeSession.starts_at)")
    closures = relationship("CafeClosure", cascade="all, delete-orphan",
                            order_by="CafeClosure.first_day")


class CafeSession(Base):
    """A weekly session, in UK local time: 10:00 on Tuesdays stays 10:00 when the clocks change."""

    __tablename__ = "cafe_sessions"

    id = Column(Integer, primary_key=True)
    cafe_id = Column(Integer, ForeignKey("cafes.id"), nullable=False, index=True)
    weekday = Column(Integer, nullable=False)  # 0 Monday .. 6 Sunday
    starts_at = Column(Time, nullable=False)
    ends_at = Column(Time, nullable=False)


class CafeClosure(Base):
    """Days a café does not meet (holidays, venue closed), first and last day included."""

    __tablename__ = "cafe_closures"

    id = Column(Integer, primary_key=True)
    cafe_id = Column(Integer, ForeignKey("cafes.id"), nullable=False, index=True)
    first_day = Column(Date, nullable=False)
    last_day = Column(Date, nullable=False)
    reason = Column(String(120), nullable=True)


class StaffLogin(Base):
    """A member of staff's desk sign-in: one per person, the password kept only as a scrypt hash.

    Failed attempts are counted per account so a guessed password locks that account for a while.
    """

    __tablename__ = "staff_logins"

    id = Column(Integer, primary_key=True)
    staff_id = Column(Integer, ForeignKey("staff.id"), nullable=False, unique=True)
    username = Column(String(64), nullable=False, unique=True)  # stored lower-cased
    password_hash = Column(String(255), nullable=False)
    failed_attempts = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime, nullable=True)
    last_sign_in_at = Column(DateTime, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
