"""The desk in a real browser (Debian's Chromium driven by Playwright) against the running stack.

A crisis sent over REST appears in the health visitor's open queue without a reload; she
acknowledges it (paging stops), opens the record, notes and resolves it; a health visitor of
another team gets 403; a form post without its CSRF token is refused. Screenshots of the main
pages go to DESK_SCREENSHOTS (docs/screenshots when refreshing the ones in the repository).
"""

from __future__ import annotations

import json
import os
import re
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cafes.directory import CafeDirectory
from bot.cafes.importer import import_sample
from bot.desk.accounts import create_login
from bot.escalation.rota import add_shift, add_staff, add_team
from bot.escalation.service import EscalationService
from bot.growth.service import GrowthService
from bot.people.service import find_person
from bot.store.db import session_scope
from bot.store.models import (
    AuditEvent,
    Consent,
    Escalation,
    MoodCheckin,
    OutboundMessage,
    utcnow,
)
from tests.desk_support import PASSWORD
from tests.e2e.conftest import Conversation

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PAGER = "+447700900555"
CRISIS = "i cant keep going, i've got the tablets out and i'm going to take them all tonight"


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("the browser tests need Debian's chromium; .ci/run installs it")
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        running = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield running
        running.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("DESK_SCREENSHOTS") or tmp_path_factory.mktemp("screens"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def teams(stack):
    """Two teams with their own districts; Hana is on duty for North with a pager."""
    url = stack.env["DATABASE_URL"]
    add_team(url, "Browser North", ["TD9"])
    add_team(url, "Browser South", ["TD10"])
    hana = add_staff(url, "Hana Ali", "health_visitor", "Browser North", "sms", PAGER)
    create_login(url, hana, "hana.browser", PASSWORD)
    omar = add_staff(url, "Omar Obi", "health_visitor", "Browser North", None, None)
    create_login(url, omar, "omar.browser", PASSWORD)
    sam = add_staff(url, "Sam Shaw", "health_visitor", "Browser South", None, None)
    create_login(url, sam, "sam.browser", PASSWORD)
    lee = add_staff(url, "Lee Grant", "team_lead", "Browser North", "sms", "+447700900556")
    create_login(url, lee, "lee.browser", PASSWORD)
    now = utcnow()
    add_shift(url, hana, "Browser North", (now - timedelta(hours=1)).isoformat(),
              (now + timedelta(hours=8)).isoformat(), "UTC")
    return {"hana": hana, "omar": omar, "sam": sam, "lee": lee, "url": url}


def registered_person(url: str, sender: str, district: str) -> str:
    """Someone who signed up earlier from a district the team covers."""
    with session_scope(url) as session:
        person = find_person(session, sender)
        person.postcode_district = district
        person.stage = "baby"
        person.baby_birth_date = date.today() - timedelta(days=70)
        person.registered_at = utcnow() - timedelta(days=60)
        session.add(Consent(person_id=person.id, given=True, notice_version="2026-10"))
        return person.id


def sign_in(page, desk_url: str, username: str) -> None:
    page.goto(f"{desk_url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def escalation_of(url: str, sender: str) -> Escalation:
    with session_scope(url) as session:
        found = session.execute(select(Escalation).where(
            Escalation.conversation_id == sender)).scalars().all()
        assert len(found) == 1, found
        session.expunge_all()
        return found[0]


def audited(url: str, action: str, escalation_id: int) -> list[str]:
    with session_scope(url) as session:
        return list(session.execute(select(AuditEvent.actor).where(
            AuditEvent.action == action,
            AuditEvent.subject_id == str(escalation_id))).scalars())


def add_background(url: str) -> None:
    """Other work in the team's queue, so the page looks like a working day."""
    registered_person(url, "browser-contact-1", "TD9")
    EscalationService(url).open("browser-contact-1", "routine", "contact_request",
                                "can someone ring me about sleep", actor="assistant",
                                now=utcnow() - timedelta(hours=5))
    registered_person(url, "browser-growth-1", "TD9")
    growth = GrowthService(url)
    child, _ = growth.save_child("browser-growth-1", name="Ava", sex="female",
                                 birth_date=date.today() - timedelta(days=70),
                                 gestation=(39, 2), birth_weight_kg=3.4)
    for days, kg in ((56, 4.4), (42, 4.6), (14, 4.7)):
        growth.record("browser-growth-1", child.id, "weight", kg,
                      date.today() - timedelta(days=days), source="clinic",
                      raw_text=f"{kg}kg", confirmed=True)


def test_crisis_reaches_the_desk_and_is_handled_in_the_browser(stack, providers, teams,
                                                               browser, screenshots):
    url, desk_url = teams["url"], stack.desk_url
    add_background(url)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, desk_url, "hana.browser")
    playwright_api.expect(page.get_by_role("heading", name="Queue")).to_be_visible()
    assert re.search(r"/queue/", page.url)

    sender = f"browser-{int(time.time() * 1000)}"
    person_id = registered_person(url, sender, "TD9")
    with session_scope(url) as session:
        session.add(MoodCheckin(
            person_id=person_id, completed_at=utcnow() - timedelta(days=3),
            answers="{}", outcome="positive", scoring_key_version="2026-11",
            scores=json.dumps([{"instrument": "phq9", "total": 16, "positive": True,
                                "risk": False, "answers": [], "version": "1"}])))
    reply = Conversation(stack, sender).say_text(CRISIS)
    assert "116 123" in reply and "999" in reply
    escalation = escalation_of(url, sender)
    assert escalation.severity == "urgent" and escalation.team_id is not None

    # It appears in the open page by itself, with the banner, and the pager got a page.
    row = page.locator(f"#escalation-{escalation.id}")
    playwright_api.expect(row).to_be_visible(timeout=15_000)
    playwright_api.expect(row).to_contain_text("Suicide or self-harm")
    playwright_api.expect(page.locator("#urgent-banner")).to_be_visible()
    playwright_api.expect(page.locator("#urgent-banner")).to_contain_text("1 urgent escalation")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not [
            m for m in providers.twilio.messages if m["to"] == PAGER]:
        time.sleep(0.1)
    pages = [m["body"] for m in providers.twilio.messages if m["to"] == PAGER]
    assert f"Urgent escalation #{escalation.id}: please open the desk." in pages
    page.screenshot(path=str(screenshots / "queue.png"), full_page=True)

    # Acknowledge: paging stops, the audit says who.
    row.get_by_role("button", name=re.compile("Acknowledge")).click()
    playwright_api.expect(page.get_by_text("Acknowledged: paging has stopped.")).to_be_visible()
    with session_scope(url) as session:
        acked = session.get(Escalation, escalation.id)
        assert acked.status == "acknowledged" and acked.next_page_due_at is None
        pages_after_ack = acked.page_count
    assert audited(url, "escalation_acknowledged", escalation.id) == [f"staff:{teams['hana']}"]
    playwright_api.expect(page.locator("#urgent-banner")).to_be_hidden()

    # The record: the message, the check-in score, the escalation.
    page.get_by_role("link", name="Open their record").click()
    playwright_api.expect(page.get_by_role("heading", name=re.compile("^Record "))).to_be_visible()
    timeline = page.locator(".timeline")
    playwright_api.expect(timeline).to_contain_text("going to take them all tonight")
    playwright_api.expect(timeline).to_contain_text("PHQ-9 16 (positive)")
    page.screenshot(path=str(screenshots / "person.png"), full_page=True)

    # A note, then resolve with an outcome.
    page.get_by_role("link", name=re.compile(f"#{escalation.id} ")).click()
    page.get_by_label("Add a note").fill("Phoned at once. Partner home; crisis team visiting.")
    page.get_by_role("button", name="Add note").click()
    playwright_api.expect(page.get_by_text("Note added.")).to_be_visible()
    page.screenshot(path=str(screenshots / "escalation.png"), full_page=True)
    page.get_by_label("Resolve with an outcome").fill("Seen by crisis team; safety plan made.")
    page.get_by_role("button", name="Resolve").click()
    playwright_api.expect(page.get_by_text("Resolved.", exact=True)).to_be_visible()
    with session_scope(url) as session:
        done = session.get(Escalation, escalation.id)
        assert done.status == "resolved" and done.outcome.startswith("Seen by crisis team")
        assert done.page_count == pages_after_ack
        assert not session.execute(select(OutboundMessage).where(
            OutboundMessage.escalation_id == escalation.id,
            OutboundMessage.created_at > done.acknowledged_at)).first()
    assert audited(url, "escalation_note", escalation.id) == [f"staff:{teams['hana']}"]
    assert audited(url, "escalation_resolved", escalation.id) == [f"staff:{teams['hana']}"]

    # A form post without the CSRF token changes nothing.
    other = EscalationService(url).open(sender, "routine", "contact_request", None)
    refused = context.request.post(f"{desk_url}/queue/escalations/{other}/acknowledge",
                                   max_redirects=0)
    assert refused.status == 400
    assert EscalationService(url).get(other)["status"] == "open"

    # The growth record, for the screenshot of a child's page.
    with session_scope(url) as session:
        growth_person = find_person(session, "browser-growth-1").id
    page.goto(f"{desk_url}/people/{growth_person}")
    playwright_api.expect(page.locator("img.growth-chart")).to_be_visible()
    assert page.evaluate("document.querySelector('img.growth-chart').naturalWidth") >= 600
    page.screenshot(path=str(screenshots / "person-growth.png"), full_page=True)
    page.get_by_role("link", name="Rota").click()
    playwright_api.expect(page.get_by_text("Hana Ali").first).to_be_visible()
    page.screenshot(path=str(screenshots / "rota.png"), full_page=True)
    import_sample(CafeDirectory(url))
    page.get_by_role("link", name="Baby cafés").click()
    playwright_api.expect(page.get_by_role("heading", name=re.compile("café", re.I)).first) \
        .to_be_visible()
    page.screenshot(path=str(screenshots / "cafes.png"), full_page=True)
    context.close()

    # The team lead reads who did what in the audit log.
    lead_context = browser.new_context(viewport={"width": 1280, "height": 900})
    lead = lead_context.new_page()
    sign_in(lead, desk_url, "lee.browser")
    lead.get_by_role("link", name="Audit log").click()
    playwright_api.expect(lead.get_by_role("cell", name="Escalation acknowledged").first) \
        .to_be_visible()
    lead.screenshot(path=str(screenshots / "audit.png"), full_page=True)
    lead_context.close()

    # Another team's health visitor: 403 by URL for the escalation and the record.
    stranger = browser.new_context()
    sam = stranger.new_page()
    sign_in(sam, desk_url, "sam.browser")
    playwright_api.expect(sam.get_by_role("heading", name="Queue")).to_be_visible()
    assert f"#{escalation.id} " not in sam.content()
    assert sam.goto(f"{desk_url}/queue/escalations/{escalation.id}").status == 403
    assert sam.goto(f"{desk_url}/people/{person_id}").status == 403
    playwright_api.expect(sam.get_by_role("heading", name="You don't have access to this")) \
        .to_be_visible()
    assert "take them all" not in sam.content()
    stranger.close()


def test_sign_in_page_is_keyboard_usable_and_protected(stack, browser, screenshots):
    context = browser.new_context(viewport={"width": 820, "height": 1180})
    page = context.new_page()
    response = page.goto(f"{stack.desk_url}/login")
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.screenshot(path=str(screenshots / "sign-in.png"))
    context.close()
