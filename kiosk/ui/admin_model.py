"""The station staff side of the UI: QML singleton ``Admin`` (KioskBackend).

Everything behind it runs in the data service (kiosk/dataservice/service.py): the PIN pad's rules
(kiosk.store.pin), announcements (kiosk.store.station, actor "admin-screen", audited there) and
backups (kiosk.store.backup). Every staff action writes an audit row. The admin session ends
(``unlocked`` false) when staff leave the admin page or the idle timeout resets the kiosk for the
next visitor. While the data service does not answer, staff actions report it and change nothing.

Faults of the storage that leave the kiosk running are told to staff on the admin page
(``storageWarning``): damaged station.db rows, with the restore from a backup as the way out, and a
full disk (both databases open read-only: visitors see everything, nothing staff change can be
saved), with the technician's job. Each staff action that writes then fails with that reason.

Also owns the nightly station.db backup timer of the UI (see docs/admin.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections.abc import Callable

from PySide6.QtCore import Property, QObject, QProcess, QTimer, Signal, Slot, qVersion
from PySide6.QtGui import QGuiApplication

from kiosk import __version__
from kiosk.core import kinds
from kiosk.core.clock import in_china, iso, minute_text
from kiosk.core.safe_text import for_display
from kiosk.core.self_command import self_command
from kiosk.core.staff_rules import MAX_BODY_CHARS, MAX_TITLE_CHARS, PIN_MAX_DIGITS, PIN_MIN_DIGITS
from kiosk.dataservice.api import ErrorKind
from kiosk.ui.content_models import RowListModel
from kiosk.ui.data_client import DataError, DataUnavailable

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

QML_SINGLETONS = ("Admin",)
ACTOR = "admin-screen"
STATUS_POLL_MS = 2000
LOCK_TICK_MS = 1000
BACKUP_CHECK_MS = 30 * 60 * 1000
FIRST_BACKUP_CHECK_MS = 60 * 1000  # after start-up settles
STEP_MINUTES = 10
DEFAULT_DURATION_DAYS = 7
# Exit codes of `ipkiosk run` chosen on the admin screen (the systemd unit restarts the kiosk).
EXIT_CODE_DESKTOP = 0
EXIT_CODE_RESTART = 75
SYNC_EXIT_MEANING = {0: "OK 已更新", 1: "UNCHANGED 无变化", 10: "OFFLINE 无法连接", 11: "STALE 元数据过期",
                     12: "SECURITY_ALERT 安全告警", 13: "REFUSED 内容不合规，已拒收",
                     2: "配置错误"}
NOT_UNLOCKED = "请先输入管理密码"
# Until a PIN is set the pad takes none: the first person to tap the corner must not choose it.
# Technicians set it from a shell at installation (`ipkiosk admin set-pin`).
NO_PIN_YET = "请技术人员在终端上运行 ipkiosk admin set-pin 设置管理密码（6–8 位数字），设置后重新进入本页"
NO_DATA_SERVICE = "数据服务暂不可用，请过一会再试"
# A staff change refused because the data disk cannot take it (the data service's StorageError).
DISK_FULL_REFUSAL = "磁盘已满，无法保存修改：请技术人员清理磁盘空间"
DISK_ERROR_REFUSAL = "数据盘读写出错，无法保存修改：请技术人员检查数据盘"
# How station.db's tables name their rows for a station clerk (kiosk.dataservice.service.storage_faults).
DAMAGED_ROW_NOUNS = {"announcement": ("条公告", "id "), "stationsetting": ("项设置", ""),
                     "auditlog": ("条操作记录", "id "), "usageevent": ("条使用记录", "id ")}


def _china(iso_value: str | None) -> str:
    return minute_text(iso_value) if iso_value else "—"


class AdminAnnouncementsModel(RowListModel):
    """Every announcement (also scheduled and ended ones), pinned first."""

    ROLES = ("annId", "title", "body", "startsAt", "endsAt", "pinned", "period", "state")
    KEY = "annId"


class AdminBackend(QObject):
    pinStateChanged = Signal()
    unlockedChanged = Signal()
    stationChanged = Signal()
    syncStatusChanged = Signal()
    syncRunningChanged = Signal()
    printerMessageChanged = Signal()
    deviceInfoChanged = Signal()
    backupsChanged = Signal()
    storageChanged = Signal()

    def __init__(self, ctx, parent: QObject | None = None, *,
                 quit_app: Callable[[int], None] = QGuiApplication.exit,
                 sync_program: tuple[str, list[str]] | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._cfg = ctx.cfg
        self._clock = ctx.clock
        self._quit_app = quit_app
        self._sync_program = sync_program
        self._data = ctx.data.blocking  # TEMPORARY: synchronous calls until this screen uses the asynchronous ones
        self._unlocked = False
        self._announcements = AdminAnnouncementsModel(self)
        self._sync_status: dict = {}
        self._sync_process: QProcess | None = None
        self._sync_message = ""
        self._printer_message = ""
        self._print_pending = False
        self._device_info: list[dict] = []
        self._demo_count = 0
        self._storage_faults: dict = {}
        self._lock_timer = QTimer(self, interval=LOCK_TICK_MS)
        self._lock_timer.timeout.connect(self._tick_lock)
        self._status_timer = QTimer(self, interval=STATUS_POLL_MS)
        self._status_timer.timeout.connect(self._refresh_status)
        self._backup_timer = QTimer(self, interval=BACKUP_CHECK_MS)
        self._backup_timer.timeout.connect(self.backup_if_due)
        self._backup_timer.start()
        # A child timer, not QTimer.singleShot: stop_context stops the children of a context's
        # objects, so a finished context's first check cannot fire into the next one.
        self._first_backup_timer = QTimer(self, singleShot=True, interval=FIRST_BACKUP_CHECK_MS)
        self._first_backup_timer.timeout.connect(self.backup_if_due)
        self._first_backup_timer.start()

    # ------------------------------------------------------------ PIN and session

    def _station_problem(self) -> str:
        """'' when station.db is usable; else why not (also when the data service does not answer)."""
        try:
            return self._data.station_problem()
        except DataUnavailable as exc:
            return str(exc)

    def _station_ok(self) -> bool:
        return not self._station_problem()

    def _pin_state(self) -> dict:
        try:
            return self._data.pin_state(self._now())
        except DataUnavailable:
            return {"is_set": False, "locked_for_s": 0, "tries_left": 0}

    def _now(self) -> str:
        return iso(self._clock())

    @Property(bool, notify=pinStateChanged)
    def pinIsSet(self) -> bool:  # noqa: N802 (QML API)
        return self._pin_state()["is_set"]

    @Property(int, notify=pinStateChanged)
    def lockedForS(self) -> int:  # noqa: N802
        locked = self._pin_state()["locked_for_s"]
        if locked and not self._lock_timer.isActive():
            self._lock_timer.start()  # counts down on the pad, also after a restart during a lockout
        return locked

    @Property(int, notify=pinStateChanged)
    def triesLeft(self) -> int:  # noqa: N802
        return self._pin_state()["tries_left"]

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

    @Property(bool, notify=unlockedChanged)
    def unlocked(self) -> bool:
        return self._unlocked

    def _set_unlocked(self, value: bool) -> None:
        if value == self._unlocked:
            return
        self._unlocked = value
        if value:
            self.refresh()
            self._status_timer.start()
        else:
            self._status_timer.stop()
        self.unlockedChanged.emit()

    def _tick_lock(self) -> None:
        if not self.lockedForS:
            self._lock_timer.stop()
        self.pinStateChanged.emit()

    @Slot(str, result="QVariantMap")
    def checkPin(self, pin: str) -> dict:  # noqa: N802
        """{ok, lockedForS, triesLeft, message} for the PIN pad."""
        if not self._station_ok():
            # Without station.db there is no PIN to check: technicians use the shell (`ipkiosk station restore`).
            return {"ok": False, "lockedForS": 0, "triesLeft": 0,
                    "message": "本机数据库 station.db 无法打开，请技术人员用 ipkiosk station restore 恢复备份"}
        try:
            result = self._data.check_pin(pin, self._now())
        except DataError as exc:
            if exc.kind is not ErrorKind.PIN:
                raise
            return {"ok": False, "lockedForS": 0, "triesLeft": 0, "message": NO_PIN_YET}
        except DataUnavailable:
            return {"ok": False, "lockedForS": 0, "triesLeft": 0, "message": NO_DATA_SERVICE}
        if result["locked_for_s"]:
            self._lock_timer.start()
            message = f"错误次数过多，请 {result['locked_for_s']} 秒后再试"
        elif result["ok"]:
            message = ""
        else:
            message = f"密码错误，还可尝试 {result['tries_left']} 次"
        if message and result.get("unsaved"):
            # The pad still counts (in the data service's memory); staff should know why a restart resets it.
            message += "（磁盘已满，错误次数未能保存）" if "disk full" in result["unsaved"] else "（错误次数未能保存）"
        self.pinStateChanged.emit()
        self._set_unlocked(result["ok"])
        return {"ok": result["ok"], "lockedForS": result["locked_for_s"], "triesLeft": result["tries_left"],
                "unsaved": result["unsaved"], "message": message}

    @Slot()
    def lock(self) -> None:
        """Leave the admin screen: the next entry needs the PIN again."""
        if self._unlocked and self._station_ok():
            self._audit("admin.logout", "admin")
        self._set_unlocked(False)

    def _audit(self, action: str, obj: str, detail: str = "", actor: str = ACTOR) -> None:
        """An audit row for a staff action (lost, and logged here, while the data service does not answer)."""
        try:
            self._data.audit(action, obj, detail, actor)
        except DataUnavailable as exc:
            log.error("audit %s %s not written: %s", action, obj, exc)

    def reset(self) -> None:
        """Idle timeout: the visitor screen is back, so the admin session ends."""
        self.lock()

    # ------------------------------------------------------------ announcements

    @Property(QObject, constant=True)
    def announcements(self) -> AdminAnnouncementsModel:
        return self._announcements

    def _refresh_announcements(self) -> None:
        try:
            announcements = self._data.list_announcements() if self._station_ok() else []
        except DataUnavailable as exc:
            log.warning("admin announcements not refreshed: %s", exc)
            return
        now = self._now()
        rows = []
        for a in announcements:
            if a["ends_at"] and a["ends_at"] <= now:
                state = "已结束"
            elif a["starts_at"] and a["starts_at"] > now:
                state = "未开始"
            else:
                state = "显示中"
            # Cleaned like every displayed string (kiosk.core.safe_text): rows written by older versions or by hand
            # may hold a NUL or a bidi override; the screen shows them as plain text (Text.PlainText) too.
            rows.append({"annId": a["id"], "title": for_display(a["title"]), "body": for_display(a["body"]), "startsAt": a["starts_at"] or "",
                         "endsAt": a["ends_at"] or "", "pinned": bool(a["pinned"]),
                         "period": f"{_china(a['starts_at']) if a['starts_at'] else '立即'} 至 "
                                   f"{_china(a['ends_at']) if a['ends_at'] else '长期'}",
                         "state": state})
        self._announcements.set_rows(rows)

    @Slot(int, str, str, str, str, bool, result=str)
    def saveAnnouncement(self, annId: int, title: str, body: str, startsAt: str, endsAt: str,  # noqa: N802,N803
                         pinned: bool) -> str:
        """Create (annId 0) or update; '' on success, else the problem in Chinese."""
        if not self._unlocked:
            return NOT_UNLOCKED
        try:
            self._data.save_announcement(annId, title, body, startsAt or None, endsAt or None, pinned, ACTOR)
        except DataError as exc:
            if exc.kind is ErrorKind.STORAGE:
                return _storage_refusal_zh(str(exc))
            if exc.kind is not ErrorKind.STATION:
                raise
            return _station_problem_zh(str(exc))
        except DataUnavailable:
            return NO_DATA_SERVICE
        self._refresh_announcements()
        return ""

    @Slot(int, result=str)
    def removeAnnouncement(self, annId: int) -> str:  # noqa: N802,N803
        if not self._unlocked:
            return NOT_UNLOCKED
        try:
            self._data.remove_announcement(annId, ACTOR)
        except DataError as exc:
            if exc.kind is ErrorKind.STORAGE:
                return _storage_refusal_zh(str(exc))
            if exc.kind is not ErrorKind.STATION:
                raise
            return "该公告已不存在"
        except DataUnavailable:
            return NO_DATA_SERVICE
        self._refresh_announcements()
        return ""

    # Start/end are chosen with steppers, never typed: these turn a step into a new instant.

    @Slot(result=str)
    def suggestedStart(self) -> str:  # noqa: N802
        """Now, rounded up to the next STEP_MINUTES (China time has whole-hour offset, so UTC rounding agrees)."""
        now = self._clock().astimezone(dt.UTC).replace(second=0, microsecond=0)
        extra = (-now.minute) % STEP_MINUTES
        return iso(now + dt.timedelta(minutes=extra))

    @Slot(str, result=str)
    def suggestedEnd(self, startsAt: str) -> str:  # noqa: N802,N803
        base = dt.datetime.fromisoformat(startsAt) if startsAt else dt.datetime.fromisoformat(self.suggestedStart())
        return iso(base + dt.timedelta(days=DEFAULT_DURATION_DAYS))

    @Slot(str, str, int, result=str)
    def shiftInstant(self, value: str, unit: str, steps: int) -> str:  # noqa: N802
        """VALUE moved by STEPS days / hours / STEP_MINUTES-minute steps."""
        base = dt.datetime.fromisoformat(value) if value else dt.datetime.fromisoformat(self.suggestedStart())
        delta = {"day": dt.timedelta(days=1), "hour": dt.timedelta(hours=1),
                 "minute": dt.timedelta(minutes=STEP_MINUTES)}.get(unit)
        if delta is None:
            log.error("shiftInstant: unknown unit %r", unit)
            return value
        return iso(base + steps * delta)

    @Slot(str, result=str)
    def formatInstant(self, value: str) -> str:  # noqa: N802
        if not value:
            return ""
        moment = in_china(dt.datetime.fromisoformat(value))
        weekday = "一二三四五六日"[moment.weekday()]
        return f"{moment:%Y-%m-%d} 周{weekday} {moment:%H:%M}"

    # ------------------------------------------------------------ sync

    @Property("QVariantMap", notify=syncStatusChanged)
    def syncStatus(self) -> dict:  # noqa: N802
        return self._sync_status

    @Property(bool, notify=syncRunningChanged)
    def syncRunning(self) -> bool:  # noqa: N802
        return self._sync_process is not None

    def _refresh_status(self) -> None:
        try:
            doc = self._data.status()
        except DataUnavailable as exc:
            log.warning("sync status not refreshed: %s", exc)
            return
        generations = "  ".join(
            f"{label} {'-' if doc['collections'][kind]['generation'] is None else doc['collections'][kind]['generation']}"
            for kind, label in ((k.name, k.short_label) for k in kinds.KINDS))
        status = {
            "configured": bool(self._cfg.repository_url),
            "server": self._cfg.repository_url or "未配置（只显示内置内容）",
            "lastResult": doc["last_result"] or "从未同步",
            "lastReason": for_display(doc["last_reason"] or ""),  # it quotes what a server or network said
            "lastAttemptAt": _china(doc["last_attempt_at"]),
            "lastSuccessAt": _china(doc["last_success_at"]),
            "nextAttemptAt": _china(doc["next_attempt_at"]),
            "contentUpdatedAt": _china(doc["content_updated_at"]),
            "generations": generations,
            "message": for_display(self._sync_message),
        }
        if status != self._sync_status:
            self._sync_status = status
            self.syncStatusChanged.emit()
        self._refresh_announcements()

    def sync_command(self) -> tuple[str, list[str]]:
        if self._sync_program is not None:
            return self._sync_program
        return self_command(self._cfg, "sync", "--once")

    @Slot()
    def syncNow(self) -> None:  # noqa: N802
        """立即同步: one `ipkiosk sync --once` child; the UI itself never touches the network."""
        if not self._unlocked or self._sync_process is not None:
            return
        self._audit("sync.now", "content")
        if not self._cfg.repository_url:
            self._sync_message = "未配置内容服务器（repository_url），仅使用内置内容"
            self._refresh_status()
            return
        program, args = self.sync_command()
        process = QProcess(self)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        process.finished.connect(self._sync_finished)
        process.errorOccurred.connect(self._sync_error)
        self._sync_process = process
        self._sync_message = "正在同步…"
        self.syncRunningChanged.emit()
        self._refresh_status()
        process.start(program, args)

    def _sync_finished(self, exit_code: int, _status) -> None:
        process, self._sync_process = self._sync_process, None
        output = bytes(process.readAll()).decode("utf-8", "replace").strip().splitlines() if process else []
        meaning = SYNC_EXIT_MEANING.get(exit_code, f"退出码 {exit_code}")
        self._sync_message = f"立即同步结果：{meaning}" + (f"（{output[-1][:160]}）" if output else "")
        if process:
            process.deleteLater()
        self.syncRunningChanged.emit()
        self._refresh_status()

    def _sync_error(self, error) -> None:
        if error == QProcess.ProcessError.FailedToStart and self._sync_process is not None:
            self._sync_process.deleteLater()
            self._sync_process = None
            self._sync_message = "无法启动同步程序"
            self.syncRunningChanged.emit()
            self._refresh_status()

    # ------------------------------------------------------------ printer

    @Property(str, notify=printerMessageChanged)
    def printerMessage(self) -> str:  # noqa: N802
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
    def printTest(self) -> None:  # noqa: N802
        """Print a sample slip through the Booking module (the same path visitors use)."""
        if not self._unlocked:
            return
        self._audit("printer.test", self._cfg.printer_name or "(default printer)")
        backend = self._booking_backend()
        if backend is None:
            self._set_printer_message("打印模块未加载")
            return
        if self._print_pending:
            return
        try:
            booking_types = self._data.list_records("booking_types")
        except DataUnavailable:
            self._set_printer_message(NO_DATA_SERVICE)
            return
        if not booking_types:
            self._set_printer_message("没有预约类型，无法生成测试凭条")
            return
        self._print_pending = True
        backend.printFinished.connect(self._print_finished)
        self._set_printer_message("正在打印测试凭条…")
        backend.printSlip("", booking_types[0]["id"])

    def _print_finished(self, ok: bool, message: str) -> None:
        self._print_pending = False
        backend = self._booking_backend()
        if backend is not None:
            backend.printFinished.disconnect(self._print_finished)
        status = getattr(backend, "printerStatus", "") if backend is not None else ""
        self._set_printer_message("测试凭条已发送到打印机" if ok else f"打印失败：{message} {status}".strip())

    # ------------------------------------------------------------ device info

    @Property("QVariantList", notify=deviceInfoChanged)
    def deviceInfo(self) -> list:  # noqa: N802
        return self._device_info

    @Property(int, notify=deviceInfoChanged)
    def demoCount(self) -> int:  # noqa: N802
        return self._demo_count

    def _refresh_device_info(self) -> None:
        try:
            counts = self._data.counts_by_kind()
            self._demo_count = self._data.demo_count()
        except DataUnavailable as exc:
            log.warning("device info not refreshed: %s", exc)
            return
        try:
            free_gb = f"{shutil.disk_usage(self._cfg.data_path).free / 1e9:.1f} GB"
        except OSError as exc:
            free_gb = f"未知（{exc.strerror}）"
        self._device_info = [
            {"label": "软件版本", "value": f"ipkiosk {__version__} · Qt {qVersion()}"},
            {"label": "终端编号", "value": self._cfg.station_id},
            {"label": "数据目录", "value": for_display(str(self._cfg.data_path))},
            {"label": "剩余磁盘", "value": free_gb},
            {"label": "内容数量", "value": " · ".join(f"{label} {counts.get(kind, 0)}" for kind, label in ((k.name, k.short_label) for k in kinds.KINDS))},
            {"label": "字体", "value": QGuiApplication.font().family()},
            {"label": "配置文件", "value": for_display(self._cfg.source)},
        ]
        self.deviceInfoChanged.emit()

    # ------------------------------------------------------------ station.db health, backups

    @Property(bool, notify=stationChanged)
    def stationOk(self) -> bool:  # noqa: N802
        return self._station_ok()

    @Property(str, notify=stationChanged)
    def stationProblem(self) -> str:  # noqa: N802
        return self._station_problem()

    @Property(str, notify=storageChanged)
    def storageWarning(self) -> str:  # noqa: N802
        """The admin page's banner: damaged station.db rows and a full disk in a clerk's words, each with
        the way out; '' when the storage is fine (an unusable station.db has its own, stationProblem)."""
        return storage_warning_zh(self._storage_faults)

    @Property(bool, notify=storageChanged)
    def stationDamaged(self) -> bool:  # noqa: N802
        """station.db has rows that cannot be read: the banner offers the backups tab."""
        return bool(self._storage_faults.get("station_damaged"))

    def _refresh_storage_faults(self) -> None:
        """Ask the data service again (it scans station.db for damaged rows: on refresh, not every poll)."""
        try:
            faults = self._data.storage_faults()
        except DataUnavailable as exc:
            log.warning("storage faults not refreshed: %s", exc)
            return
        if faults != self._storage_faults:
            self._storage_faults = faults
            self.storageChanged.emit()

    @Property("QVariantList", notify=backupsChanged)
    def backups(self) -> list:
        try:
            copies = self._data.backups()
        except DataUnavailable:
            return []
        return [{"path": c["path"], "label": _china(c["taken_at"])} for c in copies]

    @Slot()
    def backup_if_due(self) -> None:
        """The nightly backup (the timer is here, the work in the data service; see backup.backup_due)."""
        try:
            made = self._data.backup_if_due(self._now())
        except (DataError, DataUnavailable) as exc:
            log.error("nightly station.db backup failed: %s", exc)
            return
        if made:
            self.backupsChanged.emit()

    @Slot(result=str)
    def backupNow(self) -> str:  # noqa: N802
        if not self._unlocked:
            return NOT_UNLOCKED
        try:
            self._data.backup_now(ACTOR, self._now())
        except DataError as exc:
            return _storage_refusal_zh(str(exc)) if exc.kind is ErrorKind.STORAGE else f"备份失败：{exc}"
        except DataUnavailable:
            return NO_DATA_SERVICE
        self.backupsChanged.emit()
        return ""

    @Slot(str, result=str)
    def restoreBackup(self, path: str) -> str:  # noqa: N802
        """Replace station.db with a backup. Offered on the admin screen when station.db is corrupt
        (then the PIN cannot be checked either, so the PIN pad leads here only in that state)."""
        if self._station_ok() and not self._unlocked:
            return NOT_UNLOCKED
        try:
            problem = self._data.restore_backup(path, ACTOR, self._now())
        except DataError as exc:
            if exc.kind is not ErrorKind.BACKUP:
                raise
            return f"恢复失败：{exc}"
        except DataUnavailable:
            return NO_DATA_SERVICE
        self.stationChanged.emit()
        self.pinStateChanged.emit()
        self.backupsChanged.emit()
        self._refresh_storage_faults()
        self._refresh_announcements()
        return f"恢复后仍无法打开：{problem}" if problem else ""

    # ------------------------------------------------------------ leaving the kiosk

    def _leave(self, code: int, action: str) -> None:
        if not self._unlocked:
            return
        self._audit(action, "kiosk")
        self._ctx.exit_authorised = True
        log.warning("%s authorised on the admin screen", action)
        self._quit_app(code)

    @Slot()
    def restartKiosk(self) -> None:  # noqa: N802
        """Quit with EXIT_CODE_RESTART; the systemd unit (Restart=always) starts the kiosk again."""
        self._leave(EXIT_CODE_RESTART, "kiosk.restart")

    @Slot()
    def exitToDesktop(self) -> None:  # noqa: N802
        self._leave(EXIT_CODE_DESKTOP, "kiosk.exit")

    # ------------------------------------------------------------ all at once

    @Slot()
    def refresh(self) -> None:
        self.stationChanged.emit()
        self._refresh_storage_faults()
        self.pinStateChanged.emit()
        self._refresh_status()
        self._refresh_device_info()
        self.backupsChanged.emit()


def _storage_refusal_zh(message: str) -> str:
    """A staff change the data disk could not take (the data service's StorageError message names it)."""
    return DISK_FULL_REFUSAL if "disk full" in message else DISK_ERROR_REFUSAL


def _damaged_rows_zh(damaged: list[dict]) -> str:
    """'station.db：1 条公告已损坏（id 2）' for the rows storage_faults names (the first few of each table)."""
    parts = []
    for entry in damaged:
        noun, key_label = DAMAGED_ROW_NOUNS.get(entry["table"], (f"行 {entry['table']} 数据", "id "))
        names = "、".join(name if name.startswith("rowid ") else f"{key_label}{name}" for name in entry["names"])
        more = " 等" if entry["count"] > len(entry["names"]) else ""
        parts.append(f"{entry['count']} {noun}已损坏（{names}{more}）")
    return "station.db：" + "，".join(parts)


def storage_warning_zh(faults: dict) -> str:
    """The admin banner's text for a storage_faults answer (see AdminBackend.storageWarning); '' when none.

    Names come from station.db and a reason quotes a path: the banner shows them as plain text, cleaned
    (for_display) like every displayed string."""
    lines = []
    if faults.get("station_damaged"):
        lines.append(_damaged_rows_zh(faults["station_damaged"]) + "，可从备份恢复：在「备份与退出」中选择损坏前的"
                     "一份备份，点「恢复此备份」。其余数据照常可用。")
    reason = faults.get("station_read_only") or faults.get("content_read_only") or ""
    if reason:
        files = "、".join(name for name, key in (("station.db", "station_read_only"), ("content.db", "content_read_only"))
                         if faults.get(key))
        if reason.startswith("disk full"):
            lines.append("磁盘已满：内容照常显示，但无法保存修改（公告、备份、密码错误次数）。请技术人员清理磁盘空间。")
        else:
            lines.append("数据盘读写出错：内容照常显示，但无法保存修改（公告、备份、密码错误次数）。请技术人员检查数据盘。")
        lines.append(f"{files} 只读：{reason}")
    return for_display("\n".join(lines))


def _station_problem_zh(text: str) -> str:
    if text.startswith("title: empty"):
        return "请填写标题"
    if text.startswith("title:"):
        return f"标题太长（最多 {MAX_TITLE_CHARS} 字）"
    if text.startswith("body:"):
        return f"正文太长（最多 {MAX_BODY_CHARS} 字）"
    if "must be after" in text:
        return "结束时间必须晚于开始时间"
    return text


def register(ctx) -> AdminBackend:
    backend = AdminBackend(ctx, parent=ctx.engine)
    ctx.register_singleton("Admin", backend)
    return backend
