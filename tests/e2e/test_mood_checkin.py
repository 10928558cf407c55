"""Mood check-ins over REST against the running stack: the form, free-text answers, results
routed to a person, and the risk pathway."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from bot.store.db import session_scope
from bot.store.models import Escalation, MoodCheckin, Person
from tests.e2e.conftest import Conversation

WHOOLEY_1 = "feeling down, depressed or hopeless"
WHOOLEY_2 = "little interest or pleasure"
GAD_1 = "Feeling nervous, anxious or on edge"
GAD_2 = "Not being able to stop or control worrying"
HELP = "need or want help"
# What a score or a label would look like in a message to a parent.
SCORE_TALK = re.compile(r"\d+\s*/\s*\d+|\bscore|PHQ|GAD|EPDS|Whooley|positive|depress(ed|ion) "
                        r"(screen|result)|diagnos", re.IGNORECASE)


def _db(stack) -> str:
    return stack.env["DATABASE_URL"]


def _checkins(stack, sender) -> list[MoodCheckin]:
    with session_scope(_db(stack)) as session:
        person = session.execute(
            select(Person).where(Person.conversation_id == sender)).scalar_one()
        return list(session.execute(
            select(MoodCheckin).where(MoodCheckin.person_id == person.id)
            .order_by(MoodCheckin.id)).scalars())


def _escalations(stack, sender) -> list[Escalation]:
    with session_scope(_db(stack)) as session:
        return list(session.execute(
            select(Escalation).where(Escalation.conversation_id == sender)
            .order_by(Escalation.id)).scalars())


def _answer(conversation: Conversation, text: str, expect: str | None = None) -> str:
    reply = conversation.say_text(text)
    assert not SCORE_TALK.search(reply), reply
    if expect is not None:
        assert expect in reply, (text, reply)
    return reply


def test_a_negative_check_in_on_request(stack, conversation):
    _answer(conversation, "can I do a mood check", WHOOLEY_1)
    _answer(conversation, "no", WHOOLEY_2)
    _answer(conversation, "not really", GAD_1)
    _answer(conversation, "not at all", GAD_2)
    done = _answer(conversation, "a few days")
    assert "Thank you for answering" in done
    (checkin,) = _checkins(stack, conversation.sender)
    assert checkin.outcome == "negative"
    assert json.loads(checkin.answers) == {"mood_whooley_1": False, "mood_whooley_2": False,
                                           "mood_gad2_1": 0, "mood_gad2_2": 1}
    assert _escalations(stack, conversation.sender) == []


def test_a_positive_check_in_offered_to_someone_feeling_low(stack, conversation):
    _answer(conversation, "I've been feeling really low lately", "short questions")
    _answer(conversation, "yes ok", WHOOLEY_1)
    _answer(conversation, "yeah", WHOOLEY_2)
    _answer(conversation, "sometimes", WHOOLEY_2)  # unclear for a yes/no question: asked again
    _answer(conversation, "I have yes", GAD_1)
    _answer(conversation, "most days", GAD_2)
    _answer(conversation, "nearly every day", HELP)
    answers = ["yes please", "a few days", "most days", "every day", "2", "1", "not at all",
               "several days", "never", "not at all",  # PHQ-9, item 9 last
               "sometimes", "a lot", "never", "more than half the days", "0"]  # GAD-7 3-7
    messages = []
    for text in answers:
        messages = conversation.say(text)
        for message in messages:
            assert not SCORE_TALK.search(message.get("text", "")), message
    texts = [m["text"] for m in messages]
    assert len(texts) == 3
    assert "Thank you for answering" in texts[0]
    assert "health visitor" in texts[1] and "get in touch" in texts[1]
    assert "NHS Talking Therapies" in texts[2]

    (checkin,) = _checkins(stack, conversation.sender)
    stored = json.loads(checkin.answers)
    assert stored["mood_whooley_help"] is True
    assert [stored[f"mood_phq9_{i}"] for i in range(1, 10)] == [1, 2, 3, 2, 1, 0, 1, 0, 0]
    assert [stored[f"mood_gad7_{i}"] for i in range(3, 8)] == [1, 2, 0, 2, 0]
    (escalation,) = _escalations(stack, conversation.sender)
    assert (escalation.severity, escalation.category) == ("routine", "mood_checkin")
    assert "PHQ-9 10/27 (positive)" in escalation.summary


def test_a_phq9_item_9_answer_goes_to_the_urgent_pathway_at_once(stack, conversation):
    conversation.say("mood check please")
    for text in ("yes", "no", "not at all", "not at all", "no"):
        conversation.say(text)
    for text in ["not at all"] * 8:
        conversation.say(text)
    reply = conversation.say_text("several days")  # item 9
    assert "999" in reply and "116 123" in reply
    (escalation,) = _escalations(stack, conversation.sender)
    assert (escalation.severity, escalation.category) == ("urgent", "suicide_self_harm")
    (checkin,) = _checkins(stack, conversation.sender)
    assert checkin.outcome == "risk"
    assert "Over the last 2 weeks" not in reply, "no more questions after a risk answer"


def test_a_crisis_mid_check_in_is_answered_then_the_check_in_waits(stack, conversation):
    conversation.say("can we do a mood check in")
    _answer(conversation, "no", WHOOLEY_2)
    reply = conversation.say_text("honestly i just want to end my life")
    assert "999" in reply and "CARRY ON" in reply
    (escalation,) = _escalations(stack, conversation.sender)
    assert escalation.severity == "urgent"
    _answer(conversation, "carry on", WHOOLEY_2)


def test_later_pauses_and_carry_on_resumes_where_it_stopped(stack, conversation):
    conversation.say("mood check")
    _answer(conversation, "nope", WHOOLEY_2)
    assert "CARRY ON" in _answer(conversation, "can we do this later")
    assert "First 1,000 Days" in conversation.say_text("hello")  # something else in between
    _answer(conversation, "carry on", WHOOLEY_2)
    _answer(conversation, "no", GAD_1)
    _answer(conversation, "0", GAD_2)
    assert "Thank you for answering" in _answer(conversation, "not at all")


def test_free_text_answers_are_read_as_parents_write_them(stack, conversation):
    conversation.say("i'd like to check how i'm doing")
    for text in ("yh", "nah"):  # Whooley 1 yes, 2 no
        conversation.say(text)
    assert "didn't catch that" in conversation.say_text("it varies")  # asked again
    conversation.say("3 days")  # GAD-2 item 1 -> 1
    conversation.say("every day")  # GAD-2 item 2 -> 3, positive
    conversation.say("no I'm ok")  # help question
    phq9 = ["not at all", "most days", "more than half the days", "all the time",
            "Several days.", "NEARLY EVERY DAY", "none", "1", "not at all"]
    for text in phq9:
        conversation.say(text)
    gad7 = ["about 10 days", "never", "once or twice", "most days", "12 days"]
    for text in gad7:
        conversation.say(text)
    (checkin,) = _checkins(stack, conversation.sender)
    stored = json.loads(checkin.answers)
    assert stored["mood_whooley_1"] is True and stored["mood_whooley_2"] is False
    assert (stored["mood_gad2_1"], stored["mood_gad2_2"]) == (1, 3)
    assert stored["mood_whooley_help"] is False
    phq = [stored[f"mood_phq9_{i}"] for i in range(1, 10)]
    assert phq == [0, 2, 2, 3, 1, 3, 0, 1, 0]
    assert [stored[f"mood_gad7_{i}"] for i in range(3, 8)] == [2, 0, 1, 2, 3]


def test_stop_mid_check_in_opts_out_and_carry_on_still_finishes_it(stack, conversation):
    conversation.say("mood check")
    _answer(conversation, "no", WHOOLEY_2)
    assert "START" in conversation.say_text("STOP")
    _answer(conversation, "carry on", WHOOLEY_2)
    _answer(conversation, "no", GAD_1)
    _answer(conversation, "not at all", GAD_2)
    assert "Thank you for answering" in _answer(conversation, "not at all")
    with session_scope(_db(stack)) as session:
        person = session.execute(
            select(Person).where(Person.conversation_id == conversation.sender)).scalar_one()
        assert person.opted_out_at is not None, "STOP still stops proactive messages"


def test_the_desk_api_shows_staff_the_check_in_summary(stack, conversation):
    import requests

    from tests.e2e.conftest import DESK_TOKEN

    conversation.say("mood check")
    for text in ("yes", "yes", "not at all", "not at all", "yes"):
        conversation.say(text)
    for _ in range(8):
        conversation.say("several days")
    conversation.say("not at all")
    listed = requests.get(f"{stack.desk_url}/api/escalations",
                          headers={"Authorization": f"Bearer {DESK_TOKEN}"}, timeout=10).json()
    (mine,) = (e for e in listed["escalations"] if e["conversation_id"] == conversation.sender)
    assert mine["category"] == "mood_checkin"
    assert mine["summary"].startswith("Mood check-in") and "PHQ-9 8/27" in mine["summary"]


def test_a_paused_check_in_can_be_finished_in_a_later_session(stack, conversation):
    conversation.say("mood check")
    _answer(conversation, "no", WHOOLEY_2)
    _answer(conversation, "nope", GAD_1)
    assert "CARRY ON" in _answer(conversation, "later")
    conversation.say("/session_start")  # what an hour's silence does
    _answer(conversation, "carry on", GAD_1)
    _answer(conversation, "not at all", GAD_2)
    assert "Thank you for answering" in _answer(conversation, "not at all")
    (checkin,) = _checkins(stack, conversation.sender)
    assert json.loads(checkin.answers) == {"mood_whooley_1": False, "mood_whooley_2": False,
                                           "mood_gad2_1": 0, "mood_gad2_2": 0}
