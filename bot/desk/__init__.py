"""The health visitor desk: a Flask app factory with one blueprint per area."""

from __future__ import annotations

from typing import Any

from flask import Flask

from bot.config import get_settings


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
    )
    if test_config:
        app.config.update(test_config)

    from bot.desk import api, health

    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp)
    return app
