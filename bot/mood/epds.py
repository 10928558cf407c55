"""EPDS item text, supplied by the deploying service.

The EPDS wording is RCPsych copyright and needs written permission to republish, by SMS or
Telegram included, so none is shipped here: a service with permission supplies a YAML file of
10 items, each with its text and its 4 options in printed order, read by `load_items`.
Scoring (which items are reverse scored, thresholds, item 10) is in instruments.yml and
bot.mood.scoring.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.mood.scoring import item_count

OPTIONS_PER_ITEM = 4


class EpdsFileError(ValueError):
    """The supplied file is missing, unreadable or not 10 items of 4 options."""


@dataclass(frozen=True)
class EpdsItem:
    text: str
    options: tuple[str, str, str, str]  # in printed order: the answer is the position 0-3


def load_items(path: Path) -> list[EpdsItem]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise EpdsFileError(f"cannot read {path}: {type(error).__name__}") from None
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list) or len(items) != item_count("epds"):
        raise EpdsFileError(f"{path} must have 'items': a list of {item_count('epds')}")
    loaded = []
    for number, item in enumerate(items, start=1):
        options = item.get("options") if isinstance(item, dict) else None
        if (not isinstance(item.get("text") if isinstance(item, dict) else None, str)
                or not isinstance(options, list) or len(options) != OPTIONS_PER_ITEM
                or not all(isinstance(o, str) and o.strip() for o in options)):
            raise EpdsFileError(
                f"{path}: item {number} needs 'text' and {OPTIONS_PER_ITEM} 'options'")
        loaded.append(EpdsItem(item["text"], tuple(options)))
    return loaded
