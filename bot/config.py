"""One place that reads the environment, so every process agrees on its settings.

Values come from the process environment, after `.env` (if present) has been loaded.
`.env.example` documents every variable.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from error


def _optional(name: str) -> str | None:
    return os.environ.get(name, "").strip() or None


def _local_secret(var_dir: Path, name: str) -> str:
    """A random secret kept in var/ so a laptop needs no configuration; production sets it."""
    path = var_dir / "secrets" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}")
        tmp.write_text(secrets.token_urlsafe(32))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)  # first process to start wins; the others read its secret
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


@dataclass(frozen=True)
class Settings:
    """Settings shared by the Rasa server, action server, desk and scheduler."""

    database_url: str
    redis_url: str | None
    var_dir: Path
    model_cache_dir: Path
    rasa_port: int
    actions_port: int
    desk_port: int
    rasa_url: str
    action_server_url: str
    desk_secret_key: str
    timezone: str
    message_retention_days: int
    sanic_workers: int
    bind_host: str
    rasa_api_token: str
    urgent_sla_minutes: int
    routine_sla_hours: int
    fallback_page_channel: str | None
    fallback_page_address: str | None
    desk_api_token: str | None
    public_base_url: str | None
    twilio_account_sid: str | None
    twilio_auth_token: str | None
    twilio_from_number: str | None
    twilio_messaging_service_sid: str | None
    twilio_api_url: str | None
    telegram_bot_token: str | None
    telegram_webhook_secret: str | None
    telegram_api_url: str | None

    @classmethod
    def from_env(cls) -> Settings:
        load_dotenv(PROJECT_ROOT / ".env", override=False)
        var_dir = Path(os.environ.get("VAR_DIR") or PROJECT_ROOT / "var").resolve()
        rasa_port = _int("RASA_PORT", 5005)
        actions_port = _int("ACTIONS_PORT", 5055)
        default_cache = Path.home() / ".cache" / "first-1000-days" / "models"
        return cls(
            database_url=os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'first1000.db'}",
            redis_url=os.environ.get("REDIS_URL") or None,
            var_dir=var_dir,
            model_cache_dir=Path(os.environ.get("MODEL_CACHE_DIR") or default_cache),
            rasa_port=rasa_port,
            actions_port=actions_port,
            desk_port=_int("DESK_PORT", 8000),
            rasa_url=os.environ.get("RASA_URL") or f"http://127.0.0.1:{rasa_port}",
            action_server_url=os.environ.get("ACTION_SERVER_URL")
            or f"http://127.0.0.1:{actions_port}/webhook",
            desk_secret_key=os.environ.get("DESK_SECRET_KEY") or "dev-only-change-me",
            timezone=os.environ.get("SERVICE_TIMEZONE") or "Europe/London",
            message_retention_days=_int("MESSAGE_RETENTION_DAYS", 1100),
            sanic_workers=_int("SANIC_WORKERS", 1),
            bind_host=os.environ.get("BIND_HOST") or "127.0.0.1",
            rasa_api_token=os.environ.get("RASA_API_TOKEN")
            or _local_secret(var_dir, "rasa_api_token"),
            urgent_sla_minutes=_int("URGENT_SLA_MINUTES", 15),
            routine_sla_hours=_int("ROUTINE_SLA_HOURS", 48),
            fallback_page_channel=os.environ.get("FALLBACK_PAGE_CHANNEL") or None,
            fallback_page_address=os.environ.get("FALLBACK_PAGE_ADDRESS") or None,
            desk_api_token=os.environ.get("DESK_API_TOKEN") or None,
            public_base_url=_optional("PUBLIC_BASE_URL"),
            twilio_account_sid=_optional("TWILIO_ACCOUNT_SID"),
            twilio_auth_token=_optional("TWILIO_AUTH_TOKEN"),
            twilio_from_number=_optional("TWILIO_FROM_NUMBER"),
            twilio_messaging_service_sid=_optional("TWILIO_MESSAGING_SERVICE_SID"),
            twilio_api_url=_optional("TWILIO_API_URL"),
            telegram_bot_token=_optional("TELEGRAM_BOT_TOKEN"),
            telegram_webhook_secret=_optional("TELEGRAM_WEBHOOK_SECRET"),
            telegram_api_url=_optional("TELEGRAM_API_URL"),
        )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def missing_for_sms(self) -> list[str]:
        """What the SMS channel still needs; empty when it can run."""
        missing = [name for name, value in (
            ("TWILIO_ACCOUNT_SID", self.twilio_account_sid),
            ("TWILIO_AUTH_TOKEN", self.twilio_auth_token),
            ("PUBLIC_BASE_URL", self.public_base_url),
        ) if not value]
        if not (self.twilio_from_number or self.twilio_messaging_service_sid):
            missing.append("TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID")
        return missing

    def missing_for_telegram(self) -> list[str]:
        """What the Telegram channel still needs; empty when it can run."""
        return [name for name, value in (
            ("TELEGRAM_BOT_TOKEN", self.telegram_bot_token),
            ("TELEGRAM_WEBHOOK_SECRET", self.telegram_webhook_secret),
        ) if not value]


def get_settings() -> Settings:
    """Read settings afresh (cheap), so tests can change the environment between calls."""
    return Settings.from_env()
