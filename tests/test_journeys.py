"""Visitor journeys, walked as a visitor walks them: from home, with real taps counted, at 1080×1920 and
1920×1080. Each ends at what the visitor came for, visible on the screen without scrolling, in at most
MAX_TAPS taps (letters typed on the on-screen keyboard are counted apart, and only in the search journeys).
"""

from __future__ import annotations

import datetime as dt

import pytest
import zxingcpp
from PIL import Image
from PySide6.QtCore import QPointF, QRectF

from kiosk.core import config as config_mod
from tests.data_service_double import wait_answered
from tests.ui_helpers import SIZES_PX, current_page, find, tap, wait_page_built, window_items

MAX_TAPS = 3
# Before the seed's one 宣讲会 (2027-03-18) and after its past trainings: "the nearest" is a real choice.
NOW = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)
PHONE = "0371-6000 1234"
DESK = "服务台：一楼东侧"


@pytest.fixture(params=SIZES_PX, ids=["portrait", "landscape"])
def size_px(request) -> tuple[int, int]:
    return request.param


@pytest.fixture
def cfg(data_dir, tmp_path) -> config_mod.Config:
    # A station that filled in how to reach a person (the ask-staff settings).
    path = tmp_path / "kiosk.toml"
    path.write_text(f'data_dir = "{data_dir}"\nstation_phone = "{PHONE}"\nstation_desk = "{DESK}"\n', encoding="utf-8")
    return config_mod.load(path)


class Journey:
    """One visitor's way from home: every tap is real and counted."""

    def __init__(self, qtbot, ctx, window):
        self.qtbot, self.ctx, self.window = qtbot, ctx, window
        self.taps = 0
        self.letters = 0

    def settle(self) -> None:
        wait_page_built(self.qtbot, self.window)
        wait_answered(self.qtbot, self.ctx.data)
        wait_page_built(self.qtbot, self.window)  # a page the answer opened (a record's detail)
        self.qtbot.wait(50)

    def tap(self, target) -> None:
        """Tap TARGET (an objectName, or the item itself) where the visitor sees it."""
        item = find(self.window, target) if isinstance(target, str) else target
        assert item.isVisible(), f"{item.objectName()} is not on screen"
        assert self.on_screen(item), f"{item.objectName()} is not in view: the visitor would have to scroll to it"
        tap(self.qtbot, self.window, item, settle_ms=50)
        self.taps += 1
        self.settle()

    def type(self, letters: str) -> None:
        """Type LETTERS on the on-screen keyboard (switching between its letter and digit pages as a visitor does)."""
        keyboard = find(self.window, "key_page").parentItem()
        while keyboard is not None and keyboard.property("digitsPage") is None:
            keyboard = keyboard.parentItem()
        for letter in letters:
            if letter.isdigit() != bool(keyboard.property("digitsPage")):
                tap(self.qtbot, self.window, find(self.window, "key_page"), settle_ms=30)
                self.letters += 1
            tap(self.qtbot, self.window, find(self.window, f"key_{letter}"), settle_ms=30)
            self.letters += 1
        self.settle()

    def results(self) -> list:
        """The search results in view, top first."""
        hits = [i for i in window_items(self.window, visible_only=True)
                if i.objectName().startswith("result_") and self.on_screen(i)]
        return sorted(hits, key=lambda i: i.mapToScene(QPointF(0, 0)).y())

    def page(self) -> str:
        return current_page(self.window).objectName()

    def viewport(self) -> QRectF:
        """Where the current page is seen: the page stack's rectangle (between the nav bar and the visitor bar)."""
        stack = find(self.window, "pageStack")
        return stack.mapRectToScene(QRectF(0, 0, stack.width(), stack.height()))

    def on_screen(self, item) -> bool:
        """ITEM is drawn inside the window and not scrolled away (for an item on the page: inside its viewport)."""
        rect = item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))
        window = QRectF(0, 0, self.window.width(), self.window.height())
        if not window.contains(rect.center()):
            return False
        page = current_page(self.window)
        inside_page = page is not None and page.isAncestorOf(item)
        return not inside_page or self.viewport().contains(rect.adjusted(1, 1, -1, -1))

    def visible_texts(self) -> list[str]:
        """Every text the visitor can read now, without scrolling."""
        return [str(i.property("text")) for i in window_items(self.window, visible_only=True)
                if i.property("text") and i.metaObject().className().startswith("QQuickText")
                and i.opacity() > 0 and self.on_screen(i)]

    def sees(self, fragment: str) -> bool:
        return any(fragment in text for text in self.visible_texts())

    def qr_codes(self) -> list[str]:
        """The QR codes on screen, decoded from the rendered window by a real decoder."""
        image = self.window.grabWindow()
        path = f"{self.ctx.cfg.data_path}/journey-screen.png"
        assert image.save(path)
        return [r.text for r in zxingcpp.read_barcodes(Image.open(path), formats=zxingcpp.BarcodeFormat.QRCode)]

    def done_within(self, limit: int = MAX_TAPS) -> None:
        assert self.taps <= limit, f"{self.taps} taps (at most {limit})"


@pytest.fixture
def journey(kiosk_ui, qtbot, size_px) -> Journey:
    ctx, window = kiosk_ui(size_px=size_px, clock=lambda: NOW)
    walk = Journey(qtbot, ctx, window)
    walk.settle()
    assert walk.page() == "homePage"
    return walk


def test_patent_application_and_its_booking_qr(journey):
    journey.tap("hot_svc-patent-application")
    assert journey.page() == "serviceDetailPage"
    qr = find(journey.window, "bookingQrImage")
    if not journey.on_screen(qr):  # portrait: the QR follows the summary, and its chip brings it up
        chips = [c for c in window_items(journey.window, visible_only=True)
                 if c.objectName() == "jumpChip" and c.property("text") == "扫码预约"]
        assert chips, "no 扫码预约 chip"
        journey.tap(chips[0])
    assert journey.on_screen(qr)
    codes = journey.qr_codes()
    assert any("service=svc-patent-application" in code for code in codes), codes
    journey.done_within()


def test_the_trademark_registration_fee_in_view_after_one_tap(journey):
    journey.tap("hot_svc-trademark-registration")
    fee = find(journey.window, "keyFactFirstValue")
    assert journey.on_screen(fee) and str(fee.property("text")).startswith("普通商标270元/类")
    journey.done_within(2)


def test_the_nearest_briefing_and_its_venue(journey):
    journey.tap("tile_events")
    journey.tap("eventType_briefing")
    rows = [i for i in window_items(journey.window, visible_only=True) if i.objectName().startswith("row_")]
    assert rows, "no 宣讲会 listed"
    first = min(rows, key=lambda r: r.mapToScene(QPointF(0, 0)).y())
    assert first.objectName() == "row_evt-20270318-pledge-financing-briefing"
    journey.tap(first.objectName())
    assert journey.page() == "recordDetailPage"
    assert journey.sees("1楼多功能厅"), journey.visible_texts()
    journey.done_within()


def test_the_2022_city_plan_by_typing_140(journey):
    journey.tap("tile_search")
    journey.type("140")
    journey.tap("result_pol-zz-2022-140-notice")
    assert journey.sees("140号"), journey.visible_texts()
    journey.done_within()


def test_rights_assistance_booking_shows_phone_and_desk(journey):
    journey.tap("tile_booking")
    journey.tap("bookingType_bk-rights-assistance")
    assert find(journey.window, "bookingQrImage").isVisible()
    assert journey.sees(PHONE) and journey.sees(DESK) and journey.sees("12330"), journey.visible_texts()
    journey.done_within()


def test_geographical_indication_by_initials(journey):
    journey.tap("tile_search")
    journey.type("dlbz")
    hits = journey.results()
    assert hits and "地理标志" in str(hits[0].property("title")), [h.objectName() for h in hits]
    journey.tap(hits[0].objectName())
    assert journey.page() == "serviceDetailPage" and journey.sees("地理标志")
    journey.done_within()


def test_recovering_from_shangbaio(journey):
    journey.tap("tile_search")
    journey.type("shangbaio")
    assert journey.sees("已为您显示「商标」的结果"), journey.visible_texts()
    hits = journey.results()
    assert hits and "商标" in str(hits[0].property("title"))
    journey.tap(hits[0].objectName())
    assert journey.page() == "serviceDetailPage"
    journey.done_within()
