"""The staff jobs (kiosk.ui.admin) without QML: every staff action is audited, the list model is sound,
立即同步 runs a real `ipkiosk sync --once` child, restart/exit authorise leaving the kiosk."""

from __future__ import annotations

import datetime as dt
import sqlite3
import types

import pytest
from PySide6.QtCore import QTimer

from kiosk.core import config as config_mod
from kiosk.core.sync_outcome import Outcome
from kiosk.store import backup, station
from kiosk.store.pin import KEY_LOCKED_UNTIL, KEY_LOCKOUTS, MAX_LOCKOUT_S, PinGuard
from kiosk.ui.admin import AdminJobs
from kiosk.ui.admin.maintenance import EXIT_CODE_RESTART
from kiosk.ui.admin.wording import NO_PIN_YET, NOT_UNLOCKED, REASON_ZH
from kiosk.ui.sync_cycles import SyncCycles
from tests.data_service_double import DataServiceInProcess, booking_backend, wait_answered

PIN = "402718"
T0 = dt.datetime(2026, 12, 1, 1, 0, 0, tzinfo=dt.UTC)


# Every SyncCycles the tests made: stopped after each test, also when it failed before its close().
_made_cycles: list[SyncCycles] = []


@pytest.fixture(autouse=True)
def _no_sync_child_outlives_its_test():
    yield
    while _made_cycles:
        _made_cycles.pop().stop()


def staff_context(cfg, view_models: list, *, sync_program=None) -> types.SimpleNamespace:
    """What the staff jobs use of the UI's AppContext, with the data service in this process; the sync cycles
    run real `ipkiosk sync --once` children (SYNC_PROGRAM instead) when a repository is configured."""
    data = DataServiceInProcess(cfg)
    cycles = SyncCycles(cfg, data, program=sync_program) if cfg.repository_url else None
    if cycles is not None:
        _made_cycles.append(cycles)
    return types.SimpleNamespace(cfg=cfg, clock=lambda: T0, view_models=view_models, exit_authorised=False,
                                 data=data, sync_cycles=cycles)


class Staff:
    """The staff jobs as a test drives them: ATTRIBUTES are the jobs; each action is sent as the screen sends
    it and its answer waited for on the event loop, as the screen gets it."""

    def __init__(self, qtbot, ctx, quit_app=lambda code: None):
        self.qtbot, self.ctx = qtbot, ctx
        self.jobs = AdminJobs(ctx, quit_app=quit_app)
        self.session, self.announcements = self.jobs.session, self.jobs.announcements
        self.sync, self.maintenance = self.jobs.sync, self.jobs.maintenance

    def _answer(self, signal, action, *args):
        with self.qtbot.waitSignal(signal, timeout=30_000) as answer:
            action(*args)
        self.settle()
        return answer.args[0]

    def check_pin(self, pin: str) -> dict:
        return self._answer(self.session.pinChecked, self.session.checkPin, pin)

    def save(self, *args) -> str:
        return self._answer(self.announcements.saved, self.announcements.saveAnnouncement, *args)

    def remove(self, ann_id: int) -> str:
        return self._answer(self.announcements.removed, self.announcements.removeAnnouncement, ann_id)

    def backup_now(self) -> str:
        return self._answer(self.maintenance.backupDone, self.maintenance.backupNow)

    def restore(self, path: str) -> str:
        return self._answer(self.maintenance.restoreDone, self.maintenance.restoreBackup, path)

    def settle(self) -> None:
        """Every call sent so far answered, and what its answer set off done."""
        wait_answered(self.qtbot, self.ctx.data)

    def close(self) -> None:
        if self.ctx.sync_cycles is not None:
            self.ctx.sync_cycles.stop()
        # Their timers must not fire into later tests, whose stores are elsewhere.
        for timer in self.jobs.findChildren(QTimer):
            timer.stop()
        self.jobs.deleteLater()


@pytest.fixture
def admin(qtbot, seeded, station_store, cfg):
    quits: list[int] = []
    # quit_app records the exit code instead of ending the test process.
    staff = Staff(qtbot, staff_context(cfg, []), quit_app=quits.append)
    staff.quits = quits
    yield staff
    staff.close()
    qtbot.wait(1)


def sign_in(admin: Staff) -> None:
    """What staff do: the PIN was set by a technician (`ipkiosk admin set-pin`) and is typed on the pad."""
    admin.session.refreshPin()
    admin.settle()
    if not admin.session.property("pinIsSet"):
        PinGuard(actor="cli").set_pin(PIN)
    assert admin.check_pin(PIN)["ok"] and admin.session.property("unlocked")


def _actions() -> list[str]:
    return [r["action"] for r in reversed(station.recent_audit(200))]


def test_nothing_works_before_the_pin(admin):
    assert not admin.session.property("unlocked")
    assert admin.save(0, "标题", "", "", "", False) == NOT_UNLOCKED
    assert admin.backup_now() == NOT_UNLOCKED
    admin.maintenance.restartKiosk()
    assert admin.quits == [] and not admin.ctx.exit_authorised
    assert station.list_announcements() == []


def test_every_admin_action_is_audited(admin, cfg):
    sign_in(admin)
    admin.session.lock()
    assert admin.check_pin("999990")["message"] == "密码错误，还可尝试 4 次"
    assert admin.check_pin(PIN)["ok"]
    assert admin.save(0, "开放时间调整", "周五下午闭馆", admin.announcements.suggestedStart(), "", True) == ""
    ann_id = station.list_announcements()[0]["id"]
    assert admin.save(ann_id, "开放时间调整（更新）", "", "", "", False) == ""
    assert admin.remove(ann_id) == ""
    admin.sync.syncNow()  # no repository configured: audited, explained
    admin.maintenance.printTest()  # no Booking module in this context: audited, explained
    assert admin.backup_now() == ""
    saved = backup.list_backups(backup.backups_dir(cfg.data_path))[-1]
    assert admin.restore(str(saved)) == ""
    admin.maintenance.restartKiosk()
    admin.session.lock()
    admin.settle()

    # The restore brought back the audit log as it was in the backup (taken just before its own
    # "station.backup" row was written); the replaced file with that row is kept in backups/.
    assert _actions() == ["pin.set", "admin.login", "admin.logout", "pin.fail", "admin.login", "announcement.add", "announcement.edit",
                          "announcement.remove", "sync.now", "printer.test", "station.restore",
                          "kiosk.restart", "admin.logout"]
    preserved = next(p for p in backup.backups_dir(cfg.data_path).iterdir() if p.name.startswith("before-restore-"))
    conn = sqlite3.connect(preserved)
    assert conn.execute("SELECT action FROM auditlog ORDER BY id DESC LIMIT 1").fetchone() == ("station.backup",)
    conn.close()
    rows = station.recent_audit(200)
    assert all(r["at"] and r["object"] and r["actor"] == ("cli" if r["action"] == "pin.set" else "admin-screen")
               for r in rows)
    assert admin.quits == [EXIT_CODE_RESTART] and admin.ctx.exit_authorised
    assert "未配置内容服务器" in admin.sync.property("syncStatus")["message"]
    assert admin.maintenance.property("printerMessage") == "打印模块未加载"


def test_announcement_model_passes_the_model_tester_and_shows_states(admin, qtmodeltester):
    sign_in(admin)
    admin.save(0, "进行中", "", "", "", False)
    admin.save(0, "将来", "", admin.announcements.shiftInstant(admin.announcements.suggestedStart(), "day", 1), "", True)
    admin.save(0, "过去", "", "2026-11-01T09:00", "2026-11-02T09:00", False)
    model = admin.announcements.property("announcements")
    qtmodeltester.check(model, force_py=True)
    states = {r["title"]: (r["state"], r["pinned"]) for r in model.rows()}
    assert states == {"进行中": ("显示中", False), "将来": ("未开始", True), "过去": ("已结束", False)}
    assert model.rows()[0]["title"] == "将来", "pinned first"


def test_staff_errors_come_back_in_chinese_and_change_nothing(admin):
    sign_in(admin)
    assert admin.save(0, "  ", "", "", "", False) == "请填写标题"
    start = admin.announcements.suggestedStart()
    assert admin.save(0, "x", "", start, admin.announcements.shiftInstant(start, "hour", -1), False) == "结束时间必须晚于开始时间"
    assert station.list_announcements() == []


def test_without_a_pin_the_screen_takes_none_and_names_the_command(admin):
    """Until a technician sets the PIN, no PIN typed on the pad opens or sets anything: the first visitor to
    tap the corner must not choose it."""
    assert not admin.session.property("pinIsSet")
    assert not any(hasattr(job, "setPin") for job in admin.jobs.objects()), "the screen has no way to choose a PIN"
    result = admin.check_pin(PIN)
    assert not result["ok"] and result["message"] == NO_PIN_YET and not admin.session.property("unlocked")
    assert "ipkiosk admin set-pin" in admin.session.property("noPinMessage")
    assert station.get_setting("admin.pin_hash") is None and _actions() == []


def test_pin_pad_wait_is_capped_after_the_clock_moved_back(admin):
    """A lock end stored while the clock was years ahead: the pad shows (and enforces) at most 1 h."""
    sign_in(admin)
    admin.session.lock()
    station.set_setting(KEY_LOCKOUTS, "3")
    station.set_setting(KEY_LOCKED_UNTIL, "2031-12-01T01:00:00+00:00")
    admin.session.refreshPin()  # what the PIN page does when it opens
    admin.settle()
    assert admin.session.property("lockedForS") == 240  # the third lockout in a row lasts 60 s × 2 × 2
    assert admin.check_pin(PIN)["lockedForS"] == 240 <= MAX_LOCKOUT_S


def test_steppers_move_in_china_time(admin):
    start = admin.announcements.suggestedStart()
    assert start == "2026-12-01T01:00:00+00:00"
    assert admin.announcements.formatInstant(start) == "2026-12-01 周二 09:00"
    assert admin.announcements.formatInstant(admin.announcements.shiftInstant(start, "minute", -1)) == "2026-12-01 周二 08:50"
    assert admin.announcements.formatInstant(admin.announcements.shiftInstant(start, "day", 6)) == "2026-12-07 周一 09:00"
    assert admin.announcements.suggestedEnd(start) == "2026-12-08T01:00:00+00:00"


def test_nightly_backup_runs_from_the_ui_timer_once_due(admin, cfg):
    directory = backup.backups_dir(cfg.data_path)
    admin.maintenance.backup_if_due()
    admin.settle()
    assert len(backup.list_backups(directory)) == 1
    admin.maintenance.backup_if_due()
    admin.settle()
    assert len(backup.list_backups(directory)) == 1, "not again within the day"
    assert station.recent_audit(1)[0] | {"at": ""} == {"at": "", "actor": "kiosk", "action": "station.backup",
                                                       "object": backup.list_backups(directory)[0].name,
                                                       "detail": "nightly"}


def test_sync_now_runs_a_real_sync_child_and_reports_its_outcome(qtbot, seeded, station_store, data_dir, tmp_path):
    cfg_path = tmp_path / "kiosk.toml"
    cfg_path.write_text(f'data_dir = "{data_dir}"\nrepository_url = "http://127.0.0.1:9/repo"\n'
                        f'trusted_root = "{tmp_path / "root.json"}"\n', encoding="utf-8")
    cfg = config_mod.load(cfg_path)
    ctx = staff_context(cfg, [])
    admin = Staff(qtbot, ctx)
    sign_in(admin)
    # What the tab shows each time the button changes: it reads 立即同步 again only once the outcome is worded
    # (the outcome waits for the status the child recorded, answered on a later turn of the event loop).
    shown: list[tuple[bool, str]] = []
    admin.sync.syncRunningChanged.connect(
        lambda: shown.append((admin.sync.property("syncRunning"), admin.sync.property("syncStatus")["message"])))
    admin.sync.syncNow()
    assert admin.sync.property("syncRunning")
    qtbot.waitUntil(lambda: not admin.sync.property("syncRunning"), timeout=60_000)
    message = admin.sync.property("syncStatus")["message"]
    assert message.startswith("立即同步结果："), message
    assert all(words.startswith("立即同步结果：") for running, words in shown if not running), shown
    assert "OK" not in message, "nothing listens on port 9: the child cannot have synced"
    admin.close()


def test_sync_now_says_so_when_the_sync_program_cannot_start(qtbot, seeded, station_store, data_dir, tmp_path):
    cfg = config_mod.from_mapping({"data_dir": str(data_dir), "repository_url": "http://127.0.0.1:9/repo",
                                   "trusted_root": str(tmp_path / "root.json")})
    admin = Staff(qtbot, staff_context(cfg, [], sync_program=(str(tmp_path / "no-such-program"), [])))
    sign_in(admin)
    admin.sync.syncNow()
    qtbot.waitUntil(lambda: admin.sync.property("syncStatus").get("message") == "无法启动同步程序", timeout=10_000)
    assert not admin.sync.property("syncRunning")
    admin.close()


def test_printer_test_goes_through_the_booking_module(qtbot, seeded, station_store, data_dir):

    cfg = config_mod.from_mapping({"data_dir": str(data_dir), "printer_name": "ipkiosk-no-such-queue"})
    booking = booking_backend(cfg, clock=lambda: T0, qtbot=qtbot)  # the real printer check: this queue does not exist
    ctx = staff_context(cfg, [booking])
    admin = Staff(qtbot, ctx)
    sign_in(admin)
    admin.maintenance.printTest()
    qtbot.waitUntil(lambda: admin.maintenance.property("printerMessage").startswith("打印失败"), timeout=10_000)
    assert station.recent_audit(1)[0] | {"at": ""} == {"at": "", "actor": "admin-screen", "action": "printer.test",
                                                       "object": "ipkiosk-no-such-queue", "detail": ""}
    admin.maintenance.printTest()  # a second test after the first finished is handled the same way
    qtbot.waitUntil(lambda: station.recent_audit(1)[0]["action"] == "printer.test", timeout=1000)
    admin.close()
    booking.deleteLater()


def test_printer_test_prints_a_real_slip_on_the_cups_pdf_queue(qtbot, seeded, station_store, data_dir, tmp_path):
    from tests import cups_helpers

    queue = cups_helpers.cups_pdf_queue()
    cups_helpers.require_poppler()
    cfg = config_mod.from_mapping({"data_dir": str(data_dir), "printer_name": queue.name})
    booking = booking_backend(cfg, clock=lambda: T0, qtbot=qtbot)
    ctx = staff_context(cfg, [booking])
    admin = Staff(qtbot, ctx)
    sign_in(admin)
    before = queue.pdfs()
    admin.maintenance.printTest()
    qtbot.waitUntil(lambda: admin.maintenance.property("printerMessage") == "测试凭条已发送到打印机", timeout=60_000)
    pdf = queue.wait_for_new_pdf(before)
    [payload] = cups_helpers.decode_qr(cups_helpers.rasterise(pdf, tmp_path))
    assert f"station={cfg.station_id}" in payload, "the slip's QR carries this station's booking URL"
    admin.close()
    booking.deleteLater()


def test_sync_now_applies_a_signed_publication_and_keeps_station_data(qtbot, data_dir, tmp_path):
    from kiosk.store.seed import open_content
    from kiosk.sync import publish
    from tests.sync_helpers import ContentSource, Publisher, RepoServer, terminal_config, write_config_file

    keys = tmp_path / "keys"
    assert publish.main(["init", str(keys)]) == 0
    publisher = Publisher(keys, tmp_path / "repo", ContentSource(tmp_path / "source"))
    publisher.build()
    with RepoServer(publisher.repo_dir) as server:
        cfg_path = write_config_file(tmp_path / "kiosk.toml",
                                     terminal_config(data_dir, server.url, publisher.root_path))
        cfg = config_mod.load(cfg_path)
        open_content(cfg)
        station.open_station_db(cfg.station_db_path)
        ctx = staff_context(cfg, [])
        admin = Staff(qtbot, ctx)
        sign_in(admin)
        admin.save(0, "同步前的本站公告", "", "", "", True)
        before = station.list_announcements()
        admin.sync.syncNow()
        qtbot.waitUntil(lambda: not admin.sync.property("syncRunning"), timeout=120_000)
    status = admin.sync.property("syncStatus")
    assert status["message"].startswith(f"立即同步结果：{REASON_ZH[Outcome.OK]}"), status["message"]
    assert status["lastResult"] == REASON_ZH[Outcome.OK]
    assert "服务 1" in status["generations"], "the signed generation 1 replaced the seed (generation 0)"
    assert station.list_announcements() == before
    admin.close()
    from kiosk.store.content import content_db

    content_db.close()
    station.station_db.close()
