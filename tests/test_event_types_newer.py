"""An event type newer than this terminal (published by a central office that has added one) reaches visitors as
其他 instead of making the terminal refuse the whole events collection.

End to end: the real publisher (`python -m kiosk.sync.publish build`) signs the seed with one event of type
"exhibition", a real HTTP server on 127.0.0.1 serves the repository, `ipkiosk sync --once` (a child process)
applies it to a real content.db, and the whole UI (data service child, QML offscreen, real taps) lists it under
the 其他 chip. The refusal of a malformed type, and the publisher's warning, are cases of
tests/test_sync_content_rules.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.core import config as config_mod
from kiosk.core import kinds
from kiosk.core.manifest import Manifest, validate_manifest
from kiosk.store import content
from tests.sync_helpers import RepoServer, terminal_config, write_config_file
from tests.ui_helpers import SEED_NOW, current_page, find, find_all, items_below, tap, wait_page_built

REPO_ROOT = Path(__file__).resolve().parent.parent
# The seed's only lecture, upcoming at SEED_NOW (so its row shows its type, not 已结束).
NEWER_EVENT = "evt-20270114-overseas-ip-lecture"


@pytest.fixture
def served(publisher):
    """The seed published again with NEWER_EVENT of a type this version does not know, served over HTTP."""
    events = publisher.source.records("events")
    publisher.source.write("events", [dict(r, event_type="exhibition", rev=r["rev"] + 1) if r["id"] == NEWER_EVENT
                                      else r for r in events])
    proc = subprocess.run([sys.executable, "-m", "kiosk.sync.publish", "build", str(publisher.source.path),
                           str(publisher.repo_dir), "--keys", str(publisher.keys_dir)],
                          capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "warning:" in proc.stderr and "'exhibition'" in proc.stderr
    with RepoServer(publisher.repo_dir) as server:
        yield server


@pytest.fixture
def cfg(served, publisher, data_dir, tmp_path) -> config_mod.Config:
    # Overrides the conftest cfg: this terminal syncs from the served repository.
    terminal = terminal_config(data_dir, served.url, publisher.root_path)
    return config_mod.load(write_config_file(tmp_path / "kiosk.toml", terminal))


def test_a_newer_event_type_syncs_and_is_listed_and_labelled_as_other(kiosk_ui, qtbot, cfg, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "sync", "--once", "--config", str(tmp_path / "kiosk.toml")],
                          capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stderr

    _, window = kiosk_ui(clock=lambda: SEED_NOW)
    window.openPage("RecordListPage.qml", {"kind": "events"})
    wait_page_built(qtbot, window)
    page = current_page(window)
    qtbot.waitUntil(lambda: bool(find_all(window, "eventType_other")), timeout=10_000)
    shown = [c for c in ("all", *kinds.EVENT_TYPES) if find_all(window, f"eventType_{c}")]
    assert shown == ["all", "briefing", "training", "other"]  # the only lecture is now an "exhibition"
    assert find(window, "eventType_other").property("text") == "其他"

    tap(qtbot, window, find(window, "eventType_other"))
    qtbot.waitUntil(lambda: len(_shown_rows(page)) == 1, timeout=10_000)
    row = _shown_rows(page)[0]
    assert row.objectName() == f"row_{NEWER_EVENT}"
    assert row.property("badge") == "其他"

    tap(qtbot, window, row)
    wait_page_built(qtbot, window)
    qtbot.waitUntil(lambda: find(window, "detailMeta").property("text").startswith("活动类型："), timeout=10_000)
    assert find(window, "detailMeta").property("text").splitlines()[0] == "活动类型：其他"


def _shown_rows(page):
    rows = [i for i in items_below(page) if i.objectName().startswith("row_") and i.isVisible()]
    return sorted(rows, key=lambda r: r.y())


def test_the_rules_take_a_newer_type_and_the_store_counts_it_as_other(content_store):
    def event(rid: str, event_type: str | None) -> dict:
        rec = {"id": rid, "rev": 1, "title": f"活动 {rid}", "summary": "摘要",
               "starts_at": "2026-12-01T09:00:00+08:00", "ends_at": "2026-12-01T11:00:00+08:00"}
        return rec if event_type is None else {**rec, "event_type": event_type}

    records = [event("evt-expo", "exhibition"), event("evt-fair", "job-fair"), event("evt-misc", "other"),
               event("evt-talk", "lecture"), event("evt-untyped", None)]
    # The publisher's strict rules take them (it warns separately), so a terminal's do too.
    validate_manifest({"format": "ipkiosk-manifest/1", "collection": "events", "generation": 1,
                       "records": records, "tombstones": []})
    content.apply_manifests([Manifest("events", 1, records)])
    assert content.event_type_counts() == {"lecture": 1, "other": 3}
    assert {r["id"] for r in content.list_records("events", event_type="other")} == {"evt-expo", "evt-fair",
                                                                                     "evt-misc"}
    assert content.count_records("events", event_type="other") == 3
    assert [r["id"] for r in content.list_records("events", event_type="lecture")] == ["evt-talk"]
