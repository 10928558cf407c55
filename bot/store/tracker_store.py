"""Rasa's SQL tracker store on the app's own DATABASE_URL.

Each turn loads only the current session (Rasa's `retrieve`), and the indexes added by
migration 0002 keep that a seek, not a scan, however many sessions a 1,000-day conversation has.
"""

from __future__ import annotations

from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from sqlalchemy.orm import sessionmaker

from bot.config import get_settings
from bot.store.db import get_engine


class DatabaseTrackerStore(SQLTrackerStore):
    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        event_broker: EventBroker | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            domain=domain,
            host=host or get_settings().database_url,
            event_broker=event_broker,
            **kwargs,
        )
        if self.engine.dialect.name == "sqlite":
            # Rasa's engine opens a new SQLite connection for every query (SQLAlchemy 1.4's
            # NullPool); the app's pooled engine with WAL pragmas is much cheaper per turn.
            self.engine.dispose()
            self.engine = get_engine(str(self.engine.url))
            self.sessionmaker = sessionmaker(bind=self.engine)
