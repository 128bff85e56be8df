"""Visitor flows driven by real mouse events on the offscreen window, over the seeded content."""

from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtQml import QQmlComponent

from kiosk.core.listing import in_visitor_order
from kiosk.store import content, seed
from tests.helpers import REPO_ROOT
from tests.ui_helpers import SEED_NOW, SIZES_PX, current_page, find, find_all, tap


@pytest.mark.parametrize("size_px", SIZES_PX, ids=["portrait", "landscape"])
def test_home_to_service_to_booking_qr_in_three_taps(kiosk_ui, qtbot, size_px):
    ctx, window = kiosk_ui(size_px=size_px, clock=lambda: SEED_NOW)
    tap(qtbot, window, find(window, "tile_services"))                       # 1: 服务事项
    assert current_page(window).objectName() == "catalogPage"
    tap(qtbot, window, find(window, "category_专利"))                        # 2: category (already the default)
    tap(qtbot, window, find(window, "row_svc-patent-application"))          # 3: the service
    page = current_page(window)
    assert page.objectName() == "serviceDetailPage"
    assert find(window, "detailTitle").property("text") == "专利申请受理"
    assert find(window, "navBar").isVisible()
    # The booking QR (BookingQr.qml from the booking module) is on screen without scrolling.
    qr = find(window, "bookingQr")
    assert qr.isVisible() and qr.width() >= 300
    top_left = qr.mapToScene(qr.boundingRect().topLeft())
    assert top_left.y() >= 0 and top_left.y() + 300 <= window.height()
    # Back returns to the catalogue, home to the start.
    tap(qtbot, window, find(window, "navBack"))
    assert current_page(window).objectName() == "catalogPage"
    tap(qtbot, window, find(window, "navHome"))
    assert current_page(window).objectName() == "homePage"
    assert ctx.network_factory.refused_urls == []


@pytest.mark.parametrize("tile,kind", [("tile_policies", "policies"), ("tile_notices", "notices"),
                                       ("tile_news", "news"), ("tile_events", "events")])
def test_each_collection_list_opens_its_detail(kiosk_ui, qtbot, tile, kind):
    _, window = kiosk_ui(clock=lambda: SEED_NOW)
    tap(qtbot, window, find(window, tile))
    assert current_page(window).objectName() == "recordListPage"
    # The top row is the newest current item (for events: the next upcoming one).
    first = in_visitor_order(kind, content.list_records(kind), SEED_NOW)[0]["id"]
    record = content.get_record(first)
    assert not (kind == "events" and record["ends_at"] < SEED_NOW.isoformat())
    tap(qtbot, window, find(window, f"row_{first}"))
    assert current_page(window).objectName() == "recordDetailPage"
    assert find(window, "detailTitle").property("text") == record["title"]


def test_expired_notice_is_marked(kiosk_ui, qtbot):
    _, window = kiosk_ui(clock=lambda: SEED_NOW)
    window.openRecord("ntc-20260908-ip-search-training-phase1")
    qtbot.wait(450)
    badge = find(window, "expiredBadge")
    assert badge.isVisible()


def test_idle_countdown_touch_cancels_then_timeout_resets_to_attract(kiosk_ui, qtbot):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW, idle_timeout_ms=1500, reading_idle_timeout_ms=1500,
                          countdown_s=1)
    resets = []
    ctx.shell.visitorResetDone.connect(lambda: resets.append("python"))
    window.visitorReset.connect(lambda: resets.append("qml"))
    tap(qtbot, window, find(window, "tile_services"))
    tap(qtbot, window, find(window, "row_svc-patent-application"))
    assert find(window, "pageStack").property("depth") == 3
    overlay = find(window, "idleOverlay")
    assert not overlay.isVisible()
    qtbot.waitUntil(overlay.isVisible, timeout=3000)
    tap(qtbot, window, overlay, settle_ms=50)        # a touch cancels the countdown
    assert not overlay.isVisible() and find(window, "pageStack").property("depth") == 3
    qtbot.waitUntil(lambda: resets == ["python", "qml"], timeout=4000)
    stack = find(window, "pageStack")
    assert stack.property("depth") == 1
    assert current_page(window).objectName() == "attractPage"


def test_visitor_reset_calls_reset_on_every_registered_view_model(kiosk_ui, qtbot):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    calls = []

    class Recorder:  # stands for one more registered view-model
        def reset(self):
            calls.append("reset")

    ctx.view_models.append(Recorder())
    window.resetToAttract()
    qtbot.wait(50)
    assert calls == ["reset"]
    assert all(callable(getattr(vm, "reset", None)) for vm in ctx.view_models)


def test_admin_hot_corner_needs_five_taps_within_three_seconds(kiosk_ui, qtbot):
    _ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    requests = []
    window.adminRequested.connect(lambda: requests.append(1))
    corner = find(window, "adminHotCorner")
    assert corner.width() == corner.height() == 120
    for _ in range(4):
        tap(qtbot, window, corner, settle_ms=20)
    assert requests == [] and find(window, "pageStack").property("depth") == 1
    tap(qtbot, window, corner, settle_ms=450)
    assert requests == [1]
    assert find(window, "pageStack").property("depth") == 2  # the PIN pad


def test_admin_hot_corner_ignores_taps_spread_over_more_than_three_seconds(kiosk_ui, qtbot):
    _ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    requests = []
    window.adminRequested.connect(lambda: requests.append(1))
    corner = find(window, "adminHotCorner")
    for _ in range(4):
        tap(qtbot, window, corner, settle_ms=20)
    qtbot.wait(3100)  # the corner counts real time (Date.now()): the first four taps expire
    tap(qtbot, window, corner, settle_ms=20)
    assert requests == []
    for _ in range(4):  # ...but the fifth tap counts towards a fresh series
        tap(qtbot, window, corner, settle_ms=20)
    assert requests == [1]


class _CountingHandler(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self):  # http.server API
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    _CountingHandler.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, _CountingHandler.hits
    server.shutdown()
    server.server_close()


@pytest.mark.qt_log_ignore("network access is disabled")  # the probe image below is refused on purpose
def test_hostile_body_and_remote_image_cause_no_network_io(kiosk_ui, qtbot, http_server, tmp_path):
    server, hits = http_server
    port = server.server_address[1]
    base = f"http://127.0.0.1:{port}"
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    # A notice whose body carries HTML images, a Markdown link and a bare URL, applied like a sync.
    source = tmp_path / "content"
    shutil.copytree(REPO_ROOT / "assets" / "content", source)
    doc = json.loads((source / "notices.json").read_text(encoding="utf-8"))
    hostile = dict(doc["records"][0], id="ntc-hostile", rev=1, title="带外链的通知",
                   body=f'<img src="{base}/x.png">\n\n![图]({base}/y.png) [链接]({base}/page) {base}/bare\n\n'
                        f'<a href="{base}/a">点这里</a>')
    doc["records"].append(hostile)
    (source / "notices.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    content.apply_manifests([m for m in seed.load_source_dir(source, 1) if m.collection == "notices"])
    ctx.shell.poll_content()
    window.openRecord("ntc-hostile")
    qtbot.wait(600)
    assert find(window, "detailTitle").property("text") == "带外链的通知"

    # And the engine itself refuses: a QML Image with a remote source gets no bytes.
    component = QQmlComponent(ctx.engine)
    component.setData(f'import QtQuick\nItem {{ property bool failed: img.status === Image.Error\n'
                      f'Image {{ id: img; source: "{base}/direct.png" }} }}'.encode(), QUrl("file:///probe.qml"))
    image = component.create()
    qtbot.waitUntil(lambda: image.property("failed") is True, timeout=2000)
    qtbot.wait(200)
    assert hits == []
    assert ctx.network_factory.refused_urls == [f"{base}/direct.png"]
    image.deleteLater()


def test_content_update_keeps_the_visitors_place(kiosk_ui, qtbot, tmp_path):
    ctx, window = kiosk_ui(size_px=(1920, 1080), clock=lambda: SEED_NOW)
    window.openPage("CatalogPage.qml", {"category": "商标"})
    qtbot.wait(200)
    services = find(window, "serviceList")
    services.setProperty("contentY", 400.0)
    qtbot.wait(50)
    y_before = services.property("contentY")
    assert y_before > 0
    # The sync process applies a new generation: one 商标 title changes, one service is added.
    source = tmp_path / "content"
    shutil.copytree(REPO_ROOT / "assets" / "content", source)
    doc = json.loads((source / "services.json").read_text(encoding="utf-8"))
    trademark = [r for r in doc["records"] if r["category"] == "商标"]
    trademark[-1].update(title=trademark[-1]["title"] + "（新版）", rev=trademark[-1]["rev"] + 1)
    doc["records"].append(dict(trademark[0], id="svc-zz-test-new", title="测试新增商标事项", rev=1, hot=False))
    (source / "services.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    content.apply_manifests([m for m in seed.load_source_dir(source, 1) if m.collection == "services"])
    ctx.shell.poll_content()
    # The new rows come when the data service has answered (a busy machine takes longer than 100 ms).
    qtbot.waitUntil(lambda: services.property("count") == 14, timeout=10_000)
    assert current_page(window).objectName() == "catalogPage"
    assert services.property("contentY") == y_before
    assert find(window, "category_商标").property("text") == "商标  14"  # the count on the chip follows


def test_no_countdown_while_the_attract_screen_shows(kiosk_ui, qtbot):
    _ctx, window = kiosk_ui(clock=lambda: SEED_NOW, idle_timeout_ms=300, countdown_s=1)
    window.resetToAttract()
    qtbot.wait(50)
    assert current_page(window).objectName() == "attractPage"
    qtbot.wait(900)
    assert not find(window, "idleOverlay").isVisible()
    # A touch on the attract screen (off the slide) starts the visit at home, and the idle timer runs again.
    tap(qtbot, window, find(window, "attractTitle"))
    assert current_page(window).objectName() == "homePage"
    qtbot.waitUntil(find(window, "idleOverlay").isVisible, timeout=2000)


def test_upcoming_event_offers_registration_qr_and_past_event_greys_it_out(kiosk_ui, qtbot):
    _, window = kiosk_ui(clock=lambda: SEED_NOW)
    window.openRecord("evt-20261210-ip-search-training-2")
    qtbot.wait(450)
    assert find(window, "eventRegistration").property("closed") is False
    assert find(window, "bookingQr").isVisible()
    window.openRecord("evt-20261020-ip-search-training-1")
    qtbot.wait(450)
    registration = find(window, "eventRegistration")
    assert registration.property("closed") is True
    assert not [q for q in find_all(window, "bookingQr") if q.isVisible()]


def test_a_page_is_shown_when_built_and_a_newer_request_supersedes_it(kiosk_ui, qtbot):
    """Pages are built a few objects per frame (PageStack): the current page stays on screen meanwhile,
    and a page asked for while another is still being built takes its place; the superseded one goes."""
    _, window = kiosk_ui(clock=lambda: SEED_NOW)
    stack = find(window, "pageStack")
    assert current_page(window).objectName() == "homePage"
    window.openPage("SearchPage.qml", {})
    assert stack.property("loading") is True
    assert current_page(window).objectName() == "homePage" and stack.property("depth") == 1
    window.openPage("CatalogPage.qml", {"category": "商标"})
    qtbot.waitUntil(lambda: not stack.property("loading"), timeout=5000)
    assert current_page(window).objectName() == "catalogPage"
    assert stack.property("depth") == 2
    assert find(window, "homePage").isVisible() is False
    qtbot.waitUntil(lambda: find_all(window, "searchPage") == [], timeout=2000)
