"""本站公告 on the admin page (QML singleton ``AdminAnnouncements``): the list, create/edit/delete,
and the steppers' arithmetic for start and end. Announcements are kept and audited by the data service
(kiosk.store.station, actor "admin-screen")."""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import Property, QObject, Signal, SignalInstance, Slot

from kiosk.core.clock import in_china, iso
from kiosk.core.safe_text import for_display
from kiosk.dataservice.api import Announcement
from kiosk.ui.admin.pin_session import ACTOR, PinSession, staff_only
from kiosk.ui.admin.wording import refusal_zh, when_zh
from kiosk.ui.content_models import RowListModel

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

STEP_MINUTES = 10
DEFAULT_DURATION_DAYS = 7


class AdminAnnouncementsModel(RowListModel):
    """Every announcement (also scheduled and ended ones), pinned first."""

    ROLES = ("annId", "title", "body", "startsAt", "endsAt", "pinned", "period", "state")
    KEY = "annId"


class AnnouncementEditor(QObject):
    # The outcome of saveAnnouncement / removeAnnouncement: '' when done, else the problem in Chinese.
    saved = Signal(str)
    removed = Signal(str)

    def __init__(self, session: PinSession, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self._clock = session.clock
        self._announcements = AdminAnnouncementsModel(self)
        self._listing = False
        self._list_again = False
        session.refreshed.connect(self._refresh)
        session.polled.connect(self._refresh)

    @Property(QObject, constant=True)
    def announcements(self) -> AdminAnnouncementsModel:
        return self._announcements

    def _refresh(self) -> None:
        """Ask for the list again (the last one stays on screen until it comes)."""
        if not self.session.station_ok:
            self._announcements.set_rows([])
            return
        if self._listing:
            # One question at a time (a slow answer does not pile up polls), and once more after it: the
            # answer on its way may be older than a change just made.
            self._list_again = True
            return
        self._listing = True

        def unanswered(failure: Exception) -> None:
            self._listed()
            log.warning("admin announcements not refreshed: %s", failure)

        self.session.data.list_announcements().then(self._show, unanswered, receiver=self)

    def _listed(self) -> None:
        self._listing = False
        if self._list_again:
            self._list_again = False
            self._refresh()

    def _show(self, announcements: list[Announcement]) -> None:
        now = self.session.now()
        rows = []
        for a in announcements:
            if a["ends_at"] and a["ends_at"] <= now:
                state = "已结束"
            elif a["starts_at"] and a["starts_at"] > now:
                state = "未开始"
            else:
                state = "显示中"
            # Cleaned like every displayed string (kiosk.core.safe_text): rows written by older versions or by hand
            # may hold a NUL or a bidi override; the screen shows them as plain text (Text.PlainText) too.
            rows.append({"annId": a["id"], "title": for_display(a["title"]), "body": for_display(a["body"]),
                         "startsAt": a["starts_at"] or "", "endsAt": a["ends_at"] or "", "pinned": bool(a["pinned"]),
                         "period": f"{when_zh(a['starts_at']) if a['starts_at'] else '立即'} 至 "
                                   f"{when_zh(a['ends_at']) if a['ends_at'] else '长期'}",
                         "state": state})
        self._announcements.set_rows(rows)
        self._listed()

    def _answer(self, signal: SignalInstance):
        """Callbacks for a write: on success the list is read again and SIGNAL says ''; on failure it says why."""

        def done(_result: object) -> None:
            signal.emit("")
            self._refresh()

        return done, lambda failure: signal.emit(refusal_zh(failure))

    @Slot(int, str, str, str, str, bool)
    @staff_only("saved")
    def saveAnnouncement(self, annId: int, title: str, body: str, startsAt: str, endsAt: str,
                         pinned: bool) -> None:
        """Create (annId 0) or update; ``saved`` answers."""
        done, failed = self._answer(self.saved)
        self.session.data.save_announcement(annId, title, body, startsAt or None, endsAt or None, pinned,
                                            ACTOR).then(done, failed, receiver=self)

    @Slot(int)
    @staff_only("removed")
    def removeAnnouncement(self, annId: int) -> None:
        """``removed`` answers."""
        done, failed = self._answer(self.removed)
        self.session.data.remove_announcement(annId, ACTOR).then(done, failed, receiver=self)

    # Start/end are chosen with steppers, never typed: these turn a step into a new instant.

    @Slot(result=str)
    def suggestedStart(self) -> str:
        """Now, rounded up to the next STEP_MINUTES (China time has whole-hour offset, so UTC rounding agrees)."""
        now = self._clock().astimezone(dt.UTC).replace(second=0, microsecond=0)
        extra = (-now.minute) % STEP_MINUTES
        return iso(now + dt.timedelta(minutes=extra))

    @Slot(str, result=str)
    def suggestedEnd(self, startsAt: str) -> str:
        base = dt.datetime.fromisoformat(startsAt) if startsAt else dt.datetime.fromisoformat(self.suggestedStart())
        return iso(base + dt.timedelta(days=DEFAULT_DURATION_DAYS))

    @Slot(str, str, int, result=str)
    def shiftInstant(self, value: str, unit: str, steps: int) -> str:
        """VALUE moved by STEPS days / hours / STEP_MINUTES-minute steps."""
        base = dt.datetime.fromisoformat(value) if value else dt.datetime.fromisoformat(self.suggestedStart())
        delta = {"day": dt.timedelta(days=1), "hour": dt.timedelta(hours=1),
                 "minute": dt.timedelta(minutes=STEP_MINUTES)}.get(unit)
        if delta is None:
            log.error("shiftInstant: unknown unit %r", unit)
            return value
        return iso(base + steps * delta)

    @Slot(str, result=str)
    def formatInstant(self, value: str) -> str:
        if not value:
            return ""
        moment = in_china(dt.datetime.fromisoformat(value))
        weekday = "一二三四五六日"[moment.weekday()]
        return f"{moment:%Y-%m-%d} 周{weekday} {moment:%H:%M}"
