"""The admin session (QML singleton ``AdminSession``): the PIN pad, station.db's health, and the
state every staff job shares — whether staff are signed in, who acts, the clock, the audit trail.

The session ends (``unlocked`` false) when staff leave the admin page or the idle timeout resets the
kiosk for the next visitor. Staff-only slots of the other jobs are guarded by :func:`staff_only`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from kiosk.core.clock import iso
from kiosk.core.staff_rules import PIN_MAX_DIGITS, PIN_MIN_DIGITS
from kiosk.ui.admin.wording import (
    NO_DATA_SERVICE,
    NO_PIN_YET,
    STATION_DB_UNUSABLE,
    reason_zh,
    unsaved_pin_count_zh,
)
from kiosk.ui.data_client import DataError, DataUnavailable

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

ACTOR = "admin-screen"
LOCK_TICK_MS = 1000
# While staff are signed in, the jobs re-read what changes behind them (sync status, announcements).
STATUS_POLL_MS = 2000
NO_PIN_STATE = {"isSet": False, "lockedForS": 0, "triesLeft": 0}


def staff_only(refusal: str | None = None, *, also_while_station_unusable: bool = False) -> Callable:
    """Guard a staff job's slot: it runs only while the admin session is unlocked; otherwise the refusal
    is logged and REFUSAL returned. ALSO_WHILE_STATION_UNUSABLE lets the slot run while station.db cannot
    be opened, when no PIN can be checked (the restore of a backup). The job has the session as ``session``."""

    def decorate(slot: Callable) -> Callable:
        @functools.wraps(slot)
        def guarded(job: Any, *args: Any) -> Any:
            session: PinSession = job.session
            if session.unlocked or (also_while_station_unusable and not session.station_ok):
                return slot(job, *args)
            log.warning("%s refused: the admin session is locked", slot.__name__)
            return refusal

        return guarded

    return decorate


class PinSession(QObject):
    """PIN pad and session. Reads the PIN state once per change: on ``refresh``, after a try, and once a
    second while a lockout counts down (one pin_state call answers isSet, lockedForS and triesLeft)."""

    pinStateChanged = Signal()
    unlockedChanged = Signal()
    stationChanged = Signal()
    # Staff opened the admin page or station.db was replaced: every job reads its data again.
    refreshed = Signal()
    # Every STATUS_POLL_MS while unlocked.
    polled = Signal()

    def __init__(self, ctx, parent: QObject | None = None):
        super().__init__(parent)
        self.data = ctx.data
        self.clock = ctx.clock
        self._unlocked = False
        self._pin_state: dict = dict(NO_PIN_STATE)
        self._station_problem = ""
        self._lock_timer = QTimer(self, interval=LOCK_TICK_MS)
        self._lock_timer.timeout.connect(self._read_pin_state)
        self._poll_timer = QTimer(self, interval=STATUS_POLL_MS)
        self._poll_timer.timeout.connect(self.polled)

    # ------------------------------------------------------------ shared by the staff jobs

    def now(self) -> str:
        return iso(self.clock())

    def audit(self, action: str, obj: str, detail: str = "") -> None:
        """An audit row for a staff action (lost, and logged here, while the data service does not answer)."""
        try:
            self.data.audit(action, obj, detail, ACTOR)
        except DataUnavailable as exc:
            log.error("audit %s %s not written: %s", action, obj, exc)

    @property
    def station_ok(self) -> bool:
        return not self._station_problem

    # ------------------------------------------------------------ station.db health

    @Property(bool, notify=stationChanged)
    def stationOk(self) -> bool:  # noqa: N802 (QML API)
        return self.station_ok

    @Property(str, notify=stationChanged)
    def stationProblem(self) -> str:  # noqa: N802
        """'' when station.db is usable; else why not (also when the data service does not answer)."""
        return self._station_problem

    def _read_station_problem(self) -> None:
        try:
            problem = self.data.station_problem()
        except DataUnavailable as exc:
            problem = str(exc)
        if problem != self._station_problem:
            self._station_problem = problem
            self.stationChanged.emit()

    # ------------------------------------------------------------ PIN pad

    @Property(bool, notify=pinStateChanged)
    def pinIsSet(self) -> bool:  # noqa: N802
        return self._pin_state["isSet"]

    @Property(int, notify=pinStateChanged)
    def lockedForS(self) -> int:  # noqa: N802
        return self._pin_state["lockedForS"]

    @Property(int, notify=pinStateChanged)
    def triesLeft(self) -> int:  # noqa: N802
        return self._pin_state["triesLeft"]

    @Property(str, constant=True)
    def noPinMessage(self) -> str:  # noqa: N802
        """What the PIN page says instead of offering a pad while no PIN is set."""
        return NO_PIN_YET

    @Property(int, constant=True)
    def pinMinDigits(self) -> int:  # noqa: N802
        return PIN_MIN_DIGITS

    @Property(int, constant=True)
    def pinMaxDigits(self) -> int:  # noqa: N802
        return PIN_MAX_DIGITS

    def _read_pin_state(self) -> None:
        try:
            state = self.data.pin_state(self.now())
        except DataUnavailable:
            state = dict(NO_PIN_STATE)
        self._set_pin_state(state)

    def _set_pin_state(self, state: dict) -> None:
        # The countdown runs while locked, also after a restart during a lockout.
        if state["lockedForS"] and not self._lock_timer.isActive():
            self._lock_timer.start()
        elif not state["lockedForS"]:
            self._lock_timer.stop()
        if state != self._pin_state:
            self._pin_state = state
            self.pinStateChanged.emit()

    @Slot()
    def refreshPin(self) -> None:  # noqa: N802
        """The PIN page opened: station.db's health and the PIN state, read again."""
        self._read_station_problem()
        self._read_pin_state()

    @Slot(str, result="QVariantMap")
    def checkPin(self, pin: str) -> dict:  # noqa: N802
        """{ok, lockedForS, triesLeft, message} for the PIN pad."""
        self._read_station_problem()
        if not self.station_ok:
            # Without station.db there is no PIN to check: technicians use the shell (`ipkiosk station restore`).
            return {"ok": False, "lockedForS": 0, "triesLeft": 0, "message": STATION_DB_UNUSABLE}
        try:
            result = self.data.check_pin(pin, self.now())
        except DataError as exc:
            return {"ok": False, "lockedForS": 0, "triesLeft": 0, "message": reason_zh(exc.reason, str(exc))}
        except DataUnavailable:
            return {"ok": False, "lockedForS": 0, "triesLeft": 0, "message": NO_DATA_SERVICE}
        if result["lockedForS"]:
            message = f"错误次数过多，请 {result['lockedForS']} 秒后再试"
        elif result["ok"]:
            message = ""
        else:
            message = f"密码错误，还可尝试 {result['triesLeft']} 次"
        if message and result.get("unsaved"):
            # The pad still counts (in the data service's memory); staff should know why a restart resets it.
            message += unsaved_pin_count_zh(result.get("unsavedReason", ""))
        self._set_pin_state({"isSet": True, "lockedForS": result["lockedForS"], "triesLeft": result["triesLeft"]})
        self._set_unlocked(result["ok"])
        return {**result, "message": message}

    # ------------------------------------------------------------ the session

    @Property(bool, notify=unlockedChanged)
    def unlocked(self) -> bool:
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
        """Staff opened the admin page: the session's state and every job's data, read again."""
        self.refreshPin()
        self.refreshed.emit()

    @Slot()
    def lock(self) -> None:
        """Leave the admin screen: the next entry needs the PIN again."""
        if self._unlocked and self.station_ok:
            self.audit("admin.logout", "admin")
        self._set_unlocked(False)

    def reset(self) -> None:
        """Idle timeout: the visitor screen is back, so the admin session ends."""
        self.lock()
