"""Desk accounts: usernames, scrypt password hashes, sign-in checks and lockout.

    python -m bot.desk.accounts create-admin --name "Sam Patel" --username spatel
    echo "$PASSWORD" | python -m bot.desk.accounts create-admin --name ... --password-stdin

Five passwords that don't match lock that account for 15 minutes, so a guesser gets few tries;
every sign-in, failure and lock is audited without the password or an unknown username.
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
from bot.store import audit
from bot.store.db import session_scope
from bot.store.models import Staff, StaffLogin, Team, utcnow

ADMIN_ROLE = "admin"
MIN_PASSWORD_LENGTH = 12
MAX_FAILED_ATTEMPTS = 5
LOCK_FOR = timedelta(minutes=15)
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")


class AccountError(ValueError):
    """An account request that cannot be met, with a reason for the person typing it."""


@dataclass(frozen=True)
class SignedInStaff:
    """Who is signed in to the desk: enough to greet them and scope what they may see."""

    id: int
    name: str
    role: str
    team_id: int | None
    team_name: str | None


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


def check_new_login(username: str, password: str) -> str:
    """The normalised username, or AccountError saying what to change."""
    name = normalise_username(username)
    if not USERNAME_PATTERN.fullmatch(name):
        raise AccountError(
            "a username is 2 to 64 letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit"
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if name in password.lower():
        raise AccountError("a password must not contain the username")
    return name


def _hash(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to check unknown usernames against, so they take as long as known ones."""
    return _hash(secrets.token_urlsafe(24))


def _add_login(session: Session, staff_id: int, username: str, password: str) -> StaffLogin:
    name = check_new_login(username, password)
    if session.execute(select(StaffLogin.id).where(StaffLogin.username == name)).first():
        raise AccountError(f"the username {name!r} is already taken")
    if session.execute(select(StaffLogin.id).where(StaffLogin.staff_id == staff_id)).first():
        raise AccountError(f"staff member {staff_id} already has a login")
    login = StaffLogin(staff_id=staff_id, username=name, password_hash=_hash(password),
                       failed_attempts=0)
    session.add(login)
    session.flush()
    audit.record(session, "cli", "desk_login_created", "staff_login", login.id,
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
        actor = f"staff:{login.staff_id}"
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
        audit.record(session, f"staff:{staff_id}", "desk_sign_out", "staff", staff_id)


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
