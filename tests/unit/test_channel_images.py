"""Pictures through the outbox: stored once with the message, sent as a Telegram photo with the
text as its caption (kept as the same bytes for a retry), and left out of SMS."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from bot.channels.outbound import IMAGE_SCHEME, Outbox, store_image
from bot.channels.sms import SmsOutput
from bot.channels.telegram import MAX_CAPTION, MAX_TEXT, BotRunner, TelegramOutput, TelegramSender
from bot.channels.turn import Part, image_id_from, queue_parts, take_in
from bot.ops.fake_providers import FakeTelegram
from bot.store.db import session_scope
from bot.store.models import OutboundImage, OutboundMessage

CAPTION = "Here is Ava's weight chart."
BUTTONS = [{"title": "Thanks", "payload": "/thank"}]


def png(colour: str = "navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def outbox_rows(database_url: str) -> list[tuple]:
    with session_scope(database_url) as session:
        return session.execute(
            select(OutboundMessage.body, OutboundMessage.status, OutboundMessage.image_id,
                   OutboundMessage.attempts)
            .order_by(OutboundMessage.id)
        ).all()


class Clock:
    """Moves forward only when the outbox waits, so a retry needs no real time."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 24, 9, 0)

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


def telegram_outbox(database_url: str, fake: FakeTelegram) -> Outbox:
    """The real sender and `telegram.Bot`, against the fake Bot API."""
    clock = Clock()
    sender = TelegramSender(BotRunner(fake.token, fake.url))
    return Outbox(database_url, {"telegram": sender}, clock=clock, sleep=clock.sleep)


def test_a_stored_image_is_kept_as_sent_and_referenced_by_id(database_url):
    picture = png()
    first, second = store_image(database_url, picture), store_image(database_url, png("red"))
    assert first.startswith(IMAGE_SCHEME) and first != second
    image_id = int(first.removeprefix(IMAGE_SCHEME))
    with session_scope(database_url) as session:
        row = session.get(OutboundImage, image_id)
        assert (row.media_type, bytes(row.data)) == ("image/png", picture)


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("outbound-image:12", 12),
        ("outbound-image:007", 7),
        ("outbound-image:", None),
        ("outbound-image:abc", None),
        ("outbound-image:-3", None),
        ("outbound-image:1.5", None),
        ("OUTBOUND-IMAGE:12", None),
        ("https://example.nhs.uk/chart.png", None),
        ("chart.png", None),
        ("", None),
        (None, None),
        (12, None),
    ],
)
def test_only_a_stored_image_reference_is_read_as_a_picture(image, expected):
    assert image_id_from({"text": "x", "image": image}) == expected


def test_a_message_without_an_image_has_no_picture():
    assert image_id_from({"text": "just words"}) is None


def test_telegram_sends_a_short_text_as_the_caption_of_one_photo():
    output = TelegramOutput(Outbox("sqlite://"))
    (part,) = output.render({"text": f"  {CAPTION} ", "image": "outbound-image:5",
                             "buttons": BUTTONS})
    assert (part.body, part.image_id) == (CAPTION, 5)
    assert [b.payload for b in part.buttons] == ["/thank"]


def test_telegram_sends_a_picture_with_no_text_on_its_own():
    assert TelegramOutput(Outbox("sqlite://")).render({"image": "outbound-image:5"}) == [
        Part("", image_id=5)]


def test_a_caption_at_telegrams_limit_still_goes_with_the_photo():
    text = "a" * MAX_CAPTION
    message = {"text": text, "image": "outbound-image:5"}
    (part,) = TelegramOutput(Outbox("sqlite://")).render(message)
    assert (part.body, part.image_id) == (text, 5)


def test_a_text_too_long_for_a_caption_goes_first_then_the_photo_alone():
    text = "word " * 300  # over 1,024 characters, under one message
    parts = TelegramOutput(Outbox("sqlite://")).render(
        {"text": text, "image": "outbound-image:5", "buttons": BUTTONS})
    assert [(p.body, p.image_id) for p in parts] == [(text.strip(), None), ("", 5)]
    assert [b.payload for b in parts[0].buttons] == ["/thank"] and parts[1].buttons == ()


def test_a_very_long_text_is_split_and_the_photo_still_comes_last():
    text = "word " * 2000
    parts = TelegramOutput(Outbox("sqlite://")).render({"text": text, "image": "outbound-image:5"})
    assert len(parts) == 4
    assert all(len(p.body) <= MAX_TEXT and p.image_id is None for p in parts[:-1])
    assert (parts[-1].body, parts[-1].image_id) == ("", 5)
    assert " ".join(p.body for p in parts[:-1]).split() == text.split()


def test_sms_leaves_the_picture_out():
    (part,) = SmsOutput(Outbox("sqlite://")).render({"text": CAPTION, "image": "outbound-image:5"})
    assert part.body == CAPTION and part.image_id is None


def test_sms_sends_nothing_for_a_picture_alone():
    assert SmsOutput(Outbox("sqlite://")).render({"image": "outbound-image:5"}) == []


def test_a_picture_reaches_telegram_as_a_photo_with_its_caption(database_url, telegram):
    picture = png()
    outbox = telegram_outbox(database_url, telegram)
    chat = take_in(database_url, "telegram", "501", "4242").recipient
    reference = store_image(database_url, picture)
    parts = TelegramOutput(outbox).render({"text": CAPTION, "image": reference})
    queue_parts(outbox, chat, parts)
    outbox.drain(chat)

    (sent,) = telegram.messages
    assert sent["chat_id"] == 4242
    assert sent["photo"] == picture
    assert sent["text"] == CAPTION
    assert [c["method"] for c in telegram.calls if c["method"] != "getMe"] == ["sendPhoto"]
    image_id = int(reference.removeprefix(IMAGE_SCHEME))
    assert outbox_rows(database_url) == [(CAPTION, "sent", image_id, 1)]


def test_a_long_text_arrives_before_its_picture(database_url, telegram):
    picture = png()
    outbox = telegram_outbox(database_url, telegram)
    chat = take_in(database_url, "telegram", "502", "4343").recipient
    text = "word " * 300
    parts = TelegramOutput(outbox).render(
        {"text": text, "image": store_image(database_url, picture)})
    queue_parts(outbox, chat, parts)
    outbox.drain(chat)

    words, photo = telegram.messages
    assert words["text"] == text.strip() and "photo" not in words
    assert photo["photo"] == picture and not photo["text"]


def test_a_retried_photo_is_the_same_picture(database_url, telegram):
    picture = png("green")
    outbox = telegram_outbox(database_url, telegram)
    chat = take_in(database_url, "telegram", "503", "4444").recipient
    telegram.fail_next(500)
    queue_parts(outbox, chat, TelegramOutput(outbox).render(
        {"text": CAPTION, "image": store_image(database_url, picture)}))
    outbox.drain(chat)

    (sent,) = telegram.messages
    assert sent["photo"] == picture and sent["text"] == CAPTION
    ((_body, status, _image, attempts),) = outbox_rows(database_url)
    assert (status, attempts) == ("sent", 2)
