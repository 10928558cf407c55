"""Evaluation: `make eval`.

1. NLU on the held-out split in tests/data/nlu_test.yml -> var/eval/intent_report.json
   (accuracy, macro F1, per-intent precision/recall/F1, misclassified messages).
2. The safety net through the running stack (REST, a fresh conversation per message, and again
   inside the sign-up form) on the crisis and near-miss sets in tests/data/ ->
   var/eval/safety_report.json: crisis recall and the false urgent rate, for the sets the
   detector was developed against and, separately, for the hold-out sets never used to tune it.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import sys
import tempfile
from pathlib import Path

from bot.config import PROJECT_ROOT, get_settings
from bot.ops.model import ensure_model, quiet_rasa_logs

HELD_OUT = PROJECT_ROOT / "tests" / "data" / "nlu_test.yml"
# Accuracy is also reported per feature: the messages whose true intent belongs to it.
FEATURES = {
    "advice and cafes": ("ask_preconception", "ask_birth_place", "ask_breastfeeding",
                         "find_baby_cafe"),
    "growth": ("add_child", "change_child", "record_measurement", "correct_measurement",
               "show_growth_chart"),
    "mood": ("start_checkin", "feeling_low", "pause"),
}


async def _predict(model: Path, texts: list[str]) -> list[str]:
    from rasa.core.agent import Agent

    quiet_rasa_logs()
    agent = Agent.load(str(model))
    predictions = []
    for text in texts:
        parsed = await agent.parse_message(text)
        predictions.append(parsed["intent"]["name"])
    return predictions


def evaluate(model: Path, test_file: Path = HELD_OUT) -> dict:
    from rasa.shared.nlu.training_data.loading import load_data
    from sklearn.metrics import accuracy_score, classification_report, f1_score

    examples = load_data(str(test_file)).intent_examples
    texts = [e.get("text") for e in examples]
    truth = [e.get("intent") for e in examples]
    predicted = asyncio.run(_predict(model, texts))
    labels = sorted(set(truth))
    by_feature = {}
    for feature, intents in FEATURES.items():
        pairs = [(t, p) for t, p in zip(truth, predicted, strict=True) if t in intents]
        if pairs:
            by_feature[feature] = {
                "accuracy": round(sum(t == p for t, p in pairs) / len(pairs), 4),
                "examples": len(pairs),
            }
    return {
        "test_file": str(test_file.relative_to(PROJECT_ROOT)),
        "examples": len(texts),
        "accuracy": round(accuracy_score(truth, predicted), 4),
        "macro_f1": round(f1_score(truth, predicted, labels=labels, average="macro"), 4),
        "by_feature": by_feature,
        "per_intent": classification_report(
            truth, predicted, labels=labels, output_dict=True, zero_division=0
        ),
        "errors": [
            {"text": t, "expected": e, "predicted": p}
            for t, e, p in zip(texts, truth, predicted, strict=False)
            if e != p
        ],
    }


def print_table(report: dict) -> None:
    print(f"\nNLU held-out evaluation ({report['examples']} messages, {report['test_file']})")
    print(f"{'intent':<26}{'precision':>10}{'recall':>8}{'f1':>8}{'n':>6}")
    for intent, row in report["per_intent"].items():
        if intent in {"accuracy", "macro avg", "weighted avg", "micro avg"}:
            continue
        print(
            f"{intent:<26}{row['precision']:>10.2f}{row['recall']:>8.2f}"
            f"{row['f1-score']:>8.2f}{int(row['support']):>6}"
        )
    print(f"intent accuracy {report['accuracy']:.3f}   macro F1 {report['macro_f1']:.3f}")
    for feature, row in report["by_feature"].items():
        print(f"  {feature}: accuracy {row['accuracy']:.3f} on {row['examples']} messages")


def evaluate_safety(var_dir: Path) -> dict:
    from bot.ops.safety_eval import SETS, SafetyProbe, evaluation_set, missing_files
    from bot.ops.safety_eval import evaluate as evaluate_sets
    from bot.ops.stack import Stack
    from bot.store.migrate import upgrade

    token = secrets.token_urlsafe(16)
    database_url = f"sqlite:///{var_dir / 'eval.db'}"
    upgrade(database_url)
    settings = get_settings()
    stack = Stack(
        {"VAR_DIR": str(var_dir), "DATABASE_URL": database_url, "REDIS_URL": "",
         "DESK_API_TOKEN": token, "MODEL_CACHE_DIR": str(settings.model_cache_dir)},
        log_dir=var_dir / "logs",
    )
    results = {}
    try:
        stack.start()
        probe = SafetyProbe(stack.rasa_url, stack.desk_url, token)
        for label in SETS:
            missing = missing_files(label)
            if missing:
                # The blind set is written separately and may not be there yet: say so plainly.
                print(f"skipping the {label} set: {', '.join(missing)} not found in tests/data",
                      file=sys.stderr)
                results[label] = {"skipped": f"missing {', '.join(missing)}"}
                continue
            crisis, near = evaluation_set(label)
            if not crisis and not near:
                print(f"skipping the {label} set: no messages", file=sys.stderr)
                results[label] = {"skipped": "no messages"}
                continue
            fresh = evaluate_sets(probe, crisis, near).as_dict()
            # Everyday traffic has no crises: only its false urgents are measured.
            in_form = evaluate_sets(probe, crisis, [], inside_form=True).as_dict() if crisis else {}
            results[label] = {
                **fresh,
                "crisis_recall_inside_form": in_form.get("crisis_recall"),
                "missed_inside_form": in_form.get("missed", []),
            }
    finally:
        stack.stop()
    return results


def print_safety(results: dict) -> None:
    print("\nSafety net through the running stack (REST, fresh conversation per message)")
    print(
        f"{'set':<14}{'crisis':>8}{'recall':>9}{'in form':>9}"
        f"{'near-miss':>11}{'false urgent':>14}"
    )
    for label, r in results.items():
        if "skipped" in r:
            print(f"{label:<14}skipped: {r['skipped']}")
            continue
        if r["crisis_total"]:
            recall = f"{r['crisis_recall']:>9.3f}{r['crisis_recall_inside_form']:>9.3f}"
        else:
            recall = f"{'-':>9}{'-':>9}"
        print(
            f"{label:<14}{r['crisis_total']:>8}{recall}{r['near_miss_total']:>11}"
            f"{r['false_urgent_rate']:>14.3f}"
        )


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    out = get_settings().var_dir / "eval"
    out.mkdir(parents=True, exist_ok=True)
    report = evaluate(ensure_model())
    (out / "intent_report.json").write_text(json.dumps(report, indent=2))
    with tempfile.TemporaryDirectory(prefix="eval-", dir=out) as scratch:
        safety = evaluate_safety(Path(scratch))
    (out / "safety_report.json").write_text(json.dumps(safety, indent=2))
    print_table(report)
    print_safety(safety)
    print(f"written to {out}/intent_report.json and safety_report.json", file=sys.stderr)


if __name__ == "__main__":
    main()
