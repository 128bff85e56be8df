"""Attract screen view-model: upcoming events for the carousel.

Station announcements on the attract screen come from UI-core's ``Announcements`` model;
this module adds the events that have not started yet (``starts_at >= now``, soonest
first). The station name comes from ``Shell``. The clock is injected so tests pin "now".
``refresh()`` runs each time the page is shown (the clock moved) and when a sync applied
new content.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from PySide6.QtCore import Property, QCoreApplication, QObject, Slot

from kiosk.core.clock import in_china
from kiosk.core.language import SOURCE_LANGUAGE, in_language
from kiosk.dataservice.api import Pending, Record
from kiosk.ui import text
from kiosk.ui.content_models import RowListModel

log = logging.getLogger(__name__)

# KioskBackend singletons this module registers (kiosk.ui.qml_types declares them before any QML engine).
QML_SINGLETONS = ("Attract",)

MAX_EVENTS = 6


def format_event_time(starts_at: str) -> str:
    """The start as the office's wall clock shows it, like the event page (content may carry any UTC offset)."""
    moment = in_china(dt.datetime.fromisoformat(starts_at))
    return QCoreApplication.translate("Attract", "{year}年{month}月{day}日 {time}").format(
        year=moment.year, month=moment.month, day=moment.day, time=f"{moment:%H:%M}")


def upcoming_events(records: list[dict], now: dt.datetime, limit: int = MAX_EVENTS,
                    language: str = SOURCE_LANGUAGE) -> list[dict]:
    """Rows for the events of RECORDS starting at or after NOW, soonest first (no start: skipped), in LANGUAGE."""
    dated = []
    for rec in (in_language(r, language) for r in records):
        if not rec.get("starts_at"):
            continue
        starts = dt.datetime.fromisoformat(rec["starts_at"])
        if starts >= now:
            dated.append((starts, rec))
    dated.sort(key=lambda pair: (pair[0], pair[1]["id"]))
    return [{"recordId": rec["id"], "title": rec.get("title", ""), "when": format_event_time(rec["starts_at"]),
             "venue": rec.get("venue") or "", "summary": text.plain(rec.get("summary") or "")}
            for _starts, rec in dated[:limit]]


class UpcomingEventListModel(RowListModel):
    ROLES = ("recordId", "title", "when", "venue", "summary")


class AttractController(QObject):
    def __init__(self, clock: Callable[[], dt.datetime], load_events: Callable[[], Pending[list[Record]]],
                 parent: QObject | None = None, *, language: Callable[[], str] = lambda: SOURCE_LANGUAGE):
        super().__init__(parent)
        self._clock = clock
        self._language = language  # the visitor's: the station's own after the idle reset that shows attract
        self._load_events = load_events
        self._events = UpcomingEventListModel(self)

    events = Property(QObject, lambda self: self._events, constant=True)

    @Slot()
    def refresh(self) -> None:
        self._load_events().then(self._show, lambda exc: log.warning("upcoming events not refreshed: %s", exc),
                                 receiver=self)

    def _show(self, events: list[Record]) -> None:
        self._events.set_rows(upcoming_events(events, self._clock(), language=self._language()))

    @Slot()
    def reset(self) -> None:
        """Nothing visitor-specific is kept here; re-read so the next showing is current."""
        self.refresh()


def register(ctx) -> AttractController:
    controller = AttractController(ctx.clock, lambda: ctx.data.list_records("events"), parent=ctx.engine,
                                   language=ctx.shell.visitor_language)
    controller.refresh()
    ctx.content_changed.connect(controller.refresh)
    ctx.register_singleton("Attract", controller)
    return controller
