"""The sync tab (QML singleton ``AdminSync``): the last cycles' status and 立即同步, which runs one
`ipkiosk sync --once` child through the UI's child-process class (the UI itself never touches the network). Outcomes are worded through
kiosk.ui.admin.wording from the outcome classes of kiosk.core.sync_outcome."""

from __future__ import annotations

import logging

from PySide6.QtCore import Property, QObject, QProcess, Signal, Slot

from kiosk.core import kinds
from kiosk.core.safe_text import for_display
from kiosk.core.self_command import SYNC_NICE, self_command
from kiosk.dataservice.api import ContentStatus
from kiosk.ui.admin.pin_session import PinSession, staff_only
from kiosk.ui.admin.wording import sync_ending_zh, sync_exit_zh, sync_result_zh, when_zh
from kiosk.ui.children import ChildOutcome, ChildProcess, Ending, StopBy

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

SYNC_NOW_CHILD_NAME = "sync now"
# SIGTERM lets the cycle finish the step it is in (an apply is one transaction either way).
SYNC_NOW_STOP_TIMEOUT_MS = 3000


class SyncControl(QObject):
    syncStatusChanged = Signal()
    syncRunningChanged = Signal()

    def __init__(self, session: PinSession, cfg, parent: QObject | None = None, *,
                 sync_program: tuple[str, list[str]] | None = None):
        super().__init__(parent)
        self.session = session
        self._cfg = cfg
        self._sync_program = sync_program
        self._sync_status: dict = {}
        self._sync_child: ChildProcess | None = None
        self._sync_message = ""
        self._status_asked = False
        session.refreshed.connect(self._refresh_status)
        session.polled.connect(self._refresh_status)

    @Property(dict, notify=syncStatusChanged)
    def syncStatus(self) -> dict:
        return self._sync_status

    @Property(bool, notify=syncRunningChanged)
    def syncRunning(self) -> bool:
        return self._sync_running()

    def _sync_running(self) -> bool:
        return self._sync_child is not None and self._sync_child.running

    def _refresh_status(self) -> None:
        """Ask for the status again (the last one stays on screen until it comes; one question at a time)."""
        if self._status_asked:
            return

        def unanswered(failure: Exception) -> None:
            self._status_asked = False
            log.warning("sync status not refreshed: %s", failure)

        self._status_asked = True
        self.session.data.status().then(self._show_status, unanswered, receiver=self)

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
            "lastReason": for_display(doc["last_reason"] or ""),  # it quotes what a server or network said
            "lastAttemptAt": when_zh(doc["last_attempt_at"]),
            "lastSuccessAt": when_zh(doc["last_success_at"]),
            "nextAttemptAt": when_zh(doc["next_attempt_at"]),
            "contentUpdatedAt": when_zh(doc["content_updated_at"]),
            "generations": generations,
            "message": for_display(self._sync_message),
        }
        if status != self._sync_status:
            self._sync_status = status
            self.syncStatusChanged.emit()

    def sync_command(self) -> tuple[str, list[str]]:
        if self._sync_program is not None:
            return self._sync_program
        return self_command(self._cfg, "sync", "--once")

    @Slot()
    @staff_only()
    def syncNow(self) -> None:
        """立即同步: one `ipkiosk sync --once` child at a time."""
        if self._sync_running():
            return
        self.session.audit("sync.now", "content")
        if not self._cfg.repository_url:
            self._sync_message = "未配置内容服务器（repository_url），仅使用内置内容"
            self._refresh_status()
            return
        if self._sync_child is None:
            program, args = self.sync_command()
            self._sync_child = ChildProcess(SYNC_NOW_CHILD_NAME, program, args, self,
                                            channels=QProcess.ProcessChannelMode.MergedChannels,
                                            stop_by=StopBy.TERMINATE, stop_timeout_ms=SYNC_NOW_STOP_TIMEOUT_MS,
                                            nice=SYNC_NICE)
            self._sync_child.finished.connect(self._sync_finished)
        self._sync_message = "正在同步…"
        self._sync_child.start()
        self.syncRunningChanged.emit()
        self._refresh_status()

    def _sync_finished(self, outcome: ChildOutcome) -> None:
        if outcome.stopped:
            return  # the kiosk is closing (stop)
        if outcome.ending is Ending.EXITED and outcome.exit_code is not None:
            assert self._sync_child is not None  # the child that just finished
            output = bytes(self._sync_child.process.readAll().data()).decode("utf-8", "replace").strip().splitlines()
            self._sync_message = (f"立即同步结果：{sync_exit_zh(outcome.exit_code)}"
                                  + (f"（{output[-1][:160]}）" if output else ""))
        else:
            self._sync_message = sync_ending_zh(outcome.ending.value)
        self.syncRunningChanged.emit()
        self._refresh_status()

    def stop(self) -> None:
        """The kiosk is closing: a running 立即同步 child ends with it."""
        if self._sync_child is not None:
            self._sync_child.stop()
