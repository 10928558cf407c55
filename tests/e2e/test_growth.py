"""Child growth over REST and Telegram against the running stack: add a child, send
measurements the way parents write them, answer what is asked, see the chart and the points."""

from __future__ import annotations

import io
from datetime import date, timedelta

import requests
from PIL import Image
from rcpchgrowth.global_functions import measurement_from_sds
from sqlalchemy import select

from bot.clock import local_today
from bot.store.db import session_scope
from bot.store.models import ChannelIdentity, Escalation, Person
from tests.e2e.conftest import DESK_TOKEN
from tests.e2e.test_channels import Chat, Phone

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _sign_up(say) -> None:
    say("sign up")
    say("yes")
    born = local_today("Europe/London") - timedelta(days=120)
    say(f"born {born:%d/%m/%Y}")
    say("SE25")


def _add_child(say, name: str, born: date, sex: str = "girl", gestation: str = "on time",
               birth_weight: str = "3.3kg") -> str:
    first = say("add my baby")
    assert "first name or nickname" in first and "Sorry" not in first, first
    say(name)
    say(sex)
    say(f"{born:%d/%m/%Y}")
    say(gestation)
    return say(birth_weight)


def _joined(send):
    """A provider channel's replies to one message, as one text like the REST helper's."""
    return lambda text: " ".join(send(text))


def _weight_at(sds: float, born: date, on: date, sex: str = "female") -> float:
    """The weight at an SDS, from rcpchgrowth's own reference (so entries are realistic)."""
    age = (on - born).days / 365.25
    return round(measurement_from_sds("uk-who", sds, "weight", sex, age, False), 2)


def _escalations(stack, sender) -> list[Escalation]:
    with session_scope(stack.env["DATABASE_URL"]) as session:
        return list(session.execute(
            select(Escalation).where(Escalation.conversation_id == sender)).scalars())


def _desk_growth(stack, sender) -> dict:
    reply = requests.get(f"{stack.desk_url}/api/growth", params={"conversation_id": sender},
                         headers={"Authorization": f"Bearer {DESK_TOKEN}"}, timeout=10)
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_rest_register_a_child_record_three_weights_and_a_fall_is_flagged(stack, conversation):
    say = conversation.say_text
    _sign_up(say)
    today = local_today("Europe/London")
    born = today - timedelta(days=126)
    assert "I've added Ava" in _add_child(say, "Ava", born)

    days = (42, 70, 98)
    sds = (0.0, -0.9, -1.7)  # from the 50th to below the 9th centile
    replies = []
    for age, score in zip(days, sds, strict=True):
        on = born + timedelta(days=age)
        replies.append(say(f"Ava weighed {_weight_at(score, born, on)}kg on {on:%d/%m}"))
    assert all("I've recorded Ava's weight" in reply for reply in replies), replies
    assert "between the 25th and 75th" in replies[0] or "50th" in replies[0], replies[0]
    assert "health visitor" not in replies[1]
    assert "asked your health visitor to have a look" in replies[2], replies[2]

    (flag,) = (e for e in _escalations(stack, conversation.sender) if e.category == "growth")
    assert flag.severity == "routine" and "fallen" in flag.summary

    growth = _desk_growth(stack, conversation.sender)
    (child,) = growth["children"]
    weights = [m for m in child["measurements"] if m["kind"] == "weight"]
    assert [m["source"] for m in weights] == ["birth", "unknown", "unknown", "unknown"]
    assert [m["observed_on"] for m in weights[1:]] == [
        (born + timedelta(days=d)).isoformat() for d in days]
    assert all(m["sds"] is not None for m in weights)

    chart = requests.get(f"{stack.desk_url}/api/growth/children/{child['id']}/chart.png",
                         headers={"Authorization": f"Bearer {DESK_TOKEN}"}, timeout=20)
    assert chart.status_code == 200 and chart.content.startswith(PNG_MAGIC)
    anonymous = requests.get(f"{stack.desk_url}/api/growth",
                             params={"conversation_id": conversation.sender}, timeout=10)
    assert anonymous.status_code == 401


def test_rest_missing_unit_child_and_typos_are_asked_not_guessed(stack, conversation):
    say = conversation.say_text
    _sign_up(say)
    today = local_today("Europe/London")
    born = today - timedelta(days=200)
    _add_child(say, "Leo", born, sex="boy", birth_weight="not sure")
    _add_child(say, "Mia", born, sex="girl", gestation="35+2", birth_weight="5lb 9oz")

    assert "kg or lb" in say("weighed 7.9 today")
    assert "Which child" in say("kg")
    assert "I've recorded Leo's weight 7.9 kg" in say("Leo")

    assert "looks unlikely" in say("Mia 79kg at clinic")  # an extra 9: refused, nothing kept
    assert "I've recorded Mia's weight" in say("7.1kg")
    assert "unusual" in say("Mia 11.9kg")  # possible, so confirmed before it is kept
    assert "haven't recorded" in say("no")

    growth = _desk_growth(stack, conversation.sender)
    recorded = {c["name"]: [m["value"] for m in c["measurements"] if m["source"] != "birth"]
                for c in growth["children"]}
    assert recorded == {"Leo": [7.9], "Mia": [7.1]}


def test_rest_a_correction_supersedes_the_last_entry(stack, conversation):
    say = conversation.say_text
    _sign_up(say)
    born = local_today("Europe/London") - timedelta(days=90)
    _add_child(say, "Isla", born)
    say("Isla 5.9kg today")
    reply = say("sorry that was wrong, it was 5.7kg")
    assert "replaced the earlier entry" in reply
    (child,) = _desk_growth(stack, conversation.sender)["children"]
    entries = [m for m in child["measurements"] if m["source"] != "birth"]
    assert [(m["value"], m["superseded"]) for m in entries] == [(5.9, True), (5.7, False)]
    assert entries[1]["supersedes_id"] == entries[0]["id"]


def test_telegram_measurements_bring_the_chart_picture(stack, providers):
    chat = Chat(stack, providers)
    _sign_up(_joined(chat.say))
    born = local_today("Europe/London") - timedelta(days=150)
    _add_child(_joined(chat.say), "Ben", born, sex="boy", birth_weight="7lb 8oz")
    for age, weight in ((60, "5.6kg"), (90, "13lb 12oz"), (120, "7.2 kg")):
        on = born + timedelta(days=age)
        texts = chat.say(f"Ben {weight} on {on:%d/%m} at clinic")
        assert any("I've recorded Ben's weight" in text for text in texts), texts
    photos = [m for m in chat.last if m.get("photo")]
    assert photos, chat.last
    picture = Image.open(io.BytesIO(photos[-1]["photo"]))
    assert picture.format == "PNG" and picture.size[0] >= 600 and picture.size[1] >= 400
    assert "Ben's weight chart" in photos[-1]["text"]
    conversation_id = _telegram_conversation(stack, chat.chat_id)
    (child,) = _desk_growth(stack, conversation_id)["children"]
    assert len([m for m in child["measurements"] if m["source"] == "clinic"]) == 3


def _telegram_conversation(stack, chat_id: int) -> str:
    with session_scope(stack.env["DATABASE_URL"]) as session:
        return session.execute(
            select(Person.conversation_id).join(ChannelIdentity)
            .where(ChannelIdentity.channel == "telegram",
                   ChannelIdentity.address == str(chat_id))
        ).scalar_one()


def test_sms_gets_words_only(stack, providers):
    phone = Phone(stack, providers)
    _sign_up(_joined(phone.text))
    born = local_today("Europe/London") - timedelta(days=100)
    _add_child(_joined(phone.text), "Zofia", born, birth_weight="not sure")
    texts = phone.text("zofia 6.1 kg today")
    assert any("recorded Zofia's weight" in text for text in texts), texts
    assert not any("chart" in text for text in texts)
