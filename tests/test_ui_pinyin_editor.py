"""A station clerk writes a Chinese announcement on the kiosk itself: the whole kiosk UI offscreen, the announcement
editor typed on by taps on the staff keyboard, candidates from the real `ipkiosk pinyin-service` child (librime), and
the announcement on the home screen after saving. Also the editor with its keyboard at both screen sizes (touch
targets, nothing off the window) and without the engine. Run as a script to refresh the screenshots:

    QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software .venv/bin/python -m tests.test_ui_pinyin_editor docs/screens
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Q_ARG, QMetaObject

from kiosk.store import station
from kiosk.ui.pinyin_input import PinyinInput
from tests.test_admin_screens import _answer, _layout_problems, _settle
from tests.test_admin_ui import PIN, T0, FakeClock, enter_admin, exists, find, tap_name, ticker_text
from tests.test_ime_cli import NO_LIBRIME
from tests.ui_helpers import SIZES_PX, render_gallery, wait_ms, window_items

READY_TIMEOUT_MS = 30_000  # a fresh data dir: the child deploys the schema first


def pinyin_of(ctx) -> PinyinInput:
    return ctx.singletons["Pinyin"]


def wait_answered(qtbot, pinyin: PinyinInput) -> None:
    qtbot.waitUntil(lambda: not pinyin._pending, timeout=5000)


def tap_keys(qtbot, window, keys: str) -> None:
    for key in keys:
        tap_name(qtbot, window, f"staffKey_{key}")


def tap_candidate(qtbot, window, pinyin: PinyinInput, word: str) -> None:
    """Tap WORD in the candidate bar, paging on until it shows."""
    for _ in range(5):
        wait_answered(qtbot, pinyin)
        words = list(pinyin.property("candidates"))
        if word in words:
            tap_name(qtbot, window, f"staffCandidate_{words.index(word)}")
            wait_answered(qtbot, pinyin)
            return
        tap_name(qtbot, window, "staffPageNext")
    raise AssertionError(f"{word!r} not among the candidates")


def open_new_announcement(qtbot, window) -> None:
    tap_name(qtbot, window, "adminNewAnnouncement")
    qtbot.waitUntil(lambda: exists(window, "announcementEditor"), timeout=3000)
    qtbot.wait(50)


def test_clerk_types_a_chinese_announcement_by_taps_and_it_shows_on_home(kiosk_ui, qtbot):
    clock = FakeClock(T0)
    ctx, window = kiosk_ui(clock=clock)
    pinyin = pinyin_of(ctx)
    enter_admin(qtbot, window, clock)
    open_new_announcement(qtbot, window)
    assert not exists(window, "staffKeyboard")  # only while a text field has the focus

    tap_name(qtbot, window, "annTitleField")
    assert exists(window, "staffKeyboard")
    qtbot.waitUntil(lambda: pinyin.property("mode") == "zh", timeout=READY_TIMEOUT_MS)
    tap_keys(qtbot, window, "benzhanjinrixiuxi")
    wait_answered(qtbot, pinyin)
    assert find(window, "staffCandidate_0").property("text") == "本站今日休息"
    tap_candidate(qtbot, window, pinyin, "本站今日休息")
    assert find(window, "annTitleField").property("text") == "本站今日休息"

    tap_name(qtbot, window, "annBodyField")
    tap_keys(qtbot, window, "qingliangjie")
    tap_candidate(qtbot, window, pinyin, "请谅解")
    tap_keys(qtbot, window, "。")
    wait_answered(qtbot, pinyin)
    assert find(window, "annBodyField").property("text") == "请谅解。"
    assert find(window, "annTitleField").property("text") == "本站今日休息"  # the body's letters stayed in the body

    tap_name(qtbot, window, "staffKey_hide")
    assert not exists(window, "staffKeyboard")
    tap_name(qtbot, window, "annSave")
    qtbot.waitUntil(lambda: not exists(window, "announcementEditor"), timeout=3000)
    assert [(a["title"], a["body"]) for a in station.list_announcements()] == [("本站今日休息", "请谅解。")]

    tap_name(qtbot, window, "navHome")
    qtbot.waitUntil(lambda: exists(window, "homePage"), timeout=3000)
    qtbot.waitUntil(lambda: "本站今日休息" in ticker_text(window), timeout=5000)


def test_without_the_engine_the_editor_still_types_english_and_digits(qtbot, cfg):
    from kiosk.store.content import content_db
    from kiosk.ui import app as ui_app
    from tests.data_service_double import wait_answered
    from tests.helpers import open_stores_beside_the_kiosk

    clock = FakeClock(T0)
    ctx = ui_app.build_context(cfg, clock=clock)
    try:
        # librime cannot be uninstalled for a test: the child's Python names a library that does not exist.
        broken = PinyinInput(cfg, ctx.engine, command=(sys.executable, ["-c", NO_LIBRIME, "pinyin-service"]))
        ctx.register_singleton("Pinyin", broken)
        ctx.view_models.append(broken)
        # As the kiosk_ui fixture does: the data service child has seeded the stores once it answered.
        wait_answered(qtbot, ctx.data, timeout_ms=120_000)
        open_stores_beside_the_kiosk(cfg)
        window = ui_app.load_main(ctx, size_px=SIZES_PX[0])
        window.show()
        qtbot.waitExposed(window)
        wait_answered(qtbot, ctx.data)  # what the first page asked for
        qtbot.wait(50)  # the first layout pass after the resize
        enter_admin(qtbot, window, clock)
        open_new_announcement(qtbot, window)
        tap_name(qtbot, window, "annTitleField")
        qtbot.waitUntil(lambda: broken.property("unavailableReason") != "", timeout=READY_TIMEOUT_MS)
        assert "librime1 is not installed" in find(window, "staffPreedit").property("text")
        tap_keys(qtbot, window, "wifi")
        tap_name(qtbot, window, "staffKey_mode_digits")
        tap_keys(qtbot, window, "5，")
        assert find(window, "annTitleField").property("text") == "wifi5，"
    finally:
        ui_app.stop_context(ctx)
        qtbot.wait(10)
        content_db.close()
        station.station_db.close()


def render_editor(cfg, size_px, out_dir: Path | None, qtbot_wait, wait_until) -> list[str]:
    """The editor with the keyboard in pinyin mode, "benzhanjinrixiuxi" typed into the title (a chosen word
    before it); its layout problems, and a PNG in OUT_DIR."""
    from kiosk.store.pin import PinGuard
    from kiosk.ui import app as ui_app
    from tests.helpers import open_stores_beside_the_kiosk

    ctx = ui_app.build_context(cfg)
    open_stores_beside_the_kiosk(cfg)
    window = ui_app.load_main(ctx, size_px=size_px)
    window.show()
    qtbot_wait(300)
    pinyin = pinyin_of(ctx)
    try:
        PinGuard(actor="cli").set_pin(PIN)  # `ipkiosk admin set-pin` at installation
        session = ctx.singletons["AdminSession"]
        session.refreshPin()
        _settle(ctx.data, qtbot_wait)
        assert _answer(session.pinChecked, session.checkPin, qtbot_wait, PIN)["ok"]
        _settle(ctx.data, qtbot_wait)
        QMetaObject.invokeMethod(window, "openPage", Q_ARG("QVariant", "AnnouncementEditor.qml"),
                                 Q_ARG("QVariant", {}))
        qtbot_wait(300)
        title = next(i for i in window_items(window, visible_only=True) if i.objectName() == "annTitleField")
        title.forceActiveFocus()
        wait_until(lambda: pinyin.property("mode") == "zh")
        for letters in ("zhouwu", "benzhanjinrixiuxi"):
            pinyin.typeText(letters)
            wait_until(lambda: not pinyin._pending)
            if letters == "zhouwu":
                pinyin.select(0)
                wait_until(lambda: not pinyin._pending)
        qtbot_wait(200)
        problems = _layout_problems(window)
        if out_dir is not None:
            assert window.grabWindow().save(str(out_dir / f"editor-pinyin-{size_px[0]}x{size_px[1]}.png"))
        return problems
    finally:
        ui_app.stop_context(ctx)
        qtbot_wait(50)


@pytest.mark.parametrize("size_px", SIZES_PX, ids=["portrait", "landscape"])
def test_editor_with_the_keyboard_lays_out_for_touch(qtbot, cfg, size_px, tmp_path):
    from kiosk.store.content import content_db

    def wait_until(condition) -> None:
        qtbot.waitUntil(condition, timeout=READY_TIMEOUT_MS)

    problems = render_editor(cfg, size_px, tmp_path, qtbot.wait, wait_until)
    content_db.close()
    station.station_db.close()
    assert problems == []
    assert (tmp_path / f"editor-pinyin-{size_px[0]}x{size_px[1]}.png").stat().st_size > 10_000


def main(out_dir: str) -> int:
    import time

    def wait_until(condition) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_MS / 1000
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("the pinyin engine did not answer")
            wait_ms(20)

    return render_gallery(out_dir, "editor",
                          lambda cfg, size_px, target, wait: render_editor(cfg, size_px, target, wait, wait_until))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screens"))
