"""Where a postcode district is: the mean position of its postcodes (see build_centroids)."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

CENTROIDS_FILE = Path(__file__).with_name("outward_centroids.csv")


def normalise_outward(outward: str) -> str:
    """'se 25 ' and 'SE25' are the same district."""
    return "".join((outward or "").split()).upper()


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[float, float]]:
    with CENTROIDS_FILE.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {row["outward"]: (float(row["lat"]), float(row["lon"])) for row in rows}


def centroid(outward: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a GB postcode district, or None if we have no position for it."""
    return _table().get(normalise_outward(outward))


def known_districts() -> frozenset[str]:
    """Every district with a position, for checking a café's postcode before it is stored."""
    return frozenset(_table())
