"""The safety net measured end to end: each message of the evaluation sets goes to the
running assistant over the REST channel in a fresh conversation (and again with a sign-up
form open), and counts as caught only if the reply carries emergency contacts AND the desk
API shows an urgent escalation for that conversation.

Used by the end-to-end test and by `make eval`.
"""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests
import yaml

from bot.config import PROJECT_ROOT
from bot.safety.replies import has_crisis_reply

DATA = PROJECT_ROOT / "tests" / "data"
# Sets the detector was developed against (all but the first were measured blind first, then
# used: risk_holdout, then risk_dev2, risk_dev3, ... in the order written); the learning sets,
# written later to teach the lexicon new wordings, on which the detector does not yet catch
# every crisis (measured by `make eval`, not asserted by `make test`); and the blind sets, only
# ever measured: the honest estimate for new messages.
_DEV_NUMBER = re.compile(r"risk_dev(\d+)_crisis\.yml")
# Development sets up to this number are asserted (100% recall); later ones are learning sets.
ASSERTED_THROUGH = 8


def _numbered_sets(first: int, last: float) -> tuple[tuple[str, ...], tuple[str, ...]]:
    numbered = sorted(
        (int(m.group(1)), m.group(0))
        for path in DATA.glob("risk_dev*_crisis.yml")
        if (m := _DEV_NUMBER.fullmatch(path.name)) and first <= int(m.group(1)) <= last
    )
    crisis = tuple(name for _, name in numbered)
    return crisis, tuple(name.replace("_crisis", "_near_miss") for name in crisis)


_ASSERTED = _numbered_sets(2, ASSERTED_THROUGH)
SETS = {
    "development": (
        ("risk_crisis.yml", "risk_holdout_crisis.yml", *_ASSERTED[0]),
        ("risk_near_miss.yml", "risk_holdout_near_miss.yml", *_ASSERTED[1]),
    ),
    "learning": _numbered_sets(ASSERTED_THROUGH + 1, float("inf")),
    # Written separately and added later; a file not there yet is skipped, not an error.
    "blind": tuple(
        tuple(f"risk_blind{n}_{kind}.yml" for n in range(7, 25)) for kind in ("crisis", "near_miss")
    ),
}
# Everyday messages with no crisis in them, for the rate of false urgents on ordinary traffic
# (measured, never learned from), and another such set the lexicon learns ordinary words from.
SETS["everyday"] = ((), ("risk_everyday.yml", "risk_everyday2.yml"))
ORDINARY = ("risk_everyday_train.yml",)
# Every set the lexicon learns from: never a blind or everyday set.
TRAINING = tuple(
    SETS["development"][i] + SETS["learning"][i] for i in (0, 1)
)


def load_messages(name: str) -> list[dict]:
    """The messages of one set file; none if the file is missing (see `missing_files`)."""
    path = DATA / name
    return yaml.safe_load(path.read_text(encoding="utf-8"))["messages"] if path.exists() else []


def missing_files(label: str) -> list[str]:
    """Files of a named set that are not (yet) in tests/data."""
    return [name for names in SETS[label] for name in names if not (DATA / name).exists()]


@dataclass
class SafetyReport:
    crisis_total: int = 0
    crisis_caught: int = 0
    near_miss_total: int = 0
    near_miss_urgent: int = 0
    missed: list[dict] = field(default_factory=list)
    false_urgent: list[dict] = field(default_factory=list)

    def merge(self, other: SafetyReport) -> None:
        """Add another set's counts, for a total over several sets."""
        self.crisis_total += other.crisis_total
        self.crisis_caught += other.crisis_caught
        self.near_miss_total += other.near_miss_total
        self.near_miss_urgent += other.near_miss_urgent
        self.missed += other.missed
        self.false_urgent += other.false_urgent

    @property
    def recall(self) -> float:
        return self.crisis_caught / self.crisis_total if self.crisis_total else 0.0

    @property
    def false_urgent_rate(self) -> float:
        return self.near_miss_urgent / self.near_miss_total if self.near_miss_total else 0.0

    def as_dict(self) -> dict:
        return {
            "crisis_recall": round(self.recall, 4),
            "crisis_total": self.crisis_total,
            "false_urgent_rate": round(self.false_urgent_rate, 4),
            "near_miss_total": self.near_miss_total,
            "missed": self.missed,
            "false_urgent": self.false_urgent,
        }


class SafetyProbe:
    """Sends one message as a new person and reads what happened."""

    def __init__(self, rasa_url: str, desk_url: str, api_token: str) -> None:
        self.webhook = f"{rasa_url}/webhooks/rest/webhook"
        self.api = f"{desk_url}/api/escalations"
        self.headers = {"Authorization": f"Bearer {api_token}"}

    def send(self, text: str, inside_form: bool = False) -> tuple[list[str], list[dict]]:
        sender = f"safety-{uuid.uuid4().hex[:12]}"
        with requests.Session() as session:
            if inside_form:
                session.post(self.webhook, json={"sender": sender, "message": "/register"},
                             timeout=60).raise_for_status()
            reply = session.post(self.webhook, json={"sender": sender, "message": text},
                                 timeout=60)
            reply.raise_for_status()
            escalations = session.get(
                self.api, params={"conversation_id": sender}, headers=self.headers, timeout=30
            )
            escalations.raise_for_status()
        return [m.get("text") or "" for m in reply.json()], escalations.json()["escalations"]


def evaluate(probe: SafetyProbe, crisis: list[dict], near_miss: list[dict],
             inside_form: bool = False, workers: int = 4) -> SafetyReport:
    report = SafetyReport(crisis_total=len(crisis), near_miss_total=len(near_miss))

    def run(item: dict) -> tuple[dict, list[str], list[dict]]:
        reply, escalations = probe.send(item["text"], inside_form)
        return item, reply, escalations

    with ThreadPoolExecutor(workers) as pool:
        for item, reply, escalations in pool.map(run, crisis):
            urgent = any(e["severity"] == "urgent" for e in escalations)
            if urgent and has_crisis_reply(reply):
                report.crisis_caught += 1
            else:
                report.missed.append({**item, "reply": " ".join(reply)[:120], "urgent": urgent})
        for item, _reply, escalations in pool.map(run, near_miss):
            if any(e["severity"] == "urgent" for e in escalations):
                report.near_miss_urgent += 1
                report.false_urgent.append(item)
    return report


def evaluation_set(label: str) -> tuple[list[dict], list[dict]]:
    """(crisis, near-miss) messages of a named set."""
    crisis_files, near_files = SETS[label]
    crisis = [m for name in crisis_files for m in load_messages(name)]
    near = [m for name in near_files for m in load_messages(name)]
    return crisis, near
