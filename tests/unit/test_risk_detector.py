"""Behaviour of the detector on its own. The large evaluation sets live in tests/data/ and
run through the whole stack (tests/e2e/test_safety_net.py)."""

import pytest

from bot.safety.detector import default_detector, detect


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("i want to kill myself", "suicide_self_harm"),
        ("kms", "suicide_self_harm"),
        ("feeling really sucidal tonight", "suicide_self_harm"),
        ("everyone would be better off without me", "suicide_self_harm"),
        ("I have the pills ready", "suicide_self_harm"),
        ("I cant stop thinking about killing myself", "suicide_self_harm"),
        ("i keep having thoughts of shaking her when she screams", "harm_to_baby"),
        (
            "my wife hasnt slept in 3 days and keeps saying the baby isnt ours",
            "postpartum_psychosis",
        ),
        ("she says she can hear voices telling her things", "postpartum_psychosis"),
        ("he hit me again last night", "domestic_abuse"),
        ("bleading heavily at 30 weeks", "pregnancy_red_flag"),
        ("baby hasnt moved since yesterday", "pregnancy_red_flag"),
        ("bby is floppy and wont wake", "baby_red_flag"),
        ("temp 38,5 in my 3 week old", "baby_red_flag"),
    ],
)
def test_urgent_categories(text, category):
    detection = detect(text)
    assert detection is not None and detection.urgent, detection
    assert detection.category == category


def test_risk_buried_in_a_long_message_is_found():
    text = (
        "hi sorry to bother you, feeding is going ok now and my mum came round which helped, "
        "the health visitor said her weight is fine. honestly though i dont want to be here "
        "anymore and i think everyone would cope better. anyway what time is the baby cafe"
    )
    assert detect(text).category == "suicide_self_harm"


@pytest.mark.parametrize(
    "text",
    [
        "my back is killing me",
        "these heels are killing me",
        "I could murder a cup of tea",
        "dying to know if its a boy or girl",
        "dead on my feet today",
        "nearly died laughing at the baby's face",
        "my phone died halfway through the call",
        "thanks so much, see you at baby cafe",
    ],
)
def test_figures_of_speech_and_ordinary_messages_are_not_risk(text):
    assert detect(text) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("im not going to hurt myself, just tired", "negated"),
        ("I would never hurt my baby", "negated"),
        ("i used to self harm as a teenager but doing well now", "past_or_resolved"),
        ("what are the signs of pre-eclampsia", "information_question"),
    ],
)
def test_negated_past_or_questions_are_lowered_to_routine_not_ignored(text, reason):
    detection = detect(text)
    assert detection is not None and detection.severity == "routine"
    assert detection.lowered_because == reason


def test_relapse_is_not_lowered_by_past_wording():
    assert detect("i used to self harm and now ive started cutting myself again").urgent


def test_normalisation_expands_text_speak_and_fixes_typos():
    detector = default_detector()
    assert detector.normalise("Im gonna OD") == "i am going to overdose"
    assert detector.normalise("overdoes") == "overdose"
    assert detector.normalise("can't, won't") == "can not , will not"


def test_trying_only_the_patterns_a_texts_words_allow_changes_no_match():
    """The word prefilter (bot/safety/prefilter.py) must give exactly the matches of each full
    alternation, on every development message."""
    from bot.ops.safety_eval import TRAINING, load_messages
    from bot.safety.detector import _alternation

    detector = default_detector()
    texts = [m["text"] for names in TRAINING for n in names for m in load_messages(n)]
    full = {c.name: _alternation([p.pattern for p in c.pattern.patterns])
            for c in detector.categories if c.pattern}
    idioms = _alternation([p.pattern for p in detector.idioms.patterns])
    for text in texts:
        normalised = detector.normalise(text)
        unlocked = detector._words.scan(normalised)
        spans = [m.span() for m in detector.idioms.finditer(normalised, unlocked)]
        assert spans == [m.span() for m in idioms.finditer(normalised)], text
        cleaned = idioms.sub(" | ", normalised)
        unlocked = detector._words.scan(cleaned)
        for category in detector.categories:
            if category.name in full:
                found = [m.span() for m in category.pattern.finditer(cleaned, unlocked)]
                assert found == [m.span() for m in full[category.name].finditer(cleaned)], (
                    category.name, text)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # Wording from bot/safety/VOCABULARY.md, none of it taken from the evaluation sets.
        ("thinking of ending it, nobody would even notice", "suicide_self_harm"),
        ("i keep hoping a lorry hits me on the way to nursery", "suicide_self_harm"),
        ("counted out all my co-codamol on the kitchen table", "suicide_self_harm"),
        ("stood on the bridge over the dual carriageway", "suicide_self_harm"),
        ("I've had enough of life, I want out", "suicide_self_harm"),
        ("Im sat in my car with a hosepipe", "suicide_self_harm"),
        ("i squeezed his arm till he screamed", "harm_to_baby"),
        ("i'm afraid of what i'll do to her", "harm_to_baby"),
        ("my mum's been giving the baby gin to get her to sleep", "harm_to_baby"),
        ("my partner left the baby in the car for two hours while he was in the bookies",
         "harm_to_baby"),
        ("she thinks our baby is dead but he's in her arms", "postpartum_psychosis"),
        ("she keeps whispering to someone that isnt there", "postpartum_psychosis"),
        ("i've realised i'm a prophet and the baby is the key", "postpartum_psychosis"),
        ("he spat in my face and called me a useless mother", "domestic_abuse"),
        ("he choked me until i blacked out", "domestic_abuse"),
        ("my partner keeps my bank card and checks every receipt", "domestic_abuse"),
        ("lots of fluid leaking at 28 weeks", "pregnancy_red_flag"),
        ("period type pains every 4 minutes and im only 30 weeks", "pregnancy_red_flag"),
        ("my baby's soft spot is bulging", "baby_red_flag"),
        ("my newborn's skin looks blotchy and mottled", "baby_red_flag"),
    ],
)
def test_vocabulary_beyond_the_evaluation_sets(text, category):
    detection = detect(text)
    assert detection is not None and detection.urgent, detection
    assert detection.category == category


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("18 months, temp 38.3 with a cold, had calpol", "fever_over_6_months"),
        ("39+5, waters have broken, clear fluid, no pain", "waters_at_term"),
        ("not felt much movement yet but im only 17 weeks", "movements_before_24_weeks"),
        ("can you overdose a baby on calpol? want the right amount", "dosing_question"),
    ],
)
def test_signs_that_are_not_urgent_in_the_context_given_are_routine(text, reason):
    detection = detect(text)
    assert detection is not None and detection.severity == "routine", detection
    assert detection.lowered_because == reason


@pytest.mark.parametrize(
    "text",
    [
        "temp 38.3 in my 3 week old",
        "33 weeks and my waters have gone",
        "35 weeks, not felt her move",
    ],
)
def test_the_same_signs_stay_urgent_where_they_are(text):
    assert detect(text).urgent


def test_dialect_dropped_gs_and_baby_things_are_normalised():
    detector = default_detector()
    assert detector.normalise("been thinkin aboot endin it") == "been thinking about ending it"
    assert detector.normalise("I cor do this") == "i can not do this"
    assert detector.normalise("throw the baby monitor") == "throw the monitor"
    assert detect("want to throw the baby monitor out the window") is None
