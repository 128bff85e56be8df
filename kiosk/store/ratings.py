"""好差评 in station.db: the ratings visitors give services, their totals for staff and their export.

Qt-free. A rating holds no personal data (kiosk.store.station.Rating): the store checks every
value against the rules of kiosk.core.ratings and refuses anything else with a StationError whose
reason names the problem. "One rating per visit and service" is the rating panel's rule
(kiosk.ui.rating_model): a visit is not something station.db knows about. The reasons may come a moment
after the level (:func:`add_rating_reasons`): they amend the same row, once, within a few minutes.

Ready for the central office: every rating keeps ``sent_at`` NULL until a sender marks it sent
(:func:`mark_sent`), so the fleet sync, when it comes, sends :func:`unsent_ratings` and nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, TypedDict

from peewee import fn

from kiosk.core.clock import iso
from kiosk.core.manifest import ID_RE
from kiosk.core.ratings import (
    AMEND_WINDOW,
    GOOD_FROM,
    LANGUAGES,
    LEVELS,
    MAX_REASONS,
    REASON_BY_CODE,
    satisfied_percent,
)
from kiosk.core.staff_rules import StationReason
from kiosk.store import station
from kiosk.store.db import is_damaged
from kiosk.store.station import Rating, StationError


class RatingRow(TypedDict):
    """One rating as exported (docs/cli.md, `ipkiosk ratings export`)."""

    id: int
    at: str  # UTC ISO 8601 with its offset
    service_id: str
    level: int
    reasons: list[str]
    language: str
    sent_at: str | None


class RatingTotals(TypedDict):
    """The ratings of one service: COUNTS[level - 1] ratings at each level, their TOTAL and the share at
    基本满意 or better (kiosk.core.ratings.satisfied_percent)."""

    service_id: str
    counts: list[int]
    total: int
    satisfied_percent: float


def check_rating(service_id: Any, level: Any, reasons: Any, language: Any) -> list[str]:
    """StationError naming the first value that is not a rating's; else REASONS as they are stored."""
    if not isinstance(service_id, str) or not ID_RE.match(service_id):
        raise StationError(StationReason.BAD_RECORD_ID,
                           f"service_id: got {str(service_id)[:80]!r}, expected a record id")
    # bool is an int to Python; a rating of True is still not a level.
    if type(level) is not int or level not in LEVELS:
        raise StationError(StationReason.BAD_RATING_LEVEL,
                           f"level: got {str(level)[:20]!r}, expected a whole number from 1 to 5")
    codes = _check_reasons(reasons, level)
    if language not in LANGUAGES:
        raise StationError(StationReason.BAD_RATING_LANGUAGE,
                           f"language: got {str(language)[:20]!r}, expected one of {', '.join(LANGUAGES)}")
    return codes


def _check_reasons(reasons: Any, level: int) -> list[str]:
    """StationError naming the first of REASONS that is not a reason offered with LEVEL; else REASONS."""
    if not isinstance(reasons, list):
        raise StationError(StationReason.UNKNOWN_RATING_REASON,
                           f"reasons: got {type(reasons).__name__}, expected a list of reason codes")
    if len(reasons) > MAX_REASONS:
        raise StationError(StationReason.TOO_MANY_RATING_REASONS,
                           f"reasons: {len(reasons)} given, expected at most {MAX_REASONS}")
    for code in reasons:
        reason = REASON_BY_CODE.get(code) if isinstance(code, str) else None
        if reason is None:
            raise StationError(StationReason.UNKNOWN_RATING_REASON,
                               f"reasons: unknown reason code {str(code)[:40]!r}; known: {', '.join(REASON_BY_CODE)}")
        if reason.good != (level >= GOOD_FROM):
            raise StationError(StationReason.RATING_REASON_OTHER_LEVEL,
                               f"reasons: {code!r} is not offered with level {level}")
    if len(set(reasons)) != len(reasons):
        raise StationError(StationReason.UNKNOWN_RATING_REASON, "reasons: a reason code is given twice")
    return list(reasons)


def _check_writable(what: str) -> None:
    """StationError when station.db cannot take WHAT now (unusable, or read-only on a full disk)."""
    problem = station.station_problem()
    if problem is not None or station.station_db.is_closed():
        raise StationError(StationReason.STATION_UNUSABLE, f"station.db is unusable ({problem or 'not open'})")
    if station.read_only_reason() is not None:
        raise StationError(StationReason.STATION_READ_ONLY,
                           f"station.db is read-only ({station.read_only_reason()}); {what} is not saved")


def record_rating(service_id: str, level: int, reasons: list[str], language: str, now: dt.datetime) -> int:
    """Store one rating given at NOW (aware); its id. StationError when a value is refused (check_rating) or
    station.db cannot take it (unusable, or read-only on a full disk)."""
    codes = check_rating(service_id, level, reasons, language)
    _check_writable("the rating")
    rating: Rating = Rating.create(at=iso(now), service_id=service_id, level=level, reasons=" ".join(codes),
                                   language=language)
    return int(rating.id)


def add_rating_reasons(rating_id: int, reasons: list[str], now: dt.datetime) -> None:
    """Add REASONS to rating RATING_ID at NOW (aware): the panel saves the level first and offers the reasons
    after. Only once, only to a rating saved without reasons at most AMEND_WINDOW before NOW, and only
    reasons of its level's direction; anything else is a StationError naming the problem, and the rating
    stays as it was."""
    if type(rating_id) is not int or rating_id < 1:
        raise StationError(StationReason.RATING_NOT_FOUND,
                           f"rating_id: got {str(rating_id)[:20]!r}, expected the id of a saved rating")
    _check_writable("the reasons")
    rating = Rating.get_or_none(Rating.id == rating_id)
    if rating is None:
        raise StationError(StationReason.RATING_NOT_FOUND, f"rating_id: no rating {rating_id}")
    codes = _check_reasons(reasons, rating.level)
    if not codes:
        raise StationError(StationReason.UNKNOWN_RATING_REASON, "reasons: none given; nothing to add")
    if rating.reasons:
        raise StationError(StationReason.RATING_HAS_REASONS,
                           f"rating {rating_id} has its reasons already ({rating.reasons}); a rating is amended once")
    age = now - dt.datetime.fromisoformat(rating.at)
    if not dt.timedelta(0) <= age <= AMEND_WINDOW:
        raise StationError(StationReason.RATING_AMEND_TOO_LATE,
                           f"rating {rating_id} was saved at {rating.at}; reasons may be added only within "
                           f"{int(AMEND_WINDOW.total_seconds() // 60)} minutes of that")
    # The condition repeats the check in the UPDATE itself, so two amendments racing cannot both land. A rating
    # already sent to the central office is unsent again, so the office gets its reasons too (same id).
    changed = (Rating.update(reasons=" ".join(codes), sent_at=None)
               .where((Rating.id == rating_id) & (Rating.reasons == "")).execute())
    if not changed:
        raise StationError(StationReason.RATING_HAS_REASONS, f"rating {rating_id} has its reasons already")


_COLUMNS = (Rating.id, Rating.at, Rating.service_id, Rating.level, Rating.reasons, Rating.language, Rating.sent_at)


def _rows(query: Any) -> Iterator[RatingRow]:
    """QUERY's ratings as exported, one at a time as SQLite steps through them (read as tuples: a model object
    per row costs 20 times more on 100,000 ratings; and never cached by peewee, so a long export holds one row
    at a time); rows that cannot be read (damaged on disk) are left out."""
    for rid, at, service_id, level, reasons, language, sent_at in query.tuples().iterator():
        if not is_damaged(at, service_id, reasons, language, sent_at):
            yield {"id": rid, "at": at, "service_id": service_id, "level": level,
                   "reasons": reasons.split() if reasons else [], "language": language, "sent_at": sent_at}


def iter_ratings_since(since: dt.datetime | None = None) -> Iterator[RatingRow]:
    """Every rating given at or after SINCE (aware; all without it), oldest first, one at a time: what
    `ipkiosk ratings export` streams, however many ratings station.db holds. The read stays open until the
    iterator is exhausted or dropped (WAL: the kiosk keeps saving ratings meanwhile)."""
    q = Rating.select(*_COLUMNS).order_by(Rating.at, Rating.id)
    if since is not None:
        q = q.where(Rating.at >= iso(since))
    return _rows(q)


def ratings_since(since: dt.datetime | None = None) -> list[RatingRow]:
    """Every rating given at or after SINCE (aware; all without it), oldest first, as a list."""
    return list(iter_ratings_since(since))


def unsent_ratings(limit: int = 1000) -> list[RatingRow]:
    """The oldest LIMIT ratings not yet sent to the central office."""
    return list(_rows(Rating.select(*_COLUMNS).where(Rating.sent_at.is_null()).order_by(Rating.id).limit(limit)))


def mark_sent(rating_ids: list[int], now: dt.datetime) -> int:
    """Mark RATING_IDS as sent to the central office at NOW; how many were still unsent."""
    if not rating_ids:
        return 0
    return int(Rating.update(sent_at=iso(now)).where(Rating.id.in_(rating_ids) & Rating.sent_at.is_null()).execute())


def rating_totals() -> list[RatingTotals]:
    """The ratings per service, the most rated first (ties by service id); [] while station.db is unusable."""
    if station.station_problem() is not None or station.station_db.is_closed():
        return []
    counts: dict[str, dict[int, int]] = {}
    q = (Rating.select(Rating.service_id, Rating.level, fn.COUNT(Rating.id))
         .group_by(Rating.service_id, Rating.level).tuples())
    for service_id, level, count in q:
        if is_damaged(service_id) or level not in LEVELS:
            continue
        counts.setdefault(service_id, {})[level] = int(count)
    totals: list[RatingTotals] = []
    for service_id, by_level in counts.items():
        percent = satisfied_percent(by_level)
        totals.append({"service_id": service_id, "counts": [by_level.get(level, 0) for level in range(1, 6)],
                       "total": sum(by_level.values()), "satisfied_percent": percent or 0.0})
    totals.sort(key=lambda t: (-t["total"], t["service_id"]))
    return totals
