import itertools

import pytest

from bot.mood.answers import FREQUENCY_LABELS, frequency, yes_no

CLEAR_YES = [
    "yes", "Yes", "YES.", "yes!!", "Yesss", "yeah", "yeahhh", "yea", "yeh", "yep", "yup", "ya",
    "yh", "ye", "aye", "y", "Y.", "I have", "I do", "I am", "i have yes", "yes I do",
    "yes I have been", "definitely", "Definately", "def", "defo", "absolutely", "afraid so",
    "I'm afraid so", "I’m afraid I have", "sadly yes", "unfortunately yes", "a bit yes",
    "sort of yes", "kinda yes", "yes quite a lot", "yes 😔", "😔 yes", "yes x", "um yes",
    "hmm yeah", "i think so", "I guess so", "I suppose so", "I'd say so", "i think i have",
    "probably yes", "honestly yes", "tbh yeah", "yes sometimes", "yeah a little",
    "I have, a bit", "yes, most days", "every day", "all the time", "yes constantly",
    "yes v much", "very much so", "yes I have been feeling really low", "I'm struggling",
    "yes lately", "yes in the past month", "yes please", "Yes. Most days.", "/affirm",
]
CLEAR_NO = [
    "no", "No.", "NO!", "nooo", "nope", "Nope 🙂", "nah", "naw", "na", "n", "N!", "never",
    "not really", "Not really, no", "not at all", "nope not at all", "no not really",
    "no I'm ok", "no im fine thanks", "nope, I'm all good", "nah I'm good", "I haven't",
    "i havent", "haven't", "I have not", "I've not been", "I'm not", "I don't", "no, I haven't",
    "don't think so", "I don't think so", "i dont think so no", "I wouldn't say so",
    "probably not", "definitely not", "absolutely not", "no way", "not me", "not much",
    "hmm no", "to be honest no", "no xx", "no I haven't been feeling down",
    "I don't need help", "no, not at the moment", "/deny",
]
UNCLEAR_YES_NO = [
    "", "   ", "banana", "maybe", "perhaps", "possibly", "sometimes", "a bit", "a little",
    "kind of", "sort of", "now and then", "I don't know", "i dont no", "idk", "dunno",
    "not sure", "I'm not sure", "no idea", "what do you mean", "what?", "yes?", "yes and no",
    "yes no", "yeah nah", "nah yeah", "no, sometimes", "yes but not today", "no but my partner has",
    "yes, years ago", "not anymore", "I used to", "not now", "later", "not yet", "oh no",
    "no thanks", "no thank you", "ok", "okay yes", "I'm ok", "im fine", "all good", "not great",
    "I'm not ok", "not often", "not every day", "not a lot", "not", "I wouldn't say no",
    "not yes", "I haven't no", "I can't", "yes i can't stop crying", "I need help", "👍", "😔",
    "?", "yy", "probably", "I guess", "I think", "5", "option 1", "/restart", "he has",
    "no he has", "I don't think I have", "yes, the baby", "yes or no",
]


@pytest.mark.parametrize("text", CLEAR_YES)
def test_clear_yes(text):
    assert yes_no(text) is True


@pytest.mark.parametrize("text", CLEAR_NO)
def test_clear_no(text):
    assert yes_no(text) is False


@pytest.mark.parametrize("text", UNCLEAR_YES_NO)
def test_unclear_yes_no_is_asked_again(text):
    assert yes_no(text) is None


# Words that join with what follows into one answer are left out: "definitely not" and
# "I do not really" are clear noes.
YES_WORDS = ["yes", "yeah", "yep", "ya", "yh", "yesss", "yup", "aye", "i think so", "every day"]
NO_WORDS = ["no", "nope", "nah", "nooo", "not really", "not at all", "never", "i havent",
            "i dont", "dont think so"]
JOINS = [" ", " and ", ", ", "... ", " / ", "! ", " or ", " but ", " i mean "]


def test_an_answer_with_both_a_yes_and_a_no_is_never_read_as_either():
    for yes, no, join in itertools.product(YES_WORDS, NO_WORDS, JOINS):
        for text in (f"{yes}{join}{no}", f"{no}{join}{yes}"):
            assert yes_no(text) is None, text
    for yes, no in itertools.product(["i do", "i have", "definitely"], NO_WORDS):
        assert yes_no(f"{yes}, {no}") is None
        assert yes_no(f"{no}, {yes}") is None


def test_yes_and_no_together_are_not_a_frequency():
    for yes, no in itertools.product(YES_WORDS[:6], NO_WORDS[:5]):
        assert frequency(f"{yes} {no}") is None
        assert frequency(f"{no} {yes}") is None


def test_non_text_is_unclear():
    assert yes_no(None) is None  # type: ignore[arg-type]
    assert frequency(None) is None  # type: ignore[arg-type]


def test_frequency_labels_are_the_official_wording_and_read_back():
    assert FREQUENCY_LABELS == (
        "Not at all", "Several days", "More than half the days", "Nearly every day"
    )
    assert [frequency(label) for label in FREQUENCY_LABELS] == [0, 1, 2, 3]
    assert [frequency(label.upper() + ".") for label in FREQUENCY_LABELS] == [0, 1, 2, 3]


FREQUENCY_ANSWERS = [
    # the scale value itself
    ("0", 0), ("1", 1), ("2", 2), ("3", 3), ("2.", 2), ("(3)", 3), (" 1 ", 1), ("2️⃣", 2),
    ("I'd say 2", 2), ("probably 3", 3),
    # 0
    ("not at all", 0), ("Not at all!", 0), ("never", 0), ("Never 🙂", 0), ("no", 0),
    ("nope", 0), ("nah", 0), ("none", 0), ("not really", 0), ("no not really", 0),
    ("nah not really", 0), ("not once", 0), ("not a single day", 0), ("0 days", 0),
    ("no days", 0), ("zero", 0), ("I haven't", 0), ("I'm not", 0), ("no I haven't", 0),
    ("I don't think so", 0), ("no I'm fine", 0), ("i havent at all", 0),
    # 1
    ("several days", 1), ("several", 1), ("a few days", 1), ("few dys", 1), ("some days", 1),
    ("sometimes", 1), ("somtimes", 1), ("Sometimes...", 1), ("hmm sometimes", 1),
    ("a bit", 1), ("abit", 1), ("a little", 1), ("now and then", 1), ("every now and then", 1),
    ("once or twice", 1), ("occasionally", 1), ("ocasionally", 1), ("on and off", 1),
    ("on-and-off", 1), ("the odd day", 1), ("a couple of days", 1), ("a day or two", 1),
    ("3 days", 1), ("like 3 days", 1), ("3-4 days", 1), ("3 or 4 days", 1),
    ("between 3 and 5 days", 1), ("once", 1), ("twice", 1), ("a few times", 1),
    ("once a week", 1), ("twice a week", 1), ("3 times a week", 1), ("almost a week", 1),
    ("I'd say about 3 days", 1), ("every few days", 1),
    # 2
    ("more than half the days", 2), ("more then half", 2), ("over half", 2), ("most days", 2),
    ("Most days!!", 2), ("most dys", 2), ("mst days", 2), ("most of the time", 2),
    ("mostly", 2), ("usually", 2), ("more often than not", 2), ("a lot", 2), ("alot", 2),
    ("quite a lot", 2), ("quite a bit", 2), ("loads", 2), ("often", 2), ("v often", 2),
    ("rly often", 2), ("sooo often", 2), ("every other day", 2), ("most nights", 2),
    ("probably most days", 2), ("um, most days I'd say", 2), ("kinda most days", 2),
    ("yes most days", 2), ("most days in the last 2 weeks", 2), ("about 10 days", 2),
    ("um probably about 10 days", 2), ("10 days or so", 2), ("10ish days", 2), ("7 days", 2),
    ("a week", 2), ("5 days a week", 2), ("10 out of 14", 2), ("5 out of 7", 2),
    # 3
    ("nearly every day", 3), ("Nearly every day 😭", 3), ("nrly evry day", 3),
    ("every day", 3), ("everyday", 3), ("evry day", 3), ("EVERY DAY", 3), ("every single day", 3),
    ("almost every day", 3), ("pretty much every day", 3), ("all the time", 3),
    ("constantly", 3), ("constantlyyy", 3), ("always", 3), ("alwayss", 3), ("almost always", 3),
    ("daily", 3), ("every night", 3), ("24/7", 3), ("all day every day", 3),
    ("def every day", 3), ("yeah every day", 3), ("every day for the last 2 weeks", 3),
    ("12 days", 3), ("14 days", 3), ("2 weeks", 3), ("7 days a week", 3),
    ("more than 12 days", 3), ("at least 12 days", 3), ("nearly 2 weeks", 3),
]


@pytest.mark.parametrize(("text", "value"), FREQUENCY_ANSWERS)
def test_frequency(text, value):
    assert frequency(text) == value


UNCLEAR_FREQUENCY = [
    "", "banana", "yes", "yeah", "probably", "I'd say", "sort of", "maybe", "maybe most days",
    "not sure", "hard to say", "it varies", "it depends", "I don't know", "dunno", "idk",
    "not every day", "not often", "not much", "not a lot", "most days but not every day",
    "some days not others", "half the time", "about half", "rarely", "hardly ever",
    "almost never", "quite a few", "most days?", "?", "4", "5", "12", "-1", "2.5", "2/3",
    "option 2", "number 3", "about 2", "2 or 3", "1 or 2", "two", "15 days", "20 days",
    "about 12 days", "about a week", "a week or two", "10-12 days", "more than 10 days",
    "less than 5 days", "10 times", "4 times a week", "twice a day", "once a day",
    "for the last 2 weeks", "I'm fine", "all good", "no most days", "sometimes every day",
    "most days, sometimes every day", "yes no", "/affirm", "/deny", "😔", "no thanks", "I used to",
    "I can't sleep",
]


@pytest.mark.parametrize("text", UNCLEAR_FREQUENCY)
def test_unclear_frequency_is_asked_again(text):
    assert frequency(text) is None


def test_day_counts_map_to_the_option_bands():
    expected = {0: 0, **dict.fromkeys(range(1, 7), 1), **dict.fromkeys(range(7, 12), 2),
                **dict.fromkeys(range(12, 15), 3)}
    for days, value in expected.items():
        assert frequency(f"{days} days") == value, days
        assert frequency(f"{days} days.") == value, days
    assert frequency("15 days") is None
