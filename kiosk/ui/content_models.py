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
    Property,
    QAbstractListModel,
    QByteArray,
    QCoreApplication,
    QModelIndex,
    QObject,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtQml import QmlElement

from kiosk.core import kinds
from kiosk.core.clock import in_china, iso, minute_text
from kiosk.core.listing import is_expired, is_past
from kiosk.dataservice.api import RecordDetail, RecordPage
from kiosk.ui import QML_IMPORT_MAJOR_VERSION, QML_IMPORT_NAME, text
from kiosk.ui.context import current_context
from kiosk.ui.qr import qr_modules

log = logging.getLogger(__name__)

__all__ = ["QML_IMPORT_MAJOR_VERSION", "QML_IMPORT_NAME"]  # read by @QmlElement
QML_SINGLETONS = ("Content",)

SERVICE_CATEGORIES = ("专利", "商标", "地理标志", "集成电路布图设计", "维权援助", "咨询", "信息服务", "质押融资")
HOT_SERVICES_MAX = 8
# Detail pages kept formatted (the page stack a visitor walks back through, and the next open of each).
DETAIL_PAGES_KEPT = 16


def _instant(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def event_time_text(starts_at: str | None, ends_at: str | None) -> str:
    start, end = _instant(starts_at), _instant(ends_at)
    if start is None:
        return "时间待定"
    start = in_china(start)
    if end is None:
        return f"{start:%Y-%m-%d %H:%M}"
    end = in_china(end)
    if end.date() == start.date():
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
    return f"{start:%Y-%m-%d %H:%M} 至 {end:%Y-%m-%d %H:%M}"


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


def fee_note(rec: dict) -> str:
    """'以窗口公示为准' under a fee nobody has checked against the schedule in force (``fee_verified``)."""
    unchecked = bool(_text(rec, "fee")) and rec.get("fee_verified") is not True
    return QCoreApplication.translate("Content", "以窗口公示为准") if unchecked else ""


def list_rows(kind: str, records: list[dict], now: dt.datetime) -> list[dict]:
    """Display rows of RECORDS (of KIND, in the order the data service's record_page gives them: current
    items first, expired notices / past events after them, kiosk.core.listing.in_visitor_order)."""
    rows = []
    for rec in records:
        inactive, section, date = False, "", rec.get("published_at") or ""
        if kind == "notices":
            inactive = is_expired(rec, now)
            section = "已过期" if inactive else "有效通知"
        elif kind == "events":
            inactive = is_past(rec, now)
            section = "往期活动" if inactive else "即将举行"
            date = event_time_text(rec.get("starts_at"), rec.get("ends_at"))
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
        self._role_ids = {Qt.ItemDataRole.UserRole + 1 + i: name for i, name in enumerate(self.ROLES)}

    def roleNames(self):
        return {rid: QByteArray(name.encode()) for rid, name in self._role_ids.items()}

    def rowCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
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
        roles = list(self._role_ids) + [Qt.ItemDataRole.DisplayRole]
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

    ROLES = ("recordId", "title", "subtitle", "date", "section", "inactive", "docNumber")
    # Rows per answer: some 20 screens of rows, so a visitor's scrolling rarely meets the list's end
    # before its next page is there; 200 rows answer in about 150 KB.
    PAGE_ROWS = 200
    kindChanged = Signal()
    categoryChanged = Signal()
    totalChanged = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._kind = ""
        self._category = ""
        self._total = 0
        self._asked = 0  # rows asked for so far (the pages shown or on their way): what a refresh re-reads
        self._waiting = False  # a next page is on its way: asking again would ask for the same rows
        self._ctx = current_context()
        self._ctx.content_changed.connect(self.refresh)

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
        kind, category = self._kind, self._category
        self._ctx.data.record_page(kind, category or None, iso(self._ctx.clock()), offset, limit).then(
            lambda page: self._show(kind, category, offset, page),
            lambda exc: self._failed(kind, category, offset, exc), receiver=self)

    def _failed(self, kind: str, category: str, offset: int, exc: Exception) -> None:
        """The rows shown stay; a next page that did not come is asked for again when the view nears the end."""
        log.warning("RecordListModel: the %s list could not be read: %s", kind, exc)
        if (kind, category) == (self._kind, self._category) and offset > 0:
            self._waiting = False
            self._asked = min(self._asked, offset)

    def _show(self, kind: str, category: str, offset: int, page: RecordPage) -> None:
        if (kind, category) != (self._kind, self._category):
            return  # a newer list's pages are on their way
        rows = list_rows(kind, page["rows"], self._ctx.clock())
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

    ROLES = ("name", "count")
    KEY = "name"

    def __init__(self, parent=None):
        super().__init__(parent)
        self._ctx = current_context()
        self._ctx.content_changed.connect(self.refresh)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        self._ctx.data.list_records("services").then(self._show)

    def _show(self, services: list[dict]) -> None:
        counts: dict[str, int] = {}
        for rec in services:
            counts[rec.get("category") or "其他"] = counts.get(rec.get("category") or "其他", 0) + 1
        names = list(SERVICE_CATEGORIES) + sorted(set(counts) - set(SERVICE_CATEGORIES))
        self.set_rows([{"name": n, "count": counts.get(n, 0), "title": n} for n in names])


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
        self._refresh_hot()

    def _refresh(self) -> None:
        self._refresh_hot()
        for record_id in list(self._pages):
            self._fetch(record_id)

    def _refresh_hot(self) -> None:
        self._ctx.data.list_records("services").then(self._show_hot)

    def _show_hot(self, services: list[dict]) -> None:
        hot = [{"recordId": r["id"], "title": r["title"]} for r in services if r.get("hot")]
        hot = hot[:HOT_SERVICES_MAX]
        if hot != self._hot:
            self._hot = hot
            self.hotServicesChanged.emit()

    @Property(list, notify=hotServicesChanged)
    def hotServices(self) -> list:
        return self._hot

    @Slot(str, result=str)
    def kindTitle(self, kind: str) -> str:
        return kinds.title(kind)

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
        shown = detail(page, self._ctx.clock()) if page else {}
        changed = self._pages.get(record_id) != shown
        self._pages.pop(record_id, None)
        self._pages[record_id] = shown
        while len(self._pages) > DETAIL_PAGES_KEPT:
            del self._pages[next(iter(self._pages))]
        if record_id == self._opening:
            self._opening = ""
            self.detailOpened.emit(record_id, shown.get("kind", ""))
        elif changed:
            self.detailChanged.emit(record_id)

    def reset(self) -> None:
        """The visitor left: a page asked for and not come yet is not opened any more."""
        self._opening = ""


def detail(page: RecordDetail, now: dt.datetime) -> dict:
    """The detail page's view of PAGE, the data service's record_detail answer."""
    rec = page["record"]
    kind = rec["kind"]
    body_blocks = text.blocks(_text(rec, "body"))
    source_url = page["source_url"]
    out = {
        "recordId": rec["id"],
        "kind": kind,
        "kindTitle": kinds.title(kind),
        "title": _text(rec, "title"),
        "summary": text.inline(_text(rec, "summary")),
        "issuer": _text(rec, "issuer", "organizer"),
        "docNumber": _text(rec, "doc_number"),
        "date": _text(rec, "published_at"),
        "category": _text(rec, "category"),
        "blocks": body_blocks,
        "outline": text.outline(body_blocks),
        "sourceUrl": source_url,
        "sourceQr": qr_modules(source_url) if source_url else {},
        "expired": kind == "notices" and is_expired(rec, now),
        "past": kind == "events" and is_past(rec, now),
        "validUntil": minute_text(rec["valid_until"]) if rec.get("valid_until") else "",
        "time": event_time_text(rec.get("starts_at"), rec.get("ends_at")) if kind == "events" else "",
        "venue": text.escaped(_text(rec, "venue")),  # shown in a GuideField, which renders StyledText
        "registrationLabel": _text(_mapping(rec, "registration"), "label"),
        "registrationType": _text(_mapping(rec, "registration"), "type"),
        "related": [{"recordId": r["id"], "title": r["title"], "kindTitle": kinds.title(r["kind"])}
                    for r in page["related"]],
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
            "bookingLabel": _text(booking, "label"),
            "bookingTypeId": page["booking_type_id"],
        })
    return out


def register(ctx) -> ContentFacade:
    facade = ContentFacade(ctx, parent=ctx.engine)
    ctx.register_singleton("Content", facade)
    return facade
