"""Attract screen view-model: upcoming events and invitations for the carousel.

Station announcements on the attract screen come from UI-core's ``Announcements`` model;
this module adds the events that have not started yet (``starts_at >= now``, soonest
first) and the invitation slides (INVITATIONS: 免费专利咨询, 扫码预约维权援助, 大字与朗读). The
station name comes from ``Shell``. The clock is injected so tests pin "now". ``refresh()``
runs each time the page is shown (the clock moved) and when a sync applied new content.

The invitations' words are the kiosk's own (translatable, below), not content: what they offer is
what every station offers (a consultation, the assistance booking, the 大字 and 朗读 controls). Each
one that opens a service is shown only while the content has that service, so an invitation never
leads to an empty page; a station that offers something else says so with a 本站公告, which the
carousel shows first.
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


def invitations(service_ids: set[str]) -> list[dict]:
    """The invitation slides whose service SERVICE_IDS (the services in content) holds, in carousel order. Each has
    a badge, heading and detail, what a tap does (``action``: "record" opens ``recordId``; "largeText" turns 大字
    on and starts the visit at home) and ``tapHint``, the words under the carousel that say so."""
    translate = QCoreApplication.translate  # each text a literal in its own call, as lupdate reads them
    rows = [
        {"key": "patentConsult", "recordId": "svc-patent-application", "action": "record",
         "badge": translate("Attract", "免费咨询"),
         "heading": translate("Attract", "免费专利咨询"),
         "detail": translate("Attract", "想申请专利、不知道要准备什么？看办事指南，扫码预约，工作人员当面为您解答。"),
         "tapHint": translate("Attract", "轻触卡片，看专利申请指南并预约咨询")},
        {"key": "rightsAssistance", "recordId": "svc-ip-rights-assistance", "action": "record",
         "badge": translate("Attract", "维权援助"),
         "heading": translate("Attract", "扫码预约维权援助"),
         "detail": translate("Attract", "遇到侵权、纠纷？用手机扫码预约知识产权维权援助，公益服务。"),
         "tapHint": translate("Attract", "轻触卡片，看维权援助指南并扫码预约")},
        {"key": "largeText", "recordId": "", "action": "largeText",
         "badge": translate("Attract", "适老服务"),
         "heading": translate("Attract", "大字与朗读"),
         "detail": translate("Attract", "字太小？点屏幕下方的“大字”放大文字；点“朗读”，本页内容读给您听。"),
         "tapHint": translate("Attract", "轻触卡片，开启大字并进入首页")},
    ]
    return [row for row in rows if row["action"] != "record" or row["recordId"] in service_ids]


class InvitationListModel(RowListModel):
    ROLES = ("key", "recordId", "action", "badge", "heading", "detail", "tapHint")
    KEY = "key"


class AttractController(QObject):
    def __init__(self, clock: Callable[[], dt.datetime], load_events: Callable[[], Pending[list[Record]]],
                 parent: QObject | None = None, *, language: Callable[[], str] = lambda: SOURCE_LANGUAGE,
                 load_services: Callable[[], Pending[list[Record]]] | None = None):
        super().__init__(parent)
        self._clock = clock
        self._language = language  # the visitor's: the station's own after the idle reset that shows attract
        self._load_events = load_events
        self._load_services = load_services
        self._events = UpcomingEventListModel(self)
        self._invitations = InvitationListModel(self)

    events = Property(QObject, lambda self: self._events, constant=True)
    invitations = Property(QObject, lambda self: self._invitations, constant=True)

    @Slot()
    def refresh(self) -> None:
        self._load_events().then(self._show, lambda exc: log.warning("upcoming events not refreshed: %s", exc),
                                 receiver=self)
        if self._load_services is not None:
            self._load_services().then(
                lambda services: self._invitations.set_rows(invitations({rec["id"] for rec in services})),
                lambda exc: log.warning("invitations not refreshed: %s", exc), receiver=self)

    def _show(self, events: list[Record]) -> None:
        self._events.set_rows(upcoming_events(events, self._clock(), language=self._language()))

    @Slot()
    def reset(self) -> None:
        """Nothing visitor-specific is kept here; re-read so the next showing is current."""
        self.refresh()


def register(ctx) -> AttractController:
    controller = AttractController(ctx.clock, lambda: ctx.data.list_records("events"), parent=ctx.engine,
                                   language=ctx.shell.visitor_language,
                                   load_services=lambda: ctx.data.list_records("services"))
    controller.refresh()
    ctx.content_changed.connect(controller.refresh)
    ctx.register_singleton("Attract", controller)
    return controller
