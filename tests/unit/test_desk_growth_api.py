"""The desk API's growth views: a person's children and measurements, and a child's chart, only
with a bearer token and only for staff of the team that looks after the person."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from PIL import Image

from bot.desk import create_app
from bot.desk.tokens import create_token
from bot.growth.service import RECORDED, GrowthService
from bot.people.service import PeopleService, find_person
from bot.store.db import session_scope
from bot.store.models import Team, TeamDistrict

BORN = date(2026, 5, 1)
WEIGHED = BORN + timedelta(days=42)


@pytest.fixture
def client(database_url):
    return create_app({"DATABASE_URL": database_url, "DESK_API_TOKEN": None}).test_client()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def family(database_url: str, conversation_id: str = "parent-1") -> int:
    """A consented parent with Ava: birth weight, a clinic weight and a correction of it."""
    PeopleService(database_url).record_consent(conversation_id, True, "v1")
    service = GrowthService(database_url)
    ava, _ = service.save_child(conversation_id, name="Ava", sex="female", birth_date=BORN,
                                gestation=(40, 0), birth_weight_kg=3.3)
    first = service.record(conversation_id, ava.id, "weight", 4.6, WEIGHED, source="clinic",
                           raw_text="4.6kg at clinic")
    fixed = service.record(conversation_id, ava.id, "weight", 4.7, WEIGHED, source="home",
                           raw_text="sorry 4.7kg", correction=True)
    assert (first.status, fixed.status) == (RECORDED, RECORDED)
    assert fixed.superseded_id == first.measurement_id
    return ava.id


def two_teams(database_url: str) -> tuple[int, int]:
    with session_scope(database_url) as session:
        north, south = Team(name="North"), Team(name="South")
        session.add_all([north, south])
        session.flush()
        return north.id, south.id


def place(database_url: str, conversation_id: str, *, team_id: int | None = None,
          district: str | None = None) -> None:
    """Put the person in a team directly, or in a postcode district a team covers."""
    with session_scope(database_url) as session:
        person = find_person(session, conversation_id, create=False)
        person.team_id = team_id
        person.postcode_district = district


@pytest.mark.parametrize(
    "path", ["/api/growth?conversation_id=parent-1", "/api/growth/children/1/chart.png"],
)
def test_growth_views_need_a_valid_bearer_token(client, database_url, path):
    family(database_url)
    for headers in ({}, bearer("nope"), {"Authorization": "Basic abc"}):
        reply = client.get(path, headers=headers)
        assert reply.status_code == 401
        assert reply.headers["WWW-Authenticate"].startswith("Bearer")
        assert reply.mimetype == "application/json"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/api/growth", "conversation_id"),
        ("/api/growth?conversation_id=", "conversation_id"),
        ("/api/growth/children/1/chart.png?kind=bmi", "kind"),
        ("/api/growth/children/1/chart.png?kind=", "kind"),
    ],
)
def test_missing_conversation_or_a_bad_kind_gets_400_with_a_reason(
        client, database_url, path, reason):
    family(database_url)
    reply = client.get(path, headers=bearer(create_token(database_url, "t")))
    assert reply.status_code == 400
    assert reason in reply.get_json()["error"]


def test_children_and_every_measurement_are_listed_with_superseded_ones_marked(
        client, database_url):
    ava_id = family(database_url)
    token = create_token(database_url, "duty")
    reply = client.get("/api/growth?conversation_id=parent-1", headers=bearer(token))
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["conversation_id"] == "parent-1"
    (ava,) = body["children"]
    assert (ava["id"], ava["name"], ava["sex"]) == (ava_id, "Ava", "female")
    assert (ava["birth_date"], ava["gestation"]) == ("2026-05-01", "40+0")
    birth, first, fixed = ava["measurements"]
    assert [(m["source"], m["value"], m["superseded"]) for m in ava["measurements"]] == [
        ("birth", 3.3, False), ("clinic", 4.6, True), ("home", 4.7, False)]
    assert fixed["supersedes_id"] == first["id"]
    assert birth["observed_on"] == "2026-05-01" and fixed["observed_on"] == "2026-06-12"
    assert all(isinstance(m["sds"], float) for m in ava["measurements"])
    assert fixed["sds"] > first["sds"], "a heavier weight on the same day sits higher"
    assert "raw_text" not in fixed


def test_a_person_without_children_or_unknown_lists_nothing(client, database_url):
    PeopleService(database_url).record_consent("parent-2", True, "v1")
    token = create_token(database_url, "duty")
    for conversation_id in ("parent-2", "nobody"):
        reply = client.get(f"/api/growth?conversation_id={conversation_id}",
                           headers=bearer(token))
        assert reply.status_code == 200 and reply.get_json()["children"] == []


@pytest.mark.parametrize("query", ["", "?kind=weight", "?kind=length"])
def test_the_chart_is_a_png_that_is_not_cached(client, database_url, query):
    ava_id = family(database_url)
    token = create_token(database_url, "duty")
    reply = client.get(f"/api/growth/children/{ava_id}/chart.png{query}", headers=bearer(token))
    assert reply.status_code == 200
    assert reply.mimetype == "image/png"
    assert reply.headers["Cache-Control"] == "no-store"
    picture = Image.open(io.BytesIO(reply.data))
    assert picture.format == "PNG" and picture.width > 100 and picture.height > 100


def test_an_unknown_child_is_404(client, database_url):
    family(database_url)
    north, _south = two_teams(database_url)
    for token in (create_token(database_url, "all"),
                  create_token(database_url, "north", team_id=north)):
        reply = client.get("/api/growth/children/999/chart.png", headers=bearer(token))
        assert reply.status_code == 404 and reply.get_json()["error"]


@pytest.mark.parametrize("by", ["person", "district"])
def test_only_the_persons_own_team_sees_their_growth(client, database_url, by):
    ava_id = family(database_url)
    north, south = two_teams(database_url)
    if by == "person":
        place(database_url, "parent-1", team_id=south)
    else:
        with session_scope(database_url) as session:
            session.add(TeamDistrict(postcode_district="LS6", team_id=south))
        place(database_url, "parent-1", district="LS6")
    listing = "/api/growth?conversation_id=parent-1"
    chart = f"/api/growth/children/{ava_id}/chart.png"

    theirs = bearer(create_token(database_url, "south", team_id=south))
    assert client.get(listing, headers=theirs).status_code == 200
    assert client.get(listing, headers=theirs).get_json()["children"][0]["id"] == ava_id
    assert client.get(chart, headers=theirs).status_code == 200

    other = bearer(create_token(database_url, "north", team_id=north))
    for path in (listing, chart):
        reply = client.get(path, headers=other)
        assert reply.status_code == 403
        assert "another team" in reply.get_json()["error"]
        assert "children" not in reply.get_json()

    everyone = bearer(create_token(database_url, "all"))
    assert client.get(listing, headers=everyone).status_code == 200
    assert client.get(chart, headers=everyone).status_code == 200


def test_with_two_teams_a_person_in_neither_is_hidden_from_team_tokens(client, database_url):
    """Nobody can tell whose they are, so only an all-teams token may look."""
    ava_id = family(database_url)
    north, south = two_teams(database_url)
    for team in (north, south):
        token = bearer(create_token(database_url, f"team-{team}", team_id=team))
        assert client.get("/api/growth?conversation_id=parent-1", headers=token).status_code == (
            403)
        assert client.get(f"/api/growth/children/{ava_id}/chart.png",
                          headers=token).status_code == 403


def test_with_a_single_team_its_token_sees_everyone(client, database_url):
    ava_id = family(database_url)
    with session_scope(database_url) as session:
        only = Team(name="Only")
        session.add(only)
        session.flush()
        only_id = only.id
    token = bearer(create_token(database_url, "only", team_id=only_id))
    assert client.get("/api/growth?conversation_id=parent-1", headers=token).status_code == 200
    assert client.get(f"/api/growth/children/{ava_id}/chart.png",
                      headers=token).status_code == 200
