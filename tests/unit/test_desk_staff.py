"""Staff and teams on the desk: admins add, change, reset and deactivate; nobody else may."""

from datetime import datetime

import pytest
from sqlalchemy import select

from bot.desk.accounts import verify
from bot.escalation.rota import add_team, set_pager
from bot.store.db import session_scope
from bot.store.models import AuditEvent, Staff, StaffLogin, Team, TeamDistrict
from tests.desk_support import PASSWORD, csrf_from, make_staff, sign_in

NEW_PASSWORD = "a brand new passphrase"






@pytest.fixture
def admin(database_url):
    return make_staff(database_url, "Sam Patel", "admin", None, "spatel")


@pytest.fixture
def north(database_url):
    return add_team(database_url, "North", ["SE25", "CR7"])


@pytest.fixture
def hana(database_url, north):
    return make_staff(database_url, "Hana Ali", "health_visitor", "North", "hali")


@pytest.fixture
def as_admin(client, admin):
    sign_in(client, "spatel")
    return client


def post(client, path, data, token_page="/staff/"):
    return client.post(path, data={**data, "csrf_token": csrf_from(client, token_page)})


def new_staff_form(**changes):
    form = {"name": "Jo Brown", "role": "health_visitor", "team_id": "", "page_channel": "sms",
            "page_address": "+447700900001", "username": "jbrown", "password": PASSWORD}
    return {**form, **changes}


def audit_rows(database_url):
    with session_scope(database_url) as session:
        return session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()


def staff_row(database_url, staff_id):
    with session_scope(database_url) as session:
        return session.get(Staff, staff_id)


def test_admin_adds_a_team_and_a_health_visitor_who_can_sign_in(
        as_admin, app, admin, database_url):
    reply = post(as_admin, "/staff/teams/new", {"name": "South", "districts": "se19, CR0 br3"})
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/staff/")
    with session_scope(database_url) as session:
        team = session.execute(select(Team).where(Team.name == "South")).scalar_one()
        districts = set(session.execute(
            select(TeamDistrict.postcode_district).where(TeamDistrict.team_id == team.id)
        ).scalars())
    assert districts == {"SE19", "CR0", "BR3"}

    reply = post(as_admin, "/staff/new", new_staff_form(team_id=str(team.id)))
    assert reply.status_code == 302
    page = as_admin.get("/staff/").get_data(as_text=True)
    assert "Jo Brown" in page and "Health visitor" in page and "South" in page
    assert "SMS ending 001" in page and "+447700900001" not in page
    assert "jbrown" in page and "BR3, CR0, SE19" in page and "Never" in page

    other = app.test_client()
    assert sign_in(other, "jbrown").status_code == 302
    landed = other.get("/", follow_redirects=True)
    assert landed.status_code == 200 and "Jo Brown" in landed.get_data(as_text=True)
    assert "Wed 25 Nov 2026, 09:00" in as_admin.get("/staff/").get_data(as_text=True)

    events = [(row.actor, row.action) for row in audit_rows(database_url)]
    actor = f"staff:{admin}"
    assert (actor, "team_added") in events
    assert (actor, "staff_added") in events and (actor, "desk_login_created") in events


def test_admin_adds_another_admin_without_a_team(as_admin, database_url, north):
    reply = post(as_admin, "/staff/new", new_staff_form(
        name="Ada Lee", role="admin", team_id=str(north), page_channel="", page_address="",
        username="alee"))
    assert reply.status_code == 302
    with session_scope(database_url) as session:
        ada = session.execute(select(Staff).where(Staff.name == "Ada Lee")).scalar_one()
        assert ada.role == "admin" and ada.team_id is None and ada.page_channel is None


def test_a_district_another_team_covers_is_refused(as_admin, north, database_url):
    reply = post(as_admin, "/staff/teams/new", {"name": "East", "districts": "SE25 BR3"})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert "There is a problem" in page and 'href="#districts"' in page
    assert "SE25 is already covered by North" in page
    assert 'value="East"' in page and 'value="SE25 BR3"' in page
    with session_scope(database_url) as session:
        assert session.execute(select(Team).where(Team.name == "East")).first() is None
        assert session.get(TeamDistrict, "SE25").team_id == north


def test_team_form_refuses_bad_districts_and_a_taken_name(as_admin, north):
    reply = post(as_admin, "/staff/teams/new", {"name": "north", "districts": "SE25X ZZ9"})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert "There is already a team called north" in page
    assert "SE25X, ZZ9 are not a UK postcode district" in page
    reply = post(as_admin, "/staff/teams/new", {"name": "", "districts": ""})
    page = reply.get_data(as_text=True)
    assert "Enter the team&#39;s name" in page
    assert "Enter at least one postcode district" in page


def test_bad_pager_weak_password_and_taken_username_keep_the_values(as_admin, hana, north,
                                                                   database_url):
    before = len(audit_rows(database_url))
    reply = post(as_admin, "/staff/new", new_staff_form(
        team_id=str(north), page_address="07700 900001", username="HALI",
        password="too short"))
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert "Enter the mobile number in international format" in page
    assert "That username is already taken" in page
    assert "A password needs at least 12 characters" in page
    for field in ("page_address", "username", "password"):
        assert f'href="#{field}"' in page
    assert 'value="Jo Brown"' in page and 'value="07700 900001"' in page
    assert 'value="HALI"' in page and "too short" not in page
    assert f'<option value="{north}" selected>North</option>' in page

    reply = post(as_admin, "/staff/new", new_staff_form(
        team_id=str(north), page_channel="telegram", page_address="@hana",
        username="jbrown", password="jbrown is my password"))
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert "Enter the Telegram chat ID using digits only" in page
    assert "A password must not contain the username" in page

    reply = post(as_admin, "/staff/new", new_staff_form(team_id=""))
    assert reply.status_code == 400
    assert "Select a team" in reply.get_data(as_text=True)
    reply = post(as_admin, "/staff/new", new_staff_form(team_id=str(north), role="boss"))
    assert "Select a role" in reply.get_data(as_text=True)
    assert len(audit_rows(database_url)) == before
    with session_scope(database_url) as session:
        assert session.execute(select(Staff).where(Staff.name == "Jo Brown")).first() is None


def test_edit_changes_role_team_and_pager(as_admin, hana, admin, database_url):
    south = add_team(database_url, "South", ["SE19"])
    page = as_admin.get(f"/staff/{hana}/edit").get_data(as_text=True)
    assert "Change Hana Ali" in page and "No pager" in page
    reply = post(as_admin, f"/staff/{hana}/edit", {
        "role": "team_lead", "team_id": str(south), "page_channel": "telegram",
        "page_address": "123456789"}, f"/staff/{hana}/edit")
    assert reply.status_code == 302
    row = staff_row(database_url, hana)
    assert (row.role, row.team_id, row.page_channel, row.page_address) == (
        "team_lead", south, "telegram", "123456789")
    page = as_admin.get("/staff/").get_data(as_text=True)
    assert "Team lead" in page and "Telegram ending 789" in page and "123456789" not in page

    edit = as_admin.get(f"/staff/{hana}/edit").get_data(as_text=True)
    assert "123456789" not in edit and "Currently Telegram ending 789" in edit
    reply = post(as_admin, f"/staff/{hana}/edit", {
        "role": "health_visitor", "team_id": str(south), "page_channel": "telegram",
        "page_address": ""}, f"/staff/{hana}/edit")
    assert reply.status_code == 302, "an empty number keeps the current one"
    row = staff_row(database_url, hana)
    assert (row.role, row.page_address) == ("health_visitor", "123456789")

    events = [(row.actor, row.action, row.detail) for row in audit_rows(database_url)]
    changes = [event for event in events if event[1] in ("staff_changed", "pager_changed")]
    assert all(actor == f"staff:{admin}" for actor, _, _ in changes)
    assert [action for _, action, _ in changes] == ["staff_changed", "pager_changed",
                                                     "staff_changed"]
    assert all("123456789" not in (detail or "") for _, _, detail in events)


def test_edit_refuses_a_new_channel_without_a_number_and_own_role_change(
        as_admin, hana, admin, database_url):
    set_pager(database_url, hana, "sms", "+447700900001")
    reply = post(as_admin, f"/staff/{hana}/edit", {
        "role": "health_visitor", "team_id": "", "page_channel": "telegram",
        "page_address": ""}, f"/staff/{hana}/edit")
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert "Enter the mobile number or Telegram chat ID to page" in page
    assert "Select a team" in page and "+447700900001" not in page
    reply = post(as_admin, f"/staff/{admin}/edit", {
        "role": "health_visitor", "team_id": "", "page_channel": "", "page_address": ""},
        f"/staff/{admin}/edit")
    assert reply.status_code == 400
    assert "You cannot change your own role" in reply.get_data(as_text=True)
    assert staff_row(database_url, admin).role == "admin"


def test_deactivated_staff_are_signed_out_at_their_next_request(
        as_admin, app, hana, admin, database_url):
    hana_client = app.test_client()
    sign_in(hana_client, "hali")
    assert hana_client.get("/cafes/").status_code == 200
    reply = post(as_admin, f"/staff/{hana}/deactivate", {}, f"/staff/{hana}/edit")
    assert reply.status_code == 302
    following = as_admin.get("/staff/").get_data(as_text=True)
    assert "Hana Ali&#39;s account has been deactivated" in following
    assert "Deactivated" in following
    gone = hana_client.get("/cafes/")
    assert gone.status_code == 302 and gone.headers["Location"].endswith("/login")
    assert sign_in(hana_client, "hali").status_code == 401
    assert ("staff_deactivated", f"staff:{admin}") in [
        (row.action, row.actor) for row in audit_rows(database_url)]


def test_an_admin_cannot_deactivate_themselves(as_admin, admin, database_url):
    assert "Deactivate Sam Patel" not in as_admin.get(f"/staff/{admin}/edit").get_data(
        as_text=True)
    reply = post(as_admin, f"/staff/{admin}/deactivate", {})
    assert reply.status_code == 400
    assert "You cannot deactivate your own account" in reply.get_data(as_text=True)
    assert staff_row(database_url, admin).active
    assert as_admin.get("/staff/").status_code == 200


def test_password_reset_lets_them_sign_in_and_lifts_a_lockout(
        as_admin, app, hana, admin, clock, database_url):
    for _ in range(5):
        verify(database_url, "hali", "guess guess guess", clock.now)
    page = as_admin.get("/staff/").get_data(as_text=True)
    assert "Sign-in paused until Wed 25 Nov 2026, 09:15" in page

    reply = post(as_admin, f"/staff/{hana}/password", {"password": "short"},
                 f"/staff/{hana}/edit")
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400 and "A password needs at least 12 characters" in page
    assert 'href="#password"' in page and 'value="short"' not in page

    reply = post(as_admin, f"/staff/{hana}/password", {"password": NEW_PASSWORD},
                 f"/staff/{hana}/edit")
    assert reply.status_code == 302
    with session_scope(database_url) as session:
        login = session.execute(
            select(StaffLogin).where(StaffLogin.staff_id == hana)).scalar_one()
        assert login.locked_until is None and login.failed_attempts == 0
    other = app.test_client()
    assert sign_in(other, "hali").status_code == 401, "the old password no longer works"
    assert sign_in(other, "hali", NEW_PASSWORD).status_code == 302

    reset = [row for row in audit_rows(database_url) if row.action == "desk_password_reset"]
    assert len(reset) == 1 and reset[0].actor == f"staff:{admin}"
    assert NEW_PASSWORD not in (reset[0].detail or "")


def test_no_password_or_hash_appears_in_pages_or_the_audit_trail(
        as_admin, hana, north, database_url):
    post(as_admin, "/staff/new", new_staff_form(team_id=str(north)))
    post(as_admin, f"/staff/{hana}/password", {"password": NEW_PASSWORD},
         f"/staff/{hana}/edit")
    with session_scope(database_url) as session:
        hashes = list(session.execute(select(StaffLogin.password_hash)).scalars())
    pages = [as_admin.get(path).get_data(as_text=True)
             for path in ("/staff/", "/staff/new", f"/staff/{hana}/edit", "/audit/")]
    trail = " ".join(f"{row.actor} {row.action} {row.detail}" for row in audit_rows(database_url))
    for text in [*pages, trail]:
        assert PASSWORD not in text and NEW_PASSWORD not in text
        assert "scrypt" not in text
        assert all(value not in text for value in hashes)


@pytest.mark.parametrize("role", ["health_visitor", "team_lead"])
def test_health_visitors_and_team_leads_get_403_on_every_staff_page(
        client, database_url, north, hana, role):
    make_staff(database_url, "Lee Cho", role, "North", "lcho")
    sign_in(client, "lcho")
    token = csrf_from(client, "/cafes/")
    for path in ("/staff/", "/staff/new", "/staff/teams/new", f"/staff/{hana}/edit"):
        assert client.get(path).status_code == 403, path
    for path, data in ((f"/staff/{hana}/deactivate", {}),
                       (f"/staff/{hana}/password", {"password": NEW_PASSWORD}),
                       (f"/staff/{hana}/edit", {"role": "admin"}),
                       ("/staff/new", new_staff_form(team_id=str(north))),
                       ("/staff/teams/new", {"name": "East", "districts": "BR3"})):
        assert client.post(path, data={**data, "csrf_token": token}).status_code == 403, path
    assert staff_row(database_url, hana).active


def test_signed_out_visitors_go_to_sign_in(client):
    reply = client.get("/staff/")
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/login")


def test_posts_without_a_csrf_token_are_refused_and_change_nothing(
        as_admin, hana, north, database_url):
    before = len(audit_rows(database_url))
    attempts = ((f"/staff/{hana}/deactivate", {}),
                (f"/staff/{hana}/password", {"password": NEW_PASSWORD}),
                (f"/staff/{hana}/edit", {"role": "team_lead", "team_id": str(north)}),
                ("/staff/new", new_staff_form(team_id=str(north))),
                ("/staff/teams/new", {"name": "East", "districts": "BR3"}))
    for path, data in attempts:
        reply = as_admin.post(path, data=data)
        assert reply.status_code == 400, path
        assert "did not come from the desk" in reply.get_data(as_text=True)
    row = staff_row(database_url, hana)
    assert row.active and row.role == "health_visitor"
    assert len(audit_rows(database_url)) == before
    assert verify(database_url, "hali", PASSWORD).ok


def test_an_unknown_member_of_staff_is_404(as_admin):
    assert as_admin.get("/staff/999/edit").status_code == 404
    assert post(as_admin, "/staff/999/deactivate", {}).status_code == 404


def test_last_sign_in_is_shown_in_uk_time(as_admin, app, hana, clock):
    clock.now = datetime(2026, 7, 1, 8, 30)  # 09:30 in London in summer
    sign_in(app.test_client(), "hali")
    page = as_admin.get("/staff/").get_data(as_text=True)
    assert "Wed 1 Jul 2026, 09:30" in page
