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
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.config import get_settings
from bot.people.postcode import extract_district
from bot.store import audit
from bot.store.db import session_scope
from bot.store.models import RotaShift, Staff, Team, TeamDistrict, utcnow

ROLES = ("health_visitor", "team_lead", "admin")
CHANNELS = ("sms", "telegram")


class RotaError(ValueError):
    """A request the rota cannot take, with a reason for the person typing it."""


def _team(session, name: str) -> Team:
    team = session.execute(select(Team).where(Team.name == name)).scalar_one_or_none()
    if team is None:
        raise RotaError(f"no team called {name!r}")
    return team


def add_team(database_url: str, name: str, districts: list[str]) -> int:
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
        audit.record(session, "cli", "team_added", "team", team.id, districts=len(districts))
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
              timezone_name: str) -> int:
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
        audit.record(session, "cli", "shift_added", "rota_shift", shift.id, staff_id=staff_id)
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
