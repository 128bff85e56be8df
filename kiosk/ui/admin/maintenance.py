"""Station maintenance on the admin page (QML singleton ``AdminMaintenance``): the printer test, device
info, the storage-fault banner, station.db backups and their restore, and restarting the kiosk.

Faults of the storage that leave the kiosk running are told to staff (``storageWarning``): damaged
station.db rows, with the restore from a backup as the way out, and a full disk (both databases open
read-only: visitors see everything, nothing staff change can be saved), with the technician's job.

Also owns the nightly station.db backup timer of the UI (the backup itself runs in the data service;
see docs/admin.md).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot, qVersion
from PySide6.QtGui import QGuiApplication

from kiosk import __version__
from kiosk.core import kinds
from kiosk.core.safe_text import for_display
from kiosk.dataservice.api import BackupCopy, ContentStatus, StorageFaults
from kiosk.ui.admin.pin_session import ACTOR, PinSession, staff_only
from kiosk.ui.admin.wording import refusal_zh, storage_warning_zh, when_zh

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

BACKUP_CHECK_MS = 30 * 60 * 1000
FIRST_BACKUP_CHECK_MS = 60 * 1000  # after start-up settles
# The exit code of `ipkiosk run` when staff restart it on the admin screen. The packaged systemd unit
# (Restart=always, RestartSec=3) brings the kiosk back after any exit, so the screen offers this one way out;
# a technician keeps the kiosk down by stopping the unit (`systemctl stop ipkiosk`, docs/admin.md).
EXIT_CODE_RESTART = 75


class Maintenance(QObject):
    # The outcome of backupNow / restoreBackup: '' when done, else the problem in Chinese.
    backupDone = Signal(str)
    restoreDone = Signal(str)
    printerMessageChanged = Signal()
    deviceInfoChanged = Signal()
    backupsChanged = Signal()
    storageChanged = Signal()

    def __init__(self, session: PinSession, ctx, parent: QObject | None = None, *,
                 quit_app: Callable[[int], None] = QGuiApplication.exit):
        super().__init__(parent)
        self.session = session
        self._ctx = ctx
        self._cfg = ctx.cfg
        self._quit_app = quit_app
        self._printer_message = ""
        self._print_pending = False
        self._device_info: list[dict] = []
        self._demo_count = 0
        self._storage_faults: StorageFaults | None = None
        self._backups: list[dict] = []
        session.refreshed.connect(self._refresh)
        self._backup_timer = QTimer(self, interval=BACKUP_CHECK_MS)
        self._backup_timer.timeout.connect(self.backup_if_due)
        self._backup_timer.start()
        # A child timer, not QTimer.singleShot: stop_context stops the children of a context's
        # objects, so a finished context's first check cannot fire into the next one.
        self._first_backup_timer = QTimer(self, singleShot=True, interval=FIRST_BACKUP_CHECK_MS)
        self._first_backup_timer.timeout.connect(self.backup_if_due)
        self._first_backup_timer.start()

    def _refresh(self) -> None:
        self._refresh_storage_faults()
        self._refresh_device_info()
        self._refresh_backups()

    # ------------------------------------------------------------ printer

    @Property(str, notify=printerMessageChanged)
    def printerMessage(self) -> str:
        return self._printer_message

    def _booking_backend(self):
        """The Booking singleton's backend (kiosk.ui.booking_model), found by its contract API so
        the admin screen still works in a build without the booking module."""
        for vm in self._ctx.view_models:
            if hasattr(vm, "printSlip") and hasattr(vm, "printFinished"):
                return vm
        return None

    def _set_printer_message(self, text: str) -> None:
        if text != self._printer_message:
            self._printer_message = text
            self.printerMessageChanged.emit()

    @Slot()
    @staff_only()
    def printTest(self) -> None:
        """Print a sample slip through the Booking module (the same path visitors use)."""
        self.session.audit("printer.test", self._cfg.printer_name or "(default printer)")
        backend = self._booking_backend()
        if backend is None:
            self._set_printer_message("打印模块未加载")
            return
        if self._print_pending:
            return
        self._print_pending = True

        def print_first(booking_types: list) -> None:
            if not booking_types:
                self._print_pending = False
                self._set_printer_message("没有预约类型，无法生成测试凭条")
                return
            backend.printFinished.connect(self._print_finished)
            self._set_printer_message("正在打印测试凭条…")
            backend.printSlip("", booking_types[0]["id"])

        def unanswered(failure: Exception) -> None:
            self._print_pending = False
            self._set_printer_message(refusal_zh(failure))

        self.session.data.list_records("booking_types").then(print_first, unanswered, receiver=self)

    def _print_finished(self, ok: bool, message: str) -> None:
        self._print_pending = False
        backend = self._booking_backend()
        if backend is not None:
            backend.printFinished.disconnect(self._print_finished)
        status = getattr(backend, "printerStatus", "") if backend is not None else ""
        self._set_printer_message("测试凭条已发送到打印机" if ok else f"打印失败：{message} {status}".strip())

    # ------------------------------------------------------------ device info

    @Property(list, notify=deviceInfoChanged)
    def deviceInfo(self) -> list:
        return self._device_info

    @Property(int, notify=deviceInfoChanged)
    def demoCount(self) -> int:
        return self._demo_count

    @Slot()
    def content_applied(self) -> None:
        """A sync ended or applied content: the counts and the content time change."""
        self._refresh_device_info()

    def _refresh_device_info(self) -> None:
        data = self.session.data

        def show(counts: dict[str, int], demo_count: int, status: ContentStatus) -> None:
            try:
                free_gb = f"{shutil.disk_usage(self._cfg.data_path).free / 1e9:.1f} GB"
            except OSError as exc:
                free_gb = f"未知（{exc.strerror}）"
            self._demo_count = demo_count
            self._device_info = [
                {"label": "软件版本", "value": f"ipkiosk {__version__} · Qt {qVersion()}"},
                {"label": "终端编号", "value": self._cfg.station_id},
                {"label": "数据目录", "value": for_display(str(self._cfg.data_path))},
                {"label": "剩余磁盘", "value": free_gb},
                # With its time: after a sync staff see what arrived and when (one row: the tab fits a landscape screen).
                {"label": "内容数量", "value": " · ".join(f"{k.short_label} {counts.get(k.name, 0)}" for k in kinds.KINDS)
                 + f"（更新于 {when_zh(status['content_updated_at'])}）"},
                {"label": "字体", "value": QGuiApplication.font().family()},
                {"label": "配置文件", "value": for_display(self._cfg.source)},
            ]
            self.deviceInfoChanged.emit()

        def unanswered(failure: Exception) -> None:
            log.warning("device info not refreshed: %s", failure)

        data.counts_by_kind().then(
            lambda counts: data.demo_count().then(
                lambda demo: data.status().then(lambda status: show(counts, demo, status), unanswered, receiver=self),
                unanswered, receiver=self),
            unanswered, receiver=self)

    # ------------------------------------------------------------ storage faults

    @Property(str, notify=storageChanged)
    def storageWarning(self) -> str:
        """The admin page's banner: damaged station.db rows and a full disk in a clerk's words, each with
        the way out; '' when the storage is fine (an unusable station.db has its own, stationProblem)."""
        return storage_warning_zh(self._storage_faults or {})

    @Property(bool, notify=storageChanged)
    def stationDamaged(self) -> bool:
        """station.db has rows that cannot be read: the banner offers the backups tab."""
        return bool(self._storage_faults and self._storage_faults["station_damaged"])

    def _refresh_storage_faults(self) -> None:
        """Ask the data service again (it scans station.db for damaged rows: on refresh, not every poll)."""

        def show(faults: StorageFaults) -> None:
            if faults != self._storage_faults:
                self._storage_faults = faults
                self.storageChanged.emit()

        self.session.data.storage_faults().then(
            show, lambda failure: log.warning("storage faults not refreshed: %s", failure), receiver=self)

    # ------------------------------------------------------------ backups

    @Property(list, notify=backupsChanged)
    def backups(self) -> list:
        return self._backups

    def _refresh_backups(self) -> None:
        def show(copies: list[BackupCopy]) -> None:
            self._backups = [{"path": c["path"], "label": when_zh(c["taken_at"])} for c in copies]
            self.backupsChanged.emit()

        self.session.data.backups().then(
            show, lambda failure: log.warning("backups not listed: %s", failure), receiver=self)

    @Slot()
    def backup_if_due(self) -> None:
        """The nightly backup (the timer is here, the work in the data service; see backup.backup_due)."""

        def done(made: str) -> None:
            if made:
                self._refresh_backups()

        self.session.data.backup_if_due(self.session.now()).then(
            done, lambda failure: log.error("nightly station.db backup failed: %s", failure), receiver=self)

    @Slot()
    @staff_only("backupDone")
    def backupNow(self) -> None:
        """``backupDone`` answers."""

        def done(_name: str) -> None:
            self._refresh_backups()
            self.backupDone.emit("")

        self.session.data.backup_now(ACTOR, self.session.now()).then(
            done, lambda failure: self.backupDone.emit(refusal_zh(failure)), receiver=self)

    @Slot(str)
    @staff_only("restoreDone", also_while_station_unusable=True)
    def restoreBackup(self, path: str) -> None:
        """Replace station.db with a backup; ``restoreDone`` answers. Offered on the admin screen when
        station.db is corrupt (then the PIN cannot be checked either, so the PIN pad leads here only in that
        state)."""

        def done(problem: str) -> None:
            self.session.refresh()  # a different station.db: its PIN state, announcements, damage
            self.restoreDone.emit(f"恢复后仍无法打开：{problem}" if problem else "")

        self.session.data.restore_backup(path, ACTOR, self.session.now()).then(
            done, lambda failure: self.restoreDone.emit(refusal_zh(failure)), receiver=self)

    # ------------------------------------------------------------ restarting the kiosk

    @Slot()
    @staff_only()
    def restartKiosk(self) -> None:
        """Quit with EXIT_CODE_RESTART; the systemd unit (Restart=always) starts the kiosk again."""
        self._ctx.exit_authorised = True
        log.warning("kiosk.restart authorised on the admin screen")
        # The kiosk quits once its audit row is written: quitting stops the data service.
        self.session.audit("kiosk.restart", "kiosk", then=lambda: self._quit_app(EXIT_CODE_RESTART))
