"""Advice content: every item sourced and dated, SMS-safe, routable, and carrying the facts."""

import copy
import datetime as dt
import re
from typing import Any

import pytest

from bot.advice import AdviceContext, answer
from bot.advice.topics import TOPICS, build_topic, config_values, raw_file, topics
from bot.channels.sms_text import segments, to_gsm7

REQUIRED = ("key", "topic", "sms", "telegram", "follow_ups", "source", "last_reviewed")
SOURCE_NAMES = re.compile(
    r"\b(?:NHS|NICE|UNICEF|Birthplace|CLINICAL_FACTS|Breastfeeding Network|"
    r"National Breastfeeding Helpline)\b"
)
TELEGRAM_LIMIT = 700  # characters: longer than an SMS, still one short screen


def content_problems(data: dict[str, Any]) -> list[str]:
    """What is missing or wrong in one advice file's data, as readable lines."""
    problems = []
    if not isinstance(data.get("last_reviewed"), dt.date):
        problems.append("file: last_reviewed missing or not a date")
    for n, item in enumerate(data.get("items") or ()):
        name = item.get("key") or f"item {n}"
        for field in REQUIRED:
            if not item.get(field):
                problems.append(f"{name}: {field} missing")
        if item.get("source") and not SOURCE_NAMES.search(item["source"]):
            problems.append(f"{name}: source names no NHS, NICE, UNICEF or Birthplace page")
        reviewed = item.get("last_reviewed")
        if reviewed and not isinstance(reviewed, dt.date):
            problems.append(f"{name}: last_reviewed is not a date")
        if item.get("topic") and item["topic"] != data.get("topic"):
            problems.append(f"{name}: topic {item['topic']} in the {data.get('topic')} file")
        for button in item.get("follow_ups") or ():
            if not (button.get("title") and button.get("payload")):
                problems.append(f"{name}: follow-up without a title or payload")
    return problems


def all_sms() -> list[tuple[str, str]]:
    """Every SMS the advice can send: each item's, and each personal wording."""
    texts = []
    for topic in topics().values():
        for item in topic.items.values():
            texts.append((item.key, item.sms))
            if item.personal is not None:
                for factor in item.personal.because:
                    rendered = item.personal.render([factor] if factor != "several"
                                                    else list(item.personal.because)[:2])
                    assert rendered is not None
                    texts.append((f"{item.key}/{factor}", rendered[0]))
    return texts


def all_texts(topic: str) -> str:
    items = topics()[topic].items.values()
    return "\n".join(f"{i.sms}\n{i.telegram}" for i in items)


@pytest.mark.parametrize("topic", TOPICS)
def test_every_item_has_a_source_and_a_review_date(topic):
    assert content_problems(raw_file(topic)) == []


@pytest.mark.parametrize("field", ["source", "last_reviewed"])
def test_the_check_catches_an_item_without_source_or_review_date(field):
    broken = copy.deepcopy(raw_file("breastfeeding"))
    del broken["items"][0][field]
    assert content_problems(broken) == [f"bf_overview: {field} missing"]
    broken["items"][1][field] = ""
    assert f"bf_latch: {field} missing" in content_problems(broken)


def test_the_check_catches_a_file_without_review_date_and_an_unnamed_source():
    broken = copy.deepcopy(raw_file("preconception"))
    del broken["last_reviewed"]
    broken["items"][0]["source"] = "a blog post"
    broken["items"][1]["last_reviewed"] = "soon"
    assert content_problems(broken) == [
        "file: last_reviewed missing or not a date",
        "preconception_overview: source names no NHS, NICE, UNICEF or Birthplace page",
        "folic_acid: last_reviewed is not a date",
    ]


def test_review_dates_are_not_in_the_future():
    today = dt.date.today()
    for topic in TOPICS:
        data = raw_file(topic)
        assert data["last_reviewed"] <= today
        assert all(item["last_reviewed"] <= today for item in data["items"])


@pytest.mark.parametrize(("key", "sms"), all_sms())
def test_sms_is_plain_gsm7_and_fits_two_segments(key, sms):
    assert to_gsm7(sms) == sms, key
    assert segments(sms) <= 2, (key, len(sms))
    assert "{" not in sms and "}" not in sms, key


def test_telegram_texts_are_short_and_filled_in():
    for topic in topics().values():
        for item in topic.items.values():
            assert len(item.telegram) <= TELEGRAM_LIMIT, item.key
            assert "{" not in item.telegram, item.key


def test_keys_are_unique_across_files_and_topics_match():
    keys = [item["key"] for topic in TOPICS for item in raw_file(topic)["items"]]
    assert len(keys) == len(set(keys))
    for name, topic in topics().items():
        assert topic.overview in topic.items
        assert all(item.topic == name for item in topic.items.values())


def test_every_topic_the_service_covers_has_its_item():
    keys = {key for topic in topics().values() for key in topic.items}
    assert {
        "folic_acid", "folic_acid_high_dose", "vitamin_d", "alcohol", "smoking", "medicines",
        "mmr", "long_term_conditions", "healthy_weight", "preconception_overview",
        "birth_settings_overview", "birth_first_baby", "birth_had_baby_before", "birth_transfer",
        "birth_obstetric_unit_factors", "birth_home", "birth_midwifery_units", "birth_choice",
        "bf_latch", "bf_going_well", "bf_supply", "bf_pain", "bf_engorgement", "bf_mastitis",
        "bf_expressing", "bf_combination", "bf_medicines", "bf_helpline", "bf_overview",
    } <= keys


def test_every_breastfeeding_answer_offers_a_baby_cafe():
    assert all(item.offer_cafe for item in topics()["breastfeeding"].items.values())
    others = [i for t in ("preconception", "birth_setting") for i in topics()[t].items.values()]
    assert not any(item.offer_cafe for item in others)


def test_each_items_own_question_routes_to_it():
    for name, topic in topics().items():
        for item in topic.items.values():
            assert answer(item.ask, name, AdviceContext()).key == item.key, item.key


def test_follow_up_payloads_route_to_an_item():
    asks = {item.ask: item.key for topic in topics().values() for item in topic.items.values()}
    for name, topic in topics().items():
        for item in topic.items.values():
            assert item.follow_ups, item.key
            context = AdviceContext(topic=name, last_key=item.key)
            for _, payload in item.follow_ups:
                routed = answer(payload, None, context)
                assert routed.topic == name, (item.key, payload)
                if payload in asks:
                    assert routed.key == asks[payload], (item.key, payload)
                else:
                    assert routed.key not in (item.key, topic.overview), (item.key, payload)


def test_preconception_facts():
    text = all_texts("preconception")
    for fact in ("400 micrograms", "12 weeks", "5 mg", "10 micrograms", "ask your GP about the "
                 "higher 5 mg dose", "NHS Smokefree", "2 doses", "1 month", "diabetes team"):
        assert fact in text, fact
    folic = topics()["preconception"].items["folic_acid"]
    assert "400 micrograms" in folic.sms and "12 weeks" in folic.sms


def test_the_assistant_never_doses_the_higher_folic_acid():
    """5 mg is only ever something to ask the GP about."""
    for topic in TOPICS:
        for sms_or_telegram in all_texts(topic).split("\n"):
            for match in re.finditer(r"5 mg", sms_or_telegram):
                assert sms_or_telegram[: match.start()].endswith("the higher "), sms_or_telegram
    high = topics()["preconception"].items["folic_acid_high_dose"]
    assert high.personal is not None
    assert set(high.personal.because) >= {
        "diabetes", "epilepsy_medicines", "neural_tube_defect_history", "bmi_30_or_more",
        "hiv_medicines", "several",
    }


def test_birth_setting_figures_are_split_by_first_baby_or_not():
    items = topics()["birth_setting"].items
    first = items["birth_first_baby"]
    before = items["birth_had_baby_before"]
    for fact in ("9 per 1,000", "5 per 1,000", "45%", "36%", "40%"):
        assert fact in first.sms or fact in first.telegram, fact
        assert fact not in before.sms + before.telegram, fact
    for fact in ("12%", "9%", "13%", "no difference"):
        assert fact in before.sms + before.telegram, fact
    transfer = items["birth_transfer"]
    for fact in ("45%", "36%", "40%", "12%", "9%", "13%"):
        assert fact in transfer.sms, fact
    both = items["birth_home"].sms
    assert "9 per 1,000" in both and "5 per 1,000" in both and "no difference" in both


def test_birth_setting_never_gives_a_verdict():
    text = all_texts("birth_setting").lower()
    for verdict in ("you must", "you can't", "you cannot", "not allowed", "you should not"):
        assert verdict not in text, verdict
    factors = topics()["birth_setting"].items["birth_obstetric_unit_factors"]
    assert "talking to your midwife about planning birth in an obstetric unit" in factors.sms
    assert "your choice" in factors.sms
    assert "your choice" in topics()["birth_setting"].items["birth_choice"].sms


def test_breastfeeding_facts():
    text = all_texts("breastfeeding")
    for fact in ("0300 100 0212", "GP or 111", "8 or more feeds in 24 hours", "day 7",
                 "6 heavy wet nappies", "2 yellow poos", "no nipple pain", "same day",
                 "Drugs in Breastmilk", "pharmacist"):
        assert fact in text, fact
    mastitis = topics()["breastfeeding"].items["bf_mastitis"]
    assert "Keep feeding or expressing" in mastitis.sms and "GP or 111" in mastitis.sms


def test_helpline_hours_are_a_configurable_value_put_into_the_texts():
    data = raw_file("breastfeeding")
    hours = data["config"]["helpline_hours"]
    assert hours["value"] and hours["source"]
    placeholders = [i["key"] for i in data["items"] if "{helpline_hours}" in i["sms"]]
    assert "bf_helpline" in placeholders
    helpline = topics()["breastfeeding"].items["bf_helpline"]
    assert f"0300 100 0212, {hours['value']}" in helpline.sms

    changed = copy.deepcopy(data)
    changed["config"]["helpline_hours"]["value"] = "9.30am to 9.30pm"
    assert config_values(changed) == {"helpline_hours": "9.30am to 9.30pm"}
    assert "9.30am to 9.30pm" in build_topic(changed).items["bf_helpline"].sms


def test_unsourced_or_unsure_facts_carry_a_note():
    """What could not be sourced firmly says so, for the clinician who reviews the file."""
    items = {i["key"]: i for t in TOPICS for i in raw_file(t)["items"]}
    for key in ("bf_expressing", "birth_obstetric_unit_factors", "folic_acid_high_dose"):
        assert items[key].get("note"), key
    assert raw_file("preconception")["factors"]["bmi_30_or_more"]["note"]
