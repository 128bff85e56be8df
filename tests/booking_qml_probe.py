"""Render a booking QML component offscreen in a fresh process and report on it (used by tests).

It goes through the real start-up path (kiosk.ui.app.build_context with the booking_model module,
whose register(ctx) adds the ``Booking`` singleton), then loads
BookingQr or BookingPage in a bare window. A fresh process per probe because QML types are
registered process-wide and only before the first QQmlEngine (see kiosk.ui.qml_types).

    python -m tests.booking_qml_probe --data-dir D --component BookingPage --props '{"serviceId": "svc-x"}'
        --size 1080x1920 --out page.png [--printer-name Q] [--click OBJECTNAME] [--report NAME ...]

Prints one JSON document: Qt warnings, the reported objects' geometry/text/state, print results.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--component", required=True, choices=("BookingQr", "BookingPage"))
    parser.add_argument("--props", default="{}")
    parser.add_argument("--size", default="1080x1920")
    parser.add_argument("--out", required=True)
    parser.add_argument("--printer-name", default="")
    parser.add_argument("--paper-width-mm", type=int, default=58)
    parser.add_argument("--click", action="append", default=[], help="objectName to tap (in order)")
    parser.add_argument("--report", action="append", default=[], help="objectName to describe")
    args = parser.parse_args(argv)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_QUICK_BACKEND", "software")
    from PySide6.QtCore import QObject, QPoint, QPointF, Qt, QTimer, qInstallMessageHandler
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtQuick import QQuickWindow  # noqa: F401 - gives the window grabWindow()
    from PySide6.QtTest import QTest

    from kiosk.core import config as config_mod
    from kiosk.ui import app as ui_app
    from kiosk.ui.booking_model import PRINTER_STATUS_CHECKING
    from kiosk.ui.qml_types import KIOSK_QML_DIR

    warnings: list[str] = []

    def on_message(msg_type, context, message):
        if msg_type.value >= 1:  # QtWarningMsg and worse
            warnings.append(message)

    qInstallMessageHandler(on_message)
    app = QGuiApplication(sys.argv[:1])
    cfg = config_mod.from_mapping({"data_dir": args.data_dir, "printer_name": args.printer_name,
                                   "paper_width_mm": args.paper_width_mm})
    ctx = ui_app.build_context(cfg, modules=("booking_model",))
    backend = ctx.singletons["Booking"]
    prints: list[list] = []
    backend.printFinished.connect(lambda ok, message: prints.append([ok, message]))
    engine = ctx.engine

    width, height = (int(v) for v in args.size.split("x"))
    # Pages are pushed by file name (not listed in qmldir), so both are loaded from their file.
    source = (KIOSK_QML_DIR / f"{args.component}.qml").as_uri()
    placement = "anchors.fill: parent" if args.component == "BookingPage" else "anchors.centerIn: parent"
    qml = f"""
import QtQuick
import QtQuick.Window
import Kiosk
Window {{
    width: {width}; height: {height}; visible: true; color: Theme.bg
    Binding {{ target: Theme; property: "portrait"; value: {height} >= {width} }}
    Loader {{
        id: loader
        objectName: "probed"
        {placement}
        Component.onCompleted: setSource({json.dumps(source)}, {json.dumps(json.loads(args.props))})
    }}
}}
"""
    engine.loadData(qml.encode("utf-8"))
    roots = engine.rootObjects()
    if not roots:
        print(json.dumps({"warnings": warnings, "error": "component failed to load"}, ensure_ascii=False))
        return 1
    window = roots[0]

    ticks = [0]
    ticker = QTimer()
    ticker.setInterval(20)
    ticker.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    # GUI-thread timer ticks between the tap and printFinished: 0 would mean printing blocked the UI.
    click_ticks: list[int] = []
    finish_ticks: list[int] = []
    backend.printFinished.connect(lambda ok, message: finish_ticks.append(ticks[0]))
    ticker.start()

    def settle(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)

    def find(name: str):
        found = window.findChild(QObject, name)
        if found is not None:
            return found
        # Repeater delegates are not QObject children of the window: walk the visual tree.
        pending = [window.contentItem()]
        while pending:
            item = pending.pop()
            if item.objectName() == name:
                return item
            pending.extend(item.childItems())
        return None

    settle(0.5)
    # The printer check runs in a child process; wait for its answer as a visitor would.
    deadline = time.monotonic() + 30
    while backend.printerStatus == PRINTER_STATUS_CHECKING and time.monotonic() < deadline:
        settle(0.05)
    for name in args.click:
        item = find(name)
        if item is None:
            warnings.append(f"probe: no object named {name!r} to click")
            continue
        click_ticks.append(ticks[0])
        centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2))
        QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         QPoint(int(centre.x()), int(centre.y())))
        settle(0.3)
    deadline = time.monotonic() + 30
    while backend.printing and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    settle(0.3)
    window.grabWindow().save(args.out)

    objects = {}
    for name in args.report:
        item = find(name)
        if item is None:
            objects[name] = None
            continue
        top_left = item.mapToScene(QPointF(0, 0))
        info = {"x": top_left.x(), "y": top_left.y(), "width": item.width(), "height": item.height(),
                "visible": item.isVisible()}
        for prop in ("text", "enabled", "selected", "paintedWidth", "paintedHeight", "source"):
            value = item.property(prop)
            if value is not None:
                info[prop] = value if isinstance(value, (bool, int, float, str)) else str(value)
        objects[name] = info
    print(json.dumps({"warnings": warnings, "objects": objects, "prints": prints,
                      "ticks_while_printing": (finish_ticks[0] - click_ticks[-1]) if finish_ticks and click_ticks
                      else None,
                      "printer_available": backend.printerAvailable, "printer_status": backend.printerStatus},
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
