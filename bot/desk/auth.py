"""Signing in and out of the desk, and the one place views learn who is signed in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from bot.desk import accounts
from bot.desk.access import CLINICAL_ROLES
from bot.desk.accounts import SignedInStaff
from bot.desk.security import renew_csrf_token
from bot.store.models import utcnow

bp = Blueprint("auth", __name__)
STAFF_SESSION_KEY = "staff_id"


def desk_now() -> datetime:
    """The desk's clock; tests set DESK_CLOCK to move time past a lockout."""
    clock = current_app.config.get("DESK_CLOCK") or utcnow
    return clock()


def current_staff() -> SignedInStaff | None:
    """Who is signed in, read afresh each request so a deactivated account stops at once."""
    if "staff" not in g:
        staff_id = session.get(STAFF_SESSION_KEY)
        g.staff = (
            accounts.load_staff(current_app.config["DATABASE_URL"], staff_id)
            if isinstance(staff_id, int) else None
        )
        if g.staff is None and staff_id is not None:
            session.clear()
    return g.staff


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send anyone not signed in to the sign-in page."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_staff() is None:
            return redirect(url_for("auth.login"))
        return view(*args, **kwargs)

    return wrapped


@bp.route("/login", methods=("GET", "POST"))
def login():
    if request.method == "GET":
        if current_staff() is not None:
            return redirect(url_for("auth.home"))
        return render_template("login.html", failed=False, username="")

    username = request.form.get("username", "")
    result = accounts.verify(
        current_app.config["DATABASE_URL"], username, request.form.get("password", ""), desk_now()
    )
    if not result.ok:
        # The same words whether the username is unknown, the password wrong or the account
        # locked, so the page never confirms that an account exists.
        return render_template("login.html", failed=True, username=username), 401

    session.clear()
    session.permanent = True
    session[STAFF_SESSION_KEY] = result.staff.id
    renew_csrf_token()
    return redirect(url_for("auth.home"))


@bp.post("/logout")
def logout():
    staff = current_staff()
    if staff is not None:
        accounts.record_sign_out(current_app.config["DATABASE_URL"], staff.id)
    session.clear()
    return redirect(url_for("auth.login"))


@bp.get("/")
@login_required
def home():
    """Clinical staff start at the queue; an admin at the list of what they look after."""
    staff = current_staff()
    if staff.role in CLINICAL_ROLES:
        return redirect(url_for("queue.queue_page"))
    return render_template("home.html", staff=staff)
