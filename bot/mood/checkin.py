"""A mood check-in: which questions to ask, what the answers mean, and what happens next.

Whooley and GAD-2 come first (NICE CG192 1.5.4-1.5.5). A yes to either Whooley question adds
the help question and the PHQ-9; a positive GAD-2 adds the rest of the GAD-7 (its first two
items are the GAD-2). A PHQ-9 item 9 answer above 0 stops the questions: the risk pathway
starts at once. Scores go to the health visitor's summary, never to the parent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from bot.escalation.service import open_escalation
from bot.mood.scoring import Score, instrument, instruments, score, scoring_key_version
from bot.people.service import find_person
from bot.store import audit
from bot.store.db import session_scope
from bot.store.models import MoodCheckin, utcnow

WHOOLEY = ("mood_whooley_1", "mood_whooley_2")
GAD2 = ("mood_gad2_1", "mood_gad2_2")
HELP = "mood_whooley_help"
PHQ9 = tuple(f"mood_phq9_{i}" for i in range(1, 10))
GAD7_REST = tuple(f"mood_gad7_{i}" for i in range(3, 8))
ALL_QUESTIONS = (*WHOOLEY, *GAD2, HELP, *PHQ9, *GAD7_REST)
RISK_QUESTION = PHQ9[-1]

NEGATIVE, POSITIVE, RISK = "negative", "positive", "risk"
PAUSED = "paused"


def question(slot: str) -> tuple[str, str]:
    """(answer kind, text) for a question slot: kind is "yes_no" or "frequency"."""
    if slot == HELP:
        return "yes_no", instrument("whooley")["help_question"]
    name, number = slot.removeprefix("mood_").rsplit("_", 1)
    spec = instrument(name)
    return spec["answer"], spec["items"][int(number) - 1]


def _read(value: Any) -> int | None:
    """A read answer (bool or 0-3); text not yet read counts as unanswered."""
    return int(value) if isinstance(value, bool | int) else None


def _answered(answers: Mapping[str, Any], slots: tuple[str, ...]) -> list[int] | None:
    values = [_read(answers.get(slot)) for slot in slots]
    return None if any(v is None for v in values) else values


def questions_for(answers: Mapping[str, Any]) -> list[str]:
    """The questions this check-in asks, in order, given the answers so far."""
    slots = [*WHOOLEY, *GAD2]
    if any(_read(answers.get(slot)) == 1 for slot in WHOOLEY):
        slots += [HELP, *PHQ9]
    gad2 = _answered(answers, GAD2)
    if gad2 is not None and score("gad2", gad2).positive:
        slots += GAD7_REST
    if (_read(answers.get(RISK_QUESTION)) or 0) > 0:
        slots = slots[: slots.index(RISK_QUESTION) + 1]
    return slots


@dataclass(frozen=True)
class Assessment:
    scores: tuple[Score, ...]
    outcome: str
    summary: str  # for staff only


def assess(answers: Mapping[str, Any]) -> Assessment:
    """Score every instrument that was answered in full."""
    scores: list[Score] = []
    for name, slots in (("whooley", WHOOLEY), ("gad2", GAD2), ("phq9", PHQ9),
                        ("gad7", (*GAD2, *GAD7_REST))):
        values = _answered(answers, slots)
        if values is not None:
            scores.append(score(name, values))
    if any(s.risk for s in scores):
        outcome = RISK
    elif any(s.positive for s in scores):
        outcome = POSITIVE
    else:
        outcome = NEGATIVE
    return Assessment(tuple(scores), outcome, _summary(scores, answers.get(HELP)))


LABELS = {"whooley": "Whooley", "gad2": "GAD-2", "phq9": "PHQ-9", "gad7": "GAD-7"}


def _summary(scores: list[Score], wants_help: bool | None) -> str:
    parts = []
    for result in scores:
        top = len(result.answers) * (1 if result.instrument == "whooley" else 3)
        flag = "positive" if result.positive else "negative"
        text = f"{LABELS[result.instrument]} {result.total}/{top} ({flag})"
        if result.instrument == "whooley" and wants_help is not None:
            text += f", wants help: {'yes' if wants_help else 'no'}"
        if result.instrument == "phq9":
            text += f", item 9: {result.answers[-1]}"
        parts.append(text)
    return f"Mood check-in (scoring key {scoring_key_version()}): " + "; ".join(parts)


@dataclass(frozen=True)
class Outcome:
    outcome: str
    escalation_id: int | None


class CheckinService:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def record(self, conversation_id: str, answers: Mapping[str, Any],
               now: datetime | None = None) -> Outcome:
        """Store the answers and scores; a positive result goes to the health visitor's queue
        and a risk answer to the urgent pathway, in the same transaction."""
        now = now or utcnow()
        assessment = assess(answers)
        with session_scope(self.database_url) as session:
            person = find_person(session, conversation_id)
            escalation_id = None
            if assessment.outcome != NEGATIVE:
                urgent = assessment.outcome == RISK
                escalation_id = open_escalation(
                    session, conversation_id,
                    "urgent" if urgent else "routine",
                    "suicide_self_harm" if urgent else "mood_checkin",
                    summary=assessment.summary, actor="mood_checkin", now=now,
                ).id
            self._forget_paused(session, person.id)
            checkin = MoodCheckin(
                person_id=person.id, completed_at=now, answers=_answers_json(answers),
                scores=json.dumps([s.as_dict() for s in assessment.scores]),
                outcome=assessment.outcome, scoring_key_version=scoring_key_version(),
                escalation_id=escalation_id,
            )
            session.add(checkin)
            session.flush()
            audit.record(session, "mood_checkin", "checkin_completed", "mood_checkin",
                         checkin.id, outcome=assessment.outcome)
        return Outcome(assessment.outcome, escalation_id)

    def pause(self, conversation_id: str, answers: Mapping[str, Any],
              now: datetime | None = None) -> None:
        """Keep the answers so far, so the check-in can be finished in a later session."""
        with session_scope(self.database_url) as session:
            person = find_person(session, conversation_id)
            self._forget_paused(session, person.id)
            session.add(MoodCheckin(
                person_id=person.id, completed_at=now or utcnow(),
                answers=_answers_json(answers), scores="[]", outcome=PAUSED,
                scoring_key_version=scoring_key_version(),
            ))

    def paused_answers(self, conversation_id: str,
                       now: datetime | None = None) -> dict[str, Any] | None:
        """The answers of a check-in paused recently enough to finish, if there is one."""
        since = (now or utcnow()) - timedelta(days=instruments()["resume_within_days"])
        with session_scope(self.database_url) as session:
            person = find_person(session, conversation_id, create=False)
            if person is None:
                return None
            paused = session.execute(
                select(MoodCheckin.answers).where(
                    MoodCheckin.person_id == person.id, MoodCheckin.outcome == PAUSED,
                    MoodCheckin.completed_at >= since)
            ).scalar_one_or_none()
        return None if paused is None else json.loads(paused)

    @staticmethod
    def _forget_paused(session, person_id: str) -> None:
        session.execute(delete(MoodCheckin).where(MoodCheckin.person_id == person_id,
                                                  MoodCheckin.outcome == PAUSED))


def _answers_json(answers: Mapping[str, Any]) -> str:
    """Only read answers (bool or 0-3) are kept, never text still waiting to be read."""
    return json.dumps({k: answers[k] for k in ALL_QUESTIONS
                       if isinstance(answers.get(k), bool | int)})
