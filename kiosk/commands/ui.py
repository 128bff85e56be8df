"""`ipkiosk run` (the kiosk), `ipkiosk selftest` (render one page offscreen, fail on any QML warning) and
`ipkiosk data-service` (the UI's child process that answers its data requests)."""

from __future__ import annotations

import json
import os
import sys
import tempfile

from kiosk.commands import EXIT_USAGE, CliError
from kiosk.core import config as config_mod
from kiosk.core import kinds
from kiosk.core.language import VISITOR_LANGUAGES

# selftest --page NAME[:ARG] → (QML file, property that receives ARG or None).
# Each page's owner keeps its row correct.
SELFTEST_PAGES: dict[str, tuple[str, str | None]] = {
    "home": ("HomePage.qml", None),
    "services": ("CatalogPage.qml", None),
    "service": ("ServiceDetailPage.qml", "recordId"),
    "policies": ("RecordListPage.qml", None),
    "policy": ("RecordDetailPage.qml", "recordId"),
    "notices": ("RecordListPage.qml", None),
    "notice": ("RecordDetailPage.qml", "recordId"),
    "news": ("RecordListPage.qml", None),
    "events": ("RecordListPage.qml", None),
    "event": ("RecordDetailPage.qml", "recordId"),
    "station-notices": ("StationNoticesPage.qml", None),
    "search": ("SearchPage.qml", "initialQuery"),
    "attract": ("AttractPage.qml", None),
    "booking": ("BookingPage.qml", None),
    "booking-for": ("BookingPage.qml", "serviceId"),
    "admin": ("AdminPage.qml", None),
}
# Pages whose argument may be left out: `search` alone is the search page before any typing.
_ARG_OPTIONAL = {"search"}

SETTLE_MS = 700  # let images, models and the first frame settle before grabbing


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise CliError(f"--size: got {text!r}, expected WIDTHxHEIGHT such as 1080x1920", EXIT_USAGE) from None
    if not (320 <= w <= 7680 and 320 <= h <= 7680):
        raise CliError(f"--size: got {text!r}, expected each side between 320 and 7680 px", EXIT_USAGE)
    return w, h


def page_request(spec: str) -> tuple[str, dict]:
    """'service:svc-x' → ('ServiceDetailPage.qml', {'recordId': 'svc-x'})."""
    name, _, arg = spec.partition(":")
    if name not in SELFTEST_PAGES:
        raise CliError(f"--page: unknown page {name!r}, expected one of {', '.join(SELFTEST_PAGES)}", EXIT_USAGE)
    file_name, arg_prop = SELFTEST_PAGES[name]
    # A list page named after a content kind shows that kind.
    props: dict = {"kind": name} if file_name == "RecordListPage.qml" and name in kinds.NAMES else {}
    if arg_prop is not None:
        if not arg and name not in _ARG_OPTIONAL:
            raise CliError(f"--page {name}: needs an argument, e.g. {name}:<{arg_prop}>", EXIT_USAGE)
        if arg:
            props[arg_prop] = arg
    elif arg:
        raise CliError(f"--page {name}: takes no argument (got {arg!r})", EXIT_USAGE)
    return file_name, props


def cmd_run(cfg, args) -> int:
    from kiosk.ui import app

    return app.run(cfg, windowed=args.windowed)


def cmd_data_service(cfg, args) -> int:
    from kiosk.dataservice import service as dataservice

    return dataservice.main(cfg)


def show_page(window, ctx, file_name: str, props: dict, *, settle_ms: int = SETTLE_MS) -> None:
    """Put the page FILE_NAME (with PROPS) on WINDOW's screen as a visitor sees it and wait until it shows its
    data and its first frame settled (SETTLE_MS). Used by `selftest` and by the tests that audit every page in
    one process."""
    from PySide6.QtCore import Q_ARG, QCoreApplication, QEventLoop, QMetaObject, QObject, QTimer

    stack = window.findChild(QObject, "pageStack")
    if stack is None:
        raise CliError("Kiosk/Main.qml has no pageStack: the QML does not match this program")

    def settle_data() -> None:
        # Pages show their data when the page is built (a few objects per frame) and the data service has
        # answered (the first start seeds the throw-away data dir meanwhile); the client's own timeouts bound
        # this wait.
        while ctx.data.pending_calls or stack.property("loading"):
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    at_home = stack.property("depth") == 1 and stack.property("currentItem").objectName() == "homePage"
    if not at_home:
        QMetaObject.invokeMethod(window, "showPage", Q_ARG("QVariant", "HomePage.qml"), Q_ARG("QVariant", {}))
        settle_data()
    if file_name != "HomePage.qml":
        if not ctx.shell.hasPage(file_name):
            raise CliError(f"{file_name} is not installed")
        # Pages are pushed over home, so the back/home bar shows as a visitor sees it; the attract
        # screen replaces the stack as the idle reset does.
        method = "showPage" if file_name == "AttractPage.qml" else "openPage"
        QMetaObject.invokeMethod(window, method, Q_ARG("QVariant", file_name), Q_ARG("QVariant", props))
    settle_data()
    loop = QEventLoop()
    QTimer.singleShot(settle_ms, loop.quit)
    loop.exec()


def write_audit(window, path: str, *, page: str, size: tuple[int, int], large_text: bool, lang: str) -> dict:
    """Audit the page WINDOW shows (kiosk.ui.audit) and write the `selftest --audit` document to PATH."""
    from kiosk.ui.audit import audit_window

    document = {"page": page, "size": list(size), "large_text": large_text, "lang": lang,
                **audit_window(window).summary()}
    try:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(document, out, ensure_ascii=False, indent=1)
            out.write("\n")
    except OSError as exc:
        raise CliError(f"--audit: could not write {path}: {exc.strerror}") from None
    return document


def cmd_selftest(cfg, args) -> int:
    size = parse_size(args.size)
    file_name, props = page_request(args.page)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_QUICK_BACKEND", "software")

    from PySide6.QtGui import QGuiApplication
    from PySide6.QtQuick import QQuickWindow  # noqa: F401 - gives the window grabWindow(); the kiosk never needs it

    from kiosk.ui import app as ui_app
    from kiosk.ui.qt_log import route_qt_messages

    qapp = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    messages = route_qt_messages()
    with tempfile.TemporaryDirectory(prefix="ipkiosk-selftest-") as tmp:
        # The bundled content in a throw-away data dir: selftest never touches the real databases.
        values = dict(cfg.values, data_dir=tmp, repository_url="", trusted_root="")
        test_cfg = config_mod.from_mapping(values, source=cfg.source)
        ctx = ui_app.build_context(test_cfg)
        # The visitor's choices, before anything is drawn (the station's defaults otherwise).
        if args.large_text:
            ctx.shell.setProperty("largeText", True)
        if args.lang is not None:
            ctx.shell.setProperty("language", args.lang)
        window = ui_app.load_main(ctx, size_px=size)
        if args.large_text:
            ctx.shell.setProperty("largeText", True)  # as if the visitor had tapped 大字 before the page opened
        window.show()
        try:
            show_page(window, ctx, file_name, props)
        except CliError as exc:
            raise CliError(f"--page {args.page}: {exc}") from None
        if args.screenshot:
            image = window.grabWindow()
            if image.isNull() or not image.save(args.screenshot):
                raise CliError(f"--screenshot: could not write {args.screenshot}")
        if args.audit:
            write_audit(window, args.audit, page=args.page, size=size,
                        large_text=bool(ctx.shell.property("largeText")), lang=str(ctx.shell.property("language")))
        refused = list(ctx.network_factory.refused_urls)
        ui_app.stop_context(ctx)
        qapp.processEvents()
    if messages.warnings:
        print(f"selftest: {len(messages.warnings)} Qt warning(s):", file=sys.stderr)
        for text in messages.warnings:
            print(f"  {text}", file=sys.stderr)
        return 1
    if refused:
        print(f"selftest: the UI tried network access: {', '.join(refused)}", file=sys.stderr)
        return 1
    where = f" → {args.screenshot}" if args.screenshot else ""
    audited = f", audit → {args.audit}" if args.audit else ""
    mode = " in 大字 mode" if args.large_text else ""
    print(f"selftest ok: {args.page} at {size[0]}x{size[1]}{mode}{where}{audited}")
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("run", help="start the kiosk UI (fullscreen; --windowed for development)", parents=[common])
    p.add_argument("--windowed", action="store_true", help="a normal window instead of frameless fullscreen")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("selftest", help="render one page offscreen on the bundled content; non-zero on any Qt warning",
                       parents=[common])
    p.add_argument("--screenshot", metavar="OUT.png", help="save the rendered page as PNG")
    p.add_argument("--size", default="1080x1920", help="window size WIDTHxHEIGHT (default 1080x1920)")
    p.add_argument("--page", default="home", metavar="PAGE[:ARG]",
                   help="page to render: " + "|".join(k + (":<id>" if v[1] else "") for k, v in SELFTEST_PAGES.items()))
    p.add_argument("--large-text", action="store_true",
                   help="render in 大字 (large-text) mode, as after the visitor's tap on 大字")
    p.add_argument("--lang", choices=VISITOR_LANGUAGES,
                   help="the visitor's language to render in (default: the station's locale setting)")
    p.add_argument("--audit", metavar="OUT.json",
                   help="measure text sizes, contrast, controls, overlaps and clipped text; write them as JSON")
    p.set_defaults(func=cmd_selftest)

    p = sub.add_parser("data-service", parents=[common],
                       help="answer the kiosk UI's data requests (JSON lines on stdin/stdout); started by `run`")
    p.set_defaults(func=cmd_data_service)
