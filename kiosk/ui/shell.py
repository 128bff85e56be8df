"""The ``Shell`` singleton (QML: ``import KioskBackend`` → ``Shell``): station facts, timings, content
freshness and the visitor reset, for Main.qml and the pages."""

from __future__ import annotations

import logging
from collections.abc import Callable, Container

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from kiosk.core import config as config_mod
from kiosk.core.clock import minute_text
from kiosk.core.safe_text import for_display
from kiosk.ui.data_client import DataClient, DataUnavailable
from kiosk.ui.memory import RELEASE_MEMORY_DELAY_MS
from kiosk.ui.qml_types import KIOSK_QML_DIR

log = logging.getLogger(__name__)

POLL_INTERVAL_MS = 2000


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

    def __init__(self, cfg: config_mod.Config, data: DataClient, *, idle_timeout_ms: int, countdown_s: int,
                 singletons: Container[str], reset_visitor: Callable[[], None],
                 release_memory: Callable[[], None]) -> None:
        super().__init__()
        self._cfg = cfg
        self._data = data
        self._idle_timeout_ms = idle_timeout_ms
        self._countdown_s = countdown_s
        self._singletons = singletons
        self._reset_visitor = reset_visitor
        self._content_serial = -1  # none yet: the first poll_content reads it
        self._freshness = _freshness_text(None)
        # A child of the Shell singleton: stop_context stops it with the other timers of the context.
        self._release_memory_timer = QTimer(self, singleShot=True, interval=RELEASE_MEMORY_DELAY_MS)
        self._release_memory_timer.timeout.connect(release_memory)

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
    def countdownS(self) -> int:
        return self._countdown_s

    @Property(int, notify=contentSerialChanged)
    def contentSerial(self) -> int:
        return self._content_serial

    @Property(str, notify=freshnessTextChanged)
    def freshnessText(self) -> str:
        return self._freshness

    def poll_content(self) -> bool:
        """Called every POLL_INTERVAL_MS: notice a new apply by the sync process."""
        try:
            serial = self._data.content_serial()
            if serial == self._content_serial:
                return False
            updated_at = self._data.status()["content_updated_at"]
        except DataUnavailable as exc:
            log.warning("content poll: %s", exc)  # what is on screen stays; the next poll tries again
            return False
        self._content_serial = serial
        freshness = _freshness_text(updated_at)
        if freshness != self._freshness:
            self._freshness = freshness
            self.freshnessTextChanged.emit()
        self.contentSerialChanged.emit()
        return True

    @Slot(str, result=bool)
    def hasPage(self, file_name: str) -> bool:
        return (KIOSK_QML_DIR / file_name).is_file()

    @Slot(str, result=bool)
    def hasSingleton(self, name: str) -> bool:
        """True when a view-model module registered the KioskBackend singleton NAME (optional parts)."""
        return name in self._singletons

    @Slot(str, result=str)
    def recordKind(self, record_id: str) -> str:
        try:
            return self._data.record_kind(record_id)
        except DataUnavailable as exc:
            log.warning("record kind of %s: %s", record_id, exc)
            return ""

    @Slot()
    def resetVisitor(self) -> None:
        self._reset_visitor()
        self.visitorResetDone.emit()
        self._release_memory_timer.start()
