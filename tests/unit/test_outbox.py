"""The outbox: stored before sending, in order per recipient, retried, failures recorded."""

import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.channels.outbound import CLAIM_LEASE, Outbox, Recipient, SendError
from bot.people.service import person_for_address
from bot.store.db import session_scope
from bot.store.models import AuditEvent, ChannelIdentity, OutboundMessage

T0 = datetime(2026, 11, 23, 14, 0)


class Clock:
    """A clock the outbox's own waits move forward, so retries need no real time."""

    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += timedelta(seconds=seconds)


class Provider:
    """Stands in for a provider's API: fails as scripted, records what it accepted."""

    def __init__(self, failures=()):
        self.failures = list(failures)
        self.accepted = []
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, delivery):
        with self.lock:
            self.calls += 1
            if self.failures:
                raise self.failures.pop(0)
            self.accepted.append((delivery.address, delivery.body))
            return f"SM{len(self.accepted)}"


def person(database_url, channel="sms", address="+447700900123"):
    with session_scope(database_url) as session:
        return Recipient("person", person_for_address(session, channel, address).id, channel)


def queue(outbox, recipient, *bodies):
    with session_scope(outbox.database_url) as session:
        return [
            outbox.queue(session, recipient_type=recipient.type, recipient_id=recipient.id,
                         channel=recipient.channel, purpose="reply", body=body).id
            for body in bodies
        ]


def statuses(database_url):
    with session_scope(database_url) as session:
        return session.execute(
            select(OutboundMessage.body, OutboundMessage.status, OutboundMessage.attempts)
            .order_by(OutboundMessage.id)
        ).all()


def test_a_turns_messages_go_out_in_order_with_provider_ids(database_url):
    provider, clock = Provider(), Clock()
    outbox = Outbox(database_url, {"sms": provider}, clock=clock, sleep=clock.sleep)
    recipient = person(database_url)
    queue(outbox, recipient, "one", "two", "three")
    outbox.drain(recipient)
    assert provider.accepted == [("+447700900123", b) for b in ("one", "two", "three")]
    assert [s[1] for s in statuses(database_url)] == ["sent"] * 3
    with session_scope(database_url) as session:
        ids = session.execute(select(OutboundMessage.provider_id)).scalars().all()
    assert ids == ["SM1", "SM2", "SM3"]


def test_three_provider_errors_then_success_delivers_once(database_url):
    provider = Provider([ConnectionError("down")] + [SendError("500", permanent=False)] * 2)
    clock = Clock()
    outbox = Outbox(database_url, {"sms": provider}, clock=clock, sleep=clock.sleep)
    recipient = person(database_url)
    queue(outbox, recipient, "hello", "after")
    outbox.drain(recipient)
    assert provider.accepted == [("+447700900123", "hello"), ("+447700900123", "after")]
    assert statuses(database_url) == [("hello", "sent", 4), ("after", "sent", 1)]
    assert clock.now - T0 == timedelta(seconds=0.5 + 1 + 2)


def test_a_long_outage_is_left_to_the_sweep_and_later_messages_wait_their_turn(database_url):
    provider = Provider([SendError("503", permanent=False)] * 5)
    clock = Clock()
    outbox = Outbox(database_url, {"sms": provider}, clock=clock, sleep=clock.sleep)
    recipient = person(database_url)
    queue(outbox, recipient, "first", "second")
    outbox.drain(recipient)
    assert statuses(database_url) == [("first", "retrying", 4), ("second", "queued", 0)]
    assert provider.accepted == []

    clock.sleep(4)  # not yet due: the sweep leaves it
    outbox.deliver_due()
    assert provider.calls == 4
    clock.sleep(1)
    outbox.deliver_due()  # fifth failure; the sixth try (15 s later) succeeds
    clock.sleep(15)
    outbox.deliver_due()
    assert provider.accepted == [("+447700900123", "first"), ("+447700900123", "second")]


def test_a_permanent_error_marks_the_contact_and_does_not_block_the_queue(database_url):
    provider = Provider([SendError("twilio 400 21211", permanent=True, contact=True)])
    clock = Clock()
    outbox = Outbox(database_url, {"sms": provider}, clock=clock, sleep=clock.sleep)
    recipient = person(database_url)
    queue(outbox, recipient, "first", "second")
    outbox.drain(recipient)
    assert statuses(database_url) == [("first", "failed", 1), ("second", "sent", 1)]
    with session_scope(database_url) as session:
        identity = session.execute(select(ChannelIdentity)).scalar_one()
        assert identity.unreachable_at == T0
        assert identity.unreachable_reason == "twilio 400 21211"
        actions = session.execute(select(AuditEvent.action)).scalars().all()
    assert actions == ["contact_unreachable"]
    # Writing again means they can be reached again.
    person(database_url)
    with session_scope(database_url) as session:
        assert session.execute(select(ChannelIdentity.unreachable_at)).scalar_one() is None


def test_retries_give_up_after_the_last_delay_and_record_it(database_url):
    provider = Provider([SendError("500", permanent=False)] * 20)
    clock = Clock()
    outbox = Outbox(database_url, {"sms": provider}, clock=clock, sleep=clock.sleep)
    recipient = person(database_url)
    queue(outbox, recipient, "hello")
    for _ in range(12):
        outbox.deliver_due()
        clock.sleep(901)
    assert statuses(database_url) == [("hello", "failed", 9)]


def test_no_provider_configured_holds_the_message(database_url):
    outbox = Outbox(database_url, {})
    recipient = person(database_url, channel="telegram", address="555")
    queue(outbox, recipient, "hi")
    outbox.drain(recipient)
    assert statuses(database_url) == [("hi", "held", 1)]


def test_a_send_left_half_done_by_a_crash_is_sent_again_after_its_lease(database_url):
    provider, clock = Provider(), Clock()
    outbox = Outbox(database_url, {"sms": provider}, clock=clock, sleep=clock.sleep)
    recipient = person(database_url)
    (message_id,) = queue(outbox, recipient, "hello")
    with session_scope(database_url) as session:  # claimed by a process that then died
        message = session.get(OutboundMessage, message_id)
        message.status, message.claimed_until = "sending", T0 + CLAIM_LEASE
    outbox.deliver_due()
    assert provider.accepted == []
    clock.sleep(CLAIM_LEASE.total_seconds() + 1)
    outbox.deliver_due()
    assert provider.accepted == [("+447700900123", "hello")]


def test_concurrent_drains_send_each_message_once_and_in_order(database_url):
    class SlowProvider(Provider):
        def __call__(self, delivery):
            time.sleep(0.005)
            return super().__call__(delivery)

    provider = SlowProvider()
    outbox = Outbox(database_url, {"sms": provider})
    recipient = person(database_url)
    bodies = [f"m{i}" for i in range(20)]
    queue(outbox, recipient, *bodies)
    threads = [threading.Thread(target=outbox.drain, args=(recipient,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outbox.drain(recipient)
    assert [body for _, body in provider.accepted] == bodies
