"""Events carry a type (宣讲会 / 培训 / 讲座 / 其他): the optional ``event_type`` from the publisher's rules through
apply (and the migration of an older content.db) to the data service and the events list's filter chips.

The publisher's refusal of a malformed type is a case of tests/test_sync_content_rules.py (HOSTILE_SOURCES); a
type newer than this version, shown as 其他, is tests/test_event_types_newer.py.
Real SQLite files, the data service in this process for the store side, the whole UI (data service child,
QML offscreen, real taps) for the list.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from kiosk.core import kinds
from kiosk.core.manifest import Manifest, ManifestError, validate_manifest
from kiosk.store import content
from tests.data_service_double import answered
from tests.ui_helpers import SEED_NOW, current_page, find, tap, wait_page_built

NOW_ISO = SEED_NOW.isoformat()
REPO_ROOT = Path(__file__).resolve().parent.parent


def _event(rid: str, event_type: str | None, starts: str) -> dict:
    rec = {"id": rid, "rev": 1, "title": f"活动 {rid}", "summary": "摘要", "starts_at": f"{starts}T09:00:00+08:00",
           "ends_at": f"{starts}T11:00:00+08:00"}
    if event_type is not None:
        rec["event_type"] = event_type
    return rec


def test_every_seed_event_is_typed_and_the_type_is_stored(seeded):
    events = json.loads((REPO_ROOT / "assets/content/events.json").read_text("utf-8"))
    assert all(rec.get("event_type") in kinds.EVENT_TYPES for rec in events["records"])
    counts = content.event_type_counts()
    assert counts == {"briefing": 1, "training": 4, "lecture": 1}
    assert list(counts) == [t for t in kinds.EVENT_TYPES if t in counts]  # chip order, not alphabetical


def test_the_rules_accept_each_type_and_refuse_anything_else():
    for name in kinds.EVENT_TYPES:
        validate_manifest({"format": "ipkiosk-manifest/1", "collection": "events", "generation": 1,
                           "records": [_event("evt-a", name, "2026-12-01")], "tombstones": []})
    with pytest.raises(ManifestError, match=r"'event_type'.*one of 'briefing'"):
        validate_manifest({"format": "ipkiosk-manifest/1", "collection": "events", "generation": 1,
                           "records": [_event("evt-a", "讲座", "2026-12-01")], "tombstones": []})


def test_record_page_filters_by_type_upcoming_first(data_service, qtbot):
    content.apply_manifests([Manifest("events", 1, [
        _event("evt-past-talk", "lecture", "2026-10-01"),
        _event("evt-late-talk", "lecture", "2027-05-01"),
        _event("evt-soon-talk", "lecture", "2026-12-01"),
        _event("evt-training", "training", "2026-12-02"),
        _event("evt-untyped", None, "2026-12-03"),
    ])])
    page = answered(qtbot, data_service.record_page("events", None, NOW_ISO, 0, 10, event_type="lecture"))
    assert [r["id"] for r in page["rows"]] == ["evt-soon-talk", "evt-late-talk", "evt-past-talk"]
    assert page["total"] == 3
    every = answered(qtbot, data_service.record_page("events", None, NOW_ISO, 0, 10))
    assert every["total"] == 5
    assert answered(qtbot, data_service.event_type_counts()) == {"training": 1, "lecture": 3}
    with pytest.raises(Exception, match="event type 'party'"):
        answered(qtbot, data_service.record_page("events", None, NOW_ISO, 0, 10, event_type="party"))


def test_an_older_content_db_gets_the_event_type_column_filled_at_open(seeded, cfg):
    db = content.content_db
    db.execute_sql('DROP INDEX IF EXISTS "record_event_type"')
    db.execute_sql("ALTER TABLE record DROP COLUMN event_type")
    db.execute_sql("DELETE FROM migrations WHERE name = '0005_event_type'")
    db.close()
    content.open_content_db(cfg.content_db_path)
    assert content.event_type_counts() == {"briefing": 1, "training": 4, "lecture": 1}
    with sqlite3.connect(cfg.content_db_path) as conn:
        row = conn.execute("SELECT event_type FROM record WHERE id = 'evt-20270114-overseas-ip-lecture'")
        assert row.fetchone() == ("lecture",)


@pytest.mark.parametrize("size_px", [(1080, 1920), (1920, 1080)], ids=["portrait", "landscape"])
def test_events_list_filters_by_type_chip_and_lists_upcoming_first(kiosk_ui, qtbot, size_px):
    _, window = kiosk_ui(size_px=size_px, clock=lambda: SEED_NOW)
    window.openPage("RecordListPage.qml", {"kind": "events"})
    wait_page_built(qtbot, window)
    page = current_page(window)
    qtbot.waitUntil(lambda: find(window, "eventTypeChips").isVisible(), timeout=10_000)
    chips = [c for c in ("all", *kinds.EVENT_TYPES) if any(i.objectName() == f"eventType_{c}"
                                                             for i in _items(window))]
    assert chips == ["all", "briefing", "training", "lecture"]  # no chip for a type no event has

    rows = _shown_rows(page)
    assert len(rows) == 6
    # Upcoming first (soonest first), then the two past ones, marked 已结束.
    past = [r for r in rows if r.property("badge") == "已结束"]
    assert [r.objectName() for r in rows[-2:]] == [r.objectName() for r in past]
    assert rows[0].objectName() == "row_evt-20261210-ip-search-training-2"

    tap(qtbot, window, find(window, "eventType_lecture"))
    qtbot.waitUntil(lambda: len(_shown_rows(page)) == 1, timeout=10_000)
    only = _shown_rows(page)[0]
    assert only.objectName() == "row_evt-20270114-overseas-ip-lecture"
    assert only.property("badge") == "讲座"
    assert find(window, "eventType_lecture").property("chosen") is True

    tap(qtbot, window, find(window, "eventType_training"))
    qtbot.waitUntil(lambda: len(_shown_rows(page)) == 4, timeout=10_000)
    badges = [r.property("badge") for r in _shown_rows(page)]
    assert badges == ["培训", "培训", "已结束", "已结束"]

    tap(qtbot, window, find(window, "eventType_all"))
    qtbot.waitUntil(lambda: len(_shown_rows(page)) == 6, timeout=10_000)


def _items(window):
    from tests.ui_helpers import window_items

    return window_items(window)


def _shown_rows(page):
    """The list's rows in list order (by their y in the list's content)."""
    from tests.ui_helpers import items_below

    rows = [i for i in items_below(page) if i.objectName().startswith("row_") and i.isVisible()]
    return sorted(rows, key=lambda r: r.y())


def test_the_screen_labels_are_the_types_of_the_content_rules(qapp):
    from kiosk.ui.content_models import event_type_labels

    assert event_type_labels() == kinds.EVENT_TYPES  # untranslated, the labels are the rules' own, in their order
    assert list(event_type_labels()) == list(kinds.EVENT_TYPES)
