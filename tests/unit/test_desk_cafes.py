"""The desk's baby café pages: everyone reads the directory, admins change it, and every change
reaches what parents are offered and the audit trail."""

import html
import io
import re
from datetime import date, datetime, time
from itertools import pairwise

import pytest
from sqlalchemy import func, select

from bot.cafes.directory import CafeDetails, CafeDirectory
from bot.cafes.importer import COLUMNS, import_sample
from bot.cafes.schedule import UK, Closure, WeeklySession
from bot.escalation.rota import add_team
from bot.store.db import session_scope
from bot.store.models import AuditEvent, Cafe
from tests.desk_support import csrf_from, make_staff, sign_in

NOW = datetime(2026, 12, 15, 9, 0, tzinfo=UK)  # a Tuesday morning
HEADER = ",".join(COLUMNS)
GOOD_FILE = "\n".join([
    "# the service's own list",
    HEADER,
    "Norwood Baby Café,Library,1 High Street,SE25 4AA,Tue 10:00-12:00,,,,,,yes",
    "Penge Baby Café,Church hall,3 Road,SE20 7AA,Wed 13:00-15:00; Fri 10:00-11:30,,,,,,yes",
])
BAD_FILE = "\n".join([
    HEADER,
    ",Hall,1 Road,SE25 4AA,Tue 10:00-12:00,,,,,,yes",
    "Two,Hall,1 Road,NOTAPOSTCODE,Tue 10:00-12:00,,,,,,yes",
    "Three,Hall,1 Road,CR0 1AA,Wed 12:00-10:00,,,,,,yes",
])




@pytest.fixture
def team(database_url):
    return add_team(database_url, "North", ["SE25"])


@pytest.fixture
def admin_id(database_url):
    return make_staff(database_url, "Sam Patel", "admin", None, "spatel")


@pytest.fixture
def admin(client, admin_id):
    """The test client, signed in as the admin."""
    sign_in(client, "spatel")
    return client


@pytest.fixture
def directory(database_url):
    return CafeDirectory(database_url)


def _details(**changes) -> CafeDetails:
    values = dict(name="Norwood Baby Café", venue="Library", address="1 High Street",
                  postcode="SE25 4AA", sessions=(WeeklySession(1, time(10), time(12)),))
    values.update(changes)
    return CafeDetails(**values)


def cafe_form(**changes) -> dict[str, str]:
    form = {"name": "Norwood Baby Café", "venue": "South Norwood Library",
            "address": "1 High Street", "postcode": "se25 4aa", "contact": "020 7946 0000",
            "accessibility": "Step-free access", "languages": "English; Polish",
            "last_verified": "2026-11-03",
            "session-0-day": "1", "session-0-start": "10:00", "session-0-end": "12:00"}
    for index in (1, 2):
        form.update({f"session-{index}-day": "", f"session-{index}-start": "",
                     f"session-{index}-end": ""})
    form.update(changes)
    return form


def post(client, path, data=None, **kwargs):
    """Post a desk form with the session's CSRF token, as the browser would."""
    data = dict(data or {})
    data["csrf_token"] = csrf_from(client, "/cafes/")
    return client.post(path, data=data, **kwargs)


def upload(client, content: bytes, filename="cafes.csv", **fields):
    data = {"file": (io.BytesIO(content), filename), **fields}
    return post(client, "/cafes/import", data, content_type="multipart/form-data",
                follow_redirects=True)


def page_text(reply) -> str:
    return html.unescape(reply.get_data(as_text=True))


def cafe_count(database_url) -> int:
    with session_scope(database_url) as session:
        return session.execute(select(func.count(Cafe.id))).scalar_one()


def audit_rows(database_url) -> list[tuple[str, str]]:
    with session_scope(database_url) as session:
        rows = session.execute(
            select(AuditEvent.actor, AuditEvent.action)
            .where(AuditEvent.subject_type == "cafe").order_by(AuditEvent.id)).all()
        return [tuple(row) for row in rows]


def offered(directory) -> list[str]:
    return [found.cafe.name for found in directory.near_district("SE25", now=NOW).results]


def test_admin_adds_a_cafe_that_parents_are_then_offered(admin, admin_id, directory,
                                                         database_url):
    reply = post(admin, "/cafes/new", cafe_form(), follow_redirects=True)
    page = page_text(reply)
    assert reply.status_code == 200 and reply.request.path == "/cafes/"
    assert "Norwood Baby Café has been added to the directory." in page
    for shown in ("South Norwood Library", "SE25 4AA", "Tuesdays 10am to 12pm",
                  "3 November 2026"):
        assert shown in page
    found = directory.near_district("SE25", now=NOW).results[0]
    assert found.cafe.name == "Norwood Baby Café" and found.when == "today 10am to 12pm"
    assert (found.cafe.contact, found.cafe.languages) == ("020 7946 0000", "English; Polish")
    assert audit_rows(database_url) == [(f"staff:{admin_id}", "cafe_added")]


def test_several_sessions_are_kept_and_blank_rows_ignored(admin, directory):
    form = cafe_form(**{"session-1-day": "3", "session-1-start": "13:30",
                        "session-1-end": "15:00"})
    page = page_text(post(admin, "/cafes/new", form, follow_redirects=True))
    assert "Tuesdays 10am to 12pm" in page and "Thursdays 1:30pm to 3pm" in page
    cafe = directory.listing()[0].cafe
    assert [(s.weekday, s.starts_at, s.ends_at) for s in cafe.sessions] == [
        (1, time(10), time(12)), (3, time(13, 30), time(15))]


def test_admin_edits_a_cafe_and_parents_see_the_change(admin, admin_id, directory,
                                                       database_url):
    closure = Closure(date(2026, 12, 21), date(2027, 1, 4), "Christmas")
    cafe_id = directory.add(_details(closures=(closure,), last_verified=date(2026, 10, 1)),
                            actor="cli")
    form_page = page_text(admin.get(f"/cafes/{cafe_id}/edit"))
    assert 'value="Norwood Baby Café"' in form_page and 'value="2026-10-01"' in form_page
    assert '<option value="1" selected>Tuesday</option>' in form_page
    assert 'value="10:00"' in form_page and "1 closure date on file" in form_page

    form = cafe_form(name="Norwood Baby Café (Thursdays)", **{
        "session-0-day": "3", "session-0-start": "13:00", "session-0-end": "15:00"})
    reply = post(admin, f"/cafes/{cafe_id}/edit", form, follow_redirects=True)
    page = page_text(reply)
    assert reply.request.path == "/cafes/"
    assert "Your changes to Norwood Baby Café (Thursdays) have been saved." in page
    assert "Thursdays 1pm to 3pm" in page and "Tuesdays" not in page
    found = directory.near_district("SE25", now=NOW).results[0]
    assert found.cafe.name == "Norwood Baby Café (Thursdays)"
    assert found.when == "Thursday 1pm to 3pm"
    assert found.cafe.closures == (closure,), "closures the form does not show are kept"
    assert audit_rows(database_url)[-1] == (f"staff:{admin_id}", "cafe_updated")


def test_editing_a_deactivated_cafe_keeps_it_deactivated(admin, directory):
    cafe_id = directory.add(_details(), actor="cli")
    directory.deactivate(cafe_id, actor="cli")
    post(admin, f"/cafes/{cafe_id}/edit", cafe_form(venue="New venue"))
    entry = directory.entry(cafe_id)
    assert entry.cafe.venue == "New venue" and not entry.active
    assert offered(directory) == []


def test_a_precise_position_is_kept_while_the_postcode_stays(admin, directory):
    cafe_id = directory.add(_details(latitude=51.4, longitude=-0.08), actor="cli")
    post(admin, f"/cafes/{cafe_id}/edit", cafe_form(postcode="SE25 4AA"))
    assert (directory.get(cafe_id).latitude, directory.get(cafe_id).longitude) == (51.4, -0.08)
    post(admin, f"/cafes/{cafe_id}/edit", cafe_form(postcode="SE20 7AA"))
    assert directory.get(cafe_id).latitude != 51.4, "a new postcode moves the café"


def test_problems_are_shown_by_their_fields_and_typed_values_kept(admin, database_url):
    form = cafe_form(name="  ", postcode="NOTAPOSTCODE", contact="Ring Jo on 07700 900123",
                     **{"session-0-start": "14:00", "session-0-end": "09:00"})
    reply = post(admin, "/cafes/new", form)
    page = page_text(reply)
    assert reply.status_code == 400
    assert "There is a problem" in page
    messages = {
        "name": "Enter the café's name",
        "postcode": "Enter a full UK postcode, like SE25 6XY",
        "session-0-end": "Session 1 must end after it starts",
    }
    for field_id, message in messages.items():
        assert f'<a href="#{field_id}">{message}</a>' in page
        assert f'<span class="field-error" id="{field_id}-error">' in page
        assert re.search(rf'id="{field_id}"[^>]*aria-describedby="[^"]*{field_id}-error"', page)
    summary = re.findall(r'<li><a href="#([^"]+)">', page)
    assert summary == ["name", "postcode", "session-0-end"], "in the order of the page"
    for kept in ('value="NOTAPOSTCODE"', 'value="Ring Jo on 07700 900123"', 'value="14:00"',
                 'value="09:00"', 'value="South Norwood Library"'):
        assert kept in page
    assert page.count("<legend>Session ") == 3, "the same three session rows again"
    assert cafe_count(database_url) == 0 and audit_rows(database_url) == []


def test_the_form_offers_three_session_rows_and_a_spare_when_editing(admin, directory):
    assert page_text(admin.get("/cafes/new")).count("<legend>Session ") == 3
    busy = tuple(WeeklySession(day, time(10), time(12)) for day in range(3))
    cafe_id = directory.add(_details(sessions=busy), actor="cli")
    page = page_text(admin.get(f"/cafes/{cafe_id}/edit"))
    assert page.count("<legend>Session ") == 4
    assert '<option value="2" selected>Wednesday</option>' in page


@pytest.mark.parametrize(("changes", "field_id", "message"), [
    ({"postcode": "SE99 1AA"}, "postcode", "We cannot place the SE99 district on the map"),
    ({"postcode": ""}, "postcode", "Enter the venue's postcode"),
    ({"venue": ""}, "venue", "Enter the venue, for example the library"),
    ({"session-0-day": "", "session-0-start": "", "session-0-end": ""}, "session-0-day",
     "Add at least one weekly session"),
    ({"session-0-day": ""}, "session-0-day", "Choose a day for session 1"),
    ({"session-0-start": "ten"}, "session-0-start", "Enter a start time for session 1"),
    ({"last_verified": "2026-02-30"}, "last_verified", "as a real date"),
    ({"last_verified": "2099-01-01"}, "last_verified", "must be today or in the past"),
    ({"name": "x" * 201}, "name", "Name must be 200 characters or fewer"),
])
def test_each_problem_is_explained(admin, database_url, changes, field_id, message):
    reply = post(admin, "/cafes/new", cafe_form(**changes))
    page = page_text(reply)
    assert reply.status_code == 400
    assert re.search(rf'<a href="#{field_id}">[^<]*{re.escape(message)}', page)
    assert cafe_count(database_url) == 0


def test_an_edit_with_problems_keeps_the_stored_cafe(admin, directory):
    cafe_id = directory.add(_details(), actor="cli")
    reply = post(admin, f"/cafes/{cafe_id}/edit", cafe_form(postcode="nowhere"))
    assert reply.status_code == 400 and 'value="nowhere"' in page_text(reply)
    assert directory.get(cafe_id).postcode == "SE25 4AA"


def test_unknown_cafes_are_not_found(admin):
    assert admin.get("/cafes/999/edit").status_code == 404
    assert admin.get("/cafes/999/deactivate").status_code == 404
    assert post(admin, "/cafes/999/deactivate").status_code == 404
    assert post(admin, "/cafes/999/edit", cafe_form()).status_code == 404


def test_deactivating_asks_first_then_stops_offering_the_cafe(admin, admin_id, directory,
                                                              database_url):
    cafe_id = directory.add(_details(), actor="cli")
    directory.add(_details(name="Another Baby Café"), actor="cli")
    listing = page_text(admin.get("/cafes/"))
    assert f'href="/cafes/{cafe_id}/deactivate"' in listing

    confirm = page_text(admin.get(f"/cafes/{cafe_id}/deactivate"))
    assert "Deactivate Norwood Baby Café?" in confirm
    assert "Parents will no longer be told about it" in confirm
    assert f'action="/cafes/{cafe_id}/deactivate"' in confirm
    assert sorted(offered(directory)) == ["Another Baby Café", "Norwood Baby Café"], "not yet"

    reply = post(admin, f"/cafes/{cafe_id}/deactivate", follow_redirects=True)
    page = page_text(reply)
    assert reply.request.path == "/cafes/"
    assert "Norwood Baby Café has been deactivated." in page
    table = page[page.index("<tbody>"):]
    assert table.index("Another Baby Café") < table.index("Norwood Baby Café") < table.index(
        "Deactivated"), "active cafés come first; the deactivated one is marked"
    assert offered(directory) == ["Another Baby Café"]
    assert audit_rows(database_url)[-1] == (f"staff:{admin_id}", "cafe_deactivated")

    again = post(admin, f"/cafes/{cafe_id}/deactivate", follow_redirects=True)
    assert "was already deactivated" in page_text(again)
    assert [action for _, action in audit_rows(database_url)].count("cafe_deactivated") == 1


def test_a_good_file_is_imported_and_counted(admin, admin_id, directory, database_url):
    page = page_text(upload(admin, GOOD_FILE.encode()))
    assert "2 cafés imported: 2 added, 0 updated." in page
    assert "Wednesdays 1pm to 3pm" in page and "Fridays 10am to 11:30am" in page
    assert offered(directory) == ["Norwood Baby Café", "Penge Baby Café"]

    bigger = GOOD_FILE + "\nThornton Heath Café,Hall,4 Road,CR7 8AA,Mon 10:00-12:00,,,,,,yes"
    page = page_text(upload(admin, ("\ufeff" + bigger).encode()))
    assert "3 cafés imported: 1 added, 2 updated." in page
    assert cafe_count(database_url) == 3
    actors = {actor for actor, _ in audit_rows(database_url)}
    assert actors == {f"staff:{admin_id}"}


def test_a_bad_file_lists_every_problem_and_imports_nothing(admin, database_url):
    reply = upload(admin, BAD_FILE.encode())
    page = page_text(reply)
    assert reply.status_code == 400
    assert "The file has 3 problems, so nothing was imported" in page
    for error in ("Line 2: name: missing",
                  "Line 3: postcode: 'NOTAPOSTCODE' is not a UK postcode",
                  "Line 4: sessions: session 'Wed 12:00-10:00' ends before it starts"):
        assert f"<li>{error}</li>" in page
    assert cafe_count(database_url) == 0 and audit_rows(database_url) == []


@pytest.mark.parametrize(("content", "filename", "message"), [
    ("Café,Salle des fêtes".encode("latin-1"), "cafes.csv", "not saved as UTF-8"),
    (b"", "", "Choose a CSV file to import"),
    (b"name,venue\n" + b"x" * (1024 * 1024), "big.csv", "The file is larger than 1 MB"),
    ("Café".encode("utf-16"), "cafes.csv", "not saved as UTF-8"),
    (b"name\x00,venue\n", "cafes.csv", "not saved as UTF-8"),
    (f'{HEADER}\n"'.encode() + b"x" * 200_000, "cafes.csv", "could not be read as CSV"),
], ids=["latin-1", "utf-16", "no file", "over 1 MB", "nul", "huge field"])
def test_a_file_that_cannot_be_used_is_refused_kindly(admin, database_url, content, filename,
                                                      message):
    reply = upload(admin, content, filename)
    assert reply.status_code == 400
    assert message in page_text(reply)
    assert 'aria-describedby="file-hint file-error"' in page_text(reply)
    assert cafe_count(database_url) == 0


def test_the_import_page_explains_the_columns(admin):
    page = page_text(admin.get("/cafes/import"))
    assert 'enctype="multipart/form-data"' in page
    for column in (*COLUMNS, "latitude", "longitude"):
        assert f"<code>{column}</code>" in page
    assert "Tue 10:00-12:00; Thu 13:30-15:00" in page


def test_the_service_list_can_retire_the_samples(admin, directory):
    import_sample(directory)
    assert "Sample cafés are still offered to parents" in page_text(admin.get("/cafes/"))
    page = page_text(upload(admin, GOOD_FILE.encode(), replace_sample="yes"))
    assert "12 sample cafés deactivated." in page
    assert "Sample: not a real group" in page
    assert "Sample cafés are still offered to parents" not in page
    assert directory.active_samples() == 0


@pytest.mark.parametrize("role", ["health_visitor", "team_lead"])
def test_clinical_staff_read_the_directory_but_cannot_change_it(client, database_url, team,
                                                                directory, role):
    cafe_id = directory.add(_details(), actor="cli")
    make_staff(database_url, "Hana Ali", role, "North", "hali")
    sign_in(client, "hali")
    reply = client.get("/cafes/")
    page = page_text(reply)
    assert reply.status_code == 200
    assert "Norwood Baby Café" in page and "Tuesdays 10am to 12pm" in page
    for admin_only in ("Add a café", "Import cafés", "/edit", "/deactivate"):
        assert admin_only not in page
    for path in ("/cafes/new", f"/cafes/{cafe_id}/edit", f"/cafes/{cafe_id}/deactivate",
                 "/cafes/import"):
        assert client.get(path).status_code == 403
    assert post(client, "/cafes/new", cafe_form(name="Sneaky")).status_code == 403
    assert post(client, f"/cafes/{cafe_id}/edit", cafe_form(name="Sneaky")).status_code == 403
    assert post(client, f"/cafes/{cafe_id}/deactivate").status_code == 403
    reply = post(client, "/cafes/import", {"file": (io.BytesIO(GOOD_FILE.encode()), "c.csv")},
                 content_type="multipart/form-data")
    assert reply.status_code == 403
    assert offered(directory) == ["Norwood Baby Café"] and cafe_count(database_url) == 1
    assert audit_rows(database_url) == [("cli", "cafe_added")]


def test_forms_without_the_csrf_token_change_nothing(admin, directory, database_url):
    cafe_id = directory.add(_details(), actor="cli")
    refused = [
        admin.post("/cafes/new", data=cafe_form(name="Forged")),
        admin.post(f"/cafes/{cafe_id}/edit", data=cafe_form(name="Forged")),
        admin.post(f"/cafes/{cafe_id}/deactivate"),
        admin.post("/cafes/import", data={"file": (io.BytesIO(GOOD_FILE.encode()), "c.csv")},
                   content_type="multipart/form-data"),
        admin.post(f"/cafes/{cafe_id}/deactivate", data={"csrf_token": "forged"}),
    ]
    assert [reply.status_code for reply in refused] == [400] * 5
    assert "did not come from the desk" in page_text(refused[0])
    assert offered(directory) == ["Norwood Baby Café"] and cafe_count(database_url) == 1
    assert audit_rows(database_url) == [("cli", "cafe_added")]


def test_signed_out_visitors_are_sent_to_sign_in(client, directory):
    cafe_id = directory.add(_details(), actor="cli")
    for path in ("/cafes/", "/cafes/new", f"/cafes/{cafe_id}/edit",
                 f"/cafes/{cafe_id}/deactivate", "/cafes/import"):
        reply = client.get(path)
        assert reply.status_code == 302 and reply.headers["Location"].endswith("/login")
    token = csrf_from(client, "/login")
    reply = client.post(f"/cafes/{cafe_id}/deactivate", data={"csrf_token": token})
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/login")
    assert offered(directory) == ["Norwood Baby Café"]


def test_every_change_is_audited_with_the_admin_as_actor(admin, admin_id, directory,
                                                        database_url):
    post(admin, "/cafes/new", cafe_form())
    cafe_id = directory.listing()[0].cafe.id
    post(admin, f"/cafes/{cafe_id}/edit", cafe_form(venue="Children's centre"))
    post(admin, f"/cafes/{cafe_id}/deactivate")
    upload(admin, GOOD_FILE.encode())
    actor = f"staff:{admin_id}"
    assert audit_rows(database_url) == [
        (actor, "cafe_added"), (actor, "cafe_updated"), (actor, "cafe_deactivated"),
        (actor, "cafe_updated"), (actor, "cafe_added"),
    ]


def test_pages_are_labelled_and_keep_to_the_content_security_policy(admin, directory):
    cafe_id = directory.add(_details(), actor="cli")
    for path in ("/cafes/", "/cafes/new", f"/cafes/{cafe_id}/edit",
                 f"/cafes/{cafe_id}/deactivate", "/cafes/import"):
        page = admin.get(path).get_data(as_text=True)
        assert " style=" not in page and "<style" not in page
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), "no inline scripts"
        for field_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page):
            assert f'<label for="{field_id}">' in page, f"{path}: {field_id} has no label"
        levels = [int(level) for level in re.findall(r"<h([1-6])", page)]
        assert levels and levels[0] == 1
        assert all(later - earlier <= 1 for earlier, later in pairwise(levels))
        if "<form method=\"post\"" in page:
            assert page.count('name="csrf_token"') == page.count('<form method="post"')
