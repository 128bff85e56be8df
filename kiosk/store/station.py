"""station.db: local, precious data — announcements, settings overrides, audit log, usage, record views.

Qt-free. Sync never opens this file and no code path deletes it; the content reset and
every sync touch content.db only. Every staff action writes an audit row in the same
transaction as the change it records.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path
from typing import Any

from peewee import AutoField, BooleanField, CharField, DatabaseError, IntegerField, Model, SqliteDatabase, TextField, fn

from kiosk.core.clock import in_china, iso, naive_as_china, utcnow
from kiosk.core.durable import private_file, tighten_private_files
from kiosk.core.logs import FILE_ONLY
from kiosk.core.manifest import ID_RE, MAX_UTC_OFFSET, MAX_YEAR, MIN_YEAR
from kiosk.core.safe_text import content_problem
from kiosk.core.staff_rules import MAX_BODY_CHARS, MAX_TITLE_CHARS, StationReason
from kiosk.store.db import (
    DamagedRow,
    KioskDatabase,
    describe_damage,
    find_damaged_rows,
    init_database,
    integrity_ok,
    is_damaged,
    open_read_only,
    storage_problem,
)

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

station_db = KioskDatabase(None)


class StationError(ValueError):
    """Staff input refused; ``reason`` says why (the admin screen words it), the message names the field."""

    def __init__(self, reason: StationReason, message: str):
        super().__init__(message)
        self.reason = reason


class BaseModel(Model):
    class Meta:
        database = station_db


class Announcement(BaseModel):
    id = AutoField()
    title = TextField()
    body = TextField(default="")
    starts_at = CharField(null=True)  # UTC ISO; null = from now on
    ends_at = CharField(null=True)  # UTC ISO; null = until removed
    pinned = BooleanField(default=False)
    created_at = CharField()
    updated_at = CharField()

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "body": self.body,
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            "pinned": self.pinned,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


class StationSetting(BaseModel):
    key = CharField(primary_key=True)
    value = TextField()


class AuditLog(BaseModel):
    id = AutoField()
    at = CharField()
    actor = CharField()  # "admin-screen" or "cli"
    action = CharField()
    object = CharField(default="")
    detail = TextField(default="")


class UsageEvent(BaseModel):
    id = AutoField()
    at = CharField()
    kind = CharField()
    object = CharField(default="")


class RecordView(BaseModel):
    """How often one record was opened on one day (China time): the local popularity that orders records
    tied on their curated order. No personal data: a record id, a day and a count."""

    id = AutoField()
    record_id = CharField()
    day = CharField()  # YYYY-MM-DD, China time
    count = IntegerField(default=0)

    class Meta:
        indexes = ((("record_id", "day"), True),)


class Rating(BaseModel):
    """One 好差评 rating a visitor gave a service (kiosk.store.ratings). No personal data: an instant, a
    record id, a level, reason codes and the screen's language. SENT_AT stays NULL until the rating has
    been sent to the central office (the fleet sync, later), so that sync knows what is still to send."""

    id = AutoField()
    at = CharField(index=True)  # UTC ISO
    service_id = CharField()  # the service's record id (a booking type's id when booked without a service)
    level = IntegerField()  # 1 (非常不满意) … 5 (非常满意), kiosk.core.ratings
    reasons = TextField(default="")  # reason codes separated by single spaces, in the order the panel lists them
    language = CharField()  # "zh" or "en"
    sent_at = CharField(null=True)  # UTC ISO; NULL: not sent to the central office yet

    class Meta:
        # The admin screen's totals group by service and level: read from the index alone.
        indexes = ((("service_id", "level"), False),)


MODELS = [Announcement, StationSetting, AuditLog, UsageEvent, RecordView, Rating]


def _m0001_initial(db: SqliteDatabase) -> None:
    db.create_tables([Announcement, StationSetting, AuditLog, UsageEvent])


def _m0002_record_view(db: SqliteDatabase) -> None:
    # A new table only: nothing already in station.db is touched.
    db.create_tables([RecordView])


def _m0003_rating(db: SqliteDatabase) -> None:
    # A new table only: nothing already in station.db is touched.
    db.create_tables([Rating])


MIGRATIONS = [("0001_initial", _m0001_initial), ("0002_record_view", _m0002_record_view),
              ("0003_rating", _m0003_rating)]


def open_station_db(path: Path | str) -> SqliteDatabase:
    """Open (creating if needed) station.db read-write; it and its -wal/-shm stay private (0640)."""
    global _open_problem, _read_only_reason
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        private_file(Path(path))
    db = init_database(station_db, path, MIGRATIONS)
    if str(path) != ":memory:":
        tighten_private_files(Path(f"{path}-wal"), Path(f"{path}-shm"))
    _open_problem = None
    _read_only_reason = None
    return db


# Why station.db could not be opened (None while healthy). While set, visitors see content
# without station announcements and the admin screen offers a restore from a backup.
_open_problem: str | None = None
# Why station.db is open read-only (a full disk or an I/O error: the file is fine, so nothing is
# restored; announcements still show and staff changes wait until there is room again).
_read_only_reason: str | None = None
# Rows found unreadable at open (a flipped byte on disk); they are skipped, never deleted here.
_damage: list[DamagedRow] = []

# Tables scanned at every open (what screens show and the PIN); doctor scans all of MODELS.
_SCANNED_AT_OPEN = ("announcement", "stationsetting")


def open_station_db_safely(path: Path | str) -> tuple[bool, str]:
    """Open station.db for the UI process; returns (ok, problem).

    A corrupt or unreadable station.db is NEVER deleted, moved or rewritten here: it holds the
    only copy of staff work. The file is first checked on a plain connection that writes
    nothing (no pragmas, no migrations); only a healthy file is then opened for real."""
    global _open_problem, _read_only_reason, _damage
    if not station_db.is_closed():
        station_db.close()
    _damage = []
    problem = ""
    # Only a file that already holds station data can be shown read-only (a new one has no tables).
    had_data = Path(path).is_file() and Path(path).stat().st_size > 0
    if Path(path).exists():
        try:
            probe = sqlite3.connect(str(path))
            try:
                ok, detail = integrity_ok(probe)
            finally:
                probe.close()
            if not ok:
                problem = f"integrity_check: {detail[:200]}"
        except sqlite3.DatabaseError as exc:
            storage = storage_problem(exc, Path(path).parent)
            if storage is not None and had_data:
                return _open_read_only(Path(path), storage)
            problem = storage or str(exc)
    if not problem:
        try:
            open_station_db(path)
        except DatabaseError as exc:
            station_db.close()
            storage = storage_problem(exc, Path(path).parent)
            if storage is not None and had_data:
                return _open_read_only(Path(path), storage)
            problem = storage or str(exc)
        else:
            _note_damage(path)
            return True, ""
    _open_problem = f"{path}: {problem}"
    log.error("station.db unusable, running without station announcements (file left untouched): %s", _open_problem)
    return False, _open_problem


def _open_read_only(path: Path, reason: str) -> tuple[bool, str]:
    """A full or failing disk: read station.db without writing a byte (announcements still show)."""
    global _open_problem, _read_only_reason
    tighten_private_files(path, Path(f"{path}-wal"), Path(f"{path}-shm"))  # a chmod needs no free space
    open_read_only(station_db, path)
    _open_problem, _read_only_reason = None, reason
    log.error("station.db opened read-only: %s; announcements are shown, staff changes wait for free space", reason)
    _note_damage(path)
    return True, ""


def _note_damage(path: Path | str) -> None:
    global _damage
    try:
        _damage = damaged_rows(_SCANNED_AT_OPEN)
    except (DatabaseError, sqlite3.Error) as exc:  # e.g. a read error: the lists will say more
        log.error("station.db %s: could not scan for damaged rows (%s)", path, exc)
        _damage = []
    if _damage:
        # The file only: `ipkiosk` commands print the summary themselves (kiosk.commands.open_station).
        log.error("station.db %s: %s", path, damage_summary(), extra={FILE_ONLY: True})


def _scan(conn: sqlite3.Connection, table: str) -> list[DamagedRow]:
    model = next(m for m in MODELS if m._meta.table_name == table)
    key = model._meta.primary_key.column_name
    columns = tuple(f.column_name for f in model._meta.sorted_fields if f.field_type in ("VARCHAR", "TEXT"))
    return list(find_damaged_rows(conn, table, key, columns))


def damaged_rows(tables: tuple[str, ...] | None = None) -> list[DamagedRow]:
    """Rows of station.db with a value that cannot be read (all tables by default); reads the
    database the models are bound to (doctor binds them to a read-only connection)."""
    conn = Announcement._meta.database.connection()
    return [d for table in tables or tuple(m._meta.table_name for m in MODELS) for d in _scan(conn, table)]


_NOUNS = {"announcement": "announcement", "stationsetting": "setting", "auditlog": "audit entry",
          "usageevent": "usage event", "recordview": "record view count", "rating": "rating"}


def damage_summary(rows: list[DamagedRow] | None = None, *, remedy: bool = True) -> str | None:
    """'1 damaged announcement (id 3)' (per table, joined by '; '), with the way out unless not
    REMEDY; None without damage. ROWS default to those found at open."""
    rows = _damage if rows is None else rows
    if not rows:
        return None
    parts = [describe_damage([r for r in rows if r.table == t], _NOUNS.get(t, t),
                             key_label="" if t == "stationsetting" else "id ")
             for t in dict.fromkeys(r.table for r in rows)]
    way_out = " (unreadable; restore a backup with `ipkiosk station restore FILE`)" if remedy else ""
    return "; ".join(parts) + way_out


def station_problem() -> str | None:
    """The reason station.db is unavailable, or None when it is open (maybe read-only, see read_only_reason)."""
    return _open_problem


def read_only_reason() -> str | None:
    """'disk full (…)' while station.db is open read-only, else None."""
    return _read_only_reason


def audit(action: str, obj: str = "", detail: str = "", actor: str = "cli") -> None:
    AuditLog.create(at=iso(utcnow()), actor=actor, action=action, object=obj, detail=detail)


def recent_audit(limit: int = 50) -> list[dict[str, Any]]:
    """Newest audit rows first (admin screen, `ipkiosk admin audit`)."""
    q = AuditLog.select().order_by(AuditLog.id.desc()).limit(limit)
    return [{"at": r.at, "actor": r.actor, "action": r.action, "object": r.object, "detail": r.detail} for r in q
            if not _skipped("audit entry", r.id, r.at, r.actor, r.action, r.object, r.detail)]


def parse_instant(value: str | None, field: str) -> str | None:
    """ISO date/datetime from staff → UTC ISO; a naive value is taken as China time (+08:00)."""
    if value in (None, ""):
        return None
    expected = (f"{field}: got {value!r}, expected an ISO date or datetime such as 2026-12-01T09:00 (years "
                f"{MIN_YEAR}–{MAX_YEAR}, an offset of at most 14 hours)")
    try:
        moment = naive_as_china(dt.datetime.fromisoformat(value))
        offset = moment.utcoffset()
        # The bounds content dates have (kiosk.core.manifest): 0001-01-01T00:00+14:00 is a valid ISO datetime whose
        # UTC instant is before year 1, and converting it crashed `ratings export --since` and `announce add`.
        if offset is None or abs(offset) > MAX_UTC_OFFSET or not MIN_YEAR <= moment.year <= MAX_YEAR:
            raise ValueError(value)
        return iso(moment)
    except (ValueError, OverflowError):
        raise StationError(StationReason.BAD_INSTANT, expected) from None


def _check_writable() -> None:
    if _read_only_reason is not None:
        raise StationError(StationReason.STATION_READ_ONLY, f"station.db is read-only ({_read_only_reason}): free space on the data disk, then try again")


def _check_text(title: str, body: str) -> None:
    if not title or not title.strip():
        raise StationError(StationReason.TITLE_EMPTY, "title: empty, expected some text")
    if len(title) > MAX_TITLE_CHARS:
        raise StationError(StationReason.TITLE_TOO_LONG, f"title: {len(title)} characters, expected at most {MAX_TITLE_CHARS}")
    if len(body) > MAX_BODY_CHARS:
        raise StationError(StationReason.BODY_TOO_LONG, f"body: {len(body)} characters, expected at most {MAX_BODY_CHARS}")
    # The same character rules as published content: an announcement is shown on the public screen too.
    for name, text, reason in (("title", title, StationReason.TITLE_NOT_SHOWABLE),
                               ("body", body, StationReason.BODY_NOT_SHOWABLE)):
        if problem := content_problem(text):
            raise StationError(reason, f"{name}: {problem}")


def _check_window(starts_at: str | None, ends_at: str | None) -> None:
    if starts_at and ends_at and ends_at <= starts_at:
        raise StationError(StationReason.ENDS_BEFORE_START, f"ends_at ({ends_at}) must be after starts_at ({starts_at})")


def add_announcement(title: str, body: str = "", *, starts_at: str | None = None, ends_at: str | None = None,
                     pinned: bool = False, actor: str = "cli") -> Announcement:
    _check_writable()
    _check_text(title, body)
    starts, ends = parse_instant(starts_at, "starts_at"), parse_instant(ends_at, "ends_at")
    _check_window(starts, ends)
    now = iso(utcnow())
    with station_db.atomic():
        ann: Announcement = Announcement.create(title=title.strip(), body=body, starts_at=starts, ends_at=ends,
                                                pinned=pinned, created_at=now, updated_at=now)
        audit("announcement.add", str(ann.id), title.strip(), actor)
    return ann


def edit_announcement(ann_id: int, *, actor: str = "cli", **changes: Any) -> Announcement:
    _check_writable()
    ann = Announcement.get_or_none(Announcement.id == ann_id)
    if ann is None:
        raise StationError(StationReason.ANNOUNCEMENT_NOT_FOUND, f"announcement {ann_id}: not found")
    if "title" in changes or "body" in changes:
        _check_text(changes.get("title", ann.title), changes.get("body", ann.body))
    for field in ("starts_at", "ends_at"):
        if field in changes:
            changes[field] = parse_instant(changes[field], field)
    merged = {**ann.as_dict(), **changes}
    _check_window(merged["starts_at"], merged["ends_at"])
    with station_db.atomic():
        Announcement.update(**changes, updated_at=iso(utcnow())).where(Announcement.id == ann_id).execute()
        audit("announcement.edit", str(ann_id), ", ".join(sorted(changes)), actor)
    edited: Announcement = Announcement.get_by_id(ann_id)
    return edited


def remove_announcement(ann_id: int, *, actor: str = "cli") -> None:
    _check_writable()
    with station_db.atomic():
        if not Announcement.delete().where(Announcement.id == ann_id).execute():
            raise StationError(StationReason.ANNOUNCEMENT_NOT_FOUND, f"announcement {ann_id}: not found")
        audit("announcement.remove", str(ann_id), "", actor)


def list_announcements() -> list[dict[str, Any]]:
    q = Announcement.select().order_by(Announcement.pinned.desc(), Announcement.starts_at.desc(nulls="last"),
                                       Announcement.id.desc())
    return [a.as_dict() for a in q
            if not _skipped("announcement", a.id, a.title, a.body, a.starts_at, a.ends_at, a.created_at, a.updated_at)]


# Each damaged row is logged once per process (screens read the list again every few seconds).
_skipped_logged: set[tuple[str, int]] = set()


def _skipped(what: str, row_id: int, *values: object) -> bool:
    """True (and logged once) when a value of the row cannot be read: it is left out of lists."""
    if not is_damaged(*values):
        return False
    if (what, row_id) not in _skipped_logged:
        _skipped_logged.add((what, row_id))
        log.error("station.db: %s %s cannot be read (damaged on disk); skipped — restore a backup "
                  "with `ipkiosk station restore FILE`", what, row_id, extra={FILE_ONLY: True})
    return True


def current_announcements(now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Announcements visible at NOW (start inclusive, end exclusive), pinned first, newest first."""
    if _open_problem is not None:
        return []
    stamp = iso(now or utcnow())
    return [a for a in list_announcements() if (a["starts_at"] is None or a["starts_at"] <= stamp)
            and (a["ends_at"] is None or stamp < a["ends_at"])]


def get_setting(key: str, default: str | None = None) -> str | None:
    row = StationSetting.get_or_none(StationSetting.key == key)
    return row.value if row else default


def set_setting(key: str, value: str) -> None:
    StationSetting.replace(key=key, value=value).execute()


def record_usage(kind: str, obj: str = "") -> None:
    UsageEvent.create(at=iso(utcnow()), kind=kind, object=obj)


# Popularity counts the views of the last POPULAR_DAYS days; a day's counts are kept VIEW_KEEP_DAYS days
# (room to look further back later), then deleted, so the table stays small on a terminal that runs for years.
POPULAR_DAYS = 30
VIEW_KEEP_DAYS = 90


def record_view(record_id: str, now: dt.datetime) -> bool:
    """Count one view of RECORD_ID (a visitor opened it) on NOW's day (China time); NOW is aware.

    Returns False, counting nothing, while station.db is unusable or read-only: a lost view is not worth
    a failure on a visitor's screen. StationError for a RECORD_ID that is not a record id (nothing but
    ids is stored, so no free text a visitor typed can end up here)."""
    if not ID_RE.match(record_id):
        raise StationError(StationReason.BAD_RECORD_ID, f"record_id: got {record_id[:80]!r}, expected a record id")
    if _open_problem is not None or _read_only_reason is not None or station_db.is_closed():
        return False
    day = in_china(now).date()
    with station_db.atomic():
        RecordView.insert(record_id=record_id, day=day.isoformat(), count=1).on_conflict(
            conflict_target=[RecordView.record_id, RecordView.day],
            update={RecordView.count: RecordView.count + 1}).execute()
        RecordView.delete().where(RecordView.day < (day - dt.timedelta(days=VIEW_KEEP_DAYS)).isoformat()).execute()
    return True


def views_since(since: dt.datetime) -> dict[str, int]:
    """{record id: views} from the China-time day of SINCE (aware) on, for the records viewed at all;
    {} while station.db is unusable. Views of the last POPULAR_DAYS days order lists
    (kiosk.store.content.list_records): ``views_since(now - dt.timedelta(days=POPULAR_DAYS))``."""
    if _open_problem is not None or station_db.is_closed():
        return {}
    first_day = in_china(since).date().isoformat()
    q = (RecordView.select(RecordView.record_id, fn.SUM(RecordView.count)).where(RecordView.day >= first_day)
         .group_by(RecordView.record_id).tuples())
    return {rid: int(total) for rid, total in q if not is_damaged(rid)}
