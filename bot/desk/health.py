"""GET /healthz: the desk's own database, plus the state of every process it depends on."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from flask import Blueprint, current_app, jsonify
from sqlalchemy import select, text

from bot.store.db import session_scope
from bot.store.models import ServiceHeartbeat, utcnow

bp = Blueprint("health", __name__)
TIMEOUT_S = 1.0


def _http_state(url: str) -> dict:
    try:
        reply = requests.get(url, timeout=TIMEOUT_S)
    except requests.RequestException as error:
        return {"state": "down", "detail": type(error).__name__}
    return {"state": "up" if reply.ok else "down", "http_status": reply.status_code}


def _scheduler_state(database_url: str, max_age_s: int) -> dict:
    with session_scope(database_url) as session:
        beat = session.execute(
            select(ServiceHeartbeat).where(ServiceHeartbeat.name == "scheduler")
        ).scalar_one_or_none()
    if beat is None:
        return {"state": "down", "detail": "no heartbeat yet"}
    age = (utcnow() - beat.seen_at).total_seconds()
    return {"state": "up" if age <= max_age_s else "down", "last_seen_s": round(age, 1)}


def _lock_store_state(redis_url: str | None) -> dict:
    if not redis_url:
        return {"state": "up", "kind": "in-memory"}
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_timeout=TIMEOUT_S).ping()
    except redis.RedisError as error:
        return {"state": "down", "kind": "redis", "detail": type(error).__name__}
    return {"state": "up", "kind": "redis"}


@bp.get("/healthz")
def healthz():
    config = current_app.config
    try:
        with session_scope(config["DATABASE_URL"]) as session:
            session.execute(text("SELECT 1"))
        database = {"state": "up", "kind": session.bind.dialect.name}
    except Exception as error:  # any driver error means the desk cannot work
        current_app.logger.error("healthz: database unreachable: %s", type(error).__name__)
        return jsonify({"status": "down", "dependencies": {"database": {"state": "down"}}}), 503

    action_server = urlsplit(config["ACTION_SERVER_URL"])
    dependencies = {
        "database": database,
        "rasa": _http_state(config["RASA_URL"].rstrip("/") + "/"),
        "actions": _http_state(f"{action_server.scheme}://{action_server.netloc}/health"),
        "scheduler": _scheduler_state(config["DATABASE_URL"], config["HEARTBEAT_MAX_AGE_S"]),
        "lock_store": _lock_store_state(config["REDIS_URL"]),
    }
    status = "ok" if all(d["state"] == "up" for d in dependencies.values()) else "degraded"
    return jsonify({"status": status, "dependencies": dependencies}), 200
