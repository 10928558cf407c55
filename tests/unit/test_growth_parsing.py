from datetime import date

import pytest

from bot.growth.parsing import (
    LENGTH,
    WEIGHT,
    Quantity,
    read_child_answer,
    read_child_name,
    read_gestation,
    read_measurement,
    read_sex,
    read_unit_answer,
    read_weight,
)

TODAY = date(2026, 11, 24)  # a Tuesday
YESTERDAY = date(2026, 11, 23)
MARCH_3 = date(2026, 3, 3)
KIDS = ("Ava", "Ben")
W, L = WEIGHT, LENGTH


def lb(pounds: float, ounces: float = 0) -> float:
    return (pounds + ounces / 16) * 0.45359237


def inches(feet: float, more: float = 0) -> float:
    return (feet * 12 + more) * 2.54


def approx(kind: str, value: float):
    return pytest.approx(value, abs=0.0005 if kind == W else 0.05)


# (message, children, [(kind, value)], observed_on, child, source)
COMPLETE = [
    ("Ava weighed 7.4 kg today", KIDS, [(W, 7.4)], TODAY, "Ava", None),
    ("14lb 3oz at clinic", (), [(W, lb(14, 3))], None, None, "clinic"),
    ("ben was 7,4kg yesterday at the baby clinic", KIDS, [(W, 7.4)], YESTERDAY, "Ben", "clinic"),
    ("weighed her at home 6.85kg", ("Ava",), [(W, 6.85)], None, "Ava", "home"),
    ("she's 65cm long now", (), [(L, 65)], None, None, None),
    ("Length 61.5 cm and weight 6.2kg on 3/3", (), [(L, 61.5), (W, 6.2)], MARCH_3, None, None),
    # kg, decimal comma, g
    ("ava 6.2 kgs", KIDS, [(W, 6.2)], None, "Ava", None),
    ("AVA 7.4KG", KIDS, [(W, 7.4)], None, "Ava", None),
    ("Ben's weight 8.1 kilos", KIDS, [(W, 8.1)], None, "Ben", None),
    ("gp said 8.2 kilograms", (), [(W, 8.2)], None, None, "clinic"),
    ("3,95 kg", (), [(W, 3.95)], None, None, None),
    ("7400g", (), [(W, 7.4)], None, None, None),
    ("HV said 7,400g this morning", (), [(W, 7.4)], TODAY, None, "clinic"),
    ("7 400 g at the weigh-in", (), [(W, 7.4)], None, None, "clinic"),
    ("3200 grams", (), [(W, 3.2)], None, None, None),
    # lb, lb + oz, st + lb
    ("16.5lb", (), [(W, lb(16.5))], None, None, None),
    ("he weighs 16 and a half pounds", (), [(W, lb(16.5))], None, None, None),
    ("7½lb", (), [(W, lb(7.5))], None, None, None),
    ("he's 14lbs 3 now", (), [(W, lb(14, 3))], None, None, None),
    ("14 pounds 3 ounces at the gp yesterday", (), [(W, lb(14, 3))], YESTERDAY, None, "clinic"),
    ("14lb3oz", (), [(W, lb(14, 3))], None, None, None),
    ("14LB 3OZ on 3 Mar", (), [(W, lb(14, 3))], MARCH_3, None, None),
    ("7lb 2 weeks ago", (), [(W, lb(7))], date(2026, 11, 10), None, None),
    ("weighs 1st 6lb", (), [(W, lb(20))], None, None, None),
    ("1 stone 6 at the chemist", (), [(W, lb(20))], None, None, "clinic"),
    ("1 stone 6 pounds on monday", (), [(W, lb(20))], YESTERDAY, None, None),
    # cm, mm, m, in, ft + in
    ("height 84.5cm", (), [(L, 84.5)], None, None, None),
    ("650mm", (), [(L, 65)], None, None, None),
    ("0.65m long", (), [(L, 65)], None, None, None),
    ("1.02m tall", (), [(L, 102)], None, None, None),
    ("25.5in", (), [(L, inches(0, 25.5))], None, None, None),
    ("25 inches long", (), [(L, inches(0, 25))], None, None, None),
    ("she's 2ft 1in tall", (), [(L, inches(2, 1))], None, None, None),
    ("measured 2 foot 1 at clinic", (), [(L, inches(2, 1))], None, None, "clinic"),
    ("2'1\"", (), [(L, inches(2, 1))], None, None, None),
    ("2’1”", (), [(L, inches(2, 1))], None, None, None),
    ("2 ft 1 today", (), [(L, inches(2, 1))], TODAY, None, None),
    # weight and length together, in the order written
    ("7 kg 65 cm", (), [(W, 7), (L, 65)], None, None, None),
    ("ava 7.4kg 65cm 2day x", KIDS, [(W, 7.4), (L, 65)], TODAY, "Ava", None),
    ("ava's 6.2kg and 61cm, weighed at the GP on 3rd March", KIDS, [(W, 6.2), (L, 61)],
     MARCH_3, "Ava", "clinic"),
    ("wt 7.4kg lngth 65cm", (), [(W, 7.4), (L, 65)], None, None, None),
    # sources
    ("weighed 7.35kg at the chemist on thurs", (), [(W, 7.35)], date(2026, 11, 19), None,
     "clinic"),
    ("midwife weighed her 3.1kg", (), [(W, 3.1)], None, None, "clinic"),
    ("took her to the weigh-in, 6.9kg", (), [(W, 6.9)], None, None, "clinic"),
    ("childrens centre 7.2kg on the 3rd Nov", (), [(W, 7.2)], date(2026, 11, 3), None, "clinic"),
    ("6.85 kg this afternoon at the family hub", (), [(W, 6.85)], TODAY, None, "clinic"),
    ("7.2kg yday at the hospital", (), [(W, 7.2)], YESTERDAY, None, "clinic"),
    ("weighed 3.45kg at her 6 week check", (), [(W, 3.45)], None, None, "clinic"),
    ("HV came round, she was 7.3kg", (), [(W, 7.3)], None, None, "clinic"),
    ("our scales say 7.3kg", (), [(W, 7.3)], None, None, "home"),
    ("I weighed her 7.3 kg", (), [(W, 7.3)], None, None, "home"),
    # dates
    ("weighed 7.4kg 2 days ago", (), [(W, 7.4)], date(2026, 11, 22), None, None),
    ("7.4kg last tuesday", (), [(W, 7.4)], date(2026, 11, 17), None, None),
    ("weighed 7.4 kg on Monday 23rd November", (), [(W, 7.4)], YESTERDAY, None, None),
    ("weighed 7.4kg on sat", (), [(W, 7.4)], date(2026, 11, 21), None, None),
    ("weighed on 3.3, 7.4kg", (), [(W, 7.4)], MARCH_3, None, None),
    ("7kg 3.3.26", (), [(W, 7)], MARCH_3, None, None),
    ("weighed 7.4kg 03/03/2026", (), [(W, 7.4)], MARCH_3, None, None),
    ("2026-03-03 6.2kg", (), [(W, 6.2)], MARCH_3, None, None),
    ("7.4kg on 25/11", (), [(W, 7.4)], date(2025, 11, 25), None, None),
    ("7.4kg on 29/2", (), [(W, 7.4)], date(2024, 2, 29), None, None),
    ("7.4kg at 10:30 this morning", (), [(W, 7.4)], TODAY, None, None),
    # numbers that are not measurements around one that is
    ("weighed 5.2kg, she was born at 34 weeks", (), [(W, 5.2)], None, None, None),
    ("9 wks old and 5.1kg", (), [(W, 5.1)], None, None, None),
    ("5kg, had 2 wet nappies and a 6oz bottle", (), [(W, 5)], None, None, None),
    ("7.4kg at 10am", (), [(W, 7.4)], None, None, None),
    ("she gained 200g, now 7.4kg", (), [(W, 7.4)], None, None, None),
    ("she's 7.4kg up from 7.1kg", (), [(W, 7.4)], None, None, None),
    ("head 42cm, length 64cm", (), [(L, 64)], None, None, None),
    # the same weight in two units is one weight
    ("7.4kg (16lb 5oz)", (), [(W, 7.4)], None, None, None),
    ("7.4kg 😊", (), [(W, 7.4)], None, None, None),
    # one child on record needs no name
    ("7.2kg", ("Ava",), [(W, 7.2)], None, "Ava", None),
]


@pytest.mark.parametrize(("text", "children", "quantities", "observed_on", "child", "source"),
                         COMPLETE)
def test_reads_complete_measurements(text, children, quantities, observed_on, child, source):
    reading = read_measurement(text, TODAY, children)
    assert reading.problem is None
    assert [(q.kind, q.value) for q in reading.quantities] == [
        (kind, approx(kind, value)) for kind, value in quantities
    ]
    assert (reading.observed_on, reading.child, reading.source) == (observed_on, child, source)
    assert reading.bare_number is None


# (message, children, problem, bare_number, kind_hint): nothing can be recorded from these.
NOT_RECORDED = [
    # no unit: never guessed
    ("she's 7.4 now", (), "no_unit", 7.4, None),
    ("weighed 7.4 today", (), "no_unit", 7.4, W),
    ("she's 65 long", (), "no_unit", 65, L),
    ("Weight: 7.4", (), "no_unit", 7.4, W),
    ("its 7,4", (), "no_unit", 7.4, None),
    ("7.4 kg or lb?", (), "no_unit", 7.4, None),
    ("14-3", (), "no_unit", None, None),               # 14lb 3oz, or a date?
    ("7.4 and 65", (), "no_unit", None, None),
    ("7.4 on 31/2", (), "no_unit", 7.4, None),         # no_unit comes before the date
    # several values
    ("7.4 or 7.2kg", (), "several_values", None, None),
    ("7.2-7.4kg", (), "several_values", None, None),
    ("7.4kg 7.5kg", (), "several_values", None, None),
    ("Ava 7.4kg, Ben 8.1kg", KIDS, "several_values", None, None),
    ("65cm or 66cm long", (), "several_values", None, L),
    ("7.4 or 7.2kg on 31/2", (), "several_values", None, None),
    # bad numbers
    ("20oz", (), "bad_number", None, None),            # ounces alone are a feed
    ("2ft 14in", (), "bad_number", None, None),
    ("14lb 16oz", (), "bad_number", None, None),
    ("1st 15lb", (), "bad_number", None, None),
    ("7..4kg", (), "bad_number", None, None),
    ("7.4.2kg", (), "bad_number", None, None),
    ("0kg", (), "bad_number", None, None),
    ("-7kg", (), "bad_number", None, None),
    ("she's 74kg", (), "bad_number", None, None),      # an adult's weight
    ("7.4g", (), "bad_number", None, None),            # the wrong unit
    ("6.5m", (), "bad_number", None, None),
    ("7..4kg tomorrow", (), "bad_number", None, None),
    # no measurement at all
    ("38C", (), "no_number", None, None),
    ("temp 38.5 this morning", (), "no_number", None, None),
    ("38.5°", (), "no_number", None, None),
    ("38 degrees", (), "no_number", None, None),
    ("6 months old", (), "no_number", None, None),
    ("she's 8 weeks", (), "no_number", None, None),
    ("born at 34 weeks", (), "no_number", None, None),
    ("2 nappies since 10am", (), "no_number", None, None),
    ("at 10:30", (), "no_number", None, None),
    ("3/3", (), "no_number", None, None),
    ("head 42cm", (), "no_number", None, None),
    ("hello can I add her weight", (), "no_number", None, W),
    ("", (), "no_number", None, None),
]


@pytest.mark.parametrize(("text", "children", "problem", "bare_number", "kind_hint"),
                         NOT_RECORDED)
def test_unclear_or_malformed_figures_are_never_recorded(
    text, children, problem, bare_number, kind_hint
):
    reading = read_measurement(text, TODAY, children)
    assert reading.problem == problem
    assert reading.quantities == ()
    assert reading.bare_number == (None if bare_number is None else pytest.approx(bare_number))
    assert reading.kind_hint == kind_hint


# (message, children, problem, observed_on, child): the figure is read, and kept while the
# assistant asks the date or the child.
ASK_FIRST = [
    ("7.4kg on 31/2", (), "unclear_date", None, None),
    ("7.4kg last week", (), "unclear_date", None, None),
    ("weighed in March 7.4kg", (), "unclear_date", None, None),
    ("7.4kg 3/3 yesterday", (), "unclear_date", None, None),
    ("7.4kg tomorrow", (), "future_date", date(2026, 11, 25), None),
    ("7.4kg on 25/11/2026", (), "future_date", date(2026, 11, 25), None),
    ("7.4kg on 1/1/2023", (), "too_old", date(2023, 1, 1), None),
    ("7.4kg", KIDS, "which_child", None, None),
    ("Ava and Ben 7.4kg", KIDS, "which_child", None, None),
    ("7.4kg tomorrow", KIDS, "future_date", date(2026, 11, 25), None),
]


@pytest.mark.parametrize(("text", "children", "problem", "observed_on", "child"), ASK_FIRST)
def test_date_or_child_problems_keep_the_figure_for_after_the_question(
    text, children, problem, observed_on, child
):
    reading = read_measurement(text, TODAY, children)
    assert reading.problem == problem
    assert reading.quantities == (Quantity(W, 7.4, "7.4kg"),)
    assert (reading.observed_on, reading.child) == (observed_on, child)


def test_the_other_figure_is_kept_while_a_unit_is_asked():
    reading = read_measurement("weight 7.4 length 65cm", TODAY)
    assert reading.problem == "no_unit"
    assert reading.quantities == (Quantity(L, 65.0, "65cm"),)
    assert (reading.bare_number, reading.kind_hint) == (7.4, W)


def test_values_are_rounded_and_keep_the_words_written():
    reading = read_measurement("14lb 3oz and 2ft 1in", TODAY)
    assert reading.quantities == (
        Quantity(W, 6.435, "14lb 3oz"),
        Quantity(L, 63.5, "2ft 1in"),
    )
    assert read_measurement("ben was 7,4kg", TODAY).quantities == (Quantity(W, 7.4, "7,4kg"),)


def test_children_names_are_whole_words_and_keep_their_spelling():
    assert read_measurement("ava rose 7kg", TODAY, ["Ava Rose", "Ava"]).child == "Ava Rose"
    assert read_measurement("Ava 7kg", TODAY, ["Ava Rose", "Ava"]).child == "Ava"
    assert read_measurement("Avalon 7kg", TODAY, KIDS).problem == "which_child"
    assert read_measurement("7kg", TODAY, ()).child is None


@pytest.mark.parametrize(
    ("text", "number", "kind_hint", "expected"),
    [
        ("kg", 7.4, None, (W, 7.4)),
        ("kilos", 7.4, W, (W, 7.4)),
        ("it was kg x", 7.4, W, (W, 7.4)),
        ("KG!", 7.4, None, (W, 7.4)),
        ("pounds", 16.5, None, (W, lb(16.5))),
        ("lbs", 16, W, (W, lb(16))),
        ("no, pounds", 16, W, (W, lb(16))),
        ("in grams", 7400, None, (W, 7.4)),
        ("cm", 65, None, (L, 65)),
        ("centimetres", 65, L, (L, 65)),
        ("inches", 25.5, None, (L, inches(0, 25.5))),
        ("in", 25, L, (L, inches(0, 25))),
        ("metres", 0.65, None, (L, 65)),
        ("metric", 7.4, W, (W, 7.4)),
        ("imperial", 25, L, (L, inches(0, 25))),
        ("7.4 in kg", 7.4, W, (W, 7.4)),
        ("sorry it was 7.2kg", 7.4, W, (W, 7.2)),     # a whole measurement wins
        ("14lb 3oz", 14.3, None, (W, lb(14, 3))),
    ],
)
def test_unit_answers_apply_the_unit(text, number, kind_hint, expected):
    quantity = read_unit_answer(text, number, kind_hint)
    assert quantity is not None
    assert (quantity.kind, quantity.value) == (expected[0], approx(*expected))


@pytest.mark.parametrize(
    ("text", "number", "kind_hint"),
    [
        ("yes", 7.4, W),
        ("not sure", 7.4, W),
        ("not kg", 7.4, None),
        ("kg or lb", 7.4, None),
        ("lbs and oz", 14.3, W),        # 14lb 3oz or 14.3lb: asked again
        ("ounces", 20, W),
        ("feet", 2.1, L),
        ("metric", 7.4, None),
        ("cm", 65, W),                  # not the kind asked about
        ("grams", 7.4, None),           # 7.4 g is no baby's weight
        ("7.2 in kg", 7.4, W),          # a different number
        ("", 7.4, W),
    ],
)
def test_unclear_unit_answers_are_asked_again(text, number, kind_hint):
    assert read_unit_answer(text, number, kind_hint) is None


CHILDREN = ("Ava", "Ben", "Ellie")


@pytest.mark.parametrize(
    ("text", "child"),
    [
        ("Ava", "Ava"),
        ("ava", "Ava"),
        ("it's ava", "Ava"),
        ("for Ben please", "Ben"),
        ("Ben's", "Ben"),
        ("AVA!!", "Ava"),
        ("ava x", "Ava"),
        ("Elie", "Ellie"),       # one letter dropped
        ("Ellei", "Ellie"),      # two swapped
        ("Elliee", "Ellie"),     # one added
        ("that was ellie thanks", "Ellie"),
        ("both", None),
        ("Ava and Ben", None),
        ("not Ava", None),
        ("Avs", None),           # short names are matched exactly only
        ("the older one", None),
        ("", None),
    ],
)
def test_reads_which_child(text, child):
    assert read_child_answer(text, CHILDREN) == child


@pytest.mark.parametrize(
    ("text", "value", "written"),
    [
        ("7lb 2oz", lb(7, 2), "7lb 2oz"),
        ("3.2kg", 3.2, "3.2kg"),
        ("3200g", 3.2, "3200g"),
        ("7 pounds 2", lb(7, 2), "7 pounds 2"),
        ("8 pound 1 ounce", lb(8, 1), "8 pound 1 ounce"),
        ("about 7lb 2oz I think", lb(7, 2), "7lb 2oz"),
        ("3,2 kg", 3.2, "3,2 kg"),
        ("7lb 2oz (3.23kg)", lb(7, 2), "7lb 2oz"),
        ("7lb", lb(7), "7lb"),
    ],
)
def test_reads_a_birth_weight(text, value, written):
    assert read_weight(text) == Quantity(W, approx(W, value), written)


@pytest.mark.parametrize("text", ["7.2", "7lb 20oz", "0kg", "3.2kg or 3.3kg", "65cm", "", "idk"])
def test_birth_weight_needs_one_weight_with_its_unit(text):
    assert read_weight(text) is None


@pytest.mark.parametrize(
    ("text", "gestation"),
    [
        ("on time", (40, 0)),
        ("full term", (40, 0)),
        ("term", (40, 0)),
        ("at term", (40, 0)),
        ("on her due date", (40, 0)),
        ("34+2", (34, 2)),
        ("34 + 2", (34, 2)),
        ("34 weeks 2 days", (34, 2)),
        ("34w2d", (34, 2)),
        ("34 weeks", (34, 0)),
        ("39wks", (39, 0)),
        ("born at 36 weeks", (36, 0)),
        ("39", (39, 0)),
        ("3 weeks early", (37, 0)),
        ("2 weeks early", (38, 0)),
        ("a week late", (41, 0)),
        ("1 week late", (41, 0)),
        ("10 days early", (38, 4)),
        ("10 days overdue", (41, 3)),
        ("2 weeks and 3 days early", (37, 4)),
        ("a fortnight early", (38, 0)),
        ("36 weeks (4 weeks early)", (36, 0)),
        ("22+0", (22, 0)),
        ("44+6", (44, 6)),
    ],
)
def test_reads_gestation_at_birth(text, gestation):
    assert read_gestation(text) == gestation


@pytest.mark.parametrize(
    "text",
    ["34+7", "21+6", "45 weeks", "8 weeks", "not sure", "premature", "not full term",
     "a few days early", "", "hello"],
)
def test_unclear_or_impossible_gestation_is_refused(text):
    assert read_gestation(text) is None


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("boy", "male"),
        ("girl", "female"),
        ("son", "male"),
        ("daughter", "female"),
        ("Male.", "male"),
        ("female", "female"),
        ("m", "male"),
        ("F", "female"),
        ("he's a boy", "male"),
        ("baby girl", "female"),
        ("It's a girl!!", "female"),
        ("a little lad", "male"),
        ("Girl 😊", "female"),
        ("don't know", None),
        ("other", None),
        ("boy or girl?", None),
        ("prefer not to say", None),
        ("boys", None),
        ("no", None),
    ],
)
def test_reads_sex(text, sex):
    assert read_sex(text) == sex


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("ava", "Ava"),
        ("Ava", "Ava"),
        ("her name is ava", "Ava"),
        ("His name's Jack 😊", "Jack"),
        ("it's Ben!", "Ben"),
        ("she's called Mia", "Mia"),
        ("we call him Bubba", "Bubba"),
        ("Her name is Ava-Mae", "Ava-Mae"),
        ("ava rose", "Ava Rose"),
        ("hi, her name is ava-rose x", "Ava-Rose"),
        ("McKenzie", "McKenzie"),
        ("It’s Chloé", "Chloé"),
        ("o'neill", "O'neill"),
        ("محمد", "محمد"),
        ("Zoë", "Zoë"),
        ("baby", "Baby"),
        ("Ava123", None),
        ("", None),
        ("👶", None),
        ("Ava, Ben", None),
        ("prefer not to say", None),
        ("she's called Ava but we call her Avie mostly", None),
        ("a" * 41, None),
    ],
)
def test_reads_a_child_name(text, name):
    assert read_child_name(text) == name
