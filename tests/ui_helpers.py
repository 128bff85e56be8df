"""Helpers for UI tests: find QML items by objectName and deliver real mouse events to them."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPoint, Qt
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

# "Today" of the seed content (see assets/content/README.md): two notices expired, two events past.
SEED_NOW = dt.datetime(2026, 11, 24, 4, 0, tzinfo=dt.UTC)
SIZES_PX = [(1080, 1920), (1920, 1080)]


def items_below(root: QQuickItem, *, visible_only: bool = False) -> list[QQuickItem]:
    """ROOT and every item below it in the visual tree (pages are visual children of the
    StackView, not QObject children); VISIBLE_ONLY prunes hidden subtrees."""
    found, todo = [], [root]
    while todo:
        item = todo.pop()
        found.append(item)
        todo.extend(c for c in item.childItems() if c.isVisible() or not visible_only)
    return found


def window_items(window, *, visible_only: bool = False) -> list[QQuickItem]:
    """Every item of the window, popups included (they live in the overlay, beside contentItem)."""
    root = window.contentItem()
    while root.parentItem() is not None:
        root = root.parentItem()
    return items_below(root, visible_only=visible_only)


def find_all(window, object_name: str) -> list[QQuickItem]:
    return [i for i in window_items(window) if i.objectName() == object_name]


def find(window, object_name: str) -> QQuickItem:
    items = [i for i in find_all(window, object_name) if i.isVisible()] or find_all(window, object_name)
    assert items, f"no item named {object_name!r}"
    return items[0]


def centre_of(item: QQuickItem) -> QPoint:
    return item.mapToScene(item.boundingRect().center()).toPoint()


def tap(qtbot, window, item: QQuickItem, settle_ms: int = 450) -> None:
    """A real press/release at the item's centre, delivered to the window (then let transitions end)."""
    qtbot.wait(30)  # let pending polish/layout run, so the centre is where the item is drawn
    point = centre_of(item)
    assert 0 <= point.x() < window.width() and 0 <= point.y() < window.height(), f"{item.objectName()} is off screen"
    QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    qtbot.wait(settle_ms)


def current_page(window) -> QQuickItem:
    return find(window, "pageStack").property("currentItem")


def wait_page_built(qtbot, window) -> None:
    """Wait until a page asked for has taken the screen (PageStack builds it a few objects per frame)."""
    stack = find(window, "pageStack")
    qtbot.waitUntil(lambda: not stack.property("loading"), timeout=5000)


def wait_ms(ms: int) -> None:
    """Run the event loop for MS milliseconds (for gallery programs, which have no qtbot)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def render_gallery(out_dir: str, name: str, render) -> int:
    """The `python -m tests.test_x OUT_DIR` programs `make gallery` runs: RENDER(cfg, size_px, OUT_DIR, wait_ms)
    at each gallery size, on the bundled content in a fresh data dir per size, returning the problems it saw
    (a list, or a dict of lists by screen). They are printed under NAME; the exit code is 1 on any problem or
    Qt warning."""
    import sys
    import tempfile
    from pathlib import Path

    from PySide6.QtGui import QGuiApplication

    from kiosk.core import config as config_mod
    from kiosk.ui.qml_types import qml_types
    from kiosk.ui.qt_log import route_qt_messages

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    messages = route_qt_messages()
    qml_types.prepare()
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    failed = False
    # One data dir per size, kept until the end: stopped contexts' models may still poll once.
    with tempfile.TemporaryDirectory() as tmp:
        for size_px in SIZES_PX:
            cfg = config_mod.from_mapping({"data_dir": f"{tmp}/{size_px[0]}x{size_px[1]}"})
            found = render(cfg, size_px, target, wait_ms)
            for screen, problems in (found.items() if isinstance(found, dict) else [(name, found)]):
                for problem in problems:
                    print(f"{screen} {size_px}: {problem}", file=sys.stderr)
                    failed = True
        app.processEvents()
    if messages.warnings:
        print("\n".join(messages.warnings), file=sys.stderr)
        return 1
    return 1 if failed else 0
