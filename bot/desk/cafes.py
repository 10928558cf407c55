"""The baby café directory on the desk.

Every member of staff can read it, because health visitors tell parents about cafés; only
admins change it. The directory itself checks and audits each change (bot.cafes.directory), so
this module turns forms into café details, and the directory's answers into pages.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.datastructures import FileStorage

from bot.cafes.centroids import centroid
from bot.cafes.directory import CafeDetails, CafeDirectory, CafeError, Listed, parse_postcode
from bot.cafes.importer import CafeImportError, ImportResult, import_text
from bot.cafes.schedule import UK, WEEKDAYS, WeeklySession, clock
from bot.desk.access import ADMIN, HEALTH_VISITOR, TEAM_LEAD, requires, signed_in
from bot.desk.forms import Form

bp = Blueprint("cafes", __name__, url_prefix="/cafes")

MAX_UPLOAD_BYTES = 1024 * 1024
MIN_SESSION_ROWS = 3
MAX_SESSION_ROWS = 14  # twice a day, every day: more than any café meets
# The database's column sizes, so a long entry is refused kindly rather than by the database.
MAX_LENGTHS = {"name": 200, "venue": 200, "address": 300, "contact": 200,
               "accessibility": 2000, "languages": 200}
TEXT_FIELDS = ("name", "venue", "address", "postcode", "contact", "accessibility", "languages",
               "last_verified")
REQUIRED = {
    "name": "Enter the café's name",
    "venue": "Enter the venue, for example the library or children's centre",
    "address": "Enter the venue's address",
    "postcode": "Enter the venue's postcode",
}
# The order the fields come on the page: sessions sit between the postcode and the contact.
FIELD_ORDER = (*TEXT_FIELDS[:4],
               *(f"session-{i}-{part}" for i in range(MAX_SESSION_ROWS)
                 for part in ("day", "start", "end")),
               *TEXT_FIELDS[4:])
FIELD_LABELS = {"name": "Name", "venue": "Venue", "address": "Address", "contact": "Contact",
                "accessibility": "Accessibility", "languages": "Languages"}
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})(?::\d{2})?")

# What each column of an import file holds, in the importer's order (bot.cafes.importer).
IMPORT_COLUMNS = (
    ("name", "The café's name. Required.", "Norwood Baby Café"),
    ("venue", "Where it meets. Required.", "South Norwood Library"),
    ("address", "The venue's address. Required.", "1 High Street, London"),
    ("postcode", "The venue's full postcode. Required.", "SE25 6XY"),
    ("sessions", "Weekly sessions: day and 24-hour times, separated by semicolons. "
                 "At least one.", "Tue 10:00-12:00; Thu 13:30-15:00"),
    ("closures", "Days it does not meet: a date or a range with a reason, separated by "
                 "semicolons. Can be empty.", "2026-12-21..2027-01-04 Christmas"),
    ("contact", "A phone number or email for the café. Can be empty.", "020 7946 0000"),
    ("accessibility", "Step-free access, buggy parking and so on. Can be empty.",
     "Step-free access"),
    ("languages", "Languages spoken at the café. Can be empty.", "English; Polish"),
    ("last_verified", "The date someone last checked the details, as YYYY-MM-DD. "
                      "Can be empty.", "2026-11-03"),
    ("active", "yes to tell parents about it, no to keep it on file only. Empty means yes.",
     "yes"),
    ("latitude", "Optional column: a precise position. Without it the café is placed at "
                 "the middle of its postcode district.", "51.3976"),
    ("longitude", "Optional column, given together with latitude.", "-0.0753"),
)


@dataclass
class SessionRow:
    """One weekly session as typed into the form."""

    day: str = ""
    start: str = ""
    end: str = ""

    @property
    def blank(self) -> bool:
        return not (self.day.strip() or self.start.strip() or self.end.strip())


@dataclass
class CafeForm(Form):
    """The café form as typed: its text fields, and its weekly sessions one row each."""

    fields: tuple[str, ...] = FIELD_ORDER
    sessions: list[SessionRow] = field(default_factory=list)

    def padded(self) -> list[SessionRow]:
        """The rows to show: never fewer than three, so there is room to add a session."""
        rows = list(self.sessions[:MAX_SESSION_ROWS])
        return rows + [SessionRow() for _ in range(MIN_SESSION_ROWS - len(rows))]


def weekly_words(session: WeeklySession) -> str:
    """'Tuesdays 10am to 12pm': a repeating session as the directory page says it."""
    return f"{WEEKDAYS[session.weekday]}s {clock(session.starts_at)} to {clock(session.ends_at)}"


def long_date(day: date | None) -> str:
    """'3 November 2026', the way GOV.UK writes dates."""
    return f"{day.day} {day:%B %Y}" if day else "Not recorded"


def _time_text(moment: time) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def form_from_entry(entry: Listed) -> CafeForm:
    """The form filled with a stored café, ready to change."""
    cafe = entry.cafe
    values = {"name": cafe.name, "venue": cafe.venue, "address": cafe.address,
              "postcode": cafe.postcode, "contact": cafe.contact or "",
              "accessibility": cafe.accessibility or "", "languages": cafe.languages or "",
              "last_verified": entry.last_verified.isoformat() if entry.last_verified else ""}
    rows = [SessionRow(str(s.weekday), _time_text(s.starts_at), _time_text(s.ends_at))
            for s in cafe.sessions]
    if MIN_SESSION_ROWS <= len(rows) < MAX_SESSION_ROWS:
        rows.append(SessionRow())  # a spare row, so a session can always be added
    return CafeForm(values=values, sessions=rows)


def form_from_request(data: Mapping[str, str]) -> CafeForm:
    """The form as posted; session rows are read until the first row the page did not send."""
    values = {name: data.get(name, "") for name in TEXT_FIELDS}
    rows = []
    for index in range(MAX_SESSION_ROWS):
        prefix = f"session-{index}-"
        if f"{prefix}day" not in data:
            break
        rows.append(SessionRow(data.get(f"{prefix}day", ""), data.get(f"{prefix}start", ""),
                               data.get(f"{prefix}end", "")))
    return CafeForm(values=values, sessions=rows)


def _parse_time(text: str) -> time | None:
    match = _TIME.fullmatch(text.strip())
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


def _check_postcode(form: CafeForm) -> None:
    text = form.values["postcode"].strip()
    if not text:
        return
    parsed = parse_postcode(text)
    if parsed is None:
        form.fail("postcode", "Enter a full UK postcode, like SE25 6XY")
    elif centroid(parsed[1]) is None:
        form.fail("postcode", f"We cannot place the {parsed[1]} district on the map, so "
                              "parents could not be told about this café. Check the postcode")


def _check_sessions(form: CafeForm) -> tuple[WeeklySession, ...]:
    sessions = []
    for index, row in enumerate(form.sessions):
        if row.blank:
            continue
        number, prefix = index + 1, f"session-{index}-"
        day = int(row.day) if row.day.strip() in {str(n) for n in range(7)} else None
        starts, ends = _parse_time(row.start), _parse_time(row.end)
        if day is None:
            form.fail(f"{prefix}day", f"Choose a day for session {number}")
        if starts is None:
            form.fail(f"{prefix}start", f"Enter a start time for session {number}, like 10:00")
        if ends is None:
            form.fail(f"{prefix}end", f"Enter an end time for session {number}, like 12:00")
        elif starts is not None and ends <= starts:
            form.fail(f"{prefix}end", f"Session {number} must end after it starts")
        if day is not None and starts is not None and ends is not None and ends > starts:
            sessions.append(WeeklySession(day, starts, ends))
    if all(row.blank for row in form.sessions):
        form.fail("session-0-day", "Add at least one weekly session: a day, a start time and "
                                   "an end time")
    return tuple(sessions)


def _check_last_verified(form: CafeForm) -> date | None:
    text = form.values["last_verified"].strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        form.fail("last_verified", "Enter the date the details were last checked as a real "
                                   "date, like 2026-11-03")
        return None
    if day > datetime.now(UK).date():
        form.fail("last_verified", "The date the details were last checked must be today or "
                                   "in the past")
    return day


def check_form(form: CafeForm, current: Listed | None = None) -> CafeDetails | None:
    """Café details from a posted form, or None with the form's errors in page order.

    An edit keeps what the form does not show: closures, whether the café is active, and a
    precise position as long as the postcode is unchanged.
    """
    for name, message in REQUIRED.items():
        if not form.values[name].strip():
            form.fail(name, message)
    _check_postcode(form)
    sessions = _check_sessions(form)
    for name, limit in MAX_LENGTHS.items():
        if len(form.values[name].strip()) > limit:
            form.fail(name, f"{FIELD_LABELS[name]} must be {limit} characters or fewer")
    last_verified = _check_last_verified(form)
    if form.errors:
        return None
    postcode = parse_postcode(form.values["postcode"])
    same_place = current is not None and postcode is not None and (
        postcode[0] == current.cafe.postcode)
    text = {name: form.values[name].strip() for name in TEXT_FIELDS}
    return CafeDetails(
        name=text["name"], venue=text["venue"], address=text["address"],
        postcode=text["postcode"], sessions=sessions,
        closures=current.cafe.closures if current else (),
        contact=text["contact"] or None, accessibility=text["accessibility"] or None,
        languages=text["languages"] or None, last_verified=last_verified,
        active=current.active if current else True,
        latitude=current.cafe.latitude if same_place else None,
        longitude=current.cafe.longitude if same_place else None,
    )


def _take_problems(form: CafeForm, error: CafeError) -> None:
    """Show the directory's own objections by the field they concern."""
    for name, reason in error.problems:
        field_id = name if name in REQUIRED else "session-0-day" if name == "sessions" else "name"
        form.fail(field_id, reason)


def _directory() -> CafeDirectory:
    return CafeDirectory(current_app.config["DATABASE_URL"])


def _actor() -> str:
    staff = signed_in()
    if staff is None:
        abort(403)
    return staff.actor


def _entry_or_404(directory: CafeDirectory, cafe_id: int) -> Listed:
    entry = directory.entry(cafe_id)
    if entry is None:
        abort(404, description="There is no café with that number in the directory.")
    return entry


def _form_page(form: CafeForm, entry: Listed | None, status: int = 200):
    return render_template("cafes/form.html", form=form, entry=entry, rows=form.padded(),
                           weekdays=list(enumerate(WEEKDAYS))), status


@bp.get("/")
@requires(HEALTH_VISITOR, TEAM_LEAD, ADMIN)
def list_cafes():
    directory = _directory()
    listing = sorted(directory.listing(), key=lambda row: not row.active)
    staff = signed_in()
    rows = [{"entry": row, "sessions": [weekly_words(s) for s in row.cafe.sessions],
             "verified": long_date(row.last_verified)} for row in listing]
    return render_template("cafes/list.html", rows=rows,
                           is_admin=staff is not None and staff.role == ADMIN,
                           samples=directory.active_samples())


@bp.route("/new", methods=("GET", "POST"))
@requires(ADMIN)
def new_cafe():
    if request.method == "GET":
        return _form_page(CafeForm(), None)
    form = form_from_request(request.form)
    details = check_form(form)
    if details is None:
        return _form_page(form, None, 400)
    try:
        _directory().add(details, actor=_actor())
    except CafeError as error:
        _take_problems(form, error)
        return _form_page(form, None, 400)
    flash(f"{details.name} has been added to the directory.")
    return redirect(url_for("cafes.list_cafes"))


@bp.route("/<int:cafe_id>/edit", methods=("GET", "POST"))
@requires(ADMIN)
def edit_cafe(cafe_id: int):
    directory = _directory()
    entry = _entry_or_404(directory, cafe_id)
    if request.method == "GET":
        return _form_page(form_from_entry(entry), entry)
    form = form_from_request(request.form)
    details = check_form(form, entry)
    if details is None:
        return _form_page(form, entry, 400)
    try:
        directory.update(cafe_id, details, actor=_actor())
    except CafeError as error:
        _take_problems(form, error)
        return _form_page(form, entry, 400)
    flash(f"Your changes to {details.name} have been saved.")
    return redirect(url_for("cafes.list_cafes"))


@bp.get("/<int:cafe_id>/deactivate", endpoint="confirm_deactivate")
@requires(ADMIN)
def confirm_deactivate(cafe_id: int):
    entry = _entry_or_404(_directory(), cafe_id)
    return render_template("cafes/deactivate.html", entry=entry)


@bp.post("/<int:cafe_id>/deactivate")
@requires(ADMIN)
def deactivate_cafe(cafe_id: int):
    directory = _directory()
    entry = _entry_or_404(directory, cafe_id)
    if not entry.active:
        flash(f"{entry.cafe.name} was already deactivated.")
        return redirect(url_for("cafes.list_cafes"))
    directory.deactivate(cafe_id, actor=_actor())
    flash(f"{entry.cafe.name} has been deactivated. Parents will no longer be told about it.")
    return redirect(url_for("cafes.list_cafes"))


def _import_page(status: int = 200, problem: str | None = None,
                 row_errors: list[str] | None = None):
    """The import page; a problem with the file itself is shown by the file field."""
    form = Form(("file",))
    if problem:
        form.fail("file", problem)
    return render_template("cafes/import.html", form=form, row_errors=row_errors or [],
                           columns=IMPORT_COLUMNS,
                           max_size=f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB"), status


def read_upload(upload: FileStorage | None) -> tuple[str | None, str | None]:
    """The uploaded file's text, or a reason it cannot be used: (text, None) or (None, why)."""
    if upload is None or not upload.filename:
        return None, "Choose a CSV file to import"
    data = upload.stream.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return None, ("The file is larger than 1 MB. Check it is the café directory, "
                      "or split it into smaller files")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        return None, ("The file is not saved as UTF-8 text. In your spreadsheet, save it "
                      "as 'CSV UTF-8' and try again")
    return text, None


def _imported(result: ImportResult) -> str:
    cafes = "café" if result.total == 1 else "cafés"
    message = (f"{result.total} {cafes} imported: {result.added} added, "
               f"{result.updated} updated.")
    if result.samples_retired:
        retired = "café" if result.samples_retired == 1 else "cafés"
        message += f" {result.samples_retired} sample {retired} deactivated."
    return message


@bp.route("/import", methods=("GET", "POST"))
@requires(ADMIN)
def import_csv():
    if request.method == "GET":
        return _import_page()
    text, problem = read_upload(request.files.get("file"))
    if text is None:
        return _import_page(400, problem=problem)
    try:
        result = import_text(_directory(), text, actor=_actor(),
                             replace_sample=request.form.get("replace_sample") == "yes")
    except CafeImportError as failure:
        return _import_page(400, row_errors=[error[:1].upper() + error[1:]
                                             for error in failure.errors])
    except csv.Error:
        return _import_page(400, problem="The file could not be read as CSV. Check it is a "
                                         "CSV file saved from a spreadsheet, not an Excel file")
    flash(_imported(result))
    return redirect(url_for("cafes.list_cafes"))
