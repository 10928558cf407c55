"""The desk's rota page: keeping who is on duty, and paging reading what it keeps."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.escalation.paging import PagingPolicy, recipients_for
from bot.escalation.rota import add_team, set_pager
from bot.store.db import session_scope
from bot.store.models import AuditEvent, RotaShift, Staff
from tests.desk_support import DeskClock, csrf_from, make_staff, sign_in

START = datetime(2026, 11, 24, 10, 0)  # Tuesday 24 November 2026, 10:00 in the UK (GMT)
POLICY = PagingPolicy(sla=timedelta(minutes=15), fallback_channel="sms")
FALLBACK_WARNING = "Urgent escalations for this team will go to the fallback contact"
ON_DUTY_CAPTION = '<caption class="visually-hidden">On duty now</caption>'
OVERLAP = ("Hana Ali already has a shift on Tuesday 24 November from 09:00 to 17:00, which "
           "overlaps this one.")



@pytest.fixture
def clock():
    return DeskClock(START)



@pytest.fixture
def teams(database_url):
    return {"north": add_team(database_url, "North", ["SE25"]),
            "south": add_team(database_url, "South", ["BN1"])}


@pytest.fixture
def staff(database_url, teams):
    people = {
        "lee": make_staff(database_url, "Lee Brown", "team_lead", "North", "lbrown"),
        "hana": make_staff(database_url, "Hana Ali", "health_visitor", "North", "hali"),
        "sol": make_staff(database_url, "Sol Reyes", "team_lead", "South", "sreyes"),
        "omar": make_staff(database_url, "Omar Khan", "health_visitor", "South", "okhan"),
        "sam": make_staff(database_url, "Sam Patel", "admin", None, "spatel"),
    }
    for key, number in (("hana", "+447700900001"), ("omar", "+447700900002")):
        set_pager(database_url, people[key], "sms", number)
    return people


def client_for(app, username):
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def team_path(team_id):
    return f"/rota/teams/{team_id}"


def add_shift(client, team_id, **form):
    form.setdefault("csrf_token", csrf_from(client, team_path(team_id)))
    return client.post(f"{team_path(team_id)}/shifts", data=form)


def remove(client, shift_id, team_id):
    token = csrf_from(client, team_path(team_id))
    return client.post(f"/rota/shifts/{shift_id}/remove", data={"csrf_token": token})


def stored_shifts(database_url):
    with session_scope(database_url) as session:
        return [(row.staff_id, row.starts_at, row.ends_at) for row in session.execute(
            select(RotaShift).order_by(RotaShift.id)).scalars()]


def shift_ids(database_url):
    with session_scope(database_url) as session:
        return list(session.execute(select(RotaShift.id).order_by(RotaShift.id)).scalars())


def paged(database_url, team_id, at):
    """Who paging would page first for an urgent escalation of this team at `at`."""
    with session_scope(database_url) as session:
        return [(pagee.kind, pagee.id) for pagee in
                recipients_for(session, team_id, 0, at, POLICY)]


def audit_rows(database_url, prefix="shift_"):
    with session_scope(database_url) as session:
        return [(row.actor, row.action, row.subject_id) for row in session.execute(
            select(AuditEvent).where(AuditEvent.action.like(f"{prefix}%"))
            .order_by(AuditEvent.id)).scalars()]


def page_text(reply):
    return reply.get_data(as_text=True)


def test_a_team_lead_adds_a_shift_and_paging_finds_that_person(app, staff, teams, database_url):
    lee = client_for(app, "lbrown")
    north = teams["north"]
    assert paged(database_url, north, START) == [("fallback", "fallback")]

    reply = add_shift(lee, north, staff=staff["hana"], date="2026-11-24", start="09:00",
                      end="17:00")
    assert reply.status_code == 302 and reply.headers["Location"].endswith(team_path(north))
    assert stored_shifts(database_url) == [
        (staff["hana"], datetime(2026, 11, 24, 9), datetime(2026, 11, 24, 17))]
    assert paged(database_url, north, START) == [("staff", str(staff["hana"]))]
    assert paged(database_url, north, datetime(2026, 11, 24, 17)) == [("fallback", "fallback")]

    page = page_text(lee.get(team_path(north)))
    assert "Shift added: Hana Ali, Tuesday 24 November, 09:00–17:00." in page
    on_duty = page[page.index(ON_DUTY_CAPTION):]
    assert "Hana Ali" in on_duty and "17:00 today" in on_duty and "Can be paged" in on_duty
    assert FALLBACK_WARNING not in page
    [(actor, action, subject)] = audit_rows(database_url)
    assert (actor, action, subject) == (f"staff:{staff['lee']}", "shift_added",
                                        str(shift_ids(database_url)[0]))


def test_uk_times_are_stored_in_utc_across_the_clock_change(app, staff, teams, clock,
                                                           database_url):
    clock.now = datetime(2026, 6, 1, 12, 0)
    lee = client_for(app, "lbrown")
    north = teams["north"]
    assert add_shift(lee, north, staff=staff["hana"], date="2026-07-01", start="09:00",
                     end="17:00").status_code == 302
    # The night the clocks go back: 20:00 BST to 08:00 GMT is 13 hours.
    assert add_shift(lee, north, staff=staff["lee"], date="2026-10-24", start="20:00",
                     end="08:00").status_code == 302
    assert stored_shifts(database_url) == [
        (staff["hana"], datetime(2026, 7, 1, 8), datetime(2026, 7, 1, 16)),
        (staff["lee"], datetime(2026, 10, 24, 19), datetime(2026, 10, 25, 8)),
    ]
    assert paged(database_url, north, datetime(2026, 7, 1, 8, 30)) == [
        ("staff", str(staff["hana"]))]

    clock.now = datetime(2026, 6, 30, 12, 0)
    page = page_text(lee.get(team_path(north)))
    assert re.search(r"Wednesday 1 July</h3>.*?Hana Ali</th>\s*<td>09:00–17:00</td>", page,
                     re.S)
    clock.now = datetime(2026, 10, 24, 12, 0)
    page = page_text(lee.get(team_path(north)))
    assert re.search(r"Saturday 24 October \(today\)</h3>.*?Lee Brown</th>\s*"
                     r"<td>20:00 to 08:00 next day</td>", page, re.S)


def test_a_night_shift_in_progress_shows_under_today_and_on_duty(app, staff, teams, clock):
    lee = client_for(app, "lbrown")
    north = teams["north"]
    add_shift(lee, north, staff=staff["hana"], date="2026-11-24", start="20:00", end="00:00")
    add_shift(lee, north, staff=staff["lee"], date="2026-11-24", start="20:00", end="08:00")
    page = page_text(lee.get(team_path(north)))
    assert "<td>20:00 to midnight</td>" in page
    assert "<td>20:00 to 08:00 next day</td>" in page

    clock.now = datetime(2026, 11, 25, 3, 0)
    page = page_text(lee.get(team_path(north)))
    assert re.search(r"Wednesday 25 November \(today\)</h3>.*?Lee Brown</th>\s*"
                     r"<td>20:00 the day before to 08:00</td>", page, re.S)
    assert "Tuesday 24 November" not in page, "the page starts from today"
    on_duty = page[page.index(ON_DUTY_CAPTION):page.index("</table>")]
    assert "Lee Brown" in on_duty and "Hana Ali" not in on_duty
    assert "Cannot be paged: no pager set" in on_duty, "Lee has no pager"
    assert "Nobody on duty now can be paged" in page


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"date": "2026-11-24", "start": "07:00", "end": "09:00"}, "date",
         "That shift has already ended."),
        ({"date": "2026-11-24", "start": "16:00", "end": "20:00"}, "start", OVERLAP),
        ({"date": "2026-11-24", "start": "08:00", "end": "18:00"}, "start", OVERLAP),
        ({"staff": "omar", "date": "2026-11-25", "start": "09:00", "end": "17:00"}, "staff",
         "Choose a health visitor or team lead from this team."),
        ({"staff": "sam", "date": "2026-11-25", "start": "09:00", "end": "17:00"}, "staff",
         "Choose a health visitor or team lead from this team."),
        ({"staff": "", "date": "2026-11-25", "start": "09:00", "end": "17:00"}, "staff",
         "Choose who is on duty."),
        ({"date": "", "start": "09:00", "end": "17:00"}, "date",
         "Enter the date the shift starts."),
        ({"date": "2026-02-30", "start": "09:00", "end": "17:00"}, "date",
         "Enter a real date"),
        ({"date": "2026-11-25", "start": "9 o'clock", "end": "17:00"}, "start",
         "Enter the start time as hours and minutes"),
        ({"date": "2026-11-25", "start": "09:00", "end": ""}, "end",
         "Enter the time the shift ends."),
        ({"date": "2027-03-28", "start": "01:30", "end": "09:00"}, "start",
         "01:30 does not exist on Sunday 28 March because the clocks go forward."),
    ],
)
def test_a_shift_the_rota_cannot_take_is_refused_with_a_message(
        app, staff, teams, database_url, form, field, message):
    lee = client_for(app, "lbrown")
    north = teams["north"]
    add_shift(lee, north, staff=staff["hana"], date="2026-11-24", start="09:00", end="17:00")
    before = stored_shifts(database_url)
    form = dict(form)
    who = form.pop("staff", "hana")
    reply = add_shift(lee, north, staff=staff[who] if who else "", **form)
    page = page_text(reply)
    assert reply.status_code == 400
    assert "<title>Error: Rota for North" in page
    assert re.search(rf'<a href="#{field}">[^<]*{re.escape(message)}', page), page
    assert f'id="{field}-error"' in page and f"{field}-error" in page.split(f'id="{field}"')[1]
    assert stored_shifts(database_url) == before
    assert [action for _, action, _ in audit_rows(database_url)] == ["shift_added"]


def test_a_shift_longer_than_24_hours_is_refused(app, staff, teams, clock, database_url):
    clock.now = datetime(2026, 10, 1, 12, 0)
    lee = client_for(app, "lbrown")
    # 09:00 to 09:00 is 24 hours on most days, but 25 on the night the clocks go back.
    reply = add_shift(lee, teams["north"], staff=staff["hana"], date="2026-10-24",
                      start="09:00", end="09:00")
    assert reply.status_code == 400
    assert "A shift can be no longer than 24 hours." in page_text(reply)
    assert stored_shifts(database_url) == []
    assert add_shift(lee, teams["north"], staff=staff["hana"], date="2026-10-20",
                     start="09:00", end="09:00").status_code == 302


def test_the_form_keeps_what_was_typed_after_an_error(app, staff, teams):
    lee = client_for(app, "lbrown")
    page = page_text(add_shift(lee, teams["north"], staff=staff["hana"], date="2026-11-25",
                               start="09:00", end=""))
    assert f'<option value="{staff["hana"]}" selected>Hana Ali</option>' in page
    assert 'value="2026-11-25"' in page and 'value="09:00"' in page
    assert 'aria-describedby="end-hint end-error" aria-invalid="true"' in page


def test_removing_a_future_shift_deletes_it(app, staff, teams, database_url):
    lee = client_for(app, "lbrown")
    north = teams["north"]
    add_shift(lee, north, staff=staff["hana"], date="2026-11-25", start="09:00", end="17:00")
    [shift_id] = shift_ids(database_url)
    reply = remove(lee, shift_id, north)
    assert reply.status_code == 302 and reply.headers["Location"].endswith(team_path(north))
    assert stored_shifts(database_url) == []
    assert "Shift removed: Hana Ali, Wednesday 25 November, 09:00–17:00." in page_text(
        lee.get(team_path(north)))
    assert audit_rows(database_url)[-1] == (f"staff:{staff['lee']}", "shift_removed",
                                            str(shift_id))


def test_removing_a_shift_in_progress_ends_it_now_and_paging_stops(app, staff, teams, clock,
                                                                   database_url):
    lee = client_for(app, "lbrown")
    north = teams["north"]
    add_shift(lee, north, staff=staff["hana"], date="2026-11-24", start="09:00", end="17:00")
    [shift_id] = shift_ids(database_url)
    page = page_text(lee.get(team_path(north)))
    assert "End shift now" in page

    clock.now = START + timedelta(minutes=30)
    assert remove(lee, shift_id, north).status_code == 302
    assert stored_shifts(database_url) == [
        (staff["hana"], datetime(2026, 11, 24, 9), clock.now)]
    assert paged(database_url, north, clock.now) == [("fallback", "fallback")]
    assert paged(database_url, north, START) == [("staff", str(staff["hana"]))], "a record"
    page = page_text(lee.get(team_path(north)))
    assert "Hana Ali&#39;s shift has ended now, so they will not be paged" in page
    assert FALLBACK_WARNING in page
    assert re.search(r"Hana Ali</th>\s*<td>09:00–10:30</td>\s*<td>\s*"
                     r'<strong class="tag tag-muted">Finished</strong>', page)
    assert f"/rota/shifts/{shift_id}/remove" not in page, "a finished shift cannot change"
    assert audit_rows(database_url)[-1] == (f"staff:{staff['lee']}", "shift_ended",
                                            str(shift_id))

    token = csrf_from(lee, team_path(north))
    reply = lee.post(f"/rota/shifts/{shift_id}/remove", data={"csrf_token": token},
                     follow_redirects=True)
    assert "That shift has already finished, so there is nothing to change." in page_text(reply)
    assert stored_shifts(database_url)[0][2] == clock.now


def test_nobody_on_duty_is_a_clear_warning(app, staff, teams):
    lee = client_for(app, "lbrown")
    north = teams["north"]
    page = page_text(lee.get(team_path(north)))
    assert "Nobody is on duty now." in page and FALLBACK_WARNING in page
    assert "Add a shift below to put someone on duty." in page
    assert page.count("Nobody is on the rota.") == 14
    add_shift(lee, north, staff=staff["hana"], date="2026-11-25", start="09:00", end="17:00")
    assert FALLBACK_WARNING in page_text(lee.get(team_path(north))), "tomorrow is not now"
    add_shift(lee, north, staff=staff["hana"], date="2026-11-24", start="10:00", end="12:00")
    assert FALLBACK_WARNING not in page_text(lee.get(team_path(north)))


def test_a_health_visitor_sees_their_own_team_read_only(app, staff, teams, database_url):
    lee = client_for(app, "lbrown")
    north, south = teams["north"], teams["south"]
    add_shift(lee, north, staff=staff["lee"], date="2026-11-24", start="09:00", end="17:00")
    add_shift(lee, north, staff=staff["hana"], date="2026-11-25", start="09:00", end="17:00")
    [current, future] = shift_ids(database_url)
    before = stored_shifts(database_url)

    hana = client_for(app, "hali")
    reply = hana.get("/rota/")
    assert reply.status_code == 302 and reply.headers["Location"].endswith(team_path(north))
    page = page_text(hana.get(team_path(north)))
    assert "Rota for North" in page and "Lee Brown" in page and "Hana Ali" in page
    assert "Only a team lead can change the rota." in page
    assert not re.search(r'<form[^>]*action="/rota/', page), "no forms to change the rota"
    assert "Add a shift" not in page and 'name="staff"' not in page

    token = csrf_from(hana, team_path(north))
    assert hana.post(f"{team_path(north)}/shifts", data={
        "csrf_token": token, "staff": staff["hana"], "date": "2026-11-26", "start": "09:00",
        "end": "17:00"}).status_code == 403
    for shift_id in (current, future):
        assert hana.post(f"/rota/shifts/{shift_id}/remove",
                         data={"csrf_token": token}).status_code == 403
    assert hana.get(team_path(south)).status_code == 403
    assert stored_shifts(database_url) == before


def test_a_team_lead_cannot_see_or_change_another_teams_rota(app, staff, teams, database_url):
    sol = client_for(app, "sreyes")
    north, south = teams["north"], teams["south"]
    add_shift(sol, south, staff=staff["omar"], date="2026-11-24", start="09:00", end="17:00")
    lee = client_for(app, "lbrown")
    add_shift(lee, north, staff=staff["hana"], date="2026-11-25", start="09:00", end="17:00")
    [south_shift, north_shift] = shift_ids(database_url)
    before = stored_shifts(database_url)

    reply = lee.get(team_path(south))
    assert reply.status_code == 403 and "belongs to another team" in page_text(reply)
    token = csrf_from(lee, team_path(north))
    assert lee.post(f"{team_path(south)}/shifts", data={
        "csrf_token": token, "staff": staff["omar"], "date": "2026-11-26", "start": "09:00",
        "end": "17:00"}).status_code == 403
    assert lee.post(f"/rota/shifts/{south_shift}/remove",
                    data={"csrf_token": token}).status_code == 403
    assert sol.post(f"/rota/shifts/{north_shift}/remove",
                    data={"csrf_token": csrf_from(sol, team_path(south))}).status_code == 403
    assert stored_shifts(database_url) == before


def test_an_admin_chooses_a_team_and_keeps_its_rota(app, staff, teams, database_url):
    sam = client_for(app, "spatel")
    page = page_text(sam.get("/rota/"))
    assert "<caption>Teams</caption>" in page
    for name in ("North", "South"):
        team_id = teams[name.lower()]
        assert f'<a href="{team_path(team_id)}">{name}<span class="visually-hidden"> rota' in page
    assert page.count("Nobody on duty") == 2

    south = teams["south"]
    page = page_text(sam.get(team_path(south)))
    assert "Back to all teams" in page and "Add a shift" in page
    assert f'<option value="{staff["sol"]}">Sol Reyes</option>' in page
    assert f'<option value="{staff["omar"]}">Omar Khan</option>' in page
    assert "Hana Ali" not in page, "only this team's people can go on its rota"
    assert add_shift(sam, south, staff=staff["omar"], date="2026-11-24", start="08:00",
                     end="20:00").status_code == 302
    assert paged(database_url, south, START) == [("staff", str(staff["omar"]))]
    assert "1 person" in page_text(sam.get("/rota/"))
    [shift_id] = shift_ids(database_url)
    assert remove(sam, shift_id, south).status_code == 302
    assert paged(database_url, south, START + timedelta(seconds=1)) == [
        ("fallback", "fallback")]
    assert [(actor, action) for actor, action, _ in audit_rows(database_url)] == [
        (f"staff:{staff['sam']}", "shift_added"), (f"staff:{staff['sam']}", "shift_ended")]
    assert sam.get(team_path(999)).status_code == 404
    assert sam.post("/rota/shifts/999/remove",
                    data={"csrf_token": csrf_from(sam, "/rota/")}).status_code == 404


def test_posts_without_the_csrf_token_change_nothing(app, staff, teams, database_url):
    lee = client_for(app, "lbrown")
    north = teams["north"]
    add_shift(lee, north, staff=staff["hana"], date="2026-11-25", start="09:00", end="17:00")
    [shift_id] = shift_ids(database_url)
    before = stored_shifts(database_url)
    form = {"staff": staff["hana"], "date": "2026-11-26", "start": "09:00", "end": "17:00"}
    assert lee.post(f"{team_path(north)}/shifts", data=form).status_code == 400
    assert lee.post(f"{team_path(north)}/shifts",
                    data={**form, "csrf_token": "forged"}).status_code == 400
    assert lee.post(f"/rota/shifts/{shift_id}/remove").status_code == 400
    assert stored_shifts(database_url) == before
    assert len(audit_rows(database_url)) == 1


def test_signed_out_visitors_are_sent_to_sign_in(app, teams):
    client = app.test_client()
    for path in ("/rota/", team_path(teams["north"])):
        reply = client.get(path)
        assert reply.status_code == 302 and reply.headers["Location"].endswith("/login")


def test_a_lead_without_a_team_is_told_kindly(app, database_url):
    add_team(database_url, "North", [])
    staff_id = make_staff(database_url, "Ali Noor", "team_lead", "North", "anoor")
    with session_scope(database_url) as session:
        session.get(Staff, staff_id).team_id = None
    page = page_text(client_for(app, "anoor").get("/rota/"))
    assert "You are not in a team yet" in page


def test_the_page_is_labelled_and_needs_no_inline_script_or_style(app, staff, teams):
    lee = client_for(app, "lbrown")
    north = teams["north"]
    add_shift(lee, north, staff=staff["hana"], date="2026-11-24", start="09:00", end="17:00")
    page = page_text(lee.get(team_path(north)))
    for field in ("staff", "date", "start", "end"):
        assert f'<label for="{field}">' in page and f'id="{field}"' in page
    for field in ("date", "start", "end"):
        assert f'id="{field}-hint"' in page and f'aria-describedby="{field}-hint"' in page
    assert "the shift ends the next day" in page
    assert ON_DUTY_CAPTION in page
    assert '<caption class="visually-hidden">Shifts on Tuesday 24 November</caption>' in page
    assert 'style="' not in page and "<style" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert re.search(r'<span class="visually-hidden">: Hana Ali, Tuesday 24 November, '
                     r"09:00–17:00</span>", page), "each button says which shift"
