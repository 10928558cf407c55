"""A measurement entered by text: which question comes next, how each answer is folded in, and
that nothing is guessed (unit, child and date are asked; unlikely figures are checked first)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.growth.entry import (
    ASK_CHILD,
    ASK_CONFIRM,
    ASK_DATE,
    ASK_FIGURE,
    ASK_RECHECK,
    ASK_UNIT,
    Entry,
    describe,
)
from bot.growth.parsing import LENGTH, WEIGHT, Quantity, read_measurement

TODAY = date(2026, 11, 24)  # a Tuesday
ONE = ["Ava"]
TWO = ["Leo", "Mia"]


def assess(child: str, kind: str, value: float, observed_on: date) -> str:
    """Stands in for the centile check: heavy weights and long lengths are unusual or refused."""
    limits = {WEIGHT: (12.0, 20.0), LENGTH: (90.0, 110.0)}
    check, refuse = limits[kind]
    if value > refuse:
        return "refuse"
    return "check" if value > check else "ok"


def begin(text: str, children: list[str] = ONE) -> Entry:
    """What the assistant does with a parent's first message about a measurement."""
    reading = read_measurement(text, TODAY, children)
    return Entry.start(reading, text).next_question(children, TODAY, assess)


def reply(entry: Entry, text: str, children: list[str] = ONE) -> Entry:
    """What the assistant does with the parent's answer to the question it asked."""
    return entry.answer(text, TODAY, children).next_question(children, TODAY, assess)


# One entry waiting at each question, for the tests that run across all of them.
AT_EACH_QUESTION = [
    ("she is 7.4 now", ONE, ASK_UNIT),
    ("weighed 7.4kg", TWO, ASK_CHILD),
    ("weighed 7.4kg on 45/13", ONE, ASK_DATE),
    ("weighed 7..4kg", ONE, ASK_FIGURE),
    ("weighed 25kg", ONE, ASK_RECHECK),
    ("weighed 13kg", ONE, ASK_CONFIRM),
]


def test_a_complete_message_needs_no_question_and_the_only_child_is_filled_in():
    entry = begin("Ava weighed 7.4kg yesterday at clinic")
    assert entry.ask is None
    assert entry.child == "Ava"
    assert entry.quantities == [[WEIGHT, 7.4, "7.4kg"]]
    assert entry.day(TODAY) == date(2026, 11, 23)
    assert entry.source == "clinic"
    assert not entry.cancelled and not entry.confirmed


def test_an_entry_without_a_date_is_taken_as_today():
    entry = begin("weighed 7.4kg")
    assert entry.observed_on is None and entry.day(TODAY) == TODAY


def test_a_number_without_a_unit_asks_for_it_and_kg_fills_it_in():
    entry = begin("she is 7.4 now")
    assert (entry.ask, entry.bare_number, entry.quantities) == (ASK_UNIT, 7.4, [])
    done = reply(entry, "kg")
    assert done.ask is None
    assert done.quantity(WEIGHT) == Quantity(WEIGHT, 7.4, "7.4 kg")
    assert done.problem is None and done.bare_number is None


def test_pounds_as_the_unit_answer_are_converted_to_kg():
    done = reply(begin("she is 7.4 now"), "pounds")
    assert done.ask is None
    kind, value, written = done.quantities[0]
    assert (kind, written) == (WEIGHT, "7.4 lb")
    assert value == pytest.approx(7.4 * 0.45359237, abs=0.001)


def test_a_unit_of_the_wrong_kind_is_asked_again():
    """'she measured 65' is a length: 'kg' cannot be its unit, 'cm' can."""
    entry = begin("she measured 65 today")
    assert (entry.ask, entry.kind_hint) == (ASK_UNIT, LENGTH)
    assert reply(entry, "kg").ask == ASK_UNIT
    done = reply(entry, "cm")
    assert done.ask is None and done.quantity(LENGTH) == Quantity(LENGTH, 65.0, "65 cm")


def test_with_two_children_and_no_name_the_child_is_asked_and_a_lowercase_name_picks_one():
    entry = begin("weighed 7.4kg", TWO)
    assert entry.ask == ASK_CHILD and entry.child is None
    done = reply(entry, "mia", TWO)
    assert done.ask is None and done.child == "Mia"
    assert done.quantities == [[WEIGHT, 7.4, "7.4kg"]]


def test_a_name_in_the_message_needs_no_question():
    entry = begin("Leo weighed 7.4kg", TWO)
    assert entry.ask is None and entry.child == "Leo"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("weighed 7.4kg on 45/13", "unclear_date"),
        ("weighed 7.4kg tomorrow", "future_date"),
        ("weighed 7.4kg on 1/1/2020", "too_old"),
    ],
)
def test_a_date_that_cannot_be_used_is_asked_again_and_yesterday_settles_it(text, problem):
    entry = begin(text)
    assert (entry.ask, entry.problem) == (ASK_DATE, problem)
    assert entry.quantities == [[WEIGHT, 7.4, "7.4kg"]], "the figure waits for the date"
    done = reply(entry, "yesterday")
    assert done.ask is None and done.problem is None
    assert done.observed_on == "2026-11-23"
    assert done.quantities == [[WEIGHT, 7.4, "7.4kg"]]


@pytest.mark.parametrize(
    ("text", "problem"),
    [("weighed 7..4kg", "bad_number"), ("weighed 7.4kg and 7.9kg", "several_values")],
)
def test_a_figure_that_cannot_be_read_is_asked_for_and_a_proper_one_replaces_it(text, problem):
    entry = begin(text)
    assert (entry.ask, entry.problem, entry.quantities) == (ASK_FIGURE, problem, [])
    done = reply(entry, "7.9kg")
    assert done.ask is None and done.problem is None
    assert done.quantities == [[WEIGHT, 7.9, "7.9kg"]]


def test_a_refused_figure_is_sent_back_and_a_resent_one_replaces_only_that_kind():
    entry = begin("weighed 25kg and 65cm long")
    assert entry.ask == ASK_RECHECK and entry.unusual == [WEIGHT]
    done = reply(entry, "sorry, 7.5kg")
    assert done.ask is None and done.unusual == []
    assert sorted(done.quantities) == [[LENGTH, 65.0, "65cm"], [WEIGHT, 7.5, "7.5kg"]]


def test_a_resent_figure_that_is_still_refused_is_sent_back_again():
    entry = reply(begin("weighed 25kg"), "26kg")
    assert entry.ask == ASK_RECHECK and entry.quantities == [[WEIGHT, 26.0, "26kg"]]


def test_an_unusual_figure_is_confirmed_before_it_is_recorded():
    entry = begin("weighed 13kg")
    assert entry.ask == ASK_CONFIRM and entry.unusual == [WEIGHT]
    assert not entry.confirmed
    done = reply(entry, "yes")
    assert done.ask is None and done.confirmed and not done.cancelled
    assert done.unusual == [] and done.quantities == [[WEIGHT, 13.0, "13kg"]]


def test_no_to_the_confirm_question_cancels_the_entry():
    done = reply(begin("weighed 13kg"), "no")
    assert done.ask is None and done.cancelled and not done.confirmed


def test_a_new_figure_after_a_confirm_is_checked_afresh():
    """Confirming one figure does not carry over to a different one sent later."""
    confirmed = reply(begin("weighed 13kg"), "yes")
    again = reply(confirmed, "actually 14kg")
    assert again.ask == ASK_CONFIRM and not again.confirmed


@pytest.mark.parametrize("words", ["cancel", "never mind", "Forget it, thanks"])
@pytest.mark.parametrize(("text", "children", "asked"), AT_EACH_QUESTION)
def test_cancel_at_any_question_ends_the_entry(text, children, asked, words):
    entry = begin(text, children)
    assert entry.ask == asked
    done = reply(entry, words, children)
    assert done.cancelled and done.ask is None and not done.confirmed


@pytest.mark.parametrize(
    ("text", "children", "answer", "asked"),
    [
        ("she is 7.4 now", ONE, "dunno", ASK_UNIT),
        ("she is 7.4 now", ONE, "metric", ASK_UNIT),  # metric or imperial needs a kind
        ("weighed 7.4kg", TWO, "both of them", ASK_CHILD),
        ("weighed 7.4kg on 45/13", ONE, "not sure", ASK_DATE),
        ("weighed 7..4kg", ONE, "sorry", ASK_FIGURE),
        ("weighed 13kg", ONE, "maybe", ASK_CONFIRM),
    ],
)
def test_an_answer_that_cannot_be_read_leaves_the_same_question(text, children, answer, asked):
    entry = begin(text, children)
    again = reply(entry, answer, children)
    assert again.ask == asked
    assert not again.cancelled and not again.confirmed
    assert again.child == entry.child and again.observed_on == entry.observed_on


def test_without_an_assessor_a_complete_entry_is_ready():
    reading = read_measurement("weighed 25kg", TODAY, ONE)
    entry = Entry.start(reading, "weighed 25kg").next_question(ONE, TODAY, None)
    assert entry.ask is None and entry.child == "Ava"


def test_the_assessor_is_given_the_child_kind_value_and_day():
    seen = []

    def recording(child: str, kind: str, value: float, observed_on: date) -> str:
        seen.append((child, kind, value, observed_on))
        return "ok"

    entry = Entry.start(read_measurement("Mia 65cm long last tuesday", TODAY, TWO), "x")
    assert entry.next_question(TWO, TODAY, recording).ask is None
    assert seen == [("Mia", LENGTH, 65.0, date(2026, 11, 17))]


def test_a_correction_is_remembered_through_the_questions():
    entry = Entry.start(read_measurement("sorry she is 7.4", TODAY, ONE), "x", correction=True)
    entry = entry.next_question(ONE, TODAY, assess)
    assert entry.ask == ASK_UNIT
    done = reply(entry, "kg")
    assert done.correction and done.ask is None


@pytest.mark.parametrize(("text", "children", "asked"), AT_EACH_QUESTION)
def test_an_entry_survives_the_slot_unchanged(text, children, asked):
    entry = begin(text, children)
    assert entry.ask == asked
    restored = Entry.loads(entry.dumps())
    assert restored == entry
    assert reply(restored, "cancel", children).cancelled


@pytest.mark.parametrize(
    "raw", [None, "", "not json", "[1, 2]", "null", "42", '{"bogus": 1}', '{"quantities": []}'],
)
def test_a_slot_that_is_not_an_entry_loads_as_none(raw):
    assert Entry.loads(raw) is None


@pytest.mark.parametrize(
    ("kind", "value", "written", "words"),
    [
        (WEIGHT, 7.4, "7.4kg", "7.4 kg"),
        (WEIGHT, 7.4, None, "7.4 kg"),
        (WEIGHT, 6.861, "15lb 2oz", "15lb 2oz (6.86 kg)"),
        (WEIGHT, 3.357, " 7.4 lb ", "7.4 lb (3.36 kg)"),
        (LENGTH, 65.04, "65cm", "65 cm"),
        (LENGTH, 61.5, "61.5 centimetres", "61.5 cm"),
        (LENGTH, 66.04, "26 in", "26 in (66 cm)"),
    ],
)
def test_describe_gives_metric_with_the_parents_own_imperial_words(kind, value, written, words):
    assert describe(kind, value, written) == words


def test_answering_the_unit_keeps_the_measurement_already_read():
    entry = begin("she is 65cm long and weighs 7.4")
    assert entry.ask == ASK_UNIT
    done = reply(entry, "kg")
    assert done.ask is None
    assert sorted(done.kinds) == [LENGTH, WEIGHT]
    assert done.quantity(LENGTH).value == pytest.approx(65.0)


def test_a_figure_resent_at_the_confirm_question_replaces_only_its_own_kind():
    entry = begin("13kg and 65cm")
    assert entry.ask == ASK_CONFIRM
    fixed = reply(entry, "actually 7.5kg")
    assert fixed.ask is None
    assert fixed.quantity(WEIGHT).value == pytest.approx(7.5)
    assert fixed.quantity(LENGTH).value == pytest.approx(65.0)


def test_words_without_a_figure_at_the_recheck_question_keep_the_entry_and_ask_again():
    entry = begin("25kg and 65cm")
    assert entry.ask == ASK_RECHECK
    again = reply(entry, "she's fine")
    assert again.ask == ASK_RECHECK
    assert again.quantity(LENGTH).value == pytest.approx(65.0)
