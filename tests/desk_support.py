"""Shared steps for desk tests: staff with sign-ins, signing in, and the CSRF token of a page."""

from __future__ import annotations

import re
from datetime import datetime

from bot.desk.accounts import create_admin, create_login
from bot.escalation.rota import add_staff

PASSWORD = "correct horse battery"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_staff(database_url: str, name: str, role: str, team: str | None,
               username: str) -> int:
    """A member of staff with a desk sign-in (an admin has no team)."""
    if role == "admin":
        return create_admin(database_url, name, username, PASSWORD)
    staff_id = add_staff(database_url, name, role, team, None, None)
    create_login(database_url, staff_id, username, PASSWORD)
    return staff_id


def csrf_from(client, path: str = "/login") -> str:
    """The CSRF token a page hands its forms."""
    page = client.get(path).get_data(as_text=True)
    return CSRF_FIELD.search(page).group(1)


def sign_in(client, username: str, password: str = PASSWORD, follow: bool = False):
    form = {"username": username, "password": password, "csrf_token": csrf_from(client)}
    return client.post("/login", data=form, follow_redirects=follow)


class DeskClock:
    """A desk clock the test moves by hand (the app reads it through DESK_CLOCK)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now
