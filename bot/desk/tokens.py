"""Bearer tokens for the desk API: created by a CLI, shown once, stored only as a hash.

    python -m bot.desk.tokens create "duty phone integration" [--team-id 3]
    python -m bot.desk.tokens revoke <id>
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from bot.config import get_settings
from bot.store import audit
from bot.store.db import session_scope
from bot.store.models import ApiToken, utcnow


@dataclass(frozen=True)
class Caller:
    """Who is calling the API: a name for the audit trail, and the team they may see."""

    name: str
    team_id: int | None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(database_url: str, name: str, team_id: int | None = None) -> str:
    token = secrets.token_urlsafe(32)
    with session_scope(database_url) as session:
        row = ApiToken(name=name, token_hash=hash_token(token), team_id=team_id)
        session.add(row)
        session.flush()
        audit.record(session, "cli", "api_token_created", "api_token", row.id, team_id=team_id)
    return token


def revoke_token(database_url: str, token_id: int) -> bool:
    with session_scope(database_url) as session:
        row = session.get(ApiToken, token_id)
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = utcnow()
        audit.record(session, "cli", "api_token_revoked", "api_token", row.id)
        return True


def authenticate(database_url: str, token: str, local_token: str | None) -> Caller | None:
    """The caller for a bearer token, or None. DESK_API_TOKEN (local use) sees every team."""
    if not token:
        return None
    if local_token and hmac.compare_digest(token, local_token):
        return Caller("local-token", None)
    with session_scope(database_url) as session:
        row = session.execute(
            select(ApiToken).where(
                ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None)
            )
        ).scalar_one_or_none()
        return Caller(f"token:{row.name}", row.team_id) if row else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="create a token and print it once")
    create.add_argument("name")
    create.add_argument("--team-id", type=int, default=None)
    revoke = commands.add_parser("revoke", help="revoke a token by id")
    revoke.add_argument("id", type=int)
    args = parser.parse_args()
    database_url = get_settings().database_url
    if args.command == "create":
        print(create_token(database_url, args.name, args.team_id))
    elif not revoke_token(database_url, args.id):
        parser.exit(1, f"no active token {args.id}\n")


if __name__ == "__main__":
    main()
