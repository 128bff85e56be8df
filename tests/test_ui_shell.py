"""The app shell: Main.qml loads offscreen, navigation, lockdown (Esc / close ignored)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest


def find_all(window, object_name: str) -> list[QQuickItem]:
    """Visible-tree search (pages are visual children of the StackView, not QObject children)."""
    found, todo = [], [window.contentItem()]
    while todo:
        item = todo.pop()
        if item.objectName() == object_name:
            found.append(item)
        todo.extend(item.childItems())
    return found


def find(window, object_name: str) -> QQuickItem:
    items = find_all(window, object_name)
    assert items, f"no item named {object_name!r}"
    return items[0]


def tap(qtbot, window, item: QQuickItem) -> None:
    """A real mouse press/release at the item's centre, delivered through the window."""
    centre = item.mapToScene(item.boundingRect().center()).toPoint()
    QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(centre))
    qtbot.wait(50)


def stack_depth(window) -> int:
    return find(window, "pageStack").property("depth")


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
