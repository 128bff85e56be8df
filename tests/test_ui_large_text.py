"""大字 (large-text) mode and time to read, on the real window over the seeded content: the toggle scales
every text and target, every visitor page keeps its text inside its boxes in large mode at both sizes, the
idle reset returns to the station's default, reading pages wait longer and the countdown offers 继续浏览."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QObject, QRectF
from PySide6.QtGui import QAccessible, QColor
from PySide6.QtQuick import QQuickItem

from kiosk.core import config as config_mod
from tests.helpers import REPO_ROOT
from tests.ui_helpers import SEED_NOW, SIZES_PX, current_page, find, items_below, tap, wait_page_built

LARGE_MIN_TEXT_PX = 30
LARGE_MIN_TARGET_PX = 88
TOLERANCE_PX = 1.0

# Every visitor page as a visitor reaches it (file, properties), in large mode.
VISITOR_PAGES = [
    ("HomePage.qml", {}),
    ("CatalogPage.qml", {}),
    ("RecordListPage.qml", {"kind": "policies"}),
    ("RecordListPage.qml", {"kind": "notices"}),
    ("RecordListPage.qml", {"kind": "news"}),
    ("RecordListPage.qml", {"kind": "events"}),
    ("ServiceDetailPage.qml", {"recordId": "svc-patent-application"}),
    ("RecordDetailPage.qml", {"recordId": "pol-zz-2022-140-plan"}),
    ("RecordDetailPage.qml", {"recordId": "ntc-20260908-ip-search-training-phase1"}),
    ("RecordDetailPage.qml", {"recordId": "evt-20261020-ip-search-training-1"}),
    ("SearchPage.qml", {}),
    ("SearchPage.qml", {"initialQuery": "zl"}),
    ("BookingPage.qml", {}),
    ("BookingPage.qml", {"serviceId": "svc-patent-application"}),
    ("StationNoticesPage.qml", {}),
    ("AttractPage.qml", {}),
]
# Text that moves through a clipping lane on purpose (the announcement ticker scrolls long titles).
MOVING_TEXT = {"tickerText"}


def _class(item: QQuickItem) -> str:
    return item.metaObject().className()


def _scene_rect(item: QQuickItem) -> QRectF:
    return item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))


def _shown_texts(root: QQuickItem) -> list[QQuickItem]:
    """The visible, non-empty Text items below ROOT (opacity 0 counts as hidden)."""
    return [i for i in items_below(root, visible_only=True)
            if i.inherits("QQuickText") and i.property("text") and i.opacity() > 0]


def _inside(inner: QRectF, outer: QRectF) -> bool:
    return (inner.left() >= outer.left() - TOLERANCE_PX and inner.right() <= outer.right() + TOLERANCE_PX
            and inner.top() >= outer.top() - TOLERANCE_PX and inner.bottom() <= outer.bottom() + TOLERANCE_PX)


def _boxes(item: QQuickItem) -> list[QQuickItem]:
    """The ancestors of ITEM that bound what it may draw over: painted rectangles and clipping items, up to the
    content of the nearest Flickable (what lies beyond a scrolling view is reached by scrolling, not cut off)."""
    found = []
    parent = item.parentItem()
    while parent is not None:
        grand = parent.parentItem()
        if grand is not None and grand.inherits("QQuickFlickable"):
            break  # PARENT is a Flickable's content item
        painted = parent.inherits("QQuickRectangle") and (
            QColor(parent.property("color")).alpha() > 0 or parent.property("border").property("width") > 0)
        if painted or parent.clip():
            found.append(parent)
        parent = grand
    return found


def _text_problems(window, root: QQuickItem) -> list[str]:
    """Every shown text below ROOT that is cut off: wider or taller than its own box (drawn past it), outside the
    window, or outside a box it sits in; and every text smaller than LARGE_MIN_TEXT_PX."""
    problems = []
    screen = QRectF(0, 0, window.width(), window.height())
    for text in _shown_texts(root):
        label = f"{text.objectName() or _class(text)} {str(text.property('text'))[:24]!r}"
        size = text.property("font").pixelSize()
        if size < LARGE_MIN_TEXT_PX:
            problems.append(f"{label}: {size} px text")
        if text.property("contentWidth") > text.width() + TOLERANCE_PX:
            problems.append(f"{label}: drawn {text.property('contentWidth'):.0f} px wide in a {text.width():.0f} px box")
        if text.property("contentHeight") > text.height() + TOLERANCE_PX:
            problems.append(f"{label}: drawn {text.property('contentHeight'):.0f} px tall in a {text.height():.0f} px box")
        if text.property("truncated"):
            problems.append(f"{label}: elided or cut to {text.property('lineCount')} line(s)")
        if text.objectName() in MOVING_TEXT:
            continue
        rect = _scene_rect(text)
        scrollers = [a for a in _ancestors(text) if a.inherits("QQuickFlickable")]
        sideways = any(a.property("contentWidth") > a.width() + TOLERANCE_PX for a in scrollers)
        if (not sideways and (rect.left() < -TOLERANCE_PX or rect.right() > screen.right() + TOLERANCE_PX)) or (
                not scrollers and not _inside(rect, screen)):
            problems.append(f"{label}: off screen at {rect.getRect()}")
        for box in _boxes(text):
            if not _inside(rect, _scene_rect(box)):
                problems.append(f"{label}: outside its {box.objectName() or _class(box)} at {rect.getRect()}")
                break
    return problems


def _ancestors(item: QQuickItem) -> list[QQuickItem]:
    found, parent = [], item.parentItem()
    while parent is not None:
        found.append(parent)
        parent = parent.parentItem()
    return found


def _open(qtbot, window, file_name: str, props: dict) -> QQuickItem:
    if file_name == "AttractPage.qml":
        window.showPage(file_name, props)
    elif file_name != "HomePage.qml":
        window.openPage(file_name, props)
    qtbot.wait(30)
    wait_page_built(qtbot, window)
    qtbot.wait(600)  # the data service's answers, images and the first layout passes
    return current_page(window)


def _accessible(item: QQuickItem):
    QAccessible.setActive(True)
    iface = QAccessible.queryAccessibleInterface(item)
    assert iface is not None and iface.isValid()
    return iface


def test_toggle_grows_every_text_and_target_and_the_idle_reset_returns_the_default(kiosk_ui, qtbot):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    _open(qtbot, window, "ServiceDetailPage.qml", {"recordId": "svc-patent-application"})
    toggle = find(window, "largeTextToggle")
    assert toggle.isVisible() and not ctx.shell.property("largeText")
    iface = _accessible(toggle)
    assert iface.text(QAccessible.Text.Name) == "大字模式"
    assert iface.role() == QAccessible.Role.CheckBox
    assert not iface.state().checked
    normal_title = find(window, "detailTitle").property("font").pixelSize()
    normal_back = find(window, "navBack").height()

    tap(qtbot, window, toggle)
    assert ctx.shell.property("largeText")
    assert _accessible(toggle).state().checked
    assert find(window, "detailTitle").property("font").pixelSize() >= normal_title * 1.3
    assert find(window, "navBack").height() >= max(normal_back * 1.3, LARGE_MIN_TARGET_PX)
    # Every text on the page, the back/home bar and the visitor's bar is large; every bar button is a large target.
    for root in (current_page(window), find(window, "navBar"), find(window, "visitorBar")):
        small = [(t.property("text"), t.property("font").pixelSize()) for t in _shown_texts(root)
                 if t.property("font").pixelSize() < LARGE_MIN_TEXT_PX]
        assert small == [], root.objectName()
    bar_buttons = [find(window, "navBack"), find(window, "navHome")] + find(window, "visitorControls").childItems()
    assert [b.height() for b in bar_buttons if b.height() < LARGE_MIN_TARGET_PX] == []

    # A second tap turns it off again; the idle reset returns to the station's default (off) after it is on.
    tap(qtbot, window, toggle)
    assert not ctx.shell.property("largeText")
    assert find(window, "detailTitle").property("font").pixelSize() == normal_title
    tap(qtbot, window, toggle)
    window.resetToAttract()
    qtbot.wait(50)
    assert not ctx.shell.property("largeText")
    window.goHome()
    wait_page_built(qtbot, window)
    assert current_page(window).objectName() == "homePage"
    assert find(window, "largeTextToggle").property("checked") is False
    window.openPage("StationNoticesPage.qml", {})
    wait_page_built(qtbot, window)
    assert find(window, "navBack").height() == normal_back


@pytest.mark.parametrize("size_px", SIZES_PX, ids=["portrait", "landscape"])
@pytest.mark.parametrize("file_name,props", VISITOR_PAGES,
                         ids=[f"{p[0][:-4]}-{next(iter(p[1].values()), '')}" for p in VISITOR_PAGES])
def test_every_visitor_page_keeps_its_large_text_inside_its_boxes(kiosk_ui, qtbot, size_px, file_name, props):
    ctx, window = kiosk_ui(size_px=size_px, clock=lambda: SEED_NOW)
    ctx.shell.largeText = True
    page = _open(qtbot, window, file_name, props)
    roots = [page] + [find(window, name) for name in ("navBar", "visitorBar") if find(window, name).isVisible()]
    problems = [p for root in roots for p in _text_problems(window, root)]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("size_px", SIZES_PX, ids=["portrait", "landscape"])
@pytest.mark.parametrize("file_name,props", [p for p in VISITOR_PAGES if p[0] != "AttractPage.qml"],
                         ids=lambda v: v if isinstance(v, str) else "-".join(map(str, v.values())))
def test_a_page_built_at_normal_size_reflows_when_the_visitor_taps_large_text(kiosk_ui, qtbot, size_px, file_name,
                                                                              props):
    """The visitor taps 大字 on the page already on screen, then goes home: both pages were built at the normal
    size, and both must take the large size whole (tiles grow with their text, nothing stays cut)."""
    ctx, window = kiosk_ui(size_px=size_px, clock=lambda: SEED_NOW)
    page = _open(qtbot, window, file_name, props)
    tap(qtbot, window, find(window, "largeTextToggle"))
    assert ctx.shell.largeText is True
    qtbot.wait(600)
    roots = [page] + [find(window, name) for name in ("navBar", "visitorBar") if find(window, name).isVisible()]
    problems = [p for root in roots for p in _text_problems(window, root)]
    if file_name != "HomePage.qml":
        window.goHome()
        wait_page_built(qtbot, window)
        qtbot.wait(600)
        problems += [f"home, after: {p}" for p in _text_problems(window, current_page(window))]
    assert problems == [], "\n".join(problems)


class TestAStationThatServesMostlyElders:
    """large_text = true: every visit starts in 大字 mode, and the idle reset returns to it."""

    @pytest.fixture
    def cfg(self, data_dir):
        return config_mod.from_mapping({"data_dir": str(data_dir), "large_text": True})

    def test_the_idle_reset_returns_to_large_text(self, kiosk_ui, qtbot):
        ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
        toggle = find(window, "largeTextToggle")
        assert ctx.shell.property("largeText") and toggle.property("checked")
        assert find(window, "stationName").property("font").pixelSize() == 84  # fontHuge: 60 px × 1.4
        tap(qtbot, window, toggle)  # this visitor prefers the normal size
        assert not ctx.shell.property("largeText")
        window.resetToAttract()
        qtbot.wait(50)
        window.goHome()
        wait_page_built(qtbot, window)
        assert ctx.shell.property("largeText") and find(window, "largeTextToggle").property("checked")
        assert min(t.property("font").pixelSize() for t in _shown_texts(current_page(window))) >= LARGE_MIN_TEXT_PX


def test_staff_screens_keep_their_size_in_large_mode(kiosk_ui, qtbot):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    window.openPage("PinPage.qml", {})
    wait_page_built(qtbot, window)
    normal = {t.property("text"): t.property("font").pixelSize() for t in _shown_texts(current_page(window))}
    window.goHome()
    wait_page_built(qtbot, window)
    ctx.shell.largeText = True
    window.openPage("PinPage.qml", {})
    wait_page_built(qtbot, window)
    qtbot.wait(50)
    assert {t.property("text"): t.property("font").pixelSize() for t in _shown_texts(current_page(window))} == normal
    assert not find(window, "visitorBar").isVisible()
    # Back on a visitor page, the visitor's 大字 is still on.
    window.goHome()
    wait_page_built(qtbot, window)
    assert find(window, "largeTextLabel").property("font").pixelSize() >= LARGE_MIN_TEXT_PX


def test_a_reading_page_waits_longer_before_the_countdown(kiosk_ui, qtbot, cfg):
    _ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    assert window.property("onReadingPage") is False
    interval = lambda: _idle_timer(window).property("interval")  # noqa: E731
    assert interval() == cfg.idle_timeout_s * 1000
    for file_name, props in [("ServiceDetailPage.qml", {"recordId": "svc-patent-application"}),
                             ("RecordDetailPage.qml", {"recordId": "pol-zz-2022-140-plan"})]:
        _open(qtbot, window, file_name, props)
        assert interval() == cfg.reading_idle_timeout_s * 1000 == 180_000
        assert _idle_timer(window).property("running")
        window.goBack()
        wait_page_built(qtbot, window)
        assert interval() == cfg.idle_timeout_s * 1000


def _idle_timer(window):
    timer = window.findChild(QObject, "idleTimer")
    assert timer is not None
    return timer


def test_keep_reading_closes_the_countdown_and_the_page_stays(kiosk_ui, qtbot):
    _ctx, window = kiosk_ui(clock=lambda: SEED_NOW, idle_timeout_ms=500, reading_idle_timeout_ms=1200, countdown_s=5)
    _open(qtbot, window, "RecordDetailPage.qml", {"recordId": "pol-zz-2022-140-plan"})
    overlay = find(window, "idleOverlay")
    qtbot.waitUntil(overlay.isVisible, timeout=5000)
    # Opaque: the page does not show through, and the text says where the kiosk goes and when.
    assert QColor(overlay.property("color")).alpha() == 255 and overlay.opacity() == 1
    assert find(window, "idleCountdownText").property("text") == "5 秒后返回欢迎页"
    button = find(window, "idleKeepReading")
    assert min(button.width(), button.height()) >= 64
    iface = _accessible(button)
    assert iface.text(QAccessible.Text.Name) == "继续浏览" and iface.role() == QAccessible.Role.Button
    tap(qtbot, window, button, settle_ms=100)
    assert not overlay.isVisible()
    assert current_page(window).objectName() == "recordDetailPage"
    assert find(window, "pageStack").property("depth") == 2
    # The countdown starts over with the full reading time, not at once.
    qtbot.wait(400)
    assert not overlay.isVisible()
    qtbot.waitUntil(overlay.isVisible, timeout=5000)


def test_selftest_large_text_renders_in_large_text(tmp_path):
    """`ipkiosk selftest --large-text` renders the page as a visitor who tapped 大字 sees it: its audit document (the
    rendered item tree) has no text under 30 px, where the same page without the flag has."""
    import json

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software", XDG_DATA_HOME=str(tmp_path))
    smallest = {}
    for mode in ([], ["--large-text"]):
        out = tmp_path / f"home{len(mode)}.json"
        proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "selftest", "--size", "1920x1080", "--audit",
                               str(out), *mode], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        doc = json.loads(out.read_text(encoding="utf-8"))
        assert doc["large_text"] is bool(mode)
        smallest[bool(mode)] = doc["min_text_px"]
    assert "大字" in proc.stdout
    assert smallest[False] < 30 <= smallest[True], smallest
