"""The desk JSON API. Every call needs a bearer token; a token may be limited to one team."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, current_app, g, jsonify, request

from bot.desk.access import Scope, scope_of_caller
from bot.desk.people import chart_response
from bot.desk.tokens import authenticate
from bot.escalation.service import STATUSES, EscalationError, EscalationService
from bot.growth.centiles import WEIGHT
from bot.growth.service import GrowthService

bp = Blueprint("api", __name__, url_prefix="/api")
MAX_LIMIT = 200


def _error(message: str, status: int):
    return jsonify({"error": message}), status


def token_required(view):
    """The one place the API checks who is calling."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        caller = None
        if scheme.lower() == "bearer":
            caller = authenticate(
                current_app.config["DATABASE_URL"], token.strip(),
                current_app.config.get("DESK_API_TOKEN"),
            )
        if caller is None:
            response = jsonify({"error": "a valid bearer token is required"})
            response.headers["WWW-Authenticate"] = 'Bearer realm="desk"'
            return response, 401
        g.caller = caller
        return view(*args, **kwargs)

    return wrapped


def _service() -> EscalationService:
    return EscalationService(current_app.config["DATABASE_URL"])


def _scope() -> Scope:
    return scope_of_caller(g.caller)


@bp.get("/escalations")
@token_required
def list_escalations():
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        return _error(f"status must be one of {', '.join(STATUSES)}", 400)
    try:
        limit = int(request.args.get("limit", 50))
    except ValueError:
        return _error("limit must be a whole number", 400)
    if not 1 <= limit <= MAX_LIMIT:
        return _error(f"limit must be between 1 and {MAX_LIMIT}", 400)
    escalations = _service().list(
        status=status,
        limit=limit,
        team_id=g.caller.team_id,
        conversation_id=request.args.get("conversation_id") or None,
    )
    return jsonify({"escalations": escalations})


def _transition(escalation_id: int, action: str):
    service = _service()
    try:
        current = service.get(escalation_id)
        if not _scope().covers(current["team_id"]):
            return _error("this escalation belongs to another team", 403)
        if action == "acknowledge":
            result = service.acknowledge(escalation_id, by=g.caller.name)
        else:
            body = request.get_json(silent=True) or {}
            outcome = body.get("outcome")
            if outcome is not None and not isinstance(outcome, str):
                return _error("outcome must be text", 400)
            result = service.resolve(escalation_id, by=g.caller.name, outcome=outcome)
    except EscalationError as error:
        return _error(error.reason, error.status)
    return jsonify(result)


@bp.post("/escalations/<int:escalation_id>/acknowledge")
@token_required
def acknowledge(escalation_id: int):
    return _transition(escalation_id, "acknowledge")


@bp.post("/escalations/<int:escalation_id>/resolve")
@token_required
def resolve(escalation_id: int):
    return _transition(escalation_id, "resolve")


def _growth() -> GrowthService:
    return GrowthService(current_app.config["DATABASE_URL"])


@bp.get("/growth")
@token_required
def growth_of_person():
    """A person's children with every measurement (superseded ones marked), for the desk."""
    conversation_id = request.args.get("conversation_id") or ""
    if not conversation_id:
        return _error("conversation_id is required", 400)
    if not _scope().covers(_growth().team_of(conversation_id)):
        return _error("this person belongs to another team", 403)
    return jsonify({"conversation_id": conversation_id,
                    "children": _growth().for_staff(conversation_id)})


@bp.get("/growth/children/<int:child_id>/chart.png")
@token_required
def growth_chart(child_id: int):
    return chart_response(child_id, request.args.get("kind", WEIGHT), _scope())
