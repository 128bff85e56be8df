"""The ``Shell`` singleton (QML: ``import KioskBackend`` → ``Shell``): station facts, timings, content
freshness and the visitor reset, for Main.qml and the pages."""

from __future__ import annotations

import logging
from collections.abc import Callable, Container

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from kiosk.core import config as config_mod
from kiosk.core.clock import minute_text
from kiosk.core.safe_text import for_display
from kiosk.ui.data_client import DataClient
from kiosk.ui.memory import RELEASE_MEMORY_DELAY_MS
from kiosk.ui.qml_types import KIOSK_QML_DIR

log = logging.getLogger(__name__)

POLL_INTERVAL_MS = 2000


def _language_of(locale: str) -> str:
    """The visitor language code ("zh" or "en") of a configured locale such as "zh_CN"."""
    return locale.split("_", 1)[0]


def _freshness_text(updated_at_iso: str | None) -> str:
    if not updated_at_iso:
        return "数据更新于 —"
    return f"数据更新于 {minute_text(updated_at_iso)}"


class Shell(QObject):
    """Station facts, timings and navigation helpers for Main.qml and the pages (QML: ``Shell``).

    The station facts come from the config file, not through the data service, so they are cleaned
    for display here (kiosk.core.safe_text). ``singletons`` holds the names of the KioskBackend
    singletons registered so far; ``reset_visitor`` forgets the last visitor; ``release_memory`` runs
    RELEASE_MEMORY_DELAY_MS after that, once the visitor's pages are gone."""

    userActivity = Signal()
    contentSerialChanged = Signal()
    freshnessTextChanged = Signal()
    visitorResetDone = Signal()
    largeTextChanged = Signal()
    languageChanged = Signal()

    def __init__(self, cfg: config_mod.Config, data: DataClient, *, idle_timeout_ms: int, reading_idle_timeout_ms: int,
                 countdown_s: int, singletons: Container[str], reset_visitor: Callable[[], None],
                 release_memory: Callable[[], None]) -> None:
        super().__init__()
        self._cfg = cfg
        self._data = data
        self._idle_timeout_ms = idle_timeout_ms
        # A reading page never gets less time than the other pages.
        self._reading_idle_timeout_ms = max(reading_idle_timeout_ms, idle_timeout_ms)
        self._countdown_s = countdown_s
        self._singletons = singletons
        self._reset_visitor = reset_visitor
        self._content_serial = -1  # none yet: the first poll_content reads it
        self._polling = False  # a poll is waiting for the data service: the timer does not pile up more
        self._freshness = _freshness_text(None)
        # A child of the Shell singleton: stop_context stops it with the other timers of the context.
        self._release_memory_timer = QTimer(self, singleShot=True, interval=RELEASE_MEMORY_DELAY_MS)
        self._release_memory_timer.timeout.connect(release_memory)
        # The visitor's own choices (大字, English); the idle reset returns both to the station's defaults.
        self._large_text = cfg.large_text
        self._language = _language_of(cfg.locale)

    @Property(str, constant=True)
    def stationName(self) -> str:
        return for_display(self._cfg.station_name)

    @Property(str, constant=True)
    def stationAddress(self) -> str:
        return for_display(self._cfg.station_address)

    @Property(str, constant=True)
    def stationHours(self) -> str:
        return for_display(self._cfg.station_hours)

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
        if language not in ("zh", "en"):
            log.warning("language %r is not offered; staying with %s", language, self._language)
            return
        if language != self._language:
            self._language = language
            self.languageChanged.emit()

    # The visitor's language, "zh" or "en".
    language = Property(str, _get_language, _set_language, notify=languageChanged)

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
        return name in self._singletons

    @Slot()
    def resetVisitor(self) -> None:
        self._set_large_text(self._cfg.large_text)
        self._set_language(_language_of(self._cfg.locale))
        self._reset_visitor()
        self.visitorResetDone.emit()
        self._release_memory_timer.start()
