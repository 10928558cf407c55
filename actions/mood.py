"""Mood check-ins: the form asks (wording from bot/mood), reads free-text answers with
bot.mood.answers, and hands the result to bot.mood.checkin. No score is ever said."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.services import checkins, outbox, paging_policy, settings
from bot.escalation.paging import page_due
from bot.mood.answers import FREQUENCY_LABELS, frequency, yes_no
from bot.mood.checkin import ALL_QUESTIONS, NEGATIVE, RISK, question, questions_for
from bot.safety.replies import crisis_reply

YES_NO_BUTTONS = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
FREQUENCY_INTRO = "Over the last 2 weeks, how often have you been bothered by this?"
POSITIVE_REPLIES = ("utter_checkin_done_thanks", "utter_checkin_done_next",
                    "utter_checkin_done_self_referral")


def clear_answers() -> list[EventType]:
    return [SlotSet(slot, None) for slot in ALL_QUESTIONS]


class ActionStartCheckin(Action):
    def name(self) -> str:
        return "action_start_checkin"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_checkin_intro")
        return clear_answers()


class AskMoodQuestion(Action):
    """Asks one question; a subclass per question slot is made below (Rasa looks up
    `action_ask_<slot>` by name)."""

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kind, text = question(self.slot)
        if kind == "yes_no":
            dispatcher.utter_message(text=text, buttons=YES_NO_BUTTONS)
        else:
            dispatcher.utter_message(
                text=f"{FREQUENCY_INTRO}\n{text}",
                buttons=[{"title": label, "payload": label} for label in FREQUENCY_LABELS],
            )
        return []


# Kept in a list: a class nothing refers to would be garbage-collected before Rasa finds it.
ASK_ACTIONS = [type(f"Ask_{slot}", (AskMoodQuestion,), {"slot": slot}) for slot in ALL_QUESTIONS]


class ValidateMoodCheckinForm(FormValidationAction):
    """Which questions remain (bot.mood.checkin decides) and what each answer means."""

    def name(self) -> str:
        return "validate_mood_checkin_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return questions_for({slot: tracker.get_slot(slot) for slot in ALL_QUESTIONS})


def _validator(slot: str):
    kind = question(slot)[0]
    read = yes_no if kind == "yes_no" else frequency

    def validate(
        self: ValidateMoodCheckinForm, value: Any, dispatcher: CollectingDispatcher,
        tracker: Tracker, domain: DomainDict,
    ) -> dict[str, Any]:
        if isinstance(value, bool | int):  # read before (a resumed check-in is re-validated)
            return {slot: value}
        answer = read(value) if isinstance(value, str) else None
        if answer is None:  # unclear: say so briefly; the form asks the question again
            dispatcher.utter_message(response=f"utter_checkin_unclear_{kind}")
        return {slot: answer}

    return validate


for _slot in ALL_QUESTIONS:
    setattr(ValidateMoodCheckinForm, f"validate_{_slot}", _validator(_slot))


class ActionSubmitCheckin(Action):
    """Stores the result; a risk answer gets the crisis reply and a page at once."""

    def name(self) -> str:
        return "action_submit_checkin"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        answers = {slot: tracker.get_slot(slot) for slot in ALL_QUESTIONS}
        result = checkins().record(tracker.sender_id, answers)
        if result.outcome == RISK:
            dispatcher.utter_message(text=crisis_reply("suicide_self_harm"))
            page_due(settings().database_url, paging_policy(), outbox(),
                     conversation_id=tracker.sender_id, background=True)
        elif result.outcome == NEGATIVE:
            dispatcher.utter_message(response="utter_checkin_done_negative")
        else:
            for response in POSITIVE_REPLIES:
                dispatcher.utter_message(response=response)
        return clear_answers()
