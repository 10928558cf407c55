"""Every desk response carries the browser protections; the bearer API needs no CSRF token."""

import re

import pytest

from bot.desk import create_app
from bot.desk.tokens import create_token

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


@pytest.fixture
def client(database_url):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "DESK_API_TOKEN": None,
                      "RASA_URL": "http://127.0.0.1:9/",
                      "ACTION_SERVER_URL": "http://127.0.0.1:9/webhook"})
    return app.test_client()


def assert_protected(reply):
    assert reply.headers["Content-Security-Policy"] == CSP
    assert "unsafe-inline" not in reply.headers["Content-Security-Policy"]
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert reply.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("path", "status", "mimetype"),
    [
        ("/login", 200, "text/html"),
        ("/api/escalations", 401, "application/json"),
        ("/no-such-page", 404, "text/html"),
        ("/healthz", 200, "application/json"),
    ],
)
def test_pages_json_and_errors_are_protected_and_never_stored(client, path, status, mimetype):
    reply = client.get(path)
    assert reply.status_code == status and reply.mimetype == mimetype
    assert_protected(reply)
    assert reply.headers["Cache-Control"] == "no-store"


def test_static_files_are_protected_but_cacheable(client):
    reply = client.get("/static/desk.css")
    assert reply.status_code == 200 and reply.mimetype == "text/css"
    assert_protected(reply)
    assert "no-store" not in reply.headers.get("Cache-Control", "")
    reply.close()


def test_csrf_refusal_is_protected(client):
    reply = client.post("/login", data={"username": "x", "password": "y"})
    assert reply.status_code == 400
    assert_protected(reply)


def test_templates_have_no_inline_scripts_or_styles(client):
    """The policy would block them anyway; this keeps every page working under it."""
    from pathlib import Path

    import bot.desk

    templates = Path(bot.desk.__file__).parent / "templates"
    pages = {str(path): path.read_text() for path in templates.rglob("*.html")}
    pages["/login"] = client.get("/login").get_data(as_text=True)
    for name, page in pages.items():
        scripts = re.findall(r"<script[^>]*>.*?</script>", page, flags=re.S)
        assert all(re.fullmatch(r'<script src="[^"]+" defer></script>', tag)
                   for tag in scripts), name
        assert "<style" not in page and "style=" not in page, name
        assert not re.search(r"\son[a-z]+=", page), name


def test_bearer_api_works_without_a_csrf_token(client, database_url):
    from bot.escalation.service import EscalationService

    token = create_token(database_url, "duty")
    escalation = EscalationService(database_url).open("c1", "urgent", "suicide_self_harm", "t")
    reply = client.post(f"/api/escalations/{escalation}/acknowledge",
                        headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 200 and reply.get_json()["status"] == "acknowledged"
    assert_protected(reply)
    assert "Set-Cookie" not in reply.headers, "the API never starts a session"
