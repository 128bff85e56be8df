"""The ``Shell`` singleton (QML: ``import KioskBackend`` → ``Shell``): station facts, timings, content
freshness and the visitor reset, for Main.qml and the pages."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Container
from pathlib import Path

from PySide6.QtCore import Property, QCoreApplication, QObject, QTimer, QUrl, Signal, Slot

from kiosk.core import config as config_mod
from kiosk.core import logo
from kiosk.core.clock import in_china, minute_text, utcnow
from kiosk.core.language import VISITOR_LANGUAGES, language_of
from kiosk.core.safe_text import for_display
from kiosk.ui.data_client import DataClient
from kiosk.ui.memory import RELEASE_MEMORY_DELAY_MS
from kiosk.ui.qml_types import KIOSK_QML_DIR

log = logging.getLogger(__name__)

POLL_INTERVAL_MS = 2000
ICONS_DIR = Path(__file__).resolve().parent.parent.parent / "assets" / "icons"


def _freshness_text(updated_at_iso: str | None) -> str:
    """When the content was last updated, in the visitor's language (the translator installed now)."""
    shown = minute_text(updated_at_iso) if updated_at_iso else "—"
    return QCoreApplication.translate("Shell", "数据更新于 {time}").format(time=shown)


WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def clock_text(moment: dt.datetime, language: str) -> str:
    """The date and time of the home header: MOMENT on the office's wall clock (China time), to the minute."""
    local = in_china(moment)
    if language == "en":
        return f"{local:%a} {local.day} {local:%b %Y  %H:%M}"
    return f"{local.year}年{local.month}月{local.day}日 {WEEKDAYS_ZH[local.weekday()]}  {local:%H:%M}"


def time_text(moment: dt.datetime) -> str:
    """The time to the minute on the office's wall clock (the back/home bar's compact clock)."""
    return f"{in_china(moment):%H:%M}"


def _ms_to_next_minute(moment: dt.datetime) -> int:
    return max(1000, 60_000 - (moment.second * 1000 + moment.microsecond // 1000))


class Shell(QObject):
    """Station facts, timings and navigation helpers for Main.qml and the pages (QML: ``Shell``).

    The station facts come from the config file, not through the data service, so they are cleaned
    for display here (kiosk.core.safe_text). ``singletons`` holds the names of the KioskBackend
    singletons registered so far; ``reset_visitor`` forgets the last visitor; ``release_memory`` runs
    RELEASE_MEMORY_DELAY_MS after that, once the visitor's pages are gone; ``show_language`` puts the
    screen in a visitor language (kiosk.ui.translation), at the start and on every change."""

    userActivity = Signal()
    contentSerialChanged = Signal()
    freshnessTextChanged = Signal()
    visitorResetDone = Signal()
    largeTextChanged = Signal()
    languageChanged = Signal()
    clockTextChanged = Signal()

    def __init__(self, cfg: config_mod.Config, data: DataClient, *, idle_timeout_ms: int, reading_idle_timeout_ms: int,
                 countdown_s: int, singletons: Container[str], reset_visitor: Callable[[], None],
                 release_memory: Callable[[], None], show_language: Callable[[str], None],
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        super().__init__()
        self._cfg = cfg
        self._clock = clock
        self._data = data
        self._idle_timeout_ms = idle_timeout_ms
        # A reading page never gets less time than the other pages.
        self._reading_idle_timeout_ms = max(reading_idle_timeout_ms, idle_timeout_ms)
        self._countdown_s = countdown_s
        self._singletons = singletons
        self._reset_visitor = reset_visitor
        self._content_serial = -1  # none yet: the first poll_content reads it
        self._polling = False  # a poll is waiting for the data service: the timer does not pile up more
        self._updated_at: str | None = None
        # A child of the Shell singleton: stop_context stops it with the other timers of the context.
        self._release_memory_timer = QTimer(self, singleShot=True, interval=RELEASE_MEMORY_DELAY_MS)
        self._release_memory_timer.timeout.connect(release_memory)
        # The visitor's own choices (大字, English); the idle reset returns both to the station's defaults.
        self._large_text = cfg.large_text
        self._language = language_of(cfg.locale)
        self._show_language = show_language
        show_language(self._language)
        # The header's date and time, read again at each whole minute (a child: stop_context stops it).
        self._clock_text, self._time_text = clock_text(clock(), self._language), time_text(clock())
        self._minute_timer = QTimer(self, singleShot=True)
        self._minute_timer.timeout.connect(self._tick)
        self._minute_timer.start(_ms_to_next_minute(clock()))
        self.languageChanged.connect(self._update_clock_text)
        self._logo = logo.logo_file(cfg.logo_path, cfg.source)
        configured = logo.configured_path(cfg.logo_path, cfg.source)
        if configured is not None and self._logo != configured:
            log.warning("%s; the bundled logo is shown instead (see `ipkiosk doctor`)",
                        logo.logo_problem(configured))

    def _tick(self) -> None:
        self._update_clock_text()
        self._minute_timer.start(_ms_to_next_minute(self._clock()))

    def _update_clock_text(self) -> None:
        now = self._clock()
        text = clock_text(now, self._language)
        if text != self._clock_text:
            self._clock_text, self._time_text = text, time_text(now)
            self.clockTextChanged.emit()

    @Property(str, notify=clockTextChanged)
    def clockText(self) -> str:
        """Today's date, weekday and the time to the minute, China time (the home header)."""
        return self._clock_text

    @Property(str, notify=clockTextChanged)
    def timeText(self) -> str:
        """The time to the minute, China time (the back/home bar's compact clock)."""
        return self._time_text

    @Property(QUrl, constant=True)
    def logoSource(self) -> QUrl:
        """The station's logo (setting logo_path when it is a valid PNG or SVG, else the bundled neutral one)."""
        return QUrl.fromLocalFile(str(self._logo))

    @Property(str, constant=True)
    def stationName(self) -> str:
        return for_display(self._cfg.station_name)

    @Property(str, constant=True)
    def stationAddress(self) -> str:
        """The address, or '' on a production terminal whose address is still the demo placeholder
        ("演示地址，请在配置中填写" is for the demo, never for visitors; doctor FAILs that config)."""
        address = self._cfg.station_address
        if config_mod.is_production(self._cfg) and any(w in address for w in config_mod.PLACEHOLDER_WORDS):
            return ""
        return for_display(address)

    @Slot(str, result=QUrl)
    def iconSource(self, name: str) -> QUrl:
        """The bundled icon NAME (assets/icons/NAME.svg; see the README there for its source and licence)."""
        return QUrl.fromLocalFile(str(ICONS_DIR / f"{name}.svg"))

    @Property(str, constant=True)
    def stationHours(self) -> str:
        return for_display(self._cfg.station_hours)

    # How a visitor reaches a person (找工作人员, booking panels, the search page's zero results); '' when not set.
    @Property(str, constant=True)
    def stationPhone(self) -> str:
        return for_display(self._cfg.station_phone).strip()

    @Property(str, constant=True)
    def stationDesk(self) -> str:
        return for_display(self._cfg.station_desk).strip()

    @Property(str, constant=True)
    def hotline(self) -> str:
        return for_display(self._cfg.hotline).strip()

    # The hotline is the national one (12330), which visitors are told by its name.
    @Property(bool, constant=True)
    def hotlineIsNational(self) -> bool:
        return self._cfg.hotline.strip() == config_mod.NATIONAL_HOTLINE

    @Property(int, constant=True)
    def idleTimeoutMs(self) -> int:
        return self._idle_timeout_ms

    @Property(int, constant=True)
    def readingIdleTimeoutMs(self) -> int:
        """The idle time while a reading page (KioskPage.readingPage: details, policies) is on top."""
        return self._reading_idle_timeout_ms

    @Property(int, constant=True)
    def countdownS(self) -> int:
        return self._countdown_s

    def _get_large_text(self) -> bool:
        return self._large_text

    def _set_large_text(self, on: bool) -> None:
        if on != self._large_text:
            self._large_text = on
            self.largeTextChanged.emit()

    # 大字 mode: Main.qml binds Theme.largeText to it, which scales every text and target.
    largeText = Property(bool, _get_large_text, _set_large_text, notify=largeTextChanged)

    def _get_language(self) -> str:
        return self._language

    def _set_language(self, language: str) -> None:
        if language not in VISITOR_LANGUAGES:
            log.warning("language %r is not offered; staying with %s", language, self._language)
            return
        if language != self._language:
            self._language = language
            # The translator first: QML bindings re-run as soon as languageChanged is emitted, before any slot.
            self._show_language(language)
            self.languageChanged.emit()
            self.freshnessTextChanged.emit()

    # The visitor's language, "zh" or "en".
    language = Property(str, _get_language, _set_language, notify=languageChanged)

    def visitor_language(self) -> str:
        """The visitor's language for Python callers (``language`` is the Qt property QML binds to)."""
        return self._language

    @Property(int, notify=contentSerialChanged)
    def contentSerial(self) -> int:
        return self._content_serial

    @Property(str, notify=freshnessTextChanged)
    def freshnessText(self) -> str:
        return _freshness_text(self._updated_at)

    def poll_content(self) -> None:
        """Called every POLL_INTERVAL_MS: notice a new apply by the sync process (contentSerialChanged
        follows when the data service has answered)."""
        if self._polling:
            return
        self._polling = True
        self._data.content_serial().then(self._serial_read, self._poll_failed, receiver=self)

    def _poll_failed(self, exc: Exception) -> None:
        self._polling = False
        log.warning("content poll: %s", exc)  # what is on screen stays; the next poll tries again

    def _serial_read(self, serial: int) -> None:
        if serial == self._content_serial:
            self._polling = False
            return
        self._data.status().then(lambda status: self._content_applied(serial, status["content_updated_at"]),
                                 self._poll_failed, receiver=self)

    def _content_applied(self, serial: int, updated_at: str | None) -> None:
        self._polling = False
        self._content_serial = serial
        if updated_at != self._updated_at:
            self._updated_at = updated_at
            self.freshnessTextChanged.emit()
        self.contentSerialChanged.emit()

    @Slot(str, result=bool)
    def hasPage(self, file_name: str) -> bool:
        return (KIOSK_QML_DIR / file_name).is_file()

    @Slot(str, result=bool)
    def hasSingleton(self, name: str) -> bool:
        """True when a view-model module registered the KioskBackend singleton NAME (optional parts)."""
        return name in self._singletons

    @Slot()
    def resetVisitor(self) -> None:
        self._set_large_text(self._cfg.large_text)
        self._set_language(language_of(self._cfg.locale))
        self._reset_visitor()
        self.visitorResetDone.emit()
        self._release_memory_timer.start()
