"""Search page view-models: the query, the candidate bar and results grouped by kind.

The search itself runs here, in the UI process, over keys pre-computed at apply time
(kiosk.search.engine.SearchIndex); pypinyin is never loaded in this process. The index
comes from a provider callable (AppContext.search_index) so a content change is picked
up on the next keystroke without this module knowing how the index is cached.

QML sees one singleton, ``Search`` (KioskBackend 1.0), with list models ``results``
(hits, sectioned by kind with counts), ``groups`` (kind, label, count of the results),
``candidates`` (hanzi words for the letters being typed) and, when nothing matched,
``nearest`` (words that do find something) and ``browse`` (categories to browse).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import (
    Property,
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)

from kiosk.search.engine import SearchIndex

log = logging.getLogger(__name__)

# KioskBackend singletons this module registers (kiosk.ui.app declares them before any QML engine).
QML_SINGLETONS = ("Search",)

# Result groups in display order; other kinds (booking_types) are not shown to visitors as results.
KIND_LABELS: dict[str, str] = {
    "services": "服务事项",
    "policies": "政策法规",
    "events": "宣讲活动",
    "notices": "通知公告",
    "news": "行业动态",
}
RESULT_LIMIT = 60
CANDIDATE_LIMIT = 8
NEAREST_LIMIT = 6
MAX_QUERY_CHARS = 40

# The run of latin letters at the end of the query is what the candidate bar converts to hanzi,
# so "专利sq" offers 申请 and picking it gives "专利申请".
_TRAILING_LETTERS = re.compile(r"[A-Za-z]+$")


@dataclass(frozen=True)
class ResultRow:
    record_id: str
    kind: str
    title: str
    section: str  # "服务事项 · 3" — the ListView section key, carries the group count


class RowListModel(QAbstractListModel):
    """A read-only list model over a Python list; subclasses declare ROLES once."""

    ROLES: dict[int, tuple[bytes, Callable]] = {}

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._rows: list = []

    countChanged = Signal()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        getter = self.ROLES.get(role)
        if getter is None:
            return None
        return getter[1](self._rows[index.row()])

    def roleNames(self) -> dict[int, QByteArray]:
        return {role: QByteArray(name) for role, (name, _getter) in self.ROLES.items()}

    def set_rows(self, rows: list) -> None:
        if rows == self._rows:
            return
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()
        self.countChanged.emit()

    def rows(self) -> list:
        return list(self._rows)

    count = Property(int, lambda self: len(self._rows), notify=countChanged)


class ResultListModel(RowListModel):
    RecordIdRole = Qt.ItemDataRole.UserRole + 1
    KindRole = Qt.ItemDataRole.UserRole + 2
    KindLabelRole = Qt.ItemDataRole.UserRole + 3
    TitleRole = Qt.ItemDataRole.UserRole + 4
    SectionRole = Qt.ItemDataRole.UserRole + 5
    ROLES = {
        Qt.ItemDataRole.DisplayRole: (b"display", lambda r: r.title),
        RecordIdRole: (b"recordId", lambda r: r.record_id),
        KindRole: (b"kind", lambda r: r.kind),
        KindLabelRole: (b"kindLabel", lambda r: KIND_LABELS[r.kind]),
        TitleRole: (b"title", lambda r: r.title),
        SectionRole: (b"section", lambda r: r.section),
    }


class WordListModel(RowListModel):
    """Plain words (candidate bar, zero-result suggestions)."""

    WordRole = Qt.ItemDataRole.UserRole + 1
    ROLES = {
        Qt.ItemDataRole.DisplayRole: (b"display", lambda w: w),
        WordRole: (b"word", lambda w: w),
    }


class BrowseListModel(RowListModel):
    """Categories offered when nothing matched: a whole kind, or one service category."""

    KindRole = Qt.ItemDataRole.UserRole + 1
    CategoryRole = Qt.ItemDataRole.UserRole + 2
    LabelRole = Qt.ItemDataRole.UserRole + 3
    CountRole = Qt.ItemDataRole.UserRole + 4
    ROLES = {
        Qt.ItemDataRole.DisplayRole: (b"display", lambda c: browse_label(c)),
        KindRole: (b"kind", lambda c: c.kind),
        CategoryRole: (b"category", lambda c: c.category or ""),
        LabelRole: (b"label", lambda c: browse_label(c)),
        CountRole: (b"count", lambda c: c.count),
    }


def browse_label(category) -> str:
    """"服务事项" for a whole kind, "专利" for one service category."""
    return category.category or KIND_LABELS.get(category.kind, category.kind)


class GroupListModel(RowListModel):
    """(kind, label, count) of the current results, for the summary line above the list."""

    KindRole = Qt.ItemDataRole.UserRole + 1
    LabelRole = Qt.ItemDataRole.UserRole + 2
    CountRole = Qt.ItemDataRole.UserRole + 3
    ROLES = {
        Qt.ItemDataRole.DisplayRole: (b"display", lambda g: f"{g[1]} {g[2]}"),
        KindRole: (b"kind", lambda g: g[0]),
        LabelRole: (b"label", lambda g: g[1]),
        CountRole: (b"count", lambda g: g[2]),
    }


def group_hits(hits) -> tuple[list[ResultRow], list[tuple[str, str, int]]]:
    """Order engine hits by kind (KIND_LABELS order), keeping the engine's rank within a kind."""
    by_kind: dict[str, list] = {kind: [] for kind in KIND_LABELS}
    for hit in hits:
        if hit.kind in by_kind:
            by_kind[hit.kind].append(hit)
    rows: list[ResultRow] = []
    groups: list[tuple[str, str, int]] = []
    for kind, kind_hits in by_kind.items():
        if not kind_hits:
            continue
        label = KIND_LABELS[kind]
        groups.append((kind, label, len(kind_hits)))
        section = f"{label} · {len(kind_hits)}"
        rows.extend(ResultRow(h.id, kind, h.title, section) for h in kind_hits)
    return rows, groups


class SearchController(QObject):
    """The search page's state. Every change of ``query`` re-runs the search synchronously:
    the engine scans pre-computed keys, a few milliseconds even for thousands of records."""

    queryChanged = Signal()
    resultsChanged = Signal()

    def __init__(self, index_provider: Callable[[], SearchIndex], parent: QObject | None = None):
        super().__init__(parent)
        self._index_provider = index_provider
        self._query = ""
        self._results = ResultListModel(self)
        self._groups = GroupListModel(self)
        self._candidates = WordListModel(self)
        self._nearest = WordListModel(self)
        self._browse = BrowseListModel(self)

    # ------------------------------------------------------------ properties

    def _get_query(self) -> str:
        return self._query

    def _set_query(self, text: str) -> None:
        text = (text or "")[:MAX_QUERY_CHARS]
        if text == self._query:
            return
        self._query = text
        self.queryChanged.emit()
        self._run()

    query = Property(str, _get_query, _set_query, notify=queryChanged)

    def _get_letters(self) -> str:
        match = _TRAILING_LETTERS.search(self._query)
        return match.group(0).lower() if match else ""

    letters = Property(str, _get_letters, notify=queryChanged)

    results = Property(QObject, lambda self: self._results, constant=True)
    groups = Property(QObject, lambda self: self._groups, constant=True)
    candidates = Property(QObject, lambda self: self._candidates, constant=True)
    nearest = Property(QObject, lambda self: self._nearest, constant=True)
    browse = Property(QObject, lambda self: self._browse, constant=True)

    def _get_result_count(self) -> int:
        return self._results.rowCount()

    resultCount = Property(int, _get_result_count, notify=resultsChanged)

    def _get_no_results(self) -> bool:
        return bool(self._query.strip()) and self._results.rowCount() == 0

    noResults = Property(bool, _get_no_results, notify=resultsChanged)

    # ------------------------------------------------------------ actions (keyboard, candidate bar)

    @Slot(str)
    def typeText(self, text: str) -> None:
        self._set_query(self._query + text)

    @Slot()
    def backspace(self) -> None:
        self._set_query(self._query[:-1])

    @Slot()
    def clear(self) -> None:
        self._set_query("")

    @Slot(str)
    def pickCandidate(self, word: str) -> None:
        """Replace the trailing letters with WORD (or append it when there are none)."""
        letters = _TRAILING_LETTERS.search(self._query)
        stem = self._query[: letters.start()] if letters else self._query
        self._set_query(stem + word)

    @Slot(str, result=int)
    def firstRowOfKind(self, kind: str) -> int:
        """Row of the first result of KIND (the group chips scroll there), or -1."""
        for row, result in enumerate(self._results.rows()):
            if result.kind == kind:
                return row
        return -1

    @Slot()
    def reset(self) -> None:
        """Visitor left (idle timeout): forget the query and everything derived from it."""
        self._set_query("")

    @Slot()
    def refresh(self) -> None:
        """Content changed: re-run the current query against the new index."""
        self._run()

    # ------------------------------------------------------------ internals

    def _run(self) -> None:
        index = self._index_provider()
        query = self._query.strip()
        hits = index.search(query, RESULT_LIMIT) if query else []
        rows, groups = group_hits(hits)
        letters = self._get_letters()
        self._candidates.set_rows(index.suggest(letters, CANDIDATE_LIMIT) if letters else [])
        zero = index.zero_results(query, NEAREST_LIMIT) if query and not rows else None
        self._nearest.set_rows(zero.suggestions if zero else [])
        self._browse.set_rows([c for c in zero.categories if c.kind in KIND_LABELS] if zero else [])
        self._results.set_rows(rows)
        self._groups.set_rows(groups)
        self.resultsChanged.emit()


def register(ctx) -> SearchController:
    controller = SearchController(ctx.search_index, parent=ctx.engine)
    ctx.register_singleton("Search", controller)
    return controller
