"""Loading the café directory from a CSV file kept by the service admin.

    name,venue,address,postcode,sessions,closures,contact,accessibility,languages,
        last_verified,active  (one header line)
    Baby Café Norwood,Library,1 High St,SE25 6XY,Tue 10:00-12:00; Thu 13:30-15:00,...

Sessions: `Tue 10:00-12:00; Thu 13:30-15:00` (UK local times). Closures:
`2026-12-21..2027-01-04 Christmas; 2027-04-10 Bank holiday`. Optional `latitude` and
`longitude` columns give a precise position. Lines starting with `#` are comments.

A file is checked whole before anything is stored: every problem is reported as
`line N: field: reason` and nothing is imported until the file is clean, so a half-imported
directory never reaches parents.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

from bot.cafes.directory import CafeDetails, CafeDirectory, check_details, parse_postcode
from bot.cafes.schedule import Closure, WeeklySession

SAMPLE_FILE = Path(__file__).with_name("sample_cafes.csv")
COLUMNS = ("name", "venue", "address", "postcode", "sessions", "closures", "contact",
           "accessibility", "languages", "last_verified", "active")
OPTIONAL_COLUMNS = ("latitude", "longitude")
DAYS = {"mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2,
        "wednesday": 2, "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
        "sat": 5, "saturday": 5, "sun": 6, "sunday": 6}
YES = ("yes", "y", "true", "1")
NO = ("no", "n", "false", "0")
_SESSION = re.compile(r"([A-Za-z]+)\s+(\d{1,2}:\d{2})\s*(?:-|–|to)\s*(\d{1,2}:\d{2})")
_CLOSURE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:\s*\.\.\s*(\d{4}-\d{2}-\d{2}))?(?:\s+(.*))?")


@dataclass
class ParsedFile:
    """The cafés a file describes, with the line each came from, and every problem found."""

    rows: list[tuple[int, CafeDetails]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    samples_retired: int

    @property
    def total(self) -> int:
        return self.added + self.updated


class CafeImportError(ValueError):
    """The file has problems; `errors` lists each as 'line N: field: reason'."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the file")


class _RowErrors(list[tuple[str, str]]):
    """One row's problems as (field, reason), in the order the columns are read."""

    def add(self, name: str, reason: str) -> None:
        self.append((name, reason))


def _time(text: str) -> time | None:
    hours, minutes = (int(part) for part in text.split(":"))
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


def parse_sessions(text: str, errors: _RowErrors) -> tuple[WeeklySession, ...]:
    """'Tue 10:00-12:00; Thu 13:30-15:00' as weekly sessions; problems go to `errors`."""
    sessions = []
    for item in filter(None, (part.strip() for part in (text or "").split(";"))):
        match = _SESSION.fullmatch(item)
        day = DAYS.get(match.group(1).lower()) if match else None
        starts = _time(match.group(2)) if match else None
        ends = _time(match.group(3)) if match else None
        if day is None or starts is None or ends is None:
            errors.add("sessions", f"bad session {item!r} (write it like 'Tue 10:00-12:00')")
        elif ends <= starts:
            errors.add("sessions", f"session {item!r} ends before it starts")
        else:
            sessions.append(WeeklySession(day, starts, ends))
    return tuple(sessions)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_closures(text: str, errors: _RowErrors) -> tuple[Closure, ...]:
    """'2026-12-21..2027-01-04 Christmas; 2027-04-10 Bank holiday' as closures."""
    closures = []
    for item in filter(None, (part.strip() for part in (text or "").split(";"))):
        match = _CLOSURE.fullmatch(item)
        first = _date(match.group(1)) if match else None
        last = (_date(match.group(2)) if match.group(2) else first) if match else None
        if first is None or last is None:
            errors.add("closures", f"bad date in {item!r} (write 2026-12-21..2027-01-04 reason)")
        elif last < first:
            errors.add("closures", f"closure {item!r} ends before it starts")
        else:
            closures.append(Closure(first, last, (match.group(3) or "").strip() or None))
    return tuple(closures)


def _active(text: str, errors: _RowErrors) -> bool:
    value = (text or "").strip().lower()
    if not value or value in YES:
        return True
    if value in NO:
        return False
    errors.add("active", f"bad active value {text.strip()!r} (use yes or no)")
    return False


def _coordinate(row: dict[str, str], name: str, errors: _RowErrors) -> float | None:
    text = (row.get(name) or "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        errors.add(name, f"{text!r} is not a number")
        return None


def _details(row: dict[str, str], errors: _RowErrors) -> CafeDetails:
    def text(name: str) -> str:
        return (row.get(name) or "").strip()

    last_verified = None
    if text("last_verified"):
        last_verified = _date(text("last_verified"))
        if last_verified is None:
            errors.add("last_verified", f"bad date {text('last_verified')!r} (use YYYY-MM-DD)")
    sessions = parse_sessions(text("sessions"), errors)
    details = CafeDetails(
        name=text("name"), venue=text("venue"), address=text("address"),
        postcode=text("postcode"), sessions=sessions,
        closures=parse_closures(text("closures"), errors),
        contact=text("contact") or None, accessibility=text("accessibility") or None,
        languages=text("languages") or None, last_verified=last_verified,
        active=_active(text("active"), errors),
        latitude=_coordinate(row, "latitude", errors),
        longitude=_coordinate(row, "longitude", errors),
    )
    for name, reason in check_details(details):
        # A session that failed to parse is already reported; do not also call it missing.
        if name == "sessions" and not sessions and text("sessions"):
            continue
        errors.add(name, reason)
    return details


def parse_file(text: str) -> ParsedFile:
    """Every café in the CSV text, or every problem with it, by line number in the file."""
    parsed = ParsedFile()
    # Comment lines become blank lines, so the reader's line numbers stay the file's own.
    lines = ["" if line.lstrip().startswith("#") else line
             for line in text.lstrip("\ufeff").splitlines()]
    reader = csv.reader(io.StringIO("\n".join(lines)))
    header: list[str] | None = None
    seen: dict[tuple[str, str], int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in row]
            missing = [name for name in COLUMNS if name not in header]
            unknown = [name for name in header if name not in COLUMNS + OPTIONAL_COLUMNS]
            parsed.errors += [f"line {line}: header: missing column {name}" for name in missing]
            parsed.errors += [f"line {line}: header: unknown column {name}" for name in unknown]
            if missing or unknown:
                return parsed
            continue
        if len(row) != len(header):
            parsed.errors.append(
                f"line {line}: row: {len(row)} fields, the header has {len(header)}")
            continue
        errors = _RowErrors()
        details = _details(dict(zip(header, row, strict=True)), errors)
        postcode = parse_postcode(details.postcode)
        if details.name and postcode:
            key = (details.name.casefold(), postcode[0])
            if key in seen:
                errors.add("name", f"duplicate row: same name and postcode as line {seen[key]}")
            else:
                seen[key] = line
        parsed.errors += [f"line {line}: {name}: {reason}" for name, reason in errors]
        if not errors:
            parsed.rows.append((line, details))
    if header is None:
        parsed.errors.append("line 1: header: the file is empty")
    elif not parsed.rows and not parsed.errors:
        parsed.errors.append("line 1: header: no cafés under the header")
    return parsed


def import_text(directory: CafeDirectory, text: str, actor: str = "cli", sample: bool = False,
                replace_sample: bool = False) -> ImportResult:
    """Check the whole file, then store it in one transaction; raises CafeImportError if unclean."""
    parsed = parse_file(text)
    if parsed.errors:
        raise CafeImportError(parsed.errors)
    added, updated, retired = directory.import_cafes(
        [details for _, details in parsed.rows], actor, sample=sample,
        replace_sample=replace_sample)
    return ImportResult(added, updated, retired)


def import_file(directory: CafeDirectory, path: Path, actor: str = "cli",
                replace_sample: bool = False) -> ImportResult:
    """Import the service's own directory file."""
    return import_text(directory, path.read_text(encoding="utf-8"), actor,
                       replace_sample=replace_sample)


def import_sample(directory: CafeDirectory, actor: str = "cli") -> ImportResult:
    """Load the bundled example cafés, flagged as samples (for trying the assistant out)."""
    return import_text(directory, SAMPLE_FILE.read_text(encoding="utf-8"), actor, sample=True)
