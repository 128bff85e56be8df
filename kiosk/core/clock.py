"""Time as the kiosk keeps it: one clock, one local time zone, one way to write an instant.

Instants are stored and passed as aware UTC datetimes and as ISO 8601 text to the second.
People read them in China time (UTC+8, no daylight saving), which is also how a naive time
written by staff or in published content is understood. Dependency-free so the UI process,
the data service, the sync child and the CLI can all import it.

Code that needs a testable "now" takes a ``clock`` callable defaulting to :func:`utcnow`;
tests pass their own to pin time.
"""

from __future__ import annotations

import datetime as dt

# Every terminal serves offices in mainland China: one fixed offset, no daylight saving.
CHINA_TZ = dt.timezone(dt.timedelta(hours=8))


def utcnow() -> dt.datetime:
    """The current instant, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    """MOMENT as stored: UTC ISO 8601 to the second (``2026-11-24T01:30:00+00:00``)."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def in_china(moment: dt.datetime) -> dt.datetime:
    """MOMENT (aware) on the wall clocks of the office."""
    return moment.astimezone(CHINA_TZ)


def naive_as_china(moment: dt.datetime) -> dt.datetime:
    """MOMENT made aware: a time written without an offset (by staff, in content) means China time."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=CHINA_TZ)


def minute_text(iso_value: str) -> str:
    """An ISO instant as a visitor reads it: China time to the minute (``2026-11-24 09:30``)."""
    return f"{in_china(dt.datetime.fromisoformat(iso_value)):%Y-%m-%d %H:%M}"


def china_time(value: str | dt.datetime | None, *, to_minute: bool = False, none: str = "-") -> str:
    """An instant as people read it on the CLI and the admin screen: China time with its offset
    (``2026-11-24 09:30:00 +08:00``; ``2026-11-24 09:30 +08:00`` TO_MINUTE), or NONE when there is none.
    A time without an offset is China time already. Machine formats (``--json``) keep the stored UTC ISO
    8601 text instead."""
    if not value:
        return none
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    local = in_china(naive_as_china(moment))
    offset = local.strftime("%z")  # +0800; Python 3.11's strftime has no %:z
    return f"{local:%Y-%m-%d %H:%M}{'' if to_minute else f':{local:%S}'} {offset[:3]}:{offset[3:]}"
