"""The real stack (Rasa, action server, desk, scheduler) on free local ports."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import requests

from bot.config import get_settings
from bot.ops.fake_providers import FakeTelegram, FakeTwilio, environment
from bot.ops.model import ensure_model
from bot.ops.stack import Stack
from bot.store.migrate import upgrade
from bot.store.scratch import create_scratch_database, drop_scratch_database
from tests.conftest import POSTGRES_URL

DESK_TOKEN = "e2e-desk-token"
# What Twilio and Telegram are told the assistant's address is. Requests reach the local Rasa
# server directly, as they would through a TLS-terminating proxy, and are signed for this URL.
PUBLIC_BASE_URL = "https://first1000.example.nhs.uk"
TELEGRAM_SECRET = "e2e-telegram-secret"
SERVICE_NUMBER = "+447700900000"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def start_stack(tmp_dir, env: dict[str, str]) -> Stack:
    ensure_model()
    upgrade(env["DATABASE_URL"])
    stack = Stack(
        {
            "VAR_DIR": str(tmp_dir),
            "MODEL_CACHE_DIR": str(get_settings().model_cache_dir),
            "DESK_API_TOKEN": DESK_TOKEN,
            # The desk is served over plain http on loopback here, and polls every second.
            "DESK_INSECURE_COOKIES": "1",
            "DESK_POLL_SECONDS": "1",
            **env,
        },
        log_dir=tmp_dir / "logs",
    )
    try:
        stack.start()
    except Exception:
        stack.stop()
        raise
    return stack


class Providers:
    """Local fakes of the Twilio REST API and the Telegram Bot API."""

    def __init__(self) -> None:
        self.twilio = FakeTwilio().start()
        self.telegram = FakeTelegram().start()

    def env(self) -> dict[str, str]:
        return {
            **environment(self.twilio, self.telegram),
            "TWILIO_FROM_NUMBER": SERVICE_NUMBER,
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        }

    def stop(self) -> None:
        self.twilio.stop()
        self.telegram.stop()


@pytest.fixture(scope="session")
def providers() -> Iterator[Providers]:
    running = Providers()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory, providers) -> Iterator[Stack]:
    """The embedded set-up: SQLite in a temporary var/, in-memory lock store; SMS and Telegram
    point at the local provider fakes."""
    var_dir = tmp_path_factory.mktemp("var")
    running = start_stack(var_dir, {
        "DATABASE_URL": f"sqlite:///{var_dir / 'e2e.db'}",
        **providers.env(),
    })
    yield running
    running.stop()


@pytest.fixture(scope="session")
def scaled_stack(tmp_path_factory) -> Iterator[Stack]:
    """The production set-up: PostgreSQL, Redis lock store, two Rasa workers."""
    if not POSTGRES_URL:
        pytest.skip("needs TEST_DATABASE_URL (PostgreSQL); CI sets it")
    import os

    redis_url = os.environ.get("TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("needs TEST_REDIS_URL (Redis); CI sets it")
    database_url = create_scratch_database(POSTGRES_URL)
    var_dir = tmp_path_factory.mktemp("var-scaled")
    running = start_stack(
        var_dir, {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "SANIC_WORKERS": "2"}
    )
    yield running
    running.stop()
    drop_scratch_database(POSTGRES_URL, database_url)


class Conversation:
    """One person talking to the assistant over the REST channel."""

    def __init__(self, stack: Stack, sender: str | None = None) -> None:
        self.stack = stack
        self.sender = sender or f"e2e-{uuid.uuid4().hex[:10]}"

    def say(self, text: str) -> list[dict]:
        reply = requests.post(
            f"{self.stack.rasa_url}/webhooks/rest/webhook",
            json={"sender": self.sender, "message": text},
            timeout=60,
        )
        assert reply.status_code == 200, reply.text
        return reply.json()

    def say_text(self, text: str) -> str:
        return " ".join(m.get("text", "") for m in self.say(text))


@pytest.fixture
def conversation(stack) -> Conversation:
    return Conversation(stack)
