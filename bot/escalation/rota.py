"""Teams, staff and the on-duty rota, from the command line (the desk gets a page for it too).

    python -m bot.escalation.rota add-team "North" --district SE25 --district CR0
    python -m bot.escalation.rota add-staff "Hana Ali" --role health_visitor --team North \\
        --page-channel sms --page-address +447700900001
    python -m bot.escalation.rota add-shift 3 --team North \\
        --start "2026-11-24 09:00" --end "2026-11-24 17:00"
    python -m bot.escalation.rota on-duty --team North

Shift times are UK local time; they are stored in UTC.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.config import get_settings
from bot.people.postcode import extract_district
from bot.store import audit
from bot.store.db import session_scope
from bot.store.models import RotaShift, Staff, Team, TeamDistrict, utcnow

ROLES = ("health_visitor", "team_lead", "admin")
ON_ROTA_ROLES = ("health_visitor", "team_lead")
CHANNELS = ("sms", "telegram")
MAX_SHIFT = timedelta(hours=24)


class RotaError(ValueError):
    """A request the rota cannot take, with a reason for the person typing it."""


class ShiftError(RotaError):
    """A shift the desk cannot book, naming the form field the person should change."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Shift:
    """One shift as the desk shows it; times are naive UTC, `paging` says if a page can reach."""

    id: int
    team_id: int
    staff_id: int
    staff_name: str
    starts_at: datetime
    ends_at: datetime
    paging: str  # "ok", "no_pager", "failed" or "inactive"

    @property
    def pageable(self) -> bool:
        return self.paging == "ok"


def _team(session, name: str) -> Team:
    team = session.execute(select(Team).where(Team.name == name)).scalar_one_or_none()
    if team is None:
        raise RotaError(f"no team called {name!r}")
    return team


def add_team(database_url: str, name: str, districts: list[str], actor: str = "cli") -> int:
    with session_scope(database_url) as session:
        if session.execute(select(Team).where(Team.name == name)).first():
            raise RotaError(f"a team called {name!r} already exists")
        team = Team(name=name)
        session.add(team)
        session.flush()
        for raw in districts:
            district = extract_district(raw)
            if district is None:
                raise RotaError(f"{raw!r} is not a UK postcode district")
            session.merge(TeamDistrict(postcode_district=district, team_id=team.id))
        audit.record(session, actor, "team_added", "team", team.id, districts=len(districts))
        return team.id


def _check_pager(page_channel: str | None, page_address: str | None) -> None:
    if page_channel is not None and page_channel not in CHANNELS:
        raise RotaError(f"page channel must be one of {', '.join(CHANNELS)}")
    if bool(page_channel) != bool(page_address):
        raise RotaError("give both --page-channel and --page-address, or neither")


def add_staff(database_url: str, name: str, role: str, team: str,
              page_channel: str | None, page_address: str | None) -> int:
    if role not in ROLES:
        raise RotaError(f"role must be one of {', '.join(ROLES)}")
    _check_pager(page_channel, page_address)
    with session_scope(database_url) as session:
        staff = Staff(name=name, role=role, team_id=_team(session, team).id,
                      page_channel=page_channel, page_address=page_address, active=True)
        session.add(staff)
        session.flush()
        audit.record(session, "cli", "staff_added", "staff", staff.id, role=role)
        return staff.id


def _utc(local: str, timezone_name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(local)
    except ValueError as error:
        raise RotaError(f"{local!r} is not a date and time like 2026-11-24 09:00") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone_name))
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def add_shift(database_url: str, staff_id: int, team: str, start: str, end: str,
              timezone_name: str, actor: str = "cli") -> int:
    starts_at, ends_at = _utc(start, timezone_name), _utc(end, timezone_name)
    if ends_at <= starts_at:
        raise RotaError("a shift must end after it starts")
    with session_scope(database_url) as session:
        if session.get(Staff, staff_id) is None:
            raise RotaError(f"no staff member {staff_id}")
        shift = RotaShift(team_id=_team(session, team).id, staff_id=staff_id,
                          starts_at=starts_at, ends_at=ends_at)
        session.add(shift)
        session.flush()
        audit.record(session, actor, "shift_added", "rota_shift", shift.id, staff_id=staff_id)
        return shift.id


def set_pager(database_url: str, staff_id: int, page_channel: str | None,
              page_address: str | None) -> None:
    """Change where a member of staff is paged; a number that failed before is tried again."""
    _check_pager(page_channel, page_address)
    with session_scope(database_url) as session:
        staff = session.get(Staff, staff_id)
        if staff is None:
            raise RotaError(f"no staff member {staff_id}")
        staff.page_channel, staff.page_address = page_channel, page_address
        staff.page_failed_at = None
        audit.record(session, "cli", "pager_changed", "staff", staff.id)


def on_duty(database_url: str, team: str, now: datetime | None = None) -> list[str]:
    now = now or utcnow()
    with session_scope(database_url) as session:
        return list(session.execute(
            select(Staff.name)
            .join(RotaShift, RotaShift.staff_id == Staff.id)
            .where(RotaShift.team_id == _team(session, team).id,
                   RotaShift.starts_at <= now, RotaShift.ends_at > now, Staff.active.is_(True))
            .order_by(Staff.name)
        ).scalars())


def day_label(day: date) -> str:
    """A day as people say it, e.g. "Tuesday 24 November"."""
    return f"{day:%A} {day.day} {day:%B}"


def to_local(moment: datetime, timezone_name: str) -> datetime:
    """A stored naive UTC time as naive local wall-clock time."""
    zone = ZoneInfo(timezone_name)
    return moment.replace(tzinfo=timezone.utc).astimezone(zone).replace(tzinfo=None)


def local_to_utc(day: date, at: time, timezone_name: str) -> datetime:
    """A local wall-clock time as naive UTC; a time skipped when the clocks go forward is refused.

    A time that happens twice when the clocks go back means the first of the two.
    """
    wall = datetime.combine(day, at)
    moment = wall.replace(tzinfo=ZoneInfo(timezone_name)).astimezone(timezone.utc)
    utc = moment.replace(tzinfo=None)
    if to_local(utc, timezone_name) != wall:
        raise RotaError(
            f"{at:%H:%M} does not exist on {day_label(day)} because the clocks go forward. "
            "Choose a different time."
        )
    return utc


def local_shift(day: date, start: time, end: time,
                timezone_name: str) -> tuple[datetime, datetime]:
    """A shift typed as a local day, start and end, in UTC.

    An end at or before the start is the next day, so a night shift needs only one date.
    """
    try:
        starts_at = local_to_utc(day, start, timezone_name)
    except RotaError as error:
        raise ShiftError("start", str(error)) from error
    end_day = day + timedelta(days=1) if end <= start else day
    try:
        ends_at = local_to_utc(end_day, end, timezone_name)
    except RotaError as error:
        raise ShiftError("end", str(error)) from error
    return starts_at, ends_at


def _paging_state(staff: Staff) -> str:
    if not staff.active:
        return "inactive"
    if not (staff.page_channel and staff.page_address):
        return "no_pager"
    if staff.page_failed_at is not None:
        return "failed"
    return "ok"


def _shift(shift: RotaShift, staff: Staff) -> Shift:
    return Shift(id=shift.id, team_id=shift.team_id, staff_id=staff.id, staff_name=staff.name,
                 starts_at=shift.starts_at, ends_at=shift.ends_at, paging=_paging_state(staff))


def _window_text(shift: RotaShift, timezone_name: str) -> str:
    start, end = to_local(shift.starts_at, timezone_name), to_local(shift.ends_at, timezone_name)
    ends = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%H:%M} on {day_label(end)}"
    return f"on {day_label(start)} from {start:%H:%M} to {ends}"


def team_name(database_url: str, team_id: int) -> str | None:
    with session_scope(database_url) as session:
        team = session.get(Team, team_id)
        return team.name if team is not None else None


def teams(database_url: str) -> list[tuple[int, str]]:
    """Every team as (id, name), by name, for an admin choosing whose rota to keep."""
    with session_scope(database_url) as session:
        return [(row.id, row.name)
                for row in session.execute(select(Team.id, Team.name).order_by(Team.name))]


def rota_staff(database_url: str, team_id: int) -> list[tuple[int, str]]:
    """The people who can go on a team's rota: its active health visitors and team leads."""
    with session_scope(database_url) as session:
        return [(row.id, row.name) for row in session.execute(
            select(Staff.id, Staff.name)
            .where(Staff.team_id == team_id, Staff.active.is_(True),
                   Staff.role.in_(ON_ROTA_ROLES))
            .order_by(Staff.name, Staff.id)
        )]


def shifts_for(database_url: str, team_id: int, start: datetime, end: datetime) -> list[Shift]:
    """A team's shifts that overlap start to end (naive UTC), earliest first."""
    with session_scope(database_url) as session:
        rows = session.execute(
            select(RotaShift, Staff)
            .join(Staff, RotaShift.staff_id == Staff.id)
            .where(RotaShift.team_id == team_id, RotaShift.starts_at < end,
                   RotaShift.ends_at > start)
            .order_by(RotaShift.starts_at, Staff.name, RotaShift.id)
        ).all()
        return [_shift(shift, staff) for shift, staff in rows]


def on_duty_now(database_url: str, team_id: int, now: datetime) -> list[Shift]:
    """Who paging treats as on duty for a team at `now`: one shift per active person, by name."""
    with session_scope(database_url) as session:
        rows = session.execute(
            select(RotaShift, Staff)
            .join(Staff, RotaShift.staff_id == Staff.id)
            .where(RotaShift.team_id == team_id, RotaShift.starts_at <= now,
                   RotaShift.ends_at > now, Staff.active.is_(True))
            .order_by(Staff.name, Staff.id, RotaShift.ends_at.desc())
        ).all()
        latest: dict[int, Shift] = {}
        for shift, staff in rows:
            latest.setdefault(staff.id, _shift(shift, staff))
        return list(latest.values())


def get_shift(database_url: str, shift_id: int) -> Shift | None:
    with session_scope(database_url) as session:
        row = session.execute(
            select(RotaShift, Staff).join(Staff, RotaShift.staff_id == Staff.id)
            .where(RotaShift.id == shift_id)
        ).first()
        return _shift(*row) if row is not None else None


def book_shift(database_url: str, team_id: int, staff_id: int, starts_at: datetime,
               ends_at: datetime, *, now: datetime, timezone_name: str,
               actor: str = "cli") -> int:
    """Add a shift only if it can help paging: not over yet, at most 24 hours, for someone
    in the team, and not overlapping their other shifts.

    Raises ShiftError naming the form field to change.
    """
    if ends_at <= starts_at:
        raise ShiftError("end", "The shift must end after it starts.")
    if ends_at <= now:
        raise ShiftError("date", "That shift has already ended. Enter a shift that ends in "
                                 "the future.")
    if ends_at - starts_at > MAX_SHIFT:
        raise ShiftError("end", "A shift can be no longer than 24 hours. If the clocks change "
                                "that night, make it an hour shorter.")
    with session_scope(database_url) as session:
        staff = session.execute(
            select(Staff).where(Staff.id == staff_id).with_for_update()
        ).scalar_one_or_none()
        if (staff is None or staff.team_id != team_id or not staff.active
                or staff.role not in ON_ROTA_ROLES):
            raise ShiftError("staff", "Choose a health visitor or team lead from this team.")
        clash = session.execute(
            select(RotaShift)
            .where(RotaShift.staff_id == staff_id, RotaShift.starts_at < ends_at,
                   RotaShift.ends_at > starts_at)
            .order_by(RotaShift.starts_at)
        ).scalars().first()
        if clash is not None:
            raise ShiftError(
                "start",
                f"{staff.name} already has a shift {_window_text(clash, timezone_name)}, which "
                "overlaps this one. Change the times, or remove that shift first.",
            )
        shift = RotaShift(team_id=team_id, staff_id=staff_id, starts_at=starts_at,
                          ends_at=ends_at)
        session.add(shift)
        session.flush()
        audit.record(session, actor, "shift_added", "rota_shift", shift.id, staff_id=staff_id,
                     team_id=team_id)
        return shift.id


def remove_shift(database_url: str, shift_id: int, *, now: datetime,
                 actor: str = "cli") -> str:
    """Delete a shift still to come, or end one in progress now so its person stops being paged.

    Returns "removed" or "ended"; a shift that has already finished is kept as a record.
    """
    with session_scope(database_url) as session:
        shift = session.execute(
            select(RotaShift).where(RotaShift.id == shift_id).with_for_update()
        ).scalar_one_or_none()
        if shift is None:
            raise RotaError("That shift is not on the rota any more.")
        if shift.ends_at <= now:
            raise RotaError("That shift has already finished, so there is nothing to change.")
        detail = {"staff_id": shift.staff_id, "team_id": shift.team_id}
        if shift.starts_at >= now:
            session.delete(shift)
            audit.record(session, actor, "shift_removed", "rota_shift", shift_id, **detail)
            return "removed"
        planned_end, shift.ends_at = shift.ends_at, now
        audit.record(session, actor, "shift_ended", "rota_shift", shift_id,
                     planned_end=planned_end, **detail)
        return "ended"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    team = commands.add_parser("add-team")
    team.add_argument("name")
    team.add_argument("--district", action="append", default=[])
    staff = commands.add_parser("add-staff")
    staff.add_argument("name")
    staff.add_argument("--role", required=True, choices=ROLES)
    staff.add_argument("--team", required=True)
    staff.add_argument("--page-channel", choices=CHANNELS)
    staff.add_argument("--page-address")
    pager = commands.add_parser("set-pager")
    pager.add_argument("staff_id", type=int)
    pager.add_argument("--page-channel", choices=CHANNELS)
    pager.add_argument("--page-address")
    shift = commands.add_parser("add-shift")
    shift.add_argument("staff_id", type=int)
    shift.add_argument("--team", required=True)
    shift.add_argument("--start", required=True)
    shift.add_argument("--end", required=True)
    duty = commands.add_parser("on-duty")
    duty.add_argument("--team", required=True)
    args = parser.parse_args(argv)
    settings = get_settings()
    url = settings.database_url
    try:
        if args.command == "add-team":
            print(add_team(url, args.name, args.district))
        elif args.command == "add-staff":
            print(add_staff(url, args.name, args.role, args.team, args.page_channel,
                            args.page_address))
        elif args.command == "set-pager":
            set_pager(url, args.staff_id, args.page_channel, args.page_address)
            print("pager changed")
        elif args.command == "add-shift":
            print(add_shift(url, args.staff_id, args.team, args.start, args.end,
                            settings.timezone))
        else:
            print("\n".join(on_duty(url, args.team)) or "nobody on duty")
    except RotaError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
