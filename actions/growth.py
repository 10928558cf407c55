"""Children and their measurements: thin adapters over bot.growth.

Adding a child is a form whose answers bot.growth.parsing reads. A measurement is read from the
parent's own message; whatever is missing or unusual is asked in a one-question form that
loops (bot.growth.entry decides what to ask); bot.growth.service assesses, stores and flags.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.services import growth, people, settings
from bot.channels.outbound import store_image
from bot.clock import local_today, long_date
from bot.dates import read_past_date
from bot.growth.centiles import LENGTH, WEIGHT, Assessment
from bot.growth.entry import (
    ASK_CHILD,
    ASK_CONFIRM,
    ASK_DATE,
    ASK_RECHECK,
    ASK_UNIT,
    MAX_DAYS_BACK,
    Entry,
    describe,
)
from bot.growth.flags import weighing_interval_words
from bot.growth.parsing import (
    read_child_name,
    read_gestation,
    read_measurement,
    read_sex,
    read_weight,
)
from bot.growth.service import RECORDED, REFUSE, ChildView, GrowthError, Outcome
from bot.mood.answers import yes_no

logger = logging.getLogger(__name__)
CHILD_SLOTS = ("child_name", "child_sex", "child_birth_date", "child_gestation",
               "child_birth_weight")
NOT_KNOWN = "not known"
KIND_WORDS = {WEIGHT: "weight", LENGTH: "length"}
HEIGHT_FROM_DAYS = 2 * 365  # measured lying down (length) before 2 years, standing (height) after


def kind_word(assessment: Assessment) -> str:
    if assessment.kind == LENGTH and assessment.age_days >= HEIGHT_FROM_DAYS:
        return "height"
    return KIND_WORDS[assessment.kind]
PICTURE_CHANNELS = ("telegram", "rest")  # SMS gets words only


def today() -> date:
    return local_today(settings().timezone)


def _consented(conversation_id: str) -> bool:
    profile = people().profile(conversation_id)
    return bool(profile and profile.consent_given)


# Adding (or correcting) a child ----------------------------------------------------------------


class ActionStartChild(Action):
    """Opens the child form for someone who has agreed to us keeping their details."""

    def name(self) -> str:
        return "action_start_child"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if not _consented(tracker.sender_id):
            dispatcher.utter_message(response="utter_growth_needs_signup")
            return []
        return [SlotSet(slot, None) for slot in CHILD_SLOTS] + [FollowupAction("child_form")]


def _not_known(text: str) -> bool:
    lowered = text.strip().lower()
    return lowered == NOT_KNOWN or yes_no(text) is False or any(
        words in lowered for words in ("not sure", "don't know", "dont know", "dunno",
                                       "can't remember", "cant remember", "no idea", "skip"))


def answered(validate: Callable) -> Callable:
    """Slots cleared when a form starts are validated too: None means "not answered yet"."""
    slot = validate.__name__.removeprefix("validate_")

    @wraps(validate)
    def checked(self: FormValidationAction, value: Any, dispatcher: CollectingDispatcher,
                tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is None:
            return {slot: None}
        return validate(self, value, dispatcher, tracker, domain)

    return checked


class ValidateChildForm(FormValidationAction):
    """Each answer is read by bot.growth.parsing and kept in a plain form (re-readable)."""

    def name(self) -> str:
        return "validate_child_form"

    @answered
    def validate_child_name(self, value: Any, dispatcher: CollectingDispatcher,
                            tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        name = read_child_name(str(value or ""))
        if name is None:
            dispatcher.utter_message(response="utter_child_name_unclear")
        return {"child_name": name}

    @answered
    def validate_child_sex(self, value: Any, dispatcher: CollectingDispatcher,
                           tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        sex = read_sex(str(value or ""))
        if sex is None:
            dispatcher.utter_message(response="utter_child_sex_unclear")
        return {"child_sex": sex}

    @answered
    def validate_child_birth_date(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        reading = read_past_date(str(value or ""), today(), MAX_DAYS_BACK)
        if reading.day is None or reading.problem:
            problem = {"future_date": "future", "too_old": "too_old"}.get(
                reading.problem or "", "unclear")
            dispatcher.utter_message(response=f"utter_child_birth_date_{problem}")
            return {"child_birth_date": None}
        return {"child_birth_date": reading.day.isoformat()}

    @answered
    def validate_child_gestation(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        gestation = read_gestation(str(value or ""))
        if gestation is None:
            dispatcher.utter_message(response="utter_child_gestation_unclear")
            return {"child_gestation": None}
        return {"child_gestation": f"{gestation[0]}+{gestation[1]}"}

    @answered
    def validate_child_birth_weight(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = str(value or "")
        if _not_known(text):
            return {"child_birth_weight": NOT_KNOWN}
        weight = read_weight(text)
        if weight is None:
            dispatcher.utter_message(response="utter_child_birth_weight_unclear")
            return {"child_birth_weight": None}
        child = _child_from_slots(tracker)
        if child is not None and growth().check(
                child, WEIGHT, weight.value, child.birth_date).plausibility == REFUSE:
            dispatcher.utter_message(response="utter_child_birth_weight_unlikely")
            return {"child_birth_weight": None}
        return {"child_birth_weight": f"{weight.value} kg"}


def _child_from_slots(tracker: Tracker) -> ChildView | None:
    """The child as answered so far (id 0: not stored yet), for checking the birth weight."""
    try:
        weeks, days = (int(part) for part in tracker.get_slot("child_gestation").split("+"))
        return ChildView(0, tracker.get_slot("child_name"), tracker.get_slot("child_sex"),
                         date.fromisoformat(tracker.get_slot("child_birth_date")), weeks, days)
    except (AttributeError, TypeError, ValueError):
        return None


class ActionSaveChild(Action):
    def name(self) -> str:
        return "action_save_child"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        child = _child_from_slots(tracker)
        if child is None:
            return []
        weight = tracker.get_slot("child_birth_weight")
        birth_weight = None if weight in (None, NOT_KNOWN) else float(weight.split()[0])
        try:
            saved, created = growth().save_child(
                tracker.sender_id, name=child.name, sex=child.sex, birth_date=child.birth_date,
                gestation=(child.gestation_weeks, child.gestation_days),
                birth_weight_kg=birth_weight,
            )
        except GrowthError:
            logger.exception("growth: child not saved")
            dispatcher.utter_message(response="utter_child_not_saved")
            return [SlotSet(slot, None) for slot in CHILD_SLOTS]
        dispatcher.utter_message(
            response="utter_child_added" if created else "utter_child_updated",
            child_name=saved.name,
        )
        return [SlotSet(slot, None) for slot in CHILD_SLOTS]


# Measurements -----------------------------------------------------------------------------------


def _names(children: list[ChildView]) -> list[str]:
    return [child.name for child in children]


def _assessor(children: list[ChildView]):
    by_name = {child.name: child for child in children}

    def verdict(name: str, kind: str, value: float, day: date) -> str:
        return growth().check(by_name[name], kind, value, day).plausibility

    return verdict


def _advance(entry: Entry, children: list[ChildView]) -> Entry:
    return entry.next_question(_names(children), today(), _assessor(children))


def _what(entry: Entry) -> str:
    """'14lb 3oz (6.44 kg)' for the quantities waiting for a check."""
    kinds = entry.unusual or entry.kinds
    return " and ".join(
        describe(kind, quantity.value, quantity.written)
        for kind in kinds if (quantity := entry.quantity(kind)) is not None
    )


class ActionReadMeasurement(Action):
    """Reads the parent's message; records it at once when nothing needs asking."""

    def name(self) -> str:
        return "action_read_measurement"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if not _consented(tracker.sender_id):
            dispatcher.utter_message(response="utter_growth_needs_signup")
            return []
        children = growth().children(tracker.sender_id)
        if not children:
            dispatcher.utter_message(response="utter_growth_no_child")
            return []
        text = tracker.latest_message.get("text") or ""
        correction = tracker.latest_message.get("intent", {}).get("name") == "correct_measurement"
        reading = read_measurement(text, today(), _names(children))
        entry = _advance(Entry.start(reading, text, correction), children)
        if entry.ask is None:
            return record_entry(dispatcher, tracker, entry, children)
        return [SlotSet("growth_entry", entry.dumps()), SlotSet("growth_answer", None),
                FollowupAction("growth_form")]


class ActionAskGrowthAnswer(Action):
    """Asks whatever the measurement still needs (bot.growth.entry chose it)."""

    def name(self) -> str:
        return "action_ask_growth_answer"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        entry = Entry.loads(tracker.get_slot("growth_entry"))
        if entry is None:
            return []
        if entry.ask == ASK_UNIT:
            response = {WEIGHT: "utter_growth_ask_unit", LENGTH: "utter_growth_ask_length_unit"}
            dispatcher.utter_message(response=response.get(entry.kind_hint,
                                                           "utter_growth_ask_any_unit"),
                                     number=f"{entry.bare_number:g}")
        elif entry.ask == ASK_CHILD:
            names = _names(growth().children(tracker.sender_id))
            dispatcher.utter_message(
                text="Which child is that for?",
                buttons=[{"title": name, "payload": name} for name in names],
            )
        elif entry.ask == ASK_DATE:
            dispatcher.utter_message(response="utter_growth_ask_date")
        elif entry.ask in (ASK_RECHECK, ASK_CONFIRM):
            response = "utter_growth_ask_recheck" if entry.ask == ASK_RECHECK else (
                "utter_growth_ask_confirm")
            dispatcher.utter_message(response=response, what=_what(entry),
                                     child_name=entry.child)
        else:
            response = {"bad_number": "utter_growth_ask_figure_unlikely",
                        "several_values": "utter_growth_ask_one_figure"}
            dispatcher.utter_message(
                response=response.get(entry.problem or "", "utter_growth_ask_figure"))
        return []


class ValidateGrowthForm(FormValidationAction):
    """Folds each answer into the entry; the form ends once nothing is left to ask."""

    def name(self) -> str:
        return "validate_growth_form"

    @answered
    def validate_growth_answer(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        entry = Entry.loads(tracker.get_slot("growth_entry"))
        if entry is None:
            return {"growth_answer": "done"}
        children = growth().children(tracker.sender_id)
        entry = _advance(entry.answer(str(value or ""), today(), _names(children)), children)
        return {"growth_entry": entry.dumps(),
                "growth_answer": "done" if entry.ask is None else None}


class ActionRecordMeasurement(Action):
    """After the questions: record the entry, or say it was left."""

    def name(self) -> str:
        return "action_record_measurement"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        entry = Entry.loads(tracker.get_slot("growth_entry"))
        done = [SlotSet("growth_entry", None), SlotSet("growth_answer", None)]
        if entry is None:
            return done
        if entry.cancelled:
            dispatcher.utter_message(response="utter_growth_cancelled")
            return done
        children = growth().children(tracker.sender_id)
        return record_entry(dispatcher, tracker, entry, children) + done


def record_entry(dispatcher: CollectingDispatcher, tracker: Tracker, entry: Entry,
                 children: list[ChildView]) -> list[EventType]:
    """Store each quantity of a complete entry and tell the parent where it sits."""
    child = next((c for c in children if c.name == entry.child), None)
    if child is None:
        dispatcher.utter_message(response="utter_growth_not_saved")
        return []
    day = entry.day(today())
    outcomes: list[tuple[Outcome, str]] = []
    try:
        for kind in entry.kinds:
            quantity = entry.quantity(kind)
            outcome = growth().record(
                tracker.sender_id, child.id, kind, quantity.value, day, source=entry.source,
                raw_text=entry.text, confirmed=entry.confirmed, correction=entry.correction,
            )
            outcomes.append((outcome, quantity.written))
    except GrowthError:
        logger.exception("growth: measurement not saved")
        dispatcher.utter_message(response="utter_growth_not_saved")
        return []
    recorded = [(o, written) for o, written in outcomes if o.status == RECORDED]
    if not recorded:  # the figure changed between asking and recording: ask again next time
        dispatcher.utter_message(response="utter_growth_cancelled")
        return []
    first = recorded[0][0]
    dispatcher.utter_message(
        response="utter_growth_recorded",
        child_name=child.name,
        what_recorded=" and ".join(
            f"{kind_word(o.assessment)} {describe(o.assessment.kind, o.assessment.value, w)}"
            for o, w in recorded),
        date_text=long_date(day),
        placement=placement(first.assessment, [o.assessment for o, _ in recorded]),
    )
    if any(o.superseded_id for o, _ in recorded):
        dispatcher.utter_message(response="utter_growth_corrected")
    if any(o.flags for o, _ in recorded):
        dispatcher.utter_message(response="utter_growth_flagged", child_name=child.name)
    elif first.weighed_too_soon:
        dispatcher.utter_message(response="utter_growth_too_soon",
                                 interval=weighing_interval_words(child.facts, day))
    send_chart(dispatcher, tracker, child, recorded[0][0].assessment.kind)
    return []


def placement(first: Assessment, assessments: list[Assessment]) -> str:
    """'At 4 months, that's between the 25th and 50th centile lines.' for each quantity."""
    if len(assessments) == 1:
        return f"At {first.age_text}, that's {first.band}."
    parts = [f"the {kind_word(a)} is {a.band}" for a in assessments]
    return f"At {first.age_text}, " + " and ".join(parts) + "."


def send_chart(dispatcher: CollectingDispatcher, tracker: Tracker, child: ChildView,
               kind: str) -> None:
    """The growth chart picture, on channels that can show one."""
    if tracker.get_latest_input_channel() not in PICTURE_CHANNELS:
        return
    try:
        image = store_image(settings().database_url, growth().chart(child.id, kind))
    except Exception:  # a chart is a nicety: the measurement is already safe
        logger.exception("growth: chart not drawn")
        return
    dispatcher.utter_message(response="utter_growth_chart_caption", child_name=child.name,
                             what=KIND_WORDS[kind], image=image)


class ActionShowGrowthChart(Action):
    """'Show me her chart': the latest measurement in words, and the chart picture."""

    def name(self) -> str:
        return "action_show_growth_chart"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        children = growth().children(tracker.sender_id)
        if not children:
            dispatcher.utter_message(response="utter_growth_no_child")
            return []
        text = tracker.latest_message.get("text") or ""
        named = read_measurement(text, today(), _names(children)).child
        kind = LENGTH if any(word in text.lower() for word in ("length", "height", "tall",
                                                              "long")) else WEIGHT
        for child in [c for c in children if named in (None, c.name)][:3]:
            latest = growth().latest(child.id, kind)
            if latest is None:
                dispatcher.utter_message(response="utter_growth_no_measurements",
                                         child_name=child.name)
                continue
            dispatcher.utter_message(
                response="utter_growth_latest", child_name=child.name, what=kind_word(latest),
                value=describe(kind, latest.value), date_text=long_date(latest.observed_on),
                band=latest.band,
            )
            send_chart(dispatcher, tracker, child, kind)
        return []

