"""A person's page: the whole picture in one place, and a message through their channel."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from bot.channels.outbound import Outbox, configured_outbox
from bot.desk.access import (
    HEALTH_VISITOR,
    TEAM_LEAD,
    Scope,
    check_team,
    requires,
    signed_in,
    staff_scope,
)
from bot.growth.centiles import LENGTH, WEIGHT
from bot.growth.service import GrowthError, GrowthService
from bot.people.desk_messages import (
    MAX_LENGTH,
    NO_CONTACT,
    OPTED_OUT,
    MessageRefusedError,
    send_staff_message,
)
from bot.people.record import PersonNotFoundError, person_record, team_of_person

bp = Blueprint("people", __name__, url_prefix="/people")
CLINICAL = (HEALTH_VISITOR, TEAM_LEAD)
TIMELINE_LABELS = {"parent": "They wrote", "assistant": "Assistant", "staff": "Staff message",
                   "checkin": "Check-in", "growth": "Growth", "escalation": "Escalation",
                   "note": "Note"}


def _database_url() -> str:
    return current_app.config["DATABASE_URL"]


def _outbox() -> Outbox:
    return current_app.config.get("OUTBOX") or configured_outbox(_database_url())


def _check_person(person_id: str) -> None:
    try:
        team_id = team_of_person(_database_url(), person_id)
    except PersonNotFoundError:
        abort(404, description="There is no record with that reference.")
    check_team(team_id)


def chart_response(child_id: int, kind: str, scope: Scope, person_id: str | None = None):
    """A child's growth chart (PNG) after the team check; shared by the page and the API."""
    if kind not in (WEIGHT, LENGTH):
        abort(400, description=f"kind must be {WEIGHT} or {LENGTH}")
    service = GrowthService(_database_url())
    try:
        team_id = service.team_of_child(child_id)
        if not scope.covers(team_id):
            abort(403, description="This child belongs to another team.")
        if person_id is not None and service.parent_of(child_id) != person_id:
            abort(404, description="There is no such child on this record.")
        png = service.chart(child_id, kind)
    except GrowthError as error:
        abort(404, description=str(error))
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(record, **form) -> str:
    return render_template("people/person.html", record=record, max_length=MAX_LENGTH,
                           timeline_labels=TIMELINE_LABELS,
                           cannot_message={"opted_out": OPTED_OUT, "no_contact": NO_CONTACT},
                           **form)


@bp.get("/<person_id>")
@requires(*CLINICAL)
def person(person_id: str):
    _check_person(person_id)
    record = person_record(_database_url(), person_id)
    return _page(record)


@bp.get("/<person_id>/children/<int:child_id>/chart.png")
@requires(*CLINICAL)
def chart(person_id: str, child_id: int):
    _check_person(person_id)
    return chart_response(child_id, request.args.get("kind", WEIGHT), staff_scope(), person_id)


@bp.post("/<person_id>/messages")
@requires(*CLINICAL)
def send_message(person_id: str):
    _check_person(person_id)
    body = request.form.get("message", "")
    try:
        send_staff_message(_outbox(), person_id, body, staff_id=signed_in().id)
    except MessageRefusedError as refused:
        return _page(person_record(_database_url(), person_id),
                     message_error=str(refused), message_text=body), 400
    flash("Message sent. It is in the timeline below.", "done")
    return redirect(url_for("people.person", person_id=person_id))
