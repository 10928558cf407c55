"""The café directory: what the conversation asks ("cafés near SE25") and what the desk edits.

A search is answered from an in-memory index of the active cafés, rebuilt only when the
directory has changed (one cheap query tells), so a busy day of searches costs one load.
Every change is audited in the same transaction as the change itself.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.cafes.centroids import centroid
from bot.cafes.finder import DEFAULT_WITHIN_KM, CafeFinder, CafeRecord
from bot.cafes.schedule import UK, Closure, WeeklySession, describe_session, next_session
from bot.people.postcode import extract_district, postcode_areas
from bot.store import audit
from bot.store.db import session_scope
from bot.store.models import Cafe, CafeClosure, CafeSession, utcnow

_FULL_POSTCODE = re.compile(r"([A-Z]{1,2})([0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})")


class CafeError(ValueError):
    """A change the directory cannot take; `problems` are (field, reason) pairs to show."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{name}: {reason}" for name, reason in self.problems))


@dataclass(frozen=True)
class CafeDetails:
    """Everything the desk or an import gives for one café. A precise position is optional:
    without one the café sits at its district's centroid."""

    name: str
    venue: str
    address: str
    postcode: str
    sessions: tuple[WeeklySession, ...]
    closures: tuple[Closure, ...] = ()
    contact: str | None = None
    accessibility: str | None = None
    languages: str | None = None
    last_verified: date | None = None
    active: bool = True
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class Found:
    """One café for a parent: how far, and when it next meets (None if not in eight weeks)."""

    cafe: CafeRecord
    distance_km: float
    next_start: datetime | None
    next_end: datetime | None
    when: str | None


@dataclass(frozen=True)
class Search:
    """`origin_known` is False when we have no position for the district the parent gave."""

    origin_known: bool
    results: list[Found] = field(default_factory=list)


@dataclass(frozen=True)
class Listed:
    """A row of the directory as the admin sees it, inactive and sample cafés included."""

    cafe: CafeRecord
    active: bool
    sample: bool
    last_verified: date | None


def parse_postcode(text: str) -> tuple[str, str] | None:
    """('SE25 6XY', 'SE25') for a full UK postcode in any spacing or case, else None."""
    match = _FULL_POSTCODE.fullmatch((text or "").strip().upper())
    if match is None or match.group(1) not in postcode_areas():
        return None
    outward = match.group(1) + match.group(2)
    return f"{outward} {match.group(3)}", outward


def check_details(details: CafeDetails) -> list[tuple[str, str]]:
    """Every problem with a café's details, as (field, reason); empty when it can be stored."""
    problems: list[tuple[str, str]] = []
    for name in ("name", "venue", "address"):
        if not (getattr(details, name) or "").strip():
            problems.append((name, "missing"))
    parsed = parse_postcode(details.postcode)
    precise = details.latitude is not None and details.longitude is not None
    if not (details.postcode or "").strip():
        problems.append(("postcode", "missing"))
    elif parsed is None:
        problems.append(("postcode", f"{details.postcode.strip()!r} is not a UK postcode"))
    elif not precise and centroid(parsed[1]) is None:
        problems.append(("postcode", f"unknown outward code {parsed[1]} (no position for it)"))
    if (details.latitude is None) != (details.longitude is None):
        problems.append(("latitude", "give both latitude and longitude, or neither"))
    elif precise and not (49.0 <= details.latitude <= 61.5 and -9.0 <= details.longitude <= 2.5):
        problems.append(("latitude", "position is outside the UK"))
    if not details.sessions:
        problems.append(("sessions", "missing: a café needs at least one weekly session"))
    for session in details.sessions:
        if not 0 <= session.weekday <= 6:
            problems.append(("sessions", f"weekday {session.weekday} is not 0 (Monday) to 6"))
        elif session.ends_at <= session.starts_at:
            problems.append(("sessions", "a session ends before it starts"))
    for closure in details.closures:
        if closure.last_day < closure.first_day:
            problems.append(("closures", "a closure ends before it starts"))
    return problems


def _record(cafe: Cafe) -> CafeRecord:
    return CafeRecord(
        id=cafe.id, name=cafe.name, venue=cafe.venue, address=cafe.address,
        postcode=cafe.postcode, latitude=cafe.latitude, longitude=cafe.longitude,
        contact=cafe.contact, accessibility=cafe.accessibility, languages=cafe.languages,
        sessions=tuple(WeeklySession(s.weekday, s.starts_at, s.ends_at) for s in cafe.sessions),
        closures=tuple(Closure(c.first_day, c.last_day, c.reason) for c in cafe.closures),
    )


def _optional(text: str | None) -> str | None:
    return (text or "").strip() or None


def _position(details: CafeDetails) -> tuple[str, str, float, float]:
    """Postcode, district and position of checked details (see check_details)."""
    parsed = parse_postcode(details.postcode)
    if parsed is None:
        raise CafeError([("postcode", f"{details.postcode!r} is not a UK postcode")])
    postcode, outward = parsed
    if details.latitude is not None and details.longitude is not None:
        return postcode, outward, details.latitude, details.longitude
    position = centroid(outward)
    if position is None:
        raise CafeError([("postcode", f"unknown outward code {outward} (no position for it)")])
    return postcode, outward, position[0], position[1]


def _apply(cafe: Cafe, details: CafeDetails) -> None:
    """Copy checked details onto a row; sessions and closures are replaced as a whole."""
    postcode, outward, latitude, longitude = _position(details)
    cafe.name, cafe.venue = details.name.strip(), details.venue.strip()
    cafe.address, cafe.postcode, cafe.outward_code = details.address.strip(), postcode, outward
    cafe.latitude, cafe.longitude = latitude, longitude
    cafe.contact = _optional(details.contact)
    cafe.accessibility = _optional(details.accessibility)
    cafe.languages = _optional(details.languages)
    cafe.last_verified, cafe.active = details.last_verified, details.active
    cafe.sessions = [CafeSession(weekday=s.weekday, starts_at=s.starts_at, ends_at=s.ends_at)
                     for s in sorted(set(details.sessions),
                                     key=lambda s: (s.weekday, s.starts_at, s.ends_at))]
    cafe.closures = [CafeClosure(first_day=c.first_day, last_day=c.last_day,
                                 reason=_optional(c.reason))
                     for c in sorted(details.closures, key=lambda c: (c.first_day, c.last_day))]
    # The finder's cache watches updated_at: bump it even when only sessions changed.
    cafe.updated_at = utcnow()


def _checked(details: CafeDetails) -> CafeDetails:
    problems = check_details(details)
    if problems:
        raise CafeError(problems)
    return details


def _same_cafe(session: Session, details: CafeDetails) -> Cafe | None:
    """The stored café with this name (any case) at this postcode: how imports avoid copies."""
    postcode = _position(details)[0]
    name = details.name.strip().casefold()
    for cafe in session.execute(select(Cafe).where(Cafe.postcode == postcode)).scalars():
        if cafe.name.casefold() == name:
            return cafe
    return None


class CafeDirectory:
    """The service's baby café directory in the app database."""

    def __init__(self, database_url: str, within_km: float | None = DEFAULT_WITHIN_KM) -> None:
        self.database_url = database_url
        self.within_km = within_km
        self._lock = threading.Lock()
        self._finder: CafeFinder | None = None
        self._version: tuple | None = None

    # Searching

    def _directory_version(self, session: Session) -> tuple:
        """Changes whenever a café is added, edited or (de)activated: count and latest edit."""
        count, latest = session.execute(
            select(func.count(Cafe.id), func.max(Cafe.updated_at))
        ).one()
        return count, latest

    def finder(self) -> CafeFinder:
        """The index of active cafés, loaded again only if the directory changed since."""
        with session_scope(self.database_url) as session:
            version = self._directory_version(session)
            with self._lock:
                if self._finder is not None and version == self._version:
                    return self._finder
            cafes = session.execute(
                select(Cafe).where(Cafe.active.is_(True)).order_by(Cafe.id)
                .options(selectinload(Cafe.sessions), selectinload(Cafe.closures))
            ).scalars().all()
            finder = CafeFinder([_record(cafe) for cafe in cafes])
        with self._lock:
            self._finder, self._version = finder, version
        return finder

    def near_point(self, lat: float, lon: float, now: datetime | None = None,
                   limit: int = 3) -> Search:
        """The nearest active cafés to a shared location, each with its next session."""
        now = now or datetime.now(UK)
        results = []
        for match in self.finder().nearest(lat, lon, limit=limit, within_km=self.within_km):
            upcoming = next_session(match.cafe.sessions, match.cafe.closures, now)
            start, end = upcoming if upcoming else (None, None)
            when = describe_session(start, end, now) if upcoming else None
            results.append(Found(match.cafe, match.distance_km, start, end, when))
        return Search(True, results)

    def near_district(self, district: str, now: datetime | None = None,
                      limit: int = 3) -> Search:
        """Cafés nearest a postcode district ('SE25', or a full postcode cut to its district)."""
        outward = extract_district(district or "")
        position = centroid(outward) if outward else None
        if position is None:
            return Search(False, [])
        return self.near_point(position[0], position[1], now=now, limit=limit)

    # The admin's view and changes

    def listing(self) -> list[Listed]:
        """Every café, inactive and sample ones included, by name."""
        with session_scope(self.database_url) as session:
            cafes = session.execute(
                select(Cafe).order_by(Cafe.name, Cafe.id)
                .options(selectinload(Cafe.sessions), selectinload(Cafe.closures))
            ).scalars().all()
            return [Listed(_record(cafe), cafe.active, cafe.sample, cafe.last_verified)
                    for cafe in cafes]

    def get(self, cafe_id: int) -> CafeRecord | None:
        with session_scope(self.database_url) as session:
            cafe = session.get(Cafe, cafe_id)
            return _record(cafe) if cafe is not None else None

    def entry(self, cafe_id: int) -> Listed | None:
        """One café as the admin sees it, so an edit form can start from what is stored."""
        with session_scope(self.database_url) as session:
            cafe = session.get(Cafe, cafe_id)
            if cafe is None:
                return None
            return Listed(_record(cafe), cafe.active, cafe.sample, cafe.last_verified)

    def add(self, details: CafeDetails, actor: str, sample: bool = False) -> int:
        """Add a café; raises CafeError listing every problem with the details."""
        _checked(details)
        with session_scope(self.database_url) as session:
            cafe = Cafe(sample=sample)
            _apply(cafe, details)
            session.add(cafe)
            session.flush()
            audit.record(session, actor, "cafe_added", "cafe", cafe.id, sample=sample)
            return cafe.id

    def update(self, cafe_id: int, details: CafeDetails, actor: str) -> None:
        """Replace a café's details (sessions and closures included)."""
        _checked(details)
        with session_scope(self.database_url) as session:
            cafe = session.get(Cafe, cafe_id)
            if cafe is None:
                raise CafeError([("id", f"no café {cafe_id}")])
            _apply(cafe, details)
            audit.record(session, actor, "cafe_updated", "cafe", cafe.id)

    def deactivate(self, cafe_id: int, actor: str) -> None:
        """Stop offering a café to parents; it stays on file for the audit trail."""
        with session_scope(self.database_url) as session:
            cafe = session.get(Cafe, cafe_id)
            if cafe is None:
                raise CafeError([("id", f"no café {cafe_id}")])
            cafe.active = False
            cafe.updated_at = utcnow()
            audit.record(session, actor, "cafe_deactivated", "cafe", cafe.id)

    def import_cafes(self, rows: Sequence[CafeDetails], actor: str, sample: bool = False,
                     replace_sample: bool = False) -> tuple[int, int, int]:
        """Add or update many cafés in one transaction: (added, updated, samples retired).

        A café matches an existing one by name (any case) and postcode, so importing the same
        file twice updates rather than duplicates. With `replace_sample`, sample cafés not in
        this file are deactivated: the service's own list takes over from the examples.
        """
        problems = [problem for details in rows for problem in check_details(details)]
        if problems:
            raise CafeError(problems)
        added = updated = retired = 0
        with session_scope(self.database_url) as session:
            touched = set()
            for details in rows:
                cafe = _same_cafe(session, details)
                if cafe is None:
                    cafe = Cafe(sample=sample)
                    _apply(cafe, details)
                    session.add(cafe)
                    session.flush()
                    audit.record(session, actor, "cafe_added", "cafe", cafe.id, sample=sample)
                    added += 1
                else:
                    _apply(cafe, details)
                    cafe.sample = sample
                    session.flush()
                    audit.record(session, actor, "cafe_updated", "cafe", cafe.id, sample=sample)
                    updated += 1
                touched.add(cafe.id)
            if replace_sample:
                stale = session.execute(
                    select(Cafe).where(Cafe.sample.is_(True), Cafe.active.is_(True))
                ).scalars()
                for cafe in stale:
                    if cafe.id in touched:
                        continue
                    cafe.active = False
                    cafe.updated_at = utcnow()
                    audit.record(session, actor, "cafe_deactivated", "cafe", cafe.id,
                                 reason="sample replaced")
                    retired += 1
        return added, updated, retired

    def active_samples(self) -> int:
        """How many sample cafés parents can still be shown (a warning for the admin)."""
        with session_scope(self.database_url) as session:
            return session.execute(
                select(func.count(Cafe.id)).where(Cafe.sample.is_(True), Cafe.active.is_(True))
            ).scalar_one()
