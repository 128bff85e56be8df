"""The attract screen invites: a touch on a slide opens what it shows, the invitation slides (免费专利咨询,
扫码预约维权援助, 大字与朗读) lead where they say, and the words under the carousel match where a touch goes.
The whole UI offscreen on the seeded content, real taps.
"""

from __future__ import annotations

import pytest

from kiosk.store import station
from kiosk.ui.attract_model import invitations
from tests.ui_helpers import SEED_NOW, SIZES_PX, current_page, find, find_all, tap, wait_page_built

INVITATION_KEYS = ["patentConsult", "rightsAssistance", "largeText"]


def _attract(kiosk_ui, qtbot, size_px=(1080, 1920)):
    ctx, window = kiosk_ui(size_px=size_px, clock=lambda: SEED_NOW)
    window.resetToAttract()
    wait_page_built(qtbot, window)
    page = current_page(window)
    assert page.objectName() == "attractPage"
    qtbot.waitUntil(lambda: page.property("slideCount") == 4 + 3, timeout=10_000)  # 4 upcoming events, 3 invitations
    return ctx, window, page


def _show(qtbot, window, page, object_name: str):
    """Bring the slide OBJECT_NAME to the screen, as the carousel's timer would."""
    slide = next(s for s in find_all(window, object_name))
    page.setProperty("currentSlide", slide.property("slideIndex"))
    qtbot.waitUntil(slide.isVisible, timeout=2000)
    return slide


def _after_a_tap_on(qtbot, window, item) -> str:
    tap(qtbot, window, item)
    wait_page_built(qtbot, window)
    qtbot.waitUntil(lambda: current_page(window).objectName() != "attractPage", timeout=5000)
    wait_page_built(qtbot, window)
    return current_page(window).objectName()


@pytest.mark.parametrize("size_px", SIZES_PX, ids=["portrait", "landscape"])
def test_tapping_an_event_slide_opens_that_event_and_back_leads_home(kiosk_ui, qtbot, size_px):
    _, window, page = _attract(kiosk_ui, qtbot, size_px)
    slide = _show(qtbot, window, page, "attractEvent_1")
    qtbot.waitUntil(lambda: find(window, "attractStartHint").property("text") == "轻触卡片，查看活动详情", timeout=3000)
    assert find(window, "attractElsewhereHint").property("text") == "轻触卡片以外的地方，进入首页"
    assert _after_a_tap_on(qtbot, window, slide) == "recordDetailPage"
    assert current_page(window).property("recordId") == "evt-20270114-overseas-ip-lecture"
    tap(qtbot, window, find(window, "navBack"))
    wait_page_built(qtbot, window)
    assert current_page(window).objectName() == "homePage"


def test_tapping_an_announcement_slide_opens_the_station_notices(kiosk_ui, qtbot):
    _, window, page = _attract(kiosk_ui, qtbot)
    station.add_announcement("本周五下午暂停对外服务", "因设备检修暂停。")
    qtbot.waitUntil(lambda: page.property("announcementCount") == 1, timeout=5000)
    slide = _show(qtbot, window, page, "attractAnnouncement_0")
    qtbot.waitUntil(lambda: find(window, "attractStartHint").property("text") == "轻触卡片，阅读本站公告", timeout=3000)
    assert _after_a_tap_on(qtbot, window, slide) == "stationNoticesPage"


def test_the_hint_follows_when_the_slide_on_screen_goes_away(kiosk_ui, qtbot):
    """Staff withdraw the announcement being shown: the slide now in its place (the first event) names its own
    target; the line never falls back to the words of a slide that has gone, nor to 轻触屏幕开始."""
    _, window, page = _attract(kiosk_ui, qtbot)
    added = station.add_announcement("本周五下午暂停对外服务", "因设备检修暂停。")
    qtbot.waitUntil(lambda: page.property("announcementCount") == 1, timeout=5000)
    _show(qtbot, window, page, "attractAnnouncement_0")
    hint = find(window, "attractStartHint")
    qtbot.waitUntil(lambda: hint.property("text") == "轻触卡片，阅读本站公告", timeout=3000)
    station.remove_announcement(added.id)
    qtbot.waitUntil(lambda: page.property("announcementCount") == 0, timeout=5000)
    assert page.property("currentSlide") == 0
    qtbot.waitUntil(lambda: find(window, "attractEvent_0").isVisible(), timeout=3000)
    qtbot.waitUntil(lambda: hint.property("text") == "轻触卡片，查看活动详情", timeout=3000)


def test_invitation_slides_lead_where_they_say(kiosk_ui, qtbot):
    ctx, window, page = _attract(kiosk_ui, qtbot)
    slides = {key: find(window, f"attractInvitation_{key}") for key in INVITATION_KEYS}
    assert [s.property("heading") for s in slides.values()] == ["免费专利咨询", "扫码预约维权援助", "大字与朗读"]

    _show(qtbot, window, page, "attractInvitation_rightsAssistance")
    qtbot.waitUntil(lambda: find(window, "attractStartHint").property("text") == "轻触卡片，看维权援助指南并扫码预约", timeout=3000)
    assert _after_a_tap_on(qtbot, window, slides["rightsAssistance"]) == "serviceDetailPage"
    assert current_page(window).property("recordId") == "svc-ip-rights-assistance"

    window.resetToAttract()
    wait_page_built(qtbot, window)
    page = current_page(window)
    qtbot.waitUntil(lambda: page.property("slideCount") == 7, timeout=10_000)
    assert ctx.shell.largeText is False
    slide = _show(qtbot, window, page, "attractInvitation_largeText")
    qtbot.waitUntil(lambda: find(window, "attractStartHint").property("text") == "轻触卡片，开启大字并进入首页", timeout=3000)
    assert _after_a_tap_on(qtbot, window, slide) == "homePage"
    assert ctx.shell.largeText is True


def test_a_touch_off_the_slide_starts_at_home(kiosk_ui, qtbot):
    _, window, page = _attract(kiosk_ui, qtbot)
    _show(qtbot, window, page, "attractInvitation_patentConsult")
    assert _after_a_tap_on(qtbot, window, find(window, "attractTitle")) == "homePage"


def test_an_invitation_to_a_service_the_content_lacks_is_left_out():
    assert [row["key"] for row in invitations({"svc-patent-application", "svc-ip-rights-assistance"})] == \
        INVITATION_KEYS
    assert [row["key"] for row in invitations({"svc-ip-rights-assistance"})] == ["rightsAssistance", "largeText"]
    assert [row["key"] for row in invitations(set())] == ["largeText"]
