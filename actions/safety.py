"""After the crisis reply (a Rasa response, sent even if this server is down): page at once
and pause whatever form the message interrupted, without losing its answers."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.services import checkins, outbox, paging_policy, settings
from bot.escalation.paging import page_due
from bot.mood.checkin import ALL_QUESTIONS

PAUSE_MESSAGES = {
    "registration_form": "utter_paused_sign_up",
    "mood_checkin_form": "utter_checkin_paused",
}


def pause_form(dispatcher: CollectingDispatcher, tracker: Tracker,
               announce: bool = True) -> list[EventType]:
    """Leave the active form, keeping its answers, so CARRY ON picks it up where it stopped."""
    events: list[EventType] = [ActiveLoop(None), SlotSet("requested_slot", None)]
    paused = tracker.active_loop.get("name")
    if paused == "mood_checkin_form":  # kept beyond this session too
        checkins().pause(tracker.sender_id,
                         {slot: tracker.get_slot(slot) for slot in ALL_QUESTIONS})
    if paused:
        events.append(SlotSet("paused_form", paused))
        if announce and paused in PAUSE_MESSAGES:
            dispatcher.utter_message(response=PAUSE_MESSAGES[paused])
    return events


class ActionCrisisFollowup(Action):
    def name(self) -> str:
        return "action_crisis_followup"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        # The escalation was committed by the channel before Rasa ran; this is the fast path
        # to the pager (the scheduler's sweep pages it anyway if this server is down).
        page_due(
            settings().database_url, paging_policy(), outbox(),
            conversation_id=tracker.sender_id, background=True,
        )
        return pause_form(dispatcher, tracker)


class ActionPauseForm(Action):
    """Saying "later" or "not now" in the middle of a form."""

    def name(self) -> str:
        return "action_pause_form"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return pause_form(dispatcher, tracker)


class ActionResume(Action):
    """'Carry on': reopen the paused form where it stopped, or offer the menu."""

    def name(self) -> str:
        return "action_resume"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        paused = tracker.get_slot("paused_form")
        if not paused:
            dispatcher.utter_message(response="utter_nothing_to_resume")
            return []
        return [SlotSet("paused_form", None), FollowupAction(paused)]
