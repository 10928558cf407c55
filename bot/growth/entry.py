"""One measurement on its way in: what the parent said so far, and what is still to ask.

A parent may leave things out ("she's 7.4 now": kg or lb?), have more than one child, or send a
figure that looks unlikely. An `Entry` holds the partial measurement between messages (as JSON
in a Rasa slot) and says which question comes next. Nothing is ever guessed: a missing unit,
child or date is asked for, an implausible figure is sent back for checking, an unusual one is
confirmed first. The plausibility check itself is passed in (`Assess`), so this module stays
pure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date

from bot.dates import read_past_date
from bot.growth.centiles import CHECK, REFUSE
from bot.growth.parsing import (
    WEIGHT,
    Quantity,
    Reading,
    read_child_answer,
    read_measurement,
    read_unit_answer,
)
from bot.mood.answers import yes_no

# What the next question is about; None once the entry can be recorded.
ASK_UNIT, ASK_CHILD, ASK_DATE, ASK_FIGURE, ASK_RECHECK, ASK_CONFIRM = (
    "unit", "child", "date", "figure", "recheck", "confirm")
DATE_PROBLEMS = ("unclear_date", "future_date", "too_old")
FIGURE_PROBLEMS = ("no_number", "bad_number", "several_values")
MAX_DAYS_BACK = 4 * 366  # the UK-WHO chart runs to 4 years
_CANCEL = re.compile(
    r"\b(cancel|never\s*mind|nevermind|forget\s+it|leave\s+it|don'?t\s+record|skip\s+it)\b", re.I
)

_METRIC = re.compile(r"(kg|kgs|kilo|cm|centimet)", re.I)

# (child, kind, value, observed_on) -> "ok", "check" or "refuse"
Assess = Callable[[str, str, float, date], str]


@dataclass(frozen=True)
class Entry:
    """A measurement being entered. Quantities are [kind, value, written] lists (JSON-friendly)."""

    text: str
    quantities: list[list] = field(default_factory=list)
    observed_on: str | None = None  # ISO date; None means today
    child: str | None = None
    source: str | None = None
    problem: str | None = None  # a parser problem still to be settled
    bare_number: float | None = None
    kind_hint: str | None = None
    correction: bool = False
    confirmed: bool = False
    cancelled: bool = False
    ask: str | None = None  # the question the parent is answering
    unusual: list[str] = field(default_factory=list)  # kinds waiting for a check or a confirm

    # Serialisation for the slot ------------------------------------------------------------

    def dumps(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def loads(cls, raw: str | None) -> Entry | None:
        if not raw:
            return None
        try:
            data = json.loads(raw)
            return cls(**data)
        except (TypeError, ValueError):
            return None

    # Reading --------------------------------------------------------------------------------

    @classmethod
    def start(cls, reading: Reading, text: str, correction: bool = False) -> Entry:
        return cls(text=text, correction=correction)._with_reading(reading, keep_child=False)

    def _with_reading(self, reading: Reading, keep_child: bool = True) -> Entry:
        quantities = [[q.kind, q.value, q.written] for q in reading.quantities]
        if reading.problem in FIGURE_PROBLEMS or (reading.problem == "no_unit" and
                                                   not quantities):
            quantities = []
        return replace(
            self,
            quantities=quantities or ([] if reading.problem else self.quantities),
            observed_on=(reading.observed_on.isoformat() if reading.observed_on
                         else self.observed_on),
            child=reading.child or (self.child if keep_child else None),
            source=reading.source or self.source,
            problem=reading.problem if reading.problem != "which_child" else None,
            bare_number=reading.bare_number,
            kind_hint=reading.kind_hint or self.kind_hint,
            confirmed=False,
            unusual=[],
        )

    def answer(self, text: str, today: date, children: Sequence[str]) -> Entry:
        """Fold the parent's answer to `self.ask` into the entry."""
        if _CANCEL.search(text):
            return replace(self, cancelled=True)
        if self.ask == ASK_CONFIRM:
            said = yes_no(text)
            if said is True:
                return replace(self, confirmed=True)
            if said is False:
                return replace(self, cancelled=True)
        if self.ask == ASK_UNIT and self.bare_number is not None:
            quantity = read_unit_answer(text, self.bare_number, self.kind_hint)
            if quantity is not None:
                kept = [q for q in self.quantities if q[0] != quantity.kind]
                return replace(self, quantities=kept + [_row(quantity)], problem=None,
                               bare_number=None)
        if self.ask == ASK_CHILD:
            name = read_child_answer(text, children)
            if name is not None:
                return replace(self, child=name)
        if self.ask == ASK_DATE:
            reading = read_past_date(text, today, MAX_DAYS_BACK)
            if reading.day is not None and reading.problem is None:
                return replace(self, observed_on=reading.day.isoformat(), problem=None)
        # Anything else is read as the measurement sent again (or a fresh figure).
        reading = read_measurement(text, today, children)
        if reading.problem == "no_number" and self.ask != ASK_FIGURE:
            return self  # not understood: the same question is asked again
        if reading.problem == "which_child":
            reading = replace(reading, problem=None)
        merged = self._with_reading(reading)
        if self.ask in (ASK_RECHECK, ASK_CONFIRM) and merged.quantities:
            merged = self._replace_quantities(merged)
        return merged

    def _replace_quantities(self, new: Entry) -> Entry:
        """A re-sent figure replaces the unusual one of the same kind; others are kept."""
        kept = [q for q in self.quantities if q[0] not in {n[0] for n in new.quantities}]
        return replace(new, quantities=kept + new.quantities)

    # What next ------------------------------------------------------------------------------

    def next_question(self, children: Sequence[str], today: date,
                      assess: Assess | None) -> Entry:
        """The entry with `ask` set to the next question, or None when it can be recorded."""
        if self.cancelled:
            return replace(self, ask=None)
        if self.problem == "no_unit" and self.bare_number is not None:
            return replace(self, ask=ASK_UNIT)
        if self.problem in FIGURE_PROBLEMS or not self.quantities:
            return replace(self, ask=ASK_FIGURE)
        if self.problem in DATE_PROBLEMS:
            return replace(self, ask=ASK_DATE)
        child = self.child or (children[0] if len(children) == 1 else None)
        if child is None:
            return replace(self, ask=ASK_CHILD)
        entry = replace(self, child=child)
        if assess is None:
            return replace(entry, ask=None)
        verdicts = {q[0]: assess(child, q[0], q[1], entry.day(today)) for q in entry.quantities}
        refused = [kind for kind, verdict in verdicts.items() if verdict == REFUSE]
        if refused:
            return replace(entry, ask=ASK_RECHECK, unusual=refused)
        unusual = [kind for kind, verdict in verdicts.items() if verdict == CHECK]
        if unusual and not entry.confirmed:
            return replace(entry, ask=ASK_CONFIRM, unusual=unusual)
        return replace(entry, ask=None, unusual=[])

    def day(self, today: date) -> date:
        return date.fromisoformat(self.observed_on) if self.observed_on else today

    def quantity(self, kind: str) -> Quantity | None:
        for row in self.quantities:
            if row[0] == kind:
                return Quantity(row[0], row[1], row[2])
        return None

    @property
    def kinds(self) -> list[str]:
        return [row[0] for row in self.quantities]


def _row(quantity: Quantity) -> list:
    return [quantity.kind, quantity.value, quantity.written]


def describe(kind: str, value: float, written: str | None = None) -> str:
    """'7.4 kg', '7lb 8oz (3.4 kg)', '65 cm': metric always, with the parent's own words."""
    metric = f"{round(value, 2):g} kg" if kind == WEIGHT else f"{round(value, 1):g} cm"
    if written and not _METRIC.search(written):
        return f"{written.strip()} ({metric})"
    return metric
