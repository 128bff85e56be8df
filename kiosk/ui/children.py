"""Child processes of the UI: one class starts, restarts, stops and reports on every one of them.

The UI runs its slow or heavy work in children of its own program (``ipkiosk data-service``,
``ipkiosk sync --once`` per sync cycle, ``ipkiosk printer-status``, ``ipkiosk pinyin-service``, ``ipkiosk speak``): the
stores, the network, libcups and the speech engine stay out of the UI process, and a hung child never freezes the screen.
:class:`ChildProcess` is the one place that knows how such a child is started, restarted with
backoff, stopped and how it ended (:class:`ChildOutcome`, with the child's name for the log).

Every child dies with the UI, however the UI ends (a kill, a crash of the display): it gets the UI's
process id in its environment and asks Linux for SIGTERM when its parent dies
(kiosk.core.self_command.start_as_ui_child, run first by `ipkiosk`). That cannot be set here between
fork and exec: PySide6 (6.8 to 6.11) binds neither ``QProcess.setChildProcessModifier`` nor a process
parameter flag for it.
"""

from __future__ import annotations

import enum
import logging
import os
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, Signal, Slot

from kiosk.core.self_command import NICE_ENV, PARENT_PID_ENV

log = logging.getLogger(__name__)

STOP_TIMEOUT_MS = 3000
KILL_TIMEOUT_MS = 2000


class Ending(enum.Enum):
    """How a child's run ended."""

    EXITED = "exited"  # it returned an exit code (0 or not)
    CRASHED = "crashed"  # a signal ended it (also a kill by stop() or kill())
    FAILED_TO_START = "failed to start"  # the program could not be run at all
    TIMED_OUT = "timed out"  # it ran longer than its run_timeout_ms and was killed


@dataclass(frozen=True)
class ChildOutcome:
    """How one run of a child ended. ``stopped`` is true when the UI asked for the end (stop, kill)."""

    name: str
    ending: Ending
    exit_code: int | None = None
    stopped: bool = False

    @property
    def ok(self) -> bool:
        """The child ran to its end and said so (exit code 0)."""
        return self.ending is Ending.EXITED and self.exit_code == 0

    def describe(self) -> str:
        """'exit code 3', 'crashed', 'failed to start', 'timed out' (for logs and messages)."""
        if self.ending is Ending.EXITED:
            return f"exit code {self.exit_code}"
        return self.ending.value

    def __str__(self) -> str:
        return f"{self.name}: {self.describe()}" + (" (stopped)" if self.stopped else "")


class StopBy(enum.Enum):
    """What asks a child to end before it is killed."""

    CLOSING_STDIN = "closing its stdin"  # children that read requests from stdin (the data service)
    TERMINATE = "SIGTERM"  # children that finish their step on SIGTERM (the sync loop)


@dataclass(frozen=True)
class RestartPolicy:
    """Restart a child that failed (any end but exit code 0, unless the UI stopped it), waiting
    min_backoff_ms, then twice as long after each further failure, up to max_backoff_ms. A child
    that ran healthy_run_ms or longer before it failed starts the backoff over."""

    min_backoff_ms: int = 1000
    max_backoff_ms: int = 300_000
    healthy_run_ms: int = 60_000


class ChildProcess(QObject):
    """One child process of the UI, started again and again under the same name.

    ``finished`` carries the :class:`ChildOutcome` of every run, a start that failed included.
    With ``restart`` a failed child is started again after a backoff; without it (the default)
    the owner decides when to call ``start`` again. ``process`` is the QProcess of the current run,
    for owners that talk to the child (write requests, read lines).
    """

    finished = Signal(object)  # ChildOutcome

    def __init__(self, name: str, program: str, arguments: list[str], parent: QObject | None = None, *,
                 channels: QProcess.ProcessChannelMode = QProcess.ProcessChannelMode.SeparateChannels,
                 restart: RestartPolicy | None = None, stop_by: StopBy = StopBy.CLOSING_STDIN,
                 stop_timeout_ms: int = STOP_TIMEOUT_MS, run_timeout_ms: int | None = None,
                 nice: int = 0, answer_exit_codes: tuple[int, ...] = (0,)) -> None:
        super().__init__(parent)
        # Exit codes that are the child's answer rather than its failure (`printer-status` exits 1 for "not
        # usable"): logged as information, not as a warning on the kiosk's stderr.
        self.answer_exit_codes = answer_exit_codes
        self.name = name
        self.program, self.arguments = program, list(arguments)
        self.restart_policy = restart
        self.stop_by = stop_by
        self.stop_timeout_ms = stop_timeout_ms
        self.starts = 0
        self.backoff_ms = restart.min_backoff_ms if restart else 0
        self.last_outcome: ChildOutcome | None = None
        self._stopping = False  # stop() or kill() asked for the end of this run
        self._closed = False  # stop() was called: no more restarts
        self._ended_by: Ending | None = None  # set when the run timer kills the child
        self._started_at = 0.0
        self._process = QProcess(self)
        self._process.setProcessChannelMode(channels)
        environment = QProcessEnvironment.systemEnvironment()
        environment.insert(PARENT_PID_ENV, str(os.getpid()))
        if nice:
            environment.insert(NICE_ENV, str(nice))
        self._process.setProcessEnvironment(environment)
        self._process.finished.connect(self._on_finished)
        self._process.errorOccurred.connect(self._on_error)
        self._restart_timer = QTimer(self, singleShot=True)
        self._restart_timer.timeout.connect(self._restart)
        self._run_timer = QTimer(self, singleShot=True)
        if run_timeout_ms is not None:
            self._run_timer.setInterval(run_timeout_ms)
        self._run_timer.timeout.connect(self._time_out)

    # ------------------------------------------------------------ state

    @property
    def process(self) -> QProcess:
        return self._process

    @property
    def running(self) -> bool:
        """Started and not yet ended (also while the program is still being started)."""
        return self._process.state() != QProcess.ProcessState.NotRunning

    @property
    def pid(self) -> int | None:
        return self._process.processId() if self.running else None

    @property
    def restart_pending(self) -> bool:
        return self._restart_timer.isActive()

    # ------------------------------------------------------------ control

    @Slot()
    def start(self) -> bool:
        """Start a run unless one is running (False then); a pending restart is cancelled by it."""
        if self.running:
            return False
        self._restart_timer.stop()
        self._closed = self._stopping = False
        self._ended_by = None
        self.starts += 1
        self._started_at = time.monotonic()
        log.info("starting %s: %s %s", self.name, self.program, " ".join(self.arguments))
        if self._run_timer.interval() > 0:
            self._run_timer.start()  # before start(): a failed start may end the run inside it
        self._process.start(self.program, self.arguments)
        return True

    def stop(self) -> ChildOutcome | None:
        """End the child for good (no restart): ask it by stop_by, wait stop_timeout_ms, then kill it.

        Returns the outcome of the run it ended, None when none was running."""
        self._closed = True
        self._restart_timer.stop()
        if not self.running:
            return None
        self._stopping = True
        log.info("stopping %s by %s", self.name, self.stop_by.value)
        if self.stop_by is StopBy.CLOSING_STDIN:
            self._process.closeWriteChannel()
        else:
            self._process.terminate()
        if not self._process.waitForFinished(self.stop_timeout_ms):
            log.warning("%s did not end within %d ms of %s; killing it", self.name, self.stop_timeout_ms,
                        self.stop_by.value)
            self._kill_and_wait()
        return self.last_outcome

    def kill(self) -> ChildOutcome | None:
        """Kill this run now (its state is unknown, say): no restart follows, ``start`` may run a new one."""
        self._restart_timer.stop()
        if not self.running:
            return None
        self._stopping = True
        self._kill_and_wait()
        return self.last_outcome

    def _kill_and_wait(self) -> None:
        self._process.kill()
        self._process.waitForFinished(KILL_TIMEOUT_MS)

    # ------------------------------------------------------------ endings

    def _time_out(self) -> None:
        if self.running:
            log.warning("%s ran longer than %d ms; killing it", self.name, self._run_timer.interval())
            self._ended_by = Ending.TIMED_OUT
            self._kill_and_wait()

    def _on_finished(self, exit_code: int, status: QProcess.ExitStatus) -> None:
        if self._ended_by is not None:
            ending = self._ended_by
        elif status == QProcess.ExitStatus.CrashExit:
            ending = Ending.CRASHED
        else:
            ending = Ending.EXITED
        self._end(ChildOutcome(self.name, ending, exit_code if ending is Ending.EXITED else None, self._stopping))

    def _on_error(self, error: QProcess.ProcessError) -> None:
        # Crashes and timeouts also arrive as errors, followed by finished; only a failed start ends
        # a run without finished.
        if error == QProcess.ProcessError.FailedToStart:
            self._end(ChildOutcome(self.name, Ending.FAILED_TO_START, None, self._stopping))

    def _end(self, outcome: ChildOutcome) -> None:
        self._run_timer.stop()
        self.last_outcome = outcome
        answered = outcome.ending is Ending.EXITED and outcome.exit_code in self.answer_exit_codes
        if outcome.ok or outcome.stopped or answered:
            log.info("%s", outcome)
        else:
            log.warning("%s", outcome)
        if self.restart_policy is not None and not outcome.ok and not outcome.stopped and not self._closed:
            self._schedule_restart(self.restart_policy)
        self.finished.emit(outcome)

    def _schedule_restart(self, policy: RestartPolicy) -> None:
        lived_ms = (time.monotonic() - self._started_at) * 1000
        if lived_ms >= policy.healthy_run_ms:
            self.backoff_ms = policy.min_backoff_ms
        log.warning("restarting %s in %d ms", self.name, self.backoff_ms)
        self._restart_timer.start(self.backoff_ms)
        self.backoff_ms = min(self.backoff_ms * 2, policy.max_backoff_ms)

    def _restart(self) -> None:
        if not self._closed:
            self.start()
