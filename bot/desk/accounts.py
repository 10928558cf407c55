"""Desk accounts: usernames, scrypt password hashes, sign-in checks and lockout.

    python -m bot.desk.accounts create-admin --name "Sam Patel" --username spatel
    echo "$PASSWORD" | python -m bot.desk.accounts create-admin --name ... --password-stdin

Five passwords that don't match lock that account for 15 minutes, so a guesser gets few tries;
every sign-in, failure and lock is audited without the password or an unknown username.
The desk's staff pages keep accounts through the functions here, audited as the admin who acted.
"""

from __future__ import annotations

import argparse
import getpass
import re
import secrets
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from bot.config import get_settings
from bot.escalation.rota import CHANNELS, ROLES
from bot.store import audit
from bot.store.db import session_scope
from bot.store.models import Staff, StaffLogin, Team, TeamDistrict, utcnow

ADMIN_ROLE = "admin"
MIN_PASSWORD_LENGTH = 12
MAX_FAILED_ATTEMPTS = 5
LOCK_FOR = timedelta(minutes=15)
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")


class AccountError(ValueError):
    """An account request that cannot be met, with a reason for the person typing it.

    `field` names the form field at fault, so a desk page can show the reason beside it.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class StaffMember:
    """A member of staff, their role and team: who acts, and what they may see."""

    id: int
    name: str
    role: str
    team_id: int | None
    team_name: str | None

    @property
    def actor(self) -> str:
        """Who they are in the audit trail."""
        return audit.staff_actor(self.id)


@dataclass(frozen=True)
class SignedInStaff(StaffMember):
    """Who is signed in to the desk: enough to greet them and scope what they may see."""


@dataclass(frozen=True)
class SignInResult:
    """The outcome of a sign-in; `staff` is set only when it succeeded."""

    staff: SignedInStaff | None = None
    locked: bool = False

    @property
    def ok(self) -> bool:
        return self.staff is not None


def normalise_username(username: str) -> str:
    return username.strip().lower()


def login_problems(username: str, password: str) -> dict[str, str]:
    """What is wrong with a new username and password, by field, so a form can say each."""
    name = normalise_username(username)
    problems = {}
    if not USERNAME_PATTERN.fullmatch(name):
        problems["username"] = (
            "a username is 2 to 64 letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit"
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        problems["password"] = f"a password needs at least {MIN_PASSWORD_LENGTH} characters"
    elif name and name in password.lower():
        problems["password"] = "a password must not contain the username"
    return problems


def check_new_login(username: str, password: str) -> str:
    """The normalised username, or AccountError saying what to change."""
    problems = login_problems(username, password)
    if problems:
        field, reason = next(iter(problems.items()))
        raise AccountError(reason, field=field)
    return normalise_username(username)


def _hash(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to check unknown usernames against, so they take as long as known ones."""
    return _hash(secrets.token_urlsafe(24))


def _username_taken(session: Session, name: str) -> bool:
    found = session.execute(select(StaffLogin.id).where(StaffLogin.username == name)).first()
    return found is not None


def _add_login(session: Session, staff_id: int, username: str, password: str,
               actor: str = "cli") -> StaffLogin:
    name = check_new_login(username, password)
    if _username_taken(session, name):
        raise AccountError(f"the username {name!r} is already taken", field="username")
    if session.execute(select(StaffLogin.id).where(StaffLogin.staff_id == staff_id)).first():
        raise AccountError(f"staff member {staff_id} already has a login")
    login = StaffLogin(staff_id=staff_id, username=name, password_hash=_hash(password),
                       failed_attempts=0)
    session.add(login)
    session.flush()
    audit.record(session, actor, "desk_login_created", "staff_login", login.id,
                 staff_id=staff_id)
    return login


def create_login(database_url: str, staff_id: int, username: str, password: str) -> int:
    """Give an existing member of staff a desk sign-in; returns the login's id."""
    with session_scope(database_url) as session:
        if session.get(Staff, staff_id) is None:
            raise AccountError(f"no staff member {staff_id}")
        return _add_login(session, staff_id, username, password).id


def create_admin(database_url: str, name: str, username: str, password: str) -> int:
    """Create an admin (no team: they keep every team's settings) and their login."""
    if not name.strip():
        raise AccountError("an admin needs a name")
    check_new_login(username, password)
    with session_scope(database_url) as session:
        staff = Staff(name=name.strip(), role=ADMIN_ROLE, team_id=None, active=True)
        session.add(staff)
        session.flush()
        audit.record(session, "cli", "staff_added", "staff", staff.id, role=ADMIN_ROLE)
        _add_login(session, staff.id, username, password)
        return staff.id


def load_staff(database_url: str, staff_id: int) -> SignedInStaff | None:
    """An active member of staff by id, or None once they have been deactivated."""
    with session_scope(database_url) as session:
        staff = session.get(Staff, staff_id)
        if staff is None or not staff.active:
            return None
        team = session.get(Team, staff.team_id) if staff.team_id is not None else None
        return SignedInStaff(staff.id, staff.name, staff.role, staff.team_id,
                             team.name if team else None)


def verify(database_url: str, username: str, password: str,
           now: datetime | None = None) -> SignInResult:
    """Check a sign-in, counting failures against the account and locking it after five."""
    now = now or utcnow()
    name = normalise_username(username)
    with session_scope(database_url) as session:
        login = session.execute(
            select(StaffLogin).where(StaffLogin.username == name).with_for_update()
        ).scalar_one_or_none()
        if login is None:
            check_password_hash(_dummy_hash(), password)
            audit.record(session, "anonymous", "desk_sign_in_failed", "staff_login", "unknown",
                         reason="unknown_username")
            return SignInResult()

        matches = check_password_hash(login.password_hash, password)
        actor = audit.staff_actor(login.staff_id)
        if login.locked_until is not None and login.locked_until > now:
            audit.record(session, actor, "desk_sign_in_refused", "staff_login", login.id,
                         reason="locked", locked_until=login.locked_until)
            return SignInResult(locked=True)

        staff = session.get(Staff, login.staff_id)
        if not matches or staff is None or not staff.active:
            login.locked_until = None
            login.failed_attempts += 1
            reason = "wrong_password" if not matches else "inactive"
            audit.record(session, actor, "desk_sign_in_failed", "staff_login", login.id,
                         reason=reason, failed_attempts=login.failed_attempts)
            if login.failed_attempts >= MAX_FAILED_ATTEMPTS:
                login.failed_attempts = 0
                login.locked_until = now + LOCK_FOR
                audit.record(session, actor, "desk_login_locked", "staff_login", login.id,
                             locked_until=login.locked_until)
                return SignInResult(locked=True)
            return SignInResult()

        login.failed_attempts = 0
        login.locked_until = None
        login.last_sign_in_at = now
        audit.record(session, actor, "desk_sign_in", "staff_login", login.id)
        team = session.get(Team, staff.team_id) if staff.team_id is not None else None
        return SignInResult(SignedInStaff(staff.id, staff.name, staff.role, staff.team_id,
                                          team.name if team else None))


def record_sign_out(database_url: str, staff_id: int) -> None:
    with session_scope(database_url) as session:
        audit.record(session, audit.staff_actor(staff_id), "desk_sign_out", "staff", staff_id)


@dataclass(frozen=True)
class TeamSummary:
    """A team as the admin pages list it."""

    id: int
    name: str
    districts: tuple[str, ...]


@dataclass(frozen=True)
class StaffSummary(StaffMember):
    """A member of staff as the admin pages list them: the pager only by its last digits."""

    page_channel: str | None
    page_ending: str | None
    page_failed: bool
    active: bool
    username: str | None
    last_sign_in_at: datetime | None
    locked_until: datetime | None


def list_teams(database_url: str) -> list[TeamSummary]:
    with session_scope(database_url) as session:
        districts: dict[int, list[str]] = {}
        for row in session.execute(
            select(TeamDistrict).order_by(TeamDistrict.postcode_district)
        ).scalars():
            districts.setdefault(row.team_id, []).append(row.postcode_district)
        teams = session.execute(select(Team).order_by(Team.name)).scalars()
        return [TeamSummary(team.id, team.name, tuple(districts.get(team.id, ())))
                for team in teams]


def district_owners(database_url: str, districts: list[str]) -> dict[str, str]:
    """Which of these postcode districts a team already covers, and that team's name."""
    if not districts:
        return {}
    with session_scope(database_url) as session:
        rows = session.execute(
            select(TeamDistrict.postcode_district, Team.name)
            .join(Team, Team.id == TeamDistrict.team_id)
            .where(TeamDistrict.postcode_district.in_(districts))
        )
        return {district: team for district, team in rows}


def _summaries(session: Session, staff_id: int | None = None) -> list[StaffSummary]:
    query = (
        select(Staff, Team.name, StaffLogin)
        .outerjoin(Team, Team.id == Staff.team_id)
        .outerjoin(StaffLogin, StaffLogin.staff_id == Staff.id)
        .order_by(Staff.active.desc(), Staff.name, Staff.id)
    )
    if staff_id is not None:
        query = query.where(Staff.id == staff_id)
    return [
        StaffSummary(
            id=staff.id, name=staff.name, role=staff.role, team_id=staff.team_id,
            team_name=team_name, page_channel=staff.page_channel,
            page_ending=staff.page_address[-3:] if staff.page_address else None,
            page_failed=staff.page_failed_at is not None, active=staff.active,
            username=login.username if login else None,
            last_sign_in_at=login.last_sign_in_at if login else None,
            locked_until=login.locked_until if login else None,
        )
        for staff, team_name, login in session.execute(query)
    ]


def list_staff(database_url: str) -> list[StaffSummary]:
    """Everyone, active first, without their pager numbers or password hashes."""
    with session_scope(database_url) as session:
        return _summaries(session)


def get_staff(database_url: str, staff_id: int) -> StaffSummary | None:
    with session_scope(database_url) as session:
        found = _summaries(session, staff_id)
        return found[0] if found else None


def staff_names(database_url: str, staff_ids: set[int]) -> dict[int, str]:
    """Names for staff ids, so a trail that says staff:3 can say who that is."""
    if not staff_ids:
        return {}
    with session_scope(database_url) as session:
        rows = session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(staff_ids)))
        return {staff_id: name for staff_id, name in rows}


def username_taken(database_url: str, username: str) -> bool:
    with session_scope(database_url) as session:
        return _username_taken(session, normalise_username(username))


def _team_for_role(session: Session, role: str, team_id: int | None) -> int | None:
    """Admins work across every team; health visitors and team leads belong to one."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}", field="role")
    if role == ADMIN_ROLE:
        return None
    if team_id is None or session.get(Team, team_id) is None:
        raise AccountError("health visitors and team leads need a team", field="team_id")
    return team_id


def _check_channel(page_channel: str | None) -> None:
    if page_channel is not None and page_channel not in CHANNELS:
        raise AccountError(f"page channel must be one of {', '.join(CHANNELS)}",
                           field="page_channel")


def create_staff(database_url: str, name: str, role: str, team_id: int | None,
                 page_channel: str | None, page_address: str | None, username: str,
                 password: str, *, actor: str) -> int:
    """Add a member of staff and their desk sign-in together, or neither."""
    if not name.strip():
        raise AccountError("a member of staff needs a name", field="name")
    _check_channel(page_channel)
    if bool(page_channel) != bool(page_address):
        raise AccountError("give both a pager channel and an address, or neither",
                           field="page_address")
    with session_scope(database_url) as session:
        team_id = _team_for_role(session, role, team_id)
        staff = Staff(name=name.strip(), role=role, team_id=team_id, page_channel=page_channel,
                      page_address=page_address, active=True)
        session.add(staff)
        session.flush()
        audit.record(session, actor, "staff_added", "staff", staff.id, role=role,
                     team_id=team_id, pager=page_channel)
        _add_login(session, staff.id, username, password, actor=actor)
        return staff.id


def change_staff(database_url: str, staff_id: int, role: str, team_id: int | None,
                 page_channel: str | None, page_address: str | None, *, actor: str) -> None:
    """Change a member of staff's role, team and pager.

    With a channel but no address the current address is kept, so a page can change a role
    without ever showing the number; a new address clears an earlier failure to page it.
    """
    _check_channel(page_channel)
    with session_scope(database_url) as session:
        staff = session.get(Staff, staff_id)
        if staff is None:
            raise AccountError(f"no staff member {staff_id}")
        team_id = _team_for_role(session, role, team_id)
        changed: dict[str, str | int | None] = {}
        if role != staff.role:
            changed["role"] = role
        if team_id != staff.team_id:
            changed["team_id"] = team_id
        if changed:
            staff.role, staff.team_id = role, team_id
            audit.record(session, actor, "staff_changed", "staff", staff.id, **changed)
        if page_channel is None:
            page_address = None
        elif not page_address:
            if page_channel != staff.page_channel or not staff.page_address:
                raise AccountError("enter the address to page", field="page_address")
            page_address = staff.page_address
        if (page_channel, page_address) != (staff.page_channel, staff.page_address):
            staff.page_channel, staff.page_address = page_channel, page_address
            staff.page_failed_at = None
            audit.record(session, actor, "pager_changed", "staff", staff.id,
                         channel=page_channel)


def deactivate_staff(database_url: str, staff_id: int, *, actor: str) -> None:
    """Stop an account: its sign-in is refused and an open session ends at its next request."""
    with session_scope(database_url) as session:
        staff = session.get(Staff, staff_id)
        if staff is None:
            raise AccountError(f"no staff member {staff_id}")
        if staff.active:
            staff.active = False
            audit.record(session, actor, "staff_deactivated", "staff", staff.id)


def reset_password(database_url: str, staff_id: int, password: str, *, actor: str) -> None:
    """Set a new password chosen by an admin; it also lifts a lockout from wrong guesses."""
    with session_scope(database_url) as session:
        login = session.execute(
            select(StaffLogin).where(StaffLogin.staff_id == staff_id).with_for_update()
        ).scalar_one_or_none()
        if login is None:
            raise AccountError("this member of staff has no desk sign-in", field="password")
        check_new_login(login.username, password)
        was_locked = login.locked_until is not None
        login.password_hash = _hash(password)
        login.failed_attempts = 0
        login.locked_until = None
        audit.record(session, actor, "desk_password_reset", "staff_login", login.id,
                     staff_id=staff_id, lock_cleared=was_locked)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise AccountError("the two passwords don't match")
    return first


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns 2 for a request that cannot be met."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    admin = commands.add_parser("create-admin", help="create an admin and their desk sign-in")
    admin.add_argument("--name", required=True)
    admin.add_argument("--username", required=True)
    admin.add_argument("--password-stdin", action="store_true",
                       help="read the password from the first line of standard input")
    admin.add_argument("--database-url", default=None,
                       help="defaults to DATABASE_URL from the environment")
    args = parser.parse_args(argv)
    database_url = args.database_url or get_settings().database_url
    try:
        password = _read_password(args.password_stdin)
        staff_id = create_admin(database_url, args.name, args.username, password)
    except AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"admin created: staff id {staff_id}, username {normalise_username(args.username)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
