"""Error answers a person can act on: a desk page for the browser, JSON for the API."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

HEADINGS = {
    400: "That request could not be used",
    403: "You don't have access to this",
    404: "Page not found",
    405: "That action isn't available here",
    413: "That file is too large",
}


def _answer(error: HTTPException):
    status = error.code or 500
    message = error.description or ""
    if request.path == "/api" or request.path.startswith("/api/"):
        return jsonify({"error": message}), status
    heading = HEADINGS.get(status, "Something went wrong")
    return render_template("error.html", heading=heading, message=message), status


def init_app(app: Flask) -> None:
    for status in HEADINGS:
        app.register_error_handler(status, _answer)
