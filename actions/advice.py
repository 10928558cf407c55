"""Advice and the baby café finder: thin adapters over bot.advice and bot.cafes.

The answer is chosen by bot.advice from the parent's words and what the conversation said before
(the topic, personal factors such as diabetes, first baby or not); its text comes from the
content files under bot/content/advice, each with its source and review date.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.services import cafes, people
from bot.advice import Advice, AdviceContext, answer
from bot.cafes.directory import Search
from bot.people.postcode import extract_district, written_district

TOPIC_OF_INTENT = {
    "ask_preconception": "preconception",
    "ask_birth_place": "birth_setting",
    "ask_breastfeeding": "breastfeeding",
}
CAFE_BUTTON = {"title": "Find a baby café", "payload": "/find_baby_cafe"}
KM_PER_MILE = 1.609344
HELPLINE_QUESTION = "breastfeeding helpline number"


def on_sms(tracker: Tracker) -> bool:
    return tracker.get_latest_input_channel() == "sms"


class ActionGiveAdvice(Action):
    def name(self) -> str:
        return "action_give_advice"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        context = AdviceContext(
            topic=tracker.get_slot("advice_topic"),
            last_key=tracker.get_slot("advice_last_key"),
            factors=frozenset(tracker.get_slot("advice_factors") or ()),
            first_baby=tracker.get_slot("advice_first_baby"),
        )
        try:
            advice = answer(tracker.latest_message.get("text") or "",
                            TOPIC_OF_INTENT.get(intent), context)
        except LookupError:  # nothing in the words or the conversation says what it is about
            dispatcher.utter_message(response="utter_help")
            return []
        say_advice(dispatcher, tracker, advice)
        kept = advice.context
        return [
            SlotSet("advice_topic", kept.topic),
            SlotSet("advice_last_key", kept.last_key),
            SlotSet("advice_factors", sorted(kept.factors)),
            SlotSet("advice_first_baby", kept.first_baby),
        ]


def say_advice(dispatcher: CollectingDispatcher, tracker: Tracker, advice: Advice) -> None:
    """The short SMS text, or the fuller text with follow-up buttons elsewhere."""
    if on_sms(tracker):
        dispatcher.utter_message(text=advice.sms)
        if advice.offer_cafe:
            dispatcher.utter_message(response="utter_cafe_offer_sms")
        return
    buttons = [{"title": title, "payload": payload} for title, payload in advice.buttons]
    if advice.offer_cafe:
        buttons.append(CAFE_BUTTON)
    dispatcher.utter_message(text=advice.telegram, buttons=buttons)


def _location(tracker: Tracker) -> tuple[float, float] | None:
    values = {e.get("entity"): e.get("value") for e in tracker.latest_message.get("entities", [])}
    try:
        return float(values["latitude"]), float(values["longitude"])
    except (KeyError, TypeError, ValueError):
        return None


class ActionFindBabyCafe(Action):
    """The 1-3 nearest cafés to a district named in the message, a shared location, or the
    person's registered district; with the next session in UK time and how to get there."""

    def name(self) -> str:
        return "action_find_baby_cafe"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        point = _location(tracker)
        if point is not None:
            search, origin = cafes().near_point(*point), "where you are"
        else:
            text = tracker.latest_message.get("text") or ""
            district = extract_district(text)
            unknown = None if district else written_district(text)
            if unknown is not None:
                dispatcher.utter_message(response="utter_cafe_unknown_area", district=unknown)
                return []
            if district is None:
                profile = people().profile(tracker.sender_id)
                district = profile.postcode_district if profile else None
            if district is None:
                dispatcher.utter_message(response="utter_cafe_ask_area" if on_sms(tracker)
                                         else "utter_cafe_ask_area_telegram")
                return []
            search, origin = cafes().near_district(district), district
            if not search.origin_known:
                dispatcher.utter_message(response="utter_cafe_unknown_area", district=district)
                return []
        tell_results(dispatcher, tracker, search, origin)
        return []


def tell_results(dispatcher: CollectingDispatcher, tracker: Tracker, search: Search,
                 origin: str) -> None:
    if not search.results:  # the national helpline instead, from the breastfeeding content
        dispatcher.utter_message(response="utter_cafe_none_nearby", origin=origin)
        say_advice(dispatcher, tracker, answer(HELPLINE_QUESTION, "breastfeeding",
                                               AdviceContext()))
        return
    lines = []
    for found in search.results:
        cafe = found.cafe
        miles = found.distance_km / KM_PER_MILE
        when = f"next {found.when}" if found.when else "no session in the next few weeks"
        lines.append(f"{cafe.name}, {cafe.venue}, {cafe.address}, {cafe.postcode} "
                     f"({miles:.1f} miles): {when}.")
    dispatcher.utter_message(response="utter_cafe_found", origin=origin,
                             cafes="\n".join(lines))
