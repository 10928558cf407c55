"""The audit log on the desk: a read-only view of the append-only trail.

Admins and team leads read it to answer "who did what, and when". There is no route that
changes or removes an entry. Filters carry only action names, actor ids, subject types and
dates, so a link to a filtered log never holds personal data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template, request

from bot.clock import local_time
from bot.config import get_settings
from bot.desk import accounts
from bot.desk.access import ADMIN, TEAM_LEAD, requires
from bot.desk.forms import Form
from bot.store import audit as trail
from bot.store.models import AuditEvent

bp = Blueprint("audit", __name__, url_prefix="/audit")

PAGE_SIZE = 100
FILTER_FIELDS = ("action", "actor", "subject_type", "from", "to")
# A service name ("scheduler") or a kind and id ("staff:3"); never a person's name.
ACTOR = re.compile(r"[a-z][a-z0-9_.-]*(?::[a-z0-9_-]+)?")
STAFF_ACTOR = re.compile(r"staff:([0-9]+)")
UK_DATE = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})")
MAX_DETAIL_VALUE = 60


@dataclass
class Filters(Form):
    """The filters as typed, what they mean for the query, and any problems with them.

    The inputs' ids start with "filter-", while their names stay short for the query string.
    """

    id_prefix: str = "filter-"
    action: str | None = None
    actor: str | None = None
    subject_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    before: int | None = None

    def link_args(self) -> dict[str, str]:
        """The filters in use, to carry into the next page's link."""
        return {name: value for name, value in self.values.items() if value}


@dataclass(frozen=True)
class Entry:
    """One audit entry as the log shows it."""

    id: int
    when: str
    actor: str
    actor_name: str | None
    action: str
    subject_type: str
    subject_id: str
    details: list[tuple[str, str]]

    @property
    def action_words(self) -> str:
        return action_words(self.action)


def action_words(action: str) -> str:
    """'escalation_acknowledged' as 'Escalation acknowledged'."""
    return action.replace("_", " ").capitalize()


def _short(value: object) -> str:
    if value is None:
        text = "none"
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, list):
        text = ", ".join(str(item) for item in value)
    else:
        text = str(value)
    return text if len(text) <= MAX_DETAIL_VALUE else text[:MAX_DETAIL_VALUE - 1] + "…"


def detail_pairs(detail: str | None) -> list[tuple[str, str]]:
    """An entry's JSON detail as short 'key: value' pairs for a table cell."""
    if not detail:
        return []
    try:
        data = json.loads(detail)
    except ValueError:
        return [("", _short(detail))]
    if not isinstance(data, dict):
        return [("", _short(data))]
    return [(key.replace("_", " "), _short(value)) for key, value in data.items()]


def parse_uk_date(text: str) -> date | None:
    """A date typed day first, like 25/11/2026, or as 2026-11-25; None if it is not one."""
    text = text.strip()
    match = UK_DATE.fullmatch(text)
    try:
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        return date.fromisoformat(text)
    except ValueError:
        return None


def _start_of_day(day: date, zone: ZoneInfo) -> datetime:
    """Midnight at the start of a UK day, as the naive UTC every stored time uses."""
    return datetime.combine(day, time(), zone).astimezone(timezone.utc).replace(tzinfo=None)


def read_filters(args: Mapping[str, str], actions: list[str], subject_types: list[str],
                 zone: ZoneInfo) -> Filters:
    """The log's filters from a query string, with a message for each one that cannot be used."""
    filters = Filters.read(FILTER_FIELDS, args)
    values = filters.values
    if values["action"]:
        if values["action"] in actions:
            filters.action = values["action"]
        else:
            filters.fail("action", "There are no entries for that action. Choose one from the "
                                   "list")
    if values["subject_type"]:
        if values["subject_type"] in subject_types:
            filters.subject_type = values["subject_type"]
        else:
            filters.fail("subject_type", "There are no entries about that kind of subject. "
                                         "Choose one from the list")
    if values["actor"]:
        if len(values["actor"]) <= 120 and ACTOR.fullmatch(values["actor"]):
            filters.actor = values["actor"]
        else:
            filters.fail("actor", "Enter who acted as a service name, like scheduler, or as "
                                  "staff: and their number, like staff:3")
    days: dict[str, date | None] = {}
    for name, label in (("from", "Date from"), ("to", "Date to")):
        if values[name]:
            days[name] = parse_uk_date(values[name])
            if days[name] is None:
                filters.fail(name, f"{label} must be a real date, like 25/11/2026")
    if days.get("from"):
        filters.since = _start_of_day(days["from"], zone)
    if days.get("to"):
        filters.until = _start_of_day(days["to"] + timedelta(days=1), zone)
        if days.get("from") and days["to"] < days["from"]:
            filters.fail("to", "Date to must be the same as or after date from")
    before = args.get("before", "").strip()
    if before:
        if before.isdigit() and int(before) > 0:
            filters.before = int(before)
        else:
            filters.fail("before", "That page of the log does not exist. Start again from "
                                   "the newest entries")
    return filters


def uk_moment(moment: datetime, timezone_name: str) -> str:
    """'Tue 24 Nov 2026, 09:05:12' in UK local time: to the second, as a trail needs."""
    local = local_time(moment, timezone_name)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M:%S}"


def _entries(events: list[AuditEvent], database_url: str, timezone_name: str) -> list[Entry]:
    staff_ids = {int(match.group(1)) for event in events
                 if (match := STAFF_ACTOR.fullmatch(event.actor))}
    names = accounts.staff_names(database_url, staff_ids)
    entries = []
    for event in events:
        match = STAFF_ACTOR.fullmatch(event.actor)
        entries.append(Entry(
            id=event.id, when=uk_moment(event.at, timezone_name), actor=event.actor,
            actor_name=names.get(int(match.group(1))) if match else None,
            action=event.action, subject_type=event.subject_type,
            subject_id=event.subject_id, details=detail_pairs(event.detail),
        ))
    return entries


@bp.get("/")
@requires(ADMIN, TEAM_LEAD)
def audit_log():
    database_url = current_app.config["DATABASE_URL"]
    actions, subject_types = trail.recorded_kinds(database_url)
    timezone_name = get_settings().timezone
    filters = read_filters(request.args, actions, subject_types, ZoneInfo(timezone_name))
    entries: list[Entry] = []
    older_than = None
    if not filters.errors:
        events = trail.search(
            database_url, action=filters.action, actor=filters.actor,
            subject_type=filters.subject_type, since=filters.since, until=filters.until,
            limit=PAGE_SIZE + 1, before_id=filters.before,
        )
        if len(events) > PAGE_SIZE:
            events = events[:PAGE_SIZE]
            older_than = events[-1].id
        entries = _entries(events, database_url, timezone_name)
    page = render_template(
        "audit/log.html", filters=filters, entries=entries, older_than=older_than,
        action_options=[("", "Any action"),
                        *((action, action_words(action)) for action in actions)],
        subject_options=[("", "Anything"), *((kind, kind.replace("_", " ").capitalize())
                                             for kind in subject_types)],
    )
    return page, 400 if filters.errors else 200
