"""Start `rasa run` (in this process) with endpoints and credentials built from the environment.

Writing them from settings keeps one source of truth (.env / environment) for the database,
lock store and action server, and keeps secrets out of committed files.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from bot.config import Settings, get_settings
from bot.ops.model import model_path

logger = logging.getLogger(__name__)


def channels(settings: Settings) -> dict[str, dict]:
    """REST always; SMS and Telegram when their settings are complete (one log line if not)."""
    enabled: dict[str, dict] = {"bot.channels.rest.RestInput": {}}
    for name, path, missing in (
        ("SMS", "bot.channels.sms.SmsInput", settings.missing_for_sms()),
        ("Telegram", "bot.channels.telegram.TelegramInput", settings.missing_for_telegram()),
    ):
        if missing:
            logger.warning("%s channel disabled: set %s", name, ", ".join(missing))
        else:
            enabled[path] = {}
    return enabled


def endpoints(settings: Settings) -> dict:
    config: dict = {
        "action_endpoint": {"url": settings.action_server_url},
        "tracker_store": {"type": "bot.store.tracker_store.DatabaseTrackerStore"},
    }
    if settings.redis_url:
        redis = urlsplit(settings.redis_url)
        config["lock_store"] = {
            "type": "redis",
            "url": redis.hostname or "127.0.0.1",
            "port": redis.port or 6379,
            "db": int(redis.path.lstrip("/") or 0),
            "password": redis.password,
            "key_prefix": "first1000",
        }
    return config


def write_config(settings: Settings) -> tuple[Path, Path]:
    folder = settings.var_dir / "rasa"
    folder.mkdir(parents=True, exist_ok=True)
    endpoints_file, credentials_file = folder / "endpoints.yml", folder / "credentials.yml"
    endpoints_file.write_text(yaml.safe_dump(endpoints(settings)))
    credentials_file.write_text(yaml.safe_dump(channels(settings)))
    return endpoints_file, credentials_file


def main() -> None:
    settings = get_settings()
    model = model_path(settings.model_cache_dir)
    if not model.exists():
        sys.exit(f"No trained model for the current training data ({model}): run `make train`.")
    endpoints_file, credentials_file = write_config(settings)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ["SANIC_WORKERS"] = str(settings.sanic_workers)
    from rasa.__main__ import main as rasa_main

    from bot import rasa_runtime

    rasa_runtime.apply()  # before Sanic forks its workers, so every worker has it
    sys.argv = [
        "rasa", "run",
        "--model", str(model),
        "--endpoints", str(endpoints_file),
        "--credentials", str(credentials_file),
        "--interface", settings.bind_host,
        "--port", str(settings.rasa_port),
        "--enable-api",
        f"--auth-token={settings.rasa_api_token}",  # a token may start with "-"
    ]
    rasa_main()


if __name__ == "__main__":
    main()
