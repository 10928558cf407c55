"""Shared fixtures: a migrated database (SQLite always, PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.store.db import dispose_engines
from bot.store.migrate import upgrade

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def _fresh_postgres_database() -> str:
    """A new, empty database on the test server, so tests never share state."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return str(make_url(POSTGRES_URL).set(database=name))


def _drop_postgres_database(url: str) -> None:
    dispose_engines()
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(
            text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
        )
    admin.dispose()


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
    url = _fresh_postgres_database()
    upgrade(url)
    yield url
    _drop_postgres_database(url)


@pytest.fixture
def sqlite_url(tmp_path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'test.db'}"
    upgrade(url)
    yield url
    dispose_engines()
