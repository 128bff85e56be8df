"""Station announcements (本站公告) for the home ticker, the list page and the attract carousel.

QML singleton ``Announcements`` (a list model with roles annId, title, body, pinned, period and the
properties ``count`` / ``tickerText`` / ``headline``). It asks the data service for the current announcements every
POLL_INTERVAL_MS with the context's clock, so announcements appear and expire on schedule and
changes made with `ipkiosk announce` or the admin screen show within a few seconds.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Property, QCoreApplication, QTimer, Signal, Slot

from kiosk.core.clock import minute_text
from kiosk.dataservice.api import Announcement
from kiosk.ui import text
from kiosk.ui.content_models import RowListModel

log = logging.getLogger(__name__)
# Qt's translation of a visitor-facing text (named so that lupdate finds every call).
translate = QCoreApplication.translate

POLL_INTERVAL_MS = 2000
TICKER_SEPARATOR = "　　◆　　"
QML_SINGLETONS = ("Announcements",)


def _period(starts_at: str | None, ends_at: str | None) -> str:
    """When an announcement is current, in the visitor's language (rows are made again every poll)."""
    if starts_at and ends_at:
        return translate("Announcements", "{start} 至 {end}").format(start=minute_text(starts_at),
                                                                    end=minute_text(ends_at))
    if ends_at:
        return translate("Announcements", "至 {end}").format(end=minute_text(ends_at))
    return translate("Announcements", "{start} 起").format(start=minute_text(starts_at)) if starts_at else ""


class AnnouncementsModel(RowListModel):
    ROLES = ("annId", "title", "body", "pinned", "period", "blocks")
    KEY = "annId"
    tickerTextChanged = Signal()
    headlineChanged = Signal()

    def __init__(self, ctx, parent=None, *, poll_interval_ms: int = POLL_INTERVAL_MS):
        super().__init__(parent)
        self._ctx = ctx
        self._ticker = ""
        self._headline = ""
        self._timer = QTimer(self, interval=poll_interval_ms)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        # [] while station.db is unusable (the admin screen offers a restore): no failure.
        self._ctx.data.current_announcements(self._ctx.now_iso()).then(
            self._show, lambda exc: log.warning("announcements not refreshed: %s", exc), receiver=self)

    def _show(self, current: list[Announcement]) -> None:
        rows = [{
            "annId": a["id"],
            "title": a["title"],
            "body": a["body"],
            "pinned": bool(a["pinned"]),
            "period": _period(a["starts_at"], a["ends_at"]),
            "blocks": text.blocks(a["body"]),
        } for a in current]
        self.set_rows(rows)
        ticker = TICKER_SEPARATOR.join(a["title"] for a in current)
        if ticker != self._ticker:
            self._ticker = ticker
            self.tickerTextChanged.emit()
        headline = current[0]["title"] if current else ""
        if headline != self._headline:
            self._headline = headline
            self.headlineChanged.emit()

    @Property(str, notify=tickerTextChanged)
    def tickerText(self) -> str:
        return self._ticker

    @Property(str, notify=headlineChanged)
    def headline(self) -> str:
        """The title of the announcement that leads the list (pinned first, then the newest); '' when none is
        in force: the home screen's 本站公告 tile shows it, or hides."""
        return self._headline

    def reset(self) -> None:
        """No visitor state lives here."""


def register(ctx) -> AnnouncementsModel:
    model = AnnouncementsModel(ctx, parent=ctx.engine)
    ctx.register_singleton("Announcements", model)
    return model
