"""The contrast and layout audit (kiosk/ui/audit.py): every visitor page passes it at both screen sizes, in both
text modes and both languages, and the audit itself fails pages it must fail.

The pages are rendered in this one process on the bundled content (a real data service child, real SQLite
files), one kiosk window per screen size, each page opened as `ipkiosk selftest --page` opens it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtQml import QQmlApplicationEngine, QQmlExpression, qmlContext
from PySide6.QtQuick import QQuickWindow

from kiosk.commands.ui import SELFTEST_PAGES, page_request, show_page
from kiosk.core import config as config_mod
from kiosk.ui.audit import audit_scrolled, audit_window, contrast
from tests.helpers import REPO_ROOT
from tests.ui_helpers import SIZES_PX

MIN_TEXT_CONTRAST = 4.5
MIN_CONTROL_CONTRAST = 3.0
MIN_TARGET_PX, MIN_TARGET_LARGE_PX = 64, 88
MIN_TEXT_LARGE_PX = 30

# The pages that take an argument, on seed records that show what a visitor meets: an expired notice and a
# past event (their grey 已过期 / 已结束 chips), the longest policy title, a search with results.
PAGE_ARGS = {
    "service": "svc-patent-application",
    "policy": "pol-zz-2022-140-notice",
    "notice": "ntc-20260922-ip-trusteeship-demand",
    "event": "evt-20261020-ip-search-training-1",
    "search": "zlsq",
    "booking-for": "svc-trademark-renewal",
}
STAFF_PAGES = {"admin"}
VISITOR_PAGES = [name for name in SELFTEST_PAGES if name not in STAFF_PAGES]
# Size outermost: the module keeps one kiosk window per size and moves on to the next size once.
COMBINATIONS = [(page, size, large, lang) for size in SIZES_PX for page in VISITOR_PAGES
                for large in (False, True) for lang in ("zh", "en")]
ANNOUNCEMENT = "本周四下午系统维护，暂停自助打印"
SETTLE_MS = 150     # the pages draw no images that arrive later; the data has come when show_page returns


def page_spec(name: str) -> str:
    return f"{name}:{PAGE_ARGS[name]}" if name in PAGE_ARGS else name


class _Kiosk:
    """The kiosk UI of this module: one data service, one window at a time (rebuilt when the size changes)."""

    def __init__(self, cfg: config_mod.Config):
        self.cfg = cfg
        self.size: tuple[int, int] | None = None
        self.ctx = None
        self.window: QQuickWindow | None = None

    def show(self, spec: str, size: tuple[int, int], *, large_text: bool, lang: str) -> QQuickWindow:
        from kiosk.ui import app as ui_app

        if size != self.size:
            self.close()
            self.ctx = ui_app.build_context(self.cfg)
            self.window = ui_app.load_main(self.ctx, size_px=size)
            self.window.show()
            self.size = size
        assert self.ctx is not None and self.window is not None
        self.ctx.shell.setProperty("largeText", large_text)
        self.ctx.shell.setProperty("language", lang)
        file_name, props = page_request(spec)
        show_page(self.window, self.ctx, file_name, props, settle_ms=SETTLE_MS)
        return self.window

    def theme(self, name: str):
        assert self.window is not None
        value, undefined = QQmlExpression(qmlContext(self.window), self.window, f"Theme.{name}").evaluate()
        assert not undefined, f"Theme.{name} is not defined"
        return value

    def close(self) -> None:
        from kiosk.ui import app as ui_app

        if self.ctx is not None:
            ui_app.stop_context(self.ctx)
            QGuiApplication.processEvents()
        self.ctx, self.window, self.size = None, None, None


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory, qapp):
    from kiosk.store import station

    cfg = config_mod.from_mapping({"data_dir": str(tmp_path_factory.mktemp("audit-data"))})
    # A pinned station announcement, so home shows its ticker and the attract screen its 本站公告 slide.
    station.open_station_db(cfg.station_db_path)
    station.add_announcement(ANNOUNCEMENT, "维护期间可在服务台办理。", pinned=True)
    station.station_db.close()
    kiosk = _Kiosk(cfg)
    yield kiosk
    kiosk.close()


_scaling: dict[str, bool] = {}


def large_text_scaling_landed(kiosk: _Kiosk) -> bool:
    """Whether 大字 mode really scales the sizes yet (Theme tokens grow by Theme.scale), read once at run time:
    until it does, the large-text bounds (88 px targets, 30 px text) are not asserted."""
    if "landed" not in _scaling:
        large = bool(kiosk.ctx.shell.property("largeText"))
        kiosk.ctx.shell.setProperty("largeText", False)
        normal_target, normal_body = kiosk.theme("touchMin"), kiosk.theme("fontBody")
        kiosk.ctx.shell.setProperty("largeText", True)
        scaled = kiosk.theme("scale") > 1 and kiosk.theme("touchMin") > normal_target \
            and kiosk.theme("fontBody") > normal_body
        kiosk.ctx.shell.setProperty("largeText", large)
        _scaling["landed"] = scaled
    return _scaling["landed"]


def violations(doc: dict, *, min_target_px: int = MIN_TARGET_PX, min_text_px: int = 0) -> list[str]:
    """What in an audit document breaks the targets of the visitor screens, each with its culprits."""
    found = []
    if doc["min_text_contrast"] < MIN_TEXT_CONTRAST:
        worst = [t for t in doc["text_details"] if t["contrast"] < MIN_TEXT_CONTRAST]
        found.append(f"text contrast {doc['min_text_contrast']} < {MIN_TEXT_CONTRAST}: {worst[:5]}")
    if doc["min_control_contrast"] < MIN_CONTROL_CONTRAST:
        worst = [c for c in doc["control_details"]
                 if c["contrast"] is not None and c["contrast"] < MIN_CONTROL_CONTRAST]
        found.append(f"control contrast {doc['min_control_contrast']} < {MIN_CONTROL_CONTRAST}: {worst[:5]}")
    if doc["overlaps"]:
        found.append(f"overlapping texts: {doc['overlaps'][:5]}")
    if doc["clipped"]:
        found.append(f"clipped texts: {doc['clipped'][:5]}")
    if doc["min_target_px"] < min_target_px:
        small = [c for c in doc["controls"] if min(c["w"], c["h"]) < min_target_px]
        found.append(f"targets under {min_target_px} px: {small[:5]}")
    if doc["min_text_px"] < min_text_px:
        small = [t for t in doc["text_details"] if t["px"] < min_text_px]
        found.append(f"text under {min_text_px} px: {[(t['text'][:30], t['px']) for t in small[:5]]}")
    return found


def audited(kiosk: _Kiosk, page: str, size: tuple[int, int], large_text: bool, lang: str) -> dict:
    """The audit of the whole page: what the screen shows and everything a visitor can scroll to."""
    window = kiosk.show(page_spec(page), size, large_text=large_text, lang=lang)
    return {"page": page, "size": list(size), **audit_scrolled(window).summary()}


@pytest.mark.parametrize("page,size,large_text,lang", COMBINATIONS,
                         ids=[f"{p}-{w}x{h}-{'large' if lt else 'normal'}-{lang}" for p, (w, h), lt, lang in COMBINATIONS])
def test_visitor_page_passes_the_audit(kiosk, page, size, large_text, lang):
    doc = audited(kiosk, page, size, large_text, lang)
    assert doc["texts"], f"{page}: the audit saw no text at all"
    assert doc["controls"], f"{page}: the audit saw no control at all"
    problems = violations(doc)
    assert not problems, f"{page} at {size}, large_text={large_text}, {lang}:\n" + "\n".join(problems)
    if large_text:
        if not large_text_scaling_landed(kiosk):
            pytest.skip("大字 mode does not scale the Theme's sizes yet: the 88 px target and 30 px text bounds "
                        "of large-text mode are not checked (everything else passed)")
        problems = violations(doc, min_target_px=MIN_TARGET_LARGE_PX, min_text_px=MIN_TEXT_LARGE_PX)
        assert not problems, f"{page} at {size} in 大字 mode, {lang}:\n" + "\n".join(problems)


@pytest.mark.parametrize("size", SIZES_PX, ids=[f"{w}x{h}" for w, h in SIZES_PX])
def test_admin_page_passes_the_audit(kiosk, size):
    doc = audited(kiosk, "admin", size, False, "zh")
    assert doc["texts"] and doc["controls"]
    problems = violations(doc)
    assert not problems, "admin at {size}:\n" + "\n".join(problems)


def test_start_hint_is_measured_at_its_dim_phase(kiosk, qtbot):
    """The attract screen's blinking 轻触屏幕开始 counts at its dimmest opacity, whatever phase the grab caught;
    its blink (a Timer, which the audit cannot read) really goes no lower than the dimOpacity it declares."""
    window = kiosk.show("attract", SIZES_PX[0], large_text=False, lang="zh")
    report = audit_window(window)
    hint = next(t for t in report.texts if t.item.objectName() == "attractStartHint")
    dim = float(hint.item.property("dimOpacity"))
    assert 0 < dim < 1
    assert hint.contrast >= MIN_TEXT_CONTRAST
    seen = {hint.item.opacity()}
    hint.item.opacityChanged.connect(lambda: seen.add(hint.item.opacity()))
    qtbot.waitUntil(lambda: len(seen) > 1 and min(seen) < 1, timeout=10_000)    # it blinks
    qtbot.wait(1500)                                                            # and another phase
    assert min(seen) == pytest.approx(dim)
    # At full opacity the hint is white on the page colour; the audit's figure is the lower, dim one.
    assert hint.contrast < contrast(QColor("#ffffff"), QColor(hint.background)) - 0.5


# ---------------------------------------------------------------- the audit itself, on hostile pages

def _render(qtbot, qml: str, background: str = "#ffffff") -> QQuickWindow:
    engine = QQmlApplicationEngine()
    engine.loadData((f"import QtQuick\nWindow {{\n width: 600; height: 400; visible: true; color: \"{background}\"\n"
                     + qml + "\n}\n").encode())
    assert engine.rootObjects(), "the snippet did not load"
    window = engine.rootObjects()[0]
    window._engine = engine     # keep the engine as long as the window
    qtbot.waitExposed(window)
    qtbot.wait(50)
    return window


def _text(report, text: str):
    return next(t for t in report.texts if t.text == text)


def test_grey_on_grey_text_fails_and_dark_on_light_passes(qtbot):
    window = _render(qtbot, """
        Rectangle { x: 10; y: 10; width: 300; height: 80; color: "#aaaaaa"
            Text { anchors.centerIn: parent; text: "灰字"; color: "#999999"; font.pixelSize: 30 } }
        Rectangle { x: 10; y: 200; width: 300; height: 80; color: "#f3f5f9"
            Text { anchors.centerIn: parent; text: "深字"; color: "#1b2430"; font.pixelSize: 30 } }""")
    report = audit_window(window)
    grey, dark = _text(report, "灰字"), _text(report, "深字")
    assert grey.contrast < 1.5 and grey.background == "#aaaaaa"
    assert dark.contrast > 12 and dark.background == "#f3f5f9"
    assert report.summary()["min_text_contrast"] == round(grey.contrast, 2)
    assert grey.px == 30


def test_opacity_and_colour_alpha_lower_the_contrast(qtbot):
    window = _render(qtbot, """
        Column { x: 10; y: 10; spacing: 10
            Text { text: "opaque"; color: "#000000"; font.pixelSize: 30 }
            Text { text: "alpha"; color: "#40000000"; font.pixelSize: 30 }
            Item { opacity: 0.5; width: 200; height: 40
                Text { opacity: 0.5; text: "faded"; color: "#000000"; font.pixelSize: 30 } } }""")
    report = audit_window(window)
    assert _text(report, "opaque").contrast == pytest.approx(21, abs=0.1)
    assert _text(report, "alpha").contrast < 2.5          # a quarter of black over white
    assert _text(report, "faded").contrast < 2.5          # 0.5 × 0.5 opacity up the parent chain


def test_blinking_text_counts_at_its_dimmest_phase(qtbot):
    window = _render(qtbot, """
        Rectangle { anchors.fill: parent; color: "#1e5aa8"
            Text { x: 10; y: 10; text: "animated"; color: "white"; font.pixelSize: 30
                SequentialAnimation on opacity { loops: Animation.Infinite
                    NumberAnimation { from: 1; to: 0.3; duration: 4000 } } }
            Text { x: 10; y: 100; text: "timer"; color: "white"; font.pixelSize: 30
                property real dimOpacity: 0.3 } }""")
    report = audit_window(window)
    for name in ("animated", "timer"):
        assert _text(report, name).contrast < 3, name


def test_only_what_a_visitor_can_see_is_listed(qtbot):
    window = _render(qtbot, """
        Text { x: 10; y: 10; text: "看得见"; color: "black"; font.pixelSize: 30 }
        Text { x: 10; y: 60; text: "隐藏"; visible: false; color: "black"; font.pixelSize: 30 }
        Text { x: 10; y: 110; text: "透明"; opacity: 0; color: "black"; font.pixelSize: 30 }
        Text { x: 700; y: 10; text: "窗外"; color: "black"; font.pixelSize: 30 }
        Item { x: 10; y: 160; width: 100; height: 40; clip: true
            Text { y: 60; text: "裁掉"; color: "black"; font.pixelSize: 30 } }""")
    assert [t.text for t in audit_window(window).texts] == ["看得见"]


def test_scrolling_brings_what_is_below_the_fold_into_the_audit(qtbot):
    window = _render(qtbot, """
        Flickable { objectName: "list"; anchors.fill: parent; contentHeight: 1400; clip: true
            Text { y: 10; text: "首屏"; color: "black"; font.pixelSize: 30 }
            Text { y: 1300; text: "底部灰字"; color: "#bbbbbb"; font.pixelSize: 30 } }""")
    assert [t.text for t in audit_window(window).texts] == ["首屏"]
    scrolled = audit_scrolled(window)
    assert {t.text for t in scrolled.texts} == {"首屏", "底部灰字"}
    assert scrolled.summary()["min_text_contrast"] < 2
    list_view = next(i for i in window.contentItem().childItems() if i.objectName() == "list")
    assert list_view.property("contentY") == 0      # put back where it was


def test_overlapping_texts_are_reported(qtbot):
    window = _render(qtbot, """
        Text { x: 10; y: 10; text: "第一行文字"; color: "black"; font.pixelSize: 30 }
        Text { x: 40; y: 20; text: "压在上面"; color: "black"; font.pixelSize: 30 }
        Text { x: 10; y: 200; text: "不相交"; color: "black"; font.pixelSize: 30 }""")
    overlaps = audit_window(window).overlaps
    assert overlaps == [("第一行文字", "压在上面")]


def test_clipped_text_is_reported_and_elided_text_is_not(qtbot):
    window = _render(qtbot, """
        Text { x: 10; y: 10; width: 100; text: "一行放不下的很长的文字"; color: "black"; font.pixelSize: 30 }
        Text { x: 10; y: 60; width: 100; text: "省略号结尾的很长的文字"; elide: Text.ElideRight
               color: "black"; font.pixelSize: 30 }
        Item { x: 10; y: 120; width: 120; height: 20; clip: true
            Text { text: "被父项裁掉"; color: "black"; font.pixelSize: 30 } }
        Text { x: 560; y: 200; text: "出了窗口"; color: "black"; font.pixelSize: 30 }
        Text { x: 10; y: 250; width: 300; text: "第一行\\n第二行\\n第三行"; maximumLineCount: 2
               color: "black"; font.pixelSize: 30 }""")
    clipped = dict(audit_window(window).clipped)
    assert set(clipped) == {"一行放不下的很长的文字", "被父项裁掉", "出了窗口", "第一行\n第二行\n第三行"}
    assert "not elided" in clipped["一行放不下的很长的文字"]
    assert "ellipsis" in clipped["第一行\n第二行\n第三行"]


def test_scrolling_text_is_not_clipped(qtbot):
    window = _render(qtbot, """
        Flickable { x: 10; y: 10; width: 200; height: 60; clip: true; contentWidth: 600; contentHeight: 60
            Text { text: "可以滑动查看的一长行文字内容"; color: "black"; font.pixelSize: 30 } }""")
    assert audit_window(window).clipped == []


def test_a_ticker_running_through_its_lane_is_not_clipped_and_a_still_text_is(qtbot):
    window = _render(qtbot, """
        Item { x: 10; y: 10; width: 200; height: 60; clip: true
            Text { text: "跑马灯里的一长行公告文字内容"; color: "black"; font.pixelSize: 30
                NumberAnimation on x { from: 200; to: -400; duration: 8000; loops: Animation.Infinite } } }
        Item { x: 10; y: 100; width: 200; height: 60; clip: true
            Text { text: "不动的一长行公告文字内容"; color: "black"; font.pixelSize: 30 } }""")
    assert [text for text, _ in audit_window(window).clipped] == ["不动的一长行公告文字内容"]


def test_controls_boundary_contrast_and_size(qtbot):
    window = _render(qtbot, """
        Rectangle { objectName: "faint"; x: 20; y: 20; width: 200; height: 100; radius: 16; color: "white"
            border.color: "#dde2ea"; Text { anchors.centerIn: parent; text: "淡"; font.pixelSize: 30 }
            MouseArea { anchors.fill: parent } }
        Rectangle { objectName: "outlined"; x: 300; y: 20; width: 200; height: 100; radius: 16; color: "white"
            border.color: "#6b7684"; border.width: 2
            Text { anchors.centerIn: parent; text: "框"; font.pixelSize: 30 }
            TapHandler {} }
        Rectangle { objectName: "small"; x: 20; y: 200; width: 40; height: 40; color: "#1e5aa8"
            Accessible.role: Accessible.Button; Accessible.name: "小" }
        Rectangle { objectName: "off"; x: 300; y: 200; width: 200; height: 100; color: "#cccccc"; enabled: false
            MouseArea { anchors.fill: parent } }""", background="#f3f5f9")
    report = audit_window(window)
    by_name = {c.item.objectName(): c for c in report.controls}
    assert set(by_name) == {"faint", "outlined", "small"}     # a disabled control is not measured
    assert by_name["faint"].contrast < 1.5
    assert by_name["outlined"].contrast > 4
    assert by_name["small"].contrast > 6 and (by_name["small"].role, by_name["small"].name) == ("Button", "小")
    assert by_name["faint"].name == "淡"
    summary = report.summary()
    assert summary["min_target_px"] == 40
    assert summary["min_control_contrast"] == round(by_name["faint"].contrast, 2)
    assert {"name": "小", "role": "Button", "w": 40, "h": 40} in summary["controls"]


def test_a_row_cut_by_its_list_is_judged_by_the_edges_that_show(qtbot):
    window = _render(qtbot, """
        Rectangle { x: 20; y: 100; width: 400; height: 200; color: "white"
            Flickable { anchors.fill: parent; clip: true; contentHeight: 600; contentY: 60
                Rectangle { objectName: "row"; y: 0; width: 400; height: 120; color: "white"
                    border.color: "#7d8794"; MouseArea { anchors.fill: parent } } } }""", background="#1e5aa8")
    row = next(c for c in audit_window(window).controls if c.item.objectName() == "row")
    assert row.contrast == pytest.approx(contrast(QColor("#7d8794"), QColor("#ffffff")), abs=0.05)


def test_selftest_writes_the_audit_document(tmp_path):
    """The CLI contract of docs/cli.md, through a real `ipkiosk selftest` process."""
    out = tmp_path / "audit.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software", XDG_DATA_HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "selftest", "--page", "service:svc-patent-application",
                           "--size", "1920x1080", "--large-text", "--lang", "en", "--audit", str(out)],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert {"page", "size", "large_text", "lang", "min_text_px", "min_text_contrast", "min_control_contrast",
            "min_target_px", "overlaps", "clipped", "texts", "controls"} <= set(doc)
    assert (doc["page"], doc["size"], doc["large_text"], doc["lang"]) == \
        ("service:svc-patent-application", [1920, 1080], True, "en")
    assert "Patent application" in " ".join(doc["texts"]), "English mode shows the service's English title"
    assert all(set(c) == {"name", "role", "w", "h"} for c in doc["controls"]) and doc["controls"]
    assert doc["min_text_contrast"] >= MIN_TEXT_CONTRAST and doc["overlaps"] == [] and doc["clipped"] == []


def test_selftest_audit_refuses_an_unwritable_file(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software", XDG_DATA_HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "selftest", "--audit", str(tmp_path / "no" / "a.json")],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "--audit: could not write" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_selftest_refuses_an_unknown_language(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "selftest", "--lang", "fr"], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "--lang" in proc.stderr
