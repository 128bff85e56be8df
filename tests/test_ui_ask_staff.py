"""找工作人员 (ask staff) and the booking panels' contacts, on the running app offscreen with real taps: where,
how and when to reach a person, from the station's settings, on every visitor page."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Q_ARG, QMetaObject

from kiosk.core import config as config_mod
from tests.data_service_double import wait_answered
from tests.ui_helpers import SEED_NOW, SIZES_PX, current_page, find, find_all, items_below, tap, wait_page_built

PHONE = "0371-6788 1234"
DESK = "服务台：一楼东侧"


@pytest.fixture
def cfg(data_dir, request) -> config_mod.Config:
    """A station that set its phone and desk (the hotline keeps its default, 12330), or the settings given."""
    contacts = getattr(request, "param", {"station_phone": PHONE, "station_desk": DESK})
    return config_mod.from_mapping({"data_dir": str(data_dir), **contacts})


def contact_lines(item) -> dict[str, str]:
    """{desk|phone|hotline|hours: text} of the visible StaffContact lines below ITEM."""
    return {i.objectName().removeprefix("staffContact_"): i.property("text")
            for i in items_below(item, visible_only=True) if i.objectName().startswith("staffContact_")}


def save_shot(window, name: str) -> None:
    """The window as a PNG in $KIOSK_TEST_SHOTS, when set (to look at what the test saw)."""
    if os.environ.get("KIOSK_TEST_SHOTS"):
        assert window.grabWindow().save(os.path.join(os.environ["KIOSK_TEST_SHOTS"], name))


def open_page(qtbot, ctx, window, file_name: str, props: dict | None = None) -> None:
    QMetaObject.invokeMethod(window, "openPage", Q_ARG("QVariant", file_name), Q_ARG("QVariant", props or {}))
    wait_page_built(qtbot, window)
    wait_answered(qtbot, ctx.data)


@pytest.mark.parametrize("size_px", SIZES_PX, ids=["portrait", "landscape"])
def test_ask_staff_says_where_how_and_when_and_closes(kiosk_ui, qtbot, size_px):
    ctx, window = kiosk_ui(size_px=size_px, clock=lambda: SEED_NOW)
    button = find(window, "askStaffButton")
    assert button.isVisible() and button.height() >= 64 and button.property("text") == "找工作人员"
    assert find(window, "visitorControls").childItems()[-1] is button, "ask staff is the bar's last control"
    assert find_all(window, "askStaffPanel") == [], "the panel is made on the first tap, not with the window"
    tap(qtbot, window, button)
    panel = find(window, "askStaffPanel")
    assert panel.isVisible()
    assert contact_lines(panel) == {"desk": DESK, "phone": f"本站电话 {PHONE}",
                                    "hotline": "热线 12330（全国知识产权公共服务热线）",
                                    "hours": f"开放时间 {ctx.cfg.station_hours}"}
    assert not find(window, "askStaffShortCode").isVisible(), "no booking on the home screen"
    close = find(window, "askStaffClose")
    assert close.height() >= 64 and close.width() >= 64
    save_shot(window, f"ask-staff-{size_px[0]}x{size_px[1]}.png")
    tap(qtbot, window, close)
    assert not panel.isVisible()
    assert current_page(window).objectName() == "homePage", "closing the panel leaves the page as it was"


def test_ask_staff_explains_the_booking_short_code_on_screen(kiosk_ui, qtbot):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    open_page(qtbot, ctx, window, "BookingPage.qml")
    tap(qtbot, window, find(window, "bookingType_bk-rights-assistance"))
    code = find(window, "bookingQr").property("shortCode")
    assert code
    tap(qtbot, window, find(window, "askStaffButton"))
    note = find(window, "askStaffShortCode")
    assert note.isVisible()
    text = next(i.property("text") for i in items_below(note) if i.property("text"))
    assert f"您的预约短码 {code}：可报给工作人员" in text
    save_shot(window, "ask-staff-booking-1080x1920.png")
    # Another page taking the screen closes it; so does the idle reset, with everything else of the visitor's.
    QMetaObject.invokeMethod(window, "goHome")
    wait_page_built(qtbot, window)
    assert not find(window, "askStaffPanel").isVisible()
    tap(qtbot, window, find(window, "askStaffButton"))
    assert find(window, "askStaffPanel").isVisible()
    QMetaObject.invokeMethod(window, "resetToAttract")
    wait_page_built(qtbot, window)
    assert not find(window, "askStaffPanel").isVisible()


@pytest.mark.parametrize(("cfg", "lines"), [
    ({}, {"hotline"}),  # the demo: neither phone nor desk set
    ({"station_phone": PHONE, "hotline": ""}, {"phone"}),
    ({"hotline": "96336"}, {"hotline"}),  # a local hotline is not called the national one
], indirect=["cfg"], ids=["no-phone-no-desk", "no-hotline", "local-hotline"])
def test_a_setting_left_empty_has_no_line_anywhere(kiosk_ui, qtbot, lines):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    tap(qtbot, window, find(window, "askStaffButton"))
    panel_lines = contact_lines(find(window, "askStaffPanel"))
    assert set(panel_lines) == lines | {"hours"} and all(panel_lines.values())
    national = ctx.cfg.hotline == "12330"
    assert panel_lines.get("hotline", "") == ("热线 12330（全国知识产权公共服务热线）" if national
                                              else f"服务热线 {ctx.cfg.hotline}" if ctx.cfg.hotline else "")
    tap(qtbot, window, find(window, "askStaffClose"))
    open_page(qtbot, ctx, window, "BookingPage.qml")
    tap(qtbot, window, find(window, "bookingType_bk-rights-assistance"))
    booking_lines = contact_lines(find(window, "bookingContact"))
    assert set(booking_lines) == lines and all(booking_lines.values())


@pytest.mark.parametrize("size_px", SIZES_PX, ids=["portrait", "landscape"])
def test_the_rights_assistance_booking_shows_phone_desk_and_hotline_without_scrolling(kiosk_ui, qtbot, size_px):
    ctx, window = kiosk_ui(size_px=size_px, clock=lambda: SEED_NOW)
    open_page(qtbot, ctx, window, "BookingPage.qml", {"serviceId": "svc-ip-rights-assistance"})
    qtbot.waitUntil(lambda: find(window, "bookingQrPanel").isVisible(), timeout=10_000)
    contact = find(window, "bookingContact")
    assert contact_lines(contact) == {"desk": DESK, "phone": f"本站电话 {PHONE}",
                                      "hotline": "热线 12330（全国知识产权公共服务热线）"}
    bar_top = find(window, "visitorBar").mapToScene(find(window, "visitorBar").boundingRect().topLeft()).y()
    for line in (i for i in items_below(contact, visible_only=True) if i.objectName().startswith("staffContact_")):
        box = line.mapRectToScene(line.boundingRect())
        assert box.top() >= 0 and box.bottom() <= bar_top and box.right() <= window.width(), f"{line.objectName()}: {box}"
    save_shot(window, f"booking-contact-{size_px[0]}x{size_px[1]}.png")


def test_the_booking_panel_of_a_service_page_shows_the_contacts(kiosk_ui, qtbot):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    QMetaObject.invokeMethod(window, "openRecord", Q_ARG("QVariant", "svc-patent-application"))
    qtbot.waitUntil(lambda: current_page(window).objectName() == "serviceDetailPage", timeout=10_000)
    wait_page_built(qtbot, window)
    wait_answered(qtbot, ctx.data)
    assert contact_lines(find(window, "bookingContact")) == {"desk": DESK, "phone": f"本站电话 {PHONE}",
                                                             "hotline": "热线 12330（全国知识产权公共服务热线）"}
