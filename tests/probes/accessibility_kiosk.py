"""Probe: the whole kiosk on a real X display, its pages read by a screen reader's bus (AT-SPI).

    dbus-run-session -- python -m tests.probes.accessibility_kiosk --data-dir D --size 1080x1920 --out F.json PAGE…

PAGE is home, record:ID (a service's or any record's detail page), search, booking[:TYPE_ID], catalog or
list:KIND. Run with DISPLAY set (Xvfb), QT_QPA_PLATFORM=xcb and
QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1 on a session bus (dbus-run-session starts one; the bus activates
at-spi2-core's accessibility bus and registry). For each page the probe opens it as a visitor's tap would, waits
until it is built and its data has come, then, while the UI keeps running its event loop, reads the UI's
accessibility tree over AT-SPI with tests/probes/atspi_tree.py under the system Python (pyatspi is a Debian
package). It also lists the points a visitor can tap: the centre of every visible, enabled MouseArea and text
field that is on screen (not scrolled out of its clipping view), in screen coordinates.

Writes one JSON document to F.json (stdout is shared with the bus's daemons): {"pages": [{"page", "atspi": {"app", "nodes"}, "targets": [{"what", "x", "y"}]}]},
or exits 1 with the reason on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ATSPI_TREE = Path(__file__).resolve().parent / "atspi_tree.py"
SYSTEM_PYTHON = "/usr/bin/python3"
# The hidden admin entry (five taps on the top-right corner) is for staff who know it, not a visitor's control:
# a screen reader must not announce it.
NOT_VISITOR_CONTROLS = ("adminHotCorner",)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--size", default="1080x1920")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("pages", nargs="+")
    args = parser.parse_args(argv)

    from PySide6.QtCore import QObject, QPointF
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtQuick import QQuickItem

    from kiosk.core import config as config_mod
    from kiosk.ui import app as ui_app
    from kiosk.ui.qml_types import qml_types
    from tests.ui_helpers import SEED_NOW, window_items

    app = QGuiApplication(sys.argv[:1])
    qml_types.prepare()
    cfg = config_mod.from_mapping({"data_dir": args.data_dir})
    ctx = ui_app.build_context(cfg, clock=lambda: SEED_NOW)
    width, height = (int(v) for v in args.size.split("x"))
    window = ui_app.load_main(ctx, size_px=(width, height))
    window.setPosition(0, 0)
    window.show()
    stack = window.findChild(QObject, "pageStack")

    def settle(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)

    def built() -> None:
        settle(0.3)
        deadline = time.monotonic() + 60
        while (stack.property("loading") or ctx.data.pending_calls) and time.monotonic() < deadline:
            settle(0.05)
        settle(0.5)

    def on_screen(item: QQuickItem, point: QPointF) -> bool:
        """POINT (scene) is inside the window and inside every clipping ancestor of ITEM."""
        if not (0 <= point.x() < window.width() and 0 <= point.y() < window.height()):
            return False
        parent = item.parentItem()
        while parent is not None:
            if parent.clip() and not parent.mapRectToScene(parent.boundingRect()).contains(point):
                return False
            parent = parent.parentItem()
        return True

    def targets() -> list[dict]:
        found = []
        for item in window_items(window, visible_only=True):
            kind = item.metaObject().className()
            if not kind.startswith(("QQuickMouseArea", "QQuickTextInput")):
                continue
            if not item.isEnabled() or item.objectName() in NOT_VISITOR_CONTROLS or item.width() <= 0:
                continue
            centre = item.mapToScene(item.boundingRect().center())
            if not on_screen(item, centre):
                continue
            screen = window.mapToGlobal(centre.toPoint())
            owner = item.parentItem()
            found.append({"what": f"{kind} in {owner.objectName() or owner.metaObject().className()}",
                          "x": screen.x(), "y": screen.y()})
        return found

    def read_tree() -> dict:
        walker = subprocess.Popen([SYSTEM_PYTHON, str(ATSPI_TREE), str(os.getpid())], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        while walker.poll() is None:  # the UI answers the walker's questions from its event loop
            settle(0.05)
        out, err = walker.communicate()
        if walker.returncode != 0:
            raise SystemExit(f"accessibility_kiosk: {err.strip() or f'atspi_tree exited {walker.returncode}'}")
        return json.loads(out)

    built()
    pages = []
    for page in args.pages:
        name, _, arg = page.partition(":")
        if name == "home":
            window.goHome()
        elif name == "record":
            window.openRecord(arg)
        elif name == "catalog":
            window.openPage("CatalogPage.qml", {})
        elif name == "list":
            window.openPage("RecordListPage.qml", {"kind": arg})
        elif name == "search":
            window.openPage("SearchPage.qml", {})
        elif name == "booking":
            window.openPage("BookingPage.qml", {"bookingTypeId": arg} if arg else {})
        else:
            print(f"accessibility_kiosk: unknown page {page!r}", file=sys.stderr)
            return 1
        built()
        pages.append({"page": page, "atspi": read_tree(), "targets": targets()})
    args.out.write_text(json.dumps({"pages": pages}, ensure_ascii=False), encoding="utf-8")
    ui_app.stop_context(ctx)
    return 0


if __name__ == "__main__":
    sys.exit(main())
