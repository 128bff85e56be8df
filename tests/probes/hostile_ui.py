"""Start the whole kiosk UI offscreen on a given data dir, show one page, report every text on it.

A fresh process because a page that reads a file from the GUI thread (an ``<img src="file:///dev/stdin">``
interpreted as markup) blocks forever: the test gives this process a timeout and an open stdin.

    python -m tests.probes.hostile_ui --data-dir D [--record ID] [--page FILE.qml] --size 1080x1920 --out page.png

Prints one JSON document: Qt warnings, how long opening the page blocked the GUI thread (ms),
and every visible Text item of the window (text, textFormat as a name).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

# QQuickText::TextFormat
TEXT_FORMATS = {0: "PlainText", 1: "RichText", 2: "AutoText", 3: "MarkdownText", 4: "StyledText"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--record", default="", help="open this record's detail page")
    parser.add_argument("--page", default="", help="open this page file (e.g. AttractPage.qml)")
    parser.add_argument("--size", default="1080x1920")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_QUICK_BACKEND", "software")
    from PySide6.QtCore import QObject, qInstallMessageHandler
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtQml import QQmlEngine, QQmlExpression
    from PySide6.QtQuick import QQuickItem, QQuickWindow  # noqa: F401 - gives the window grabWindow()

    from kiosk.core import config as config_mod
    from kiosk.core.clock import utcnow
    from kiosk.ui import app as ui_app
    from tests.ui_helpers import SEED_NOW

    warnings: list[str] = []

    def on_message(msg_type, context, message):
        if msg_type.value >= 1:  # QtWarningMsg and worse
            warnings.append(message)

    qInstallMessageHandler(on_message)
    app = QGuiApplication(sys.argv[:1])
    cfg = config_mod.from_mapping({"data_dir": args.data_dir})
    ctx = ui_app.build_context(cfg, clock=lambda: SEED_NOW)
    width, height = (int(v) for v in args.size.split("x"))
    window = ui_app.load_main(ctx, size_px=(width, height))
    window.show()

    def settle(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)

    stack = window.findChild(QObject, "pageStack")

    def answered() -> None:
        """Settle until the page asked for is built (a few objects per frame) and every data service call made
        so far has been answered (a hang detector bounds it)."""
        while stack.property("loading") or ctx.data.pending_calls:
            settle(0.02)

    settle(0.5)
    answered()
    started = utcnow()
    if args.record:
        window.openRecord(args.record)
    elif args.page:
        window.openPage(args.page, {})
    open_ms = (utcnow() - started).total_seconds() * 1000
    answered()
    settle(0.5)
    window.grabWindow().save(args.out)

    texts = []
    pending: list[QQuickItem] = [window.contentItem()]
    while pending:
        item = pending.pop()
        if not item.isVisible():
            continue
        pending.extend(item.childItems())
        if item.metaObject().className() == "QQuickText":
            # PySide cannot convert Text's enum properties: QML evaluates it to its number.
            context = QQmlEngine.contextForObject(item) or ctx.engine.rootContext()
            fmt, _undefined = QQmlExpression(context, item, "textFormat").evaluate()
            texts.append({"text": item.property("text"), "textFormat": TEXT_FORMATS.get(fmt, str(fmt))})
    print(json.dumps({"warnings": warnings, "openMs": open_ms, "texts": texts}, ensure_ascii=False))
    ui_app.stop_context(ctx)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
