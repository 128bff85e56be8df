"""The admin session (QML singleton ``AdminSession``): the PIN pad, station.db's health, and the
state every staff job shares — whether staff are signed in, who acts, the clock, the audit trail.

The session ends (``unlocked`` false) when staff leave the admin page or the idle timeout resets the
kiosk for the next visitor. Staff-only slots of the other jobs are guarded by :func:`staff_only`.

Every data call is asynchronous (kiosk.ui.data_client): a slot sends it and returns; the answer
arrives later on the GUI thread, and until then the screens keep what they show.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from kiosk.core.clock import iso
from kiosk.core.staff_rules import PIN_MAX_DIGITS, PIN_MIN_DIGITS
from kiosk.dataservice.api import PinCheck, PinState
from kiosk.ui.admin.wording import (
    NO_PIN_YET,
    NOT_UNLOCKED,
    STATION_DB_UNUSABLE,
    refusal_zh,
    unsaved_pin_count_zh,
)

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

ACTOR = "admin-screen"
LOCK_TICK_MS = 1000
# While staff are signed in, the jobs re-read what changes behind them (sync status, announcements).
STATUS_POLL_MS = 2000
NO_PIN_STATE: PinState = {"is_set": False, "locked_for_s": 0, "tries_left": 0}


def staff_only(answer: str | None = None, *, also_while_station_unusable: bool = False) -> Callable:
    """Guard a staff job's slot: it runs only while the admin session is unlocked; otherwise the refusal
    is logged and, when the slot reports its outcome through the signal named ANSWER, that signal says
    NOT_UNLOCKED. ALSO_WHILE_STATION_UNUSABLE lets the slot run while station.db cannot be opened, when no
    PIN can be checked (the restore of a backup). The job has the session as ``session``."""

    def decorate(slot: Callable) -> Callable:
        @functools.wraps(slot)
        def guarded(job: Any, *args: Any) -> None:
            session: PinSession = job.session
            if session.is_unlocked or (also_while_station_unusable and not session.station_ok):
                slot(job, *args)
                return
            log.warning("%s refused: the admin session is locked", slot.__name__)
            if answer is not None:
                getattr(job, answer).emit(NOT_UNLOCKED)

        return guarded

    return decorate


class PinSession(QObject):
    """PIN pad and session. Reads the PIN state once per change: on ``refreshPin``, after a try, and once
    a second while a lockout counts down (one pin_state call answers is_set, locked_for_s and tries_left)."""

    pinStateChanged = Signal()
    unlockedChanged = Signal()
    stationChanged = Signal()
    # The answer to checkPin: {ok, lockedForS, triesLeft, message}.
    pinChecked = Signal(dict)
    # Staff opened the admin page or station.db was replaced: every job reads its data again.
    refreshed = Signal()
    # Every STATUS_POLL_MS while unlocked.
    polled = Signal()

    def __init__(self, ctx, parent: QObject | None = None):
        super().__init__(parent)
        self.data = ctx.data
        self.clock = ctx.clock
        self._unlocked = False
        self._pin_state: PinState = dict(NO_PIN_STATE)  # type: ignore[assignment]
        self._pin_state_asked = False
        self._checking = False
        self._station_problem = ""
        self._lock_timer = QTimer(self, interval=LOCK_TICK_MS)
        self._lock_timer.timeout.connect(self._read_pin_state)
        self._poll_timer = QTimer(self, interval=STATUS_POLL_MS)
        self._poll_timer.timeout.connect(self.polled)
        # Known before the PIN page first opens (it reads them again then), so it does not show a guess.
        self.refreshPin()

    # ------------------------------------------------------------ shared by the staff jobs

    def now(self) -> str:
        return iso(self.clock())

    def audit(self, action: str, obj: str, detail: str = "", *, then: Callable[[], object] = lambda: None) -> None:
        """An audit row for a staff action (lost, and logged here, while the data service does not answer);
        THEN runs once it is written or lost."""

        def lost(failure: Exception) -> None:
            log.error("audit %s %s not written: %s", action, obj, failure)
            then()

        self.data.audit(action, obj, detail, ACTOR).then(lambda _: then(), lost)

    @property
    def station_ok(self) -> bool:
        return not self._station_problem

    # ------------------------------------------------------------ station.db health

    @Property(bool, notify=stationChanged)
    def stationOk(self) -> bool:
        return self.station_ok

    @Property(str, notify=stationChanged)
    def stationProblem(self) -> str:
        """'' when station.db is usable; else why not (also when the data service does not answer)."""
        return self._station_problem

    def _set_station_problem(self, problem: str) -> None:
        if problem != self._station_problem:
            self._station_problem = problem
            self.stationChanged.emit()

    def _ask_station_problem(self, then: Callable[[], object] = lambda: None) -> None:
        """Read station.db's health, then call THEN (also when the data service does not answer: that is
        the problem then)."""

        def answered(problem: str) -> None:
            self._set_station_problem(problem)
            then()

        def unanswered(failure: Exception) -> None:
            self._set_station_problem(str(failure))
            then()

        self.data.station_problem().then(answered, unanswered, receiver=self)

    # ------------------------------------------------------------ PIN pad

    @Property(bool, notify=pinStateChanged)
    def pinIsSet(self) -> bool:
        return self._pin_state["is_set"]

    @Property(int, notify=pinStateChanged)
    def lockedForS(self) -> int:
        return self._pin_state["locked_for_s"]

    @Property(int, notify=pinStateChanged)
    def triesLeft(self) -> int:
        return self._pin_state["tries_left"]

    @Property(str, constant=True)
    def noPinMessage(self) -> str:
        """What the PIN page says instead of offering a pad while no PIN is set."""
        return NO_PIN_YET

    @Property(int, constant=True)
    def pinMinDigits(self) -> int:
        return PIN_MIN_DIGITS

    @Property(int, constant=True)
    def pinMaxDigits(self) -> int:
        return PIN_MAX_DIGITS

    def _read_pin_state(self) -> None:
        if self._pin_state_asked:
            return  # one question at a time: a slow answer does not pile up ticks

        def answered(state: PinState) -> None:
            self._pin_state_asked = False
            self._set_pin_state(state)

        def unanswered(failure: Exception) -> None:
            self._pin_state_asked = False
            log.warning("PIN state not read: %s", failure)
            self._set_pin_state(dict(NO_PIN_STATE))  # type: ignore[arg-type]

        self._pin_state_asked = True
        self.data.pin_state(self.now()).then(answered, unanswered, receiver=self)

    def _set_pin_state(self, state: PinState) -> None:
        # The countdown runs while locked, also after a restart during a lockout.
        if state["locked_for_s"] and not self._lock_timer.isActive():
            self._lock_timer.start()
        elif not state["locked_for_s"]:
            self._lock_timer.stop()
        if state != self._pin_state:
            self._pin_state = state
            self.pinStateChanged.emit()

    @Slot()
    def refreshPin(self) -> None:
        """The PIN page opened: station.db's health and the PIN state, read again."""
        self._ask_station_problem()
        self._read_pin_state()

    @Slot(str)
    def checkPin(self, pin: str) -> None:
        """Check PIN; pinChecked answers {ok, lockedForS, triesLeft, message}. A PIN typed while the
        previous one is being checked is ignored."""
        if self._checking:
            return
        self._checking = True
        self._ask_station_problem(lambda: self._check_pin_if_station_ok(pin))

    def _check_pin_if_station_ok(self, pin: str) -> None:
        if not self.station_ok:
            # Without station.db there is no PIN to check: technicians use the shell (`ipkiosk station restore`).
            self._pin_answer({"ok": False, "lockedForS": 0, "triesLeft": 0, "message": STATION_DB_UNUSABLE})
            return
        self.data.check_pin(pin, self.now()).then(
            self._pin_checked,
            lambda failure: self._pin_answer({"ok": False, "lockedForS": 0, "triesLeft": 0,
                                              "message": refusal_zh(failure)}),
            receiver=self)

    def _pin_checked(self, result: PinCheck) -> None:
        if result["locked_for_s"]:
            message = f"错误次数过多，请 {result['locked_for_s']} 秒后再试"
        elif result["ok"]:
            message = ""
        else:
            message = f"密码错误，还可尝试 {result['tries_left']} 次"
        if message and result["unsaved"]:
            # The pad still counts (in the data service's memory); staff should know why a restart resets it.
            message += unsaved_pin_count_zh(result["unsaved_reason"])
        self._set_pin_state({"is_set": True, "locked_for_s": result["locked_for_s"],
                             "tries_left": result["tries_left"]})
        self._set_unlocked(result["ok"])
        self._pin_answer({"ok": result["ok"], "lockedForS": result["locked_for_s"],
                          "triesLeft": result["tries_left"], "message": message})

    def _pin_answer(self, answer: dict) -> None:
        self._checking = False
        self.pinChecked.emit(answer)

    # ------------------------------------------------------------ the session

    @Property(bool, notify=unlockedChanged)
    def unlocked(self) -> bool:
        return self._unlocked

    @property
    def is_unlocked(self) -> bool:
        """The same as ``unlocked``, for Python callers (a Qt Property reads as a descriptor to the type checker)."""
        return self._unlocked

    def _set_unlocked(self, value: bool) -> None:
        if value == self._unlocked:
            return
        self._unlocked = value
        if value:
            self.refresh()
            self._poll_timer.start()
        else:
            self._poll_timer.stop()
        self.unlockedChanged.emit()

    @Slot()
    def refresh(self) -> None:
        """Staff opened the admin page: the session's state and then every job's data, read again (the jobs
        that read station.db ask only once its health is known)."""
        self._ask_station_problem(self.refreshed.emit)
        self._read_pin_state()

    @Slot()
    def lock(self) -> None:
        """Leave the admin screen: the next entry needs the PIN again."""
        if self._unlocked and self.station_ok:
            self.audit("admin.logout", "admin")
        self._set_unlocked(False)

    def reset(self) -> None:
        """Idle timeout: the visitor screen is back, so the admin session ends."""
        self.lock()
