"""The sync tab (QML singleton ``AdminSync``): the last cycles' status and 立即同步, which runs one
`ipkiosk sync --once` child through the UI's child-process class (the UI itself never touches the network). Outcomes are worded through
kiosk.ui.admin.wording from the outcome classes of kiosk.core.sync_outcome."""

from __future__ import annotations

import logging
import re

from PySide6.QtCore import Property, QObject, QProcess, Signal, Slot

from kiosk.core import kinds
from kiosk.core.safe_text import for_display
from kiosk.core.self_command import SYNC_NICE, self_command
from kiosk.dataservice.api import ContentStatus
from kiosk.ui.admin.pin_session import PinSession, staff_only
from kiosk.ui.admin.wording import (
    sync_ending_zh,
    sync_exit_zh,
    sync_reason_zh,
    sync_result_zh,
    sync_traffic_zh,
    when_zh,
)
from kiosk.ui.children import ChildOutcome, ChildProcess, Ending, StopBy

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

SYNC_NOW_CHILD_NAME = "sync now"
# SIGTERM lets the cycle finish the step it is in (an apply is one transaction either way).
SYNC_NOW_STOP_TIMEOUT_MS = 3000


# The summary line `ipkiosk sync --once` ends with: "sync OUTCOME: REASON (N requests, M bytes)".
_SUMMARY = re.compile(r"^sync \w+: (?P<reason>.*?)(?: \(\d+ requests, \d+ bytes\))?$")


class SyncControl(QObject):
    syncStatusChanged = Signal()
    syncRunningChanged = Signal()
    # A 立即同步 child ended (whatever its outcome): what it may have applied is worth showing (device info).
    syncFinished = Signal()

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
        # Asked again once the current question is answered (a sync child ended meanwhile).
        self._status_again = False
        # The next attempt the background sync loop recorded before a 立即同步: the `--once` child records
        # none of its own, and the loop still keeps its schedule.
        self._loop_next_attempt: str | None = None
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
        """Ask for the status again (the last one stays on screen until it comes; one question at a time,
        and one more after it when asked meanwhile, so a finished sync is never shown by an older answer)."""
        if self._status_asked:
            self._status_again = True
            return

        def unanswered(failure: Exception) -> None:
            self._status_asked = False
            log.warning("sync status not refreshed: %s", failure)
            self._ask_again_if_wanted()

        self._status_asked = True
        self.session.data.status().then(self._show_status, unanswered, receiver=self)

    def _ask_again_if_wanted(self) -> None:
        if self._status_again:
            self._status_again = False
            self._refresh_status()

    @Slot()
    def content_applied(self) -> None:
        """A sync (this tab's child or the background loop) applied new content: show its outcome."""
        self._refresh_status()

    def _next_attempt(self, doc: ContentStatus) -> str | None:
        """When the next cycle runs: as recorded, or, after a 立即同步 child recorded none, the background
        loop's own next attempt from before it (the loop's timer runs on; its next cycle records again)."""
        recorded = doc["next_attempt_at"]
        if recorded is not None or self._loop_next_attempt is None:
            return recorded
        # Both are stored UTC ISO text, which sorts as time.
        return self._loop_next_attempt if self._loop_next_attempt > self.session.now() else None

    def _show_status(self, doc: ContentStatus) -> None:
        self._status_asked = False
        if doc["next_attempt_at"] is not None:
            self._loop_next_attempt = doc["next_attempt_at"]
        collections = doc["collections"]
        generations = "  ".join(
            f"{k.short_label} {'-' if collections[k.name]['generation'] is None else collections[k.name]['generation']}"
            for k in kinds.KINDS)
        status = {
            "configured": bool(self._cfg.repository_url),
            "server": self._cfg.repository_url or "未配置（只显示内置内容）",
            "lastResult": sync_result_zh(doc["last_result"]),
            "lastReason": sync_reason_zh(doc["last_reason"]),
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
            self._sync_message = sync_now_message_zh(outcome.exit_code, output[-1] if output else "")
        else:
            self._sync_message = sync_ending_zh(outcome.ending.value)
        self.syncRunningChanged.emit()
        self._refresh_status()
        self.syncFinished.emit()

    def stop(self) -> None:
        """The kiosk is closing: a running 立即同步 child ends with it."""
        if self._sync_child is not None:
            self._sync_child.stop()


def sync_now_message_zh(exit_code: int, last_line: str) -> str:
    """What the sync tab says when the 立即同步 child exited with EXIT_CODE, LAST_LINE being its summary
    line ("sync OK: applied services (generation 2): 3 upserted, 0 deleted (4 requests, 2048 bytes)"):
    the outcome, the reason with its counts, and the traffic, in Chinese; any other last line (an error
    the CLI printed) is quoted, shortened."""
    words = f"立即同步结果：{sync_exit_zh(exit_code)}"
    summary = _SUMMARY.match(last_line)
    if summary is None:
        return words + (f"（{last_line[:160]}）" if last_line else "")
    details = [sync_reason_zh(summary["reason"]), sync_traffic_zh(last_line)]
    return words + "。" + "；".join(d for d in details if d and d != "见下方技术细节")
