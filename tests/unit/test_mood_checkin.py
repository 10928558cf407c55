"""Which questions a check-in asks, what the answers lead to, and what is stored."""

import json

from sqlalchemy import select

from bot.mood.checkin import (
    GAD2,
    GAD7_REST,
    HELP,
    PHQ9,
    WHOOLEY,
    CheckinService,
    assess,
    question,
    questions_for,
)
from bot.store.db import session_scope
from bot.store.models import Escalation, MoodCheckin

CALM = {"mood_whooley_1": False, "mood_whooley_2": False, "mood_gad2_1": 1, "mood_gad2_2": 1}


def test_a_negative_screen_asks_four_questions():
    assert questions_for({}) == [*WHOOLEY, *GAD2]
    assert questions_for(CALM) == [*WHOOLEY, *GAD2]
    assert assess(CALM).outcome == "negative"


def test_a_yes_to_whooley_adds_the_help_question_and_the_phq9():
    answers = dict(CALM, mood_whooley_2=True)
    assert questions_for(answers) == [*WHOOLEY, *GAD2, HELP, *PHQ9]


def test_a_positive_gad2_adds_the_rest_of_the_gad7():
    answers = dict(CALM, mood_gad2_1=2)
    assert questions_for(answers) == [*WHOOLEY, *GAD2, *GAD7_REST]
    full = dict(answers, **{slot: 2 for slot in GAD7_REST})
    result = assess(full)
    assert result.outcome == "positive"
    assert [s.instrument for s in result.scores] == ["whooley", "gad2", "gad7"]
    assert "GAD-7 13/21 (positive)" in result.summary


def test_phq9_item_9_above_zero_stops_the_questions_and_is_risk():
    answers = dict(CALM, mood_whooley_1=True, mood_gad2_1=3, mood_whooley_help=True,
                   **{slot: 0 for slot in PHQ9[:-1]}, mood_phq9_9=1)
    assert questions_for(answers)[-1] == "mood_phq9_9", "no GAD-7 questions after it"
    result = assess(answers)
    assert result.outcome == "risk"
    assert "item 9: 1" in result.summary and "wants help: yes" in result.summary


def test_every_question_has_its_published_wording():
    assert question("mood_whooley_1") == ("yes_no", "During the past month, have you often "
                                          "been bothered by feeling down, depressed or hopeless?")
    assert question("mood_gad2_2") == ("frequency",
                                       "Not being able to stop or control worrying")
    assert question(HELP)[0] == "yes_no"
    assert question("mood_phq9_9")[1].startswith("Thoughts that you would be better off dead")


def test_recording_stores_raw_answers_scores_and_escalates_by_outcome(database_url):
    service = CheckinService(database_url)
    assert service.record("c-calm", CALM).escalation_id is None
    positive = service.record("c-low", dict(CALM, mood_whooley_1=True, mood_whooley_help=False,
                                           **{slot: 1 for slot in PHQ9[:-1]}, mood_phq9_9=0))
    risk = service.record("c-risk", dict(CALM, mood_whooley_1=True, mood_whooley_help=True,
                                        **{slot: 0 for slot in PHQ9[:-1]}, mood_phq9_9=2))
    with session_scope(database_url) as session:
        rows = session.execute(select(MoodCheckin).order_by(MoodCheckin.id)).scalars().all()
        assert [r.outcome for r in rows] == ["negative", "positive", "risk"]
        assert json.loads(rows[0].answers) == CALM
        assert json.loads(rows[1].scores)[0] == {
            "instrument": "whooley", "answers": [1, 0], "total": 1, "positive": True,
            "risk": False, "version": rows[1].scoring_key_version}
        routine = session.get(Escalation, positive.escalation_id)
        assert (routine.severity, routine.category) == ("routine", "mood_checkin")
        assert routine.next_page_due_at is None and "PHQ-9 8/27" in routine.summary
        urgent = session.get(Escalation, risk.escalation_id)
        assert (urgent.severity, urgent.category) == ("urgent", "suicide_self_harm")
        assert urgent.next_page_due_at is not None, "due for paging at once"
        assert urgent.trigger_text is None


def test_answers_not_yet_read_count_as_unanswered():
    raw = dict(CALM, mood_gad2_2="a few days", mood_whooley_1="yes")
    assert questions_for(raw) == [*WHOOLEY, *GAD2]


def test_a_paused_check_in_is_kept_for_two_weeks_and_cleared_when_finished(database_url):
    from datetime import datetime, timedelta

    service = CheckinService(database_url)
    paused_at = datetime(2026, 11, 1, 10, 0)
    service.pause("c-pause", {"mood_whooley_1": True, "mood_whooley_2": "unread text"},
                  now=paused_at)
    assert service.paused_answers("c-pause", now=paused_at + timedelta(days=13)) == {
        "mood_whooley_1": True}
    assert service.paused_answers("c-pause", now=paused_at + timedelta(days=15)) is None
    assert service.paused_answers("c-nobody") is None
    service.record("c-pause", CALM, now=paused_at + timedelta(days=1))
    assert service.paused_answers("c-pause", now=paused_at + timedelta(days=2)) is None
