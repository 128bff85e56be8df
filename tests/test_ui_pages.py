"""Every browse/read page loads without a QML warning at 1080×1920 and 1920×1080 (the strict
pytest config fails a test on any Qt warning) and every touch target on it is at least 64 px."""

from __future__ import annotations

import pytest
from PySide6.QtQuick import QQuickItem

from kiosk.store import station
from tests.ui_helpers import SEED_NOW, SIZES_PX, current_page, find, wait_page_built

PAGES = [
    ("HomePage.qml", {}, "homePage"),
    ("CatalogPage.qml", {}, "catalogPage"),
    ("CatalogPage.qml", {"category": "质押融资"}, "catalogPage"),
    ("ServiceDetailPage.qml", {"recordId": "svc-patent-application"}, "serviceDetailPage"),
    ("ServiceDetailPage.qml", {"recordId": "svc-no-such-service"}, "serviceDetailPage"),
    ("RecordListPage.qml", {"kind": "policies"}, "recordListPage"),
    ("RecordListPage.qml", {"kind": "notices"}, "recordListPage"),
    ("RecordListPage.qml", {"kind": "news"}, "recordListPage"),
    ("RecordListPage.qml", {"kind": "events"}, "recordListPage"),
    ("RecordDetailPage.qml", {"recordId": "pol-zz-2022-140-plan"}, "recordDetailPage"),
    ("RecordDetailPage.qml", {"recordId": "ntc-20260908-ip-search-training-phase1"}, "recordDetailPage"),
    ("RecordDetailPage.qml", {"recordId": "nws-20260825-digest-public-service-plan"}, "recordDetailPage"),
    ("RecordDetailPage.qml", {"recordId": "evt-20261020-ip-search-training-1"}, "recordDetailPage"),
    ("StationNoticesPage.qml", {}, "stationNoticesPage"),
]
MIN_TARGET_PX = 64


def _touch_targets(root: QQuickItem) -> list[QQuickItem]:
    found, todo = [], [root]
    while todo:
        item = todo.pop()
        if not item.isVisible():
            continue
        if item.metaObject().className().startswith("QQuickMouseArea") and item.isEnabled():
            found.append(item)
        todo.extend(item.childItems())
    return found


@pytest.mark.parametrize("size_px", SIZES_PX, ids=["portrait", "landscape"])
@pytest.mark.parametrize("file_name,props,object_name", PAGES,
                         ids=[f"{p[0][:-4]}-{next(iter(p[1].values()), '')}" for p in PAGES])
def test_page_loads_cleanly_with_large_targets(kiosk_ui, qtbot, size_px, file_name, props, object_name):
    ctx, window = kiosk_ui(size_px=size_px, clock=lambda: SEED_NOW)
    station.add_announcement("本周六上午正常开放", "**周六** 9:00–12:00 提供咨询。", pinned=True)
    window.openPage(file_name, props)
    wait_page_built(qtbot, window)
    qtbot.wait(2100 if file_name == "StationNoticesPage.qml" else 200)  # announcements poll every 2 s
    page = current_page(window)
    assert page.objectName() == object_name
    assert page.width() == size_px[0]
    if file_name == "StationNoticesPage.qml":
        assert find(window, "announcementList").property("count") == 1
    targets = _touch_targets(page)
    if file_name != "HomePage.qml":
        targets += _touch_targets(find(window, "navBar"))
    small = [(t.parentItem().objectName() or t.parentItem().metaObject().className(), t.width(), t.height())
             for t in targets if min(t.width(), t.height()) < MIN_TARGET_PX]
    assert small == []
    assert ctx.network_factory.refused_urls == []
