"""Test conversations as data, run by Rasa itself against the trained model."""

from __future__ import annotations

import json
import subprocess
import sys

from bot.config import PROJECT_ROOT
from bot.ops.model import ensure_model


def test_conversation_stories_pass(tmp_path):
    model = ensure_model()
    result = subprocess.run(
        [
            sys.executable, "-m", "rasa", "test", "core",
            "--model", str(model),
            "--stories", str(PROJECT_ROOT / "tests" / "stories"),
            "--out", str(tmp_path),
            "--fail-on-prediction-errors",
        ],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((tmp_path / "story_report.json").read_text())
    assert report["conversation_accuracy"]["accuracy"] == 1.0
