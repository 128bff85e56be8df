"""The sync tab (QML singleton ``AdminSync``): the last cycles' status and 立即同步, which runs the next sync
cycle now through the UI's sync cycles (kiosk.ui.sync_cycles: one `ipkiosk sync --once` child per cycle; the
UI itself never touches the network). Outcomes are worded through kiosk.ui.admin.wording from the outcome
classes of kiosk.core.sync_outcome."""

from __future__ import annotations

import logging
import re

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.core import kinds
from kiosk.core.safe_text import for_display
from kiosk.dataservice.api import ContentStatus
from kiosk.ui.admin.pin_session import PinSession, staff_only
from kiosk.ui.admin.wording import (
    sync_ending_zh,
    sync_exit_zh,
    sync_reason_zh,
    sync_result_zh,
    sync_status_reason_zh,
    sync_traffic_zh,
    when_zh,
)
from kiosk.ui.children import ChildOutcome, Ending
from kiosk.ui.sync_cycles import SyncCycles

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# The summary line `ipkiosk sync --once` ends with: "sync OUTCOME [CODE]: REASON (N requests, M bytes)"; only its
# reason code (kiosk.core.sync_outcome.SyncReason) and counts are read, the English reason is for technicians.
_SUMMARY = re.compile(r"^sync [A-Z_]+ \[(?P<code>[A-Z_]+)\]: ")


class SyncControl(QObject):
    syncStatusChanged = Signal()
    syncRunningChanged = Signal()
    # A sync cycle ended (立即同步's or a scheduled one, whatever its outcome): what it may have applied is
    # worth showing (device info).
    syncFinished = Signal()

    def __init__(self, session: PinSession, cfg, cycles: SyncCycles | None, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self._cfg = cfg
        self._cycles = cycles
        self._sync_status: dict = {}
        self._sync_message = ""
        # How the last 立即同步 child exited (exit code, last line): worded with the status read after it.
        self._sync_exit: tuple[int, str] | None = None
        self._sync_asked = False  # 立即同步 started the cycle now running: its end is worded for staff
        self._status_asked = False
        # Asked again once the current question is answered (a sync child ended meanwhile).
        self._status_again = False
        session.refreshed.connect(self._refresh_status)
        session.polled.connect(self._refresh_status)
        if cycles is not None:
            cycles.runningChanged.connect(self.syncRunningChanged)
            cycles.cycleFinished.connect(self._cycle_finished)
            cycles.scheduled.connect(self._refresh_status)

    @Property(dict, notify=syncStatusChanged)
    def syncStatus(self) -> dict:
        return self._sync_status

    @Property(bool, notify=syncRunningChanged)
    def syncRunning(self) -> bool:
        """True from 立即同步 until its outcome is worded: the button stays 正在同步… until the message that
        replaces 正在同步… is on screen (the outcome waits for the status the child recorded)."""
        return self._sync_running() or self._sync_asked or self._sync_exit is not None

    def _sync_running(self) -> bool:
        return self._cycles is not None and self._cycles.running

    def _refresh_status(self) -> None:
        """Ask for the status again (the last one stays on screen until it comes; one question at a time,
        and one more after it when asked meanwhile, so a finished sync is never shown by an older answer)."""
        if self._status_asked:
            self._status_again = True
            return

        # A 立即同步 child that exited before this question is worded with its answer, which holds what it recorded.
        ended = self._sync_exit

        def answered(doc: ContentStatus) -> None:
            if ended is not None and ended is self._sync_exit:
                self._sync_message = sync_now_message_zh(*ended, doc)
                self._sync_exit = None
                self._show_status(doc)
                self.syncRunningChanged.emit()  # worded: 立即同步 is free again
            else:
                self._show_status(doc)

        def unanswered(failure: Exception) -> None:
            self._status_asked = False
            log.warning("sync status not refreshed: %s", failure)
            if ended is not None and ended is self._sync_exit:  # said from its summary line alone
                self._sync_exit = None
                self._show_message(sync_now_message_zh(*ended, None))
            self._ask_again_if_wanted()

        self._status_asked = True
        self.session.data.status().then(answered, unanswered, receiver=self)

    def _show_message(self, message: str) -> None:
        """Word 立即同步's outcome now, without the status it would otherwise wait for."""
        self._sync_message = message
        self._sync_status = {**self._sync_status, "message": for_display(message)}
        self.syncStatusChanged.emit()
        self.syncRunningChanged.emit()

    def _ask_again_if_wanted(self) -> None:
        if self._status_again:
            self._status_again = False
            self._refresh_status()

    @Slot()
    def content_applied(self) -> None:
        """A sync (this tab's child or the background loop) applied new content: show its outcome."""
        self._refresh_status()

    def _next_attempt(self, doc: ContentStatus) -> str | None:
        """When the next cycle runs: as the UI's sync cycles scheduled it (what will happen), else as recorded
        (by a `sync --loop` a technician runs, say)."""
        scheduled = self._cycles.next_attempt_at if self._cycles is not None else None
        return scheduled or doc["next_attempt_at"]

    def _show_status(self, doc: ContentStatus) -> None:
        self._status_asked = False
        collections = doc["collections"]
        generations = "  ".join(
            f"{k.short_label} {'-' if collections[k.name]['generation'] is None else collections[k.name]['generation']}"
            for k in kinds.KINDS)
        status = {
            "configured": bool(self._cfg.repository_url),
            "server": self._cfg.repository_url or "未配置（只显示内置内容）",
            "lastResult": sync_result_zh(doc["last_result"]),
            "lastReason": sync_status_reason_zh(doc),
            # The reason as recorded, for a technician: it quotes what a server or network said.
            "reasonDetail": for_display(doc["last_reason"] or ""),
            "lastAttemptAt": when_zh(doc["last_attempt_at"]),
            "lastSuccessAt": when_zh(doc["last_success_at"]),
            "nextAttemptAt": when_zh(self._next_attempt(doc)),
            "contentUpdatedAt": when_zh(doc["content_updated_at"]),
            "generations": generations,
            "message": for_display(self._sync_message),
        }
        if status != self._sync_status:
            self._sync_status = status
            self.syncStatusChanged.emit()
        self._ask_again_if_wanted()

    @Slot()
    @staff_only()
    def syncNow(self) -> None:
        """立即同步: the next sync cycle runs now (none when one is running already)."""
        if self._sync_running():
            return
        self.session.audit("sync.now", "content")
        if self._cycles is None:
            self._sync_message = "未配置内容服务器（repository_url），仅使用内置内容"
            self._refresh_status()
            return
        self._sync_message = "正在同步…"
        self._sync_exit = None
        # Asked before the start: a program that cannot start at all may end the cycle inside run_now.
        self._sync_asked = True
        if not self._cycles.run_now():
            self._sync_asked = False
            self.syncRunningChanged.emit()
        self._refresh_status()

    def _cycle_finished(self, outcome: ChildOutcome, last_line: str) -> None:
        if self._sync_asked:
            self._sync_asked = False
            if outcome.ending is Ending.EXITED and outcome.exit_code is not None:
                self._sync_exit = (outcome.exit_code, last_line)
            else:  # killed, timed out or never started: no status to wait for
                self._show_message(sync_ending_zh(outcome.ending.value))
        self._refresh_status()
        self.syncFinished.emit()


def sync_now_message_zh(exit_code: int, last_line: str, status: ContentStatus | None) -> str:
    """What the sync tab says when the 立即同步 child exited with EXIT_CODE, LAST_LINE being its summary line
    ("sync OK [APPLIED]: applied services (generation 2): 3 upserted, 0 deleted (4 requests, 2048 bytes)"): the
    outcome, the reason of its code in Chinese and the traffic. STATUS, read after the child exited, holds what
    the cycle recorded: a cycle that applied or refused content is worded with its counts from there (a cycle
    that recorded nothing, on a busy lock say, is worded by its code alone). Any other last line (an error the
    CLI printed) is quoted, shortened."""
    words = f"立即同步结果：{sync_exit_zh(exit_code)}"
    summary = _SUMMARY.match(last_line)
    if summary is None:
        return words + (f"（{last_line[:160]}）" if last_line else "")
    code = summary["code"]
    if status is not None and status["last_reason_code"] == code:
        reason = sync_reason_zh(code, status["last_applied"], status["refused"])
    else:
        reason = sync_reason_zh(code)
    details = [reason, sync_traffic_zh(last_line)]
    return words + "。" + "；".join(d for d in details if d and d != sync_reason_zh(None))
