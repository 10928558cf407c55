"""The desk app on the test database, its client and a clock the test moves by hand.

A test module that needs another starting moment overrides `clock`.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.desk import create_app
from tests.desk_support import DeskClock

DESK_START = datetime(2026, 11, 25, 9, 0)


@pytest.fixture
def clock() -> DeskClock:
    return DeskClock(DESK_START)


@pytest.fixture
def app(database_url, clock):
    return create_app({"DATABASE_URL": database_url, "TESTING": True, "DESK_API_TOKEN": None,
                       "DESK_CLOCK": clock})


@pytest.fixture
def client(app):
    return app.test_client()
