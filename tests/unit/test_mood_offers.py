"""Check-in offers on a controllable clock: at the moments, not in quiet hours, not after STOP,
never more than one a week."""

from datetime import date, datetime, time

import pytest

from bot.mood.offers import offer_checkins
from bot.mood.schedule import Parent, in_quiet_hours, moment_on, offer_due
from bot.people.service import person_for_address
from bot.store.db import session_scope
from bot.store.models import MoodOffer

BORN = date(2026, 9, 1)
ZONE = "Europe/London"


class Trigger:
    """Stands in for Rasa's trigger_intent: records who was offered on which channel."""

    def __init__(self, fail=False):
        self.calls = []
        self.fail = fail

    def __call__(self, conversation_id, channel):
        if self.fail:
            raise ConnectionError("rasa down")
        self.calls.append((conversation_id, channel))


def parent(database_url, *, born=BORN, due=None, opted_out=False, address="+447700900200"):
    with session_scope(database_url) as session:
        person = person_for_address(session, "sms", address)
        person.registered_at = datetime(2026, 8, 1)
        person.baby_birth_date, person.due_date = born, due
        person.stage = "baby" if born else "pregnant"
        if opted_out:
            person.opted_out_at = datetime(2026, 10, 1)
        return person.conversation_id


@pytest.mark.parametrize(("day", "moment"), [
    (date(2026, 9, 10), None),
    (date(2026, 9, 11), "new_birth_10_14_days"),
    (date(2026, 10, 13), "postnatal_6_8_weeks"),
    (date(2026, 10, 27), "postnatal_6_8_weeks"),
    (date(2026, 10, 28), None),
    (date(2026, 12, 1), "postnatal_3_4_months"),
    (date(2027, 6, 2), "postnatal_9_12_months"),
])
def test_moments_follow_the_healthy_child_programme(day, moment):
    assert moment_on(day, None, BORN) == moment


def test_pregnancy_is_offered_from_28_weeks_until_the_birth():
    due = date(2027, 3, 1)
    assert moment_on(date(2026, 12, 6), due, None) is None  # 27 weeks 6 days
    assert moment_on(date(2026, 12, 7), due, None) == "antenatal_28_weeks"
    assert moment_on(date(2026, 12, 7), due, date(2026, 12, 1)) is None, "born early"


@pytest.mark.parametrize(("clock", "quiet"), [
    (time(20, 59), False), (time(21, 0), True), (time(3, 0), True), (time(7, 59), True),
    (time(8, 0), False), (time(13, 0), False),
])
def test_quiet_hours_run_from_nine_at_night_to_eight_in_the_morning(clock, quiet):
    assert in_quiet_hours(clock) is quiet


def test_never_more_than_one_offer_a_week():
    recent = Parent(None, BORN, False, frozenset({"new_birth_10_14_days"}),
                    datetime(2026, 10, 10, 10, 0))
    assert offer_due(recent, datetime(2026, 10, 14, 10, 0)) is None
    assert offer_due(recent, datetime(2026, 10, 17, 10, 0)) == "postnatal_6_8_weeks"


def test_the_job_offers_at_six_weeks_by_day_not_in_quiet_hours_and_only_once(database_url):
    conversation = parent(database_url)
    trigger = Trigger()
    # 13 October 2026, 22:30 in London (21:30 UTC): six weeks old, but quiet hours.
    assert offer_checkins(database_url, trigger, ZONE, now=datetime(2026, 10, 13, 21, 30)) == []
    # The next morning at 09:00 London (08:00 UTC, British Summer Time).
    morning = datetime(2026, 10, 14, 8, 0)
    assert offer_checkins(database_url, trigger, ZONE, now=morning) == [conversation]
    assert trigger.calls == [(conversation, "sms")]
    assert offer_checkins(database_url, trigger, ZONE, now=datetime(2026, 10, 20, 9, 0)) == []
    assert len(trigger.calls) == 1


def test_no_offer_after_stop(database_url):
    parent(database_url, opted_out=True)
    trigger = Trigger()
    assert offer_checkins(database_url, trigger, ZONE, now=datetime(2026, 10, 14, 9, 0)) == []
    assert trigger.calls == []


def test_an_offer_that_could_not_be_sent_is_tried_again(database_url):
    conversation = parent(database_url)
    now = datetime(2026, 10, 14, 9, 0)
    assert offer_checkins(database_url, Trigger(fail=True), ZONE, now=now) == []
    with session_scope(database_url) as session:
        assert session.query(MoodOffer).count() == 0
    assert offer_checkins(database_url, Trigger(), ZONE, now=now) == [conversation]
