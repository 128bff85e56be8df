"""Search and attract flows on the running app, offscreen, driven by real mouse events.

The whole app is loaded (Main, every registered view-model, the seeded content.db in a
temporary data dir); taps are QTest mouse clicks at the centre of the on-screen item.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys

import pytest
from PySide6.QtCore import Q_ARG, QMetaObject, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QInputMethodEvent
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

from tests.data_service_double import wait_answered
from tests.helpers import REPO_ROOT, probe_command
from tests.sync_helpers import terminal_config, write_config_file
from tests.ui_helpers import SIZES_PX, find, items_below, wait_page_built

FIXED_NOW = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(params=SIZES_PX, ids=["portrait", "landscape"])
def size_px(request) -> tuple[int, int]:
    return request.param


@pytest.fixture
def kiosk(kiosk_ui, size_px):
    """The whole app on the seeded content with the clock pinned (the attract screen lists
    events starting after FIXED_NOW)."""
    return kiosk_ui(size_px=size_px, clock=lambda: FIXED_NOW)




def current_page(window) -> QQuickItem:
    return _stack_view(window).property("currentItem")


def _stack_view(window) -> QQuickItem:
    return find(window, "pageStack")


def settle(qtbot, window) -> None:
    """Let a page being built take the screen, the data service answer what the screen asked for, then the
    scene render (pages are built a few objects per frame and change without transitions)."""
    from kiosk.ui.context import current_context

    wait_page_built(qtbot, window)
    wait_answered(qtbot, current_context().data)
    # A page the answers asked for (a record opened once its detail came) is being built now: wait for it too.
    wait_page_built(qtbot, window)
    qtbot.wait(30)


def tap(qtbot, window, item: QQuickItem) -> None:
    assert item.isVisible(), f"{item.objectName()} is not visible"
    assert item.width() >= 64 and item.height() >= 64, f"{item.objectName()} is smaller than a touch target"
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    assert window.contentItem().contains(QPointF(centre)), f"{item.objectName()} is off screen at {centre}"
    QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    settle(qtbot, window)


def search_controller(ctx):
    return next(vm for vm in ctx.view_models if type(vm).__name__ == "SearchController")


def open_search(qtbot, window) -> QQuickItem:
    tap(qtbot, window, find(window, "tile_search"))
    page = current_page(window)
    assert page.objectName() == "searchPage"
    return page


def test_home_search_keys_zlsq_find_patent_application_and_open_it(qtbot, kiosk):
    ctx, window = kiosk
    open_search(qtbot, window)
    search = search_controller(ctx)
    for letter in "zlsq":
        tap(qtbot, window, find(window, f"key_{letter}"))
    assert search.query == "zlsq"
    assert find(window, "queryField").property("text") == "zlsq"
    result = find(window, "result_svc-patent-application")
    assert result.isVisible()
    tap(qtbot, window, result)
    detail = current_page(window)
    assert detail.objectName() != "searchPage"
    assert detail.property("recordId") == "svc-patent-application"


def test_opening_a_result_counts_a_view_in_station_db(qtbot, kiosk):
    from kiosk.store import station

    ctx, window = kiosk
    assert station.views_since(FIXED_NOW) == {}
    open_search(qtbot, window)
    for letter in "sbzc":
        tap(qtbot, window, find(window, f"key_{letter}"))
    tap(qtbot, window, find(window, "result_svc-trademark-registration"))
    assert current_page(window).property("recordId") == "svc-trademark-registration"
    wait_answered(qtbot, ctx.data)  # the count is written by the data service, after the page opened
    assert station.views_since(FIXED_NOW) == {"svc-trademark-registration": 1}
    QMetaObject.invokeMethod(window, "goBack")
    settle(qtbot, window)
    tap(qtbot, window, find(window, "result_svc-trademark-registration"))
    assert station.views_since(FIXED_NOW) == {"svc-trademark-registration": 2}


def test_backspace_and_clear_keys(qtbot, kiosk):
    ctx, window = kiosk
    open_search(qtbot, window)
    search = search_controller(ctx)
    for letter in "zl":
        tap(qtbot, window, find(window, f"key_{letter}"))
    tap(qtbot, window, find(window, "key_backspace"))
    assert search.query == "z"
    tap(qtbot, window, find(window, "key_clear"))
    assert search.query == ""
    assert find(window, "searchHint").isVisible()


def test_digits_page_types_digits(qtbot, kiosk):
    ctx, window = kiosk
    open_search(qtbot, window)
    page_key_at = find(window, "key_page").mapToScene(QPointF(0, 0))
    tap(qtbot, window, find(window, "key_page"))
    assert find(window, "key_page").mapToScene(QPointF(0, 0)) == page_key_at, "the ABC/123 key does not move"
    tap(qtbot, window, find(window, "key_1"))
    tap(qtbot, window, find(window, "key_4"))
    tap(qtbot, window, find(window, "key_0"))
    assert search_controller(ctx).query == "140"
    tap(qtbot, window, find(window, "key_page"))
    assert find(window, "key_z").isVisible()


def test_candidate_tap_searches_that_word(qtbot, kiosk):
    ctx, window = kiosk
    open_search(qtbot, window)
    search = search_controller(ctx)
    for letter in "zl":
        tap(qtbot, window, find(window, f"key_{letter}"))
    candidates = [row["word"] for row in search.candidates.rows()]
    assert candidates
    tap(qtbot, window, find(window, "candidate_0"))
    assert search.query == candidates[0]
    assert search.resultCount > 0
    assert find(window, "resultList").isVisible()


def test_nonsense_letters_show_zero_results_help(qtbot, kiosk):
    ctx, window = kiosk
    open_search(qtbot, window)
    for letter in "qxqxqx":
        tap(qtbot, window, find(window, f"key_{letter}"))
    assert search_controller(ctx).noResults
    assert find(window, "zeroResultsHelp").isVisible()
    assert find(window, "staffHelp").isVisible()
    assert not find(window, "resultList").isVisible()
    # The categories are one tap away: a service category opens the catalogue on it.
    tap(qtbot, window, find(window, "browse_services_专利"))
    assert current_page(window).property("category") == "专利"
    QMetaObject.invokeMethod(window, "goBack")
    settle(qtbot, window)
    tap(qtbot, window, find(window, "browse_policies"))
    assert current_page(window).property("kind") == "policies"


def test_a_typo_shows_the_corrected_results_and_one_tap_goes_back_to_what_was_typed(qtbot, kiosk):
    ctx, window = kiosk
    open_search(qtbot, window)
    search = search_controller(ctx)
    for letter in "shangbaio":  # a typo of shangbiao 商标
        tap(qtbot, window, find(window, f"key_{letter}"))
    assert find(window, "correctionBanner").isVisible()
    assert find(window, "correctionText").property("text") == "已为您显示「商标」的结果"
    assert find(window, "result_svc-trademark-registration").isVisible()
    titles = [item.property("text") for item in items_below(find(window, "resultList"), visible_only=True)
              if item.objectName() == "resultTitle"]
    assert titles and all("<b>商标</b>" in title for title in titles[:3]), "the matched characters are marked"
    hint = find(window, "candidateHint")
    assert "可继续输入字母" not in hint.property("text"), "more letters after a typo find nothing either"
    back = find(window, "searchLiteralButton")
    assert back.property("text") == "仍搜索 shangbaio"
    tap(qtbot, window, back)
    assert search.query == "shangbaio" and search.noResults
    assert find(window, "zeroResultsHelp").isVisible() and not find(window, "correctionBanner").isVisible()
    assert find(window, "spellingHint").property("text") == "这是按您输入的字母原样搜索的结果。"


def test_near_miss_offers_words_that_find_something(qtbot, kiosk):
    ctx, window = kiosk
    open_search(qtbot, window)
    search = search_controller(ctx)
    for letter in "zhaunli":  # a typo of zhuanli
        tap(qtbot, window, find(window, f"key_{letter}"))
    tap(qtbot, window, find(window, "searchLiteralButton"))  # what was typed, not the corrected 专利
    assert search.noResults
    nearest = [row["word"] for row in search.nearest.rows()]
    assert nearest, "nearest suggestions offered"
    tap(qtbot, window, find(window, "nearest_0"))
    assert search.query == nearest[0]
    assert find(window, "resultList").isVisible()


def test_typing_140_finds_the_city_plan_by_its_document_number(qtbot, kiosk):
    ctx, window = kiosk
    open_search(qtbot, window)
    tap(qtbot, window, find(window, "key_page"))
    for digit in "140":
        tap(qtbot, window, find(window, f"key_{digit}"))
    assert search_controller(ctx).query == "140"
    plan = find(window, "result_pol-zz-2022-140-plan")  # 郑市监文〔2022〕140号
    assert plan.isVisible()
    tap(qtbot, window, plan)
    assert current_page(window).property("recordId") == "pol-zz-2022-140-plan"


def test_nothing_found_shows_how_to_reach_a_person_and_only_true_hints(qtbot, kiosk):
    ctx, window = kiosk
    open_search(qtbot, window)
    for letter in "qxqxqx":
        tap(qtbot, window, find(window, f"key_{letter}"))
    assert search_controller(ctx).noResults
    contact = find(window, "zeroResultsContact")
    assert contact.isVisible()
    lines = [item.property("text") for item in items_below(contact, visible_only=True)
             if item.objectName().startswith("staffContact_")]
    # The demo config leaves the station's phone and desk empty: no line for them, never an empty label.
    assert lines == ["热线 12330（全国知识产权公共服务热线）"]
    assert find(window, "spellingHint").property("text") == "没有能自动纠正的拼写，请检查拼音。"
    assert find(window, "candidateHint").property("text") == "没有与 “qxqxqx” 对应的词", "no letter typed next helps"


def test_the_candidate_words_wrap_and_none_is_cut(qtbot, kiosk):
    ctx, window = kiosk
    open_search(qtbot, window)
    for letter in "zl":
        tap(qtbot, window, find(window, f"key_{letter}"))
    count = search_controller(ctx).candidates.rowCount()
    assert count == 8
    bar = find(window, "candidateBar")
    bar_box = bar.mapRectToScene(bar.boundingRect())
    scene = window.contentItem().mapRectToScene(window.contentItem().boundingRect())
    for i in range(count):
        chip = find(window, f"candidate_{i}")
        box = chip.mapRectToScene(chip.boundingRect())
        assert chip.isVisible() and bar_box.contains(box) and scene.contains(box), f"candidate {i} is cut: {box}"
    # Each chip takes the visitor's tap, the last one too.
    last = [row["word"] for row in search_controller(ctx).candidates.rows()][-1]
    tap(qtbot, window, find(window, f"candidate_{count - 1}"))
    assert search_controller(ctx).query == last


def test_a_title_with_markup_is_shown_literally_with_its_match_marked(qtbot, kiosk, tmp_path):
    ctx, window = kiosk
    from kiosk.store import content, seed

    source = tmp_path / "content"
    shutil.copytree(REPO_ROOT / "assets" / "content", source)
    doc = json.loads((source / "services.json").read_text(encoding="utf-8"))
    template = next(r for r in doc["records"] if r["category"] == "商标")
    hostile = '<b>商标</b>加急<img src="file:///dev/stdin">'
    doc["records"].append(dict(template, id="svc-zz-markup", title=hostile, rev=1, hot=False))
    (source / "services.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    content.apply_manifests([m for m in seed.load_source_dir(source, 1) if m.collection == "services"])
    with qtbot.waitSignal(ctx.content_changed, timeout=5000):
        ctx.shell.poll_content()
    QMetaObject.invokeMethod(window, "openPage", Q_ARG("QVariant", "SearchPage.qml"),
                            Q_ARG("QVariant", {"initialQuery": "加急"}))
    search = search_controller(ctx)
    qtbot.waitUntil(lambda: "svc-zz-markup" in [row["recordId"] for row in search.results.rows()], timeout=30_000)
    settle(qtbot, window)
    title = next(item for item in items_below(find(window, "result_svc-zz-markup")) if item.objectName() == "resultTitle")
    # StyledText shows &lt; as "<": the visitor reads the title's own characters, and only 加急 is marked.
    assert title.property("text") == '&lt;b&gt;商标&lt;/b&gt;<b>加急</b>&lt;img src="file:///dev/stdin"&gt;'
    assert find(window, "result_svc-zz-markup").property("title") == hostile


def test_hardware_keyboard_typing_searches(qtbot, kiosk):
    ctx, window = kiosk
    open_search(qtbot, window)
    field = find(window, "queryField")
    assert field.hasActiveFocus()
    for letter in "zhuanli":
        QTest.keyClick(window, letter)
    assert search_controller(ctx).query == "zhuanli"
    settle(qtbot, window)
    assert search_controller(ctx).resultCount > 0
    QTest.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # select all, then type over
    # What a system input method sends when the visitor picks 专利 from its candidate window.
    commit = QInputMethodEvent()
    commit.setCommitString("专利")
    QGuiApplication.sendEvent(QGuiApplication.focusObject(), commit)
    assert search_controller(ctx).query == "专利"
    settle(qtbot, window)
    assert find(window, "result_svc-patent-application").isVisible()


def test_initial_query_from_home_chip(qtbot, kiosk):
    ctx, window = kiosk
    QMetaObject.invokeMethod(window, "openPage", Q_ARG("QVariant", "SearchPage.qml"),
                            Q_ARG("QVariant", {"initialQuery": "商标"}))
    settle(qtbot, window)
    assert search_controller(ctx).query == "商标"
    assert find(window, "queryField").property("text") == "商标"
    assert search_controller(ctx).resultCount > 0


def test_visitor_reset_clears_search(qtbot, kiosk):
    ctx, window = kiosk
    open_search(qtbot, window)
    tap(qtbot, window, find(window, "key_z"))
    QMetaObject.invokeMethod(window, "resetToAttract")
    settle(qtbot, window)
    assert search_controller(ctx).query == ""
    assert current_page(window).objectName() == "attractPage"


def test_attract_shows_upcoming_events_and_touch_goes_home(qtbot, kiosk):
    _ctx, window = kiosk
    QMetaObject.invokeMethod(window, "resetToAttract")
    settle(qtbot, window)
    page = current_page(window)
    assert page.objectName() == "attractPage"
    assert find(window, "attractStartHint").isVisible()
    first_event = find(window, "attractEvent_0")
    assert first_event.property("heading")  # the soonest upcoming event (FIXED_NOW is 2026-11-24)
    tap(qtbot, window, find(window, "attractTitle"))  # off the slide
    assert current_page(window).objectName() == "homePage"


def test_attract_carousel_shows_station_announcement_labelled(qtbot, kiosk):
    _ctx, window = kiosk
    from kiosk.store import station

    station.add_announcement("本周五下午暂停对外服务", "因设备检修，本周五下午暂停对外服务。")
    QMetaObject.invokeMethod(window, "resetToAttract")
    settle(qtbot, window)
    # The Announcements model polls station.db; the new announcement becomes the first slide.
    qtbot.waitUntil(lambda: _has_item(window, "attractAnnouncement_0"), timeout=5000)
    slide = find(window, "attractAnnouncement_0")
    assert slide.property("badge") == "本站公告"
    assert slide.property("heading") == "本周五下午暂停对外服务"
    assert slide.isVisible(), "announcements come first in the carousel"
    assert not find(window, "attractEvent_0").isVisible()


def _has_item(window, name: str) -> bool:
    return any(item.objectName() == name for item in items_below(window.contentItem()))


def test_idle_reset_with_searches_under_other_pages(qtbot, kiosk):
    """Searches left under detail pages, then the idle reset: state cleared, and no Qt warning
    from the dying result lists (qt_log_level_fail fails the test on any)."""
    ctx, window = kiosk
    search = search_controller(ctx)
    for letters in ("zlsq", "sbzc", "z"):
        QMetaObject.invokeMethod(window, "openPage", Q_ARG("QVariant", "SearchPage.qml"), Q_ARG("QVariant", {}))
        settle(qtbot, window)
        for letter in letters:
            search.typeText(letter)
            qtbot.wait(20)
        settle(qtbot, window)
        hits = search.results.rows()
        assert hits
        QMetaObject.invokeMethod(window, "openRecord", Q_ARG("QVariant", hits[0]["recordId"]))
        settle(qtbot, window)
    QMetaObject.invokeMethod(window, "resetToAttract")
    settle(qtbot, window)
    assert current_page(window).objectName() == "attractPage"
    assert search.query == ""


def test_new_content_refreshes_results_and_keeps_the_query(qtbot, kiosk, tmp_path):
    ctx, window = kiosk
    from kiosk.store import content, seed

    QMetaObject.invokeMethod(window, "openPage", Q_ARG("QVariant", "SearchPage.qml"),
                            Q_ARG("QVariant", {"initialQuery": "商标"}))
    settle(qtbot, window)
    search = search_controller(ctx)
    before = search.resultCount
    # The sync process applies a new generation with one more 商标 service.
    source = tmp_path / "content"
    shutil.copytree(REPO_ROOT / "assets" / "content", source)
    doc = json.loads((source / "services.json").read_text(encoding="utf-8"))
    template = next(r for r in doc["records"] if r["category"] == "商标")
    doc["records"].append(dict(template, id="svc-zz-test-new", title="测试新增商标事项", rev=1, hot=False))
    (source / "services.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    content.apply_manifests([m for m in seed.load_source_dir(source, 1) if m.collection == "services"])
    with qtbot.waitSignal(ctx.content_changed, timeout=5000):
        ctx.shell.poll_content()
    # The data service answers from its previous index while it builds the new one in the background;
    # the query is asked again until the answer comes from the new content.
    qtbot.waitUntil(lambda: search.resultCount == before + 1, timeout=30_000)
    settle(qtbot, window)
    assert search.query == "商标"
    assert "svc-zz-test-new" in [row["recordId"] for row in search.results.rows()]
    assert find(window, "resultList").property("count") == before + 1


def test_attract_carousel_advances_through_events(qtbot, kiosk):
    _ctx, window = kiosk
    QMetaObject.invokeMethod(window, "resetToAttract")
    settle(qtbot, window)
    page = current_page(window)
    # The four events after FIXED_NOW and the three invitations, no announcements.
    assert page.property("slideCount") == 4 + 3
    assert find(window, "attractEvent_0").isVisible()
    page.setProperty("slideIntervalMs", 100)
    qtbot.waitUntil(lambda: page.property("currentSlide") == 1, timeout=2000)
    assert find(window, "attractEvent_1").isVisible()
    assert not find(window, "attractEvent_0").isVisible()


TARGET_PREFIXES = ("key_", "candidate_", "result_", "group_", "nearest_", "browse_")


@pytest.mark.parametrize("query", ["", "zlsq", "专利", "qxqxqx"])
def test_every_search_target_is_at_least_64_px(qtbot, kiosk, query):
    _ctx, window = kiosk
    QMetaObject.invokeMethod(window, "openPage", Q_ARG("QVariant", "SearchPage.qml"),
                            Q_ARG("QVariant", {"initialQuery": query}))
    settle(qtbot, window)
    targets = [item for item in items_below(window.contentItem())
               if item.objectName().startswith(TARGET_PREFIXES) and item.isVisible()]
    assert len(targets) >= 30  # at least the keyboard
    small = [(t.objectName(), t.width(), t.height()) for t in targets if t.width() < 64 or t.height() < 64]
    assert not small
    scene = window.contentItem()
    off_screen = [t.objectName() for t in targets if t.objectName().startswith("key_")
                  and not scene.contains(t.mapToScene(QPointF(t.width(), t.height())))]
    assert not off_screen, "the whole keyboard is on screen"


def test_searching_in_the_ui_process_never_loads_pypinyin(seeded, cfg):
    """Seeded content.db (keys computed at apply time), then a fresh UI process searches."""
    import os
    import subprocess

    seeded.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software")
    out = subprocess.run(probe_command("ui_search_without_pypinyin", str(cfg.data_path)), env=env, cwd=REPO_ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "pypinyin not loaded"


# A keyword as long as the content rules allow a correction's word to be shown whole (40 characters at most; this
# one is 28), and its initials with the first two letters swapped: the search corrects them to the keyword.
LONG_KEYWORD = "国家知识产权局专利局郑州代办处专利申请受理窗口现场办理点"
SWAPPED_INITIALS = "jgzscqjzljzzdbczlsqslckxcbld"


@pytest.mark.parametrize("size", ["1080x1920", "1920x1080"])
def test_a_long_corrected_word_is_shown_whole_in_large_text(publisher, repo_server, tmp_path, size):
    """Found: the "已为您显示「…」的结果" line had the height of one button, so a long corrected word (a published
    keyword) wrapped into three lines in 大字 mode and ran under the 仍搜索 button. Published, synced over HTTP and
    rendered by the real CLI: the line is drawn whole, nothing on the search page is clipped or overlapping."""
    publisher.source.edit("services", "svc-patent-application",
                          keywords=[*publisher.source.records("services")[0].get("keywords", []), LONG_KEYWORD])
    publisher.build()
    config = write_config_file(tmp_path / "kiosk.toml",
                               terminal_config(tmp_path / "data", repo_server.url, publisher.root_path))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software")
    cli = [sys.executable, "-m", "kiosk.cli", "--config", str(config)]
    synced = subprocess.run([*cli, "sync", "--once"], env=env, cwd=REPO_ROOT, capture_output=True, text=True,
                            timeout=120)
    assert synced.returncode == 0, synced.stderr
    audit = tmp_path / "audit.json"
    shown = subprocess.run([*cli, "selftest", "--page", f"search:{SWAPPED_INITIALS}", "--size", size, "--large-text",
                            "--audit", str(audit)], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    report = json.loads(audit.read_text(encoding="utf-8"))
    assert f"已为您显示「{LONG_KEYWORD}」的结果" in report["texts"], shown.stderr
    assert report["clipped"] == [] and report["overlaps"] == [], report
    assert shown.returncode == 0, shown.stderr
