"""The sync cycles: the UI runs one `ipkiosk sync --once --after-failures N` child per cycle, on schedule.

The UI never touches the network or content.db's writer side itself; the child applies signed content and
the UI notices a new apply_serial (kiosk.ui.shell.Shell.poll_content).

Why a child per cycle rather than a resident `sync --loop`: cycles are 15 minutes apart, and a resident loop
holds python-tuf, requests and the apply code in memory all that time (≈ 45 MB RSS, ≈ 26 MB of it its own);
a child that ends with its cycle gives it back (docs/benchmarks.md, "Whole-terminal memory"). The schedule
is the loop's: the child records when the next cycle is due (interval ± jitter, backoff after failures, a
server's Retry-After) and the UI reads that back through the data service; when it cannot (the child crashed,
the data service does not answer), the UI applies the same rule itself (kiosk.core.sync_outcome).
立即同步 on the staff screen runs the next cycle now, through this same object: one sync at a time.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Callable

from PySide6.QtCore import QObject, QProcess, QTimer, Signal

from kiosk.core import config as config_mod
from kiosk.core.clock import iso, naive_as_china, utcnow
from kiosk.core.self_command import SYNC_NICE, self_command
from kiosk.core.sync_outcome import MAX_RETRY_AFTER_S, failures_after, next_delay_s, outcome_of_exit_code
from kiosk.dataservice.api import ContentStatus
from kiosk.ui.children import ChildOutcome, ChildProcess, Ending, StopBy
from kiosk.ui.data_client import DataCalls

log = logging.getLogger(__name__)

SYNC_CHILD_NAME = "sync cycle"
# SIGTERM ends a `--once` child at once: an apply is one transaction, and a half-downloaded file in the
# staging directory is cleared by the next cycle.
SYNC_STOP_TIMEOUT_MS = 3000
# A cycle ends itself after its download deadline (`sync --deadline-s`, 900 s); a child still running well
# after that is wedged, and is killed so the next cycle can run.
SYNC_RUN_TIMEOUT_MS = 1200 * 1000
# A recorded next attempt further away than the longest delay the rule can give is not believed (a clock
# that jumped): the UI's own delay is used instead.
_LONGEST_DELAY_S = MAX_RETRY_AFTER_S * 1.2


class SyncCycles(QObject):
    """Runs a sync cycle now (``run_now``) or when the last one said the next is due (``start`` begins).

    ``cycleFinished(outcome, last_line)`` follows every cycle: the child's ChildOutcome and the last line it
    printed (its summary, "sync OK [APPLIED]: … (N requests, M bytes)", or the error that stopped it). ``scheduled``
    follows once the next cycle's time (``next_attempt_at``, UTC ISO) is known. PROGRAM replaces the
    `ipkiosk` command (tests)."""

    runningChanged = Signal()
    cycleFinished = Signal(object, str)
    scheduled = Signal()

    def __init__(self, cfg: config_mod.Config, data: DataCalls, parent: QObject | None = None, *,
                 program: tuple[str, list[str]] | None = None, clock: Callable[[], dt.datetime] = utcnow,
                 rng: random.Random | None = None) -> None:
        super().__init__(parent)
        self._cfg = cfg
        self._data = data
        self._program = program
        self._clock = clock
        self._rng = rng or random.Random()
        self.failures = 0  # consecutive failed cycles so far
        self.next_attempt_at: str | None = None
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.run_now)
        command, arguments = program or self_command(cfg, "sync", "--once")
        self._child = ChildProcess(SYNC_CHILD_NAME, command, arguments, self,
                                   channels=QProcess.ProcessChannelMode.MergedChannels, stop_by=StopBy.TERMINATE,
                                   stop_timeout_ms=SYNC_STOP_TIMEOUT_MS, run_timeout_ms=SYNC_RUN_TIMEOUT_MS,
                                   nice=SYNC_NICE)
        self._child.finished.connect(self._cycle_finished)

    @property
    def running(self) -> bool:
        return self._child.running

    @property
    def child(self) -> ChildProcess:
        return self._child

    def start(self) -> None:
        """The first cycle runs at once (content may have been published while the terminal was off)."""
        self._timer.start(0)

    def run_now(self) -> bool:
        """Start a cycle now (False when one is running); the scheduled one is replaced by it."""
        if self._child.running:
            return False
        self._timer.stop()
        if self._program is None:
            self._child.program, self._child.arguments = self_command(
                self._cfg, "sync", "--once", "--after-failures", str(self.failures))
        self._child.start()
        self.runningChanged.emit()
        return True

    def stop(self) -> None:
        """The kiosk is closing: no more cycles, and a running one ends with it."""
        self._timer.stop()
        self._child.stop()

    def _cycle_finished(self, outcome: ChildOutcome) -> None:
        if outcome.stopped:
            return  # the kiosk is closing (stop)
        output = bytes(self._child.process.readAll().data()).decode("utf-8", "replace").strip().splitlines()
        last_line = output[-1] if output else ""
        # The child's summary goes where the UI's logs go (the journal), as the loop's did.
        log.info("%s ended (%s): %s", SYNC_CHILD_NAME, outcome, last_line)
        result = outcome_of_exit_code(outcome.exit_code) if (outcome.ending is Ending.EXITED
                                                             and outcome.exit_code is not None) else None
        self.failures = failures_after(result, self.failures)
        self.runningChanged.emit()
        self.cycleFinished.emit(outcome, last_line)
        self._data.status().then(self._schedule_as_recorded, lambda failure: self._schedule(None), receiver=self)

    def _schedule_as_recorded(self, status: ContentStatus) -> None:
        self._schedule(status["next_attempt_at"])

    def _schedule(self, recorded: str | None) -> None:
        """The next cycle at RECORDED (what the child wrote) when that is believable, else by the rule here."""
        if self._child.running:
            return  # 立即同步 started one meanwhile: its end schedules the next
        now = self._clock()
        if recorded is not None:
            delay_s = (naive_as_china(dt.datetime.fromisoformat(recorded)) - now).total_seconds()
            if 0 < delay_s <= _LONGEST_DELAY_S:
                self.next_attempt_at = recorded
                self._timer.start(int(delay_s * 1000))
                self.scheduled.emit()
                return
        delay_s = next_delay_s(self.failures, self._cfg.sync_interval_s, self._rng)
        self.next_attempt_at = iso(now + dt.timedelta(seconds=delay_s))
        self._timer.start(int(delay_s * 1000))
        self.scheduled.emit()


def sync_cycles(cfg: config_mod.Config, data: DataCalls, parent: QObject | None = None) -> SyncCycles | None:
    """The sync cycles (not started yet) when a repository is configured, else None."""
    if not cfg.repository_url:
        return None
    return SyncCycles(cfg, data, parent)
