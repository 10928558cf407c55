"""District positions: built offline from Code-Point Open, shipped as a small CSV."""

import pytest

from bot.cafes.build_centroids import ATTRIBUTION, build, render
from bot.cafes.centroids import CENTROIDS_FILE, centroid, known_districts


def test_the_shipped_centroids_are_what_the_build_produces():
    assert CENTROIDS_FILE.read_text(encoding="utf-8") == render(build()), (
        "rebuild: python -m bot.cafes.build_centroids"
    )


def test_the_file_carries_the_code_point_open_attribution():
    head = CENTROIDS_FILE.read_text(encoding="utf-8").splitlines()[: len(ATTRIBUTION) + 1]
    assert head[:-1] == [f"# {line}" for line in ATTRIBUTION]
    assert "Contains OS data © Crown copyright and database right" in head[0]
    assert "Royal Mail" in head[1] and "Open Government Licence v3.0" in head[2]
    assert head[-1] == "outward,lat,lon,postcodes"


def test_every_great_britain_district_is_there_and_northern_ireland_is_not():
    districts = known_districts()
    assert 2800 <= len(districts) <= 3000
    assert not any(district.startswith("BT") for district in districts)


@pytest.mark.parametrize(("district", "lat", "lon"), [
    ("SE25", 51.398, -0.077),
    ("CR0", 51.373, -0.078),
    ("M1", 53.477, -2.236),
    ("EH1", 55.951, -3.193),
])
def test_known_districts_sit_where_they_should(district, lat, lon):
    position = centroid(district)
    assert position is not None
    assert position == pytest.approx((lat, lon), abs=0.01)


def test_lookups_ignore_case_and_spaces():
    assert centroid(" se 25 ") == centroid("SE25") is not None
    assert centroid("cr0") == centroid("CR0")


@pytest.mark.parametrize("district", ["ZZ9", "SE99", "BT1", "", "   "])
def test_unknown_districts_have_no_position(district):
    assert centroid(district) is None
