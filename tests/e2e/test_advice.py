"""Advice and the baby café finder over REST and Telegram against the running stack: sourced
answers that follow on from what the parent said, and the nearest sample cafés."""

from __future__ import annotations

import re

import pytest

from bot.cafes.directory import CafeDirectory
from bot.cafes.importer import import_sample
from tests.e2e.conftest import Conversation
from tests.e2e.test_channels import Chat, Phone

NEXT_SESSION = re.compile(
    r"next (today|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"[^.]*\d{1,2}(:\d{2})?(am|pm)", re.I)


@pytest.fixture(scope="module")
def sample_cafes(stack) -> None:
    import_sample(CafeDirectory(stack.env["DATABASE_URL"]))


def test_preconception_follow_up_personalises_to_the_higher_dose(conversation: Conversation):
    first = conversation.say_text("what should i take before trying for a baby")
    assert "400 micrograms" in first
    follow_up = conversation.say_text("and if I have diabetes?")
    assert "5 mg" in follow_up and "diabetes" in follow_up.lower()
    assert "GP" in follow_up


def test_birth_setting_gives_the_first_baby_figures(conversation: Conversation):
    reply = conversation.say_text("it's my first baby, is a home birth safe?")
    assert "9 per 1,000" in reply and "5 per 1,000" in reply
    assert "45%" in reply
    assert "choice" in reply.lower()


def test_mastitis_red_flags_send_to_gp_or_111(conversation: Conversation):
    reply = conversation.say_text("my breast is red and hot and i feel shivery, is it mastitis")
    assert "GP" in reply and "111" in reply
    assert "feeding" in reply.lower() or "express" in reply.lower()


def test_breastfeeding_answers_offer_the_nearest_cafe(conversation: Conversation):
    (message, *_) = conversation.say("my nipples are so sore when she feeds")
    assert any(b["payload"] == "/find_baby_cafe" for b in message.get("buttons", []))


def test_baby_cafe_near_a_district_lists_the_nearest_sample_cafes(
        sample_cafes, conversation: Conversation):
    reply = conversation.say_text("baby cafe near SE25")
    assert "nearest baby cafés to SE25" in reply
    listed = [line for line in reply.splitlines() if "Sample Baby Café" in line]
    assert 1 <= len(listed) <= 3, reply
    assert "South Norwood" in listed[0]
    assert all(NEXT_SESSION.search(line) for line in listed), reply
    assert all("miles" in line for line in listed)


def test_an_unknown_district_gets_a_clear_answer(sample_cafes, conversation: Conversation):
    reply = conversation.say_text("baby cafe near ZZ9")
    assert "couldn't find the area ZZ9" in reply


def test_a_shared_telegram_location_finds_the_same_cafes(sample_cafes, stack, providers):
    chat = Chat(stack, providers)
    texts = chat.send(providers.telegram.location_update(chat.chat_id, 51.397, -0.075))
    reply = " ".join(texts)
    assert "nearest baby cafés to where you are" in reply
    assert "Sample Baby Café" in reply and NEXT_SESSION.search(reply)


def test_sms_breastfeeding_answer_offers_a_cafe_and_cafe_finds_them(
        sample_cafes, stack, providers):
    phone = Phone(stack, providers)
    texts = phone.text("my nipples are so sore when she feeds")
    assert any("Reply CAFE" in text for text in texts), texts
    assert any("first part of your postcode" in text for text in phone.text("CAFE"))
    found = " ".join(phone.text("baby cafe near SE25"))
    assert "Sample Baby Caf" in found and "miles" in found
