"""Staff accounts and teams on the desk, kept by admins.

Admins add teams and people, change a person's role, team and pager, set a new password and
deactivate accounts. The account functions (bot.desk.accounts) audit each change as the admin
who made it; this module turns forms into those calls, and their answers into pages. Pages
show a pager only by its last digits, and never a password or its hash.
"""

from __future__ import annotations

import re

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

from bot.desk import accounts
from bot.desk.access import ADMIN, ROLE_NAMES, requires, signed_in
from bot.desk.accounts import MIN_PASSWORD_LENGTH, AccountError, StaffSummary, TeamSummary
from bot.desk.forms import Form
from bot.escalation.rota import RotaError, add_team
from bot.people.postcode import extract_district
from bot.store import audit
from bot.store.models import utcnow

bp = Blueprint("staff", __name__, url_prefix="/staff")

CHANNEL_NAMES = {"sms": "SMS", "telegram": "Telegram"}
E164 = re.compile(r"\+[1-9][0-9]{7,14}")
TELEGRAM_CHAT_ID = re.compile(r"[0-9]{1,20}")
MAX_NAME_LENGTH = 120  # the database's column size
STAFF_FIELDS = ("name", "role", "team_id", "page_channel", "page_address", "username",
                "password")
TEAM_FIELDS = ("name", "districts")
PASSWORD_HINT = (f"Use at least {MIN_PASSWORD_LENGTH} characters. It must not contain the "
                 "username. A few unrelated words are easy to type and hard to guess.")
CHANNEL_LABELS = (("", "No pager"), *CHANNEL_NAMES.items())
ROLE_HINT = ("Health visitors see their own team's parents. Team leads also keep their team's "
             "rota. Admins keep accounts, teams and settings, but see no one's record.")
TEAM_HINT = "Health visitors and team leads need a team. Admins work across all teams."


def pager_words(channel: str | None, ending: str | None) -> str:
    """'SMS ending 001': enough to recognise a pager without showing the number."""
    if not channel:
        return "No pager"
    name = CHANNEL_NAMES.get(channel, channel)
    return f"{name} ending {ending}" if ending else name


def split_districts(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,]+", text) if part]


def _db() -> str:
    return current_app.config["DATABASE_URL"]


def _admin_id() -> int:
    staff = signed_in()
    if staff is None:
        abort(403)
    return staff.id


def _actor() -> str:
    return audit.staff_actor(_admin_id())


def _staff_or_404(staff_id: int) -> StaffSummary:
    person = accounts.get_staff(_db(), staff_id)
    if person is None:
        abort(404, description="There is no member of staff with that number.")
    return person


def _standing_form(person: StaffSummary) -> Form:
    """The edit form as the account stands, before any change is typed."""
    return Form.read(STAFF_FIELDS, {"role": person.role, "team_id": str(person.team_id or ""),
                                    "page_channel": person.page_channel or ""})


def _team_id(form: Form, teams: list[TeamSummary]) -> int | None:
    """The chosen team, which health visitors and team leads need and admins never have."""
    if form.values["role"] == ADMIN:
        return None
    chosen = form.values["team_id"]
    team_id = int(chosen) if chosen.isdigit() else None
    if team_id not in {team.id for team in teams}:
        form.fail("team_id", "Select a team. Health visitors and team leads belong to one team")
        return None
    return team_id


def _check_role(form: Form) -> None:
    if form.values["role"] not in ROLE_NAMES:
        form.fail("role", "Select a role")


def _pager(form: Form, current: StaffSummary | None = None) -> tuple[str | None, str | None]:
    """The pager channel and address typed; an empty address keeps the current one."""
    channel = form.values["page_channel"] or None
    address = form.values["page_address"].replace(" ", "")
    if channel is None:
        if address:
            form.fail("page_channel", "Select how to page them, or clear the number")
        return None, None
    if channel not in CHANNEL_NAMES:
        form.fail("page_channel", "Select SMS, Telegram or no pager")
        return None, None
    if not address:
        if current is None or current.page_channel != channel:
            form.fail("page_address", "Enter the mobile number or Telegram chat ID to page")
        return channel, None
    if channel == "sms" and not E164.fullmatch(address):
        form.fail("page_address",
                  "Enter the mobile number in international format, like +447700900123")
    elif channel == "telegram" and not TELEGRAM_CHAT_ID.fullmatch(address):
        form.fail("page_address", "Enter the Telegram chat ID using digits only")
    return channel, address


def _choices(teams: list[TeamSummary]) -> dict[str, object]:
    """What the staff forms offer: roles, teams and pager channels, with their hints."""
    return {
        "role_options": [("", "Select a role"), *ROLE_NAMES.items()],
        "team_options": [("", "No team"), *((str(team.id), team.name) for team in teams)],
        "channel_options": CHANNEL_LABELS,
        "role_hint": ROLE_HINT,
        "team_hint": TEAM_HINT,
        "password_hint": PASSWORD_HINT,
    }


def _staff_form_page(form: Form, teams: list[TeamSummary], status: int = 200):
    return render_template("staff/new.html", form=form, **_choices(teams)), status


def _edit_page(person: StaffSummary, form: Form, teams: list[TeamSummary],
               status: int = 200):
    return render_template(
        "staff/edit.html", person=person, form=form, role_name=ROLE_NAMES.get(person.role),
        pager=pager_words(person.page_channel, person.page_ending),
        is_self=person.id == _admin_id(), **_choices(teams),
    ), status


@bp.get("/")
@requires(ADMIN)
def list_staff():
    clock = current_app.config.get("DESK_CLOCK") or utcnow
    return render_template("staff/list.html", teams=accounts.list_teams(_db()),
                           people=accounts.list_staff(_db()), roles=ROLE_NAMES,
                           pager_words=pager_words, now=clock())


@bp.route("/teams/new", methods=("GET", "POST"))
@requires(ADMIN)
def new_team():
    if request.method == "GET":
        return render_template("staff/team_form.html", form=Form.read(TEAM_FIELDS))
    form = Form.read(TEAM_FIELDS, request.form)
    name = form.values["name"]
    if not name:
        form.fail("name", "Enter the team's name")
    elif len(name) > MAX_NAME_LENGTH:
        form.fail("name", f"The team's name must be {MAX_NAME_LENGTH} characters or fewer")
    elif name.casefold() in {team.name.casefold() for team in accounts.list_teams(_db())}:
        form.fail("name", f"There is already a team called {name}. Choose another name")
    districts, unknown = [], []
    for part in split_districts(form.values["districts"]):
        district = extract_district(part)
        if district is None or district != part.upper():
            unknown.append(part)
        elif district not in districts:
            districts.append(district)
    if unknown:
        form.fail("districts", f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} "
                               "not a UK postcode district. Enter districts like SE25 or CR0")
    elif not districts:
        form.fail("districts", "Enter at least one postcode district the team covers")
    owners = accounts.district_owners(_db(), districts)
    if owners and "districts" not in form.errors:
        form.fail("districts", "; ".join(
            f"{district} is already covered by {team}" for district, team in owners.items()
        ) + ". A district can belong to one team only")
    if not form.errors:
        try:
            add_team(_db(), name, districts, actor=_actor())
        except RotaError as error:
            form.fail("name", str(error))
    if form.errors:
        return render_template("staff/team_form.html", form=form), 400
    flash(f"The team {name} has been added.")
    return redirect(url_for("staff.list_staff"))


@bp.route("/new", methods=("GET", "POST"))
@requires(ADMIN)
def new_staff():
    teams = accounts.list_teams(_db())
    if request.method == "GET":
        return _staff_form_page(Form.read(STAFF_FIELDS), teams)
    form = Form.read(STAFF_FIELDS, request.form)
    password = request.form.get("password", "")
    if not form.values["name"]:
        form.fail("name", "Enter their full name")
    elif len(form.values["name"]) > MAX_NAME_LENGTH:
        form.fail("name", f"The name must be {MAX_NAME_LENGTH} characters or fewer")
    _check_role(form)
    team_id = _team_id(form, teams) if "role" not in form.errors else None
    channel, address = _pager(form)
    for field_id, reason in accounts.login_problems(form.values["username"], password).items():
        form.fail(field_id, reason)
    if "username" not in form.errors and accounts.username_taken(_db(), form.values["username"]):
        form.fail("username", "That username is already taken. Choose another")
    if not form.errors:
        try:
            accounts.create_staff(_db(), form.values["name"], form.values["role"], team_id,
                                  channel, address, form.values["username"], password,
                                  actor=_actor())
        except AccountError as error:
            form.fail(error.field or "name", str(error))
    if form.errors:
        return _staff_form_page(form, teams, 400)
    flash(f"{form.values['name']} has been added. They can sign in with the username "
          f"{accounts.normalise_username(form.values['username'])}.")
    return redirect(url_for("staff.list_staff"))


@bp.route("/<int:staff_id>/edit", methods=("GET", "POST"))
@requires(ADMIN)
def edit_staff(staff_id: int):
    person = _staff_or_404(staff_id)
    teams = accounts.list_teams(_db())
    if request.method == "GET":
        return _edit_page(person, _standing_form(person), teams)
    form = Form.read(STAFF_FIELDS, request.form)
    _check_role(form)
    if person.id == _admin_id() and form.values["role"] != person.role:
        form.fail("role", "You cannot change your own role. Ask another admin to do it")
    team_id = _team_id(form, teams) if "role" not in form.errors else None
    channel, address = _pager(form, person)
    if not form.errors:
        try:
            accounts.change_staff(_db(), staff_id, form.values["role"], team_id, channel,
                                  address, actor=_actor())
        except AccountError as error:
            form.fail(error.field or "role", str(error))
    if form.errors:
        return _edit_page(person, form, teams, 400)
    flash(f"Your changes to {person.name} have been saved.")
    return redirect(url_for("staff.list_staff"))


@bp.post("/<int:staff_id>/deactivate")
@requires(ADMIN)
def deactivate_staff(staff_id: int):
    person = _staff_or_404(staff_id)
    if person.id == _admin_id():
        abort(400, description="You cannot deactivate your own account. Another admin can "
                               "do it if you are leaving.")
    if not person.active:
        flash(f"{person.name}'s account was already deactivated.")
        return redirect(url_for("staff.list_staff"))
    accounts.deactivate_staff(_db(), staff_id, actor=_actor())
    flash(f"{person.name}'s account has been deactivated. They can no longer sign in, and "
          "if they are signed in now they will be signed out.")
    return redirect(url_for("staff.list_staff"))


@bp.post("/<int:staff_id>/password")
@requires(ADMIN)
def reset_password(staff_id: int):
    person = _staff_or_404(staff_id)
    password = request.form.get("password", "")
    form = _standing_form(person)
    if person.username is None:
        form.fail("password", f"{person.name} does not have a desk sign-in")
    else:
        problem = accounts.login_problems(person.username, password).get("password")
        if problem:
            form.fail("password", problem)
    if not form.errors:
        try:
            accounts.reset_password(_db(), staff_id, password, actor=_actor())
        except AccountError as error:
            form.fail("password", str(error))
    if form.errors:
        return _edit_page(person, form, accounts.list_teams(_db()), 400)
    flash(f"{person.name}'s password has been changed, and any pause on signing in has been "
          "lifted. Give them the new password in person or by phone, not by email.")
    return redirect(url_for("staff.list_staff"))
