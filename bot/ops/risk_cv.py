"""Measure the risk detector in-process on the development sets, and the learned lexicon by
leave-one-set-out: for each development set k, build the lexicon from the others (and the NLU
examples), then measure the whole detector on set k. Each development set was written apart
from the others, so the left-out set stands in for new messages the lexicon has not seen.
(The patterns were written against all of them: for those, only a blind set is honest.)

    python -m bot.ops.risk_cv            # both tables
    python -m bot.ops.risk_cv --misses   # and the messages missed or falsely urgent
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from bot.ops.build_risk_lexicon import _ordinary_texts, build
from bot.ops.safety_eval import SETS, load_messages
from bot.safety.detector import PATTERNS_FILE, RiskDetector, RiskLexicon, _load

CRISIS, NEAR_MISS = SETS["development"]


@dataclass
class Score:
    crisis: int = 0
    caught: int = 0
    near: int = 0
    false_urgent: int = 0
    missed: list[str] = field(default_factory=list)
    alarms: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.crisis += other.crisis
        self.caught += other.caught
        self.near += other.near
        self.false_urgent += other.false_urgent
        self.missed += other.missed
        self.alarms += other.alarms

    def row(self, label: str) -> str:
        recall = self.caught / self.crisis if self.crisis else 0.0
        false = self.false_urgent / self.near if self.near else 0.0
        return (f"{label:<26} recall {recall:6.1%} ({self.caught}/{self.crisis})   "
                f"false urgent {false:5.1%} ({self.false_urgent}/{self.near})")


def measure(detector: RiskDetector, crisis: str, near_miss: str) -> Score:
    score = Score()
    for item in load_messages(crisis):
        score.crisis += 1
        found = detector.detect(item["text"])
        if found is not None and found.urgent:
            score.caught += 1
        else:
            got = "none" if found is None else f"{found.category}/{found.severity}"
            score.missed.append(f"[{item['category']} -> {got}] {item['text']}")
    for item in load_messages(near_miss):
        score.near += 1
        found = detector.detect(item["text"])
        if found is not None and found.urgent:
            score.false_urgent += 1
            score.alarms.append(f"[{found.category}] {item['text']}")
    return score


def _label(name: str) -> str:
    name = name.removeprefix("risk_").removesuffix(".yml").removesuffix("crisis")
    return name.rstrip("_") or "dev1"


def table(title: str, detectors, show_misses: bool) -> Score:
    print(title)
    total = Score()
    for k, (crisis, near_miss) in enumerate(zip(CRISIS, NEAR_MISS, strict=True)):
        score = measure(detectors(k), crisis, near_miss)
        total.add(score)
        print("  " + score.row(_label(crisis)))
        if show_misses:
            for line in score.missed:
                print("      MISS  " + line)
            for line in score.alarms:
                print("      FALSE " + line)
    print("  " + total.row("all") + "\n")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list misses and false alarms")
    parser.add_argument("--skip-in-sample", action="store_true")
    args = parser.parse_args()
    patterns = _load(PATTERNS_FILE)
    ordinary = _ordinary_texts()
    if not args.skip_in_sample:
        full = RiskDetector(patterns, RiskLexicon(build(ordinary=ordinary)))
        table("In-sample (lexicon built from every development set):", lambda k: full,
              args.misses)
    held_out = {}

    def loso(k: int) -> RiskDetector:
        if k not in held_out:
            crisis = tuple(n for i, n in enumerate(CRISIS) if i != k)
            near = tuple(n for i, n in enumerate(NEAR_MISS) if i != k)
            held_out[k] = RiskDetector(
                patterns, RiskLexicon(build(crisis, near, ordinary=ordinary))
            )
        return held_out[k]

    table("Leave-one-set-out (lexicon built without the set measured):", loso, args.misses)


if __name__ == "__main__":
    main()
