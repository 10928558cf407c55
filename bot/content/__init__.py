"""Content as data: texts the assistant sends, each with a source and a last-reviewed date."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

CONTENT_DIR = Path(__file__).resolve().parent


@cache
def load(name: str) -> dict[str, Any]:
    """Load `bot/content/<name>.yml` once per process."""
    return yaml.safe_load((CONTENT_DIR / f"{name}.yml").read_text(encoding="utf-8"))
