"""Browse/read view-models: record lists, service categories and the record detail facade.

QML: ``import KioskBackend`` → ``RecordListModel { kind: "notices" }``, ``CategoryModel {}`` and the
singleton ``Content`` (``Content.open(id)``, ``Content.record(id)``, ``Content.hotServices``). Data comes
only from the data service (``ctx.data``, kiosk.dataservice.api), asynchronously: a model shows what it
showed before (or nothing yet, quietly) until the answer arrives. When the sync process applies new
content, every model updates in place (rows inserted/removed/moved, never a reset), so a visitor's
scroll position survives; while the data service does not answer, every model keeps what it shows.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    Property,
    QAbstractListModel,
    QByteArray,
    QCoreApplication,
    QModelIndex,
    QObject,
    Signal,
    Slot,
)
from PySide6.QtQml import QmlElement

from kiosk.core import kinds
from kiosk.core.clock import in_china, iso, minute_text
from kiosk.core.language import SOURCE_LANGUAGE, in_language
from kiosk.core.listing import is_expired, is_past
from kiosk.dataservice.api import RecordDetail, RecordPage
from kiosk.ui import QML_IMPORT_MAJOR_VERSION, QML_IMPORT_NAME, text
from kiosk.ui.context import current_context
from kiosk.ui.qr import qr_modules

log = logging.getLogger(__name__)

# Qt.ItemDataRole.DisplayRole and UserRole by value: reading anything of PySide6's Qt namespace makes all of
# its enums at once, about 15 ms of CPU that the start would spend before the first frame of home, where the
# models are made (docs/benchmarks.md, "The first frame won back"; tests/test_ui_startup.py).
DISPLAY_ROLE = 0
USER_ROLE = 0x0100
# Qt's translation of a visitor-facing text (named so that lupdate finds every call).
translate = QCoreApplication.translate

__all__ = ["QML_IMPORT_MAJOR_VERSION", "QML_IMPORT_NAME"]  # read by @QmlElement
QML_SINGLETONS = ("Content",)

SERVICE_CATEGORIES = ("专利", "商标", "地理标志", "集成电路布图设计", "维权援助", "咨询", "信息服务", "质押融资")
HOT_SERVICES_MAX = 8
# Detail pages kept formatted (the page stack a visitor walks back through, and the next open of each).
DETAIL_PAGES_KEPT = 16


def event_type_labels() -> dict[str, str]:
    """The label of each event type (kiosk.core.kinds.EVENT_TYPES, in its order) in the visitor's language: on the
    events list's chips and rows. Each label is a literal of its own call, as lupdate reads them."""
    translate = QCoreApplication.translate
    return {"briefing": translate("EventType", "宣讲会"), "training": translate("EventType", "培训"),
            "lecture": translate("EventType", "讲座"), "other": translate("EventType", "其他")}


def event_type_label(rec: dict) -> str:
    """The label of event REC's type in the visitor's language, "" when it has none; a type newer than this version
    reads 其他 (kiosk.core.kinds.shown_event_type)."""
    shown = kinds.shown_event_type(rec.get("event_type"))
    return event_type_labels()[shown] if shown else ""


def _instant(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None



# What kiosk.core.kinds and the content write in Chinese and the screen shows, marked for lupdate: the kinds'
# names and the service categories of the catalogue.
TRANSLATED_NAMES = (
    QT_TRANSLATE_NOOP("Content", "服务事项"),
    QT_TRANSLATE_NOOP("Content", "政策法规"),
    QT_TRANSLATE_NOOP("Content", "通知公告"),
    QT_TRANSLATE_NOOP("Content", "行业动态"),
    QT_TRANSLATE_NOOP("Content", "宣讲活动"),
    QT_TRANSLATE_NOOP("Content", "预约类型"),
    QT_TRANSLATE_NOOP("Content", "专利"),
    QT_TRANSLATE_NOOP("Content", "商标"),
    QT_TRANSLATE_NOOP("Content", "地理标志"),
    QT_TRANSLATE_NOOP("Content", "集成电路布图设计"),
    QT_TRANSLATE_NOOP("Content", "维权援助"),
    QT_TRANSLATE_NOOP("Content", "咨询"),
    QT_TRANSLATE_NOOP("Content", "信息服务"),
    QT_TRANSLATE_NOOP("Content", "质押融资"),
    QT_TRANSLATE_NOOP("Content", "其他"),
)


def category_label(name: str) -> str:
    """Service category NAME (content names them in Chinese) in the visitor's language; a category the
    content adds and the translation does not know stays as it is."""
    return translate("Content", name) if name else ""


def kind_title(kind: str) -> str:
    """The visitor's name of content KIND (kiosk.core.kinds.title), in the visitor's language."""
    return translate("Content", kinds.title(kind))


def event_time_text(starts_at: str | None, ends_at: str | None) -> str:
    start, end = _instant(starts_at), _instant(ends_at)
    if start is None:
        return translate("Content", "时间待定")
    start = in_china(start)
    if end is None:
        return f"{start:%Y-%m-%d %H:%M}"
    end = in_china(end)
    if end.date() == start.date():
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
    return translate("Content", "{start} 至 {end}").format(start=f"{start:%Y-%m-%d %H:%M}",
                                                          end=f"{end:%Y-%m-%d %H:%M}")


def _text(rec: dict, *names: str) -> str:
    """The first of REC's fields NAMES that holds a non-empty string, else ''. The publisher checks
    types; this keeps a page showing what it can when content.db holds a wrong one anyway
    (``conditions: 12345``, ``booking: "x"``) instead of failing in a formatter."""
    for name in names:
        value = rec.get(name)
        if isinstance(value, str) and value:
            return value
    return ""


def _texts(rec: dict, name: str) -> list[str]:
    """REC's list field NAME, its string items only ([] when it is not a list)."""
    value = rec.get(name)
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _mapping(rec: dict, name: str) -> dict:
    """REC's object field NAME ({} when it is not an object)."""
    value = rec.get(name)
    return value if isinstance(value, dict) else {}


def channel_kinds(channels: list[str]) -> str:
    """Where a service is done, in a few words: the kind before each channel's "：" ("网上：专利业务办理系统…"
    → "网上"), joined by " · "; a channel without one counts whole."""
    kinds_seen = [item.split("：", 1)[0].strip() for item in channels]
    return " · ".join(dict.fromkeys(k for k in kinds_seen if k))


def key_facts(rec: dict) -> list[dict]:
    """A service's key facts, each {"label", "value"} in plain text (the card at the top of its page and
    its summary slip): 收费, 办理时限, 在哪办 (its channel kinds) and the number of 材料, each only when
    the record says it."""
    # Each label written out in its translate() call, so that lupdate finds it.
    facts = [(QCoreApplication.translate("Content", "收费"), text.plain(_text(rec, "fee"))),
             (QCoreApplication.translate("Content", "办理时限"), text.plain(_text(rec, "time_limit"))),
             (QCoreApplication.translate("Content", "在哪办"), channel_kinds(_texts(rec, "channels")))]
    materials = len(_texts(rec, "materials"))
    if materials:
        facts.append((QCoreApplication.translate("Content", "材料"),
                      QCoreApplication.translate("Content", "共 %n 项", "", materials)))
    return [{"label": label, "value": value} for label, value in facts if value]


FEE_NOTE_ZH = "以窗口公示为准"


def fee_note(rec: dict) -> str:
    """'以窗口公示为准' under a fee nobody has checked against the schedule in force (``fee_verified``), unless the
    fee's own text already says so (the seed's fees from template guides do): said once, not twice."""
    fee = _text(rec, "fee")
    unchecked = bool(fee) and rec.get("fee_verified") is not True and FEE_NOTE_ZH not in fee
    return QCoreApplication.translate("Content", "以窗口公示为准") if unchecked else ""


def list_rows(kind: str, records: list[dict], now: dt.datetime, language: str) -> list[dict]:
    """Display rows of RECORDS (of KIND, in the order the data service's record_page gives them: current
    items first, expired notices / past events after them, kiosk.core.listing.in_visitor_order), in the
    visitor's LANGUAGE."""
    rows = []
    for shown in records:
        rec = in_language(shown, language)
        inactive, section, date = False, "", rec.get("published_at") or ""
        if kind == "notices":
            inactive = is_expired(rec, now)
            section = translate("Content", "已过期") if inactive else translate("Content", "有效通知")
        elif kind == "events":
            inactive = is_past(rec, now)
            section = translate("Content", "往期活动") if inactive else translate("Content", "即将举行")
            date = event_time_text(rec.get("starts_at"), rec.get("ends_at"))
        type_label = event_type_label(rec) if kind == "events" else ""
        if kind == "services":
            subtitle = _text(rec, "summary")
        else:
            subtitle = _text(rec, "issuer", "venue", "category")
        rows.append({
            "recordId": rec["id"],
            "title": rec.get("title", ""),
            "subtitle": text.plain(subtitle),
            "date": date,
            "section": section,
            "inactive": inactive,
            "docNumber": rec.get("doc_number") or "",
            "typeLabel": type_label,
        })
    return rows


class RowListModel(QAbstractListModel):
    """A list of dict rows with fixed ROLES and a stable key; set_rows() updates in place."""

    ROLES: tuple[str, ...] = ()
    KEY = "recordId"
    countChanged = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[dict] = []
        self._role_ids = {USER_ROLE + 1 + i: name for i, name in enumerate(self.ROLES)}

    def roleNames(self):
        return {rid: QByteArray(name.encode()) for rid, name in self._role_ids.items()}

    def rowCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def data(self, index, role=DISPLAY_ROLE):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == DISPLAY_ROLE:
            return row.get("title", row.get(self.KEY))
        name = self._role_ids.get(role)
        return row.get(name) if name else None

    @Property(int, notify=countChanged)
    def count(self) -> int:
        return len(self._rows)

    def rows(self) -> list[dict]:
        return list(self._rows)

    def set_rows(self, new_rows: list[dict]) -> None:
        """Reconcile with NEW_ROWS by key: remove, move and insert rows, then refresh changed data.

        Neighbouring rows that go, come or change go as one run (one signal), so a first fill or a
        sync that changed thousands of rows costs the view one update, not one per row."""
        old_count = len(self._rows)
        new_keys = [r[self.KEY] for r in new_rows]
        wanted = set(new_keys)
        last = len(self._rows) - 1
        while last >= 0:  # removals, the last run first so the indices before it stay valid
            if self._rows[last][self.KEY] in wanted:
                last -= 1
                continue
            first = last
            while first > 0 and self._rows[first - 1][self.KEY] not in wanted:
                first -= 1
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first:last + 1]
            self.endRemoveRows()
            last = first - 1
        kept = {row[self.KEY] for row in self._rows}
        target = 0
        while target < len(new_keys):
            key = new_keys[target]
            if target < len(self._rows) and self._rows[target][self.KEY] == key:
                target += 1
            elif key not in kept:  # a run of new rows
                end = target + 1
                while end < len(new_keys) and new_keys[end] not in kept:
                    end += 1
                self.beginInsertRows(QModelIndex(), target, end - 1)
                self._rows[target:target] = [dict(row) for row in new_rows[target:end]]
                self.endInsertRows()
                target = end
            else:  # a kept row further down moves up here (the rows before TARGET are in place)
                found = next(i for i in range(target + 1, len(self._rows)) if self._rows[i][self.KEY] == key)
                self.beginMoveRows(QModelIndex(), found, found, QModelIndex(), target)
                self._rows.insert(target, self._rows.pop(found))
                self.endMoveRows()
                target += 1
        roles = list(self._role_ids) + [DISPLAY_ROLE]
        changed_from: int | None = None  # the first row of the current run of changed rows
        rows_and_end: list[dict | None] = [*new_rows, None]  # None: the end closes the last run of changed rows
        for i, row in enumerate(rows_and_end):
            if row is not None and self._rows[i] != row:
                self._rows[i] = dict(row)
                changed_from = i if changed_from is None else changed_from
            elif changed_from is not None:
                self.dataChanged.emit(self.index(changed_from), self.index(i - 1), roles)
                changed_from = None
        if len(self._rows) != old_count:
            self.countChanged.emit()


@QmlElement
class RecordListModel(RowListModel):
    """Records of one kind (optionally one service category) in display order, read a page at a time: a
    kind can hold tens of thousands of records, and one answer with all of them took the GUI thread
    some 150-230 ms to decode and turn into rows. The first PAGE_ROWS come when the kind is set; the list
    view asks for the next page as it nears the end (fetchMore, Qt's way for a model that grows); a
    content change re-reads the rows already shown, in one answer."""

    ROLES = ("recordId", "title", "subtitle", "date", "section", "inactive", "docNumber", "typeLabel")
    # Rows per answer: some 20 screens of rows, so a visitor's scrolling rarely meets the list's end
    # before its next page is there; 200 rows answer in about 150 KB.
    PAGE_ROWS = 200
    kindChanged = Signal()
    categoryChanged = Signal()
    eventTypeChanged = Signal()
    eventTypesChanged = Signal()
    totalChanged = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._kind = ""
        self._category = ""
        self._event_type = ""
        self._event_types: list[dict] = []
        self._total = 0
        self._asked = 0  # rows asked for so far (the pages shown or on their way): what a refresh re-reads
        self._waiting = False  # a next page is on its way: asking again would ask for the same rows
        self._ctx = current_context()
        self._ctx.content_changed.connect(self.refresh)
        self._ctx.shell.languageChanged.connect(self.refresh)

    def _get_kind(self) -> str:
        return self._kind

    def _set_kind(self, kind: str) -> None:
        if kind == self._kind:
            return
        if kind not in kinds.VISITOR_KINDS:
            log.error("RecordListModel: unknown kind %r (expected one of %s)", kind, ", ".join(kinds.VISITOR_KINDS))
            return
        self._kind = kind
        self.kindChanged.emit()
        self._restart()

    kind = Property(str, _get_kind, _set_kind, notify=kindChanged)

    def _get_category(self) -> str:
        return self._category

    def _set_category(self, category: str) -> None:
        if category == self._category:
            return
        self._category = category
        self.categoryChanged.emit()
        self._restart()

    category = Property(str, _get_category, _set_category, notify=categoryChanged)

    def _get_event_type(self) -> str:
        return self._event_type

    def _set_event_type(self, event_type: str) -> None:
        if event_type == self._event_type:
            return
        if event_type and event_type not in kinds.EVENT_TYPES:
            log.error("RecordListModel: unknown event type %r (expected one of %s)", event_type,
                      ", ".join(kinds.EVENT_TYPES))
            return
        self._event_type = event_type
        self.eventTypeChanged.emit()
        self._restart()

    eventType = Property(str, _get_event_type, _set_event_type, notify=eventTypeChanged)
    """Only events of this type (kiosk.core.kinds.EVENT_TYPES); '' lists every event."""

    def _get_event_types(self) -> list:
        return self._event_types

    eventTypes = Property(list, _get_event_types, notify=eventTypesChanged)
    """The events list's filter chips: [{type, label, count}] for the types some event has ([] for other kinds)."""

    def _get_total(self) -> int:
        return self._total

    total = Property(int, _get_total, notify=totalChanged)
    """How many records the whole list holds (its rows are read as the list is scrolled)."""

    def _restart(self) -> None:
        """Another list: its first page, from the top."""
        self._asked, self._waiting = 0, False
        if self._total:
            self._total = 0
            self.totalChanged.emit()
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Read again the rows shown so far (at least the first page)."""
        if not self._kind:
            return
        self._asked = max(self._asked, self.PAGE_ROWS)
        self._ask(0, self._asked)
        if self._kind == "events":
            self._ctx.data.event_type_counts().then(
                self._show_event_types, lambda exc: log.warning("RecordListModel: event types not read: %s", exc),
                receiver=self)

    def _show_event_types(self, counts: dict[str, int]) -> None:
        chips = [{"type": name, "label": label, "count": counts[name]}
                 for name, label in event_type_labels().items() if counts.get(name)]
        if chips != self._event_types:
            self._event_types = chips
            self.eventTypesChanged.emit()

    def canFetchMore(self, parent=None) -> bool:
        return not (parent is not None and parent.isValid()) and not self._waiting and self._asked < self._total

    def fetchMore(self, parent=None) -> None:
        """The next page, after the rows already shown (the list view calls this as it nears its end)."""
        if not self.canFetchMore(parent):
            return
        self._waiting = True
        offset, self._asked = self._asked, self._asked + self.PAGE_ROWS
        self._ask(offset, self.PAGE_ROWS)

    def _ask(self, offset: int, limit: int) -> None:
        which = (self._kind, self._category, self._event_type)
        kind, category, event_type = which
        self._ctx.data.record_page(kind, category or None, iso(self._ctx.clock()), offset, limit,
                                   event_type=event_type or None).then(
            lambda page: self._show(which, offset, page),
            lambda exc: self._failed(which, offset, exc), receiver=self)

    def _failed(self, which: tuple[str, str, str], offset: int, exc: Exception) -> None:
        """The rows shown stay; a next page that did not come is asked for again when the view nears the end."""
        log.warning("RecordListModel: the %s list could not be read: %s", which[0], exc)
        if which == (self._kind, self._category, self._event_type) and offset > 0:
            self._waiting = False
            self._asked = min(self._asked, offset)

    def _show(self, which: tuple[str, str, str], offset: int, page: RecordPage) -> None:
        kind = which[0]
        if which != (self._kind, self._category, self._event_type):
            return  # a newer list's pages are on their way
        rows = list_rows(kind, page["rows"], self._ctx.clock(), self._ctx.shell.visitor_language())
        if offset == 0:  # the first page, or a refresh of every row asked for so far
            self.set_rows(rows)
        else:  # a next page; a row that content changed since moved into the rows above stays there
            self._waiting = False
            above = self._rows[:offset]
            keys = {row[self.KEY] for row in above}
            self.set_rows(above + [row for row in rows if row[self.KEY] not in keys])
        if page["total"] != self._total:
            self._total = page["total"]
            self.totalChanged.emit()

    def reset(self) -> None:
        """Nothing visitor-specific is kept here (the page holds its own scroll state)."""


@QmlElement
class CategoryModel(RowListModel):
    """The 8 service categories with their record counts (categories the content adds come last)."""

    ROLES = ("name", "label", "count")  # name: as the content writes it; label: in the visitor's language
    KEY = "name"

    def __init__(self, parent=None):
        super().__init__(parent)
        self._ctx = current_context()
        self._ctx.content_changed.connect(self.refresh)
        self._ctx.shell.languageChanged.connect(self.refresh)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        self._ctx.data.list_records("services").then(self._show)

    def _show(self, services: list[dict]) -> None:
        counts: dict[str, int] = {}
        for rec in services:
            counts[rec.get("category") or "其他"] = counts.get(rec.get("category") or "其他", 0) + 1
        names = list(SERVICE_CATEGORIES) + sorted(set(counts) - set(SERVICE_CATEGORIES))
        self.set_rows([{"name": n, "label": category_label(n), "count": counts.get(n, 0), "title": n} for n in names])


class ContentFacade(QObject):
    """QML singleton ``Content``: the detail pages' records, hot services for the home chips.

    A record is opened in two steps, so that no page waits on the data service: ``open(id)`` asks for
    the record's page and ``detailOpened(id, kind)`` says it has come (kind '' when the record is
    gone); Main then pushes the page, whose ``record(id)`` reads what came. The last DETAIL_PAGES_KEPT
    pages are kept and asked for again after a sync (``detailChanged(id)``), so an open page follows
    the new content; a record read for the first time by ``record(id)`` answers {} and then
    ``detailChanged(id)``."""

    hotServicesChanged = Signal()
    detailOpened = Signal(str, str)
    detailChanged = Signal(str)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._hot: list[dict] = []
        self._pages: dict[str, dict] = {}  # record id -> formatted page ({} when gone), oldest first
        self._opening = ""
        ctx.content_changed.connect(self._refresh)
        ctx.shell.languageChanged.connect(self._refresh)
        self._refresh_hot()

    def _refresh(self) -> None:
        self._refresh_hot()
        for record_id in list(self._pages):
            self._fetch(record_id)

    def _refresh_hot(self) -> None:
        self._ctx.data.list_records("services").then(self._show_hot)

    def _show_hot(self, services: list[dict]) -> None:
        language = self._ctx.shell.visitor_language()
        hot = [{"recordId": r["id"], "title": in_language(r, language)["title"]} for r in services if r.get("hot")]
        hot = hot[:HOT_SERVICES_MAX]
        if hot != self._hot:
            self._hot = hot
            self.hotServicesChanged.emit()

    @Property(list, notify=hotServicesChanged)
    def hotServices(self) -> list:
        return self._hot

    @Slot(str, result=str)
    def kindTitle(self, kind: str) -> str:
        return kind_title(kind)

    @Slot(str)
    def open(self, record_id: str) -> None:
        """Ask for RECORD_ID's page; detailOpened(id, kind) follows when it has come (the last open wins)."""
        self._opening = record_id
        self._fetch(record_id)

    @Slot(str, result="QVariantMap")
    def record(self, record_id: str) -> dict:
        """Everything a detail page shows, already formatted; {} while it has not come yet (then
        detailChanged follows) and when the record is gone. One call to the data service per page,
        whose answer is bounded however many related records or materials the record lists."""
        page = self._pages.get(record_id)
        if page is None:
            self._fetch(record_id)
            return {}
        return page

    def _fetch(self, record_id: str) -> None:
        self._ctx.data.record_detail(record_id).then(lambda page: self._show(record_id, page), receiver=self)

    def _show(self, record_id: str, page: RecordDetail | None) -> None:
        shown = detail(page, self._ctx.clock(), self._ctx.shell.visitor_language()) if page else {}
        changed = self._pages.get(record_id) != shown
        self._pages.pop(record_id, None)
        self._pages[record_id] = shown
        while len(self._pages) > DETAIL_PAGES_KEPT:
            del self._pages[next(iter(self._pages))]
        if record_id == self._opening:
            self._opening = ""
            if shown:
                # A visitor opened it (from a list, search, a chip or a related link): lists put what is
                # looked at most recently first. Counted in the background; a lost count is only logged.
                self._ctx.data.record_view(record_id, self._ctx.now_iso()).then(
                    self._view_counted, lambda exc: log.info("view of %s not counted: %s", record_id, exc),
                    receiver=self)
            self.detailOpened.emit(record_id, shown.get("kind", ""))
        elif changed:
            self.detailChanged.emit(record_id)

    def _view_counted(self, counted: bool) -> None:
        if not counted:
            log.info("view not counted: station.db cannot take it now")

    def reset(self) -> None:
        """The visitor left: a page asked for and not come yet is not opened any more."""
        self._opening = ""


def detail(page: RecordDetail, now: dt.datetime, language: str) -> dict:
    """The detail page's view of PAGE, the data service's record_detail answer, in the visitor's LANGUAGE."""
    rec = in_language(page["record"], language)
    kind = rec["kind"]
    body_blocks = text.blocks(_text(rec, "body"))
    source_url = page["source_url"]
    out = {
        "recordId": rec["id"],
        "kind": kind,
        "kindTitle": kind_title(kind),
        "title": _text(rec, "title"),
        "summary": text.inline(_text(rec, "summary")),
        "issuer": _text(rec, "issuer", "organizer"),
        "docNumber": _text(rec, "doc_number"),
        "date": _text(rec, "published_at"),
        "category": category_label(_text(rec, "category")),
        "blocks": body_blocks,
        "outline": text.outline(body_blocks),
        "sourceUrl": source_url,
        "sourceQr": qr_modules(source_url) if source_url else {},
        "expired": kind == "notices" and is_expired(rec, now),
        "past": kind == "events" and is_past(rec, now),
        "validUntil": minute_text(rec["valid_until"]) if rec.get("valid_until") else "",
        "time": event_time_text(rec.get("starts_at"), rec.get("ends_at")) if kind == "events" else "",
        "venue": text.escaped(_text(rec, "venue")),  # shown in a GuideField, which renders StyledText
        "eventType": event_type_label(rec) if kind == "events" else "",  # our own label: nothing to escape
        # A booking button's label has no English twin: in English the page's own (translated) label shows.
        "registrationLabel": _text(_mapping(rec, "registration"), "label") if language == SOURCE_LANGUAGE else "",
        "registrationType": _text(_mapping(rec, "registration"), "type"),
        "related": [{"recordId": r["id"], "title": in_language(dict(r), language)["title"],
                     "kindTitle": kind_title(r["kind"])} for r in page["related"]],
    }
    if kind == "services":
        booking = _mapping(rec, "booking")
        out.update({
            "conditions": text.inline(_text(rec, "conditions")),
            "materials": text.list_blocks(_texts(rec, "materials")),
            "process": text.list_blocks(_texts(rec, "process"), numbered=True),
            "timeLimit": text.inline(_text(rec, "time_limit")),
            "fee": text.inline(_text(rec, "fee")),
            "channels": text.list_blocks(_texts(rec, "channels")),
            "provider": text.inline(_text(rec, "provider")),
            "keyFacts": key_facts(rec),
            "feeNote": fee_note(rec),
            "bookingType": _text(booking, "type"),
            "bookingLabel": _text(booking, "label") if language == SOURCE_LANGUAGE else "",
            "bookingTypeId": page["booking_type_id"],
        })
    return out


def register(ctx) -> ContentFacade:
    facade = ContentFacade(ctx, parent=ctx.engine)
    ctx.register_singleton("Content", facade)
    return facade
