"""The data service's API, declared once: its methods, their typed arguments and results, its errors
and the documents on the pipe between the UI and `ipkiosk data-service` (encoded one per line by
kiosk.core.json_lines).

Three parties implement :class:`DataApi`: the service (kiosk.dataservice.service, which answers
each method synchronously in the child), the UI's client (kiosk.ui.data_client, whose methods
return a :class:`Pending` of the same result and never wait) and the in-process test double. The
UI imports this module, so it imports nothing heavy: no Qt, no peewee, no store, no search engine.

On the pipe, one JSON document per line (at most MAX_LINE_BYTES in either direction):

    ready     {"ready": true}                                    (once, when the child can answer)
    request   {"id": 7, "method": "list_records", "args": {"kind": "services", "category": null}}
    answer    {"id": 7, "result": [...]}
    failure   {"id": 7, "error": {"kind": "station", "reason": "title_empty", "message": "title: empty"}}

Arguments go by name. Every key of every result is snake_case; view-models give QML its names.
Every "now" is an argument (an ISO instant from the UI's clock, the one tests pin), never state.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, Protocol, TypedDict, TypeVar

from kiosk.core.limits import MAX_QUERY_CHARS

__all__ = [
    "MAX_LINE_BYTES",
    "MAX_QUERY_CHARS",
    "METHODS",
    "DataApi",
    "DataError",
    "DataUnavailable",
    "ErrorKind",
    "Pending",
]

# The longest line either end of the pipe reads. A list row is 500-850 bytes on the bundled content
# (the 40 services answer in 29 KB), so this holds some 80,000 rows of one kind: it refuses a runaway
# line (a 100 MB one cost the UI 551 MB), it does not limit a catalogue.
MAX_LINE_BYTES = 64 * 1024 * 1024

READY = {"ready": True}


# ---------------------------------------------------------------- errors


class ErrorKind(enum.StrEnum):
    """What kind of failure an answer reports; screens word each kind (and its reason) for people."""

    STATION = "station"  # invalid staff input for station.db (kiosk.store.station.StationError)
    PIN = "pin"  # the PIN cannot be checked or set (kiosk.store.pin.PinError)
    BACKUP = "backup"  # a backup or restore could not be done (kiosk.store.backup.BackupError)
    STORAGE = "storage"  # the disk is full or failing; nothing was saved (kiosk.store.recovery.StorageError)
    NOT_FOUND = "not_found"
    INVALID = "invalid"  # an argument the service refuses
    UNKNOWN_METHOD = "unknown_method"
    BAD_REQUEST = "bad_request"  # not JSON, not an object, arguments that do not fit the method
    INTERNAL = "internal"  # a fault in the service (logged there with its traceback)


class DataError(RuntimeError):
    """The data service answered with a failure: its KIND, a machine REASON ('' when it has none) and a message."""

    def __init__(self, kind: ErrorKind, message: str, reason: str = ""):
        super().__init__(message)
        self.kind = kind
        self.reason = reason


class DataUnavailable(RuntimeError):
    """The data service did not answer: it could not start, died, timed out or wrote something unreadable."""


# ---------------------------------------------------------------- results

# A content record as published (docs/content.md): its fields vary by kind; any text field may have an
# English twin ``<field>_en`` (shown in English mode, the Chinese field where the twin is missing).
Record = dict[str, Any]


class RecordPage(TypedDict):
    """ROWS: one page of a visitor's list (records as list_records gives them); TOTAL: how many the whole
    list holds, so the list knows whether a further page exists."""

    rows: list[Record]
    total: int


class RelatedRecord(TypedDict):
    id: str
    kind: str
    title: str
    title_en: str  # the record's English title, '' when it has none


class RecordDetail(TypedDict):
    """Everything a detail page shows, bounded: every list field of RECORD cut to LIST_LIMITS, the related
    records that exist (in RECORD's order), the booking type of a service ('' for other kinds) and the
    record's official web page for its QR ('' when it has none that passes the content rules' https check)."""

    record: Record
    related: list[RelatedRecord]
    booking_type_id: str
    source_url: str


class SearchHit(TypedDict):
    id: str
    kind: str
    title: str
    title_en: str  # the record's English title, '' when it has none
    # The characters of TITLE the query matched, for highlighting: [start, end) offsets, ascending and disjoint;
    # empty when the record matched outside its title (kiosk.search.engine.Hit.spans).
    spans: list[list[int]]


class SearchCorrection(TypedDict):
    """The query found nothing and was answered as the nearest spelling that does (kiosk.search.engine.Correction):
    QUERY was searched instead, DISPLAY names it for the visitor ("商标"), LITERAL is what was typed."""

    query: str
    display: str
    literal: str


class BrowseCategory(TypedDict):
    kind: str
    category: str | None  # None: the whole kind
    count: int


class SearchAnswer(TypedDict):
    hits: list[SearchHit]
    corrected_to: SearchCorrection | None  # the hits are those of a corrected spelling; None: of the query as typed
    candidates: list[str]  # hanzi words for the trailing letters
    nearest: list[str]  # when nothing matched: words that do find something
    browse: list[BrowseCategory]  # when nothing matched: categories to browse
    index_serial: int  # the content serial the index covers: older than content_serial while it is rebuilt


class CollectionStatus(TypedDict):
    count: int
    generation: int | None
    source: str | None
    applied_at: str | None


class RefusedGeneration(TypedDict):
    generation: int
    reason: str
    refused_at: str


class AppliedGeneration(TypedDict):
    collection: str
    generation: int


class AppliedCounts(TypedDict):
    """What the last sync cycle applied (kiosk.store.content.AppliedCounts)."""

    collections: list[AppliedGeneration]  # in the order applied
    upserted: int
    deleted: int


class ContentStatus(TypedDict):
    """The document behind `ipkiosk status --json` (docs/cli.md)."""

    collections: dict[str, CollectionStatus]
    refused: dict[str, RefusedGeneration]
    last_result: str | None
    last_reason: str | None  # in English: the technical detail
    last_reason_code: str | None  # a kiosk.core.sync_outcome.SyncReason value; None when recorded before codes were
    last_applied: AppliedCounts | None  # set when the last cycle applied content
    last_attempt_at: str | None
    last_verified_at: str | None
    last_success_at: str | None
    next_attempt_at: str | None
    content_updated_at: str | None


class Announcement(TypedDict):
    id: int
    title: str
    body: str
    starts_at: str | None
    ends_at: str | None
    pinned: bool
    created_at: str
    updated_at: str


class DamagedRows(TypedDict):
    table: str
    count: int
    names: list[str]  # at most DAMAGE_NAMES_SHOWN keys ("rowid N" when the key is unreadable too)


class StorageFaults(TypedDict):
    station_damaged: list[DamagedRows]
    station_read_only: str  # why station.db is open read-only ("disk full (…)"), else ''
    content_read_only: str
    read_only_reason: str  # while either is read-only: a kiosk.core.staff_rules.StorageReason value, else ''


class PinState(TypedDict):
    is_set: bool
    locked_for_s: int
    tries_left: int


class PinCheck(TypedDict):
    ok: bool
    locked_for_s: int
    tries_left: int
    unsaved: str  # why the counters could not be saved, else ''
    unsaved_reason: str  # then a kiosk.core.staff_rules.StorageReason value, else ''


class ServiceRatings(TypedDict):
    """The 好差评 ratings of one service for the admin screen: COUNTS[level - 1] ratings at each level
    (1 非常不满意 … 5 非常满意), their TOTAL and the share at 基本满意 or better in percent; TITLE is the
    service's title ('' when the record is gone)."""

    service_id: str
    title: str
    counts: list[int]
    total: int
    satisfied_percent: float


class BackupCopy(TypedDict):
    path: str
    taken_at: str  # ISO instant, '' when the name does not say


# ---------------------------------------------------------------- the methods


class DataApi(Protocol):
    """Every method the UI may call, with what it answers. The service implements these directly; the
    UI's client and the test double implement each as the same name and arguments returning Pending."""

    # visitors' screens
    def content_serial(self) -> int:
        """The apply serial of content.db: it grows with every apply of new content."""
        ...

    def status(self) -> ContentStatus: ...

    def list_records(self, kind: str, category: str | None = None) -> list[Record]:
        """Records of KIND (one service CATEGORY) in display order, without the fields only a detail page shows."""
        ...

    def record_page(self, kind: str, category: str | None, now: str, offset: int, limit: int,
                    event_type: str | None = None) -> RecordPage:
        """Rows OFFSET .. OFFSET+LIMIT of a visitor's list of KIND (one service CATEGORY, one EVENT_TYPE of
        kiosk.core.kinds.EVENT_TYPES; "other" takes in the types this version does not know) as of NOW: current
        items first (kiosk.core.listing), each row as list_records gives it. For the lists that can hold tens of
        thousands of records; list_records stays for the short whole lists (services, booking types)."""
        ...

    def event_type_counts(self) -> dict[str, int]:
        """{event type: number of events} for the types some event has, in kiosk.core.kinds.EVENT_TYPES order (a
        type this version does not know counted as "other"): the filter chips of the events list."""
        ...

    def record_detail(self, record_id: str) -> RecordDetail | None:
        """Everything the detail page of RECORD_ID shows, in one bounded answer; None when it is gone."""
        ...

    def search(self, query: str, letters: str, now: str, kinds: list[str], limit: int, candidate_limit: int,
               nearest_limit: int, correct: bool = True) -> SearchAnswer:
        """The hits for QUERY; when it finds nothing and CORRECT, those of the nearest spelling one typo away
        (CORRECTED_TO says which). CORRECT false is the literal query only: the way back to what was typed."""
        ...

    def record_view(self, record_id: str, now: str) -> bool:
        """Count one visitor's view of RECORD_ID at NOW (lists order by recent views); False when station.db
        cannot count it now (a lost view is no failure on a visitor's screen)."""
        ...

    def current_announcements(self, now: str) -> list[Announcement]: ...

    def rate_service(self, service_id: str, level: int, reasons: list[str], language: str, now: str) -> int:
        """Store a visitor's 好差评 rating of SERVICE_ID given at NOW (kiosk.core.ratings: LEVEL 1–5, REASONS
        codes of the level's direction, LANGUAGE "zh"/"en"); the new rating's id. A station failure names
        a refused value (bad_rating_level, unknown_rating_reason, …)."""
        ...

    def add_rating_reasons(self, rating_id: int, reasons: list[str], now: str) -> None:
        """Add REASONS (codes of its level's direction) to rating RATING_ID, the id rate_service answered: once,
        within kiosk.core.ratings.AMEND_WINDOW of its saving. A station failure names what is refused
        (rating_not_found, rating_has_reasons, rating_amend_too_late, rating_reason_other_level, …)."""
        ...

    # staff screens
    def station_problem(self) -> str: ...

    def storage_faults(self) -> StorageFaults: ...

    def list_announcements(self) -> list[Announcement]: ...

    def save_announcement(self, ann_id: int, title: str, body: str, starts_at: str | None, ends_at: str | None,
                          pinned: bool, actor: str) -> int: ...

    def remove_announcement(self, ann_id: int, actor: str) -> None: ...

    def audit(self, action: str, obj: str, detail: str, actor: str) -> None: ...

    def pin_state(self, now: str) -> PinState: ...

    def check_pin(self, pin: str, now: str) -> PinCheck: ...

    def set_pin(self, pin: str, now: str) -> None: ...

    def counts_by_kind(self) -> dict[str, int]: ...

    def rating_totals(self) -> list[ServiceRatings]:
        """The ratings per service, the most rated first."""
        ...

    def demo_count(self) -> int: ...

    def backups(self) -> list[BackupCopy]: ...

    def backup_if_due(self, now: str) -> str: ...

    def backup_now(self, actor: str, now: str) -> str: ...

    def restore_backup(self, path: str, actor: str, now: str) -> str: ...


METHODS: frozenset[str] = frozenset(name for name, value in vars(DataApi).items()
                                    if callable(value) and not name.startswith("_"))


# ---------------------------------------------------------------- answers delivered later

T_co = TypeVar("T_co", covariant=True)


class Pending(Protocol[T_co]):
    """A call's answer to come. ``then`` registers what to do with it; both callbacks run later, from the
    event loop of the thread that made the call (never inside the call, never on another thread), and are
    dropped when RECEIVER (default: the object of a bound-method callback) has been deleted meanwhile."""

    def then(self, on_result: Callable[[T_co], object], on_failure: Callable[[Exception], object] | None = None, *,
             receiver: object | None = None) -> None: ...


# ---------------------------------------------------------------- encoding


def request_doc(call_id: int, method: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"id": call_id, "method": method, "args": args}


def parse_request(doc: dict[str, Any]) -> tuple[Any, str, dict[str, Any]]:
    """(id, method, args) of a request document; DataError (UNKNOWN_METHOD, BAD_REQUEST) when it is not one."""
    method = doc.get("method")
    if not isinstance(method, str) or method not in METHODS:
        raise DataError(ErrorKind.UNKNOWN_METHOD, f"no method {method!r}")
    args = doc.get("args", {})
    if not isinstance(args, dict):
        raise DataError(ErrorKind.BAD_REQUEST, "args: expected an object of named arguments")
    return doc.get("id"), method, args


def result_doc(call_id: Any, result: Any) -> dict[str, Any]:
    return {"id": call_id, "result": result}


def failure_doc(call_id: Any, error: DataError) -> dict[str, Any]:
    return {"id": call_id, "error": {"kind": str(error.kind), "reason": error.reason, "message": str(error)}}


def result_of(doc: dict[str, Any]) -> Any:
    """The result an answer document carries, or its failure raised as DataError."""
    error = doc.get("error")
    if error is None:
        return doc.get("result")
    if not isinstance(error, dict):
        raise DataError(ErrorKind.INTERNAL, f"unreadable failure {error!r}")
    try:
        kind = ErrorKind(str(error.get("kind")))
    except ValueError:
        kind = ErrorKind.INTERNAL  # a newer service's kind: still a failure, worded as an internal one
    raise DataError(kind, str(error.get("message", "")), str(error.get("reason", "")))
