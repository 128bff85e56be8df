"""The app shell: Main.qml loads offscreen, navigation, lockdown (Esc / close ignored)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtTest import QTest

from tests.helpers import REPO_ROOT, x_display
from tests.ui_helpers import find


def test_main_loads_home_with_station_name(kiosk_ui, cfg):
    ctx, window = kiosk_ui()
    assert window.isVisible()
    assert find(window, "stationName").property("text") == cfg.station_name
    assert find(window, "freshness").property("text").startswith("数据更新于 20")
    assert not find(window, "navBar").isVisible()
    assert ctx.network_factory.refused_urls == []


def test_escape_ctrl_q_and_window_close_are_ignored(kiosk_ui, qtbot):
    ctx, window = kiosk_ui()
    QTest.keyClick(window, Qt.Key.Key_Escape)
    QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(window, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    assert window.close() is False
    event = QCloseEvent()
    QGuiApplication.sendEvent(window, event)
    qtbot.wait(50)
    assert window.isVisible()
    # Once the admin authorises the exit, closing works.
    ctx.exit_authorised = True
    assert window.close() is True


def test_kiosk_window_is_frameless_fullscreen_and_hides_the_cursor(kiosk_ui, cfg, qtbot):
    from kiosk.core import config as config_mod
    from kiosk.ui.lockdown import show_window

    _ctx, window = kiosk_ui()
    touch_cfg = config_mod.from_mapping(dict(cfg.values, touch_only=True))
    show_window(window, touch_cfg, windowed=False)
    try:
        qtbot.wait(50)
        assert window.flags() & Qt.WindowType.FramelessWindowHint
        assert window.windowState() & Qt.WindowState.WindowFullScreen
        assert QGuiApplication.overrideCursor().shape() == Qt.CursorShape.BlankCursor
    finally:
        QGuiApplication.restoreOverrideCursor()


def test_context_menu_events_are_swallowed(kiosk_ui):
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QContextMenuEvent

    ctx, window = kiosk_ui()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(10, 10), QPoint(10, 10))
    assert ctx.lockdown.eventFilter(window, event) is True


def test_theme_touch_tokens(kiosk_ui):
    from PySide6.QtCore import QUrl
    from PySide6.QtQml import QQmlComponent

    from kiosk.ui.fonts import FONT_FAMILY

    ctx, _window = kiosk_ui()
    component = QQmlComponent(ctx.engine)
    component.setData(b"import QtQuick\nimport Kiosk\nQtObject { property int touchMin: Theme.touchMin\n"
                      b"property int fontBody: Theme.fontBody\nproperty bool portrait: Theme.portrait\n"
                      b"property string family: Theme.fontFamily\nproperty string onPrimary: String(Theme.onPrimary) }",
                      QUrl("file:///theme-probe.qml"))
    probe = component.create()
    assert probe.property("touchMin") >= 64 and probe.property("fontBody") >= 28 and probe.property("portrait")
    assert probe.property("family") == FONT_FAMILY and probe.property("onPrimary") == "#ffffff"


def test_corrupt_station_db_does_not_keep_the_kiosk_off_the_screen(kiosk_ui, cfg):
    cfg.data_path.mkdir(parents=True, exist_ok=True)
    cfg.station_db_path.write_bytes(b"\x00not a database" * 2048)
    before = cfg.station_db_path.read_bytes()
    _ctx, window = kiosk_ui()
    assert find(window, "stationName").property("text") == cfg.station_name
    assert not find(window, "announcementTicker").isVisible()
    assert cfg.station_db_path.read_bytes() == before  # staff data is never rewritten or moved


_FULLSCREEN_PROBE = """
import sys
from PySide6.QtGui import QGuiApplication, QWindow
from kiosk.core import config as config_mod
from kiosk.ui.lockdown import show_window
app = QGuiApplication(sys.argv)
window = QWindow()
window.resize(1080, 1920)  # the configured portrait size
show_window(window, config_mod.from_mapping({}), windowed=False)
deadline = __import__("time").monotonic() + 3
while __import__("time").monotonic() < deadline:
    app.processEvents()
geo, screen = window.geometry(), window.screen().geometry()
print(geo.x(), geo.y(), geo.width(), geo.height(), screen.width(), screen.height())
"""


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed (packaging/system-deps.sh test)")
def test_the_kiosk_window_covers_a_screen_of_the_other_orientation_without_a_window_manager():
    """A technician's terminal started by xinit (an X server, no window manager, no cage): fullscreen is then only
    a request nobody carries out, and the portrait window sat cut off on a landscape screen."""
    with x_display("1920x1080x24") as display:
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(REPO_ROOT))
        probe = subprocess.run([sys.executable, "-c", _FULLSCREEN_PROBE], env=env, capture_output=True, text=True,
                               timeout=60)
    assert probe.returncode == 0, probe.stderr[-2000:]
    assert probe.stdout.split() == ["0", "0", "1920", "1080", "1920", "1080"]
