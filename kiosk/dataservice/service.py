"""The data service: what the kiosk UI reads and writes, answered by `ipkiosk data-service`.

The UI process starts this as a child (kiosk.ui.data_client) and talks to it over its stdin and
stdout, one JSON document per line:

    request   {"id": 7, "method": "list_records", "args": ["services"]}
    answer    {"id": 7, "result": [...]}
    failure   {"id": 7, "error": {"type": "StationError", "reason": "title_empty", "message": "title: empty"}}

The child owns everything behind the screen: it opens content.db (importing the bundled seed on
first boot) and station.db, keeps the search index over the current content, checks the staff
PIN and makes station.db backups. The UI process imports none of peewee, SQLite, the stores or
the search engine: that is about 6 MB it would otherwise carry all day (docs/benchmarks.md, UI),
and a fault in the data layer (a corrupt file, a failing disk) ends at most this process, which
the UI restarts while the last good content stays on screen.

Every "now" comes from the UI as an ISO instant: its clock is the one tests pin.

Two limits guard the screen. Every answer is cleaned by kiosk.core.safe_text's rules on its way out,
once, here (for_screen): whatever content.db or station.db holds (rows from older versions, a
hand-signed manifest, a staff announcement), no control character, bidi override or pile of
combining marks reaches a screen. And a line of the pipe is at most MAX_LINE_BYTES in either
direction, each end refusing a longer one without reading it into memory whole: a request with
BadRequest, an answer (kiosk.ui.data_client) with DataUnavailable. Answers stay far below it: list
answers leave out what only a detail page shows, and a detail page is one bounded call (detail_page).

A full disk is told apart from every other failure: station.db and content.db are then open
read-only (kiosk/store/station.py, kiosk/store/recovery.py), visitors' screens read as before, and
every staff action that writes fails with StorageError naming it ("station.db: disk full (…)"),
also when the disk fills up while the files are open; storage_faults tells the admin screen.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import logging
import sys
from pathlib import Path
from typing import IO

from peewee import DatabaseError

from kiosk.booking import booking_type_for_service
from kiosk.core import config as config_mod
from kiosk.core.clock import iso, utcnow
from kiosk.core.manifest import LIST_LIMITS
from kiosk.core.safe_text import MAX_COMBINING_RUN, clean_tree, content_problem
from kiosk.core.staff_rules import StorageReason
from kiosk.store import backup, content, recovery, station
from kiosk.store.db import disk_full, storage_problem
from kiosk.store.pin import PinError, PinGuard
from kiosk.store.recovery import StorageError

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# Failures a caller is told about by type (the admin screen words each in Chinese); anything else
# is reported as InternalError with its message and logged with the traceback here.
EXPECTED_ERRORS = (station.StationError, PinError, backup.BackupError, StorageError, LookupError, ValueError)

# Fields only a detail page shows; list answers leave them out.
DETAIL_ONLY_FIELDS = ("body", "conditions", "materials", "process", "channels", "related_ids", "attachments",
                      "keywords")

# The longest line either end of the pipe reads. A list row is 500-850 bytes on the bundled content
# (the 40 services answer in 29 KB), so this holds some 80,000 rows of one kind: it refuses a runaway
# line (a 100 MB one cost the UI 551 MB), it does not limit a catalogue.
MAX_LINE_BYTES = 64 * 1024 * 1024

# Damaged rows named per table in storage_faults (the rest are counted): a banner line, not a list.
DAMAGE_NAMES_SHOWN = 5


# Characters known to need no cleaning however many follow each other; grows to the content's alphabet.
_DISPLAY_SAFE_CHARS: set[str] = set()


def _strings(value, out: list[str]) -> None:
    """Append every string in VALUE (a JSON value), dict keys included, to OUT."""
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)
    elif isinstance(value, dict):
        for key, item in value.items():
            _strings(key, out)
            _strings(item, out)


def for_screen(value):
    """VALUE as clean_tree makes it, at the cost of a set of its characters when it is clean already.

    clean_tree looks at every character in Python (about 50 ms for the 40 bundled services, which the
    UI reads while it waits); almost every answer needs no change, and a text made only of characters
    that are neither forbidden nor combining marks needs none."""
    parts: list[str] = []
    _strings(value, parts)
    chars = set("".join(parts))
    for ch in chars - _DISPLAY_SAFE_CHARS:
        if content_problem(ch * (MAX_COMBINING_RUN + 1)) is None:
            _DISPLAY_SAFE_CHARS.add(ch)
    return value if chars <= _DISPLAY_SAFE_CHARS else clean_tree(value)


def _summary_rows(record_ids: list[str]):
    """Id, kind and title of those of RECORD_IDS that exist, in one query (the ids are few: a capped list)."""
    if not record_ids:
        return []
    rec = content.Record
    return rec.select(rec.id, rec.kind, rec.title).where(rec.id.in_(record_ids))


def _instant(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


class DataService:
    """The methods the UI may call (METHODS); arguments and results are plain JSON values."""

    METHODS = (
        # visitors' screens
        "content_serial", "status", "list_records", "get_record", "detail_page", "record_kind", "search",
        "current_announcements",
        # staff screens
        "station_problem", "storage_faults", "list_announcements", "save_announcement", "remove_announcement", "audit",
        "pin_state", "check_pin", "set_pin", "counts_by_kind", "demo_count",
        "backups", "backup_if_due", "backup_now", "restore_backup",
    )

    def __init__(self, cfg: config_mod.Config):
        from kiosk.store.seed import open_content

        self._cfg = cfg
        self._now = utcnow()
        self._index_serial: int | None = None
        self._index = None
        cfg.data_path.mkdir(parents=True, exist_ok=True)
        # First boot only: the bundled seed is imported here, through the same apply code as a sync
        # (afterwards only the sync child writes content.db).
        open_content(cfg)
        # A corrupt station.db is never touched: the kiosk shows content without station
        # announcements and the admin screen offers a restore.
        station.open_station_db_safely(cfg.station_db_path)
        self._guard = PinGuard(clock=lambda: self._now)  # audits as the admin screen, its only user

    def _at(self, now: str) -> None:
        self._now = _instant(now)

    # ------------------------------------------------------------ content

    def content_serial(self) -> int:
        return content.sync_status().apply_serial

    def status(self) -> dict:
        return content.status_dict()

    def list_records(self, kind: str, category: str | None = None) -> list[dict]:
        """Records of KIND (one service CATEGORY) in display order, without the fields only a detail
        page shows (DETAIL_ONLY_FIELDS: detail_page has them, bounded), so that a list answer stays
        small however long the bodies and lists of its records are."""
        rows = content.list_records(kind, category=category or None)
        for row in rows:
            for name in DETAIL_ONLY_FIELDS:
                row.pop(name, None)
        return rows

    def get_record(self, record_id: str) -> dict | None:
        return content.get_record(record_id)

    def detail_page(self, record_id: str) -> dict | None:
        """Everything a detail page shows, in one answer of bounded size, or None when RECORD_ID is gone:
        {"record": the record with every list field cut to LIST_LIMITS, "related": [{id, kind, title}]
        of its related records that exist (in its order, at most LIST_LIMITS["related_ids"]),
        "bookingTypeId": the booking type of a service, else ""}.

        The publisher and the sync apply refuse longer lists; this cap is the terminal's own defence
        against a content.db written otherwise (an older version, a hand-signed manifest), so that a
        record with 50,000 related ids costs one query and a page of 30 rows, not 50,000 round trips."""
        rec = content.get_record(record_id)
        if rec is None:
            return None
        for name, limit in LIST_LIMITS.items():
            if isinstance(rec.get(name), list) and len(rec[name]) > limit:
                rec[name] = rec[name][:limit]
        related_ids = rec.get("related_ids") if isinstance(rec.get("related_ids"), list) else []
        wanted = list(dict.fromkeys(rid for rid in related_ids if isinstance(rid, str)))
        found = {row.id: row for row in _summary_rows(wanted)}
        related = [{"id": rid, "kind": found[rid].kind, "title": found[rid].title} for rid in wanted if rid in found]
        booking_type_id = ""
        if rec.get("kind") == "services":
            booking_type_id = (booking_type_for_service(rec["id"], content.list_records("booking_types")) or {}).get(
                "id", "")
        return {"record": rec, "related": related, "bookingTypeId": booking_type_id}

    def record_kind(self, record_id: str) -> str:
        row = content.Record.get_or_none(content.Record.id == record_id)
        return row.kind if row else ""

    def counts_by_kind(self) -> dict:
        return content.counts_by_kind()

    def demo_count(self) -> int:
        return content.Record.select().where(content.Record.is_demo == True).count()  # noqa: E712

    def search(self, query: str, letters: str, now: str, *, kinds: list[str], limit: int, candidate_limit: int,
               nearest_limit: int) -> dict:
        """The first LIMIT hits for QUERY that are of KINDS, candidate words for LETTERS and, when no
        hit is left, what to try instead."""
        self._at(now)
        index = self._search_index()
        hits = [h for h in index.search(query, limit) if h.kind in kinds]
        zero = index.zero_results(query, nearest_limit) if not hits else None
        return {
            "hits": [{"id": h.id, "kind": h.kind, "title": h.title} for h in hits],
            "candidates": index.suggest(letters, candidate_limit) if letters else [],
            "nearest": zero.suggestions if zero else [],
            "browse": [{"kind": c.kind, "category": c.category, "count": c.count} for c in zero.categories]
            if zero else [],
        }

    def _search_index(self):
        """The index over the current content, rebuilt when content.db got a new apply."""
        from kiosk.search.engine import SearchIndex

        serial = self.content_serial()
        if self._index_serial != serial:
            self._index = SearchIndex(content.search_docs(), content.vocabulary_rows(), now=lambda: self._now)
            self._index_serial = serial
        return self._index

    # ------------------------------------------------------------ station

    def station_problem(self) -> str:
        """'' when station.db is usable, else why not."""
        problem = station.station_problem()
        if problem is None and station.station_db.is_closed():
            problem = "station.db is not open"
        return problem or ""

    def storage_faults(self) -> dict:
        """What the admin screen says about the storage besides an unusable station.db (station_problem):

        {"stationDamaged": [{"table": "announcement", "count": 1, "names": ["2"]}, …] — rows of station.db
        that cannot be read, per table, each named by its key (or "rowid N" when that is unreadable too),
        at most DAMAGE_NAMES_SHOWN names, found by the same scan as `ipkiosk doctor`;
        "stationReadOnly" / "contentReadOnly": why that file is open read-only ("disk full (…)"), else '';
        "readOnlyReason": the StorageReason value while either is read-only, else ''}.

        The scan runs when staff open the admin screen, not on every poll."""
        damaged: list[dict] = []
        if not self.station_problem():
            try:
                rows = station.damaged_rows()
            except (DatabaseError, OSError) as exc:  # a read error while scanning: say so, do not fail the screen
                log.error("station.db: could not scan for damaged rows (%s)", exc)
                rows = []
            for table in dict.fromkeys(r.table for r in rows):
                of_table = [r for r in rows if r.table == table]
                damaged.append({"table": table, "count": len(of_table),
                                "names": [r.key if r.key is not None else f"rowid {r.rowid}"
                                          for r in of_table[:DAMAGE_NAMES_SHOWN]]})
        read_only = (station.read_only_reason() or "", recovery.read_only_reason() or "")
        return {"stationDamaged": damaged, "stationReadOnly": read_only[0], "contentReadOnly": read_only[1],
                "readOnlyReason": self._storage_reason() if any(read_only) else ""}

    def _storage_reason(self) -> str:
        """A StorageReason for a fault of the data disk: whether it is full now, or failing otherwise."""
        return StorageReason.DISK_FULL if disk_full(self._cfg.data_path) else StorageReason.DISK_ERROR

    def _check_station_writable(self, what: str) -> None:
        """StorageError before a staff change is tried on a station.db that is open read-only."""
        reason = station.read_only_reason()
        if reason is not None:
            code = errno.ENOSPC if disk_full(self._cfg.data_path) else errno.EIO
            raise StorageError(code, f"station.db: {reason}; {what} not saved")

    def current_announcements(self, now: str) -> list[dict]:
        """Announcements showing at NOW; none while station.db is unusable (no failure)."""
        if self.station_problem():
            return []
        return station.current_announcements(_instant(now))

    def list_announcements(self) -> list[dict]:
        return station.list_announcements()

    def save_announcement(self, ann_id: int, title: str, body: str, starts_at: str | None, ends_at: str | None,
                          pinned: bool, actor: str) -> int:
        """Create (ANN_ID 0) or update an announcement; its id."""
        self._check_station_writable("announcement")
        if ann_id:
            return station.edit_announcement(ann_id, actor=actor, title=title, body=body, starts_at=starts_at,
                                             ends_at=ends_at, pinned=pinned).id
        return station.add_announcement(title, body, starts_at=starts_at, ends_at=ends_at, pinned=pinned,
                                        actor=actor).id

    def remove_announcement(self, ann_id: int, actor: str) -> None:
        self._check_station_writable("removal")
        station.remove_announcement(ann_id, actor=actor)

    def audit(self, action: str, obj: str, detail: str, actor: str) -> None:
        """An audit entry for a staff action that changes no station data (sign-out, 立即同步, a test print).
        While station.db cannot be written the entry is logged instead: the action itself must not fail."""
        try:
            self._check_station_writable("audit entry")
            station.audit(action, obj, detail, actor)
        except (StorageError, DatabaseError) as exc:
            log.error("audit entry %s %s by %s not written: %s", action, obj, actor, exc)

    # ------------------------------------------------------------ staff PIN

    def pin_state(self, now: str) -> dict:
        self._at(now)
        if self.station_problem():
            return {"isSet": False, "lockedForS": 0, "triesLeft": 0}
        return {"isSet": self._guard.is_set(), "lockedForS": self._guard.locked_for_s(),
                "triesLeft": self._guard.tries_left()}

    def check_pin(self, pin: str, now: str) -> dict:
        self._at(now)
        result = self._guard.check(pin)
        return {"ok": result.ok, "lockedForS": result.locked_for_s, "triesLeft": result.tries_left,
                "unsaved": result.unsaved, "unsavedReason": self._storage_reason() if result.unsaved else ""}

    def set_pin(self, pin: str, now: str) -> None:
        self._at(now)
        self._guard.set_pin(pin)

    # ------------------------------------------------------------ station.db backups

    def _backups_dir(self) -> Path:
        return backup.backups_dir(self._cfg.data_path)

    def backups(self) -> list[dict]:
        """Backup copies, newest first: path and the instant it was taken."""
        return [{"path": str(p), "takenAt": iso(t) if (t := backup.backup_time(p)) else ""}
                for p in reversed(backup.list_backups(self._backups_dir()))]

    def backup_if_due(self, now: str) -> str:
        """The nightly backup: the new copy's file name, or '' when none was due."""
        self._at(now)
        if self.station_problem() or station.read_only_reason() is not None:
            return ""  # the admin screen says why (storage_faults); the next start with room takes it
        if not backup.backup_due(self._backups_dir(), self._now):
            return ""
        path = backup.backup_station(self._cfg.station_db_path, self._backups_dir(), clock=lambda: self._now)
        station.audit("station.backup", path.name, "nightly", "kiosk")
        return path.name

    def backup_now(self, actor: str, now: str) -> str:
        """立即备份: the new copy's file name; StorageError when the disk has no room for it."""
        self._at(now)
        self._check_station_writable("backup")
        try:
            path = backup.backup_station(self._cfg.station_db_path, self._backups_dir(), clock=lambda: self._now)
        except backup.BackupError:
            if full := disk_full(self._backups_dir().parent):
                raise StorageError(errno.ENOSPC, f"backup: {full}; no copy was made") from None
            raise
        station.audit("station.backup", path.name, "", actor)
        return path.name

    def restore_backup(self, path: str, actor: str, now: str) -> str:
        """Replace station.db with the backup PATH; '' when the restored file opens, else why not."""
        self._at(now)
        if not station.station_db.is_closed():
            station.station_db.close()
        try:
            backup.restore_station(Path(path), self._cfg.station_db_path, self._backups_dir(),
                                   clock=lambda: self._now)
        finally:
            ok, problem = station.open_station_db_safely(self._cfg.station_db_path)
        if ok:
            station.audit("station.restore", Path(path).name, "", actor)
        return "" if ok else problem

    # ------------------------------------------------------------ dispatch

    def answer(self, request: dict) -> dict:
        """The answer document to one request document, cleaned for display: the one place results
        and error messages leave for the screen (see the module docstring)."""
        return for_screen(self._answer(request))

    def _answer(self, request: dict) -> dict:
        req_id = request.get("id")
        method = request.get("method")
        if method not in self.METHODS:
            return {"id": req_id, "error": {"type": "UnknownMethod", "message": f"no method {method!r}"}}
        try:
            result = getattr(self, method)(*request.get("args", ()), **request.get("kwargs", {}))
        except EXPECTED_ERRORS as exc:
            return {"id": req_id, "error": {"type": type(exc).__name__, "reason": str(getattr(exc, "reason", "")),
                                            "message": str(exc)}}
        except DatabaseError as exc:
            # The disk filled up (or failed) after the files were opened: a plain reason, not an internal error.
            reason = storage_problem(exc, self._cfg.data_path)
            if reason is None:
                log.exception("data service: %s failed", method)
                return {"id": req_id, "error": {"type": "InternalError", "message": f"{type(exc).__name__}: {exc}"}}
            log.error("data service: %s failed: %s", method, reason)
            return {"id": req_id, "error": {"type": "StorageError", "reason": self._storage_reason(),
                                            "message": f"{method}: {reason}; nothing was saved"}}
        except Exception as exc:  # noqa: BLE001 - one bad request must not end the service
            log.exception("data service: %s failed", method)
            return {"id": req_id, "error": {"type": "InternalError", "message": f"{type(exc).__name__}: {exc}"}}
        return {"id": req_id, "result": result}


class LineTooLong(ValueError):
    """A line of the pipe exceeded MAX_LINE_BYTES (the over-long line has been skipped)."""


def read_line(stream: IO[bytes], limit: int = MAX_LINE_BYTES) -> bytes | None:
    """The next line of STREAM (without its newline), None at the end, or LineTooLong once LIMIT bytes
    were read without a newline. The rest of an over-long line is skipped in LIMIT-sized pieces, so
    memory stays bounded whatever the sender writes."""
    line = stream.readline(limit + 1)
    if not line:
        return None
    if line.endswith(b"\n"):
        return line[:-1]
    if len(line) <= limit:
        return line  # the last line, without a newline
    while True:
        rest = stream.readline(limit)
        if not rest or rest.endswith(b"\n"):
            raise LineTooLong(f"a line longer than {limit} bytes")


def serve(service: DataService, requests: IO[bytes], answers: IO[str]) -> None:
    """Answer request lines until REQUESTS ends (the UI closed the pipe or went away)."""
    while True:
        try:
            line = read_line(requests)
            if line is None:
                return
            request = json.loads(line)
            if not isinstance(request, dict):
                raise ValueError("a request is a JSON object")
        except ValueError as exc:  # LineTooLong, not JSON, not an object
            reply = {"id": None, "error": {"type": "BadRequest", "message": str(exc)}}
        else:
            reply = service.answer(request)
        answers.write(json.dumps(reply, ensure_ascii=False, separators=(",", ":")) + "\n")
        answers.flush()


def main(cfg: config_mod.Config) -> int:
    """`ipkiosk data-service`: open the stores, say ready, then serve stdin → stdout."""
    answers = sys.stdout
    # stdout carries answers only: anything else printed in this process goes to stderr (the log).
    sys.stdout = sys.stderr
    service = DataService(cfg)
    answers.write(json.dumps({"ready": True}) + "\n")
    answers.flush()
    serve(service, sys.stdin.buffer, answers)
    return 0
