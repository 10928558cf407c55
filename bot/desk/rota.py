"""The rota page: who is on duty for each team, so an urgent page reaches someone who can act.

Team leads keep their own team's rota and admins keep every team's; a health visitor sees their
own team's, read-only, so they know who is on. Times are typed and shown in UK local time and
stored in UTC, which is what paging reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

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

from bot.config import get_settings
from bot.desk.access import (
    ADMIN,
    HEALTH_VISITOR,
    NOT_YOURS,
    TEAM_LEAD,
    may_keep_rota,
    may_view_rota,
    requires,
    signed_in,
)
from bot.desk.accounts import SignedInStaff
from bot.desk.auth import desk_now
from bot.desk.forms import Form
from bot.escalation import rota as rota_store
from bot.escalation.rota import RotaError, Shift, ShiftError, day_label, to_local

bp = Blueprint("rota", __name__, url_prefix="/rota")
DAYS_SHOWN = 14
FIELDS = ("staff", "date", "start", "end")
TIME_PATTERN = re.compile(r"(\d{1,2})[:.](\d{2})(?::\d{2})?")
PAGING_PROBLEMS = {
    "no_pager": "No pager set",
    "failed": "Last page failed",
    "inactive": "Account closed",
}
NO_TEAM = "There is no team with that number."


@dataclass(frozen=True)
class ShiftRow:
    """A shift as one line of a day on the rota."""

    shift: Shift
    times: str
    state: str  # "finished", "now" or "later"
    paging_problem: str | None


@dataclass(frozen=True)
class RotaDay:
    label: str
    is_today: bool
    rows: list[ShiftRow]


def _database_url() -> str:
    return current_app.config["DATABASE_URL"]


def _zone_name() -> str:
    return get_settings().timezone


def _local_midnight(day: date, zone_name: str) -> datetime:
    """The start of a local day in naive UTC."""
    start = datetime.combine(day, time(0), tzinfo=ZoneInfo(zone_name))
    return start.astimezone(timezone.utc).replace(tzinfo=None)


def _clock(moment: datetime, day: date) -> str:
    """A local time said from the point of view of `day`: "08:00 next day", "midnight"..."""
    if moment.time() == time(0) and moment.date() == day + timedelta(days=1):
        return "midnight"
    if moment.date() == day:
        return f"{moment:%H:%M}"
    if moment.date() == day + timedelta(days=1):
        return f"{moment:%H:%M} next day"
    if moment.date() == day - timedelta(days=1):
        return f"{moment:%H:%M} the day before"
    return f"{moment:%H:%M} on {day_label(moment.date())}"


def shift_times(shift: Shift, day: date, zone_name: str) -> str:
    """A shift's hours as read on `day`, e.g. "09:00–17:00" or "20:00 to 08:00 next day"."""
    start = _clock(to_local(shift.starts_at, zone_name), day)
    end = _clock(to_local(shift.ends_at, zone_name), day)
    if ":" in start and ":" in end and " " not in start + end:
        return f"{start}–{end}"
    return f"{start} to {end}"


def _until(shift: Shift, today: date, zone_name: str) -> str:
    end = to_local(shift.ends_at, zone_name)
    if end.date() == today:
        return f"{end:%H:%M} today"
    if end.time() == time(0) and end.date() == today + timedelta(days=1):
        return "midnight tonight"
    if end.date() == today + timedelta(days=1):
        return f"{end:%H:%M} tomorrow"
    return f"{end:%H:%M} on {day_label(end.date())}"


def _rota_days(shifts: list[Shift], today: date, now: datetime,
               zone_name: str) -> list[RotaDay]:
    """The next 14 days from today, each with the shifts that start on it; a shift still
    running from yesterday is shown under today, where it matters."""
    by_day: dict[date, list[ShiftRow]] = {today + timedelta(days=n): [] for n in
                                          range(DAYS_SHOWN)}
    for shift in shifts:
        day = max(to_local(shift.starts_at, zone_name).date(), today)
        if day not in by_day:
            continue
        if shift.ends_at <= now:
            state = "finished"
        elif shift.starts_at <= now:
            state = "now"
        else:
            state = "later"
        by_day[day].append(ShiftRow(shift, shift_times(shift, day, zone_name), state,
                                    PAGING_PROBLEMS.get(shift.paging)))
    return [RotaDay(day_label(day), day == today, rows) for day, rows in by_day.items()]


def _team_name(allowed: bool, team_id: int) -> str:
    """The team's name, once the access check has passed: 403 first, so another team's
    rota neither shows nor confirms what exists."""
    if not allowed:
        abort(403, description=NOT_YOURS)
    name = rota_store.team_name(_database_url(), team_id)
    if name is None:
        abort(404, description=NO_TEAM)
    return name


def _render_team(team_id: int, team_name: str, staff: SignedInStaff, form: Form | None = None,
                 status: int = 200):
    url, zone_name, now = _database_url(), _zone_name(), desk_now()
    today = to_local(now, zone_name).date()
    window_start = _local_midnight(today, zone_name)
    window_end = _local_midnight(today + timedelta(days=DAYS_SHOWN), zone_name)
    on_duty = rota_store.on_duty_now(url, team_id, now)
    can_keep = may_keep_rota(staff, team_id)
    return render_template(
        "rota/team.html",
        team_id=team_id,
        team_name=team_name,
        is_admin=staff.role == ADMIN,
        can_keep=can_keep,
        on_duty=[(shift, _until(shift, today, zone_name), PAGING_PROBLEMS.get(shift.paging))
                 for shift in on_duty],
        nobody_pageable=bool(on_duty) and not any(shift.pageable for shift in on_duty),
        days=_rota_days(rota_store.shifts_for(url, team_id, window_start, window_end), today,
                        now, zone_name),
        staff_choices=rota_store.rota_staff(url, team_id) if can_keep else [],
        form=form or Form.read(FIELDS, {"date": today.isoformat()}),
    ), status


@bp.get("/")
@requires(HEALTH_VISITOR, TEAM_LEAD, ADMIN)
def rota():
    staff = signed_in()
    if staff.role != ADMIN:
        if staff.team_id is None:
            return render_template("rota/index.html", teams=None)
        return redirect(url_for("rota.team_rota", team_id=staff.team_id))
    url, now = _database_url(), desk_now()
    teams = [(team_id, name, len(rota_store.on_duty_now(url, team_id, now)))
             for team_id, name in rota_store.teams(url)]
    return render_template("rota/index.html", teams=teams)


@bp.get("/teams/<int:team_id>")
@requires(HEALTH_VISITOR, TEAM_LEAD, ADMIN)
def team_rota(team_id: int):
    staff = signed_in()
    return _render_team(team_id, _team_name(may_view_rota(staff, team_id), team_id),
                        staff)


def _parse_date(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _parse_time(text: str) -> time | None:
    match = TIME_PATTERN.fullmatch(text)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _read_shift_form(form: Form) -> tuple | None:
    """The staff id, day, start and end typed, or None with the form's errors noted."""
    values = form.values
    staff_id = int(values["staff"]) if values["staff"].isdigit() else None
    if staff_id is None:
        form.fail("staff", "Choose who is on duty.")
    day = _parse_date(values["date"])
    if day is None:
        form.fail("date", "Enter the date the shift starts." if not values["date"]
                  else "Enter a real date, for example 24/11/2026.")
    start, end = _parse_time(values["start"]), _parse_time(values["end"])
    if start is None:
        form.fail("start", "Enter the time the shift starts." if not values["start"]
                  else "Enter the start time as hours and minutes, for example 09:00.")
    if end is None:
        form.fail("end", "Enter the time the shift ends." if not values["end"]
                  else "Enter the end time as hours and minutes, for example 17:00.")
    if form.errors:
        return None
    return staff_id, day, start, end


@bp.post("/teams/<int:team_id>/shifts")
@requires(TEAM_LEAD, ADMIN)
def add_shift(team_id: int):
    staff = signed_in()
    team_name = _team_name(may_keep_rota(staff, team_id), team_id)
    form = Form.read(FIELDS, request.form)
    typed = _read_shift_form(form)
    if typed is not None:
        staff_id, day, start, end = typed
        zone_name = _zone_name()
        try:
            starts_at, ends_at = rota_store.local_shift(day, start, end, zone_name)
            shift_id = rota_store.book_shift(
                _database_url(), team_id, staff_id, starts_at, ends_at, now=desk_now(),
                timezone_name=zone_name, actor=staff.actor,
            )
        except ShiftError as error:
            form.fail(error.field, error.message)
        else:
            shift = rota_store.get_shift(_database_url(), shift_id)
            flash(f"Shift added: {shift.staff_name}, {day_label(day)}, "
                  f"{shift_times(shift, day, zone_name)}.")
            return redirect(url_for("rota.team_rota", team_id=team_id))
    return _render_team(team_id, team_name, staff, form, 400)


@bp.post("/shifts/<int:shift_id>/remove")
@requires(TEAM_LEAD, ADMIN)
def remove_shift(shift_id: int):
    staff = signed_in()
    shift = rota_store.get_shift(_database_url(), shift_id)
    if shift is None:
        abort(404, description="That shift is not on the rota any more.")
    if not may_keep_rota(staff, shift.team_id):
        abort(403, description=NOT_YOURS)
    try:
        outcome = rota_store.remove_shift(_database_url(), shift_id, now=desk_now(),
                                          actor=staff.actor)
    except RotaError as error:
        flash(str(error))
    else:
        if outcome == "ended":
            flash(f"{shift.staff_name}'s shift has ended now, so they will not be paged for "
                  "this team.")
        else:
            zone_name = _zone_name()
            day = to_local(shift.starts_at, zone_name).date()
            flash(f"Shift removed: {shift.staff_name}, {day_label(day)}, "
                  f"{shift_times(shift, day, zone_name)}.")
    return redirect(url_for("rota.team_rota", team_id=shift.team_id))
