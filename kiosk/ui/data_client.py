"""The UI's end of the data service: calls answered by the `ipkiosk data-service` child process.

``client.list_records("services")`` sends one request line (kiosk/dataservice/service.py has the protocol
and the methods) and waits for its answer, so view-models read as if the stores were in this
process. On the bundled content a round trip takes 0.2–0.4 ms (a record, a search) and 1.4 ms
for the largest answer, the 40 services (bench/data_service_bench.py). The UI process thus never
imports peewee, SQLite, the stores or the search engine.

When the child is gone or does not answer in time, the call raises DataUnavailable: view-models
keep what they show (the last good content stays on screen) and the next call starts a new child,
at most once per RESTART_INTERVAL_MS so a child that cannot start does not stall every call.
A failure the service reports (a bad announcement, a wrong PIN format) raises DataError with the
service's error type. An answer line longer than MAX_LINE_BYTES is refused as DataUnavailable as
soon as that many bytes are waiting, without waiting for (or keeping) the rest of it.
"""

from __future__ import annotations

import functools
import json
import logging
import time

from PySide6.QtCore import QObject, QProcess

log = logging.getLogger(__name__)

START_TIMEOUT_MS = 120_000  # first boot imports the bundled seed; a damaged content.db is moved aside
CALL_TIMEOUT_MS = 30_000  # the first search after a sync rebuilds the index: seconds at 100k records
RESTART_INTERVAL_MS = 5_000
STOP_TIMEOUT_MS = 2_000
# The longest answer line read, the same bound as the service's for request lines
# (kiosk.dataservice.service.MAX_LINE_BYTES; the UI process does not import the service's module).
MAX_LINE_BYTES = 64 * 1024 * 1024


class DataUnavailable(RuntimeError):
    """The data service did not answer: it could not start, died, or timed out."""


class DataError(RuntimeError):
    """The data service answered with a failure; ``kind`` is its type (StationError, PinError, …) and
    ``reason`` the value of the error's reason enum (kiosk.core.staff_rules), '' when it has none."""

    def __init__(self, kind: str, message: str, reason: str = ""):
        super().__init__(message)
        self.kind = kind
        self.reason = reason


def result_of(answer: dict):
    """The result an answer document carries, or its failure raised as DataError."""
    if "error" in answer:
        error = answer["error"]
        raise DataError(error.get("type", "Error"), error.get("message", ""), error.get("reason", ""))
    return answer.get("result")


class DataClient(QObject):
    """Runs the data service child and calls its methods synchronously (attribute access = method)."""

    def __init__(self, program: str, arguments: list[str], parent: QObject | None = None, *,
                 start_timeout_ms: int = START_TIMEOUT_MS, call_timeout_ms: int = CALL_TIMEOUT_MS,
                 restart_interval_ms: int = RESTART_INTERVAL_MS, max_line_bytes: int = MAX_LINE_BYTES):
        super().__init__(parent)
        self.program, self.arguments = program, arguments
        self.max_line_bytes = max_line_bytes
        self.start_timeout_ms = start_timeout_ms
        self.call_timeout_ms = call_timeout_ms
        self.restart_interval_ms = restart_interval_ms
        self.starts = 0
        self._process: QProcess | None = None
        self._ready = False
        self._started_at = -float("inf")
        self._next_id = 0

    # ------------------------------------------------------------ the child

    @property
    def pid(self) -> int | None:
        running = self._process is not None and self._process.state() != QProcess.ProcessState.NotRunning
        return self._process.processId() if running else None

    def start(self) -> None:
        """Start the child without waiting for it (its stores open while the UI loads its QML)."""
        self._discard()
        self.starts += 1
        self._started_at = time.monotonic()
        process = QProcess(self)
        # Its log lines go where the UI's go (the journal); stdout carries the answers.
        process.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
        log.info("starting data service: %s %s", self.program, " ".join(self.arguments))
        process.start(self.program, self.arguments)
        self._process, self._ready = process, False

    def stop(self) -> None:
        """End the child: it exits when its stdin closes; killed if it does not within STOP_TIMEOUT_MS."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.state() != QProcess.ProcessState.NotRunning:
            process.closeWriteChannel()
            if not process.waitForFinished(STOP_TIMEOUT_MS):
                process.kill()
                process.waitForFinished(STOP_TIMEOUT_MS)
        process.deleteLater()

    def _discard(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.waitForFinished(STOP_TIMEOUT_MS)
            process.deleteLater()

    def _running_process(self) -> QProcess:
        """The child, started (again) if needed and allowed, once it said it is ready."""
        process = self._process
        if process is None or process.state() == QProcess.ProcessState.NotRunning:
            since_start_ms = (time.monotonic() - self._started_at) * 1000
            if process is not None and since_start_ms < self.restart_interval_ms:
                raise DataUnavailable(f"data service exited ({self._exit_text(process)}); "
                                      f"restarting it in {int(self.restart_interval_ms - since_start_ms)} ms")
            if process is not None:
                log.warning("data service exited (%s); starting it again", self._exit_text(process))
            self.start()
            process = self._process
        if not self._ready:
            ready = self._read_line(process, self.start_timeout_ms, "getting ready")
            if ready.get("ready") is not True:
                self._discard()
                raise DataUnavailable(f"data service started with {ready!r} instead of its ready line")
            self._ready = True
        return process

    @staticmethod
    def _exit_text(process: QProcess) -> str:
        if process.exitStatus() == QProcess.ExitStatus.CrashExit:
            return "crashed"
        return f"exit code {process.exitCode()}"

    def _read_line(self, process: QProcess, timeout_ms: int, doing: str) -> dict:
        deadline = time.monotonic() + timeout_ms / 1000
        while not process.canReadLine():
            if process.bytesAvailable() > self.max_line_bytes:
                self._discard()  # the rest of that line would follow: a new child answers the next call
                raise DataUnavailable(f"data service wrote a line longer than {self.max_line_bytes} bytes {doing}")
            if process.state() == QProcess.ProcessState.NotRunning:
                raise DataUnavailable(f"data service exited ({self._exit_text(process)}) before {doing}")
            left_ms = int((deadline - time.monotonic()) * 1000)
            if left_ms <= 0:
                self._discard()  # its state is unknown now: a new child answers the next call
                raise DataUnavailable(f"data service took longer than {timeout_ms} ms {doing}")
            process.waitForReadyRead(left_ms)
        line = bytes(process.readLine(self.max_line_bytes + 1))
        if not line.endswith(b"\n") and len(line) > self.max_line_bytes:
            self._discard()
            raise DataUnavailable(f"data service wrote a line longer than {self.max_line_bytes} bytes {doing}")
        try:
            doc = json.loads(line)
        except ValueError:
            self._discard()
            raise DataUnavailable(f"data service wrote a line that is not JSON: {line[:80]!r}") from None
        if not isinstance(doc, dict):
            self._discard()
            raise DataUnavailable(f"data service wrote {doc!r} instead of an answer")
        return doc

    # ------------------------------------------------------------ calls

    def call(self, method: str, *args, **kwargs):
        process = self._running_process()
        self._next_id += 1
        request = {"id": self._next_id, "method": method, "args": args}
        if kwargs:
            request["kwargs"] = kwargs
        process.write(json.dumps(request, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
        answer = self._read_line(process, self.call_timeout_ms, f"answering {method}")
        if answer.get("id") != self._next_id:
            self._discard()
            raise DataUnavailable(f"data service answered request {answer.get('id')!r}, expected {self._next_id}")
        return result_of(answer)

    def storage_faults(self) -> dict:
        """Damaged station.db rows and files open read-only on a full disk, for the admin screen's banner
        (kiosk.dataservice.service.DataService.storage_faults has the answer's fields)."""
        return self.call("storage_faults")

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return functools.partial(self.call, name)
