"""中文/English for visitors: the .ts covers every source string, `make` builds the .qm, the toggle switches
the running UI (real QML, offscreen), content shows its English twins field by field."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kiosk.core.language import in_language
from kiosk.ui import translation
from kiosk.ui.qml_types import KIOSK_QML_DIR
from tests.data_service_double import wait_answered
from tests.ui_helpers import current_page, find, tap, wait_page_built

ROOT = Path(__file__).resolve().parents[1]
UI_DIR = ROOT / "kiosk" / "ui"
# qsTr("…") in QML; translate("Context", "…") (the name lupdate looks for) and QT_TRANSLATE_NOOP in the view-models.
QSTR_RE = re.compile(r'qsTr\("((?:[^"\\]|\\.)*)"')
TRANSLATE_RE = re.compile(r'\b(?:translate|QT_TRANSLATE_NOOP)\("(\w+)",\s*"((?:[^"\\]|\\.)*)"')


def _unescaped(literal: str) -> str:
    return literal.encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def _source_strings() -> set[tuple[str, str]]:
    """(context, source text) of every translatable string in the QML and the view-models."""
    found = set()
    for qml in KIOSK_QML_DIR.glob("*.qml"):
        found |= {(qml.stem, _unescaped(s)) for s in QSTR_RE.findall(qml.read_text(encoding="utf-8"))}
    for module in UI_DIR.rglob("*.py"):
        found |= {(ctx, _unescaped(s)) for ctx, s in TRANSLATE_RE.findall(module.read_text(encoding="utf-8"))}
    return found


def _ts_messages(path: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(path).getroot()
    return {(ctx.findtext("name"), message.findtext("source")): message.find("translation")
            for ctx in root.iter("context") for message in ctx.iter("message")}


def _translated_forms(translation_element: ET.Element) -> list[str]:
    """A message's English: its one translation, or each plural form of a numerus message (%n)."""
    forms = translation_element.findall("numerusform")
    return [(form.text or "").strip() for form in forms] if forms else [(translation_element.text or "").strip()]


def _finished(translation_element: ET.Element) -> bool:
    """Translated, not marked unfinished or obsolete; a numerus message in both English forms (one, many)."""
    forms = _translated_forms(translation_element)
    plural = translation_element.find("numerusform") is not None
    return all(forms) and (len(forms) == 2 or not plural) and translation_element.get("type") is None


def test_every_source_string_has_a_finished_english_translation():
    sources = _source_strings()
    assert len(sources) > 100, "the QML and view-model strings were not found: the patterns above are stale"
    messages = _ts_messages(translation.ts_path("en"))
    missing = sorted(f"{ctx}: {text!r}" for ctx, text in sources if (ctx, text) not in messages)
    assert not missing, "not in kiosk_en.ts (run `make ts`, then translate them):\n" + "\n".join(missing)
    unfinished = sorted(f"{ctx}: {text!r}" for (ctx, text), tr in messages.items()
                        if (ctx, text) in sources and not _finished(tr))
    assert not unfinished, "empty, unfinished or obsolete in kiosk_en.ts:\n" + "\n".join(unfinished)


def test_translations_keep_their_placeholders():
    for (ctx, text), tr in _ts_messages(translation.ts_path("en")).items():
        for placeholder in re.findall(r"%\d|%n|\{\w*\}", text):
            for form in _translated_forms(tr):
                assert placeholder in form, f"{ctx}: {text!r} → {form!r} lost {placeholder}"


def test_make_builds_the_qm_that_translates(tmp_path):
    """`make translations` in a copy of the tree: lrelease from the venv turns the .ts into a .qm Qt loads."""
    from PySide6.QtCore import QTranslator

    (tmp_path / "kiosk" / "ui" / "i18n").mkdir(parents=True)
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(ROOT / name, tmp_path / name)
    for ts in (UI_DIR / "i18n").glob("*.ts"):
        shutil.copy2(ts, tmp_path / "kiosk" / "ui" / "i18n" / ts.name)
    venv = Path(sys.prefix)
    stamp = venv / ".installed"
    # -o: the venv is taken as installed (this test's interpreter runs from it); make must not reinstall it.
    done = subprocess.run(["make", "-o", str(stamp), "translations", f"VENV={venv}"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    qm = tmp_path / "kiosk" / "ui" / "i18n" / "kiosk_en.qm"
    translator = QTranslator()
    assert translator.load(str(qm)), f"{qm} was not built or does not load"
    assert translator.translate("NavBar", "首页") == "Home"
    assert translator.translate("Content", "专利") == "Patents"


@pytest.fixture
def english_qm():
    """The .qm the kiosk loads (tests/conftest.py builds it as `make translations` does)."""
    qm = translation.qm_path("en")
    assert qm.exists(), f"{qm} was not built"
    return qm


def _tile_text(window, key: str) -> str:
    return find(window, f"tile_{key}").property("text")


def test_toggle_switches_home_and_nav_at_run_time(kiosk_ui, qtbot, english_qm):
    ctx, window = kiosk_ui()
    toggle = find(window, "languageToggle")
    assert toggle.property("text") == "English"
    assert _tile_text(window, "services") == "服务事项"

    tap(qtbot, window, toggle)
    assert ctx.shell.property("language") == "en"
    assert toggle.property("text") == "中文"
    qtbot.waitUntil(lambda: _tile_text(window, "services") == "Services")
    assert _tile_text(window, "search") == "Search"
    assert find(window, "freshness").property("text").startswith("Updated 20")
    wait_answered(qtbot, ctx.data)
    qtbot.waitUntil(lambda: find(window, "hot_svc-patent-application").property("text") == "Patent applications")

    tap(qtbot, window, find(window, "tile_services"))
    wait_page_built(qtbot, window)
    assert find(window, "navBack").property("text") == "‹ Back"
    assert find(window, "navHome").property("text") == "Home"
    assert find(window, "navBar").property("title") == "Services"
    wait_answered(qtbot, ctx.data)
    assert find(window, "category_专利").property("text").startswith("Patents")

    tap(qtbot, window, find(window, "languageToggle"))  # back to Chinese, on the same page
    qtbot.waitUntil(lambda: find(window, "navBack").property("text") == "‹ 返回")
    assert find(window, "navBar").property("title") == "服务事项"
    assert ctx.shell.property("language") == "zh"


def test_an_open_list_page_follows_a_switch(kiosk_ui, qtbot, english_qm):
    ctx, window = kiosk_ui()
    tap(qtbot, window, find(window, "tile_notices"))
    wait_page_built(qtbot, window)
    wait_answered(qtbot, ctx.data)
    assert find(window, "navBar").property("title") == "通知公告"
    tap(qtbot, window, find(window, "languageToggle"))
    qtbot.waitUntil(lambda: find(window, "navBar").property("title") == "Notices")
    wait_answered(qtbot, ctx.data)
    rows = find(window, "recordList").property("model").rows()
    assert rows and {row["section"] for row in rows} <= {"Current notices", "Expired"}


def test_idle_reset_returns_to_the_station_language(kiosk_ui, qtbot, english_qm):
    ctx, window = kiosk_ui()
    tap(qtbot, window, find(window, "languageToggle"))
    qtbot.waitUntil(lambda: _tile_text(window, "services") == "Services")
    window.metaObject().invokeMethod(window, "resetToAttract")
    qtbot.waitUntil(lambda: ctx.shell.property("language") == "zh")
    window.metaObject().invokeMethod(window, "goHome")
    wait_page_built(qtbot, window)
    qtbot.waitUntil(lambda: _tile_text(window, "services") == "服务事项")


def _detail_text(window, object_name: str) -> str:
    return find(window, object_name).property("text")


def test_service_page_shows_english_twins_falling_back_per_field(kiosk_ui, qtbot, english_qm):
    _ctx, window = kiosk_ui()
    tap(qtbot, window, find(window, "languageToggle"))
    hot = find(window, "hot_svc-patent-application")
    qtbot.waitUntil(lambda: hot.property("text") == "Patent applications")
    tap(qtbot, window, hot)
    qtbot.waitUntil(lambda: current_page(window).objectName() == "serviceDetailPage")
    wait_page_built(qtbot, window)
    rec = current_page(window).property("rec")
    rec = rec.toVariant() if hasattr(rec, "toVariant") else rec  # a QJSValue on PySide6 6.8
    assert rec["title"] == "Patent applications"
    assert rec["summary"].startswith("We accept applications for invention")
    assert rec["category"] == "Patents"
    # The seed has no English twins of the guide fields: they stay Chinese.
    assert re.search("[\u4e00-\u9fff]", rec["fee"]) and re.search("[\u4e00-\u9fff]", rec["conditions"])
    assert rec["bookingLabel"] == "", "the content's Chinese button label gives way to the translated one"
    assert _detail_text(window, "detailTitle") == "Patent applications"
    assert find(window, "navBar").property("title") == "Patent applications"
    # The booking QR's link names the visitor's language, and follows a switch on the open page.
    assert "lang=en" in find(window, "bookingQr").property("url")
    tap(qtbot, window, find(window, "languageToggle"))
    qtbot.waitUntil(lambda: "lang=zh-CN" in find(window, "bookingQr").property("url"))
    qtbot.waitUntil(lambda: _detail_text(window, "detailTitle") == "专利申请受理")


def test_in_language_falls_back_per_field():
    rec = {"id": "svc-x", "title": "专利申请", "title_en": "Patent applications", "summary": "受理专利申请。",
           "summary_en": "", "materials": ["身份证"], "materials_en": ["", None], "fee": "免费"}
    shown = in_language(rec, "en")
    assert shown["title"] == "Patent applications"
    assert shown["summary"] == "受理专利申请。", "an empty twin falls back to the Chinese field"
    assert shown["materials"] == ["身份证"], "a list twin without any text falls back too"
    assert shown["fee"] == "免费"
    assert in_language(rec, "zh") is rec and rec["title"] == "专利申请"


def test_missing_translation_stays_chinese_and_says_why(qapp, tmp_path, monkeypatch, caplog):
    from PySide6.QtQml import QQmlApplicationEngine

    monkeypatch.setattr(translation, "I18N_DIR", tmp_path)
    engine = QQmlApplicationEngine()
    shown = translation.Translations(engine)
    shown.show("en")
    assert shown.language == "zh"
    assert "make translations" in caplog.text
    engine.deleteLater()


def test_booking_link_lang_follows_the_visitor():
    from kiosk import booking
    from kiosk.core import config as config_mod

    cfg = config_mod.from_mapping({})  # locale zh_CN
    assert booking.make_link(cfg, "svc-x", "bk-y").lang == "zh-CN"
    assert booking.make_link(cfg, "svc-x", "bk-y", language="zh").lang == "zh-CN"
    english = booking.make_link(cfg, "svc-x", "bk-y", language="en")
    assert english.lang == "en" and "lang=en" in english.url
    assert english.short_code == booking.make_link(cfg, "svc-x", "bk-y").short_code, "the code names the booking"
    us_station = config_mod.from_mapping({"locale": "en_US"})
    assert booking.make_link(us_station, "svc-x", "bk-y", language="en").lang == "en-US"
    assert booking.make_link(us_station, "svc-x", "bk-y", language="zh").lang == "zh"


def test_english_slip_prints_english_words_and_content(seeded, qapp, tmp_path, english_qm):
    """The slip as the kiosk prints it for an English-reading visitor: Qt's English translation of the
    slip's own words, the content's English fields, the link's lang=en; a real PDF, QR decoded."""
    import datetime as dt

    from PySide6.QtCore import QCoreApplication, QTranslator

    from kiosk import booking
    from kiosk.core import config as config_mod
    from kiosk.core.clock import CHINA_TZ
    from kiosk.store import content
    from kiosk.ui import printing
    from kiosk.ui.booking_model import slip_labels
    from tests import cups_helpers

    translator = QTranslator()
    assert translator.load(str(english_qm))
    QCoreApplication.installTranslator(translator)
    try:
        labels = slip_labels()
    finally:
        QCoreApplication.removeTranslator(translator)
    cfg = config_mod.from_mapping({"station_id": "zz-jinshui-03"})
    slip = booking.slip_content(cfg, "svc-patent-application", "bk-patent-consult",
                                record=content.get_record("svc-patent-application"),
                                booking_types=content.list_records("booking_types"),
                                now=dt.datetime(2026, 11, 24, 10, 5, tzinfo=CHINA_TZ), language="en", labels=labels)
    assert slip.service_title == "Patent applications" and slip.booking_type_title == "Patent application advice"
    assert slip.prepare[0] == "ID card or business licence"
    pdf = tmp_path / "slip-en.pdf"
    printing.print_slip(slip, paper_width_mm=80, pdf_path=str(pdf))
    assert cups_helpers.decode_qr(cups_helpers.rasterise(pdf, tmp_path)) == [slip.link.url]
    assert "lang=en" in slip.link.url
    text = " ".join(cups_helpers.pdf_text(pdf).split())
    for expected in ("Patent applications", "Booking for: Patent application advice",
                     "Scan the QR code with your phone to book", "Please bring:", "ID card or business licence",
                     "Code ", "Printed: "):  # (pdftotext drops this font's digits: the QR above checks the link)
        assert expected in text, f"{expected!r} not on the English slip: {text}"
    assert "预约类型" not in text and "请携带" not in text


def test_selftest_lang_renders_english_and_refuses_other_languages(tmp_path, english_qm):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software")
    shot = tmp_path / "en-home.png"
    done = subprocess.run([sys.executable, "-m", "kiosk.cli", "selftest", "--page", "home", "--lang", "en",
                           "--screenshot", str(shot)], capture_output=True, text=True, timeout=300, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert shot.stat().st_size > 0
    refused = subprocess.run([sys.executable, "-m", "kiosk.cli", "selftest", "--lang", "fr"], capture_output=True,
                             text=True, timeout=120, env=env, cwd=ROOT)
    assert refused.returncode == 2 and "--lang" in refused.stderr and "Traceback" not in refused.stderr
