"""Browser protections for every desk response, and CSRF checks for the signed-in pages.

The JSON API under /api/ is exempt from CSRF: it authenticates with a bearer token, never a
cookie, so a forged cross-site request carries nothing it could use.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, Response, abort, request, session

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
# Pages and API answers can hold personal data, so no browser or proxy may keep a copy.
NO_STORE_TYPES = ("text/html", "application/json")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_SESSION_KEY = "csrf_token"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
CSRF_REFUSED = (
    "This form had expired or did not come from the desk, so nothing was changed. "
    "Go back, reload the page and try again."
)


def apply_security_headers(response: Response) -> Response:
    """Set the headers on any response: pages, JSON, errors and static files alike."""
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    if response.mimetype in NO_STORE_TYPES:
        response.headers["Cache-Control"] = "no-store"
    return response


def csrf_token() -> str:
    """This session's CSRF token, made on first use; forms send it back in a hidden field."""
    token = session.get(CSRF_SESSION_KEY)
    if not token:
        token = session[CSRF_SESSION_KEY] = secrets.token_urlsafe(32)
    return token


def renew_csrf_token() -> str:
    """A fresh token, for a session that has just changed hands (sign-in)."""
    session[CSRF_SESSION_KEY] = secrets.token_urlsafe(32)
    return session[CSRF_SESSION_KEY]


def _is_bearer_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def check_csrf() -> None:
    """Refuse a state-changing request whose token does not match the session's (400)."""
    if request.method not in UNSAFE_METHODS or _is_bearer_api(request.path):
        return
    expected = session.get(CSRF_SESSION_KEY)
    sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(400, description=CSRF_REFUSED)


def init_app(app: Flask) -> None:
    """Check CSRF before every view and let templates call csrf_token()."""
    app.before_request(check_csrf)
    app.jinja_env.globals["csrf_token"] = csrf_token
