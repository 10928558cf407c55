"""The queue: escalations most pressing first, and what staff do with each one.

Acknowledge stops the paging; notes, assigning, moving to a team and resolving (with an
outcome) are each audited with who and when by the escalation service. The page refreshes its
list by itself (`static/desk.js` polls `queue.items`), and every page carries the banner of
urgent escalations nobody has acknowledged yet.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from bot.config import get_settings
from bot.desk.access import (
    HEALTH_VISITOR,
    TEAM_LEAD,
    Scope,
    check_team,
    requires,
    scope_of_staff,
    signed_in,
    staff_scope,
)
from bot.desk.auth import desk_now
from bot.escalation.queue import (
    ACTIVE,
    STATUS_FILTERS,
    QueueItem,
    SlaPolicy,
    categories_in_use,
    category_name,
    describe_wait,
    queue,
    sla_clock,
)
from bot.escalation.service import EscalationError, EscalationService
from bot.store.db import session_scope
from bot.store.models import Staff, Team

bp = Blueprint("queue", __name__, url_prefix="/queue")
STATUS_LABELS = {
    ACTIVE: "Needs a person (not resolved)",
    "open": "Not yet acknowledged",
    "acknowledged": "Acknowledged",
    "resolved": "Resolved",
}
CLINICAL = (HEALTH_VISITOR, TEAM_LEAD)


def _database_url() -> str:
    return current_app.config["DATABASE_URL"]


def _service() -> EscalationService:
    return EscalationService(_database_url())


def sla_policy() -> SlaPolicy:
    settings = get_settings()
    urgent = current_app.config.get("URGENT_SLA_MINUTES") or settings.urgent_sla_minutes
    routine = current_app.config.get("ROUTINE_SLA_HOURS") or settings.routine_sla_hours
    return SlaPolicy(timedelta(minutes=urgent), timedelta(hours=routine))


def _items(scope: Scope, status: str = ACTIVE, category: str | None = None) -> list[QueueItem]:
    return queue(_database_url(), team_ids=scope.team_ids, unassigned=scope.unassigned,
                 now=desk_now(), policy=sla_policy(), status=status, category=category)


def _filters() -> tuple[str, str | None]:
    status = request.args.get("status") or ACTIVE
    if status not in STATUS_FILTERS:
        abort(400, description="Choose a status from the list.")
    category = request.args.get("category") or None
    if category is not None and category not in categories_in_use(_database_url()):
        abort(400, description="Choose a category from the list.")
    return status, category


def urgent_waiting() -> list[QueueItem]:
    """Urgent escalations in the signed-in member of staff's scope that nobody has acknowledged."""
    staff = signed_in()
    scope = scope_of_staff(staff) if staff is not None else None
    if scope is None:
        return []
    return [item for item in _items(scope, status="open") if item.severity == "urgent"]


@bp.app_context_processor
def _banner() -> dict[str, Any]:
    """Every page shows the unacknowledged urgent ones: they must be impossible to miss. The
    page asks when it draws the banner, so fragments and JSON never pay for the query."""
    if request.blueprint in (None, "api", "health") or request.endpoint == "static":
        return {}
    return {"urgent_waiting": urgent_waiting, "describe_wait": describe_wait}


@bp.get("/")
@requires(*CLINICAL)
def queue_page():
    status, category = _filters()
    return render_template(
        "queue/queue.html", items=_items(staff_scope(), status, category), status=status,
        category=category, status_labels=STATUS_LABELS,
        categories=[(c, category_name(c)) for c in categories_in_use(_database_url())],
    )


@bp.get("/items")
@requires(*CLINICAL)
def items():
    """The list alone, for the page to refresh itself without a reload."""
    status, category = _filters()
    return render_template("queue/_items.html",
                           items=_items(staff_scope(), status, category), status=status)


@bp.get("/status.json")
@requires(*CLINICAL)
def status():
    waiting = urgent_waiting()
    longest = max((item.clock.waited for item in waiting), default=None)
    return jsonify({"urgent_unacknowledged": len(waiting),
                    "longest_wait": describe_wait(longest) if longest else None})


def _escalation_or_404(escalation_id: int) -> dict:
    try:
        escalation = _service().get(escalation_id)
    except EscalationError:
        abort(404, description="There is no escalation with that number.")
    check_team(escalation["team_id"])
    return escalation


def _colleagues(team_id: int | None) -> list[tuple[int, str]]:
    if team_id is None:
        return []
    with session_scope(_database_url()) as session:
        return list(session.execute(
            select(Staff.id, Staff.name).where(Staff.team_id == team_id,
                                              Staff.active.is_(True),
                                              Staff.role.in_(CLINICAL))
            .order_by(Staff.name)
        ).all())


def _teams() -> list[tuple[int, str]]:
    with session_scope(_database_url()) as session:
        return list(session.execute(select(Team.id, Team.name).order_by(Team.name)).all())


@bp.get("/escalations/<int:escalation_id>")
@requires(*CLINICAL)
def escalation(escalation_id: int):
    found = _escalation_or_404(escalation_id)
    service = _service()
    record = service.detail(escalation_id)
    staff = signed_in()
    return render_template(
        "queue/escalation.html", escalation=found, record=record,
        notes=service.notes(escalation_id), category_name=category_name(found["category"]),
        clock=sla_clock(found["severity"], record["created_at"], record["acknowledged_at"],
                        desk_now(), sla_policy()),
        colleagues=_colleagues(found["team_id"]),
        teams=_teams() if staff.role == TEAM_LEAD else [],
    )


def _back(escalation_id: int):
    return redirect(url_for("queue.escalation", escalation_id=escalation_id))


def _act(escalation_id: int, action, done: str):
    """Run one change for the signed-in member of staff, and say how it went."""
    _escalation_or_404(escalation_id)
    staff = signed_in()
    try:
        action(staff)
    except EscalationError as error:
        flash(f"Nothing was changed: {error.reason}.", "error")
        return _back(escalation_id)
    flash(done, "done")
    return _back(escalation_id)


@bp.post("/escalations/<int:escalation_id>/acknowledge")
@requires(*CLINICAL)
def acknowledge(escalation_id: int):
    return _act(escalation_id, lambda staff: _service().acknowledge(
        escalation_id, by=staff.name, now=desk_now(), actor=staff.actor),
        "Acknowledged: paging has stopped.")


@bp.post("/escalations/<int:escalation_id>/notes")
@requires(*CLINICAL)
def add_note(escalation_id: int):
    return _act(escalation_id, lambda staff: _service().add_note(
        escalation_id, request.form.get("note", ""), author=staff.name, staff_id=staff.id,
        now=desk_now()), "Note added.")


@bp.post("/escalations/<int:escalation_id>/assign")
@requires(*CLINICAL)
def assign(escalation_id: int):
    try:
        colleague = int(request.form.get("staff_id", ""))
    except ValueError:
        flash("Nothing was changed: choose a colleague from the list.", "error")
        return _back(escalation_id)
    return _act(escalation_id, lambda staff: _service().assign(
        escalation_id, colleague, actor=staff.actor), "Assigned.")


@bp.post("/escalations/<int:escalation_id>/move")
@requires(TEAM_LEAD)
def move(escalation_id: int):
    try:
        team_id = int(request.form.get("team_id", ""))
    except ValueError:
        flash("Nothing was changed: choose a team from the list.", "error")
        return _back(escalation_id)
    result = _act(escalation_id, lambda staff: _service().move_to_team(
        escalation_id, team_id, actor=staff.actor),
        "Moved. If it is urgent, that team's rota is paged now.")
    if not staff_scope().covers(team_id):
        # It now belongs to a team this lead cannot see: back to the queue, not a 403.
        return redirect(url_for("queue.queue_page"))
    return result


@bp.post("/escalations/<int:escalation_id>/resolve")
@requires(*CLINICAL)
def resolve(escalation_id: int):
    return _act(escalation_id, lambda staff: _service().resolve(
        escalation_id, by=staff.name, outcome=request.form.get("outcome", ""), now=desk_now(),
        actor=staff.actor, outcome_required=True), "Resolved.")
