"""Choosing advice: parents' own words, follow-ups that lean on the conversation, negations."""

import pytest

from bot.advice import AdviceContext, answer

PRE, BIRTH, BF = "preconception", "birth_setting", "breastfeeding"
NONE = AdviceContext()

# (message, the intent's topic, expected item): typos, lower case, text-speak, no punctuation.
MESSAGES = [
    # preconception
    ("how much folic acid should i take", PRE, "folic_acid"),
    ("wat dose of folik acid do i need when ttc", PRE, "folic_acid"),
    ("FOLIC ACID HOW MUCH", PRE, "folic_acid"),
    ("how long do i take folic acid for", PRE, "folic_acid"),
    ("does folic acid prevent spina bifida", PRE, "folic_acid"),
    ("who needs the 5mg folic acid", PRE, "folic_acid_high_dose"),
    ("i have type 1 diabetes, how much folic acid?", PRE, "folic_acid_high_dose"),
    ("i take lamotrigine do i need more folic acid", PRE, "folic_acid_high_dose"),
    ("my bmi is 32 do i need a higher dose of folic", PRE, "folic_acid_high_dose"),
    ("BMI 31,5 - how much folic??", PRE, "folic_acid_high_dose"),
    ("my partner has spina bifida what folic acid should i take", PRE, "folic_acid_high_dose"),
    ("my last pregnancy was affected by a neural tube defect", PRE, "folic_acid_high_dose"),
    ("im hiv positive, folic acid?", PRE, "folic_acid_high_dose"),
    ("hi im ttc and on insulin, wat folic acid shud i take", PRE, "folic_acid_high_dose"),
    ("vit d how much", PRE, "vitamin_d"),
    ("do i need vitamin d when pregnant", PRE, "vitamin_d"),
    ("can i still have a glass of wine while ttc", PRE, "alcohol"),
    ("is it ok to drink alcohol when trying for a baby", PRE, "alcohol"),
    ("need help to stop smokin", PRE, "smoking"),
    ("can i vape when trying for a baby", PRE, "smoking"),
    ("can i keep taking my antidepressants when trying to conceive", PRE, "medicines"),
    ("do i need the mmr jab before getting pregnant", PRE, "mmr"),
    ("i have diabetes", PRE, "long_term_conditions"),
    ("i have a long term health condition, what should i do before ttc", PRE,
     "long_term_conditions"),
    ("does my weight matter", PRE, "healthy_weight"),
    ("what vitamins should i take before getting pregnant", PRE, "preconception_overview"),
    ("im trying for a baby, any tips", PRE, "preconception_overview"),
    # birth setting
    ("ftm is home birth safe", BIRTH, "birth_first_baby"),
    ("i had my first at home, is it ok for my 2nd", BIRTH, "birth_had_baby_before"),
    ("is home birth safe", BIRTH, "birth_home"),
    ("i have a 2 year old, is a home birth safe", BIRTH, "birth_had_baby_before"),
    ("never had a baby before, home birth risks?", BIRTH, "birth_first_baby"),
    ("second baby, wanting a homebirth, any risks", BIRTH, "birth_had_baby_before"),
    ("is a birth centre safe for my 1st baby", BIRTH, "birth_first_baby"),
    ("what are the stats", BIRTH, "birth_safety_figures"),
    ("where can i give birth", BIRTH, "birth_settings_overview"),
    ("whats a birth centre", BIRTH, "birth_midwifery_units"),
    ("what is an alongside midwifery unit", BIRTH, "birth_midwifery_units"),
    ("how likely am i to be transferred to hospital", BIRTH, "birth_transfer"),
    ("i had a c section last time can i have a home birth", BIRTH,
     "birth_obstetric_unit_factors"),
    ("im having twins where should i give birth", BIRTH, "birth_obstetric_unit_factors"),
    ("breech baby can i still use the birth centre", BIRTH, "birth_obstetric_unit_factors"),
    ("can i refuse to go to hospital", BIRTH, "birth_choice"),
    ("midwife says i cant have a home birth", BIRTH, "birth_choice"),
    # breastfeeding
    ("how do i get him to latch", BF, "bf_latch"),
    ("baby wont latch properly", BF, "bf_latch"),
    ("is my baby getting enough milk", BF, "bf_going_well"),
    ("how many wet nappies should there be", BF, "bf_going_well"),
    ("baby is very sleepy and only 2 wet nappies", BF, "bf_same_day"),
    ("my baby looks yellow", BF, "bf_same_day"),
    ("worried i dont have enough milk", BF, "bf_supply"),
    ("cluster feeding all evening is that normal", BF, "bf_supply"),
    ("my nipples are cracked and bleeding", BF, "bf_pain"),
    ("my boobs are rock hard and so sore", BF, "bf_engorgement"),
    ("how do i stop engorgment", BF, "bf_engorgement"),
    ("red hot patch on my breast and i feel fluey", BF, "bf_mastitis"),
    ("i think i have mastitus", BF, "bf_mastitis"),
    ("how long can i keep expressed milk in the fridge", BF, "bf_expressing"),
    ("can i give formula as well as breastfeeding", BF, "bf_combination"),
    ("can i mix feed", BF, "bf_combination"),
    ("can i take ibuprofen while bf", BF, "bf_medicines"),
    ("is there a number i can call", BF, "bf_helpline"),
    ("struggling", BF, "bf_overview"),
]


@pytest.mark.parametrize(("text", "topic", "key"), MESSAGES)
def test_parent_messages(text, topic, key):
    assert answer(text, topic, NONE).key == key


def test_there_are_at_least_forty_messages():
    assert len(MESSAGES) >= 40


# --- follow-ups that lean on the conversation ------------------------------------------------

AFTER_FOLIC = AdviceContext(topic=PRE, last_key="folic_acid")


def test_what_dose_after_folic_acid():
    assert answer("what dose?", None, AFTER_FOLIC).key == "folic_acid"


def test_what_dose_after_vitamin_d():
    assert answer("what dose?", None, AdviceContext(topic=PRE, last_key="vitamin_d")).key == (
        "vitamin_d"
    )


def test_and_if_i_have_diabetes_gives_the_higher_dose_naming_it_kindly():
    advice = answer("and if I have diabetes?", None, AFTER_FOLIC)
    assert advice.key == "folic_acid_high_dose"
    assert advice.sms.startswith("Because you have diabetes, ask your GP about the higher 5 mg")
    assert advice.telegram.startswith("Because you have diabetes")
    assert advice.context.factors == {"diabetes"}


def test_epilepsy_medicines_as_a_follow_up():
    advice = answer("and if im on epilepsy meds?", None, AFTER_FOLIC)
    assert advice.key == "folic_acid_high_dose"
    assert "epilepsy" in advice.sms


def test_a_factor_said_earlier_personalises_a_later_folic_acid_question():
    first = answer("i have type 2 diabetes", PRE, NONE)
    assert first.key == "long_term_conditions"
    later = answer("how much folic acid do i need", PRE, first.context)
    assert later.key == "folic_acid_high_dose"
    assert "Because you have diabetes" in later.sms


def test_two_factors_are_named_together():
    advice = answer("i have diabetes and take epilepsy meds, folic acid?", PRE, NONE)
    assert advice.key == "folic_acid_high_dose"
    assert advice.sms.startswith("Because of what you've told me")


def test_ftm_is_home_birth_safe_gives_first_baby_figures():
    advice = answer("ftm is home birth safe", BIRTH, NONE)
    assert advice.key == "birth_first_baby"
    assert "9 per 1,000" in advice.sms and "45%" in advice.sms
    assert advice.context.first_baby is True


def test_first_at_home_and_now_the_second_gives_had_baby_before():
    advice = answer("i had my first at home, is it ok for my 2nd", BIRTH, NONE)
    assert advice.key == "birth_had_baby_before"
    assert "12%" in advice.sms and advice.context.first_baby is False


def test_unknown_first_baby_gives_both_and_asks():
    advice = answer("is home birth safe", BIRTH, NONE)
    assert advice.key == "birth_home"
    assert "9 per 1,000" in advice.sms and "no difference" in advice.sms
    assert ("It's my first baby", "it's my first baby") in advice.buttons
    then = answer("it's my first baby", None, advice.context)
    assert then.key == "birth_first_baby"
    other = answer("I've had a baby before", None, advice.context)
    assert other.key == "birth_had_baby_before"


def test_what_about_at_home_uses_what_is_known():
    known = AdviceContext(topic=BIRTH, last_key="birth_midwifery_units", first_baby=True)
    assert answer("what about at home?", None, known).key == "birth_first_baby"
    unknown = AdviceContext(topic=BIRTH, last_key="birth_midwifery_units")
    assert answer("what about at home?", None, unknown).key == "birth_home"


def test_what_if_its_my_second_after_first_baby_figures():
    context = AdviceContext(topic=BIRTH, last_key="birth_first_baby", first_baby=True)
    advice = answer("what if it's my second?", None, context)
    assert advice.key == "birth_had_baby_before"
    assert advice.context.first_baby is False


def test_a_factor_on_the_obstetric_unit_list_leads_to_talk_to_your_midwife():
    context = AdviceContext(factors=frozenset({"diabetes"}))
    advice = answer("is home birth safe for me", BIRTH, context)
    assert advice.key == "birth_obstetric_unit_factors"
    assert "talking to your midwife" in advice.sms


def test_how_do_i_know_its_going_well_after_latch():
    context = AdviceContext(topic=BF, last_key="bf_latch")
    assert answer("how do I know it's going well", None, context).key == "bf_going_well"


def test_a_follow_up_naming_another_topic_moves_there():
    advice = answer("is home birth safe?", None, AFTER_FOLIC)
    assert advice.topic == BIRTH and advice.key == "birth_home"


def test_a_bare_follow_up_without_keywords_falls_back_to_the_overview():
    context = AdviceContext(topic=BF, last_key="bf_latch")
    assert answer("ok thanks", None, context).key == "bf_overview"


def test_no_topic_anywhere_is_a_lookup_error():
    with pytest.raises(LookupError):
        answer("hello", None, NONE)
    with pytest.raises(ValueError):
        answer("folic acid", "weaning", NONE)


# --- negations and other people --------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "I don't have diabetes, how much folic acid",
    "i'm not diabetic. folic acid?",
    "no family history of spina bifida, what folic acid",
    "im not obese, folic acid dose?",
    "my bmi isnt over 30 how much folic acid",
    "bmi 28, how much folic acid",
    "had an hiv test, how much folic acid",
    "my mum has diabetes, what folic acid dose",
    "my sister has epilepsy, how much folic acid",
    "diabetes runs in my family, folic acid dose?",
    "i had gestational diabetes last time, how much folic acid",
    "not on any epilepsy meds, folic acid?",
])
def test_negated_or_someone_elses_condition_is_not_a_factor(text):
    advice = answer(text, PRE, NONE)
    assert advice.key == "folic_acid"
    assert advice.context.factors == frozenset()


def test_a_negated_statement_is_not_the_question():
    advice = answer("i dont smoke or drink, what else should i do before getting pregnant", PRE,
                    NONE)
    assert advice.key == "preconception_overview"


def test_not_my_first_is_had_baby_before():
    advice = answer("this isnt my first baby, is home birth safe", BIRTH, NONE)
    assert advice.key == "birth_had_baby_before"


def test_a_negated_factor_does_not_undo_one_said_earlier():
    context = AdviceContext(factors=frozenset({"diabetes"}))
    advice = answer("i dont have epilepsy, folic acid?", PRE, context)
    assert advice.key == "folic_acid_high_dose"
    assert advice.context.factors == {"diabetes"}


# --- several questions, buttons, cafés -------------------------------------------------------


def test_several_questions_answer_the_first_and_offer_the_others():
    advice = answer("how much folic acid and can i drink alcohol", PRE, NONE)
    assert advice.key == "folic_acid"
    assert advice.buttons[0] == ("Alcohol", "can I drink alcohol while trying for a baby")


def test_a_question_comes_before_a_statement():
    advice = answer("i take epilepsy meds, do i need more folic acid", PRE, NONE)
    assert advice.key == "folic_acid_high_dose"


def test_an_urgent_sign_comes_first_whatever_the_order():
    advice = answer("how long does frozen milk last, and theres a lump in my boob", BF, NONE)
    assert advice.key == "bf_mastitis"
    assert "how do I express and store milk" in [payload for _, payload in advice.buttons]


def test_latch_pain_and_storing_milk():
    advice = answer("breastfeding is so hard, latch hurts and how do i store milk", BF, NONE)
    assert advice.key == "bf_expressing"
    assert advice.buttons[0] == ("Pain and sore nipples", "breastfeeding hurts")


def test_buttons_are_few_and_never_repeat_the_answer():
    for text, topic, _ in MESSAGES:
        advice = answer(text, topic, NONE)
        payloads = [payload for _, payload in advice.buttons]
        assert 1 <= len(payloads) <= 4, text
        assert len(set(payloads)) == len(payloads), text


def test_breastfeeding_answers_offer_a_cafe_and_others_do_not():
    assert answer("how do i get him to latch", BF, NONE).offer_cafe is True
    assert answer("is home birth safe", BIRTH, NONE).offer_cafe is False


def test_the_context_carries_topic_key_factors_and_first_baby():
    advice = answer("ftm with diabetes, is home birth safe", BIRTH, NONE)
    assert advice.context == AdviceContext(
        topic=BIRTH, last_key="birth_obstetric_unit_factors",
        factors=frozenset({"diabetes"}), first_baby=True,
    )
