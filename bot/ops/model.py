"""Train the Rasa model only when its inputs change.

The fingerprint covers everything that shapes the model: config.yml, the domain, the training
data, the custom NLU components and the Rasa version. Models are cached by fingerprint in
MODEL_CACHE_DIR (outside the checkout, so a fresh clone on the same machine reuses them).

    python -m bot.ops.model ensure   # print the model path, training first if needed
    python -m bot.ops.model fingerprint
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import rasa

from bot.config import PROJECT_ROOT, get_settings

MODEL_INPUTS = ("config.yml", "bot/domain", "nlu_data", "bot/nlu")


def _input_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for name in MODEL_INPUTS:
        path = root / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(
                p for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix in {".yml", ".yaml", ".py"}
            )
    return files


def quiet_rasa_logs() -> None:
    """In-process Rasa (evaluation, benchmark floor) logs at WARNING, as `rasa run` does at INFO:
    debug output costs time and would print message texts."""
    import logging

    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)


def fingerprint(root: Path = PROJECT_ROOT) -> str:
    digest = hashlib.sha256(f"rasa=={rasa.__version__}\n".encode())
    for path in _input_files(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def model_path(cache_dir: Path | None = None, root: Path = PROJECT_ROOT) -> Path:
    cache_dir = cache_dir or get_settings().model_cache_dir
    return cache_dir / f"{fingerprint(root)}.tar.gz"


def training_record(path: Path) -> dict:
    """What was measured when this model was trained (train_s, when)."""
    record = path.with_suffix("").with_suffix(".json")
    return json.loads(record.read_text()) if record.exists() else {}


def ensure_model(cache_dir: Path | None = None, root: Path = PROJECT_ROOT) -> Path:
    """The cached model for the current inputs, training it first if it is missing."""
    cache_dir = cache_dir or get_settings().model_cache_dir
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = model_path(cache_dir, root)
    with open(cache_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists():
            return target
        fp = target.name.removesuffix(".tar.gz")
        with tempfile.TemporaryDirectory(dir=cache_dir) as out:
            started = time.monotonic()
            subprocess.run(
                [
                    sys.executable, "-m", "rasa", "train",
                    "--config", str(root / "config.yml"),
                    "--domain", str(root / "bot" / "domain"),
                    "--data", str(root / "nlu_data"),
                    "--out", out,
                    "--fixed-model-name", fp,
                ],
                cwd=root,
                check=True,
            )
            train_s = round(time.monotonic() - started, 1)
            shutil.move(str(Path(out) / f"{fp}.tar.gz"), target)
        target.with_suffix("").with_suffix(".json").write_text(
            json.dumps({"train_s": train_s, "trained_at": time.time()})
        )
        return target


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "ensure"
    if command == "fingerprint":
        print(fingerprint())
    elif command == "ensure":
        print(ensure_model())
    else:
        sys.exit("usage: python -m bot.ops.model [ensure|fingerprint]")
