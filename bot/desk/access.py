"""Who may see and do what on the desk: the one place roles and teams are checked.

- A health visitor sees and acts on their own team's people only.
- A team lead sees their team's people, people no team covers yet (so none is lost: they
  assign a team), and keeps their team's rota.
- An admin keeps accounts, teams, the café directory and every rota, and sees the audit trail,
  but no one's record: need-to-know (Caldicott) says running the service is not a reason to
  read a parent's messages.

Pages call `requires(...)` and `check_team(...)`; the JSON API turns its bearer token into the
same `Scope`, so both paths answer the same question the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, redirect, url_for

from bot.desk.accounts import ADMIN_ROLE, SignedInStaff
from bot.desk.tokens import Caller

HEALTH_VISITOR, TEAM_LEAD, ADMIN = "health_visitor", "team_lead", ADMIN_ROLE
CLINICAL_ROLES = (HEALTH_VISITOR, TEAM_LEAD)
ROLE_NAMES = {HEALTH_VISITOR: "Health visitor", TEAM_LEAD: "Team lead", ADMIN: "Admin"}
NOT_YOURS = "This belongs to another team, so the desk cannot show it to you."
# The desk's areas: (endpoint, label, roles that use it), in the order the menu shows them.
AREAS = (
    ("queue.queue_page", "Queue", (HEALTH_VISITOR, TEAM_LEAD)),
    ("rota.rota", "Rota", (HEALTH_VISITOR, TEAM_LEAD, ADMIN)),
    ("cafes.list_cafes", "Baby cafés", (HEALTH_VISITOR, TEAM_LEAD, ADMIN)),
    ("staff.list_staff", "Staff and teams", (ADMIN,)),
    ("audit.audit_log", "Audit log", (TEAM_LEAD, ADMIN)),
)


@dataclass(frozen=True)
class Scope:
    """The teams whose people a caller may see; `team_ids` None means every team."""

    team_ids: frozenset[int] | None
    unassigned: bool = False

    def covers(self, team_id: int | None) -> bool:
        if team_id is None:
            return self.unassigned or self.team_ids is None
        return self.team_ids is None or team_id in self.team_ids


def scope_of_staff(staff: SignedInStaff) -> Scope | None:
    """A member of staff's reach into people's records, or None for none at all."""
    if staff.role not in CLINICAL_ROLES or staff.team_id is None:
        return None
    return Scope(frozenset({staff.team_id}), unassigned=staff.role == TEAM_LEAD)


def scope_of_caller(caller: Caller) -> Scope:
    """An API token limited to a team sees that team; a service-wide token sees every team."""
    if caller.team_id is None:
        return Scope(None, unassigned=True)
    return Scope(frozenset({caller.team_id}))


def may_keep_rota(staff: SignedInStaff, team_id: int) -> bool:
    """Admins keep every team's rota; a team lead keeps their own team's."""
    return staff.role == ADMIN or (staff.role == TEAM_LEAD and staff.team_id == team_id)


def may_view_rota(staff: SignedInStaff, team_id: int) -> bool:
    """Whoever keeps a rota sees it; a health visitor sees their own team's, to know who is on."""
    return may_keep_rota(staff, team_id) or (
        staff.role == HEALTH_VISITOR and staff.team_id == team_id
    )


def nav_links(staff: SignedInStaff) -> list[tuple[str, str]]:
    """The areas this member of staff's role uses, for the menu."""
    return [(endpoint, label) for endpoint, label, roles in AREAS if staff.role in roles]


def signed_in() -> SignedInStaff | None:
    from bot.desk.auth import current_staff

    return current_staff()


def requires(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A view for signed-in staff with one of these roles: others get 403, strangers sign in."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            staff = signed_in()
            if staff is None:
                return redirect(url_for("auth.login"))
            if staff.role not in roles:
                abort(403, description="Your role does not include this page.")
            return view(*args, **kwargs)

        return wrapped

    return decorate


def staff_scope() -> Scope:
    """The signed-in member of staff's scope (403 for a role that sees no one's record)."""
    staff = signed_in()
    scope = scope_of_staff(staff) if staff is not None else None
    if scope is None:
        abort(403, description="Your role does not include people's records.")
    return scope


def check_team(team_id: int | None) -> None:
    """403 unless the signed-in member of staff may see a record of this team."""
    if not staff_scope().covers(team_id):
        abort(403, description=NOT_YOURS)
