"""The UI's end of the data service: asynchronous calls answered by the `ipkiosk data-service` child.

``client.list_records("services")`` writes one request line (kiosk.dataservice.api declares every
method and the protocol) and returns at once with a Pending answer; ``.then(on_result, on_failure)``
says what to do with it. The answer is read when the child writes it (readyReadStandardOutput) and
the callbacks run from the event loop, on the GUI thread, never inside the call: no data call ever
blocks the screen, however long the child takes (a search index rebuilt after a sync, a slow disk).
A callback whose receiver (a view-model) has been deleted meanwhile is dropped. The UI process thus
never imports peewee, SQLite, the stores or the search engine.

The rules for a child that does not answer:

- a call the child does not answer within ``call_timeout_ms`` fails with DataUnavailable; the child
  (whose state is unknown now) is killed, and every other call waiting on it fails the same way;
- a child that exits fails the calls waiting on it with DataUnavailable; they are not sent again (one
  may have been a write);
- a call that finds the child gone starts a new one, at most once per RESTART_INTERVAL_MS: inside the
  interval it fails with DataUnavailable at once, so a child that cannot start costs nothing per call;
- a line that is not JSON, not an answer or longer than MAX_LINE_BYTES (refused as soon as that many
  bytes are waiting, without waiting for or keeping the rest) kills the child: DataUnavailable;
- a failure the service reports arrives as DataError (kind, reason, message).

View-models keep what they show while a call fails (the last good content stays on screen). The child
runs through kiosk.ui.children.ChildProcess; a killed child is not waited for on the GUI thread (the next
run starts when it has ended).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QProcess, QTimer

from kiosk.core.json_lines import decode_line, encode_line
from kiosk.core.self_command import DATA_SERVICE_NICE
from kiosk.dataservice import api
from kiosk.dataservice.api import (
    MAX_LINE_BYTES,
    Announcement,
    BackupCopy,
    ContentStatus,
    DataError,
    DataUnavailable,
    PinCheck,
    PinState,
    Record,
    RecordDetail,
    RecordPage,
    SearchAnswer,
    ServiceRatings,
    StorageFaults,
)
from kiosk.ui.children import ChildOutcome, ChildProcess, StopBy

log = logging.getLogger(__name__)

__all__ = ["DataCalls", "DataClient", "DataError", "DataUnavailable", "PendingCall"]

START_TIMEOUT_MS = 120_000  # first boot imports the bundled seed; a damaged content.db is moved aside
CALL_TIMEOUT_MS = 30_000
RESTART_INTERVAL_MS = 5_000
STOP_TIMEOUT_MS = 2_000

T = TypeVar("T")


def _receiver_gone(receiver: object | None) -> bool:
    return isinstance(receiver, QObject) and not shiboken6.isValid(receiver)


class PendingCall(Generic[T]):
    """One call's answer to come (kiosk.dataservice.api.Pending). Settled once, by the client; the
    callbacks run on a later turn of the event loop, in the order they were registered."""

    def __init__(self, method: str, done: Callable[[PendingCall[Any]], object] | None = None):
        self.method = method
        self._done = done  # told when the callbacks have run (the client counts calls in flight)
        self._callbacks: list[tuple[Callable[[T], object], Callable[[Exception], object] | None, object | None]] = []
        self._settled = False
        self._result: Any = None
        self._error: Exception | None = None

    @property
    def settled(self) -> bool:
        return self._settled

    def then(self, on_result: Callable[[T], object], on_failure: Callable[[Exception], object] | None = None, *,
             receiver: object | None = None) -> None:
        """Call ON_RESULT with the result, or ON_FAILURE with the DataError / DataUnavailable (without it,
        the failure is logged: the view-model keeps what it shows). RECEIVER defaults to the object of a
        bound-method ON_RESULT; once it is deleted, nothing is called."""
        if receiver is None:
            receiver = getattr(on_result, "__self__", None)
        self._callbacks.append((on_result, on_failure, receiver))
        if self._settled:
            QTimer.singleShot(0, self._deliver)

    def settle(self, result: Any = None, error: Exception | None = None) -> None:
        """The answer has come (or the call failed): deliver it on the next turn of the event loop."""
        if self._settled:
            return
        self._settled, self._result, self._error = True, result, error
        QTimer.singleShot(0, self._deliver)

    def _deliver(self) -> None:
        callbacks, self._callbacks = self._callbacks, []
        try:
            for on_result, on_failure, receiver in callbacks:
                if _receiver_gone(receiver):
                    continue
                if self._error is None:
                    on_result(self._result)
                elif on_failure is not None:
                    on_failure(self._error)
                else:
                    log.warning("%s: %s", self.method, self._error)
        finally:
            if self._done is not None:
                self._done(self)


class DataCalls:
    """The data service's methods as the UI calls them: each one the name and arguments of
    kiosk.dataservice.api.DataApi, answering a Pending of its result. ``_call`` sends them."""

    def _call(self, method: str, **args: Any) -> PendingCall[Any]:
        raise NotImplementedError

    # visitors' screens
    def content_serial(self) -> PendingCall[int]:
        return self._call("content_serial")

    def status(self) -> PendingCall[ContentStatus]:
        return self._call("status")

    def list_records(self, kind: str, category: str | None = None) -> PendingCall[list[Record]]:
        return self._call("list_records", kind=kind, category=category)

    def record_page(self, kind: str, category: str | None, now: str, offset: int, limit: int,
                    event_type: str | None = None) -> PendingCall[RecordPage]:
        return self._call("record_page", kind=kind, category=category, now=now, offset=offset, limit=limit,
                          event_type=event_type)

    def event_type_counts(self) -> PendingCall[dict[str, int]]:
        return self._call("event_type_counts")

    def record_detail(self, record_id: str) -> PendingCall[RecordDetail | None]:
        return self._call("record_detail", record_id=record_id)

    def search(self, query: str, letters: str, now: str, kinds: list[str], limit: int, candidate_limit: int,
               nearest_limit: int, correct: bool = True) -> PendingCall[SearchAnswer]:
        return self._call("search", query=query, letters=letters, now=now, kinds=kinds, limit=limit,
                          candidate_limit=candidate_limit, nearest_limit=nearest_limit, correct=correct)

    def record_view(self, record_id: str, now: str) -> PendingCall[bool]:
        return self._call("record_view", record_id=record_id, now=now)

    def current_announcements(self, now: str) -> PendingCall[list[Announcement]]:
        return self._call("current_announcements", now=now)

    def rate_service(self, service_id: str, level: int, reasons: list[str], language: str,
                     now: str) -> PendingCall[int]:
        return self._call("rate_service", service_id=service_id, level=level, reasons=reasons, language=language,
                          now=now)

    def add_rating_reasons(self, rating_id: int, reasons: list[str], now: str) -> PendingCall[None]:
        return self._call("add_rating_reasons", rating_id=rating_id, reasons=reasons, now=now)

    # staff screens
    def station_problem(self) -> PendingCall[str]:
        return self._call("station_problem")

    def storage_faults(self) -> PendingCall[StorageFaults]:
        return self._call("storage_faults")

    def list_announcements(self) -> PendingCall[list[Announcement]]:
        return self._call("list_announcements")

    def save_announcement(self, ann_id: int, title: str, body: str, starts_at: str | None, ends_at: str | None,
                          pinned: bool, actor: str) -> PendingCall[int]:
        return self._call("save_announcement", ann_id=ann_id, title=title, body=body, starts_at=starts_at,
                          ends_at=ends_at, pinned=pinned, actor=actor)

    def remove_announcement(self, ann_id: int, actor: str) -> PendingCall[None]:
        return self._call("remove_announcement", ann_id=ann_id, actor=actor)

    def audit(self, action: str, obj: str, detail: str, actor: str) -> PendingCall[None]:
        return self._call("audit", action=action, obj=obj, detail=detail, actor=actor)

    def pin_state(self, now: str) -> PendingCall[PinState]:
        return self._call("pin_state", now=now)

    def check_pin(self, pin: str, now: str) -> PendingCall[PinCheck]:
        return self._call("check_pin", pin=pin, now=now)

    def set_pin(self, pin: str, now: str) -> PendingCall[None]:
        return self._call("set_pin", pin=pin, now=now)

    def counts_by_kind(self) -> PendingCall[dict[str, int]]:
        return self._call("counts_by_kind")

    def rating_totals(self) -> PendingCall[list[ServiceRatings]]:
        return self._call("rating_totals")

    def demo_count(self) -> PendingCall[int]:
        return self._call("demo_count")

    def backups(self) -> PendingCall[list[BackupCopy]]:
        return self._call("backups")

    def backup_if_due(self, now: str) -> PendingCall[str]:
        return self._call("backup_if_due", now=now)

    def backup_now(self, actor: str, now: str) -> PendingCall[str]:
        return self._call("backup_now", actor=actor, now=now)

    def restore_backup(self, path: str, actor: str, now: str) -> PendingCall[str]:
        return self._call("restore_backup", path=path, actor=actor, now=now)


class _Waiting:
    """A call written to the child (or queued until it is ready) and its timeout."""

    def __init__(self, method: str, line: bytes, pending: PendingCall[Any], timer: QTimer):
        self.method, self.line, self.pending, self.timer = method, line, pending, timer

    def settle(self, result: Any = None, error: Exception | None = None) -> None:
        self.timer.stop()
        self.timer.deleteLater()
        self.pending.settle(result, error)


class DataClient(DataCalls, QObject):
    """Runs the data service child (a kiosk.ui.children.ChildProcess) and sends it the calls of DataCalls;
    answers arrive asynchronously."""

    def __init__(self, program: str, arguments: list[str], parent: QObject | None = None, *,
                 start_timeout_ms: int = START_TIMEOUT_MS, call_timeout_ms: int = CALL_TIMEOUT_MS,
                 restart_interval_ms: int = RESTART_INTERVAL_MS, max_line_bytes: int = MAX_LINE_BYTES):
        QObject.__init__(self, parent)
        self.program, self.arguments = program, arguments
        self.max_line_bytes = max_line_bytes
        self.start_timeout_ms = start_timeout_ms
        self.call_timeout_ms = call_timeout_ms
        self.restart_interval_ms = restart_interval_ms
        # Restarts are this client's: a child is started again by the next call, not by a timer.
        # Its log lines go where the UI's go (the journal); stdout carries the answers.
        self._child = ChildProcess("data service", program, arguments, self,
                                   channels=QProcess.ProcessChannelMode.ForwardedErrorChannel,
                                   stop_by=StopBy.CLOSING_STDIN, stop_timeout_ms=STOP_TIMEOUT_MS, nice=DATA_SERVICE_NICE)
        self._child.process.readyReadStandardOutput.connect(self._read_answers)
        self._child.finished.connect(self._on_finished)
        self._running = False  # a run was started and has neither ended nor been discarded
        self._dying = False  # a discarded run was killed and has not ended yet (never waited for)
        self._start_pending = False  # a new run starts when the dying one has ended
        self._ready = False
        self._start_timer = QTimer(self, singleShot=True)
        self._start_timer.timeout.connect(lambda: self._fail_child(
            f"data service took longer than {self.start_timeout_ms} ms getting ready"))
        self._started_at = -float("inf")
        self._last_exit = ""
        self._next_id = 0
        self._waiting: dict[int, _Waiting] = {}
        self._undelivered: set[PendingCall[Any]] = set()

    # ------------------------------------------------------------ the child

    @property
    def pid(self) -> int | None:
        return self._child.pid if self._running and not self._dying else None

    @property
    def starts(self) -> int:
        return self._child.starts

    @property
    def pending_calls(self) -> int:
        """Calls made whose callbacks have not run yet (tests wait for 0)."""
        return len(self._undelivered)

    def start(self) -> None:
        """Start the child without waiting for it (its stores open while the UI loads its QML); calls made
        before it says it is ready are queued and written then."""
        self._discard("a new data service was started")
        self._started_at = time.monotonic()
        self._running, self._ready = True, False
        self._start_timer.start(self.start_timeout_ms)
        if self._dying:
            self._start_pending = True  # its process object is free once the killed run has ended
        else:
            self._child.start()

    def stop(self) -> None:
        """End the child: it exits when its stdin closes; killed if it does not within STOP_TIMEOUT_MS.
        Calls still waiting are dropped (their callbacks never run: the UI is going away)."""
        self._running = False
        self._start_timer.stop()
        for waiting in self._waiting.values():
            waiting.timer.stop()
            waiting.timer.deleteLater()
        self._waiting.clear()
        self._undelivered.clear()
        self._start_pending = False
        self._child.stop()

    def _discard(self, why: str) -> None:
        """Kill the child and fail every waiting call with DataUnavailable(WHY). The GUI thread does not
        wait for the killed run to end (a child with a large index takes a while to be torn down)."""
        self._running = False
        self._start_timer.stop()
        if self._child.running and not self._dying:
            self._dying = True
            self._child.process.kill()
        self._fail_waiting(why)

    def _fail_child(self, why: str) -> None:
        log.warning("%s; stopping it", why)
        self._last_exit = "killed: " + why
        self._discard(why)

    def _fail_waiting(self, why: str) -> None:
        waiting, self._waiting = self._waiting, {}
        for call in waiting.values():
            call.settle(error=DataUnavailable(why))

    def _on_finished(self, outcome: ChildOutcome) -> None:
        if self._dying:  # the run this client killed has ended; the calls waiting on it were failed then
            self._dying = False
            if self._child.process.isOpen():
                self._child.process.readAllStandardOutput()  # what the killed run wrote is not an answer
            if self._start_pending:
                self._start_pending = False
                self._child.start()
            return
        if outcome.stopped or not self._running:
            return  # stopped by this client
        self._running = False
        self._start_timer.stop()
        self._last_exit = outcome.describe()
        self._fail_waiting(f"data service exited ({self._last_exit}) before answering")

    # ------------------------------------------------------------ answers

    def _read_answers(self) -> None:
        process = self._child.process
        while self._running and not self._dying:
            if not process.canReadLine():
                if process.bytesAvailable() > self.max_line_bytes:
                    # The rest of that line would follow: a new child answers the next call.
                    self._fail_child(f"data service wrote a line longer than {self.max_line_bytes} bytes")
                return
            line = bytes(process.readLine(self.max_line_bytes + 1).data())
            if not line.endswith(b"\n") and len(line) > self.max_line_bytes:
                self._fail_child(f"data service wrote a line longer than {self.max_line_bytes} bytes")
                return
            try:
                doc = decode_line(line)
            except ValueError:
                self._fail_child(f"data service wrote a line that is not JSON: {line[:80]!r}")
                return
            if not self._ready:
                if doc != api.READY:
                    self._fail_child(f"data service started with {doc!r} instead of its ready line")
                    return
                self._become_ready(process)
                continue
            call_id = doc.get("id")
            waiting = self._waiting.pop(call_id, None) if isinstance(call_id, int) else None
            if waiting is None:
                self._fail_child(f"data service answered {str(doc)[:80]}, which no call is waiting for")
                return
            try:
                waiting.settle(api.result_of(doc))
            except DataError as exc:
                waiting.settle(error=exc)

    def _become_ready(self, process: QProcess) -> None:
        self._ready = True
        self._start_timer.stop()
        for waiting in self._waiting.values():  # the calls made while it started, in order
            process.write(waiting.line)
            waiting.timer.start(self.call_timeout_ms)

    def _on_timeout(self, call_id: int) -> None:
        waiting = self._waiting.get(call_id)
        if waiting is not None:
            # Its state is unknown now: a new child answers the next call.
            self._fail_child(f"data service took longer than {self.call_timeout_ms} ms answering {waiting.method}")

    # ------------------------------------------------------------ calls

    def _call(self, method: str, **args: Any) -> PendingCall[Any]:
        pending: PendingCall[Any] = PendingCall(method, self._undelivered.discard)
        self._undelivered.add(pending)
        if not self._running:
            since_start_ms = (time.monotonic() - self._started_at) * 1000
            if self.starts and since_start_ms < self.restart_interval_ms:
                pending.settle(error=DataUnavailable(
                    f"data service exited ({self._last_exit}); restarting it in "
                    f"{int(self.restart_interval_ms - since_start_ms)} ms"))
                return pending
            if self.starts:
                log.warning("data service exited (%s); starting it again", self._last_exit)
            self.start()
        self._next_id += 1
        call_id = self._next_id
        timer = QTimer(self, singleShot=True)
        timer.timeout.connect(lambda: self._on_timeout(call_id))
        line = encode_line(api.request_doc(call_id, method, args))
        self._waiting[call_id] = _Waiting(method, line, pending, timer)
        if self._ready:
            self._child.process.write(line)
            timer.start(self.call_timeout_ms)
        return pending
