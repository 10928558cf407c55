"""Measure the risk detector in-process on the development and learning sets, and the learned
lexicon by leave-one-set-out: for each such set k, build the lexicon from the others (and the
NLU examples), then measure the whole detector on set k. Each set was written apart from the
others, so the left-out set stands in for new messages the lexicon has not seen.
(The patterns were written against all of them: for those, only a blind set is honest.)

    python -m bot.ops.risk_cv            # both tables
    python -m bot.ops.risk_cv --misses   # and the messages missed or falsely urgent
"""

from __future__ import annotations

import argparse

from bot.ops.build_risk_lexicon import _ordinary_texts, build
from bot.ops.safety_eval import TRAINING, SafetyReport, load_messages
from bot.safety.detector import PATTERNS_FILE, RiskDetector, RiskLexicon, _load

CRISIS, NEAR_MISS = TRAINING


def row(label: str, report: SafetyReport) -> str:
    return (f"{label:<26} recall {report.recall:6.1%} "
            f"({report.crisis_caught}/{report.crisis_total})   "
            f"false urgent {report.false_urgent_rate:5.1%} "
            f"({report.near_miss_urgent}/{report.near_miss_total})")


def measure(detector: RiskDetector, crisis: str, near_miss: str) -> SafetyReport:
    report = SafetyReport()
    for item in load_messages(crisis):
        report.crisis_total += 1
        found = detector.detect(item["text"])
        if found is not None and found.urgent:
            report.crisis_caught += 1
        else:
            got = "none" if found is None else f"{found.category}/{found.severity}"
            report.missed.append({**item, "got": got})
    for item in load_messages(near_miss):
        report.near_miss_total += 1
        found = detector.detect(item["text"])
        if found is not None and found.urgent:
            report.near_miss_urgent += 1
            report.false_urgent.append({**item, "got": found.category})
    return report


def _label(name: str) -> str:
    name = name.removeprefix("risk_").removesuffix(".yml").removesuffix("crisis")
    return name.rstrip("_") or "dev1"


def table(title: str, detectors, show_misses: bool) -> SafetyReport:
    print(title)
    total = SafetyReport()
    for k, (crisis, near_miss) in enumerate(zip(CRISIS, NEAR_MISS, strict=True)):
        report = measure(detectors(k), crisis, near_miss)
        total.merge(report)
        print("  " + row(_label(crisis), report))
        if show_misses:
            for item in report.missed:
                print(f"      MISS  [{item['category']} -> {item['got']}] {item['text']}")
            for item in report.false_urgent:
                print(f"      FALSE [{item['got']}] {item['text']}")
    print("  " + row("all", total) + "\n")
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
