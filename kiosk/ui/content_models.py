"""Browse/read view-models: record lists, service categories and the record detail facade.

QML: ``import KioskBackend`` → ``RecordListModel { kind: "notices" }``, ``CategoryModel {}`` and the
singleton ``Content`` (``Content.record(id)``, ``Content.hotServices``). Data comes only from
the data service (``ctx.data``, kiosk/dataservice/service.py). When the sync process applies new content,
every model updates in place (rows inserted/removed/moved, never a reset), so a visitor's scroll
position survives; while the data service does not answer, every model keeps what it shows.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import (
    Property,
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtQml import QmlElement

from kiosk.core import kinds
from kiosk.core.clock import in_china, minute_text
from kiosk.ui import QML_IMPORT_MAJOR_VERSION, QML_IMPORT_NAME, text
from kiosk.ui.context import current_context
from kiosk.ui.data_client import DataUnavailable

log = logging.getLogger(__name__)

__all__ = ["QML_IMPORT_NAME", "QML_IMPORT_MAJOR_VERSION"]  # read by @QmlElement
QML_SINGLETONS = ("Content",)

SERVICE_CATEGORIES = ("专利", "商标", "地理标志", "集成电路布图设计", "维权援助", "咨询", "信息服务", "质押融资")
HOT_SERVICES_MAX = 8


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


def is_expired(rec: dict, now: dt.datetime) -> bool:
    """Notices past valid_until (a display filter: they stay browsable, listed apart)."""
    until = _instant(rec.get("valid_until"))
    return until is not None and until <= now


def is_past(rec: dict, now: dt.datetime) -> bool:
    """Events that have ended (their registration is greyed out)."""
    end = _instant(rec.get("ends_at")) or _instant(rec.get("starts_at"))
    return end is not None and end <= now


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


def list_rows(kind: str, records: list[dict], now: dt.datetime) -> list[dict]:
    """Display rows of RECORDS (all of KIND): current items first, expired notices / past events after them."""
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
            "startsAt": rec.get("starts_at") or "",
        })
    if kind == "events":
        upcoming = sorted((r for r in rows if not r["inactive"]), key=lambda r: r["startsAt"])
        past = sorted((r for r in rows if r["inactive"]), key=lambda r: r["startsAt"], reverse=True)
        rows = upcoming + past
    elif kind == "notices":
        rows = [r for r in rows if not r["inactive"]] + [r for r in rows if r["inactive"]]
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
        """Reconcile with NEW_ROWS by key: remove, move and insert rows, then refresh changed data."""
        old_count = len(self._rows)
        new_keys = [r[self.KEY] for r in new_rows]
        wanted = set(new_keys)
        for i in range(len(self._rows) - 1, -1, -1):
            if self._rows[i][self.KEY] not in wanted:
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._rows[i]
                self.endRemoveRows()
        for target, key in enumerate(new_keys):
            current = self._rows[target][self.KEY] if target < len(self._rows) else None
            if current == key:
                continue
            found = next((i for i in range(target + 1, len(self._rows)) if self._rows[i][self.KEY] == key), None)
            if found is None:
                self.beginInsertRows(QModelIndex(), target, target)
                self._rows.insert(target, dict(new_rows[target]))
                self.endInsertRows()
            else:
                self.beginMoveRows(QModelIndex(), found, found, QModelIndex(), target)
                self._rows.insert(target, self._rows.pop(found))
                self.endMoveRows()
        for i, row in enumerate(new_rows):
            if self._rows[i] != row:
                self._rows[i] = dict(row)
                self.dataChanged.emit(self.index(i), self.index(i), list(self._role_ids) + [Qt.ItemDataRole.DisplayRole])
        if len(self._rows) != old_count:
            self.countChanged.emit()


@QmlElement
class RecordListModel(RowListModel):
    """Records of one kind (optionally one service category) in display order."""

    ROLES = ("recordId", "title", "subtitle", "date", "section", "inactive", "docNumber")
    kindChanged = Signal()
    categoryChanged = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._kind = ""
        self._category = ""
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
        self.refresh()

    kind = Property(str, _get_kind, _set_kind, notify=kindChanged)

    def _get_category(self) -> str:
        return self._category

    def _set_category(self, category: str) -> None:
        if category == self._category:
            return
        self._category = category
        self.categoryChanged.emit()
        self.refresh()

    category = Property(str, _get_category, _set_category, notify=categoryChanged)

    @Slot()
    def refresh(self) -> None:
        if not self._kind:
            return
        try:
            records = self._ctx.data.list_records(self._kind, self._category or None)
        except DataUnavailable as exc:
            log.warning("%s list not refreshed: %s", self._kind, exc)
            return
        self.set_rows(list_rows(self._kind, records, self._ctx.clock()))

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
        try:
            services = self._ctx.data.list_records("services")
        except DataUnavailable as exc:
            log.warning("service categories not refreshed: %s", exc)
            return
        counts: dict[str, int] = {}
        for rec in services:
            counts[rec.get("category") or "其他"] = counts.get(rec.get("category") or "其他", 0) + 1
        names = list(SERVICE_CATEGORIES) + sorted(set(counts) - set(SERVICE_CATEGORIES))
        self.set_rows([{"name": n, "count": counts.get(n, 0), "title": n} for n in names])


class ContentFacade(QObject):
    """QML singleton ``Content``: one record for the detail pages, hot services for home chips."""

    hotServicesChanged = Signal()

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._hot: list[dict] = []
        ctx.content_changed.connect(self._refresh)
        self._refresh()

    def _refresh(self) -> None:
        try:
            services = self._ctx.data.list_records("services")
        except DataUnavailable as exc:
            log.warning("hot services not refreshed: %s", exc)
            return
        hot = [{"recordId": r["id"], "title": r["title"]} for r in services if r.get("hot")]
        hot = hot[:HOT_SERVICES_MAX]
        if hot != self._hot:
            self._hot = hot
            self.hotServicesChanged.emit()

    @Property("QVariantList", notify=hotServicesChanged)
    def hotServices(self) -> list:
        return self._hot

    @Slot(str, result=str)
    def kindTitle(self, kind: str) -> str:
        return kinds.title(kind)

    @Slot(str, result="QVariantMap")
    def record(self, record_id: str) -> dict:
        """Everything a detail page shows, already formatted; {} if the record is gone (or cannot be read).
        One call to the data service, whose answer is bounded however many related records or
        materials the record lists."""
        try:
            page = self._ctx.data.detail_page(record_id)
        except DataUnavailable as exc:
            log.warning("record %s not read: %s", record_id, exc)
            return {}
        return detail(page, self._ctx.clock()) if page else {}

    def reset(self) -> None:
        """No visitor state lives here."""


def detail(page: dict, now: dt.datetime) -> dict:
    """The detail page's view of PAGE, the data service's detail_page answer (record, related, bookingTypeId)."""
    rec = page["record"]
    kind = rec["kind"]
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
        "blocks": text.blocks(_text(rec, "body")),
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
            "bookingType": _text(booking, "type"),
            "bookingLabel": _text(booking, "label"),
            "bookingTypeId": page["bookingTypeId"],
        })
    return out


def register(ctx) -> ContentFacade:
    facade = ContentFacade(ctx, parent=ctx.engine)
    ctx.register_singleton("Content", facade)
    return facade
