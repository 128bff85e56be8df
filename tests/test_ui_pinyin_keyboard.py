"""The staff keyboard (StaffKeyboard.qml) on its own, in front of one text field, rendered offscreen and typed on by
real taps: pinyin through the real `ipkiosk pinyin-service` child (librime), paging, backspace over the pre-edit,
punctuation, a hardware keyboard feeding the same engine, and the fall-back to 英文/数字 when the engine cannot run
or its child dies."""

from __future__ import annotations

import os
import signal
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtQml import QQmlApplicationEngine
from PySide6.QtTest import QTest

from kiosk.ui import fonts
from kiosk.ui.pinyin_input import PinyinInput
from kiosk.ui.qml_types import QML_IMPORT_DIR, qml_types
from tests.test_ime_cli import NO_LIBRIME
from tests.ui_helpers import find, tap

HARNESS = b"""
import QtQuick
import QtQuick.Controls
import Kiosk

Window {
    width: 1080; height: 1920; visible: true
    TextField {
        id: field
        objectName: "field"
        x: 40; y: 100; width: 1000; height: 90
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontBody
        Keys.onPressed: (event) => keyboard.handleKey(event)
    }
    StaffKeyboard {
        id: keyboard
        target: field
        visible: field.activeFocus
        width: parent.width
        anchors.bottom: parent.bottom
    }
}
"""
READY_TIMEOUT_MS = 30_000  # a fresh data dir: the child deploys the schema first


@pytest.fixture
def keyboard(qtbot, cfg):
    """``pinyin, window = keyboard(command=None, **options)``: the harness with a Pinyin on CFG's data dir
    (or running COMMAND as its child)."""
    made = []

    def start(command=None, **options):
        fonts.load_fonts()
        pinyin = PinyinInput(cfg, command=command, **options)
        qml_types.register_singleton("Pinyin", pinyin)
        qml_types.engine_created()
        engine = QQmlApplicationEngine()
        engine.addImportPath(str(QML_IMPORT_DIR))
        engine.loadData(HARNESS)
        assert engine.rootObjects(), "the harness QML did not load"
        window = engine.rootObjects()[0]
        made.append((pinyin, engine))
        qtbot.waitExposed(window)
        tap(qtbot, window, find(window, "field"), settle_ms=50)
        return pinyin, window

    yield start
    for pinyin, engine in made:
        pinyin.stop()
        engine.deleteLater()
    qtbot.wait(10)


def field_text(window) -> str:
    return find(window, "field").property("text")


def tap_keys(qtbot, window, keys: str) -> None:
    for key in keys:
        tap(qtbot, window, find(window, f"staffKey_{key}"), settle_ms=0)


def key_clicks(window, letters: str) -> None:
    """Hardware key presses, one letter at a time (QTest.keyClicks takes widgets only)."""
    for letter in letters:
        QTest.keyClick(window, getattr(Qt.Key, f"Key_{letter.upper()}"))


def wait_answered(qtbot, pinyin: PinyinInput) -> None:
    qtbot.waitUntil(lambda: not pinyin._pending, timeout=5000)


def candidate_texts(window) -> list[str]:
    return list(find(window, "staffCandidates").property("model") or [])


def test_tapping_pinyin_picks_a_whole_phrase_and_punctuation(qtbot, keyboard):
    pinyin, window = keyboard()
    qtbot.waitUntil(lambda: pinyin.property("available"), timeout=READY_TIMEOUT_MS)
    assert pinyin.property("mode") == "zh"
    tap_keys(qtbot, window, "qingliangjie")
    wait_answered(qtbot, pinyin)
    assert find(window, "staffPreedit").property("text") == "qing liang jie"
    assert candidate_texts(window)[0] == "请谅解"
    assert field_text(window) == ""  # nothing reaches the field before a choice
    tap(qtbot, window, find(window, "staffCandidate_0"), settle_ms=0)
    wait_answered(qtbot, pinyin)
    assert field_text(window) == "请谅解"
    tap_keys(qtbot, window, "。")
    wait_answered(qtbot, pinyin)
    assert field_text(window) == "请谅解。"
    assert not pinyin.property("composing") and candidate_texts(window) == []


def test_backspace_takes_back_letters_then_characters(qtbot, keyboard):
    pinyin, window = keyboard()
    qtbot.waitUntil(lambda: pinyin.property("available"), timeout=READY_TIMEOUT_MS)
    tap_keys(qtbot, window, "benz")
    wait_answered(qtbot, pinyin)
    tap(qtbot, window, find(window, "staffKey_backspace"), settle_ms=0)
    wait_answered(qtbot, pinyin)
    assert pinyin.property("letters") == "ben" and field_text(window) == ""
    tap(qtbot, window, find(window, "staffKey_space"), settle_ms=0)  # space: the best candidate
    wait_answered(qtbot, pinyin)
    assert field_text(window) == "本"
    tap(qtbot, window, find(window, "staffKey_backspace"), settle_ms=0)  # nothing composed: the field's character
    assert field_text(window) == ""


def test_paging_shows_further_candidates(qtbot, keyboard):
    pinyin, window = keyboard()
    qtbot.waitUntil(lambda: pinyin.property("available"), timeout=READY_TIMEOUT_MS)
    tap_keys(qtbot, window, "shi")
    wait_answered(qtbot, pinyin)
    first_page = candidate_texts(window)
    assert not find(window, "staffPagePrev").isEnabled() and find(window, "staffPageNext").isEnabled()
    tap(qtbot, window, find(window, "staffPageNext"), settle_ms=0)
    wait_answered(qtbot, pinyin)
    second_page = candidate_texts(window)
    assert second_page and not set(second_page) & set(first_page)
    tap(qtbot, window, find(window, "staffCandidate_1"), settle_ms=0)
    wait_answered(qtbot, pinyin)
    assert field_text(window) == second_page[1]
    tap_keys(qtbot, window, "shi")
    wait_answered(qtbot, pinyin)
    assert candidate_texts(window)[0] == second_page[1]  # the user dictionary: a word chosen rises
    first_page = candidate_texts(window)
    tap(qtbot, window, find(window, "staffPageNext"), settle_ms=0)
    wait_answered(qtbot, pinyin)
    tap(qtbot, window, find(window, "staffPagePrev"), settle_ms=0)
    wait_answered(qtbot, pinyin)
    assert candidate_texts(window) == first_page and not find(window, "staffPagePrev").isEnabled()


def test_english_and_digit_pages_type_as_labelled(qtbot, keyboard):
    pinyin, window = keyboard()
    qtbot.waitUntil(lambda: pinyin.property("available"), timeout=READY_TIMEOUT_MS)
    tap(qtbot, window, find(window, "staffKey_mode_en"), settle_ms=0)
    tap_keys(qtbot, window, "wifi")
    tap(qtbot, window, find(window, "staffKey_mode_digits"), settle_ms=50)
    tap_keys(qtbot, window, "12:30，（")
    assert field_text(window) == "wifi12:30，（"
    assert pinyin.property("available") and not pinyin._pending  # the engine was not asked


def test_hardware_keyboard_feeds_the_same_engine(qtbot, keyboard):
    pinyin, window = keyboard()
    qtbot.waitUntil(lambda: pinyin.property("available"), timeout=READY_TIMEOUT_MS)
    key_clicks(window, "nihao")
    wait_answered(qtbot, pinyin)
    assert field_text(window) == "" and candidate_texts(window)[0] == "你好"
    QTest.keyClick(window, Qt.Key.Key_Space)  # the best candidate
    wait_answered(qtbot, pinyin)
    QTest.keyClick(window, Qt.Key.Key_Comma)  # a hardware comma is the Chinese one in 中 mode
    wait_answered(qtbot, pinyin)
    key_clicks(window, "women")
    wait_answered(qtbot, pinyin)
    QTest.keyClick(window, Qt.Key.Key_1)  # 1–9 choose
    wait_answered(qtbot, pinyin)
    assert field_text(window) == "你好，我们"
    QTest.keyClick(window, Qt.Key.Key_Backspace)  # nothing composed: the field deletes
    assert field_text(window) == "你好，我"


def test_without_librime_the_keyboard_types_english_and_digits_and_says_why(qtbot, keyboard):
    # librime cannot be uninstalled for a test: the child's Python names a library that does not exist.
    pinyin, window = keyboard(command=(sys.executable, ["-c", NO_LIBRIME, "pinyin-service"]))
    qtbot.waitUntil(lambda: pinyin.property("unavailableReason") != "", timeout=READY_TIMEOUT_MS)
    assert pinyin.property("mode") == "en" and not pinyin.property("available")
    reason = find(window, "staffPreedit").property("text")
    assert reason.startswith("拼音输入不可用，只能输入英文和数字") and "librime1 is not installed" in reason
    tap_keys(qtbot, window, "room")
    tap(qtbot, window, find(window, "staffKey_mode_digits"), settle_ms=50)
    tap_keys(qtbot, window, "3，")
    assert field_text(window) == "room3，"
    tap(qtbot, window, find(window, "staffKey_mode_zh"), settle_ms=0)  # tries again, and says why again
    qtbot.waitUntil(lambda: pinyin.property("unavailableReason") != "", timeout=READY_TIMEOUT_MS)
    assert pinyin.property("mode") == "digits"  # the page the clerk was on


def test_a_dead_engine_leaves_english_and_the_letters_typed(qtbot, keyboard):
    pinyin, window = keyboard()
    qtbot.waitUntil(lambda: pinyin.property("available"), timeout=READY_TIMEOUT_MS)
    tap_keys(qtbot, window, "zhan")
    wait_answered(qtbot, pinyin)
    os.kill(pinyin._child.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: pinyin.property("mode") == "en", timeout=5000)
    assert field_text(window) == "zhan"  # not lost
    assert "拼音输入意外退出" in find(window, "staffPreedit").property("text")
    tap_keys(qtbot, window, "x")
    assert field_text(window) == "zhanx"
    tap(qtbot, window, find(window, "staffKey_mode_zh"), settle_ms=0)  # a new child
    qtbot.waitUntil(lambda: pinyin.property("mode") == "zh", timeout=READY_TIMEOUT_MS)
    assert pinyin.property("unavailableReason") == ""


# A child that says it is ready and then never answers (a hung engine).
SILENT_CHILD = "import sys, time; print('{\"ready\": true}', flush=True); time.sleep(600)"


def test_a_silent_engine_is_given_up_and_nothing_hangs(qtbot, keyboard):
    pinyin, window = keyboard(command=(sys.executable, ["-c", SILENT_CHILD]), answer_timeout_ms=500)
    qtbot.waitUntil(lambda: pinyin.property("available"), timeout=READY_TIMEOUT_MS)
    tap_keys(qtbot, window, "ab")  # taps return at once: nothing waits for the child
    qtbot.waitUntil(lambda: pinyin.property("mode") == "en", timeout=5000)
    assert "拼音输入没有响应" in pinyin.property("unavailableReason")
    assert not pinyin._child.running
    tap_keys(qtbot, window, "c")
    assert field_text(window) == "c"


def test_closing_the_keyboard_drops_the_waiting_letters(qtbot, keyboard):
    pinyin, window = keyboard()
    qtbot.waitUntil(lambda: pinyin.property("available"), timeout=READY_TIMEOUT_MS)
    tap_keys(qtbot, window, "xiu")
    wait_answered(qtbot, pinyin)
    tap(qtbot, window, find(window, "staffKey_hide"), settle_ms=0)
    assert not find(window, "staffKeyboard").isVisible()
    wait_answered(qtbot, pinyin)
    assert pinyin.property("letters") == "" and field_text(window) == ""
    tap(qtbot, window, find(window, "field"), settle_ms=0)  # back in the field: a fresh start, still 中
    tap_keys(qtbot, window, "xi")
    wait_answered(qtbot, pinyin)
    assert pinyin.property("letters") == "xi" and pinyin.property("mode") == "zh"


def test_keys_faster_than_the_answers_act_on_the_letters_not_on_the_field(qtbot, keyboard):
    pinyin, window = keyboard()
    qtbot.waitUntil(lambda: pinyin.property("available"), timeout=READY_TIMEOUT_MS)
    tap(qtbot, window, find(window, "staffKey_mode_en"), settle_ms=0)
    tap_keys(qtbot, window, "x")
    tap(qtbot, window, find(window, "staffKey_mode_zh"), settle_ms=0)
    # The keys' slots called back to back: no event is processed between them, so no answer has arrived.
    for letter in "nin":
        pinyin.typeText(letter)
    assert pinyin.property("letters") == "" and pinyin.property("composing")
    assert pinyin.backspace()  # the engine's letter, not the field's x
    pinyin.space()  # the best candidate, not a space
    wait_answered(qtbot, pinyin)
    assert field_text(window) == "x你"
    assert not pinyin.backspace() and not pinyin.property("composing")  # now the field's
