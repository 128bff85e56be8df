"""Staff refusals travel as machine reasons and are worded in one table.

The stores raise StationError, PinError, BackupError and StorageError with a reason from
kiosk.core.staff_rules; the data service sends its string value; the admin screen words it through
kiosk.ui.admin.wording.REASON_ZH, without reading the English message. The staff-only guard refuses
and logs while the session is locked, and the PIN pad reads the PIN state once per tick.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import types
from enum import StrEnum

import pytest
from PySide6.QtCore import QTimer

from kiosk.core.staff_rules import (
    MAX_TITLE_CHARS,
    BackupReason,
    PinError,
    PinReason,
    StationReason,
    StorageReason,
    check_pin_format,
)
from kiosk.core.sync_outcome import EXIT_CODES, EXIT_NOT_CONFIGURED, Outcome, outcome_of_exit_code
from kiosk.dataservice.api import DataError, ErrorKind
from kiosk.store import backup, station
from kiosk.store.pin import KEY_LOCKED_UNTIL, KEY_LOCKOUTS, PinGuard
from kiosk.store.recovery import StorageError
from kiosk.ui.admin import AdminJobs
from kiosk.ui.admin.wording import NOT_UNLOCKED, REASON_ZH, reason_zh, sync_exit_zh
from tests.data_service_double import DataServiceInProcess, answered, wait_answered

PIN = "402718"
T0 = dt.datetime(2026, 12, 1, 1, 0, 0, tzinfo=dt.UTC)
REASON_ENUMS: tuple[type[StrEnum], ...] = (StationReason, PinReason, BackupReason, StorageReason, Outcome)


def test_every_reason_has_chinese_words_and_names_itself_alone():
    values = [member.value for enum in REASON_ENUMS for member in enum]
    assert len(values) == len(set(values)), "a reason string must name one reason"
    assert sorted(REASON_ZH) == sorted(values)
    assert all(REASON_ZH[value].strip() for value in values)


def test_the_stores_raise_with_reasons(station_store, tmp_path):
    cases = [
        (lambda: station.add_announcement("  "), StationReason.TITLE_EMPTY),
        (lambda: station.add_announcement("x" * (MAX_TITLE_CHARS + 1)), StationReason.TITLE_TOO_LONG),
        (lambda: station.add_announcement("标题", "\u202e反转"), StationReason.BODY_NOT_SHOWABLE),
        (lambda: station.add_announcement("标题", starts_at="next friday"), StationReason.BAD_INSTANT),
        (lambda: station.add_announcement("标题", starts_at="2026-12-02T09:00", ends_at="2026-12-01T09:00"),
         StationReason.ENDS_BEFORE_START),
        (lambda: station.remove_announcement(404, actor="cli"), StationReason.ANNOUNCEMENT_NOT_FOUND),
        (lambda: check_pin_format("12345"), PinReason.NOT_DIGITS),
        (lambda: check_pin_format("777777"), PinReason.ONE_DIGIT),
        (lambda: check_pin_format("345678"), PinReason.CONSECUTIVE),
        (lambda: PinGuard().check(PIN), PinReason.NOT_SET),
        (lambda: backup.check_backup_file(tmp_path / "gone.db"), BackupReason.NO_SUCH_BACKUP),
        (lambda: backup.backup_station(tmp_path / "gone.db", tmp_path / "backups"), BackupReason.NO_STATION_DB),
    ]
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_bytes(b"not a database at all" * 100)
    cases.append((lambda: backup.check_backup_file(not_sqlite), BackupReason.NOT_SQLITE))
    for action, reason in cases:
        with pytest.raises((station.StationError, PinError, backup.BackupError)) as caught:
            action()
        assert caught.value.reason is reason, (reason, str(caught.value))


def test_storage_error_reason_follows_its_errno():
    assert StorageError(errno.ENOSPC, "station.db: disk full").reason is StorageReason.DISK_FULL
    assert StorageError(errno.EIO, "station.db: storage error").reason is StorageReason.DISK_ERROR


def test_the_data_service_sends_the_reason_and_the_screen_words_it(qtbot, seeded, station_store, cfg):
    data = DataServiceInProcess(cfg)
    with pytest.raises(DataError) as caught:
        answered(qtbot, data.save_announcement(0, "", "", None, None, False, "admin-screen"))
    assert (caught.value.kind, caught.value.reason) == (ErrorKind.STATION, StationReason.TITLE_EMPTY.value)
    # Worded from the reason alone: the English message plays no part.
    assert reason_zh(caught.value.reason, "anything at all") == "请填写标题"


def test_an_unknown_reason_is_logged_and_shown_with_the_services_message(caplog):
    with caplog.at_level(logging.ERROR, logger="kiosk.ui.admin.wording"):
        assert reason_zh("reason_from_a_newer_service", "quota exceeded") == "操作未完成：quota exceeded"
    assert "reason_from_a_newer_service" in caplog.text


def test_sync_exit_codes_come_back_as_the_outcomes_that_define_them():
    assert {outcome_of_exit_code(code) for code in EXIT_CODES.values()} == set(Outcome)
    assert all(sync_exit_zh(code) == REASON_ZH[outcome] for outcome, code in EXIT_CODES.items())
    assert sync_exit_zh(EXIT_NOT_CONFIGURED) == "配置错误"
    assert sync_exit_zh(99) == "退出码 99"


@pytest.fixture
def jobs(qtbot, seeded, station_store, cfg):
    data = DataServiceInProcess(cfg)
    ctx = types.SimpleNamespace(cfg=cfg, clock=lambda: T0, view_models=[], exit_authorised=False, data=data,
                                sync_cycles=None)
    built = AdminJobs(ctx, quit_app=lambda code: pytest.fail(f"the kiosk quit with {code}"))
    yield built
    for timer in built.findChildren(QTimer):
        timer.stop()
    built.deleteLater()
    qtbot.wait(1)


def test_staff_only_slots_refuse_and_log_while_locked(jobs, qtbot, caplog):
    PinGuard(actor="cli").set_pin(PIN)
    wait_answered(qtbot, jobs.session.data)
    jobs.session.data.calls.clear()
    with caplog.at_level(logging.WARNING, logger="kiosk.ui.admin.pin_session"):
        with qtbot.waitSignal(jobs.announcements.saved) as saved, qtbot.waitSignal(jobs.maintenance.backupDone) as backup:
            jobs.announcements.saveAnnouncement(0, "标题", "", "", "", False)
            jobs.maintenance.backupNow()
        assert saved.args == [NOT_UNLOCKED] and backup.args == [NOT_UNLOCKED]
        jobs.sync.syncNow()
        jobs.maintenance.restartKiosk()
    assert jobs.session.data.calls == [], "nothing was asked of the data service"
    assert [r.getMessage() for r in caplog.records] == [
        f"{name} refused: the admin session is locked"
        for name in ("saveAnnouncement", "backupNow", "syncNow", "restartKiosk")]
    assert station.list_announcements() == [] and [r["action"] for r in station.recent_audit()] == ["pin.set"]
    with qtbot.waitSignal(jobs.session.pinChecked) as checked:
        jobs.session.checkPin(PIN)
    assert checked.args[0]["ok"]
    with qtbot.waitSignal(jobs.announcements.saved) as saved:
        jobs.announcements.saveAnnouncement(0, "标题", "", "", "", False)
    assert saved.args == [""]


def test_the_pin_pad_reads_the_pin_state_once_per_tick(jobs, qtbot):
    PinGuard(actor="cli").set_pin(PIN)
    station.set_setting(KEY_LOCKOUTS, "1")
    station.set_setting(KEY_LOCKED_UNTIL, (T0 + dt.timedelta(seconds=45)).isoformat())
    jobs.session.refreshPin()
    data = jobs.session.data
    wait_answered(qtbot, data)
    assert jobs.session.property("lockedForS") == 45
    lock_timer = next(t for t in jobs.session.findChildren(QTimer) if t.interval() == 1000)
    assert lock_timer.isActive(), "the countdown ticks while locked"
    data.calls.clear()
    for _ in range(3):
        lock_timer.timeout.emit()
        wait_answered(qtbot, data)
        # What the PIN pad binds to, read as often as QML likes: no call of its own.
        for _ in range(5):
            jobs.session.property("pinIsSet"), jobs.session.property("lockedForS"), jobs.session.property("triesLeft")
    assert data.calls == ["pin_state"] * 3
