"""STOP, START and asking for a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import pause_form
from actions.services import people


def _typed_text(tracker: Tracker) -> str | None:
    """The person's own words, or None when they pressed a button."""
    text = tracker.latest_message.get("text") or ""
    return None if text.startswith("/") else text


class ActionOptOut(Action):
    def name(self) -> str:
        return "action_opt_out"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        people().opt_out(tracker.sender_id)
        dispatcher.utter_message(response="utter_opted_out")
        # A form it interrupted is kept, so CARRY ON can finish it later.
        return [*pause_form(dispatcher, tracker, announce=False), SlotSet("opted_out", True)]


class ActionOptIn(Action):
    def name(self) -> str:
        return "action_opt_in"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        people().opt_in(tracker.sender_id)
        dispatcher.utter_message(response="utter_opted_in")
        return [SlotSet("opted_out", False)]


class ActionRequestContact(Action):
    def name(self) -> str:
        return "action_request_contact"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        people().request_contact(tracker.sender_id, _typed_text(tracker))
        dispatcher.utter_message(response="utter_contact_requested")
        return []
