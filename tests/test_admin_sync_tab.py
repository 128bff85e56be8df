"""The staff sync tab keeps 立即同步 and its outcome in view, however long the recorded reason is.

The reason a server or network gave is recorded in English for a technician and can run to hundreds of
characters with an unbroken URL in it. On the real offscreen kiosk, at 1080×1920 and 1920×1080 (and with the
visitor's 大字 mode left on, which staff pages do not take), a clerk opens the sync tab, taps 立即同步 and reads its
outcome without scrolling; the technician's detail unfolds behind a 显示全部 control and folds again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtQml import QQmlEngine, QQmlExpression
from PySide6.QtQuick import QQuickItem

from kiosk.core import config as config_mod
from kiosk.core.sync_outcome import SyncReason
from kiosk.store import content
from tests.test_admin_ui import T0, FakeClock, enter_admin, find
from tests.ui_helpers import SIZES_PX, items_below, tap

MIN_TARGET_PX = 64
# A trusted root a technician mistyped: a long path that does not exist. The 立即同步 child stops at once on
# it, printing an error line that quotes the path, and records nothing (the long reason below stays).
MISTYPED_ROOT_DIR = "terminal-root-" * 12
# What a refused cycle records: ~600 characters of English quoting a long URL with no space in it.
LONG_URL = ("https://ip-service.example.cn/content/targets/news/" + "3f9a2c" * 30
            + ".news.json?download-token=" + "a1b2c3d4e5" * 8)
LONG_REASON = ("signed news generation 4 refused, keeping the last good content: record news-20261201-ip-week: "
               f"source_url {LONG_URL} answered HTTP 403 Forbidden from the upstream proxy "
               "(x-cache: MISS from gateway.example.cn); signed events generation 7 refused, keeping the last "
               "good content: record evt-20261210-ip-search-training-2: starts_at is before published_at")


@pytest.fixture
def cfg(data_dir, tmp_path) -> config_mod.Config:
    return config_mod.from_mapping({"data_dir": str(data_dir), "repository_url": "https://ip-service.example.cn/content/",
                                    "trusted_root": str(tmp_path / MISTYPED_ROOT_DIR / "1.root.json")})


def _accessible_name(item: QQuickItem) -> str:
    """What a screen reader calls ITEM (its attached Accessible.name, read in its own QML context)."""
    expression = QQmlExpression(QQmlEngine.contextForObject(item), item, "Accessible.name")
    return str(expression.evaluate()[0])


def _scene_rect(item: QQuickItem) -> QRectF:
    return item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))


def _flickable_of(item: QQuickItem) -> QQuickItem:
    """The scrolling area ITEM lies in (the sync tab)."""
    parent = item.parentItem()
    while not parent.metaObject().className().startswith("QQuickFlickable"):
        parent = parent.parentItem()
    return parent


def _out_of_view(window, names: list[str]) -> list[str]:
    """The items of NAMES not wholly inside what the sync tab shows unscrolled (its own rect, within the window)."""
    tab = _flickable_of(find(window, "adminSyncNow"))
    viewport = _scene_rect(tab).intersected(QRectF(0, 0, window.width(), window.height()))
    problems = [] if tab.property("contentY") == 0 else [f"the tab is scrolled to {tab.property('contentY')}"]
    for name in names:
        rect = _scene_rect(find(window, name))
        if rect.isEmpty() or not viewport.adjusted(-1, -1, 1, 1).contains(rect):
            problems.append(f"{name} at {rect.getRect()} is not inside the visible tab {viewport.getRect()}")
    return problems


def _text_wider_than_its_column(window) -> list[str]:
    """Text items of the sync tab whose drawn text is wider than their box, or whose box sticks out of the tab."""
    tab = _flickable_of(find(window, "adminSyncNow"))
    column = _scene_rect(tab)
    problems = []
    for item in items_below(tab, visible_only=True):
        if not item.metaObject().className().startswith("QQuickText") or not item.isVisible():
            continue
        rect = _scene_rect(item)
        shown = str(item.property("text"))[:30]
        if item.property("contentWidth") > item.width() + 1:
            problems.append(f"{shown!r}: its text is {item.property('contentWidth'):.0f} px wide in a "
                            f"{item.width():.0f} px box")
        if rect.left() < column.left() - 1 or rect.right() > column.right() + 1:
            problems.append(f"{shown!r} spans {rect.left():.0f}–{rect.right():.0f}, the tab "
                            f"{column.left():.0f}–{column.right():.0f}")
    return problems


def _open_sync_tab(kiosk_ui, qtbot, size_px, *, large_text: bool = False):
    """The kiosk at SIZE_PX after a refused cycle recorded LONG_REASON, staff signed in on the sync tab."""
    clock = FakeClock(T0)
    ctx, window = kiosk_ui(size_px=size_px, clock=clock)
    ctx.shell.largeText = large_text
    content.record_sync_outcome("REFUSED", LONG_REASON, SyncReason.REFUSED_COLLECTIONS, verified=True, refusals=[
        content.Refusal("events", 7, "e" * 64, "record evt-20261210-ip-search-training-2: starts_at is before published_at"),
        content.Refusal("news", 4, "a" * 64, f"record news-20261201-ip-week: source_url {LONG_URL} answered HTTP 403"),
    ])
    enter_admin(qtbot, window, clock)
    tap(qtbot, window, find(window, "adminTab1"))
    sync = ctx.singletons["AdminSync"]
    qtbot.waitUntil(lambda: sync.property("syncStatus").get("reasonDetail") == LONG_REASON, timeout=5000)
    qtbot.wait(100)  # the layout after the status came
    return ctx, window, sync


@pytest.mark.parametrize("large_text", [False, True], ids=["normal", "large-text-on"])
@pytest.mark.parametrize("size_px", SIZES_PX, ids=["portrait", "landscape"])
def test_sync_now_and_its_outcome_stay_in_view_beside_a_long_reason(kiosk_ui, qtbot, size_px, large_text,
                                                                     tmp_path: Path):
    _ctx, window, sync = _open_sync_tab(kiosk_ui, qtbot, size_px, large_text=large_text)
    assert len(LONG_REASON) > 550 and " " not in LONG_URL
    assert window.grabWindow().save(str(tmp_path / f"sync-tab-opened-{size_px[0]}x{size_px[1]}.png"))
    assert _out_of_view(window, ["adminSyncNow"]) == []
    assert _text_wider_than_its_column(window) == []

    tap(qtbot, window, find(window, "adminSyncNow"))
    qtbot.waitUntil(lambda: not sync.property("syncRunning"), timeout=60_000)
    qtbot.wait(100)
    message = find(window, "adminSyncMessage")
    assert str(message.property("text")).startswith("立即同步结果：") and MISTYPED_ROOT_DIR[:40] in message.property("text")
    assert find(window, "adminSyncNow").property("text") == "立即同步"
    assert sync.property("syncStatus")["reasonDetail"] == LONG_REASON, "the child recorded nothing"
    assert window.grabWindow().save(str(tmp_path / f"sync-tab-answered-{size_px[0]}x{size_px[1]}.png"))
    assert _out_of_view(window, ["adminSyncNow", "adminSyncMessage"]) == []
    assert _text_wider_than_its_column(window) == []


@pytest.mark.parametrize("size_px", SIZES_PX, ids=["portrait", "landscape"])
def test_the_technical_detail_unfolds_and_folds_by_taps_and_comes_folded(kiosk_ui, qtbot, size_px, tmp_path: Path):
    _ctx, window, _sync = _open_sync_tab(kiosk_ui, qtbot, size_px)
    detail, toggle = find(window, "adminSyncDetail"), find(window, "adminSyncDetailToggle")
    assert detail.property("truncated") and detail.property("lineCount") == 3
    assert toggle.width() >= MIN_TARGET_PX and toggle.height() >= MIN_TARGET_PX
    assert (toggle.property("text"), _accessible_name(toggle)) == ("显示全部", "显示全部技术细节")

    tap(qtbot, window, toggle)
    assert not detail.property("truncated") and detail.property("lineCount") > 6
    assert (toggle.property("text"), _accessible_name(toggle)) == ("收起", "收起技术细节")
    assert window.grabWindow().save(str(tmp_path / f"sync-tab-unfolded-{size_px[0]}x{size_px[1]}.png"))
    assert _out_of_view(window, ["adminSyncNow"]) == []
    assert _text_wider_than_its_column(window) == []
    # A tab longer than the screen shows where it is, beside the text (unfolded in landscape's half column, the
    # detail goes on below the screen; portrait has the room).
    tab = _flickable_of(toggle)
    longer = tab.property("contentHeight") > tab.height()
    assert longer or size_px[0] < size_px[1]
    thumb = find(window, "adminSyncScrollThumb", visible_only=False)
    assert thumb.isVisible() == longer
    assert not [t for t in items_below(tab, visible_only=True) if t.metaObject().className().startswith("QQuickText")
                and _scene_rect(t).intersects(_scene_rect(thumb))], "the scroll position is drawn over text"

    tab.setProperty("contentY", max(0.0, tab.property("contentHeight") - tab.height()))  # as a swipe up would
    tap(qtbot, window, toggle)
    assert detail.property("truncated") and detail.property("lineCount") == 3
    assert toggle.property("text") == "显示全部"

    # Unfolded when the next cycle records another reason (the tab polls the status): that one comes folded.
    tab.setProperty("contentY", 0)
    tap(qtbot, window, toggle)
    assert not detail.property("truncated")
    newer = LONG_REASON.replace("generation 4", "generation 5")
    content.record_sync_outcome("REFUSED", newer, SyncReason.REFUSED_COLLECTIONS, verified=True)
    qtbot.waitUntil(lambda: detail.property("text") == newer, timeout=10_000)
    assert detail.property("truncated") and toggle.property("text") == "显示全部"
