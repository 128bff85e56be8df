"""A long policy's outline (200 headings) says how many headings its first chips leave out and shows them all on a
tap, instead of silently stopping at 20: the whole UI (data service child, QML offscreen, real taps) on a
content.db holding the seed and that policy, at 1080×1920 and 1920×1080, in normal and 大字 mode."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF

from kiosk.store import content, seed
from tests.ui_helpers import SEED_NOW, SIZES_PX, current_page, find, find_all, tap, wait_page_built

LONG_POLICY = "pol-long-outline"
HEADINGS = 200
SHOWN_FIRST = 20  # RecordDetailPage.qml outlineFirst
ONE_MORE_POLICY = "pol-one-heading-more"  # one heading past the first chips: "1 more heading", not "headings"


def _policy(record_id: str, headings: int) -> dict:
    body = "\n\n".join(f"## 第{n}条\n\n第{n}条的正文。" for n in range(1, headings + 1))
    return {"id": record_id, "rev": 1, "title": f"有 {headings} 个标题的政策", "summary": "标题很多的政策。",
            "body": body}


@pytest.fixture
def cfg(cfg):
    """The conftest terminal, its content.db already holding the seed and the long policy (the data service
    child finds content there and imports no seed over it)."""
    manifests = seed.load_source_dir(seed.SEED_DIR, seed.SEED_GENERATION)
    for m in manifests:
        if m.collection == "policies":
            m.records = sorted(m.records + [_policy(LONG_POLICY, HEADINGS), _policy(ONE_MORE_POLICY, SHOWN_FIRST + 1)],
                               key=lambda r: r["id"])
    content.open_content_db(cfg.content_db_path)
    content.apply_manifests(manifests, source="seed")
    content.content_db.close()
    return cfg


def _chips(window) -> list:
    chips = [c for c in find(window, "outlineChips").childItems() if c.objectName() == "jumpChip" and c.isVisible()]
    return sorted(chips, key=lambda c: (_scene(c).top(), _scene(c).left()))


def _scene(item) -> QRectF:
    return item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))


@pytest.mark.parametrize("large_text", [False, True], ids=["normal", "large-text"])
@pytest.mark.parametrize("size_px", SIZES_PX, ids=["portrait", "landscape"])
def test_a_long_outline_says_how_many_more_and_shows_them_on_a_tap(kiosk_ui, qtbot, size_px, large_text):
    ctx, window = kiosk_ui(size_px=size_px, clock=lambda: SEED_NOW)
    ctx.shell.setProperty("largeText", large_text)
    window.openRecord(LONG_POLICY)
    qtbot.waitUntil(lambda: current_page(window).property("recordId") == LONG_POLICY, timeout=30_000)
    wait_page_built(qtbot, window)
    qtbot.waitUntil(lambda: len(_chips(window)) > 0, timeout=10_000)
    qtbot.wait(100)

    chips = _chips(window)
    labels = [c.property("text") for c in chips]
    assert labels == [f"第{n}条" for n in range(1, SHOWN_FIRST + 1)] + [f"还有 {HEADINGS - SHOWN_FIRST} 个标题，点此显示"]
    more = chips[-1]
    assert more.property("color") != chips[0].property("color")  # a button, not one more heading
    assert more.height() >= 64 and _scene(more).right() <= window.width()
    flick = next(f for f in find_all(window, "detailFlick") if f.isVisible())
    scrolled_before = flick.property("contentY")

    tap(qtbot, window, more)
    qtbot.waitUntil(lambda: len(_chips(window)) == HEADINGS, timeout=10_000)
    chips = _chips(window)
    assert [c.property("text") for c in chips] == [f"第{n}条" for n in range(1, HEADINGS + 1)]
    # The page stays where it was: the first heading it brought is in view where the visitor tapped (its row, or
    # the end of the row above when it fits there), and takes them to its part of the text.
    assert flick.property("contentY") == scrolled_before
    first_new = chips[SHOWN_FIRST]
    view = _scene(flick)
    assert view.top() <= _scene(first_new).top() and _scene(first_new).bottom() <= view.bottom()
    tap(qtbot, window, first_new)
    [heading] = [b for b in find(window, "detailBody").childItems() if _block_text(b) == f"第{SHOWN_FIRST + 1}条"]
    assert 0 <= heading.mapRectToItem(flick, QRectF(0, 0, 1, 1)).y() <= 40


def _block_text(item) -> str:
    data = item.property("modelData")
    data = data.toVariant() if hasattr(data, "toVariant") else data
    return data.get("text", "") if isinstance(data, dict) else ""


@pytest.mark.parametrize(("record_id", "label"), [(LONG_POLICY, f"{HEADINGS - SHOWN_FIRST} more headings: tap to show them"),
                                                  (ONE_MORE_POLICY, "1 more heading: tap to show it")])
def test_the_more_chip_counts_in_english(kiosk_ui, qtbot, record_id, label):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    tap(qtbot, window, find(window, "languageToggle"))
    qtbot.waitUntil(lambda: ctx.shell.property("language") == "en", timeout=5000)
    window.openRecord(record_id)
    qtbot.waitUntil(lambda: current_page(window).property("recordId") == record_id, timeout=30_000)
    wait_page_built(qtbot, window)
    qtbot.waitUntil(lambda: len(_chips(window)) > SHOWN_FIRST, timeout=10_000)
    assert _chips(window)[SHOWN_FIRST].property("text") == label  # after it: the take-away chip


def test_a_short_outline_has_no_more_chip(kiosk_ui, qtbot):
    _, window = kiosk_ui(clock=lambda: SEED_NOW)
    window.openRecord("pol-zz-2022-140-plan")
    qtbot.waitUntil(lambda: current_page(window).property("recordId") == "pol-zz-2022-140-plan", timeout=30_000)
    wait_page_built(qtbot, window)
    qtbot.waitUntil(lambda: len(_chips(window)) > 0, timeout=10_000)
    assert not any(c.property("text").startswith("还有") for c in _chips(window))
