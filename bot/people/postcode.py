"""Postcode districts (outward codes). Only the district is kept, never a full address."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

_AREAS_FILE = Path(__file__).with_name("postcode_areas.yml")
# An outward code, optionally followed by an inward code ("SE25", "se25 6xy", "CR0 1AA", "W1A").
_POSTCODE = re.compile(
    r"\b([A-Z]{1,2})([0-9][A-Z0-9]?)(?:\s*([0-9][A-Z]{2}))?\b", re.IGNORECASE
)


@lru_cache(maxsize=1)
def postcode_areas() -> frozenset[str]:
    data = yaml.safe_load(_AREAS_FILE.read_text(encoding="utf-8"))
    return frozenset(data["areas"])


def extract_district(text: str) -> str | None:
    """The first real UK postcode district in free text, upper-cased, or None.

    A full postcode is cut to its district: the inward part is dropped before storing.
    """
    for match in _POSTCODE.finditer(text or ""):
        area, district = match.group(1).upper(), match.group(2).upper()
        if area in postcode_areas():
            return area + district
    return None


def written_district(text: str) -> str | None:
    """The first thing shaped like a postcode district, real or not ("ZZ9"), so an unknown
    one can be named back to the person rather than silently ignored."""
    match = _POSTCODE.search(text or "")
    return (match.group(1) + match.group(2)).upper() if match else None
