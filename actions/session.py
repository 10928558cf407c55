"""Session start: load what lasts about the person from the app's tables into slots."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.services import checkins, people


class ActionSessionStart(Action):
    """Replaces carrying slots over: the tracker holds one session, the database holds the rest."""

    def name(self) -> str:
        return "action_session_start"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        profile = people().profile(tracker.sender_id)
        if profile is not None:
            events += [
                SlotSet("registered", profile.registered),
                SlotSet("opted_out", profile.opted_out),
                SlotSet("stage", profile.stage if profile.registered else None),
                SlotSet("postcode_district", profile.postcode_district),
            ]
            paused = checkins().paused_answers(tracker.sender_id)
            if paused is not None:  # CARRY ON finishes a check-in paused in an earlier session
                events.append(SlotSet("paused_form", "mood_checkin_form"))
                events += [SlotSet(slot, value) for slot, value in paused.items()]
        events.append(ActionExecuted("action_listen"))
        return events
