"""A visitor's list read a page at a time (record_page): the store's cut, the service's order, and a
30,000-record list on the real window with its real data service child."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMetaObject

from kiosk.core.listing import in_visitor_order
from kiosk.core.manifest import validate_manifest
from kiosk.dataservice.api import DataError, ErrorKind
from kiosk.store import content, seed
from kiosk.store.content import content_db, open_content_db
from kiosk.ui.content_models import RecordListModel
from tests.data_service_double import answered
from tests.ui_helpers import SEED_NOW, current_page, find, tap, wait_page_built

BIG_KIND_RECORDS = 30_000


@pytest.mark.parametrize("kind", ["services", "policies", "news"])
def test_store_pages_cut_the_display_order(seeded, kind):
    whole = content.list_records(kind)
    assert content.count_records(kind) == len(whole) > 7
    pages = [content.list_records(kind, offset=offset, limit=7) for offset in range(0, len(whole), 7)]
    assert all(len(page) == 7 for page in pages[:-1])
    assert [r["id"] for page in pages for r in page] == [r["id"] for r in whole]
    assert content.list_records(kind, offset=len(whole), limit=7) == []
    assert content.count_records("services", category="地理标志") == 2


@pytest.mark.parametrize("kind", ["notices", "events", "policies"])
def test_service_pages_follow_the_visitors_order(data_service, qtbot, kind):
    now = SEED_NOW.isoformat()
    whole = in_visitor_order(kind, content.list_records(kind), SEED_NOW)
    pages = [answered(qtbot, data_service.record_page(kind, None, now, offset, 3)) for offset in range(0, len(whole), 3)]
    assert {page["total"] for page in pages} == {len(whole)}
    assert [r["id"] for page in pages for r in page["rows"]] == [r["id"] for r in whole]
    assert all("body" not in r for page in pages for r in page["rows"]), "list rows leave the detail fields out"
    with pytest.raises(DataError) as refused:
        answered(qtbot, data_service.record_page(kind, None, now, -1, 3))
    assert refused.value.kind == ErrorKind.INVALID


def _grow_policies(cfg, count: int) -> None:
    """content.db of the seed with its policies replaced by COUNT short ones, applied as a sync would."""
    open_content_db(cfg.content_db_path)
    seed.import_seed()
    records = [{"id": f"pol-many-{i:05d}", "rev": 1, "title": f"第{i:05d}号政策", "summary": "摘要", "body": "正文",
                "published_at": f"20{10 + i % 15}-0{1 + i % 9}-1{i % 10}"} for i in range(count)]
    content.apply_manifests([validate_manifest({"format": "ipkiosk-manifest/1", "collection": "policies",
                                                "generation": 2, "records": records, "tombstones": []})],
                            source="sync")
    content_db.close()


def test_a_30000_record_list_shows_its_first_page_and_loads_more_as_it_scrolls(kiosk_ui, cfg, qtbot):
    _grow_policies(cfg, BIG_KIND_RECORDS)
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    total = content.count_records("policies")
    assert total == BIG_KIND_RECORDS  # a generation holds the whole collection: these replace the seed's
    tap(qtbot, window, find(window, "tile_policies"))
    wait_page_built(qtbot, window)
    assert current_page(window).objectName() == "recordListPage"
    view = find(window, "recordList")
    model = view.property("model")
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=30_000)
    assert model.rowCount() == RecordListModel.PAGE_ROWS and model.property("total") == total
    first_page = [r["recordId"] for r in model.rows()]
    assert first_page == [r["id"] for r in content.list_records("policies", limit=RecordListModel.PAGE_ROWS)]

    QMetaObject.invokeMethod(view, "positionViewAtEnd")  # a visitor flicking to the list's end
    qtbot.waitUntil(lambda: model.rowCount() == 2 * RecordListModel.PAGE_ROWS, timeout=30_000)
    QMetaObject.invokeMethod(view, "positionViewAtEnd")
    qtbot.waitUntil(lambda: model.rowCount() == 3 * RecordListModel.PAGE_ROWS, timeout=30_000)
    shown = [r["recordId"] for r in model.rows()]
    assert shown == [r["id"] for r in content.list_records("policies", limit=3 * RecordListModel.PAGE_ROWS)]

    # A content change re-reads the rows shown (all three pages, in one answer), not the whole list.
    asked = []
    real_record_page = ctx.data.record_page
    ctx.data.record_page = lambda *args, **kwargs: (asked.append(args[3:5]), real_record_page(*args, **kwargs))[1]
    with qtbot.waitSignal(ctx.content_changed, timeout=5000):
        ctx.content_changed.emit()
    qtbot.waitUntil(lambda: asked != [] and ctx.data.pending_calls == 0, timeout=30_000)
    assert asked == [(0, 3 * RecordListModel.PAGE_ROWS)]
    assert [r["recordId"] for r in model.rows()] == shown and model.property("total") == total
