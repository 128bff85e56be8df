"""Search page view-models: the query, the candidate bar and results grouped by kind.

The search itself runs in the data service (kiosk/dataservice/service.py ``search``: the engine over keys
pre-computed at apply time, its index rebuilt when content.db changes); this module keeps the
page's state. Searches are asynchronous: the results of the query typed last replace the shown ones
when they come (an answer to an older query is dropped), so typing never waits for the data service.
After a sync applied new content the current query is re-run, so the visitor keeps their place; while
the data service does not answer, the last results stay.

QML sees one singleton, ``Search`` (KioskBackend 1.0), with list models ``results``
(hits, sectioned by kind with counts, each title with its matched characters marked), ``groups`` (kind,
label, count of the results), ``candidates`` (hanzi words for the letters being typed) and, when nothing
matched, ``nearest`` (words that do find something) and ``browse`` (categories to browse).

A query that finds nothing is answered as the nearest spelling one typo away when that finds something
(``correctedTo`` names it, "商标" for "shangbaio"); ``searchLiteral()`` is the one-tap way back to the
query as typed. Which hint is true in which state is docs/search.md's table ("Which hint is true when").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from kiosk.core import kinds
from kiosk.core.language import SOURCE_LANGUAGE, in_language
from kiosk.dataservice.api import MAX_QUERY_CHARS, BrowseCategory, Pending, SearchAnswer, SearchHit
from kiosk.ui.content_models import RowListModel, category_label, kind_title
from kiosk.ui.text import escaped

log = logging.getLogger(__name__)

# KioskBackend singletons this module registers (kiosk.ui.qml_types declares them before any QML engine).
QML_SINGLETONS = ("Search",)

RESULT_LIMIT = 60
CANDIDATE_LIMIT = 8
NEAREST_LIMIT = 6
# After a sync the data service answers from its previous index while it builds the new one; the
# current query is asked again this often until the answer comes from the new content.
STALE_INDEX_RETRY_MS = 1000

# The run of latin letters at the end of the query is what the candidate bar converts to hanzi,
# so "专利sq" offers 申请 and picking it gives "专利申请".
_TRAILING_LETTERS = re.compile(r"[A-Za-z]+$")


class ResultListModel(RowListModel):
    """Search hits; ``section`` ("服务事项 · 3") is the ListView section key and carries the group count;
    ``titleMarkup`` is the title for Text.StyledText with the matched characters in <b> (title_markup)."""

    ROLES = ("recordId", "kind", "title", "titleMarkup", "section")


class WordListModel(RowListModel):
    """Plain words (candidate bar, zero-result suggestions)."""

    ROLES = ("word",)
    KEY = "word"


class GroupListModel(RowListModel):
    """(kind, label, count) of the current results, for the summary chips above the list."""

    ROLES = ("kind", "label", "count")
    KEY = "kind"


class BrowseListModel(RowListModel):
    """Categories offered when nothing matched: a whole kind, or one service category."""

    ROLES = ("key", "kind", "category", "label", "count")
    KEY = "key"


def browse_rows(categories: list[BrowseCategory]) -> list[dict]:
    """The service's categories as rows: "服务事项" for a whole kind, "专利" for one service category."""
    return [{"key": f"{c['kind']}/{c['category'] or ''}", "kind": c["kind"], "category": c["category"] or "",
             "label": category_label(c["category"]) if c["category"] else kind_title(c["kind"]), "count": c["count"]}
            for c in categories if c["kind"] in kinds.VISITOR_KINDS]


def word_rows(words: list[str]) -> list[dict]:
    return [{"word": w} for w in dict.fromkeys(words)]


def title_markup(title: str, spans: list[list[int]]) -> str:
    """TITLE for Text.StyledText, the characters of SPANS ([start, end) offsets) in <b>: every part of the title
    is escaped, so a title holding "<b>" or "<img …>" shows those characters; the only markup is the <b> written
    here. Spans outside the title (a title shortened by the display cleaning) are clipped, overlaps merged."""
    out, at = [], 0
    for start, end in sorted(spans):
        start, end = max(start, at), min(end, len(title))
        if start >= end:
            continue
        out += [escaped(title[at:start]), "<b>", escaped(title[start:end]), "</b>"]
        at = end
    out.append(escaped(title[at:]))
    return "".join(out)


def _hit_row(hit: SearchHit, kind: str, section: str, language: str) -> dict:
    """One result row: the title in LANGUAGE, its matched characters in bold where the shown title is the one the
    query matched (an English title shows unmarked)."""
    title = in_language(dict(hit), language)["title"]
    markup = title_markup(hit["title"], hit["spans"]) if title == hit["title"] else escaped(title)
    return {"recordId": hit["id"], "kind": kind, "title": title, "titleMarkup": markup, "section": section}


def group_hits(hits: list[SearchHit], language: str) -> tuple[list[dict], list[dict]]:
    """Result rows grouped by kind in display order, keeping the engine's rank within a kind, and the
    (kind, label, count) groups, in the visitor's LANGUAGE. Kinds not meant for visitors (booking types)
    are left out."""
    by_kind: dict[str, list] = {kind: [] for kind in kinds.VISITOR_DISPLAY_ORDER}
    for hit in hits:
        if hit["kind"] in by_kind:
            by_kind[hit["kind"]].append(hit)
    rows: list[dict] = []
    groups: list[dict] = []
    for kind, kind_hits in by_kind.items():
        if not kind_hits:
            continue
        label = kind_title(kind)
        groups.append({"kind": kind, "label": label, "count": len(kind_hits)})
        section = f"{label} · {len(kind_hits)}"
        rows.extend(_hit_row(h, kind, section, language) for h in kind_hits)
    return rows, groups


class SearchController(QObject):
    """The search page's state. Every change of ``query`` asks for a new search; its answer replaces
    the results when it comes, unless the query changed again meanwhile.

    SEARCH is the data service's ``search`` (query, letters, now, limits → a Pending of the hits,
    candidates and the zero-result help); CLOCK gives "now" (upcoming events rank higher); CONTENT_SERIAL
    the serial of the content on screen (an answer from an index of older content is shown and asked
    again after STALE_INDEX_RETRY_MS); LANGUAGE the visitor's language the results are shown in."""

    queryChanged = Signal()
    resultsChanged = Signal()

    def __init__(self, search: Callable[..., Pending[SearchAnswer]], clock: Callable[[], str],
                 parent: QObject | None = None, *, content_serial: Callable[[], int] = lambda: 0,
                 language: Callable[[], str] = lambda: SOURCE_LANGUAGE):
        super().__init__(parent)
        self._search = search
        self._clock = clock
        self._content_serial = content_serial
        self._language = language
        self._stale_retry = QTimer(self, singleShot=True, interval=STALE_INDEX_RETRY_MS)
        self._stale_retry.timeout.connect(self._run)
        self._query = ""
        self._asked = 0  # searches asked for; only the answer to the last one is shown
        self._corrected_to = ""  # the word the shown results were found by instead of the query ("商标"), or ''
        self._literal_query = ""  # the query the visitor wants searched as typed ("仍搜索 …"), or ''
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
    maxQueryChars = Property(int, lambda self: MAX_QUERY_CHARS, constant=True)

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

    # The query found nothing; the results shown are those of this spelling ("商标"): '' when they are the query's.
    correctedTo = Property(str, lambda self: self._corrected_to, notify=resultsChanged)

    def _get_literal(self) -> bool:
        return bool(self._literal_query) and self._literal_query == self._query

    # The visitor asked for the query as typed (searchLiteral): its own results, no correction.
    literal = Property(bool, _get_literal, notify=resultsChanged)

    def _get_more_letters_help(self) -> bool:
        # Typing on narrows results found by the letters as typed. With no results no letter typed next can
        # help (letters that start a word's pinyin find that word), nor after a correction (docs/search.md).
        return bool(self._get_letters()) and self._results.rowCount() > 0 and not self._corrected_to

    moreLettersHelp = Property(bool, _get_more_letters_help, notify=resultsChanged)

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

    @Slot()
    def searchLiteral(self) -> None:
        """The visitor declined the correction: search the query exactly as typed (typically: nothing found)."""
        if not self._corrected_to:
            return
        self._literal_query = self._query
        self._run()

    @Slot(str, result=int)
    def firstRowOfKind(self, kind: str) -> int:
        """Row of the first result of KIND (the group chips scroll there), or -1."""
        for row, result in enumerate(self._results.rows()):
            if result["kind"] == kind:
                return row
        return -1

    @Slot()
    def reset(self) -> None:
        """Visitor left (idle timeout): forget the query and everything derived from it."""
        self._literal_query = ""
        self._set_query("")

    @Slot()
    def refresh(self) -> None:
        """Content changed: re-run the current query against the new index."""
        self._run()

    # ------------------------------------------------------------ internals

    def _run(self) -> None:
        self._stale_retry.stop()
        self._asked += 1
        query = self._query.strip()
        if not query:
            # Nothing to search: no index needed (an idle reset or a sync must not build one).
            for model in (self._results, self._groups, self._candidates, self._nearest, self._browse):
                model.set_rows([])
            self._corrected_to = ""
            self.resultsChanged.emit()
            return
        asked = self._asked
        self._search(query, self._get_letters(), self._clock(), kinds=list(kinds.VISITOR_DISPLAY_ORDER),
                     limit=RESULT_LIMIT, candidate_limit=CANDIDATE_LIMIT, nearest_limit=NEAREST_LIMIT,
                     correct=not self._get_literal()).then(
            lambda found: self._show(asked, found),
            lambda exc: log.warning("search %r not run: %s", query, exc), receiver=self)

    def _show(self, asked: int, found: SearchAnswer) -> None:
        if asked != self._asked:
            return  # the visitor typed on: the answer to the newer query is on its way
        if found["index_serial"] < self._content_serial():
            self._stale_retry.start()  # shown meanwhile: the previous content's results are still good ones
        rows, groups = group_hits(found["hits"], self._language())
        corrected = found["corrected_to"]
        self._corrected_to = (corrected["display"] or corrected["query"]) if corrected and rows else ""
        self._candidates.set_rows(word_rows(found["candidates"]))
        self._nearest.set_rows(word_rows(found["nearest"]))
        self._browse.set_rows(browse_rows(found["browse"]))
        self._results.set_rows(rows)
        self._groups.set_rows(groups)
        self.resultsChanged.emit()


def register(ctx) -> SearchController:
    controller = SearchController(ctx.data.search, ctx.now_iso, parent=ctx.engine,
                                  content_serial=lambda: ctx.shell.contentSerial, language=ctx.shell.visitor_language)
    # A sync applied new content, or the visitor switched language: the visitor keeps the query, the
    # results follow.
    ctx.content_changed.connect(controller.refresh)
    ctx.shell.languageChanged.connect(controller.refresh)
    ctx.register_singleton("Search", controller)
    return controller
