"""The health visitor desk: a Flask app factory with one blueprint per area."""

from __future__ import annotations

import os
from datetime import date, timedelta
from typing import Any

from flask import Flask

from bot.clock import long_date, short_datetime
from bot.config import get_settings

SESSION_LIFETIME = timedelta(hours=8)  # one working shift, then sign in again


def _uk_date(day: date | str | None) -> str:
    """'14 March 2027' for a date or an ISO date string (the growth API's form)."""
    if not day:
        return ""
    return long_date(date.fromisoformat(day) if isinstance(day, str) else day)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    settings = get_settings()
    app = Flask(__name__)
    app.config.from_mapping(
        SECRET_KEY=settings.desk_secret_key,
        DATABASE_URL=settings.database_url,
        REDIS_URL=settings.redis_url,
        RASA_URL=settings.rasa_url,
        ACTION_SERVER_URL=settings.action_server_url,
        HEARTBEAT_MAX_AGE_S=90,
        DESK_API_TOKEN=settings.desk_api_token,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        # How often open pages check for new escalations (the urgent banner and the queue).
        DESK_POLL_SECONDS=int(os.environ.get("DESK_POLL_SECONDS") or 10),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,  # the largest upload is a café CSV (1 MB)
    )
    if test_config:
        app.config.update(test_config)
    if "SESSION_COOKIE_SECURE" not in (test_config or {}):
        # Plain http only for tests, or locally when DESK_INSECURE_COOKIES=1 says so.
        insecure = app.config.get("TESTING") or os.environ.get("DESK_INSECURE_COOKIES") == "1"
        app.config["SESSION_COOKIE_SECURE"] = not insecure

    from bot.desk import (
        access,
        api,
        audit,
        auth,
        cafes,
        errors,
        health,
        people,
        queue,
        rota,
        security,
        staff,
    )

    security.init_app(app)
    errors.init_app(app)
    app.jinja_env.globals.update(signed_in_staff=access.signed_in, nav_links=access.nav_links)
    app.jinja_env.filters["uk_datetime"] = lambda moment: short_datetime(moment,
                                                                         settings.timezone)
    app.jinja_env.filters["uk_date"] = _uk_date
    app.after_request(security.apply_security_headers)
    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(cafes.bp)
    app.register_blueprint(queue.bp)
    app.register_blueprint(people.bp)
    app.register_blueprint(rota.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(audit.bp)
    return app
