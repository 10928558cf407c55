import json

import pytest

from bot.channels.inbound import MAX_MESSAGE_CHARS, InboundError
from bot.channels.rest import MAX_BODY_BYTES, parse_request


def body(**payload) -> bytes:
    return json.dumps(payload).encode()


def test_accepts_a_well_formed_message_and_tidies_it():
    sender, text, metadata = parse_request(body(sender="abc-1", message="  hi\x00 there  "))
    assert (sender, text, metadata) == ("abc-1", "hi there", None)


def test_keeps_emoji_and_newlines():
    _, text, _ = parse_request(body(sender="a", message="hello 👶\nthanks"))
    assert text == "hello 👶\nthanks"


@pytest.mark.parametrize(
    ("raw", "status", "reason"),
    [
        (b"", 400, "empty body"),
        (b"\xff\xfe\x00garbage", 400, "UTF-8"),
        (b"{not json", 400, "valid JSON"),
        (b"[1, 2]", 400, "JSON object"),
        (body(message="hi"), 400, "'sender' is required"),
        (body(sender="", message="hi"), 400, "'sender' is required"),
        (body(sender="has space", message="hi"), 400, "'sender' is required"),
        (body(sender=12, message="hi"), 400, "'sender' is required"),
        (body(sender="a"), 400, "'message' must be a string"),
        (body(sender="a", message=5), 400, "'message' must be a string"),
        (body(sender="a", message="   "), 400, "'message' is empty"),
        (body(sender="a", message="x" * (MAX_MESSAGE_CHARS + 1)), 413, "too long"),
        (body(sender="a", message="hi", metadata="x"), 400, "'metadata'"),
        (b" " * (MAX_BODY_BYTES + 1), 413, "too large"),
    ],
)
def test_refuses_malformed_requests_with_a_clear_reason(raw, status, reason):
    with pytest.raises(InboundError) as error:
        parse_request(raw)
    assert error.value.status == status
    assert reason in error.value.reason
