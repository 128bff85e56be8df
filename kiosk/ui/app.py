"""Qt Quick app bootstrap: build the AppContext, load the QML, run the kiosk until an authorised exit.

Start-up order (``build_context`` then ``load_main``):
1. start the data service child (``ipkiosk data-service``, kiosk.ui.data_client): it opens content.db
   (seeding it on first start) and station.db while the UI goes on;
2. pin the Controls style, load the bundled CJK font (kiosk.ui.fonts);
3. register every QML type (kiosk.ui.qml_types), then build the QML engine with a network-access
   factory that refuses every request (kiosk.ui.lockdown);
4. build the Shell singleton and the context, then for each module in VIEW_MODEL_MODULES import
   ``kiosk.ui.<name>`` and call ``register(ctx)``;
5. ``engine.loadFromModule("Kiosk", "Main")``; ``run`` then starts the sync cycles and shows the
   window frameless fullscreen.

The UI process opens no database: view-models call ``ctx.data`` (the data service). A sync child per
cycle (``ipkiosk sync --once``, kiosk.ui.sync_cycles) writes content.db and the UI notices a new
apply_serial within POLL_INTERVAL_MS.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import logging
import os
import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtGui import QGuiApplication, QScreen, QWindow
from PySide6.QtQml import QQmlApplicationEngine

if TYPE_CHECKING:
    from PySide6.QtQuick import QQuickWindow

from kiosk.core import config as config_mod
from kiosk.core.clock import utcnow
from kiosk.core.self_command import self_command
from kiosk.ui import fonts, memory
from kiosk.ui.context import AppContext, reset_view_models, set_current_context
from kiosk.ui.data_client import DataClient
from kiosk.ui.lockdown import LockdownFilter, RefusingNetworkAccessManagerFactory, show_window
from kiosk.ui.qml_types import QML_IMPORT_DIR, VIEW_MODEL_MODULES, qml_types
from kiosk.ui.qt_log import route_qt_messages
from kiosk.ui.shell import POLL_INTERVAL_MS, Shell
from kiosk.ui.sync_cycles import sync_cycles
from kiosk.ui.translation import Translations

log = logging.getLogger(__name__)

WINDOW_SIZES_PX = {"portrait": (1080, 1920), "landscape": (1920, 1080)}
COUNTDOWN_S = 10


def pin_controls_style() -> None:
    # The Basic style looks the same on every platform and does not follow the desktop theme.
    # Set through the environment (read when the first engine resolves the style) rather than
    # QQuickStyle, whose binding would bring PySide6's QtQuick and QtOpenGL modules (4.8 MB of the whole terminal, bench/ui_bench.py --tricks).
    os.environ["QT_QUICK_CONTROLS_STYLE"] = "Basic"


def start_data_service(cfg: config_mod.Config) -> DataClient:
    """`ipkiosk data-service` as a child: it opens the stores (the seed on first boot) while the UI
    loads its fonts and QML; the first call waits for it to be ready."""
    program, args = self_command(cfg, "data-service")
    client = DataClient(program, args)
    client.start()
    return client


def build_context(cfg: config_mod.Config, *, clock: Callable[[], dt.datetime] = utcnow,
                  idle_timeout_ms: int | None = None, reading_idle_timeout_ms: int | None = None,
                  countdown_s: int = COUNTDOWN_S,
                  modules: tuple[str, ...] = VIEW_MODEL_MODULES) -> AppContext:
    """Start the data service, build the engine, the Shell and the view-models. Does not load QML yet.

    A QGuiApplication must exist. The sync child is made (when a repository is configured) but not
    started: ``run`` starts it once the window is up.
    """
    app = QGuiApplication.instance()
    if app is None:
        raise RuntimeError("build_context needs a QGuiApplication")
    data = start_data_service(cfg)
    pin_controls_style()
    fonts.load_fonts()
    qml_types.prepare(modules)  # every QML type before the first engine (see kiosk.ui.qml_types)
    qml_types.engine_created()
    engine = QQmlApplicationEngine()
    network_factory = RefusingNetworkAccessManagerFactory()
    engine.setNetworkAccessManagerFactory(network_factory)
    engine.addImportPath(str(QML_IMPORT_DIR))
    data.setParent(engine)

    idle_timeout_ms = idle_timeout_ms if idle_timeout_ms is not None else cfg.idle_timeout_s * 1000
    if reading_idle_timeout_ms is None:
        reading_idle_timeout_ms = cfg.reading_idle_timeout_s * 1000
    view_models: list = []
    singletons: dict[str, QObject] = {}
    # The visitor's language: its translator is in place before the QML loads and follows every change.
    translations = Translations(engine)
    shell = Shell(cfg, data, idle_timeout_ms=idle_timeout_ms, reading_idle_timeout_ms=reading_idle_timeout_ms,
                  countdown_s=countdown_s, singletons=singletons,
                  reset_visitor=functools.partial(reset_view_models, view_models),
                  release_memory=memory.release_memory, show_language=translations.show, clock=clock)
    poll_timer = QTimer(engine, interval=POLL_INTERVAL_MS)
    poll_timer.timeout.connect(shell.poll_content)
    ctx = AppContext(cfg=cfg, clock=clock, idle_timeout_ms=idle_timeout_ms, countdown_s=countdown_s, data=data,
                     engine=engine, network_factory=network_factory, shell=shell,
                     lockdown=LockdownFilter(on_activity=shell.userActivity.emit), poll_timer=poll_timer,
                     sync_cycles=sync_cycles(cfg, data, engine), view_models=view_models, singletons=singletons)
    set_current_context(ctx)
    shell.poll_content()
    ctx.register_singleton("Shell", shell)
    register_view_models(ctx, modules)
    app.installEventFilter(ctx.lockdown)
    poll_timer.start()
    return ctx


def register_view_models(ctx: AppContext, modules: tuple[str, ...] = VIEW_MODEL_MODULES) -> None:
    for name in modules:
        module = importlib.import_module(f"kiosk.ui.{name}")
        vm = module.register(ctx)
        if vm is not None:
            ctx.view_models.append(vm)


def load_main(ctx: AppContext, *, size_px: tuple[int, int] | None = None) -> QQuickWindow:
    """Load Kiosk/Main and size the window (not shown yet)."""
    ctx.engine.loadFromModule("Kiosk", "Main")
    roots = ctx.engine.rootObjects()
    if not roots:
        raise RuntimeError("Kiosk/Main.qml failed to load (see the log for QML errors)")
    window = roots[0]
    if not isinstance(window, QWindow):  # QQuickWindow: its Python binding (QtQuick) is not loaded, to save memory
        raise RuntimeError(f"Kiosk/Main.qml's root is a {type(window).__name__}, not a window")
    width, height = size_px or window_size_px(ctx.cfg)
    window.resize(width, height)
    return cast("QQuickWindow", window)


def window_size_px(cfg: config_mod.Config) -> tuple[int, int]:
    if cfg.orientation == "auto":
        # Typed as never None, but None where Qt found no screen at all (a display that is not up yet).
        screen: QScreen | None = QGuiApplication.primaryScreen()
        if screen is not None:
            geo = screen.geometry()
            return (geo.width(), geo.height())
        return WINDOW_SIZES_PX["portrait"]
    return WINDOW_SIZES_PX[cfg.orientation]


def stop_context(ctx: AppContext) -> None:
    """Tear down in an order that leaves no dangling QML bindings (used by tests and selftest)."""
    app = QCoreApplication.instance()
    assert app is not None, "stop_context needs the application that build_context ran in"
    ctx.poll_timer.stop()
    ctx.data.stop()
    # View-models poll their stores on timers; once the context is gone those stores may be
    # closed or deleted, so no timer of this context may fire again, and no child process of
    # theirs (the printer check) may outlive it: view-models with children have stop().
    for owner in (*ctx.view_models, *ctx.singletons.values()):
        if isinstance(owner, QObject):
            for timer in owner.findChildren(QTimer):
                timer.stop()
    for vm in ctx.view_models:
        stop = getattr(vm, "stop", None)
        if callable(stop):
            stop()
    app.removeEventFilter(ctx.lockdown)
    # The translator belongs to this context: a context built next starts in its own language.
    for translations in ctx.engine.findChildren(Translations):
        translations.remove()
    if ctx.sync_cycles is not None:
        ctx.sync_cycles.stop()
    ctx.exit_authorised = True
    for window in ctx.engine.rootObjects():
        if isinstance(window, QWindow):
            window.close()
    ctx.engine.deleteLater()


def quit_on_termination_signals(ctx: AppContext) -> None:
    """SIGTERM (systemd stop) and SIGINT end the UI cleanly, so the sync child is stopped too.

    Python runs signal handlers only between Python calls; the 2 s content poll timer (and every
    input event) provides those, so the UI quits within about 2 s.
    """
    def handle(signum, frame):
        log.info("signal %d: quitting", signum)
        ctx.exit_authorised = True
        QGuiApplication.quit()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)


def run(cfg: config_mod.Config, *, windowed: bool = False) -> int:
    """`ipkiosk run`: the kiosk until the admin authorises an exit."""
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    app.setApplicationName("ipkiosk")
    route_qt_messages()
    ctx = build_context(cfg)
    window = load_main(ctx)
    if ctx.sync_cycles is not None:
        ctx.sync_cycles.start()
    show_window(window, cfg, windowed=windowed)
    quit_on_termination_signals(ctx)
    code = app.exec()
    stop_context(ctx)
    return code
