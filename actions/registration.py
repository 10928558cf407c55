"""Sign-up with consent: the form asks, bot.people parses and stores."""

from __future__ import annotations

from datetime import date
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.services import people, settings
from bot.clock import local_today, long_date
from bot.content import load as load_content
from bot.people.postcode import extract_district
from bot.people.stage import Stage, parse_stage

FORM_SLOTS = ("consent_given", "stage_answer", "postcode_answer")


class ActionStartRegistration(Action):
    """Clears earlier answers; someone who already consented is not asked again."""

    def name(self) -> str:
        return "action_start_registration"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        profile = people().profile(tracker.sender_id)
        already_consented = bool(profile and profile.consent_given)
        events: list[EventType] = [SlotSet(slot, None) for slot in FORM_SLOTS]
        if already_consented:
            events.append(SlotSet("consent_given", True))
        return events


class ActionAskConsentGiven(Action):
    """Shows the current privacy notice; its version is what the consent record stores."""

    def name(self) -> str:
        return "action_ask_consent_given"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        notice = load_content("privacy_notice")
        dispatcher.utter_message(
            text=notice["text"],
            buttons=[
                {"title": "Yes, that's OK", "payload": "/affirm"},
                {"title": "No thanks", "payload": "/deny"},
            ],
        )
        return []


class ValidateRegistrationForm(FormValidationAction):
    def name(self) -> str:
        return "validate_registration_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        # A "no" to the notice ends the form: only the consent answer itself is still checked.
        if tracker.get_slot("consent_given") is False:
            return ["consent_given"]
        return domain_slots

    # Slots cleared by action_start_registration are validated too: None means "not answered".

    def validate_consent_given(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {"consent_given": None}
        given = bool(value)
        people().record_consent(
            tracker.sender_id, given, load_content("privacy_notice")["version"]
        )
        if not given:
            dispatcher.utter_message(response="utter_consent_declined")
        return {"consent_given": given}

    def validate_stage_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {"stage_answer": None}
        stage = parse_stage(str(value or ""), local_today(settings().timezone))
        if stage is None:
            dispatcher.utter_message(response="utter_stage_unclear")
            return {"stage_answer": None}
        return {
            "stage_answer": value,
            "stage": stage.kind,
            "due_date": stage.due_date.isoformat() if stage.due_date else None,
            "baby_birth_date": stage.birth_date.isoformat() if stage.birth_date else None,
        }

    def validate_postcode_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {"postcode_answer": None}
        district = extract_district(str(value or ""))
        if district is None:
            dispatcher.utter_message(response="utter_postcode_unclear")
            return {"postcode_answer": None}
        return {"postcode_answer": value, "postcode_district": district}


def _slot_date(tracker: Tracker, slot: str) -> date | None:
    value = tracker.get_slot(slot)
    return date.fromisoformat(value) if value else None


class ActionSubmitRegistration(Action):
    def name(self) -> str:
        return "action_submit_registration"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if not tracker.get_slot("consent_given"):
            return []
        stage = Stage(
            kind=tracker.get_slot("stage"),
            due_date=_slot_date(tracker, "due_date"),
            birth_date=_slot_date(tracker, "baby_birth_date"),
        )
        district = tracker.get_slot("postcode_district")
        people().register(tracker.sender_id, stage, district)
        dispatcher.utter_message(
            response=f"utter_registered_{stage.kind}",
            due_date_text=long_date(stage.due_date) if stage.due_date else "",
            birth_date_text=long_date(stage.birth_date) if stage.birth_date else "",
            postcode_district=district,
        )
        return [SlotSet("registered", True)]
