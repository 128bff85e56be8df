"""好差评 on the screen: the whole kiosk UI offscreen with its real data service child, driven by real taps;
what a visitor submits is read back from station.db. Tapping a level saves the rating (rating a service is
three taps from home); the reasons offered after it amend the same row. Run as a script to render the rating
panel (as it opens, and after a level was tapped) for docs/screens:

    QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software .venv/bin/python -m tests.test_rating_ui docs/screens
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kiosk.store import ratings
from kiosk.store.pin import PinGuard
from tests.test_admin_screens import _layout_problems
from tests.ui_helpers import SEED_NOW, SIZES_PX, current_page, find, find_all, render_gallery, tap, wait_page_built

SERVICE = "svc-patent-application"
SERVICE_TITLE = "专利申请受理"
PIN = "402718"


def open_service(qtbot, window, record_id: str = SERVICE) -> None:
    window.openRecord(record_id)
    qtbot.waitUntil(lambda: current_page(window).objectName() == "serviceDetailPage", timeout=10_000)
    wait_page_built(qtbot, window)
    qtbot.waitUntil(lambda: find(window, "ratingOpen").isVisible(), timeout=10_000)


def panel(window):
    shown = [p for p in find_all(window, "ratingPanel") if p.isVisible()]
    return shown[0] if shown else None


def accessible_name(item) -> str:
    from PySide6.QtGui import QAccessible

    return QAccessible.queryAccessibleInterface(item).text(QAccessible.Text.Name)


def chosen_reasons(window) -> list[str]:
    return panel(window).property("reasons").toVariant()


def outcome_text(window) -> str:
    return str(find(window, "ratingOutcome").property("text"))


def rows_of_station_db() -> list[tuple]:
    return [(r["service_id"], r["level"], r["reasons"], r["language"]) for r in ratings.ratings_since()]


@pytest.mark.parametrize("size_px", SIZES_PX, ids=["portrait", "landscape"])
def test_rating_a_service_from_home_takes_three_taps_and_reasons_amend_the_same_row(kiosk_ui, qtbot, size_px):
    _ctx, window = kiosk_ui(size_px=size_px, clock=lambda: SEED_NOW)
    window.goHome()
    qtbot.waitUntil(lambda: current_page(window).objectName() == "homePage", timeout=5000)
    wait_page_built(qtbot, window)
    taps = 0

    def visitor_taps(name: str) -> None:
        nonlocal taps
        taps += 1
        tap(qtbot, window, find(window, name))

    visitor_taps(f"hot_{SERVICE}")
    qtbot.waitUntil(lambda: current_page(window).objectName() == "serviceDetailPage", timeout=10_000)
    wait_page_built(qtbot, window)
    assert current_page(window).property("recordId") == SERVICE
    qtbot.waitUntil(lambda: find(window, "ratingOpen").isVisible(), timeout=10_000)
    visitor_taps("ratingOpen")
    assert panel(window) is not None and SERVICE_TITLE in find(window, "ratingQuestion").property("text")
    visitor_taps("ratingLevel4")
    qtbot.waitUntil(lambda: "已保存" in outcome_text(window), timeout=10_000)
    assert taps == 3
    assert rows_of_station_db() == [(SERVICE, 4, [], "zh")]
    assert ratings.ratings_since()[0]["at"] == SEED_NOW.isoformat()
    assert "满意" in outcome_text(window)

    # The optional follow-up: the reasons of a good rating, added to the same row by 补充.
    assert "愿意告诉我们原因吗" in find(window, "ratingReasonsQuestion").property("text")
    assert not find(window, "ratingAddReasons").isEnabled(), "nothing to add before a reason is chosen"
    assert not find_all(window, "ratingReason_queue_too_long"), "only the reasons of the level's direction"
    tap(qtbot, window, find(window, "ratingReason_fast"))
    tap(qtbot, window, find(window, "ratingReason_clear"))
    assert _layout_problems(window) == []
    tap(qtbot, window, find(window, "ratingAddReasons"))
    qtbot.waitUntil(lambda: "原因已补充" in outcome_text(window), timeout=10_000)
    # Stored in the panel's order, whatever order they were tapped in; still one row.
    assert rows_of_station_db() == [(SERVICE, 4, ["clear", "fast"], "zh")]
    qtbot.waitUntil(lambda: panel(window) is None, timeout=10_000)
    assert find(window, "ratingOpen").property("text") == "已评价 · 谢谢"


def test_rate_a_service_from_its_page_then_a_second_rating_is_refused(kiosk_ui, qtbot):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    open_service(qtbot, window)
    assert find(window, "ratingOpen").property("text") == "评价"
    tap(qtbot, window, find(window, "ratingOpen"))
    assert panel(window) is not None
    assert SERVICE_TITLE in find(window, "ratingQuestion").property("text")
    levels = [find(window, f"ratingLevel{level}") for level in (5, 4, 3, 2, 1)]
    assert [accessible_name(b) for b in levels] == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert all(b.height() >= 64 and b.width() >= 64 for b in levels)
    tap(qtbot, window, find(window, "ratingLevel2"))
    qtbot.waitUntil(lambda: "已保存" in outcome_text(window), timeout=10_000)
    assert not find(window, "ratingLevel2").isVisible(), "a saved level cannot be tapped again"
    # No reason given: 关闭 leaves the rating as it was saved.
    tap(qtbot, window, find(window, "ratingCancel"))
    assert panel(window) is None
    assert rows_of_station_db() == [(SERVICE, 2, [], "zh")]
    assert find(window, "ratingOpen").property("text") == "已评价 · 谢谢"
    # A second attempt in the same visit says so, and nothing more is stored.
    tap(qtbot, window, find(window, "ratingOpen"))
    assert "已经评价过" in outcome_text(window)
    assert not find(window, "ratingLevel1").isVisible()
    outcomes = []
    ctx.singletons["Rating"].submitted.connect(lambda service, outcome: outcomes.append((service, outcome)))
    ctx.singletons["Rating"].submit(SERVICE, 1)
    qtbot.waitUntil(lambda: bool(outcomes), timeout=5000)
    assert outcomes == [(SERVICE, "already")]
    qtbot.wait(200)
    assert len(ratings.ratings_since()) == 1


def test_reasons_the_store_refuses_are_said_and_the_rating_stays_saved(kiosk_ui, qtbot):
    _ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    open_service(qtbot, window)
    tap(qtbot, window, find(window, "ratingOpen"))
    tap(qtbot, window, find(window, "ratingLevel5"))
    qtbot.waitUntil(lambda: "已保存" in outcome_text(window), timeout=10_000)
    # The row gets its reasons behind the panel's back, so the panel's 补充 is a second amendment: refused.
    ratings.add_rating_reasons(ratings.ratings_since()[0]["id"], ["helpful_staff"], SEED_NOW)
    tap(qtbot, window, find(window, "ratingReason_clear"))
    tap(qtbot, window, find(window, "ratingAddReasons"))
    qtbot.waitUntil(lambda: "未能补充" in outcome_text(window), timeout=10_000)
    assert "已保存" in outcome_text(window)
    assert rows_of_station_db() == [(SERVICE, 5, ["helpful_staff"], "zh")]
    assert find(window, "ratingCancel").isVisible()


def test_the_idle_reset_drops_a_half_done_rating_and_allows_rating_again(kiosk_ui, qtbot):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    open_service(qtbot, window)
    tap(qtbot, window, find(window, "ratingOpen"))
    tap(qtbot, window, find(window, "ratingLevel2"))
    qtbot.waitUntil(lambda: "已保存" in outcome_text(window), timeout=10_000)
    tap(qtbot, window, find(window, "ratingReason_queue_too_long"))
    assert chosen_reasons(window) == ["queue_too_long"]
    window.resetToAttract()
    qtbot.waitUntil(lambda: current_page(window).objectName() == "attractPage", timeout=5000)
    qtbot.waitUntil(lambda: panel(window) is None, timeout=5000)
    assert rows_of_station_db() == [(SERVICE, 2, [], "zh")], "reasons not added by 补充 are never stored"
    # The reset forgot the rating's id too: nothing of this visit can be amended by the next one.
    added = []
    ctx.singletons["Rating"].reasonsAdded.connect(lambda service, outcome: added.append((service, outcome)))
    ctx.singletons["Rating"].addReasons(SERVICE, ["queue_too_long"])
    qtbot.waitUntil(lambda: bool(added), timeout=5000)
    assert added == [(SERVICE, "failed")]
    assert rows_of_station_db() == [(SERVICE, 2, [], "zh")]

    # The next visitor may rate the same service again (this one reads English: the rating says so).
    ctx.shell.setProperty("language", "en")
    open_service(qtbot, window)
    assert find(window, "ratingOpen").property("text") == "Rate"
    tap(qtbot, window, find(window, "ratingOpen"))
    assert panel(window).property("level") == 0 and chosen_reasons(window) == []
    assert accessible_name(find(window, "ratingLevel1")) == "Very dissatisfied"
    tap(qtbot, window, find(window, "ratingLevel1"))
    qtbot.waitUntil(lambda: len(ratings.ratings_since()) == 2, timeout=10_000)
    qtbot.waitUntil(lambda: find(window, "ratingReason_outdated").isVisible(), timeout=10_000)
    assert outcome_text(window) == "Thank you! Your rating (Very dissatisfied) is saved."
    assert accessible_name(find(window, "ratingReason_outdated")) == "Out of date"
    tap(qtbot, window, find(window, "ratingReason_outdated"))
    tap(qtbot, window, find(window, "ratingAddReasons"))
    qtbot.waitUntil(lambda: rows_of_station_db()[1][2] == ["outdated"], timeout=10_000)
    assert rows_of_station_db() == [(SERVICE, 2, [], "zh"), (SERVICE, 1, ["outdated"], "en")]


def test_every_level_and_reason_label_is_marked_for_translation():
    from kiosk.core.ratings import LEVEL_LABELS, REASONS
    from kiosk.ui.rating_model import TRANSLATED_LABELS

    assert sorted(TRANSLATED_LABELS) == sorted([*LEVEL_LABELS.values(), *(r.label for r in REASONS)])


def test_the_booking_page_offers_a_rating_once_the_qr_is_shown_and_after_a_slip(kiosk_ui, qtbot):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    window.openPage("BookingPage.qml", {})
    wait_page_built(qtbot, window)
    qtbot.wait(300)
    assert not find(window, "ratingPrompt").isVisible(), "no type chosen, no QR: nothing to rate yet"
    window.goHome()
    qtbot.wait(300)
    window.openPage("BookingPage.qml", {"serviceId": SERVICE})
    wait_page_built(qtbot, window)
    qtbot.waitUntil(lambda: find(window, "bookingQrImage").isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: find(window, "ratingPrompt").isVisible(), timeout=5000)
    tap(qtbot, window, find(window, "ratingOpen"))
    assert panel(window) is not None
    assert SERVICE_TITLE in find(window, "ratingQuestion").property("text")
    tap(qtbot, window, find(window, "ratingCancel"))
    assert panel(window) is None
    # A slip printed from this page offers the rating by itself. (The printer is the one part not run here:
    # the Booking singleton's own signal stands for a printed slip; tests/test_print_slips.py prints real ones.)
    ctx.singletons["Booking"].printFinished.emit(True, "凭条已打印")
    qtbot.waitUntil(lambda: panel(window) is not None, timeout=5000)
    tap(qtbot, window, find(window, "ratingLevel3"))
    qtbot.waitUntil(lambda: len(ratings.ratings_since()) == 1, timeout=10_000)
    assert ratings.ratings_since()[0]["service_id"] == SERVICE
    # The same follow-up as on a service page: a reason of 基本满意's direction, added to that row.
    qtbot.waitUntil(lambda: find(window, "ratingReason_too_many_steps").isVisible(), timeout=10_000)
    tap(qtbot, window, find(window, "ratingReason_too_many_steps"))
    tap(qtbot, window, find(window, "ratingAddReasons"))
    qtbot.waitUntil(lambda: rows_of_station_db() == [(SERVICE, 3, ["too_many_steps"], "zh")], timeout=10_000)
    # Rated: a further slip offers nothing more.
    tap(qtbot, window, find(window, "ratingCancel"))
    ctx.singletons["Booking"].printFinished.emit(True, "凭条已打印")
    qtbot.wait(300)
    assert panel(window) is None


def test_the_admin_screen_shows_the_totals_per_service(kiosk_ui, qtbot):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    for level in (5, 5, 4, 2):
        ratings.record_rating(SERVICE, level, [], "zh", SEED_NOW)
    ratings.record_rating("svc-trademark-registration", 1, ["not_found"], "zh", SEED_NOW)
    PinGuard(actor="cli").set_pin(PIN)
    session = ctx.singletons["AdminSession"]
    session.refreshPin()
    qtbot.wait(300)
    answers = []
    session.pinChecked.connect(answers.append)
    session.checkPin(PIN)
    qtbot.waitUntil(lambda: bool(answers), timeout=10_000)
    assert answers[0]["ok"]
    window.openPage("AdminPage.qml", {})
    qtbot.waitUntil(lambda: current_page(window).objectName() == "adminPage", timeout=5000)
    tap(qtbot, window, find(window, "adminTab4"))
    qtbot.waitUntil(lambda: bool(find_all(window, f"adminRating_{SERVICE}")), timeout=10_000)
    rows = [i for i in find_all(window, "adminRatings")[0].childItems() if i.objectName().startswith("adminRating_")]
    assert [r.objectName() for r in rows] == [f"adminRating_{SERVICE}", "adminRating_svc-trademark-registration"]
    texts = [c.property("text") for c in rows[0].childItems()[0].childItems() if c.property("text") is not None]
    assert texts == [SERVICE_TITLE, "2", "1", "0", "1", "0", "4", "75%"]
    assert "共 5 条评价" in find(window, "adminRatingsSummary").property("text")
    assert _layout_problems(window) == []


# ---------------------------------------------------------------- the gallery


def render_panel(cfg, size_px, out_dir: Path, qtbot_wait) -> list[str]:
    """The rating panel with a level and two reasons chosen, at SIZE_PX, saved as rating-WxH.png in OUT_DIR;
    returns the layout problems found."""
    from kiosk.ui import app as ui_app

    class Waiter:  # tap() and friends take a qtbot; the script has only a wait
        def wait(self, ms: int) -> None:
            qtbot_wait(ms)

        def waitUntil(self, check, timeout: int = 5000) -> None:  # noqa: N802 - qtbot's name
            for _ in range(timeout // 20):
                if check():
                    return
                qtbot_wait(20)
            raise AssertionError("timed out")

    bot = Waiter()
    ctx = ui_app.build_context(cfg, clock=lambda: SEED_NOW)
    try:
        for _ in range(6000):
            if not ctx.data.pending_calls:
                break
            qtbot_wait(20)
        window = ui_app.load_main(ctx, size_px=size_px)
        window.show()
        qtbot_wait(300)
        open_service(bot, window)
        size = f"{size_px[0]}x{size_px[1]}"
        tap(bot, window, find(window, "ratingOpen"))
        problems = _layout_problems(window)
        assert window.grabWindow().save(str(out_dir / f"rating-levels-{size}.png"))
        tap(bot, window, find(window, "ratingLevel4"))
        bot.waitUntil(lambda: str(find(window, "ratingOutcome").property("text")) != "" and
                      find(window, "ratingReason_clear").isVisible(), timeout=10_000)
        tap(bot, window, find(window, "ratingReason_clear"))
        tap(bot, window, find(window, "ratingReason_fast"))
        problems += _layout_problems(window)
        assert window.grabWindow().save(str(out_dir / f"rating-{size}.png"))
        return problems
    finally:
        ui_app.stop_context(ctx)
        qtbot_wait(50)


@pytest.mark.parametrize("size_px", SIZES_PX, ids=["portrait", "landscape"])
def test_the_rating_panel_lays_out_for_touch(qtbot, cfg, size_px, tmp_path):
    from kiosk.store.content import content_db
    from kiosk.store.station import station_db

    problems = render_panel(cfg, size_px, tmp_path, qtbot.wait)
    content_db.close()
    station_db.close()
    assert problems == []
    for name in ("rating-levels", "rating"):
        assert (tmp_path / f"{name}-{size_px[0]}x{size_px[1]}.png").stat().st_size > 10_000


def main(out_dir: str) -> int:
    return render_gallery(out_dir, "rating", render_panel)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screens"))
