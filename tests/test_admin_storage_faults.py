"""What staff see of storage faults the kiosk runs through, and the PIN pad on a full disk.

* Damaged station.db rows (one value no longer UTF-8, as a bad sector leaves it): the real admin page,
  offscreen, names them in a banner with the way out (the backups tab's restore); after the restore the
  banner is gone.
* A full disk: the data dir lives on a real small tmpfs (mounted by the test, so root only; CI runs as
  root) filled to the last byte. The kiosk's real data service child opens both databases read-only:
  visitors see content and announcements, the PIN still unlocks, the admin page says 磁盘已满 with the
  technician's job, and every staff change that writes is refused with that reason. Nothing is written.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication, QInputMethodEvent

from kiosk.core import config as config_mod
from kiosk.core.staff_rules import StorageReason
from kiosk.dataservice.api import ErrorKind
from kiosk.store import backup, station
from kiosk.store.pin import TRIES_BEFORE_LOCKOUT, PinGuard
from kiosk.ui.admin.wording import DISK_FULL_REFUSAL, storage_warning_zh
from kiosk.ui.data_client import DataError
from tests.data_service_double import DataServiceInProcess, answered
from tests.helpers import file_digest
from tests.sync_helpers import fill, listing
from tests.test_admin_screens import _layout_problems
from tests.test_admin_ui import (
    FakeClock,
    exists,
    find,
    settle,
    tap,
    tap_hot_corner,
    tap_name,
    ticker_text,
    type_pin,
)

PIN = "402718"
WRONG_PIN = "135792"
T0 = dt.datetime(2026, 12, 1, 1, 3, 0, tzinfo=dt.UTC)  # 09:03 China time


def damage_announcement_title(db: Path, ann_id: int) -> None:
    """Make one announcement's title invalid UTF-8, as a bad write leaves it (integrity_check still says ok)."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE announcement SET title = CAST(CAST(title AS BLOB) || x'ff' AS TEXT) WHERE id = ?",
                     (ann_id,))
    conn.close()
    check = sqlite3.connect(db)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()


def prepare_station(cfg: config_mod.Config, titles: tuple[str, ...]) -> None:
    """A station with a PIN set at installation and announcements made from the shell."""
    station.open_station_db(cfg.station_db_path)
    try:
        PinGuard(actor="cli").set_pin(PIN)
        for title in titles:
            station.add_announcement(title, actor="cli")
    finally:
        station.station_db.close()


def banner(window) -> str:
    return str(find(window, "adminStorageWarningText").property("text"))


# ---------------------------------------------------------------- damaged station.db rows


@pytest.mark.parametrize("size_px", [(1080, 1920), (1920, 1080)], ids=["portrait", "landscape"])
def test_damaged_announcement_is_named_on_the_admin_page_with_the_restore(kiosk_ui, qtbot, cfg, size_px, tmp_path):
    prepare_station(cfg, ("本站公告一号", "本站公告二号"))
    copy = backup.backup_station(cfg.station_db_path, backup.backups_dir(cfg.data_path), clock=lambda: T0)
    damage_announcement_title(cfg.station_db_path, 2)
    damaged_bytes = file_digest(cfg.station_db_path)
    clock = FakeClock(T0)

    ctx, window = kiosk_ui(size_px=size_px, clock=clock)
    qtbot.waitUntil(lambda: "本站公告一号" in ticker_text(window), timeout=5000)  # visitors: what can be read
    tap_hot_corner(qtbot, window)
    type_pin(qtbot, window, PIN)  # the PIN lives in a readable row: staff get in
    qtbot.waitUntil(lambda: exists(window, "adminStorageWarning"), timeout=3000)
    settle(qtbot, window)
    text = banner(window)
    assert text.startswith("station.db：1 条公告已损坏（id 2），可从备份恢复"), text
    assert "恢复此备份" in text
    assert find(window, "adminAnnouncementList").property("count") == 1
    assert _layout_problems(window) == []  # nothing runs off the window, every touch target is large enough
    assert window.grabWindow().save(str(tmp_path / f"admin-damaged-{size_px[0]}x{size_px[1]}.png"))
    assert file_digest(cfg.station_db_path) == damaged_bytes, "station data is never repaired behind staff's back"

    tap_name(qtbot, window, "adminStorageRestore")  # the way out: the backups tab
    qtbot.waitUntil(lambda: exists(window, "adminRestore0"), timeout=3000)
    tap_name(qtbot, window, "adminRestore0")
    qtbot.waitUntil(lambda: exists(window, "adminConfirmRestoreOk"), timeout=3000)
    tap_name(qtbot, window, "adminConfirmRestoreOk")
    qtbot.waitUntil(lambda: not exists(window, "adminStorageWarning"), timeout=5000)
    assert ctx.singletons["AdminMaintenance"].property("storageWarning") == ""
    assert [a["title"] for a in station.list_announcements()] == ["本站公告二号", "本站公告一号"]
    assert copy.exists()


def test_damage_wording_names_tables_keys_and_unreadable_keys():
    assert storage_warning_zh({"station_damaged": [], "station_read_only": "", "content_read_only": "",
                               "read_only_reason": ""}) == ""
    text = storage_warning_zh({"station_damaged": [
        {"table": "announcement", "count": 7, "names": ["2", "3", "rowid 9", "11", "12"]},
        {"table": "stationsetting", "count": 1, "names": ["admin.pin_failures"]}],
        "station_read_only": "", "content_read_only": "", "read_only_reason": ""})
    assert text.startswith("station.db：7 条公告已损坏（id 2、id 3、rowid 9、id 11、id 12 等），"
                           "1 项设置已损坏（admin.pin_failures），可从备份恢复"), text


# ---------------------------------------------------------------- a full disk


@pytest.fixture
def full_disk_cfg(small_fs, tmp_path):
    """A seeded terminal with a PIN and an announcement whose data dir is on a tmpfs filled to the last byte:
    (cfg, the tmpfs, sha256 of content.db and station.db)."""
    seeded_dir = tmp_path / "seeded"
    seeded_cfg = config_mod.from_mapping({"data_dir": str(seeded_dir)})
    from kiosk.store.content import content_db

    DataServiceInProcess(seeded_cfg)  # imports the bundled seed, as the kiosk's first start does
    station.station_db.close()
    content_db.close()
    prepare_station(seeded_cfg, ("满盘时仍显示的公告",))
    shutil.copytree(seeded_dir, small_fs / "data")
    # A config file, as installed: one built in code would be written into the (full) data dir for the child.
    config_file = tmp_path / "kiosk.toml"
    config_file.write_text(f'data_dir = "{small_fs / "data"}"\n', encoding="utf-8")
    cfg = config_mod.load(str(config_file))
    digests = {name: file_digest(cfg.data_path / name) for name in ("content.db", "station.db")}
    fill(small_fs)
    return cfg, small_fs, digests


def test_pin_on_a_full_disk_unlocks_and_wrong_tries_still_lock(qtbot, full_disk_cfg):
    """Before the fix every PIN check on a full disk was an InternalError: nobody could log in."""
    cfg, disk, digests = full_disk_cfg
    before, used = listing(disk), shutil.disk_usage(disk).used
    data = DataServiceInProcess(cfg)
    try:
        now = T0.isoformat()
        assert station.read_only_reason().startswith("disk full")
        right = answered(qtbot, data.check_pin(PIN, now))
        assert right["ok"] and right["unsaved"].startswith("disk full")
        assert right["unsaved_reason"] == StorageReason.DISK_FULL  # what the PIN pad words
        for attempt in range(1, TRIES_BEFORE_LOCKOUT):
            wrong = answered(qtbot, data.check_pin(WRONG_PIN, now))
            assert not wrong["ok"] and wrong["tries_left"] == TRIES_BEFORE_LOCKOUT - attempt
            assert wrong["unsaved"].startswith("disk full")
            assert answered(qtbot, data.pin_state(now))["tries_left"] == TRIES_BEFORE_LOCKOUT - attempt  # counted in memory
        locked = answered(qtbot, data.check_pin(WRONG_PIN, now))
        assert locked["locked_for_s"] == 60 and not locked["ok"]
        refused = answered(qtbot, data.check_pin(PIN, now))
        assert not refused["ok"] and refused["locked_for_s"] == 60, "the lockout bites although nothing was saved"
        later = (T0 + dt.timedelta(seconds=61)).isoformat()
        assert answered(qtbot, data.pin_state(later))["locked_for_s"] == 0 and answered(qtbot, data.check_pin(PIN, later))["ok"]
        # Audit entries of staff actions that change no data are logged, not failed.
        answered(qtbot, data.audit("admin.logout", "admin", "", "admin-screen"))
    finally:
        station.station_db.close()
        from kiosk.store.content import content_db

        content_db.close()
    assert shutil.disk_usage(disk).used == used
    changed = {name for name, size in listing(disk).items() if before.get(name) != size}
    assert all(name.endswith(("-wal", "-shm", ".log")) for name in changed), changed
    assert {name: file_digest(cfg.data_path / name) for name in digests} == digests


def test_admin_page_on_a_full_disk_says_so_and_refuses_writes_plainly(qtbot, full_disk_cfg):
    from kiosk.store.content import content_db
    from kiosk.ui import app as ui_app
    from kiosk.ui.qt_log import route_qt_messages

    cfg, disk, digests = full_disk_cfg
    used = shutil.disk_usage(disk).used
    clock = FakeClock(T0)
    messages = route_qt_messages()
    ctx = ui_app.build_context(cfg, clock=clock)  # the real data service child, on the full disk
    try:
        window = ui_app.load_main(ctx, size_px=(1080, 1920))
        window.show()
        qtbot.waitExposed(window)
        qtbot.wait(50)  # the first layout pass after the resize
        assert exists(window, "homePage")
        qtbot.waitUntil(lambda: "满盘时仍显示的公告" in ticker_text(window), timeout=5000)
        tap_hot_corner(qtbot, window)
        type_pin(qtbot, window, PIN)
        qtbot.waitUntil(lambda: exists(window, "adminStorageWarning"), timeout=5000)
        settle(qtbot, window)
        text = banner(window)
        assert text.startswith("磁盘已满：内容照常显示，但无法保存修改"), text
        assert "请技术人员清理磁盘空间" in text and "station.db、content.db 只读：disk full" in text
        assert not exists(window, "adminStorageRestore")  # nothing to restore: the files are fine
        assert _layout_problems(window) == []
        assert window.grabWindow().save(str(disk.parent / "admin-disk-full-1080x1920.png"))

        # By touch: a new announcement, saved; the editor says why it was not.
        tap_name(qtbot, window, "adminNewAnnouncement")
        qtbot.waitUntil(lambda: exists(window, "announcementEditor"), timeout=3000)
        settle(qtbot, window)
        title_field = find(window, "annTitleField")
        tap(qtbot, window, title_field)
        committed = QInputMethodEvent()
        committed.setCommitString("不会保存的公告")
        QGuiApplication.sendEvent(title_field, committed)
        tap_name(qtbot, window, "annSave")
        qtbot.waitUntil(lambda: exists(window, "annError"), timeout=3000)
        assert find(window, "annError").property("text") == DISK_FULL_REFUSAL
        tap_name(qtbot, window, "navBack")
        qtbot.waitUntil(lambda: exists(window, "adminPage"), timeout=3000)
        settle(qtbot, window)
        tap_name(qtbot, window, "adminTab3")
        qtbot.waitUntil(lambda: exists(window, "adminBackupNow"), timeout=3000)
        tap_name(qtbot, window, "adminBackupNow")
        qtbot.waitUntil(lambda: exists(window, "adminNotice"), timeout=3000)
        assert find(window, "adminNotice").property("text") == DISK_FULL_REFUSAL

        announcements, maintenance = ctx.singletons["AdminAnnouncements"], ctx.singletons["AdminMaintenance"]
        for signal, action, args in ((announcements.saved, announcements.saveAnnouncement, (0, "不会保存", "", "", "", False)),
                                     (announcements.saved, announcements.saveAnnouncement, (1, "不会保存", "", "", "", False)),
                                     (announcements.removed, announcements.removeAnnouncement, (1,)),
                                     (maintenance.backupDone, maintenance.backupNow, ())):
            with qtbot.waitSignal(signal, timeout=10_000) as answer:
                action(*args)
            assert answer.args == [DISK_FULL_REFUSAL], action.__name__
        ctx.singletons["AdminSync"].syncNow()  # no repository configured: only its audit entry, which cannot be written
        tap_name(qtbot, window, "navHome")  # ends the session (its audit entry is logged instead)
        qtbot.waitUntil(lambda: exists(window, "homePage"), timeout=3000)
    finally:
        ui_app.stop_context(ctx)
        qtbot.wait(10)
        content_db.close()
        station.station_db.close()
    assert not [m for m in messages.warnings if "Traceback" in m or "Error" in m], messages.warnings
    assert shutil.disk_usage(disk).used == used
    assert {name: file_digest(cfg.data_path / name) for name in digests} == digests
    assert not list(cfg.data_path.glob("*.corrupt-*")) and not list(backup.backups_dir(cfg.data_path).glob("*.db"))


def test_a_disk_that_fills_up_while_the_kiosk_runs_is_named_too(qtbot, small_fs, tmp_path):
    """station.db was opened with room to spare; then the disk filled up. Writes fail with SQLite's
    "database or disk is full": still a plain disk-full refusal, and the PIN pad still counts."""
    cfg = config_mod.from_mapping({"data_dir": str(small_fs / "data")})
    data = DataServiceInProcess(cfg)
    from kiosk.store.content import content_db

    try:
        station.add_announcement("写满之前的公告", actor="cli")
        PinGuard(actor="cli").set_pin(PIN)
        fill(small_fs)
        now = T0.isoformat()
        with pytest.raises(DataError) as refused:
            answered(qtbot, data.save_announcement(0, "写满之后", "", None, None, False, "admin-screen"))
        assert refused.value.kind is ErrorKind.STORAGE and "disk full" in str(refused.value)
        assert refused.value.reason == StorageReason.DISK_FULL  # what the admin screen words
        assert answered(qtbot, data.storage_faults())["station_read_only"] == ""  # open read-write: only the writes fail
        wrong = answered(qtbot, data.check_pin(WRONG_PIN, now))
        assert not wrong["ok"] and wrong["unsaved"].startswith("disk full")
        assert wrong["unsaved_reason"] == StorageReason.DISK_FULL
        assert answered(qtbot, data.pin_state(now))["tries_left"] == TRIES_BEFORE_LOCKOUT - 1
        assert answered(qtbot, data.check_pin(PIN, now))["ok"]
        assert [a["title"] for a in answered(qtbot, data.list_announcements())] == ["写满之前的公告"]
    finally:
        station.station_db.close()
        content_db.close()


def test_a_rating_on_a_disk_that_filled_up_is_a_plain_refusal_and_keeps_what_was_saved(qtbot, small_fs):
    """好差评 on a disk that fills up while the kiosk runs: the rating is refused as "disk full" (what the rating
    panel words), never an internal error, and the ratings saved before stay, totals and export alike."""
    cfg = config_mod.from_mapping({"data_dir": str(small_fs / "data")})
    data = DataServiceInProcess(cfg)
    from kiosk.store import ratings
    from kiosk.store.content import content_db

    try:
        saved = answered(qtbot, data.rate_service("svc-patent-application", 2, [], "zh", T0.isoformat()))
        fill(small_fs)
        for call in (lambda: data.rate_service("svc-patent-application", 5, ["clear"], "zh", T0.isoformat()),
                     lambda: data.add_rating_reasons(saved, ["outdated"], T0.isoformat())):
            with pytest.raises(DataError) as refused:
                answered(qtbot, call())
            assert refused.value.kind is ErrorKind.STORAGE and "disk full" in str(refused.value)
        assert [(t["service_id"], t["total"]) for t in answered(qtbot, data.rating_totals())] == \
            [("svc-patent-application", 1)]
        assert [(r["id"], r["reasons"]) for r in ratings.ratings_since()] == [(saved, [])]
    finally:
        station.station_db.close()
        content_db.close()
