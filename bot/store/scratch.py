"""Throw-away PostgreSQL databases for tests and benchmarks, so runs never share state."""

from __future__ import annotations

import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.store.db import dispose_engines


def create_scratch_database(server_url: str) -> str:
    """Create an empty database on the server of `server_url`; return its URL."""
    name = f"scratch_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return str(make_url(server_url).set(database=name))


def drop_scratch_database(server_url: str, database_url: str) -> None:
    dispose_engines()
    name = make_url(database_url).database
    if not name or not name.startswith("scratch_"):
        raise ValueError(f"refusing to drop a database that is not a scratch one: {name!r}")
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
