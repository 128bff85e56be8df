"""The order in which a visitor's list shows records of one kind: current items first, expired notices
and past events after them. Both the data service (which answers a list a page at a time, so it must
order before it cuts) and the UI (which marks the rows it shows) read "expired" and "past" from here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

# The kinds whose order depends on "now"; every other kind's display order is content.db's alone.
NOW_ORDERED_KINDS = ("notices", "events")

R = TypeVar("R", bound=Mapping[str, Any])


def _instant(value: object) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) and value else None


def is_expired(rec: Mapping[str, Any], now: dt.datetime) -> bool:
    """Notices past valid_until (a display filter: they stay browsable, listed apart)."""
    until = _instant(rec.get("valid_until"))
    return until is not None and until <= now


def is_past(rec: Mapping[str, Any], now: dt.datetime) -> bool:
    """Events that have ended (their registration is greyed out)."""
    end = _instant(rec.get("ends_at")) or _instant(rec.get("starts_at"))
    return end is not None and end <= now


def in_visitor_order(kind: str, records: Sequence[R], now: dt.datetime) -> list[R]:
    """RECORDS (all of KIND, in content.db's display order) as a visitor's list shows them: notices still
    valid before expired ones (each in the given order), upcoming events by start before past events
    latest first; other kinds unchanged."""
    if kind == "notices":
        return [r for r in records if not is_expired(r, now)] + [r for r in records if is_expired(r, now)]
    if kind == "events":
        def start(r: R) -> str:
            value = r.get("starts_at")
            return value if isinstance(value, str) else ""
        upcoming = sorted((r for r in records if not is_past(r, now)), key=start)
        past = sorted((r for r in records if is_past(r, now)), key=start, reverse=True)
        return upcoming + past
    return list(records)
