"""The desk JSON API: bearer tokens, listing, acknowledge, resolve, team scoping."""

import pytest

from bot.desk import create_app
from bot.desk.tokens import create_token, revoke_token
from bot.escalation.service import EscalationService
from bot.store.db import session_scope
from bot.store.models import Team


@pytest.fixture
def app(database_url):
    return create_app({"DATABASE_URL": database_url, "DESK_API_TOKEN": None})


@pytest.fixture
def client(app):
    return app.test_client()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_anonymous_and_wrong_tokens_get_401(client, database_url):
    assert client.get("/api/escalations").status_code == 401
    assert client.get("/api/escalations", headers=bearer("nope")).status_code == 401
    token = create_token(database_url, "t")
    assert client.get("/api/escalations", headers=bearer(token)).status_code == 200
    revoke_token(database_url, 1)
    assert client.get("/api/escalations", headers=bearer(token)).status_code == 401


def test_list_acknowledge_resolve(client, database_url):
    token = create_token(database_url, "duty")
    service = EscalationService(database_url)
    routine = service.open("c1", "routine", "contact_request", "call me")
    urgent = service.open("c2", "urgent", "suicide_self_harm", "text")
    listed = client.get("/api/escalations", headers=bearer(token)).get_json()["escalations"]
    assert [e["id"] for e in listed] == [urgent, routine], "urgent first"
    assert set(listed[0]) >= {
        "id", "conversation_id", "severity", "category", "status", "created_at",
        "acknowledged_at", "acknowledged_by",
    }
    assert "trigger_text" not in listed[0]

    acked = client.post(f"/api/escalations/{urgent}/acknowledge", headers=bearer(token))
    assert acked.status_code == 200
    assert acked.get_json()["status"] == "acknowledged"
    assert acked.get_json()["acknowledged_by"] == "token:duty"

    open_only = client.get("/api/escalations?status=open", headers=bearer(token)).get_json()
    assert [e["id"] for e in open_only["escalations"]] == [routine]

    resolved = client.post(
        f"/api/escalations/{urgent}/resolve", json={"outcome": "called, safe"},
        headers=bearer(token),
    )
    assert resolved.get_json()["status"] == "resolved"
    again = client.post(f"/api/escalations/{urgent}/resolve", headers=bearer(token))
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("query", "status"),
    [("?status=bogus", 400), ("?limit=0", 400), ("?limit=x", 400), ("?limit=1000", 400)],
)
def test_bad_queries_get_400_with_a_reason(client, database_url, query, status):
    token = create_token(database_url, "t")
    reply = client.get(f"/api/escalations{query}", headers=bearer(token))
    assert reply.status_code == status and reply.get_json()["error"]


def test_unknown_escalation_is_404(client, database_url):
    token = create_token(database_url, "t")
    assert client.post("/api/escalations/999/acknowledge", headers=bearer(token)).status_code == 404


def test_a_team_token_sees_and_acts_on_its_own_team_only(client, database_url):
    with session_scope(database_url) as session:
        north, south = Team(name="North"), Team(name="South")
        session.add_all([north, south])
        session.flush()
        north_id, south_id = north.id, south.id
    service = EscalationService(database_url)
    theirs = service.open("c1", "urgent", "x", "t")
    with session_scope(database_url) as session:
        from bot.store.models import Escalation

        session.get(Escalation, theirs).team_id = south_id
    token = create_token(database_url, "north", team_id=north_id)
    listed = client.get("/api/escalations", headers=bearer(token)).get_json()["escalations"]
    assert listed == []
    reply = client.post(f"/api/escalations/{theirs}/acknowledge", headers=bearer(token))
    assert reply.status_code == 403
