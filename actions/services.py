"""Services shared by the actions, built once per action-server process."""

from __future__ import annotations

from functools import lru_cache

from bot.cafes.directory import CafeDirectory
from bot.channels.outbound import Outbox, configured_outbox
from bot.config import Settings, get_settings
from bot.escalation.paging import PagingPolicy, default_policy
from bot.growth.service import GrowthService
from bot.mood.checkin import CheckinService
from bot.people.service import PeopleService


@lru_cache(maxsize=1)
def settings() -> Settings:
    return get_settings()


@lru_cache(maxsize=1)
def people() -> PeopleService:
    return PeopleService(settings().database_url)


@lru_cache(maxsize=1)
def paging_policy() -> PagingPolicy:
    return default_policy()


@lru_cache(maxsize=1)
def outbox() -> Outbox:
    return configured_outbox(settings().database_url)


@lru_cache(maxsize=1)
def checkins() -> CheckinService:
    return CheckinService(settings().database_url)


@lru_cache(maxsize=1)
def growth() -> GrowthService:
    return GrowthService(settings().database_url)


@lru_cache(maxsize=1)
def cafes() -> CafeDirectory:
    return CafeDirectory(settings().database_url)
