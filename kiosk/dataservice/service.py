"""The data service: what the kiosk UI reads and writes, answered by `ipkiosk data-service`.

The UI process starts this as a child (kiosk.ui.data_client) and talks to it over its stdin and
stdout, one JSON document per line; kiosk.dataservice.api declares the methods, their arguments and
results, the error kinds and the encoding, and DataService implements that declaration.

The child owns everything behind the screen: it opens content.db (importing the bundled seed on
first boot) and station.db, keeps the search index over the current content, checks the staff
PIN and makes station.db backups. The UI process imports none of peewee, SQLite, the stores or
the search engine: that is about 6 MB it would otherwise carry all day (docs/benchmarks.md, UI),
and a fault in the data layer (a corrupt file, a failing disk) ends at most this process, which
the UI restarts while the last good content stays on screen.

Every "now" comes from the UI as an ISO instant, an argument of the call: its clock is the one tests pin.

The search index over the current content is built in a background thread as soon as the service
notices a new apply (content_serial, which the UI polls, or a search), and at start: the previous
index answers searches meanwhile, so the first search after a sync does not wait for a rebuild
(seconds at 100k records).

Two limits guard the screen. Every answer is cleaned by kiosk.core.safe_text's rules on its way out,
once, here (for_screen): whatever content.db or station.db holds (rows from older versions, a
hand-signed manifest, a staff announcement), no control character, bidi override or pile of
combining marks reaches a screen. And a line of the pipe is at most MAX_LINE_BYTES in either
direction, each end refusing a longer one without reading it into memory whole: a request with
a bad_request failure, an answer (kiosk.ui.data_client) with DataUnavailable. Answers stay far below it:
list answers leave out what only a detail page shows, and a detail page is one bounded call (record_detail).

A full disk is told apart from every other failure: station.db and content.db are then open
read-only (kiosk/store/station.py, kiosk/store/recovery.py), visitors' screens read as before, and
every staff action that writes fails with a storage failure naming it ("station.db: disk full (…)"),
also when the disk fills up while the files are open; storage_faults tells the admin screen.
"""

from __future__ import annotations

import datetime as dt
import errno
import inspect
import logging
import sys
import threading
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from peewee import DatabaseError

from kiosk.booking import booking_type_for_service
from kiosk.core import config as config_mod
from kiosk.core import kinds, listing
from kiosk.core.clock import iso, utcnow
from kiosk.core.json_lines import encode_line, serve_lines
from kiosk.core.manifest import LIST_LIMITS, is_web_url
from kiosk.core.safe_text import MAX_COMBINING_RUN, clean_tree, content_problem
from kiosk.core.staff_rules import PinError, StorageReason
from kiosk.dataservice import api
from kiosk.dataservice.api import (
    MAX_LINE_BYTES,
    Announcement,
    BackupCopy,
    ContentStatus,
    DamagedRows,
    DataError,
    ErrorKind,
    PinCheck,
    PinState,
    Record,
    RecordDetail,
    RecordPage,
    SearchAnswer,
    ServiceRatings,
    StorageFaults,
)
from kiosk.store import backup, content, ratings, recovery, station
from kiosk.store.db import disk_full, storage_problem
from kiosk.store.pin import PinGuard
from kiosk.store.recovery import StorageError

if TYPE_CHECKING:
    from kiosk.search.engine import SearchIndex

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# Failures a caller is told about by kind (the admin screen words each in Chinese), most specific first
# (StationError and PinError are ValueErrors); anything else is reported as INTERNAL with its message
# and logged with the traceback here.
EXPECTED_ERRORS: tuple[tuple[type[Exception], ErrorKind], ...] = (
    (station.StationError, ErrorKind.STATION),
    (PinError, ErrorKind.PIN),
    (backup.BackupError, ErrorKind.BACKUP),
    (StorageError, ErrorKind.STORAGE),
    (LookupError, ErrorKind.NOT_FOUND),
    (ValueError, ErrorKind.INVALID),
)

# Fields only a detail page shows; list answers leave them out.
DETAIL_ONLY_FIELDS = ("body", "conditions", "materials", "process", "channels", "related_ids", "attachments",
                      "keywords")

# Damaged rows named per table in storage_faults (the rest are counted): a banner line, not a list.
DAMAGE_NAMES_SHOWN = 5


# Characters known to need no cleaning however many follow each other; grows to the content's alphabet.
_DISPLAY_SAFE_CHARS: set[str] = set()


def _strings(value: Any, out: list[str]) -> None:
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


def for_screen(value: Any) -> Any:
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


def _summary_rows(record_ids: list[str]) -> Any:
    """Id, kind and titles of those of RECORD_IDS that exist, in one query (the ids are few: a capped list)."""
    if not record_ids:
        return []
    rec = content.Record
    return rec.select(rec.id, rec.kind, rec.title, rec.title_en).where(rec.id.in_(record_ids))


def _instant(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


class SearchIndexKeeper:
    """The search index over the current content, rebuilt in a background thread after each new apply.

    ``notice(serial)`` starts a build for a serial not indexed yet (one build at a time; a newer serial
    noticed during a build gets the next one); ``index()`` is the newest finished index and the serial it
    covers, or waits for the first one. A build reads content.db on its own connection (peewee keeps one per thread) and closes
    it when done. The engine takes a clock: it reads the instant of the search being answered."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index: SearchIndex | None = None
        self._serial: int | None = None
        self._building: int | None = None
        self._wanted: int | None = None
        self._first = threading.Event()
        self.builds = 0
        self.search_now = utcnow()

    def notice(self, serial: int) -> None:
        with self._lock:
            if serial in (self._serial, self._building):
                return
            if self._building is not None:
                self._wanted = serial
                return
            self._building = serial
        threading.Thread(target=self._build, args=(serial,), name="search-index", daemon=True).start()

    def _build(self, serial: int) -> None:
        from kiosk.search.engine import SearchIndex

        index: SearchIndex | None = None
        try:
            index = SearchIndex(content.search_docs(), content.vocabulary_rows(), now=lambda: self.search_now)
        except Exception:
            log.exception("search index for content serial %s not built", serial)
        finally:
            content.content_db.close()  # this thread's connection
        with self._lock:
            if index is not None:
                self._index, self._serial = index, serial
                self.builds += 1
            self._building, wanted, self._wanted = None, self._wanted, None
        self._first.set()
        if wanted is not None:
            self.notice(wanted)

    def index(self) -> tuple[SearchIndex, int]:
        """The newest index and the content serial it covers; the first one is waited for (the service
        started a moment ago)."""
        self._first.wait()
        with self._lock:
            index, serial = self._index, self._serial
        if index is None or serial is None:
            raise RuntimeError("the search index could not be built (see the log)")
        return index, serial


class DataService(api.DataApi):
    """The data service's methods (kiosk.dataservice.api.DataApi), answered in this process."""

    def __init__(self, cfg: config_mod.Config):
        from kiosk.store.seed import open_content

        self._cfg = cfg
        cfg.data_path.mkdir(parents=True, exist_ok=True)
        # First boot only: the bundled seed is imported here, through the same apply code as a sync
        # (afterwards only the sync child writes content.db).
        open_content(cfg)
        # A corrupt station.db is never touched: the kiosk shows content without station
        # announcements and the admin screen offers a restore.
        station.open_station_db_safely(cfg.station_db_path)
        # PIN counters station.db could not take (a full disk), kept for this process's guards.
        self._pin_unsaved: dict[str, str] = {}
        self.search_index = SearchIndexKeeper()
        self.content_serial()  # the first index is built while the UI loads

    def _pin_guard(self, now: str) -> PinGuard:
        # Audits as the admin screen, its only user.
        moment = _instant(now)
        return PinGuard(clock=lambda: moment, unsaved=self._pin_unsaved)

    # ------------------------------------------------------------ content

    def content_serial(self) -> int:
        serial: int = content.sync_status().apply_serial
        self.search_index.notice(serial)
        return serial

    def status(self) -> ContentStatus:
        return cast(ContentStatus, content.status_dict())

    def list_records(self, kind: str, category: str | None = None) -> list[Record]:
        """Records of KIND (one service CATEGORY) in display order, without the fields only a detail
        page shows (DETAIL_ONLY_FIELDS: record_detail has them, bounded), so that a list answer stays
        small however long the bodies and lists of its records are."""
        return self._list_rows(content.list_records(kind, category=category or None))

    @staticmethod
    def _list_rows(rows: list[Record]) -> list[Record]:
        """ROWS without the fields only a detail page shows (DETAIL_ONLY_FIELDS)."""
        for row in rows:
            for name in DETAIL_ONLY_FIELDS:
                row.pop(name, None)
                row.pop(f"{name}_en", None)
        return rows

    def record_page(self, kind: str, category: str | None, now: str, offset: int, limit: int,
                    event_type: str | None = None) -> RecordPage:
        """Rows OFFSET .. OFFSET+LIMIT of a visitor's list of KIND (one CATEGORY, one EVENT_TYPE) as
        list_records gives them. For the kinds whose order depends on NOW (expired notices, past events last)
        the order is computed from every record's dates alone and only the page's records are read; the others
        are cut by the database."""
        if offset < 0 or limit < 1:
            raise ValueError(f"record_page: offset {offset}, limit {limit}")
        if event_type and event_type not in kinds.EVENT_TYPES:
            raise ValueError(f"record_page: event type {event_type!r}, expected one of {', '.join(kinds.EVENT_TYPES)}")
        category, event_type = category or None, event_type or None
        if kind in listing.NOW_ORDERED_KINDS:
            keys = content.order_keys(kind, category=category, event_type=event_type)
            ordered = listing.in_visitor_order(kind, keys, _instant(now))
            rows = content.records_by_id([key["id"] for key in ordered[offset:offset + limit]])
            total = len(ordered)
        else:
            rows = content.list_records(kind, category=category, event_type=event_type, offset=offset, limit=limit)
            total = content.count_records(kind, category=category, event_type=event_type)
        return {"rows": self._list_rows(rows), "total": total}

    def event_type_counts(self) -> dict[str, int]:
        """{event type: number of events} for the types some event has (the events list's filter chips)."""
        return content.event_type_counts()

    def record_detail(self, record_id: str) -> RecordDetail | None:
        """Everything a detail page shows, in one answer of bounded size, or None when RECORD_ID is gone:
        the record with every list field cut to LIST_LIMITS, the related records that exist (in its
        order, at most LIST_LIMITS["related_ids"]), the booking type of a service, else '', and its
        https source_url, else ''.

        The publisher and the sync apply refuse longer lists; this cap is the terminal's own defence
        against a content.db written otherwise (an older version, a hand-signed manifest), so that a
        record with 50,000 related ids costs one query and a page of 30 rows, not 50,000 round trips."""
        rec: Record | None = content.get_record(record_id)
        if rec is None:
            return None
        for name, limit in LIST_LIMITS.items():
            for field in (name, f"{name}_en"):
                if isinstance(rec.get(field), list) and len(rec[field]) > limit:
                    rec[field] = rec[field][:limit]
        listed = rec.get("related_ids")
        related_ids: list[Any] = listed if isinstance(listed, list) else []
        wanted = list(dict.fromkeys(rid for rid in related_ids if isinstance(rid, str)))
        found = {row.id: row for row in _summary_rows(wanted)}
        booking_type_id = ""
        if rec.get("kind") == "services":
            booking_type = booking_type_for_service(rec["id"], content.list_records("booking_types")) or {}
            booking_type_id = str(booking_type.get("id", ""))
        # Checked again here: a record applied by an older version carried source_url as an unknown field,
        # which no rule checked, and a visitor's phone must only ever be sent to an https page.
        source_url = rec.get("source_url")
        return {"record": rec,
                "related": [{"id": rid, "kind": found[rid].kind, "title": found[rid].title,
                             "title_en": found[rid].title_en or ""} for rid in wanted if rid in found],
                "booking_type_id": booking_type_id,
                "source_url": source_url if is_web_url(source_url) else ""}

    def counts_by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = content.counts_by_kind()
        return counts

    def demo_count(self) -> int:
        return cast(int, content.Record.select().where(content.Record.is_demo == True).count())  # noqa: E712

    def search(self, query: str, letters: str, now: str, kinds: list[str], limit: int, candidate_limit: int,
               nearest_limit: int, correct: bool = True) -> SearchAnswer:
        """The first LIMIT hits for QUERY that are of KINDS (those of the nearest spelling when QUERY finds
        nothing and CORRECT), candidate words for LETTERS and, when no hit is left, what to try instead;
        from the newest index built (a rebuild after a new apply runs in the background meanwhile:
        index_serial says which content answered)."""
        self.content_serial()
        index, index_serial = self.search_index.index()
        self.search_index.search_now = _instant(now)
        found = index.answer(query, limit, correct=correct)
        hits = [h for h in found.hits if h.kind in kinds]
        corrected = found.corrected_to if hits else None
        zero = index.zero_results(query, nearest_limit) if not hits else None
        titles_en = {row.id: row.title_en or "" for row in _summary_rows([h.id for h in hits])}
        return {
            "hits": [{"id": h.id, "kind": h.kind, "title": h.title, "title_en": titles_en.get(h.id, ""),
                      "spans": [list(span) for span in h.spans]} for h in hits],
            "corrected_to": {"query": corrected.query, "display": corrected.display, "literal": corrected.literal}
            if corrected else None,
            "candidates": index.suggest(letters, candidate_limit) if letters else [],
            "nearest": zero.suggestions if zero else [],
            "browse": [{"kind": c.kind, "category": c.category, "count": c.count} for c in zero.categories]
            if zero else [],
            "index_serial": index_serial,
        }

    def record_view(self, record_id: str, now: str) -> bool:
        """One view of RECORD_ID counted in station.db (kiosk.store.station.record_view); False while it cannot."""
        return station.record_view(record_id, _instant(now))

    # ------------------------------------------------------------ station

    def station_problem(self) -> str:
        """'' when station.db is usable, else why not."""
        problem = station.station_problem()
        if problem is None and station.station_db.is_closed():
            problem = "station.db is not open"
        return problem or ""

    def storage_faults(self) -> StorageFaults:
        """What the admin screen says about the storage besides an unusable station.db (station_problem):
        rows of station.db that cannot be read, per table, each named by its key (or "rowid N" when that is
        unreadable too), at most DAMAGE_NAMES_SHOWN names, found by the same scan as `ipkiosk doctor`; and
        why station.db / content.db is open read-only ("disk full (…)"), else ''; while either is, whether the
        disk is full or failing (read_only_reason, a StorageReason value).

        The scan runs when staff open the admin screen, not on every poll."""
        damaged: list[DamagedRows] = []
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
        station_read_only, content_read_only = station.read_only_reason() or "", recovery.read_only_reason() or ""
        return {"station_damaged": damaged, "station_read_only": station_read_only,
                "content_read_only": content_read_only,
                "read_only_reason": self._storage_reason() if station_read_only or content_read_only else ""}

    def _storage_reason(self) -> str:
        """A StorageReason for a fault of the data disk: whether it is full now, or failing otherwise."""
        return StorageReason.DISK_FULL if disk_full(self._cfg.data_path) else StorageReason.DISK_ERROR

    def _check_station_writable(self, what: str) -> None:
        """StorageError before a staff change is tried on a station.db that is open read-only."""
        reason = station.read_only_reason()
        if reason is not None:
            code = errno.ENOSPC if disk_full(self._cfg.data_path) else errno.EIO
            raise StorageError(code, f"station.db: {reason}; {what} not saved")

    def current_announcements(self, now: str) -> list[Announcement]:
        """Announcements showing at NOW; none while station.db is unusable (no failure)."""
        if self.station_problem():
            return []
        return cast(list[Announcement], station.current_announcements(_instant(now)))

    def list_announcements(self) -> list[Announcement]:
        return cast(list[Announcement], station.list_announcements())

    # ------------------------------------------------------------ 好差评

    def rate_service(self, service_id: str, level: int, reasons: list[str], language: str, now: str) -> int:
        """A visitor's rating, stored as given (kiosk.store.ratings checks every value)."""
        return ratings.record_rating(service_id, level, reasons, language, _instant(now))

    def add_rating_reasons(self, rating_id: int, reasons: list[str], now: str) -> None:
        """The reasons a visitor adds to the rating just saved (kiosk.store.ratings checks them and the window)."""
        ratings.add_rating_reasons(rating_id, reasons, _instant(now))

    def rating_totals(self) -> list[ServiceRatings]:
        """The ratings per service with each service's title ('' for a record no longer published)."""
        totals = ratings.rating_totals()
        titles = {row.id: row.title for row in _summary_rows([t["service_id"] for t in totals])}
        return [{"service_id": t["service_id"], "title": titles.get(t["service_id"], ""), "counts": t["counts"],
                 "total": t["total"], "satisfied_percent": t["satisfied_percent"]} for t in totals]

    def save_announcement(self, ann_id: int, title: str, body: str, starts_at: str | None, ends_at: str | None,
                          pinned: bool, actor: str) -> int:
        """Create (ANN_ID 0) or update an announcement; its id."""
        self._check_station_writable("announcement")
        if ann_id:
            edited: int = station.edit_announcement(ann_id, actor=actor, title=title, body=body, starts_at=starts_at,
                                                    ends_at=ends_at, pinned=pinned).id
            return edited
        added: int = station.add_announcement(title, body, starts_at=starts_at, ends_at=ends_at, pinned=pinned,
                                              actor=actor).id
        return added

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

    def pin_state(self, now: str) -> PinState:
        if self.station_problem():
            return {"is_set": False, "locked_for_s": 0, "tries_left": 0}
        guard = self._pin_guard(now)
        return {"is_set": guard.is_set(), "locked_for_s": guard.locked_for_s(), "tries_left": guard.tries_left()}

    def check_pin(self, pin: str, now: str) -> PinCheck:
        result = self._pin_guard(now).check(pin)
        return {"ok": result.ok, "locked_for_s": result.locked_for_s, "tries_left": result.tries_left,
                "unsaved": result.unsaved, "unsaved_reason": self._storage_reason() if result.unsaved else ""}

    def set_pin(self, pin: str, now: str) -> None:
        self._pin_guard(now).set_pin(pin)

    # ------------------------------------------------------------ station.db backups

    def _backups_dir(self) -> Path:
        path: Path = backup.backups_dir(self._cfg.data_path)
        return path

    def backups(self) -> list[BackupCopy]:
        """Backup copies, newest first: path and the instant it was taken."""
        return [{"path": str(p), "taken_at": iso(t) if (t := backup.backup_time(p)) else ""}
                for p in reversed(backup.list_backups(self._backups_dir()))]

    def backup_if_due(self, now: str) -> str:
        """The nightly backup: the new copy's file name, or '' when none was due."""
        moment = _instant(now)
        if self.station_problem() or station.read_only_reason() is not None:
            return ""  # the admin screen says why (storage_faults); the next start with room takes it
        if not backup.backup_due(self._backups_dir(), moment):
            return ""
        path = backup.backup_station(self._cfg.station_db_path, self._backups_dir(), clock=lambda: moment)
        station.audit("station.backup", path.name, "nightly", "kiosk")
        return str(path.name)

    def backup_now(self, actor: str, now: str) -> str:
        """立即备份: the new copy's file name; StorageError when the disk has no room for it."""
        moment = _instant(now)
        self._check_station_writable("backup")
        try:
            path = backup.backup_station(self._cfg.station_db_path, self._backups_dir(), clock=lambda: moment)
        except backup.BackupError:
            if full := disk_full(self._backups_dir().parent):
                raise StorageError(errno.ENOSPC, f"backup: {full}; no copy was made") from None
            raise
        station.audit("station.backup", path.name, "", actor)
        return str(path.name)

    def restore_backup(self, path: str, actor: str, now: str) -> str:
        """Replace station.db with the backup PATH; '' when the restored file opens, else why not."""
        moment = _instant(now)
        if not station.station_db.is_closed():
            station.station_db.close()
        try:
            backup.restore_station(Path(path), self._cfg.station_db_path, self._backups_dir(),
                                   clock=lambda: moment)
        finally:
            ok, problem = station.open_station_db_safely(self._cfg.station_db_path)
        if ok:
            station.audit("station.restore", Path(path).name, "", actor)
        return "" if ok else str(problem)

    # ------------------------------------------------------------ dispatch

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        """The answer document to one request document, cleaned for display: the one place results
        and error messages leave for the screen (see the module docstring)."""
        return cast(dict[str, Any], for_screen(self._answer(request)))

    def _answer(self, request: dict[str, Any]) -> dict[str, Any]:
        req_id = request.get("id")
        try:
            req_id, method, args = api.parse_request(request)
            bound = getattr(self, method)
            try:
                inspect.signature(bound).bind(**args)
            except TypeError as exc:
                raise DataError(ErrorKind.BAD_REQUEST, f"{method}: {exc}") from None
            return api.result_doc(req_id, bound(**args))
        except DataError as exc:
            return api.failure_doc(req_id, exc)
        except DatabaseError as exc:
            # The disk filled up (or failed) after the files were opened: a plain reason, not an internal error.
            reason = storage_problem(exc, self._cfg.data_path)
            if reason is None:
                log.exception("data service: %s failed", request.get("method"))
                return api.failure_doc(req_id, DataError(ErrorKind.INTERNAL, f"{type(exc).__name__}: {exc}"))
            log.error("data service: %s failed: %s", request.get("method"), reason)
            return api.failure_doc(req_id, DataError(ErrorKind.STORAGE,
                                                     f"{request.get('method')}: {reason}; nothing was saved",
                                                     self._storage_reason()))
        except Exception as exc:
            kind = next((kind for cls, kind in EXPECTED_ERRORS if isinstance(exc, cls)), None)
            if kind is None:
                log.exception("data service: %s failed", request.get("method"))
                return api.failure_doc(req_id, DataError(ErrorKind.INTERNAL, f"{type(exc).__name__}: {exc}"))
            return api.failure_doc(req_id, DataError(kind, str(exc), str(getattr(exc, "reason", "") or "")))


def serve(service: DataService, requests: IO[bytes], answers: IO[bytes]) -> None:
    """Answer request lines until REQUESTS ends (the UI closed the pipe or went away)."""
    serve_lines(requests, answers, service.answer,
                lambda why: api.failure_doc(None, DataError(ErrorKind.BAD_REQUEST, why)), MAX_LINE_BYTES)


def main(cfg: config_mod.Config) -> int:
    """`ipkiosk data-service`: open the stores, say ready, then serve stdin → stdout."""
    answers = sys.stdout.buffer
    # stdout carries answers only: anything else printed in this process goes to stderr (the log).
    sys.stdout = sys.stderr
    service = DataService(cfg)
    answers.write(encode_line(api.READY))
    answers.flush()
    serve(service, sys.stdin.buffer, answers)
    return 0
