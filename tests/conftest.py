"""Shared fixtures: a migrated database (SQLite always, PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from bot.store.db import dispose_engines
from bot.store.migrate import upgrade
from bot.store.scratch import create_scratch_database, drop_scratch_database

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """A migrated database of each kind the product runs on."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        upgrade(url)
        yield url
        dispose_engines()
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (CI sets it)")
    url = create_scratch_database(POSTGRES_URL)
    upgrade(url)
    yield url
    drop_scratch_database(POSTGRES_URL, url)


@pytest.fixture
def sqlite_url(tmp_path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'test.db'}"
    upgrade(url)
    yield url
    dispose_engines()
