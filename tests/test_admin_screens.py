"""Admin screens at 1080×1920 and 1920×1080: no QML warnings, every touch target ≥ 64 px, nothing
cut off at the window edges. Run as a script to refresh the gallery:

    QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software .venv/bin/python -m tests.test_admin_screens docs/screens
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from kiosk.store import station
from kiosk.store.pin import PinGuard
from tests.helpers import open_stores_beside_the_kiosk
from tests.ui_helpers import SIZES_PX, render_gallery, window_items

MIN_TARGET_PX = 64
PIN = "402718"
# (file name stem, page, props, tab of AdminPage or None)
SCREENS = [
    ("pin-no-pin", "PinPage.qml", {}, None),  # first boot: no pad until a technician sets the PIN
    ("pin", "PinPage.qml", {}, None),
    ("admin-announcements", "AdminPage.qml", {}, 0),
    ("admin-sync", "AdminPage.qml", {}, 1),
    ("admin-device", "AdminPage.qml", {}, 2),
    ("admin-backup", "AdminPage.qml", {}, 3),
    ("admin-ratings", "AdminPage.qml", {}, 4),
    ("admin-editor", "AnnouncementEditor.qml", {
        "annId": 1, "annTitle": "本周五下午系统维护，暂停现场服务", "annBody": "维护期间请通过线上渠道办理。\n给您带来不便，敬请谅解。",
        "startsAt": "2026-11-27T05:00:00+00:00", "endsAt": "2026-11-27T09:30:00+00:00", "pinned": True}, None),
]


def _demo_announcements() -> None:
    now = dt.datetime.now(dt.UTC)
    station.add_announcement("本周五下午系统维护，暂停现场服务", "维护期间请通过线上渠道办理。", pinned=True, actor="admin-screen")
    station.add_announcement("专利导航培训报名开始", starts_at=(now + dt.timedelta(days=3)).isoformat(),
                             ends_at=(now + dt.timedelta(days=20)).isoformat(), actor="admin-screen")
    station.add_announcement("春节假期服务安排", starts_at=(now - dt.timedelta(days=30)).isoformat(),
                             ends_at=(now - dt.timedelta(days=20)).isoformat(), actor="admin-screen")


def _demo_ratings() -> None:
    from kiosk.store import ratings

    now = dt.datetime.now(dt.UTC)
    for service_id, levels in (("svc-patent-application", (5, 5, 5, 4, 4, 3, 2)),
                               ("svc-trademark-registration", (5, 4, 1)), ("svc-ip-rights-assistance", (4,))):
        for level in levels:
            ratings.record_rating(service_id, level, [], "zh", now)


def _layout_problems(window) -> list[str]:
    """Touch targets smaller than MIN_TARGET_PX and items sticking out of the window sideways."""
    problems = []
    width = window.width()
    for item in window_items(window, visible_only=True):
        if not item.isVisible() or item.width() <= 0 or item.height() <= 0:
            continue
        kind = item.metaObject().className()
        # A MouseArea/TapHandler target: its own size is what a finger must hit.
        if kind.startswith("QQuickMouseArea") and item.isEnabled() and (
                item.width() < MIN_TARGET_PX or item.height() < MIN_TARGET_PX):
                problems.append(f"touch target {item.parentItem().objectName() or kind} is "
                                f"{item.width():.0f}×{item.height():.0f} px")
        if kind.startswith("QQuickText") and not _clipped_away(item):
            left = item.mapToScene(item.boundingRect().topLeft()).x()
            right = left + min(item.width(), item.property("implicitWidth") or item.width())
            if left < -1 or right > width + 1:
                problems.append(f"text {str(item.property('text'))[:20]!r} runs off the window ({left:.0f}–{right:.0f})")
    return problems


def _clipped_away(item) -> bool:
    parent = item.parentItem()
    while parent is not None:
        if parent.clip():
            return True
        parent = parent.parentItem()
    return False


def _answer(signal, action, qtbot_wait, *args):
    """What SIGNAL answers to ACTION(*ARGS), waited for on the event loop (the data service answers later)."""
    answers: list = []

    def record(answer) -> None:
        answers.append(answer)

    signal.connect(record)
    action(*args)
    for _ in range(1500):
        if answers:
            break
        qtbot_wait(20)
    signal.disconnect(record)
    assert answers, f"no answer to {action.__name__}"
    return answers[0]


def _settle(data, qtbot_wait) -> None:
    """Every data call sent so far answered."""
    for _ in range(1500):
        if not data.pending_calls:
            return
        qtbot_wait(20)
    raise AssertionError("the data service did not answer")


def render_screens(cfg, size_px, out_dir: Path | None, qtbot_wait) -> dict[str, list[str]]:
    """Render every admin screen at SIZE_PX; returns layout problems per screen (PNGs when OUT_DIR)."""
    from PySide6.QtCore import Q_ARG, QMetaObject

    from kiosk.ui import app as ui_app

    ctx = ui_app.build_context(cfg)
    open_stores_beside_the_kiosk(cfg)
    window = ui_app.load_main(ctx, size_px=size_px)
    window.show()
    qtbot_wait(300)
    session, maintenance = ctx.singletons["AdminSession"], ctx.singletons["AdminMaintenance"]
    problems: dict[str, list[str]] = {}
    try:
        for stem, page, props, tab in SCREENS:
            # Going home ends the admin session (the page locks it when it leaves the stack).
            QMetaObject.invokeMethod(window, "goHome")
            qtbot_wait(600)  # after the transition, so the old page's lock() comes before the new login
            session.refreshPin()
            _settle(ctx.data, qtbot_wait)
            if stem != "pin-no-pin" and not session.property("pinIsSet"):
                PinGuard(actor="cli").set_pin(PIN)  # `ipkiosk admin set-pin` at installation
                _demo_announcements()
                _demo_ratings()
            if stem.startswith("admin-"):
                assert _answer(session.pinChecked, session.checkPin, qtbot_wait, PIN)["ok"]
                _settle(ctx.data, qtbot_wait)
            if stem == "admin-backup" and not maintenance.property("backups"):
                # Before the page opens: the shot shows the list, not the answer to this backup.
                assert _answer(maintenance.backupDone, maintenance.backupNow, qtbot_wait) == ""
            QMetaObject.invokeMethod(window, "openPage", Q_ARG("QVariant", page), Q_ARG("QVariant", props))
            qtbot_wait(700)
            if tab is not None:
                page_item = next(i for i in window_items(window, visible_only=True) if i.objectName() == "adminPage")
                page_item.setProperty("tab", tab)
                qtbot_wait(300)
            problems[stem] = _layout_problems(window)
            if stem.startswith("admin-"):
                assert session.property("unlocked"), f"{stem}: the admin session ended before the screenshot"
            if out_dir is not None:
                image = window.grabWindow()
                assert image.save(str(out_dir / f"{stem}-{size_px[0]}x{size_px[1]}.png"))
        # station.db found corrupt at start: the PIN page explains, the admin page offers the restore.
        QMetaObject.invokeMethod(window, "goHome")
        qtbot_wait(600)
        session.lock()
        ctx.data.stop()  # the next call starts it again, on the corrupt file
        station.station_db.close()
        cfg.station_db_path.write_bytes(b"\x00" * 4096 + cfg.station_db_path.read_bytes()[4096:])
        assert not station.open_station_db_safely(cfg.station_db_path)[0]
        session.refresh()
        _settle(ctx.data, qtbot_wait)
        for stem, page in (("pin-broken", "PinPage.qml"), ("admin-restore", "AdminPage.qml")):
            QMetaObject.invokeMethod(window, "openPage", Q_ARG("QVariant", page), Q_ARG("QVariant", {}))
            qtbot_wait(700)
            _settle(ctx.data, qtbot_wait)
            assert not session.property("stationOk"), f"{stem}: the corrupt station.db was not noticed"
            problems[stem] = _layout_problems(window)
            if out_dir is not None:
                assert window.grabWindow().save(str(out_dir / f"{stem}-{size_px[0]}x{size_px[1]}.png"))
    finally:
        ui_app.stop_context(ctx)
        qtbot_wait(50)
    return problems


@pytest.mark.parametrize("size_px", SIZES_PX, ids=["portrait", "landscape"])
def test_admin_screens_lay_out_for_touch(qtbot, cfg, size_px, tmp_path):
    from kiosk.store.content import content_db

    problems = render_screens(cfg, size_px, tmp_path, qtbot.wait)
    content_db.close()
    station.station_db.close()
    stems = [s[0] for s in SCREENS] + ["pin-broken", "admin-restore"]
    assert sorted(problems) == sorted(stems)
    assert {stem: p for stem, p in problems.items() if p} == {}
    assert all((tmp_path / f"{stem}-{size_px[0]}x{size_px[1]}.png").stat().st_size > 10_000 for stem in stems)


def main(out_dir: str) -> int:
    return render_gallery(out_dir, "admin", render_screens)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screens"))
