"""The admin flow on the real offscreen kiosk, driven by mouse/touch events only.

Staff tap the hidden corner 5×, enter the PIN a technician set (`ipkiosk admin set-pin`; until then the
page names that command and offers no pad), add a scheduled announcement,
and see it in the home ticker when its start comes — and it survives a sync, a deleted
content.db and a restart. A corrupt station.db leaves the kiosk running and offers the restore.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QInputMethodEvent
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

from kiosk.store import backup, content, seed, station
from tests.ui_helpers import window_items

PIN = "402718"
T0 = dt.datetime(2026, 12, 1, 1, 3, 0, tzinfo=dt.UTC)  # 09:03 China time
TITLE = "本周五下午系统维护1"


class FakeClock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now



def find(window, object_name: str, *, visible_only: bool = True) -> QQuickItem:
    for item in window_items(window):
        if item.objectName() == object_name and (item.isVisible() or not visible_only):
            return item
    raise AssertionError(f"no visible item named {object_name!r}")


def exists(window, object_name: str) -> bool:
    return any(i.objectName() == object_name and i.isVisible() for i in window_items(window))


def tap(qtbot, window, item: QQuickItem) -> None:
    centre = item.mapToScene(item.boundingRect().center()).toPoint()
    QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(centre))
    qtbot.wait(30)


def tap_name(qtbot, window, object_name: str) -> None:
    tap(qtbot, window, find(window, object_name))


def settle(qtbot, window) -> None:
    """Let the scene render (pages change without transitions)."""
    qtbot.wait(50)


def tap_hot_corner(qtbot, window) -> None:
    corner = QPoint(window.width() - 40, 40)
    for _ in range(5):
        QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, corner)
        qtbot.wait(40)
    qtbot.waitUntil(lambda: exists(window, "pinPage"), timeout=3000)
    settle(qtbot, window)


def type_pin(qtbot, window, pin: str) -> None:
    """Type PIN and wait for the data service's answer (the pad clears, or the admin page replaces it)."""
    for digit in pin:
        tap_name(qtbot, window, f"pinKey{digit}")
    tap_name(qtbot, window, "pinOk")
    qtbot.waitUntil(lambda: not exists(window, "pinPad") or find(window, "pinPad").property("entered") == "",
                    timeout=5000)


def pin_prompt(window) -> str:
    return str(find(window, "pinPrompt").property("text"))


def ticker_text(window) -> str:
    """The text shown in the home ticker ('' while it is hidden)."""
    ticker = find(window, "announcementTicker", visible_only=False)
    if not ticker.isVisible():
        return ""
    return " ".join(str(i.property("text")) for i in window_items(window) if _inside(i, ticker) and i.property("text"))


def _inside(item: QQuickItem, ancestor: QQuickItem) -> bool:
    while item is not None:
        if item == ancestor:
            return True
        item = item.parentItem()
    return False


def enter_admin(qtbot, window, clock) -> None:
    """A technician set the PIN from a shell (as at installation); staff enter it on the pad."""
    from kiosk.store.pin import PinGuard

    PinGuard(clock=clock, actor="cli").set_pin(PIN)
    tap_hot_corner(qtbot, window)
    qtbot.waitUntil(lambda: "请输入管理密码" in pin_prompt(window), timeout=3000)
    type_pin(qtbot, window, PIN)
    qtbot.waitUntil(lambda: exists(window, "adminPage"), timeout=3000)
    settle(qtbot, window)


def add_scheduled_announcement_by_touch(qtbot, window, title: str) -> None:
    """On the admin page: new announcement starting one hour after the suggested start."""
    tap_name(qtbot, window, "adminNewAnnouncement")
    qtbot.waitUntil(lambda: exists(window, "announcementEditor"), timeout=3000)
    settle(qtbot, window)
    title_field = find(window, "annTitleField")
    tap(qtbot, window, title_field)
    # What the system input method (fcitx/ibus) sends when staff pick the hanzi: a commit string
    # to the focused field; then "1" from the hardware keyboard's own keys.
    assert window.activeFocusItem() == title_field
    committed = QInputMethodEvent()
    committed.setCommitString(title[:-1])
    QGuiApplication.sendEvent(title_field, committed)
    QTest.keyClick(window, Qt.Key.Key_1)
    assert title_field.property("text") == title
    tap_name(qtbot, window, "annStartNow")  # off: the start stepper appears at the suggested start
    tap_name(qtbot, window, "annStart_hour_plus")
    tap_name(qtbot, window, "annStart_hour_plus")
    tap_name(qtbot, window, "annStart_hour_minus")
    assert find(window, "annStartValue").property("text") == "2026-12-01 周二 10:10"
    tap_name(qtbot, window, "annSave")
    qtbot.waitUntil(lambda: not exists(window, "announcementEditor"), timeout=3000)


@pytest.fixture
def clock():
    return FakeClock(T0)


def _start(kiosk_ui, clock, **options):
    return kiosk_ui(clock=clock, **options)


def _go_home_and_wait_for_ticker(qtbot, window, title: str, clock: FakeClock) -> None:
    tap_name(qtbot, window, "navHome")
    qtbot.waitUntil(lambda: exists(window, "homePage"), timeout=3000)
    assert title not in ticker_text(window), "scheduled for 10:10, not shown at 09:03"
    clock.now = T0 + dt.timedelta(hours=1, minutes=7)  # 10:10 China time: start is inclusive
    qtbot.waitUntil(lambda: title in ticker_text(window), timeout=5000)


def test_staff_add_a_scheduled_announcement_by_touch_and_it_appears_in_the_ticker(kiosk_ui, qtbot, clock):
    ctx, window = _start(kiosk_ui, clock)
    enter_admin(qtbot, window, clock)
    add_scheduled_announcement_by_touch(qtbot, window, TITLE)
    [ann] = station.list_announcements()
    assert (ann["title"], ann["starts_at"], ann["ends_at"]) == (TITLE, "2026-12-01T02:10:00+00:00", None)
    qtbot.waitUntil(lambda: exists(window, f"adminAnnouncement_{ann['id']}"), timeout=3000)

    _go_home_and_wait_for_ticker(qtbot, window, TITLE, clock)

    assert not ctx.singletons["AdminSession"].property("unlocked"), "leaving the admin page ends the session"
    actions = [(r["actor"], r["action"]) for r in reversed(station.recent_audit())]
    assert actions == [("cli", "pin.set"), ("admin-screen", "admin.login"), ("admin-screen", "announcement.add"),
                       ("admin-screen", "admin.logout")]


@pytest.mark.parametrize("event", ["sync", "content_db_deleted", "restart"])
def test_announcement_made_by_touch_survives(kiosk_ui, qtbot, clock, cfg, event):
    _ctx, window = _start(kiosk_ui, clock)
    enter_admin(qtbot, window, clock)
    add_scheduled_announcement_by_touch(qtbot, window, TITLE)
    _go_home_and_wait_for_ticker(qtbot, window, TITLE, clock)
    before = station.list_announcements()

    if event == "sync":
        result = content.apply_manifests(seed.load_source_dir(seed.SEED_DIR, 1), source="sync")
        assert result.changed_collections
    elif event == "content_db_deleted":
        content.content_db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(cfg.content_db_path) + suffix).unlink(missing_ok=True)
        content.open_content_db(cfg.content_db_path)
        seed.import_seed()
    else:
        # Restart: both databases closed and opened again from their files by a new UI
        # (the old window is torn down by the fixture at the end).
        window.hide()
        content.content_db.close()
        station.station_db.close()
        _ctx, window = _start(kiosk_ui, clock)

    qtbot.wait(2500)  # two polls of the announcements and content
    assert station.list_announcements() == before
    assert TITLE in ticker_text(window)
    if event == "restart":
        # And the PIN set before the restart is still the PIN.
        tap_hot_corner(qtbot, window)
        type_pin(qtbot, window, PIN)
        qtbot.waitUntil(lambda: exists(window, "adminPage"), timeout=3000)


def test_first_boot_pad_takes_no_pin_until_a_technician_sets_one(kiosk_ui, qtbot, clock, cfg, tmp_path):
    """A visitor tapping the corner of a fresh terminal must not choose the PIN: the page names the shell
    command and has no keys. After the real `ipkiosk admin set-pin` (on a terminal), the pad takes that PIN."""
    from tests.test_admin_cli import _run_on_tty

    ctx, window = _start(kiosk_ui, clock)
    tap_hot_corner(qtbot, window)
    qtbot.waitUntil(lambda: pin_prompt(window) == "尚未设置管理密码", timeout=3000)
    assert "ipkiosk admin set-pin" in find(window, "pinMessage").property("text")
    assert not exists(window, "pinPad") and not exists(window, "pinKey1") and not exists(window, "pinOk")
    assert not ctx.singletons["AdminSession"].property("pinIsSet") and station.recent_audit() == []

    conf = tmp_path / "kiosk.toml"
    conf.write_text(f'data_dir = "{cfg.data_path}"\n', encoding="utf-8")
    code, shown = _run_on_tty(["admin", "set-pin", "--config", str(conf)], [PIN, PIN])
    assert code == 0 and "admin PIN set" in shown, shown
    tap_name(qtbot, window, "navHome")
    qtbot.waitUntil(lambda: exists(window, "homePage"), timeout=3000)
    tap_hot_corner(qtbot, window)
    qtbot.waitUntil(lambda: "请输入管理密码" in pin_prompt(window), timeout=3000)
    type_pin(qtbot, window, PIN)
    qtbot.waitUntil(lambda: exists(window, "adminPage"), timeout=3000)
    assert [(r["actor"], r["action"]) for r in reversed(station.recent_audit())] == [
        ("cli", "pin.set"), ("admin-screen", "admin.login")]


def test_wrong_pins_lock_the_pad(kiosk_ui, qtbot, clock):
    from kiosk.store.pin import PinGuard

    _ctx, window = _start(kiosk_ui, clock)
    PinGuard(clock=clock).set_pin(PIN)
    tap_hot_corner(qtbot, window)
    for attempt in range(1, 6):
        type_pin(qtbot, window, "135792")
        if attempt < 5:
            assert f"还可尝试 {5 - attempt} 次" in find(window, "pinMessage").property("text")
    assert "已锁定" in find(window, "pinPrompt").property("text")
    # Locked: taps on the pad do nothing, and the right PIN is not even checked.
    type_pin(qtbot, window, PIN)
    assert not exists(window, "adminPage")
    clock.now += dt.timedelta(seconds=61)
    qtbot.waitUntil(lambda: "请输入管理密码" in find(window, "pinPrompt").property("text"), timeout=3000)
    type_pin(qtbot, window, PIN)
    qtbot.waitUntil(lambda: exists(window, "adminPage"), timeout=3000)


def test_corrupt_station_db_kiosk_runs_and_admin_restores_a_backup(kiosk_ui, qtbot, clock, cfg):
    station.open_station_db(cfg.station_db_path)
    station.add_announcement("备份里的公告", actor="cli")
    backup.backup_station(cfg.station_db_path, backup.backups_dir(cfg.data_path), clock=lambda: T0)
    station.station_db.close()
    cfg.station_db_path.write_bytes(b"\x00corrupt" * 4096)
    corrupt_bytes = cfg.station_db_path.read_bytes()

    _ctx, window = _start(kiosk_ui, clock)
    assert exists(window, "homePage"), "the kiosk runs with content"
    assert not find(window, "announcementTicker", visible_only=False).isVisible()
    assert cfg.station_db_path.read_bytes() == corrupt_bytes, "the corrupt file is left exactly as it was"

    tap_hot_corner(qtbot, window)
    assert not exists(window, "pinPad")
    tap_name(qtbot, window, "pinOpenRestore")
    qtbot.waitUntil(lambda: exists(window, "adminStationProblem"), timeout=3000)
    settle(qtbot, window)
    tap_name(qtbot, window, "adminRestore0")
    qtbot.waitUntil(lambda: exists(window, "adminConfirmRestoreOk"), timeout=3000)
    tap_name(qtbot, window, "adminConfirmRestoreOk")
    qtbot.waitUntil(lambda: exists(window, "homePage"), timeout=3000)
    qtbot.waitUntil(lambda: "备份里的公告" in ticker_text(window), timeout=5000)
    preserved = [p for p in backup.backups_dir(cfg.data_path).iterdir() if p.name.startswith("before-restore-")]
    assert [p.read_bytes() for p in preserved] == [corrupt_bytes]
    assert station.recent_audit(1)[0]["action"] == "station.restore"


def test_edit_and_delete_by_touch_end_is_exclusive(kiosk_ui, qtbot, clock):
    from kiosk.store.pin import PinGuard

    _ctx, window = _start(kiosk_ui, clock)
    PinGuard(clock=clock).set_pin(PIN)
    ending = station.add_announcement("明天结束的公告", ends_at="2026-12-02T09:03", actor="cli")
    doomed = station.add_announcement("要删除的公告", actor="cli")
    qtbot.waitUntil(lambda: "明天结束的公告" in ticker_text(window) and "要删除的公告" in ticker_text(window), timeout=5000)

    tap_hot_corner(qtbot, window)
    type_pin(qtbot, window, PIN)
    qtbot.waitUntil(lambda: exists(window, "adminPage"), timeout=3000)
    settle(qtbot, window)
    tap_name(qtbot, window, f"adminAnnouncement_{ending.id}")
    qtbot.waitUntil(lambda: exists(window, "announcementEditor"), timeout=3000)
    settle(qtbot, window)
    assert find(window, "annTitleField").property("text") == "明天结束的公告"
    assert find(window, "annEndValue").property("text") == "2026-12-02 周三 09:03"
    tap_name(qtbot, window, "annEnd_day_minus")  # ends now, 09:03: the end is exclusive
    tap_name(qtbot, window, "annSave")
    qtbot.waitUntil(lambda: exists(window, "adminPage") and not exists(window, "announcementEditor"), timeout=3000)
    settle(qtbot, window)

    tap_name(qtbot, window, f"adminAnnouncement_{doomed.id}")
    qtbot.waitUntil(lambda: exists(window, "announcementEditor"), timeout=3000)
    settle(qtbot, window)
    tap_name(qtbot, window, "annDelete")
    qtbot.waitUntil(lambda: exists(window, "annConfirmDeleteOk"), timeout=3000)
    tap_name(qtbot, window, "annConfirmDeleteOk")
    qtbot.waitUntil(lambda: not exists(window, "announcementEditor"), timeout=3000)

    assert [(a["title"], a["ends_at"]) for a in station.list_announcements()] == [
        ("明天结束的公告", "2026-12-01T01:03:00+00:00")]
    qtbot.waitUntil(lambda: not find(window, "announcementTicker", visible_only=False).isVisible(), timeout=5000)
    actions = [(r["actor"], r["action"], r["object"]) for r in station.recent_audit(3)]
    assert actions == [("admin-screen", "announcement.remove", str(doomed.id)),
                       ("admin-screen", "announcement.edit", str(ending.id)),
                       ("admin-screen", "admin.login", "pin")]


def _is_plain_text(item: QQuickItem, element: str = "Text") -> bool:
    """The item's textFormat is PlainText (PySide6 cannot convert the enum, so QML compares it)."""
    from PySide6.QtQml import QQmlEngine, QQmlExpression

    expression = QQmlExpression(QQmlEngine.contextForObject(item), item, f"textFormat === {element}.PlainText")
    return expression.evaluate()[0] is True


def test_staff_and_network_text_is_shown_as_plain_text_never_as_markup(kiosk_ui, qtbot, clock, tmp_path):
    """An announcement titled like HTML and a sync reason quoting an HTML error page: QML's default AutoText
    would render them, loading the <img> file on the GUI thread (a big image here makes that measurable)."""
    import shutil
    import tempfile

    from PySide6.QtGui import QImage

    # A short path: the title must stay within the 80 characters staff may enter.
    short_dir = Path(tempfile.mkdtemp(prefix="k", dir="/tmp"))
    image = short_dir / "i.png"
    picture = QImage(600, 600, QImage.Format.Format_RGB32)
    picture.fill(Qt.GlobalColor.red)
    assert picture.save(str(image))
    markup = f'<img src="{image.as_uri()}"><b>标记</b>'
    _ctx, window = _start(kiosk_ui, clock)
    ann = station.add_announcement(f"公告{markup}", f"正文{markup}", actor="cli")
    content.SyncStatus.update(last_result="OFFLINE", last_reason=f"HTTP 502: {markup}").execute()
    enter_admin(qtbot, window, clock)
    qtbot.waitUntil(lambda: exists(window, f"adminAnnouncement_{ann.id}"), timeout=3000)
    # The line under the list names the title the home tile shows, once the announcements have come.
    qtbot.waitUntil(lambda: any(markup in str(i.property("text")) and "磁贴" in str(i.property("text"))
                                for i in window_items(window, visible_only=True)), timeout=5000)
    shown = []
    for tab in (0, 1):
        find(window, "adminPage").setProperty("tab", tab)
        settle(qtbot, window)
        shown += [i for i in window_items(window, visible_only=True)
                  if i.metaObject().className().startswith("QQuickText") and markup in str(i.property("text"))]
    assert len(shown) == 3, "the title on the card, on the line naming what the home tile shows, and the sync reason"
    for item in shown:
        assert _is_plain_text(item)
        assert item.property("implicitHeight") < 200, "no 600 px image was laid out"

    find(window, "adminPage").setProperty("tab", 0)
    settle(qtbot, window)
    tap_name(qtbot, window, f"adminAnnouncement_{ann.id}")
    qtbot.waitUntil(lambda: exists(window, "announcementEditor"), timeout=3000)
    settle(qtbot, window)
    body = find(window, "annBodyField")
    assert _is_plain_text(body, "TextEdit") and body.property("text") == f"正文{markup}"
    assert find(window, "annTitleField").property("text") == f"公告{markup}"
    shutil.rmtree(short_dir)


def test_idle_reset_ends_the_admin_session(kiosk_ui, qtbot, clock):
    from kiosk.store.pin import PinGuard

    ctx, window = _start(kiosk_ui, clock, idle_timeout_ms=1500, countdown_s=1)
    PinGuard(clock=clock).set_pin(PIN)
    tap_hot_corner(qtbot, window)
    type_pin(qtbot, window, PIN)
    qtbot.waitUntil(lambda: exists(window, "adminPage"), timeout=3000)
    admin = ctx.singletons["AdminSession"]
    assert admin.property("unlocked")
    qtbot.waitUntil(lambda: not admin.property("unlocked"), timeout=8000)
    assert not exists(window, "adminPage")
    # The logout is audited through the data service: its answer comes a moment later.
    qtbot.waitUntil(lambda: station.recent_audit(1)[0]["action"] == "admin.logout", timeout=5000)


def test_cli_changes_show_in_the_running_kiosk_within_5_s(kiosk_ui, qtbot, clock, cfg, tmp_path):
    import subprocess
    import sys
    import time

    from tests.helpers import REPO_ROOT

    _ctx, window = _start(kiosk_ui, clock)
    conf = tmp_path / "kiosk.toml"
    conf.write_text(f'data_dir = "{cfg.data_path}"\n', encoding="utf-8")
    subprocess.run([sys.executable, "-m", "kiosk.cli", "announce", "add", "--title", "命令行添加的公告", "--pinned",
                    "--config", str(conf)], cwd=REPO_ROOT, check=True, timeout=60, capture_output=True)
    added_at = time.monotonic()
    qtbot.waitUntil(lambda: "命令行添加的公告" in ticker_text(window), timeout=5000)
    assert time.monotonic() - added_at < 5
