"""Scoring the mood instruments, by the keys and thresholds in `instruments.yml`.

A score is for the health visitor, never for the parent: nothing here produces text a parent
sees. Each result keeps the raw answers and the scoring-key version it was scored by.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

INSTRUMENTS_FILE = Path(__file__).resolve().parent / "instruments.yml"
SCALE_MAX = 3


class ScoringError(ValueError):
    """Answers that cannot be scored: the wrong number, or a value off the scale."""


@cache
def instruments() -> dict[str, Any]:
    return yaml.safe_load(INSTRUMENTS_FILE.read_text(encoding="utf-8"))


def scoring_key_version() -> str:
    return instruments()["scoring_key_version"]


def instrument(name: str) -> dict[str, Any]:
    try:
        return instruments()["instruments"][name]
    except KeyError:
        raise ScoringError(f"unknown instrument {name!r}") from None


def item_count(name: str) -> int:
    spec = instrument(name)
    return spec.get("item_count") or len(spec["items"])


@dataclass(frozen=True)
class Score:
    instrument: str
    answers: tuple[int, ...]  # as given: 0/1 for yes/no, 0-3 otherwise
    total: int
    positive: bool
    risk: bool  # a risk item was answered above 0: the urgent pathway, whatever the total
    version: str

    def as_dict(self) -> dict[str, Any]:
        return {"instrument": self.instrument, "answers": list(self.answers),
                "total": self.total, "positive": self.positive, "risk": self.risk,
                "version": self.version}


def _checked(name: str, answers: Sequence[int | bool], top: int) -> tuple[int, ...]:
    values = tuple(int(a) for a in answers)
    if len(values) != item_count(name):
        raise ScoringError(f"{name} needs {item_count(name)} answers, got {len(values)}")
    for value in values:
        if not 0 <= value <= top:
            raise ScoringError(f"{name} answers must be 0-{top}, got {value}")
    return values


def score(name: str, answers: Sequence[int | bool], *, sensitive: bool = False) -> Score:
    """Score one instrument. `sensitive` uses the EPDS's lower threshold (10 rather than 13)."""
    spec = instrument(name)
    if spec["answer"] == "yes_no":
        values = _checked(name, answers, 1)
        return Score(name, values, sum(values), any(values), False, scoring_key_version())
    values = _checked(name, answers, SCALE_MAX)
    reverse = set(spec.get("reverse_scored", ()))
    item_scores = [SCALE_MAX - v if i in reverse else v for i, v in enumerate(values, start=1)]
    total = sum(item_scores)
    threshold = spec["positive_at"]
    if sensitive:
        threshold = spec.get("sensitive_positive_at", threshold)
    risk_item = spec.get("risk_item")
    risk = risk_item is not None and item_scores[risk_item - 1] > 0
    return Score(name, values, total, total >= threshold, risk, scoring_key_version())
