"""The health visitor desk: a Flask app factory with one blueprint per area."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from flask import Flask

from bot.config import get_settings

SESSION_LIFETIME = timedelta(hours=8)  # one working shift, then sign in again


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
    )
    if test_config:
        app.config.update(test_config)
    if "SESSION_COOKIE_SECURE" not in (test_config or {}):
        # Plain http only for tests, or locally when DESK_INSECURE_COOKIES=1 says so.
        insecure = app.config.get("TESTING") or os.environ.get("DESK_INSECURE_COOKIES") == "1"
        app.config["SESSION_COOKIE_SECURE"] = not insecure

    from bot.desk import api, auth, health, security

    security.init_app(app)
    app.after_request(security.apply_security_headers)
    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(auth.bp)
    return app
