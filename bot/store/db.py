"""Engine and session lifecycle for the app database (SQLite default, PostgreSQL in production)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def enable_sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets the four processes read while one writes; busy_timeout waits out short locks."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def get_engine(database_url: str) -> Engine:
    """One pooled engine per URL per process."""
    with _lock:
        engine = _engines.get(database_url)
        if engine is not None:
            return engine
        url = make_url(database_url)
        if url.get_backend_name() == "sqlite":
            if url.database:
                Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            # A pool, not SQLAlchemy 1.4's per-query connections (NullPool) for SQLite files.
            engine = create_engine(
                database_url,
                future=True,
                poolclass=QueuePool,
                pool_size=5,
                connect_args={"check_same_thread": False},
            )
            event.listen(engine, "connect", enable_sqlite_pragmas)
        else:
            engine = create_engine(database_url, future=True, pool_pre_ping=True)
        _engines[database_url] = engine
        return engine


def dispose_engines() -> None:
    """Close pooled connections (tests that switch databases, forked workers)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def session_scope(database_url: str) -> Iterator[Session]:
    """A transaction: committed on success, rolled back on any error."""
    factory = sessionmaker(bind=get_engine(database_url), future=True, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
