"""NLU evaluation on the held-out split the team keeps in tests/data/: `make eval`.

Writes var/eval/intent_report.json (accuracy, macro F1, per-intent precision/recall/F1 and
the misclassified messages) and prints a short table.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT, get_settings
from bot.ops.model import ensure_model, quiet_rasa_logs

HELD_OUT = PROJECT_ROOT / "tests" / "data" / "nlu_test.yml"


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
    return {
        "test_file": str(test_file.relative_to(PROJECT_ROOT)),
        "examples": len(texts),
        "accuracy": round(accuracy_score(truth, predicted), 4),
        "macro_f1": round(f1_score(truth, predicted, labels=labels, average="macro"), 4),
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


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    report = evaluate(ensure_model())
    out = get_settings().var_dir / "eval"
    out.mkdir(parents=True, exist_ok=True)
    (out / "intent_report.json").write_text(json.dumps(report, indent=2))
    print_table(report)
    print(f"written to {out / 'intent_report.json'}", file=sys.stderr)


if __name__ == "__main__":
    main()
