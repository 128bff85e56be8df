"""View-models over the real seeded content.db: qtmodeltester, display order, in-place refresh."""

from __future__ import annotations

import json
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex

from kiosk.store import content, seed, station
from kiosk.ui.announcements import AnnouncementsModel
from kiosk.ui.content_models import SERVICE_CATEGORIES, CategoryModel, RecordListModel, RowListModel
from tests.data_service_double import wait_answered
from tests.helpers import REPO_ROOT
from tests.ui_helpers import SEED_NOW


def _rows(model) -> list[dict]:
    return model.rows()


def _page(qtbot, ctx, facade, record_id: str) -> dict:
    """RECORD_ID's detail page as the facade has it once the data service answered (record() asks for it)."""
    assert facade.record(record_id) == {}, "not asked for before: nothing to show yet"
    wait_answered(qtbot, ctx.data)
    return facade.record(record_id)


@pytest.mark.parametrize("kind", ["services", "policies", "notices", "news", "events"])
def test_record_list_model_passes_modeltester(kiosk_ui, qtmodeltester, qtbot, kind):
    ctx, _ = kiosk_ui(clock=lambda: SEED_NOW)
    model = RecordListModel()
    model.kind = kind
    assert model.rowCount() == 0, "a quiet empty list until the answer comes"
    wait_answered(qtbot, ctx.data)
    assert model.rowCount() == content.counts_by_kind()[kind] > 0
    qtmodeltester.check(model, force_py=True)


def test_category_and_announcement_models_pass_modeltester(kiosk_ui, qtmodeltester, qtbot):
    ctx, _ = kiosk_ui(clock=lambda: SEED_NOW)
    categories = CategoryModel()
    wait_answered(qtbot, ctx.data)
    assert [r["name"] for r in _rows(categories)][:8] == list(SERVICE_CATEGORIES)
    # Counts from the seed README: 专利 8, 商标 13, …, 质押融资 3.
    assert {r["name"]: r["count"] for r in _rows(categories)}["商标"] == 13
    qtmodeltester.check(categories, force_py=True)
    station.add_announcement("周五下午停电检修", "本站暂停服务半天。", pinned=True)
    announcements = AnnouncementsModel(ctx)
    wait_answered(qtbot, ctx.data)
    assert announcements.rowCount() == 1 and announcements.tickerText == "周五下午停电检修"
    qtmodeltester.check(announcements, force_py=True)


def test_notices_expired_last_and_events_upcoming_first(kiosk_ui, qtbot):
    ctx, _ = kiosk_ui(clock=lambda: SEED_NOW)
    notices = RecordListModel()
    notices.kind = "notices"
    wait_answered(qtbot, ctx.data)
    flags = [r["inactive"] for r in _rows(notices)]
    assert flags == sorted(flags) and flags.count(True) == 2  # two seed notices have expired
    assert {r["section"] for r in _rows(notices) if r["inactive"]} == {"已过期"}
    events = RecordListModel()
    events.kind = "events"
    wait_answered(qtbot, ctx.data)
    rows = _rows(events)
    upcoming = [r for r in rows if not r["inactive"]]
    assert len(upcoming) == 4 and rows[:4] == upcoming
    assert [r["recordId"] for r in upcoming] == sorted((r["recordId"] for r in upcoming),
                                                       key=lambda rid: content.get_record(rid)["starts_at"])


def test_category_filter(kiosk_ui, qtbot):
    ctx, _ = kiosk_ui(clock=lambda: SEED_NOW)
    model = RecordListModel()
    model.kind = "services"
    model.category = "地理标志"
    wait_answered(qtbot, ctx.data)
    assert model.rowCount() == 2
    assert all(content.get_record(r["recordId"])["category"] == "地理标志" for r in _rows(model))


def test_content_change_updates_rows_in_place_without_reset(kiosk_ui, tmp_path, qtbot):
    ctx, _ = kiosk_ui(clock=lambda: SEED_NOW)
    model = RecordListModel()
    model.kind = "notices"
    wait_answered(qtbot, ctx.data)
    before = [r["recordId"] for r in _rows(model)]
    resets, removed, inserted = [], [], []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsRemoved.connect(lambda parent, first, last: removed.append(first))
    model.rowsInserted.connect(lambda parent, first, last: inserted.append(first))

    source = tmp_path / "content"
    shutil.copytree(REPO_ROOT / "assets" / "content", source)
    doc = json.loads((source / "notices.json").read_text(encoding="utf-8"))
    gone = doc["records"].pop(0)["id"]
    fresh = dict(doc["records"][0], id="ntc-test-fresh", title="新通知：测试", published_at="2026-11-23", rev=1)
    doc["records"].append(fresh)
    (source / "notices.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    manifests = [m for m in seed.load_source_dir(source, 1) if m.collection == "notices"]
    content.apply_manifests(manifests, source="sync")

    with qtbot.waitSignal(ctx.content_changed, timeout=5000):
        ctx.shell.poll_content()
    wait_answered(qtbot, ctx.data)
    after = [r["recordId"] for r in _rows(model)]
    assert gone in before and gone not in after and after[0] == "ntc-test-fresh"
    assert resets == [] and removed and inserted
    assert model.rowCount() == len(before)


def test_set_rows_reconciles_moves_inserts_and_removals(qtmodeltester):
    class Plain(RowListModel):
        ROLES = ("recordId", "title")

    model = Plain()
    model.set_rows([{"recordId": k, "title": k} for k in "abcde"])
    qtmodeltester.check(model, force_py=True)
    model.set_rows([{"recordId": k, "title": k.upper()} for k in "ecxa"])
    assert [model.data(model.index(i, 0)) for i in range(model.rowCount(QModelIndex()))] == ["E", "C", "X", "A"]
    qtmodeltester.check(model, force_py=True)


def test_set_rows_moves_neighbouring_rows_as_one_run(qtmodeltester):
    """A first fill is one insertion and a block of gone rows one removal, however many rows: a list of
    30,000 records would otherwise update its view 30,000 times on the GUI thread."""

    class Plain(RowListModel):
        ROLES = ("recordId", "title")

    model = Plain()
    signals: list[tuple[str, int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: signals.append(("inserted", first, last)))
    model.rowsRemoved.connect(lambda _parent, first, last: signals.append(("removed", first, last)))
    model.dataChanged.connect(lambda top, bottom, _roles: signals.append(("changed", top.row(), bottom.row())))
    keys = [f"r{i:05d}" for i in range(3000)]
    model.set_rows([{"recordId": k, "title": k} for k in keys])
    assert signals == [("inserted", 0, 2999)]
    signals.clear()
    kept = keys[:1000] + keys[2000:]
    model.set_rows([{"recordId": k, "title": k.upper() if k < "r00010" else k} for k in kept])
    assert signals == [("removed", 1000, 1999), ("changed", 0, 9)]
    assert model.rows()[9]["title"] == "R00009" and model.rows()[1000]["recordId"] == "r02000"
    qtmodeltester.check(model, force_py=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from("abcdefghij"), unique=True), st.lists(st.sampled_from("abcdefghij"), unique=True),
       st.sets(st.sampled_from("abcdefghij")))
def test_set_rows_ends_with_exactly_the_new_rows(old, new, retitled):
    class Plain(RowListModel):
        ROLES = ("recordId", "title")

    model = Plain()
    model.set_rows([{"recordId": k, "title": k} for k in old])
    rows = [{"recordId": k, "title": k.upper() if k in retitled else k} for k in new]
    model.set_rows(rows)
    assert model.rows() == rows
    assert [model.data(model.index(i, 0)) for i in range(model.rowCount())] == [r["title"] for r in rows]


def test_service_detail_carries_every_guide_field(kiosk_ui, qtbot):
    ctx, _ = kiosk_ui(clock=lambda: SEED_NOW)
    facade = next(vm for vm in ctx.view_models if type(vm).__name__ == "ContentFacade")
    rec = _page(qtbot, ctx, facade, "svc-patent-application")
    for key in ("conditions", "timeLimit", "fee", "provider"):
        assert rec[key], key
    for key in ("materials", "process", "channels"):
        assert rec[key] and all(block["text"] for block in rec[key]), key
    assert [b["marker"] for b in rec["process"]][:2] == ["1.", "2."]
    assert rec["bookingTypeId"] == "bk-patent-consult" and rec["bookingLabel"] == "预约专利咨询"
    assert _page(qtbot, ctx, facade, "svc-does-not-exist") == {}


def test_notice_and_event_details_are_time_aware(kiosk_ui, qtbot):
    ctx, _ = kiosk_ui(clock=lambda: SEED_NOW)
    facade = next(vm for vm in ctx.view_models if type(vm).__name__ == "ContentFacade")
    expired = _page(qtbot, ctx, facade, "ntc-20260908-ip-search-training-phase1")
    assert expired["expired"] is True and expired["validUntil"] == "2026-10-20 17:00"
    past = _page(qtbot, ctx, facade, "evt-20261020-ip-search-training-1")
    assert past["past"] is True and past["time"] == "2026-10-20 14:00–17:00"
    assert [r["recordId"] for r in past["related"]] == ["ntc-20260908-ip-search-training-phase1"]
    policy = _page(qtbot, ctx, facade, "pol-zz-2022-140-notice")
    assert policy["docNumber"] == "郑市监文〔2022〕140号" and policy["issuer"].startswith("郑州市市场监督管理局")


def test_window_size_follows_orientation(qapp):
    from kiosk.core import config as config_mod
    from kiosk.ui.app import window_size_px

    assert window_size_px(config_mod.from_mapping({"orientation": "portrait"})) == (1080, 1920)
    assert window_size_px(config_mod.from_mapping({"orientation": "landscape"})) == (1920, 1080)
    screen = qapp.primaryScreen().geometry()
    assert window_size_px(config_mod.from_mapping({"orientation": "auto"})) == (screen.width(), screen.height())
