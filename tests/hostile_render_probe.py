"""Render kiosk pages offscreen on a terminal's own data dir and report what a visitor would see (used by
tests/test_hostile_content.py).

`ipkiosk selftest --page` renders the bundled seed in a throw-away data dir; the hostile-content harness
needs the pages built from the content a terminal has just synced, so this probe starts the real UI
(kiosk.ui.app.build_context + load_main, data service child included) on DATA_DIR and visits each page:

    python -m tests.hostile_render_probe --data-dir D --page home --page record:svc-x --page search:zl ...

PAGE is a selftest page spec (see kiosk/commands/ui.py) or ``record:<id>``, which opens the record the
way a visitor's tap does (Main.openRecord picks the detail page by kind). Every page is visited twice:
the first visit compiles its QML, the second is the one measured, so the stall figure is the content's
cost and not the first compile's. Prints JSON lines as it goes, so a UI that hangs still shows how far
it got::

    {"startup_warnings": [...]}
    {"visiting": "record:svc-x"}
    {"page": {"spec", "warnings", "max_gap_s", "texts", "refused_urls"}}

``texts`` are the texts a visitor sees, as plain text: a Text item whose format is interpreted (rich or
styled text, or AutoText that looks like markup) is converted the way it is drawn, so markup that was
interpreted does not come back as the characters the record holds. ``max_gap_s`` is the longest time the
GUI thread did not run a 20 ms timer while the page was measured.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

SETTLE_MS = 700  # as selftest: the data service answers, models fill, the first frame is drawn
WARM_UP_MS = 300
TICK_MS = 20

# QQuickText::TextFormat values.
PLAIN_TEXT, RICH_TEXT, AUTO_TEXT, MARKDOWN_TEXT, STYLED_TEXT = 0, 1, 2, 3, 4


def visible_text(text: str, text_format: int) -> str:
    """What a Text item with TEXT and TEXT_FORMAT draws, as plain text."""
    from PySide6.QtGui import Qt, QTextDocument

    if text_format == AUTO_TEXT:
        text_format = RICH_TEXT if Qt.mightBeRichText(text) else PLAIN_TEXT
    if text_format == PLAIN_TEXT:
        return text
    doc = QTextDocument()
    if text_format == MARKDOWN_TEXT:
        doc.setMarkdown(text)
    else:
        doc.setHtml(text)
    return doc.toPlainText()


def text_format(item) -> int:
    """ITEM's textFormat. PySide6 has no converter for the QQuickText::TextFormat enum, so QML reads it."""
    from PySide6.QtQml import QQmlEngine, QQmlExpression

    value, failed = QQmlExpression(QQmlEngine.contextForObject(item), item, "textFormat + 0").evaluate()
    return int(value) if not failed else AUTO_TEXT


def page_texts(window) -> list[str]:
    """The visible plain text of every visible text item of the window."""
    from tests.ui_helpers import window_items

    out = []
    for item in window_items(window, visible_only=True):
        if item.inherits("QQuickText") or item.inherits("QQuickTextEdit"):
            text = item.property("text") or ""
            if text:
                out.append(visible_text(text, text_format(item)))
        elif item.inherits("QQuickTextInput"):
            text = item.property("text") or ""
            if text:
                out.append(text)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--page", action="append", default=[], help="page spec (repeatable)")
    parser.add_argument("--size", default="1080x1920")
    args = parser.parse_args(argv)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_QUICK_BACKEND", "software")
    from PySide6.QtCore import Q_ARG, QEventLoop, QMetaObject, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtQuick import QQuickWindow  # noqa: F401 - the window comes back as a QQuickWindow

    from kiosk.commands.ui import page_request, parse_size
    from kiosk.core import config as config_mod
    from kiosk.ui import app as ui_app
    from kiosk.ui.qt_log import route_qt_messages

    qapp = QGuiApplication(sys.argv[:1])
    messages = route_qt_messages()
    # No repository: the probe must not start a sync child; it shows what DATA_DIR holds.
    cfg = config_mod.from_mapping({"data_dir": args.data_dir})
    ctx = ui_app.build_context(cfg)
    window = ui_app.load_main(ctx, size_px=parse_size(args.size))
    window.show()

    ticks: list[float] = []
    ticker = QTimer(interval=TICK_MS)
    ticker.timeout.connect(lambda: ticks.append(time.monotonic()))

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def call(method: str, *values) -> None:
        QMetaObject.invokeMethod(window, method, *(Q_ARG("QVariant", v) for v in values))

    def show(spec: str) -> None:
        call("showPage", "HomePage.qml", {})
        if spec == "home":
            return
        if spec.startswith("record:"):
            call("openRecord", spec.partition(":")[2])
            return
        file_name, props = page_request(spec)
        call("showPage" if file_name == "AttractPage.qml" else "openPage", file_name, props)

    def emit(doc: dict) -> None:
        print(json.dumps(doc), flush=True)  # ASCII: a lone surrogate in a text must not break the report

    wait(SETTLE_MS)
    emit({"startup_warnings": list(messages.warnings)})
    for spec in args.page:
        emit({"visiting": spec})
        del messages.warnings[:]
        refused_before = len(ctx.network_factory.refused_urls)
        show(spec)
        wait(WARM_UP_MS)
        call("showPage", "HomePage.qml", {})
        wait(50)
        ticks[:] = [time.monotonic()]
        ticker.start()
        show(spec)
        wait(SETTLE_MS)
        ticker.stop()
        ticks.append(time.monotonic())
        emit({"page": {
            "spec": spec,
            "warnings": list(messages.warnings),
            "max_gap_s": round(max(b - a for a, b in zip(ticks, ticks[1:], strict=False)), 3),
            "texts": page_texts(window),
            "refused_urls": ctx.network_factory.refused_urls[refused_before:],
        }})
    ui_app.stop_context(ctx)
    qapp.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
