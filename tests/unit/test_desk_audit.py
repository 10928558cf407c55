"""The audit log page: read-only, for admins and team leads, filtered without personal data."""

import re
from datetime import datetime

import pytest

from bot.escalation.rota import add_team
from bot.store import audit
from bot.store.db import session_scope
from bot.store.models import AuditEvent
from tests.desk_support import PASSWORD, csrf_from, make_staff, sign_in

ROW = re.compile(r"<tr>\s*<td>")
OLDER = re.compile(r'href="([^"]*)">Older entries')




@pytest.fixture
def admin(database_url):
    return make_staff(database_url, "Sam Patel", "admin", None, "spatel")


@pytest.fixture
def as_admin(client, admin):
    sign_in(client, "spatel")
    return client


def add_events(database_url, count, action="escalation_acknowledged", actor="scheduler",
               at=None, **detail):
    with session_scope(database_url) as session:
        for number in range(count):
            event = audit.record(session, actor, action, "escalation", number + 1, **detail)
            if at is not None:
                event.at = at


def rows(page):
    return len(ROW.findall(page))


def table(page):
    """The page after the filter form, whose selects name every action."""
    return page.split("<table", 1)[-1]


def test_admins_actions_show_with_their_name_in_words(as_admin, admin, database_url):
    csrf = csrf_from(as_admin, "/staff/")
    as_admin.post("/staff/teams/new", data={"name": "South", "districts": "SE19 CR0",
                                            "csrf_token": csrf})
    add_events(database_url, 1, page_count=2, reason="no answer", flags=["a", "b"])
    reply = as_admin.get("/audit/")
    page = reply.get_data(as_text=True)
    assert reply.status_code == 200
    assert f"staff:{admin} (Sam Patel)" in page
    assert "Team added" in page and "districts: 2" in page
    assert "Escalation acknowledged" in page and "Escalation 1" in page
    assert "page count: 2" in page and "reason: no answer" in page and "flags: a, b" in page
    assert page.index("Escalation acknowledged") < page.index("Team added"), "newest first"
    assert "Older entries" not in page


def test_times_are_shown_in_uk_local_time(as_admin, database_url):
    add_events(database_url, 1, at=datetime(2026, 7, 1, 23, 30))
    assert "Thu 2 Jul 2026, 00:30" in as_admin.get("/audit/").get_data(as_text=True)


def test_filters_by_action_actor_and_subject_type(as_admin, admin, database_url):
    add_events(database_url, 3, action="escalation_resolved", actor="staff:77")
    add_events(database_url, 2, action="paged", actor="pager")
    page = as_admin.get("/audit/?action=paged").get_data(as_text=True)
    assert rows(page) == 2 and "Escalation resolved" not in table(page)
    assert '<option value="paged" selected>Paged</option>' in page
    page = as_admin.get("/audit/?actor=staff:77").get_data(as_text=True)
    assert rows(page) == 3 and 'value="staff:77"' in page
    page = as_admin.get(f"/audit/?actor=staff:{admin}").get_data(as_text=True)
    assert "Desk sign in" in table(page) and "Escalation" not in table(page)
    page = as_admin.get("/audit/?subject_type=escalation&actor=pager").get_data(as_text=True)
    assert rows(page) == 2
    page = as_admin.get("/audit/?action=paged&actor=nobody").get_data(as_text=True)
    assert "There are no entries that match" in page


def test_filters_by_uk_dates(as_admin, database_url):
    add_events(database_url, 1, action="paged", at=datetime(2026, 7, 1, 23, 30))  # 2 July UK
    add_events(database_url, 1, action="repaged", at=datetime(2026, 7, 3, 12, 0))
    page = as_admin.get("/audit/?from=2/7/2026&to=02/07/2026").get_data(as_text=True)
    assert rows(page) == 1 and "Paged" in table(page) and "Repaged" not in table(page)
    page = as_admin.get("/audit/?to=1/7/2026").get_data(as_text=True)
    assert "There are no entries that match" in page
    page = as_admin.get("/audit/?from=2026-07-03&to=3/7/2026").get_data(as_text=True)
    assert rows(page) == 1 and "Repaged" in table(page) and 'value="2026-07-03"' in page


def test_paging_goes_back_by_id_and_carries_only_the_filters(as_admin, database_url):
    add_events(database_url, 105, action="paged", actor="pager")
    page = as_admin.get("/audit/?action=paged").get_data(as_text=True)
    assert rows(page) == 100
    older = OLDER.search(page).group(1).replace("&amp;", "&")
    assert set(re.findall(r"[?&]([a-z_]+)=", older)) == {"action", "before"}
    page = as_admin.get(older).get_data(as_text=True)
    assert rows(page) == 5 and "Older entries" not in page and "Newest entries" in page
    with session_scope(database_url) as session:
        assert session.query(AuditEvent).filter_by(action="paged").count() == 105


@pytest.mark.parametrize("query, message", [
    ("from=31/02/2026", "Date from must be a real date, like 25/11/2026"),
    ("to=tomorrow", "Date to must be a real date"),
    ("from=2/7/2026&to=1/7/2026", "Date to must be the same as or after date from"),
    ("action=no_such_action", "There are no entries for that action"),
    ("subject_type=bananas", "There are no entries about that kind of subject"),
    ("actor=Hana%20Ali", "Enter who acted as a service name"),
    ("before=abc", "That page of the log does not exist"),
])
def test_filters_that_cannot_be_used_get_a_clear_message(as_admin, query, message):
    reply = as_admin.get(f"/audit/?{query}")
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert "There is a problem" in page and message in page
    assert "<table" not in page


def test_there_is_no_way_to_change_the_log(as_admin, database_url):
    add_events(database_url, 1)
    token = csrf_from(as_admin, "/audit/")
    for method in (as_admin.post, as_admin.put, as_admin.delete):
        assert method("/audit/", data={"csrf_token": token}).status_code == 405
    assert as_admin.get("/audit/1").status_code == 404


def test_team_leads_may_read_it_and_health_visitors_may_not(client, database_url):
    add_team(database_url, "North", ["SE25"])
    make_staff(database_url, "Lee Cho", "team_lead", "North", "lcho")
    make_staff(database_url, "Hana Ali", "health_visitor", "North", "hali")
    sign_in(client, "lcho")
    assert client.get("/audit/").status_code == 200
    other = client.application.test_client()
    sign_in(other, "hali")
    assert other.get("/audit/").status_code == 403
    assert client.application.test_client().get("/audit/").headers["Location"].endswith(
        "/login")


def test_no_password_appears_in_the_log(as_admin):
    page = as_admin.get("/audit/").get_data(as_text=True)
    assert "Desk login created" in page and "Desk sign in" in page
    assert PASSWORD not in page and "scrypt" not in page
