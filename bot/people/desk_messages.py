"""A health visitor's message to a parent, sent through the parent's own channel.

It goes through the same outbox as every other message (in order, retried, never lost), with
the sender's staff id kept on the row and an audit entry, so the timeline and the audit log
both say who sent what and when. A parent who texted STOP gets nothing from the desk either:
staff are told to use another way (a phone call) instead.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.outbound import Outbox, Recipient
from bot.store import audit
from bot.store.db import session_scope
from bot.store.models import ChannelIdentity, Person

MAX_LENGTH = 1000
OPTED_OUT = ("They replied STOP, so the desk cannot message them. "
             "Use another way you have agreed with them, such as a phone call.")
NO_CONTACT = ("There is no working SMS or Telegram contact for them, so the desk cannot "
              "message them. Use another way, such as a phone call.")


class MessageRefusedError(ValueError):
    """The message cannot be sent; the reason is written for the member of staff."""


def send_staff_message(outbox: Outbox, person_id: str, body: str, *, staff_id: int) -> int:
    """Queue the message and start delivery; returns the outbox message id."""
    text = (body or "").strip()
    if not text:
        raise MessageRefusedError("The message is empty. Write what you want to send.")
    if len(text) > MAX_LENGTH:
        raise MessageRefusedError(
            f"The message is too long. Keep it under {MAX_LENGTH} characters.")
    with session_scope(outbox.database_url) as session:
        person = session.get(Person, person_id)
        if person is None:
            raise MessageRefusedError("This person's record no longer exists.")
        if person.opted_out_at is not None:
            raise MessageRefusedError(OPTED_OUT)
        identity = session.execute(
            select(ChannelIdentity)
            .where(ChannelIdentity.person_id == person.id,
                   ChannelIdentity.unreachable_at.is_(None))
            .order_by(ChannelIdentity.id.desc()).limit(1)
        ).scalar_one_or_none()
        if identity is None:
            raise MessageRefusedError(NO_CONTACT)
        message = outbox.queue(session, recipient_type="person", recipient_id=person.id,
                               channel=identity.channel, purpose="staff", body=text)
        message.sent_by_staff_id = staff_id
        audit.record(session, audit.staff_actor(staff_id), "desk_message_sent", "person", person.id,
                     outbound_message_id=message.id, channel=identity.channel)
        message_id, recipient = message.id, Recipient("person", person.id, identity.channel)
    outbox.drain_soon([recipient])
    return message_id
