"""The café directory in the database: searches by district, imports checked whole, edits
audited, and the search index rebuilt when (and only when) the directory changes."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import func, select

from bot.cafes.__main__ import main
from bot.cafes.directory import CafeDetails, CafeDirectory, CafeError
from bot.cafes.importer import (
    COLUMNS,
    CafeImportError,
    import_sample,
    import_text,
    parse_file,
)
from bot.cafes.schedule import UK, WeeklySession
from bot.store.db import session_scope
from bot.store.models import AuditEvent, Cafe

HEADER = ",".join(COLUMNS)
NOW = datetime(2026, 12, 15, 9, 0, tzinfo=UK)  # a Tuesday morning


@pytest.fixture
def directory(database_url) -> CafeDirectory:
    return CafeDirectory(database_url)


def _count(database_url: str, model=Cafe) -> int:
    with session_scope(database_url) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def _details(**changes) -> CafeDetails:
    values = dict(name="Norwood Baby Café", venue="Library", address="1 High Street",
                  postcode="se25 4aa", sessions=(WeeklySession(1, time(10), time(12)),))
    values.update(changes)
    return CafeDetails(**values)


def test_the_nearest_sample_cafes_to_se25_with_their_next_session(directory):
    result = import_sample(directory)
    assert (result.added, result.updated) == (12, 0)
    search = directory.near_district("SE25", now=NOW)
    assert search.origin_known
    names = [found.cafe.name for found in search.results]
    assert names == [
        "Sample Baby Café - South Norwood (test entry)",
        "Sample Baby Café - Penge (test entry)",
        "Sample Baby Café - Thornton Heath (test entry)",
    ]
    first = search.results[0]
    assert first.distance_km == pytest.approx(0.0, abs=1e-9)
    assert (first.next_start, first.next_end) == (
        datetime(2026, 12, 15, 10, tzinfo=UK), datetime(2026, 12, 15, 12, tzinfo=UK))
    assert first.when == "today 10am to 12pm"
    assert [found.distance_km for found in search.results] == sorted(
        found.distance_km for found in search.results)


def test_a_full_postcode_is_searched_by_its_district(directory):
    import_sample(directory)
    assert directory.near_district("se25 6xy", now=NOW) == directory.near_district("SE25", now=NOW)


def test_the_christmas_closure_moves_the_next_session(directory):
    import_sample(directory)
    christmas = datetime(2026, 12, 22, 9, 0, tzinfo=UK)
    first = directory.near_district("SE25", now=christmas, limit=1).results[0]
    assert first.cafe.name.startswith("Sample Baby Café - South Norwood")
    assert first.next_start == datetime(2027, 1, 5, 10, tzinfo=UK)
    assert first.when == "Tuesday 5 January 10am to 12pm"


@pytest.mark.parametrize("district", ["ZZ9", "SE99", "BT1", "hello", ""])
def test_a_district_we_cannot_place_is_not_known(directory, district):
    import_sample(directory)
    search = directory.near_district(district, now=NOW)
    assert not search.origin_known and search.results == []


def test_a_shared_location_finds_the_nearest(directory):
    import_sample(directory)
    search = directory.near_point(53.4775, -2.2363, now=NOW, limit=5)  # Manchester
    assert search.origin_known
    assert [found.cafe.postcode for found in search.results] == ["M1 1AA", "M14 5AA"]


def test_bad_rows_are_all_reported_by_line_and_nothing_is_imported(directory, database_url):
    text = "\n".join([
        "# made-up cafés for a test",
        HEADER,
        ",Hall,1 Road,SE25 4AA,Tue 10:00-12:00,,,,,,yes",
        "Two,Hall,1 Road,NOTAPOSTCODE,Tue 10:00-12:00,,,,,,yes",
        "Three,Hall,1 Road,SE99 1AA,Tue 10:00-12:00,,,,,,yes",
        "Four,Hall,1 Road,CR0 1AA,Tue 10-12,,,,,,yes",
        "Five,Hall,1 Road,CR0 1AA,Wed 12:00-10:00,,,,,,yes",
        "Six,Hall,1 Road,CR0 1AA,Thu 10:00-12:00,2026-13-01 Christmas,,,,2026-02-30,maybe",
        "Good,Hall,1 Road,M1 1AA,Fri 10:00-12:00,,,,,2026-11-01,yes",
        "good,Hall,1 Road,m1 1aa,Fri 10:00-12:00,,,,,,yes",
    ])
    with pytest.raises(CafeImportError) as failure:
        import_text(directory, text)
    assert failure.value.errors == [
        "line 3: name: missing",
        "line 4: postcode: 'NOTAPOSTCODE' is not a UK postcode",
        "line 5: postcode: unknown outward code SE99 (no position for it)",
        "line 6: sessions: bad session 'Tue 10-12' (write it like 'Tue 10:00-12:00')",
        "line 7: sessions: session 'Wed 12:00-10:00' ends before it starts",
        "line 8: last_verified: bad date '2026-02-30' (use YYYY-MM-DD)",
        "line 8: closures: bad date in '2026-13-01 Christmas' "
        "(write 2026-12-21..2027-01-04 reason)",
        "line 8: active: bad active value 'maybe' (use yes or no)",
        "line 10: name: duplicate row: same name and postcode as line 9",
    ]
    assert _count(database_url) == 0


def test_header_problems_stop_the_check_early():
    parsed = parse_file("name,venue,postcode,colour\nA,B,SE25 4AA,red\n")
    assert "line 1: header: missing column address" in parsed.errors
    assert "line 1: header: unknown column colour" in parsed.errors
    assert parse_file("# only a comment\n").errors == ["line 1: header: the file is empty"]
    assert parse_file(HEADER + "\n").errors == ["line 1: header: no cafés under the header"]


def test_sessions_and_closures_are_read_in_their_written_forms():
    row = ("Café,Hall,1 Road,CR0 1AA,tuesday 9:30-11:00; Thu 13:30 to 15:00,"
           "2026-12-21..2027-01-04 Christmas; 2027-04-10 Bank holiday,,,,,")
    parsed = parse_file(f"{HEADER}\n{row}\n")
    assert parsed.errors == []
    details = parsed.rows[0][1]
    assert [(s.weekday, s.starts_at, s.ends_at) for s in details.sessions] == [
        (1, time(9, 30), time(11)), (3, time(13, 30), time(15))]
    assert [(c.first_day, c.last_day, c.reason) for c in details.closures] == [
        (date(2026, 12, 21), date(2027, 1, 4), "Christmas"),
        (date(2027, 4, 10), date(2027, 4, 10), "Bank holiday")]
    assert details.active is True


def test_importing_the_same_file_again_updates_rather_than_duplicates(directory, database_url):
    text = f"{HEADER}\nNorwood Café,Library,1 Road,SE25 4AA,Tue 10:00-12:00,,,,,,yes\n"
    assert import_text(directory, text).added == 1
    changed = text.replace("Tue 10:00-12:00", "Wed 13:00-15:00").replace("SE25 4AA", "se254aa")
    again = import_text(directory, changed.replace("Norwood Café", "NORWOOD CAFÉ"))
    assert (again.added, again.updated) == (0, 1)
    assert _count(database_url) == 1
    cafe = directory.near_district("SE25", now=NOW).results[0].cafe
    assert [(s.weekday, s.starts_at) for s in cafe.sessions] == [(2, time(13))]
    with session_scope(database_url) as session:
        actions = session.execute(
            select(AuditEvent.action).where(AuditEvent.subject_type == "cafe")
            .order_by(AuditEvent.id)).scalars().all()
    assert actions == ["cafe_added", "cafe_updated"]


def test_the_service_list_can_retire_the_samples(directory):
    import_sample(directory)
    own = f"{HEADER}\nOur Café,Children's centre,2 Road,SE25 5AA,Thu 10:00-12:00,,,,,,yes\n"
    result = import_text(directory, own, replace_sample=True)
    assert (result.added, result.samples_retired) == (1, 12)
    assert directory.active_samples() == 0
    names = [found.cafe.name for found in directory.near_district("SE25", now=NOW).results]
    assert names == ["Our Café"]


def test_edits_are_audited_and_change_what_parents_are_shown(directory, database_url):
    cafe_id = directory.add(_details(), actor="admin@desk")
    finder = directory.finder()
    assert directory.finder() is finder, "unchanged directory: the index is reused"
    assert directory.near_district("SE25", now=NOW).results[0].when == "today 10am to 12pm"

    directory.update(cafe_id, _details(sessions=(WeeklySession(3, time(13), time(15)),)),
                     actor="admin@desk")
    assert directory.finder() is not finder
    assert directory.near_district("SE25", now=NOW).results[0].when == "Thursday 1pm to 3pm"

    directory.deactivate(cafe_id, actor="admin@desk")
    assert directory.near_district("SE25", now=NOW).results == []
    assert directory.get(cafe_id) is not None
    with session_scope(database_url) as session:
        events = session.execute(
            select(AuditEvent.actor, AuditEvent.action, AuditEvent.subject_id)
            .order_by(AuditEvent.id)).all()
    assert [tuple(event) for event in events] == [
        ("admin@desk", "cafe_added", str(cafe_id)),
        ("admin@desk", "cafe_updated", str(cafe_id)),
        ("admin@desk", "cafe_deactivated", str(cafe_id)),
    ]


def test_a_precise_position_is_kept_instead_of_the_district_centroid(directory):
    cafe_id = directory.add(_details(latitude=51.4, longitude=-0.08), actor="admin@desk")
    cafe = directory.get(cafe_id)
    assert (cafe.latitude, cafe.longitude, cafe.postcode) == (51.4, -0.08, "SE25 4AA")


def test_bad_details_are_refused_with_every_reason(directory, database_url):
    with pytest.raises(CafeError) as refused:
        directory.add(_details(name=" ", postcode="ZZ9 9ZZ", sessions=()), actor="admin@desk")
    assert [name for name, _ in refused.value.problems] == ["name", "postcode", "sessions"]
    with pytest.raises(CafeError):
        directory.update(999, _details(), actor="admin@desk")
    with pytest.raises(CafeError):
        directory.deactivate(999, actor="admin@desk")
    assert _count(database_url) == 0 and _count(database_url, AuditEvent) == 0


def test_the_command_line_imports_lists_and_refuses_bad_files(database_url, tmp_path,
                                                               monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    good = tmp_path / "cafes.csv"
    good.write_text(f"{HEADER}\nOur Café,Hall,2 Road,SE25 5AA,Thu 10:00-12:00,,,,,,yes\n",
                    encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\nBad,Hall,2 Road,SE25 5AA,Someday,,,,,,yes\n", encoding="utf-8")

    assert main(["import-sample"]) == 0
    assert "12 cafés imported (12 added, 0 updated)" in capsys.readouterr().out
    assert main(["import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "line 2: sessions: bad session 'Someday'" in err and "nothing imported" in err
    assert main(["import", str(good)]) == 0
    out = capsys.readouterr().out
    assert "1 café imported (1 added, 0 updated)" in out and "--replace-sample" in out
    assert main(["import", str(good), "--replace-sample"]) == 0
    assert "12 cafés from the sample file deactivated" in capsys.readouterr().out
    assert main(["import", str(tmp_path / "missing.csv")]) == 1
    capsys.readouterr()
    assert main(["list"]) == 0
    listing = capsys.readouterr().out
    assert "Our Café (SE25 5AA)" in listing and "[inactive] [sample]" in listing


def test_one_entry_shows_what_the_admin_edits(directory):
    cafe_id = directory.add(_details(last_verified=date(2026, 11, 3)), actor="admin@desk")
    entry = directory.entry(cafe_id)
    assert (entry.cafe.name, entry.active, entry.sample, entry.last_verified) == (
        "Norwood Baby Café", True, False, date(2026, 11, 3))
    directory.deactivate(cafe_id, actor="admin@desk")
    assert directory.entry(cafe_id).active is False
    assert directory.entry(999) is None
