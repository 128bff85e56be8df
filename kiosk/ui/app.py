"""Qt Quick app bootstrap: the AppContext every view-model gets, lockdown, the QML engine.

Start-up order (``build_context`` then ``load_main``):
1. start the data service child (``ipkiosk data-service``, kiosk.ui.data_client): it opens content.db
   (seeding it on first start) and station.db while the UI goes on;
2. pin the Controls style, load the bundled CJK font;
3. register every QML type (see the WORKAROUND at prepare_qml_types), then for each module in
   VIEW_MODEL_MODULES import ``kiosk.ui.<name>`` and call ``register(ctx)``; meanwhile
   ``ctx.engine`` is a plain QObject that parents the view-models;
4. build the QML engine with a network-access factory that refuses every request;
5. ``engine.loadFromModule("Kiosk", "Main")``; ``run`` then shows the window frameless fullscreen.

The UI process opens no database: view-models call ``ctx.data`` (the data service). The sync
child (``ipkiosk sync --loop``) writes content.db and the UI notices a new apply_serial within
POLL_INTERVAL_MS.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import gc
import importlib
import logging
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import (
    Property,
    QEvent,
    QObject,
    QProcess,
    Qt,
    QTimer,
    QtMsgType,
    Signal,
    Slot,
    qInstallMessageHandler,
)
from PySide6.QtGui import QFontDatabase, QGuiApplication, QKeySequence, QWindow
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply
from PySide6.QtQml import QJSEngine, QQmlApplicationEngine, QQmlNetworkAccessManagerFactory, qmlRegisterSingletonType

from kiosk.core import config as config_mod
from kiosk.core.clock import iso, minute_text, utcnow
from kiosk.core.safe_text import for_display
from kiosk.core.self_command import self_command
from kiosk.ui import QML_IMPORT_MAJOR_VERSION, QML_IMPORT_NAME
from kiosk.ui.data_client import DataClient

log = logging.getLogger(__name__)

# View-model modules under kiosk/ui; each has register(ctx) and may return an object with reset().
VIEW_MODEL_MODULES: tuple[str, ...] = ("content_models", "announcements", "search_model", "attract_model", "booking_model",
                                        "admin")

QML_IMPORT_DIR = Path(__file__).resolve().parent / "qml"
KIOSK_QML_DIR = QML_IMPORT_DIR / "Kiosk"
FONT_DIR = Path(__file__).resolve().parent.parent.parent / "assets" / "fonts"
FONT_FILES = ("KioskSansSC-Regular.otf", "KioskSansSC-Bold.otf")
FONT_FAMILY = "Kiosk Sans SC"

WINDOW_SIZES_PX = {"portrait": (1080, 1920), "landscape": (1920, 1080)}
POLL_INTERVAL_MS = 2000
# After the idle reset the pages of the last visitor are deleted on the next event-loop turns;
# memory is handed back once that has happened.
RELEASE_MEMORY_DELAY_MS = 1000
COUNTDOWN_S = 10


# ---------------------------------------------------------------- no network, no files from content
#
# Network URLs are refused by the engine's access manager below. Local files (file:) never pass an
# access manager: the guard for them is that no content string is ever markup. Every Text of the
# visitor pages is PlainText, and the only StyledText shows kiosk/ui/text.py's escaped output, so an
# <img src="file:///dev/stdin"> in a title is drawn as those characters (before, the GUI thread
# blocked reading stdin). tests/test_hostile_display.py renders such content and checks every Text.
# An engine URL interceptor (QQmlAbstractUrlInterceptor) is deliberately not used: in PySide6 6.11
# a Python interceptor deadlocks, since Qt calls it from the QML type-loader thread while the GUI
# thread waits for that thread holding the Python GIL, and Qt 6.11 does not pass the images of
# StyledText or RichText through interceptors at all (only Image and component sources).


class RefusedReply(QNetworkReply):
    """A reply that fails at once with ContentAccessDenied; nothing is ever sent."""

    def __init__(self, operation, request, parent=None):
        super().__init__(parent)
        self.setRequest(request)
        self.setUrl(request.url())
        self.setOperation(operation)
        self.open(QNetworkReply.OpenModeFlag.ReadOnly | QNetworkReply.OpenModeFlag.Unbuffered)
        self.setError(QNetworkReply.NetworkError.ContentAccessDenied, "network access is disabled in the kiosk UI")
        self.setFinished(True)
        # Signals must come after the caller has connected to them.
        QTimer.singleShot(0, self._fail)

    def _fail(self) -> None:
        self.errorOccurred.emit(QNetworkReply.NetworkError.ContentAccessDenied)
        self.finished.emit()

    def abort(self) -> None:  # nothing is in flight
        pass

    def bytesAvailable(self) -> int:
        return 0

    def readData(self, maxlen: int) -> bytes:
        return b""


class RefusingNetworkAccessManager(QNetworkAccessManager):
    def __init__(self, refused: list[str], parent=None):
        super().__init__(parent)
        self._refused = refused

    def createRequest(self, operation, request, outgoing_data=None):
        url = request.url().toString()
        self._refused.append(url)
        log.warning("refused network request from the UI: %s", url)
        return RefusedReply(operation, request, self)


class RefusingNetworkAccessManagerFactory(QQmlNetworkAccessManagerFactory):
    """Every QNetworkAccessManager the QML engine asks for refuses every request."""

    def __init__(self):
        super().__init__()
        self.refused_urls: list[str] = []

    def create(self, parent):
        return RefusingNetworkAccessManager(self.refused_urls, parent)


# ---------------------------------------------------------------- Qt messages → logging

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


@dataclass
class QtMessageCounter:
    warnings: list[str] = field(default_factory=list)


def route_qt_messages(counter: QtMessageCounter | None = None) -> QtMessageCounter:
    """Send Qt/QML messages to the 'qt' logger; count warnings and worse (selftest fails on any)."""
    counter = counter or QtMessageCounter()
    qt_log = logging.getLogger("qt")

    def handler(msg_type, context, message):
        level = _QT_LEVELS.get(msg_type, logging.WARNING)
        where = f" ({context.file}:{context.line})" if context.file else ""
        qt_log.log(level, "%s%s", message, where)
        if level >= logging.WARNING:
            counter.warnings.append(message)

    qInstallMessageHandler(handler)
    return counter


# ---------------------------------------------------------------- lockdown and activity



def _blocked_keys() -> list[QKeySequence]:
    # Built lazily: QKeySequence needs a QGuiApplication.
    keys = [QKeySequence(Qt.Key.Key_Escape), QKeySequence(Qt.Modifier.ALT | Qt.Key.Key_F4)]
    for std in (QKeySequence.StandardKey.Quit, QKeySequence.StandardKey.Close):
        keys += QKeySequence.keyBindings(std)
    return keys

_ACTIVITY_EVENTS = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.KeyPress,
    QEvent.Type.Wheel,
}


class LockdownFilter(QObject):
    """Application-wide event filter: no context menus, close/Esc/Alt+F4/Ctrl+Q ignored unless the
    admin authorised an exit; every press/touch/key counts as visitor activity."""

    def __init__(self, ctx: AppContext):
        super().__init__()
        self._ctx = ctx
        self._blocked = _blocked_keys()

    def eventFilter(self, obj, event) -> bool:
        etype = event.type()
        if etype in _ACTIVITY_EVENTS and isinstance(obj, QWindow):
            self._ctx.shell.userActivity.emit()
        if etype == QEvent.Type.ContextMenu:
            return True
        if etype == QEvent.Type.Close and isinstance(obj, QWindow) and not self._ctx.exit_authorised:
            event.ignore()
            log.info("window close ignored (exit not authorised)")
            return True
        if etype in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) and not self._ctx.exit_authorised:
            combo = QKeySequence(event.keyCombination())
            if any(combo.matches(k) == QKeySequence.SequenceMatch.ExactMatch for k in self._blocked):
                return True
        return False


# ---------------------------------------------------------------- Shell singleton


def _freshness_text(updated_at_iso: str | None) -> str:
    if not updated_at_iso:
        return "数据更新于 —"
    return f"数据更新于 {minute_text(updated_at_iso)}"


class Shell(QObject):
    """Station facts, timings and navigation helpers for Main.qml and the pages (QML: ``Shell``).

    The station facts come from the config file, not through the data service, so they are cleaned
    for display here (kiosk.core.safe_text)."""

    userActivity = Signal()
    contentSerialChanged = Signal()
    freshnessTextChanged = Signal()
    visitorResetDone = Signal()

    def __init__(self, ctx: AppContext):
        super().__init__()
        self._ctx = ctx
        self._content_serial = -1  # none yet: the first poll_content reads it
        self._polling = False  # a poll is waiting for the data service: the timer does not pile up more
        self._freshness = _freshness_text(None)
        # A child of the Shell singleton: stop_context stops it with the other timers of the context.
        self._release_memory_timer = QTimer(self, singleShot=True, interval=RELEASE_MEMORY_DELAY_MS)
        self._release_memory_timer.timeout.connect(ctx.release_memory)

    @Property(str, constant=True)
    def stationName(self) -> str:
        return for_display(self._ctx.cfg.station_name)

    @Property(str, constant=True)
    def stationAddress(self) -> str:
        return for_display(self._ctx.cfg.station_address)

    @Property(str, constant=True)
    def stationHours(self) -> str:
        return for_display(self._ctx.cfg.station_hours)

    @Property(int, constant=True)
    def idleTimeoutMs(self) -> int:
        return self._ctx.idle_timeout_ms

    @Property(int, constant=True)
    def countdownS(self) -> int:
        return self._ctx.countdown_s

    @Property(int, notify=contentSerialChanged)
    def contentSerial(self) -> int:
        return self._content_serial

    @Property(str, notify=freshnessTextChanged)
    def freshnessText(self) -> str:
        return self._freshness

    def poll_content(self) -> None:
        """Called every POLL_INTERVAL_MS: notice a new apply by the sync process (contentSerialChanged
        follows when the data service has answered)."""
        if self._polling:
            return
        self._polling = True
        self._ctx.data.content_serial().then(self._serial_read, self._poll_failed, receiver=self)

    def _poll_failed(self, exc: Exception) -> None:
        self._polling = False
        log.warning("content poll: %s", exc)  # what is on screen stays; the next poll tries again

    def _serial_read(self, serial: int) -> None:
        if serial == self._content_serial:
            self._polling = False
            return
        self._ctx.data.status().then(lambda status: self._content_applied(serial, status["content_updated_at"]),
                                     self._poll_failed, receiver=self)

    def _content_applied(self, serial: int, updated_at: str | None) -> None:
        self._polling = False
        self._content_serial = serial
        freshness = _freshness_text(updated_at)
        if freshness != self._freshness:
            self._freshness = freshness
            self.freshnessTextChanged.emit()
        self.contentSerialChanged.emit()

    @Slot(str, result=bool)
    def hasPage(self, file_name: str) -> bool:
        return (KIOSK_QML_DIR / file_name).is_file()

    @Slot(str, result=bool)
    def hasSingleton(self, name: str) -> bool:
        """True when a view-model module registered the KioskBackend singleton NAME (optional parts)."""
        return name in self._ctx.singletons

    @Slot()
    def resetVisitor(self) -> None:
        self._ctx.reset_visitor()
        self.visitorResetDone.emit()
        self._release_memory_timer.start()


# ---------------------------------------------------------------- sync child


class SyncSupervisor(QObject):
    """Runs `ipkiosk sync --loop` as a child process and restarts it with backoff if it dies."""

    MIN_BACKOFF_MS = 1000
    MAX_BACKOFF_MS = 300_000
    HEALTHY_RUN_MS = 60_000  # a child that lived this long resets the backoff

    def __init__(self, program: str, arguments: list[str], parent=None, *, min_backoff_ms: int = MIN_BACKOFF_MS):
        super().__init__(parent)
        self.program, self.arguments = program, arguments
        self.min_backoff_ms = min_backoff_ms
        self.backoff_ms = min_backoff_ms
        self.starts = 0
        self._stopping = False
        self._process = QProcess(self)
        self._process.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedChannels)
        self._process.finished.connect(self._on_finished)
        self._process.errorOccurred.connect(self._on_error)
        self._restart_timer = QTimer(self, singleShot=True)
        self._restart_timer.timeout.connect(self.start)
        self._started_at: dt.datetime | None = None

    @Slot()
    def start(self) -> None:
        if self._stopping:
            return
        self.starts += 1
        self._started_at = utcnow()
        log.info("starting sync child: %s %s", self.program, " ".join(self.arguments))
        self._process.start(self.program, self.arguments)

    def stop(self) -> None:
        self._stopping = True
        self._restart_timer.stop()
        if self._process.state() != QProcess.ProcessState.NotRunning:
            self._process.terminate()
            if not self._process.waitForFinished(3000):
                self._process.kill()
                self._process.waitForFinished(1000)

    def _schedule_restart(self, why: str) -> None:
        if self._stopping:
            return
        lived_ms = (utcnow() - self._started_at).total_seconds() * 1000 if self._started_at else 0
        if lived_ms >= self.HEALTHY_RUN_MS:
            self.backoff_ms = self.min_backoff_ms
        log.warning("sync child %s; restarting in %d ms", why, self.backoff_ms)
        self._restart_timer.start(self.backoff_ms)
        self.backoff_ms = min(self.backoff_ms * 2, self.MAX_BACKOFF_MS)

    def _on_finished(self, exit_code: int, status) -> None:
        self._schedule_restart(f"exited with code {exit_code}")

    def _on_error(self, error) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._schedule_restart("failed to start")


# ---------------------------------------------------------------- QML type registration

# WORKAROUND (PySide6 6.11/6.12): registering a QML type (qmlRegister*, or importing a module with
# @QmlElement classes) after the first QQmlEngine of the process was created corrupts QtQuick type
# resolution: every later load fails with 'Cannot assign object of type "QQuickText" to list
# property "data"; expected "QObject"'. So ALL types are registered once, before any engine:
# prepare_qml_types() imports every VIEW_MODEL_MODULES module (its @QmlElement classes register on
# import) and registers each singleton NAME listed in the module's QML_SINGLETONS as a QObject
# singleton whose provider returns the instance the current context registered with
# ctx.register_singleton(NAME, obj). (Property lookups, slots and signals resolve on the actual
# object at run time.)
SHELL_SINGLETONS: tuple[str, ...] = ("Shell",)
_singleton_instances: dict[str, QObject | None] = {}
_engine_created = False


def _register_singleton_name(name: str) -> None:
    if name in _singleton_instances:
        return
    _singleton_instances[name] = None

    def provide(engine):
        obj = _singleton_instances[name]
        if obj is None:
            raise RuntimeError(f"QML singleton {name!r} used but no instance was registered (ctx.register_singleton)")
        # The Python side owns it; the engine must not delete it when it goes away.
        QJSEngine.setObjectOwnership(obj, QJSEngine.ObjectOwnership.CppOwnership)
        return obj

    qmlRegisterSingletonType(QObject, QML_IMPORT_NAME, QML_IMPORT_MAJOR_VERSION, 0, name, provide)


def prepare_qml_types(modules: tuple[str, ...] = VIEW_MODEL_MODULES) -> None:
    """Register every QML type of the UI that is known up front; must run before the first QQmlEngine
    (idempotent). Singletons not listed in QML_SINGLETONS still work in the app, because build_context
    runs register(ctx) before creating its engine, but only for the first context of a process."""
    names = list(SHELL_SINGLETONS)
    for module_name in modules:
        module = importlib.import_module(f"kiosk.ui.{module_name}")
        names += getattr(module, "QML_SINGLETONS", ())
    for name in names:
        if name not in _singleton_instances and _engine_created:
            raise RuntimeError(f"QML singleton {name!r} must be registered before the first QQmlEngine "
                               "(call kiosk.ui.app.prepare_qml_types() earlier)")
        _register_singleton_name(name)


def register_singleton(name: str, instance: QObject) -> QObject:
    """Make INSTANCE the object behind ``import KioskBackend`` → NAME (declared in QML_SINGLETONS)."""
    if name not in _singleton_instances:
        if _engine_created:
            raise RuntimeError(f"QML singleton {name!r} registered after the first QQmlEngine: list it in "
                               "QML_SINGLETONS of its kiosk.ui module so prepare_qml_types() registers it in time")
        _register_singleton_name(name)
    _singleton_instances[name] = instance
    return instance


# ---------------------------------------------------------------- context


@dataclass
class AppContext:
    """What view-models get in register(ctx). Collaborators are passed in for tests."""

    cfg: config_mod.Config
    engine: QQmlApplicationEngine
    clock: Callable[[], dt.datetime] = utcnow
    idle_timeout_ms: int = 90_000
    countdown_s: int = COUNTDOWN_S
    exit_authorised: bool = False
    view_models: list = field(default_factory=list)
    singletons: dict = field(default_factory=dict)
    network_factory: RefusingNetworkAccessManagerFactory | None = None
    shell: Shell | None = None
    lockdown: LockdownFilter | None = None
    poll_timer: QTimer | None = None
    sync_supervisor: SyncSupervisor | None = None
    view_model_owner: QObject | None = None
    data: DataClient | None = None

    @property
    def qml_dir(self) -> Path:
        return KIOSK_QML_DIR

    def now_iso(self) -> str:
        """The context's clock as the data service takes instants."""
        return iso(self.clock())

    def register_singleton(self, name: str, instance: QObject) -> QObject:
        """``import KioskBackend`` → NAME in QML; keeps INSTANCE alive as long as the context."""
        self.singletons[name] = instance
        return register_singleton(name, instance)

    def reset_visitor(self) -> None:
        """Forget everything the last visitor did (called when the idle countdown ends)."""
        for vm in self.view_models:
            reset = getattr(vm, "reset", None)
            if callable(reset):
                reset()

    def release_memory(self) -> None:
        """Hand memory the last visitor's pages used back (called a moment after the idle reset).

        Python's and the QML engine's garbage go first, then compiled QML types no page uses any
        more, then the font engines with the glyphs the visitor's pages rasterised (each size and
        weight keeps its own cache and Qt never shrinks one: 3–4 MB after a busy visitor), then
        glibc's malloc_trim returns the freed heap pages to the system: without it the heap keeps
        its high-water mark from the busiest visit.
        """
        gc.collect()
        if isinstance(self.engine, QQmlApplicationEngine):
            self.engine.collectGarbage()
            self.engine.trimComponentCache()
        drop_font_caches()
        _malloc_trim()

    @property
    def content_changed(self):
        """Signal emitted after content.db got a new apply (lists refresh, keeping the visitor's place)."""
        return self.shell.contentSerialChanged


# glibc's mallopt parameter number (malloc.h) and the fixed threshold the UI sets.
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 128 * 1024


def _load_glibc() -> ctypes.CDLL | None:
    # glibc only (the terminals run Debian); other C libraries keep their own policy.
    libc = ctypes.CDLL(None)
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


_glibc = _load_glibc()


def _malloc_trim() -> None:
    if _glibc is not None:
        _glibc.malloc_trim(0)


def keep_large_blocks_out_of_the_heap() -> None:
    """Blocks of 128 KiB and more (images, page buffers) get their own mappings, returned when freed.

    glibc raises this threshold by itself after such a block is freed (up to 32 MiB), after which
    big blocks land in the heap and stay there as free holes between live data. A fixed threshold
    (which also fixes the heap trim threshold) keeps the UI process smaller while visitors browse:
    3-4 MB less in the UI benchmark, at no measurable cost in frame time.
    """
    if _glibc is not None:
        _glibc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


_current_context: AppContext | None = None


def current_context() -> AppContext:
    """The context of the running UI, for QML-instantiated types (@QmlElement) that need stores or timers."""
    if _current_context is None:
        raise RuntimeError("no AppContext: call build_context first")
    return _current_context


def pin_controls_style() -> None:
    # The Basic style looks the same on every platform and does not follow the desktop theme.
    # Set through the environment (read when the first engine resolves the style) rather than
    # QQuickStyle, whose binding would bring PySide6's QtQuick and QtOpenGL modules (≈ 2.5 MB).
    os.environ["QT_QUICK_CONTROLS_STYLE"] = "Basic"


def _drop_cached_pages(path: Path) -> None:
    """Ask the kernel to forget its cached copy of a file we are about to map.

    FreeType maps each 3 MB font, and the glyphs the kiosk draws sit in its first ~10 % (see
    assets/fonts/build.py). A file that was just written (package upgrade, checkout) sits in the page
    cache in large folios, which recent kernels map whole on the first touch: the process would carry
    most of the file. Read back from disk, only the pages around the drawn glyphs are mapped
    (measured: 560 → 96 resident pages per font at the first frame). Dirty pages stay; harmless."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    except OSError:
        pass
    finally:
        os.close(fd)


def load_fonts() -> str:
    """Register the bundled CJK font; returns the family name (or the default family if missing)."""
    for name in FONT_FILES:
        _drop_cached_pages(FONT_DIR / name)
    return _register_fonts()


def _register_fonts() -> str:
    families: list[str] = []
    for name in FONT_FILES:
        path = FONT_DIR / name
        if path.is_file():
            font_id = QFontDatabase.addApplicationFont(str(path))
            families += QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if FONT_FAMILY not in families:
        log.error("bundled font %s not found in %s; Chinese text may not render", FONT_FAMILY, FONT_DIR)
        return QGuiApplication.font().family()
    font = QGuiApplication.font()
    font.setFamily(FONT_FAMILY)
    QGuiApplication.setFont(font)
    return FONT_FAMILY


def drop_font_caches() -> None:
    """Make Qt drop its font engines and their glyph caches; the text on screen is laid out again.

    Qt has no call for this, but re-registering application fonts empties its font cache. The
    files' page cache is left alone: it was read back from disk at start-up (load_fonts)."""
    QFontDatabase.removeAllApplicationFonts()
    _register_fonts()


def start_data_service(cfg: config_mod.Config) -> DataClient:
    """`ipkiosk data-service` as a child: it opens the stores (the seed on first boot) while the UI
    loads its fonts and QML; the first call waits for it to be ready."""
    program, args = self_command(cfg, "data-service")
    client = DataClient(program, args)
    client.start()
    return client


def build_context(cfg: config_mod.Config, *, clock: Callable[[], dt.datetime] = utcnow,
                  idle_timeout_ms: int | None = None, countdown_s: int = COUNTDOWN_S,
                  modules: tuple[str, ...] = VIEW_MODEL_MODULES) -> AppContext:
    """Open the stores, register the view-models, then build the engine. Does not load QML yet.

    A QGuiApplication must exist. The view-models' register(ctx) runs BEFORE the QQmlEngine is
    created (see the WORKAROUND above prepare_qml_types); meanwhile ctx.engine is a plain
    QObject that parents the view-models (so they live as long as the context).
    """
    app = QGuiApplication.instance()
    if app is None:
        raise RuntimeError("build_context needs a QGuiApplication")
    data = start_data_service(cfg)
    keep_large_blocks_out_of_the_heap()
    pin_controls_style()
    load_fonts()
    prepare_qml_types(modules)
    owner = QObject()  # stands in for ctx.engine (as the view-models' parent) until the engine exists
    ctx = AppContext(cfg=cfg, engine=owner, clock=clock, countdown_s=countdown_s,
                     idle_timeout_ms=idle_timeout_ms if idle_timeout_ms is not None else cfg.idle_timeout_s * 1000)
    ctx.view_model_owner = owner
    ctx.data = data
    data.setParent(owner)
    global _current_context
    _current_context = ctx
    ctx.shell = Shell(ctx)
    ctx.shell.poll_content()
    ctx.register_singleton("Shell", ctx.shell)
    register_view_models(ctx, modules)

    global _engine_created
    _engine_created = True
    engine = QQmlApplicationEngine()
    ctx.engine = engine
    ctx.network_factory = RefusingNetworkAccessManagerFactory()
    engine.setNetworkAccessManagerFactory(ctx.network_factory)
    engine.addImportPath(str(QML_IMPORT_DIR))
    ctx.lockdown = LockdownFilter(ctx)
    app.installEventFilter(ctx.lockdown)
    ctx.poll_timer = QTimer(engine, interval=POLL_INTERVAL_MS)
    ctx.poll_timer.timeout.connect(ctx.shell.poll_content)
    ctx.poll_timer.start()
    return ctx


def register_view_models(ctx: AppContext, modules: tuple[str, ...] = VIEW_MODEL_MODULES) -> None:
    for name in modules:
        module = importlib.import_module(f"kiosk.ui.{name}")
        vm = module.register(ctx)
        if vm is not None:
            ctx.view_models.append(vm)


def load_main(ctx: AppContext, *, size_px: tuple[int, int] | None = None) -> QWindow:
    """Load Kiosk/Main and size the window (not shown yet)."""
    ctx.engine.loadFromModule("Kiosk", "Main")
    roots = ctx.engine.rootObjects()
    if not roots:
        raise RuntimeError("Kiosk/Main.qml failed to load (see the log for QML errors)")
    window = roots[0]
    width, height = size_px or window_size_px(ctx.cfg)
    window.resize(width, height)
    return window


def window_size_px(cfg: config_mod.Config) -> tuple[int, int]:
    if cfg.orientation == "auto":
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            geo = screen.geometry()
            return (geo.width(), geo.height())
        return WINDOW_SIZES_PX["portrait"]
    return WINDOW_SIZES_PX[cfg.orientation]


def stop_context(ctx: AppContext) -> None:
    """Tear down in an order that leaves no dangling QML bindings (used by tests and selftest)."""
    app = QGuiApplication.instance()
    ctx.poll_timer.stop()
    ctx.data.stop()
    # View-models poll their stores on timers; once the context is gone those stores may be
    # closed or deleted, so no timer of this context may fire again, and no child process of
    # theirs (the printer check) may outlive it.
    for owner in (ctx.view_model_owner, *ctx.singletons.values()):
        if owner is not None:
            for timer in owner.findChildren(QTimer):
                timer.stop()
            for process in owner.findChildren(QProcess):
                process.kill()
                process.waitForFinished(1000)
    app.removeEventFilter(ctx.lockdown)
    if ctx.sync_supervisor is not None:
        ctx.sync_supervisor.stop()
    ctx.exit_authorised = True
    for window in ctx.engine.rootObjects():
        window.close()
    ctx.engine.deleteLater()


def start_sync_child(ctx: AppContext) -> SyncSupervisor | None:
    """When a repository is configured, run `ipkiosk sync --loop` beside the UI, restarted if it dies."""
    if not ctx.cfg.repository_url:
        return None
    program, args = self_command(ctx.cfg, "sync", "--loop")
    ctx.sync_supervisor = SyncSupervisor(program, args, parent=ctx.engine)
    ctx.sync_supervisor.start()
    return ctx.sync_supervisor


def show_window(window: QWindow, cfg: config_mod.Config, *, windowed: bool) -> None:
    """Kiosk presentation: frameless fullscreen (no title bar to close), cursor hidden on touch-only screens."""
    if cfg.touch_only:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.BlankCursor)
    if windowed:
        window.show()
    else:
        window.setFlag(Qt.WindowType.FramelessWindowHint, True)
        window.showFullScreen()


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
    start_sync_child(ctx)
    show_window(window, cfg, windowed=windowed)
    quit_on_termination_signals(ctx)
    code = app.exec()
    stop_context(ctx)
    return code
