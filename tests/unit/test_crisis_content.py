"""Crisis replies name exactly the contacts the content file lists for their category."""

import re

from bot.content import load
from bot.safety.replies import crisis_replies

PHONE_LIKE = re.compile(r"\b\d[\d ]{1,12}\d\b|\b\d{3}\b")


def test_every_category_reply_carries_its_listed_contacts():
    content = load("crisis_contacts")
    replies = crisis_replies()
    for category, contact_ids in content["categories"].items():
        reply = replies[None if category == "concern" else category]
        for contact_id in contact_ids:
            assert content["contacts"][contact_id]["text"] in reply, (category, contact_id)


def test_no_reply_has_a_number_the_content_file_does_not_source():
    content = load("crisis_contacts")
    sourced = {c["text"] for c in content["contacts"].values()}
    for reply in crisis_replies().values():
        for number in PHONE_LIKE.findall(reply):
            assert number.strip() in sourced, number


def test_every_contact_has_a_source_and_the_file_a_review_date():
    content = load("crisis_contacts")
    assert content["reviewed"]
    assert all(c["source"] for c in content["contacts"].values())


def test_every_detector_category_has_its_own_reply():
    from bot.safety.detector import default_detector

    urgent = {c.name for c in default_detector().categories if c.severity == "urgent"}
    assert urgent <= set(crisis_replies())
