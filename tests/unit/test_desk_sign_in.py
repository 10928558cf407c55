"""Signing in to the desk: passwords, lockout, CSRF, sessions and the admin command."""

import io
import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.desk import create_app
from bot.desk.accounts import AccountError, create_login, main, verify
from bot.escalation.rota import add_staff, add_team
from bot.store.db import session_scope
from bot.store.models import AuditEvent
from tests import desk_support
from tests.desk_support import PASSWORD, csrf_from, make_staff

MISMATCH = "That username and password don't match"
START = datetime(2026, 11, 25, 9, 0)






@pytest.fixture
def hana(database_url):
    add_team(database_url, "North", ["SE25"])
    staff_id = add_staff(database_url, "Hana Ali", "health_visitor", "North", None, None)
    create_login(database_url, staff_id, "HAli", PASSWORD)
    return staff_id


def sign_in(client, username="hali", password=PASSWORD, follow=False):
    return desk_support.sign_in(client, username, password, follow)


def audit_actions(database_url):
    with session_scope(database_url) as session:
        rows = session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
        return [(row.action, row.detail) for row in rows]


def test_signed_out_home_goes_to_sign_in_page(client):
    reply = client.get("/")
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/login")
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en-GB">' in page
    assert '<label for="username">' in page and 'id="username"' in page
    assert '<label for="password">' in page and 'id="password"' in page


def test_health_visitor_lands_on_the_queue_signed_in_by_name(client, hana, database_url):
    reply = sign_in(client, username="  HAli ", follow=True)
    page = reply.get_data(as_text=True)
    assert reply.status_code == 200 and reply.request.path == "/queue/"
    assert "Hana Ali" in page and "Sign out" in page
    assert ("desk_sign_in", None) in audit_actions(database_url)


def test_admin_lands_on_home_page_with_role_and_areas(client, database_url):
    make_staff(database_url, "Ada Admin", "admin", None, "ada")
    reply = sign_in(client, username="ada", follow=True)
    page = reply.get_data(as_text=True)
    assert reply.status_code == 200 and reply.request.path == "/"
    assert "Hello, Ada Admin" in page and "Admin" in page and "All teams" in page
    assert "Staff and teams" in page and "Queue" not in page


def test_sign_in_renews_the_session_and_its_csrf_token(client, hana):
    before = csrf_from(client)
    sign_in(client)
    with client.session_transaction() as session:
        assert session["staff_id"] == hana
        assert session["csrf_token"] != before
        assert session.permanent


def test_wrong_password_is_refused_kindly(client, hana, database_url):
    reply = sign_in(client, password="not the password")
    assert reply.status_code == 401
    assert MISMATCH in reply.get_data(as_text=True)
    assert client.get("/queue/").headers["Location"].endswith("/login")
    action, detail = audit_actions(database_url)[-1]
    assert action == "desk_sign_in_failed"
    assert "not the password" not in detail


def test_unknown_username_gets_the_same_message_and_is_not_audited_by_name(
        client, hana, database_url):
    reply = sign_in(client, username="nobody-here")
    assert reply.status_code == 401
    assert MISMATCH in reply.get_data(as_text=True)
    events = audit_actions(database_url)
    assert events[-1][0] == "desk_sign_in_failed"
    assert "nobody-here" not in json.dumps(events)


def test_five_failures_lock_the_account_for_fifteen_minutes(client, hana, clock, database_url):
    for _ in range(5):
        assert sign_in(client, password="guess guess guess").status_code == 401
    locked = sign_in(client)
    assert locked.status_code == 401, "the right password is refused while locked"
    assert MISMATCH in locked.get_data(as_text=True)
    assert "desk_login_locked" in [action for action, _ in audit_actions(database_url)]

    clock.now = START + timedelta(minutes=14, seconds=59)
    assert sign_in(client).status_code == 401
    clock.now = START + timedelta(minutes=15, seconds=1)
    assert sign_in(client, follow=True).request.path == "/queue/"


def test_success_resets_the_failure_count(database_url, hana):
    for _ in range(4):
        assert not verify(database_url, "hali", "wrong wrong wrong", START).ok
    assert verify(database_url, "hali", PASSWORD, START).ok
    for _ in range(4):
        assert not verify(database_url, "hali", "wrong wrong wrong", START).ok
    assert verify(database_url, "hali", PASSWORD, START).ok


def test_login_and_logout_without_csrf_token_are_refused(client, hana):
    reply = client.post("/login", data={"username": "hali", "password": PASSWORD})
    assert reply.status_code == 400
    assert "did not come from the desk" in reply.get_data(as_text=True)
    sign_in(client)
    assert client.post("/logout").status_code == 400
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 400
    assert client.get("/queue/").status_code == 200, "still signed in"


def test_logout_clears_the_session(client, hana, database_url):
    sign_in(client)
    token = csrf_from(client, "/queue/")
    reply = client.post("/logout", data={"csrf_token": token})
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/login")
    with client.session_transaction() as session:
        assert "staff_id" not in session and "csrf_token" not in session
    assert client.get("/queue/").headers["Location"].endswith("/login")
    assert "desk_sign_out" in [action for action, _ in audit_actions(database_url)]


def test_csrf_token_in_header_is_accepted(client, hana):
    sign_in(client)
    token = csrf_from(client, "/queue/")
    assert client.post("/logout", headers={"X-CSRF-Token": token}).status_code == 302


def test_deactivated_staff_are_signed_out_at_once(client, hana, database_url):
    from bot.store.models import Staff

    sign_in(client)
    with session_scope(database_url) as session:
        session.get(Staff, hana).active = False
    assert client.get("/queue/").headers["Location"].endswith("/login")


def test_session_cookie_is_http_only_and_lax(app, client, hana):
    reply = sign_in(client)
    cookie = reply.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.permanent_session_lifetime == timedelta(hours=8)


def test_session_cookie_is_secure_outside_tests(database_url, monkeypatch):
    monkeypatch.delenv("DESK_INSECURE_COOKIES", raising=False)
    assert create_app({"DATABASE_URL": database_url}).config["SESSION_COOKIE_SECURE"]
    monkeypatch.setenv("DESK_INSECURE_COOKIES", "1")
    assert not create_app({"DATABASE_URL": database_url}).config["SESSION_COOKIE_SECURE"]


def test_create_login_refuses_weak_passwords_and_taken_usernames(database_url, hana):
    with pytest.raises(AccountError, match="at least 12"):
        create_login(database_url, hana, "other", "short")
    with pytest.raises(AccountError, match="username"):
        create_login(database_url, hana, "hanaali", "xx-hanaali-xx-long")
    with pytest.raises(AccountError, match="already taken"):
        create_login(database_url, hana, "HALI", "another long password")


def test_cli_create_admin_makes_a_working_login(client, database_url, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long admin password\n"))
    code = main(["create-admin", "--name", "Sam Patel", "--username", "SPatel",
                 "--password-stdin", "--database-url", database_url])
    assert code == 0
    assert "a long admin password" not in capsys.readouterr().out
    page = sign_in(client, username="spatel", password="a long admin password",
                   follow=True).get_data(as_text=True)
    assert "Sam Patel" in page and "Admin" in page and "All teams" in page


def test_cli_refuses_weak_password_and_taken_username_with_exit_2(database_url, monkeypatch,
                                                                  capsys):
    args = ["create-admin", "--name", "Sam Patel", "--username", "spatel", "--password-stdin",
            "--database-url", database_url]
    monkeypatch.setattr("sys.stdin", io.StringIO("too short\n"))
    assert main(args) == 2
    assert "at least 12 characters" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("a long admin password\n"))
    assert main(args) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("another long password\n"))
    assert main(args) == 2
    assert "already taken" in capsys.readouterr().err


def test_cli_prompts_twice_and_refuses_a_mismatch(database_url, monkeypatch, capsys):
    answers = iter(["a long admin password", "a different password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    assert main(["create-admin", "--name", "Sam", "--username", "sam",
                 "--database-url", database_url]) == 2
    assert "don't match" in capsys.readouterr().err
