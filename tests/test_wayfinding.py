"""Wayfinding on long pages and something to take away (issue 18, parts 3 and 4), on the real window
with real taps at 1080×1920 and 1920×1080: a service page opens on its key facts (the fee in view),
section chips scroll their section to the top, the scroll position shows and 回到顶部 returns; a policy
shows its outline as chips; a record's source_url is a QR that decodes back to it; the summary slip is a
real QPrinter PDF whose text and QR are read back."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor
from PySide6.QtQuick import QQuickItem

from kiosk.core import config as config_mod
from kiosk.core import manifest as manifest_mod
from kiosk.store import content
from kiosk.ui import printing
from kiosk.ui.booking_model import PRINTER_STATUS_CHECKING
from tests import cups_helpers
from tests.data_service_double import answered
from tests.ui_helpers import SEED_NOW, SIZES_PX, current_page, find, find_all, tap, wait_page_built

SERVICE_ID = "svc-trademark-registration"
POLICY_ID = "pol-zz-2022-140-plan"
POLICY_URL = "https://public.zhengzhou.gov.cn/D0107Y/6451105.jhtml"
POLICY_WITHOUT_URL = "pol-cnipa-2021-39-public-service-plan"
OUTLINE = ["一、指导思想", "二、工作目标", "三、主要任务", "四、重点工作", "五、保障措施"]


NO_SUCH_QUEUE = "ipkiosk-no-such-queue"


@pytest.fixture
def cfg(data_dir, request) -> config_mod.Config:
    """The terminal's settings: a printer queue that does not exist, unless the test uses the real cups-pdf
    queue (the ``cups_queue`` fixture)."""
    printer = request.getfixturevalue("cups_queue").name if "cups_queue" in request.fixturenames else NO_SUCH_QUEUE
    return config_mod.from_mapping({"data_dir": str(data_dir), "printer_name": printer, "paper_width_mm": 80,
                                    "station_name": "金水区知识产权公共信息服务示范工作站"})


@pytest.fixture
def cups_queue() -> cups_helpers.CupsPdfQueue:
    return cups_helpers.cups_pdf_queue()


def printer_checked(qtbot, ctx) -> bool:
    """Whether the terminal can print, once its printer check has answered."""
    booking = ctx.singletons["Booking"]
    qtbot.waitUntil(lambda: booking.printerStatus != PRINTER_STATUS_CHECKING, timeout=20_000)  # reading starts it
    qtbot.wait(50)
    return booking.printerAvailable


def scene_rect(item: QQuickItem) -> QRectF:
    return item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))


def open_detail(qtbot, window, record_id: str) -> QQuickItem:
    """Open RECORD_ID's page as a tap on it does (Main.openRecord: the page is pushed once its record came)."""
    window.openRecord(record_id)
    qtbot.waitUntil(lambda: current_page(window).property("recordId") == record_id, timeout=30_000)
    wait_page_built(qtbot, window)
    qtbot.waitUntil(lambda: find(window, "detailTitle").property("text") != "", timeout=10_000)
    qtbot.wait(100)  # the page's first layout with its record
    return current_page(window)


def flick_of(window) -> QQuickItem:
    return next(f for f in find_all(window, "detailFlick") if f.isVisible())


def top_in_flick(item: QQuickItem, flick: QQuickItem) -> float:
    """ITEM's top edge in the flickable's visible area (0 = the top of what the visitor sees)."""
    return item.mapRectToItem(flick, QRectF(0, 0, 1, 1)).y()


def contrast(a: QColor, b: QColor) -> float:
    def luminance(c: QColor) -> float:
        channels = [v / 255 for v in (c.red(), c.green(), c.blue())]
        lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def visible_chips(window, parent_name: str) -> list[QQuickItem]:
    chips = [c for c in find(window, parent_name).childItems() if c.objectName() == "jumpChip" and c.isVisible()]
    return sorted(chips, key=lambda c: (scene_rect(c).top(), scene_rect(c).left()))


def block_text(item: QQuickItem) -> str:
    """The text of one BodyText block item ('' for the body's other children)."""
    data = item.property("modelData")
    data = data.toVariant() if hasattr(data, "toVariant") else data
    return data.get("text", "") if isinstance(data, dict) else ""


def guide_field(window, label: str) -> QQuickItem:
    page = current_page(window)
    todo = [page]
    while todo:
        item = todo.pop()
        if item.property("label") == label and item.property("present") is not None:
            return item
        todo.extend(item.childItems())
    raise AssertionError(f"no guide field {label!r}")


# ---------------------------------------------------------------- content rules and the data API


def test_publish_rules_accept_https_source_urls_only():
    rule = manifest_mod.SCHEMA["policies"]["source_url"]
    assert rule.describe() == "an https:// web address of at most 300 characters"
    assert manifest_mod.is_web_url(POLICY_URL)
    for bad in ("http://public.zhengzhou.gov.cn/x", "public.zhengzhou.gov.cn/x", "https://", "https://localhost/x",
                "https://a.cn/a b", "javascript:alert(1)", "https://a.cn/" + "x" * 300, 42,
                "https://\u212a.cn/", "https://a.cn:\u0661\u0662/", "https://a.cn/\n", "https://a.cn/\u4e2d"):
        assert not manifest_mod.is_web_url(bad), bad
    doc = {"format": manifest_mod.FORMAT, "collection": "news", "generation": 1,
           "records": [{"id": "nws-x", "rev": 1, "title": "标题", "summary": "摘要", "body": "正文",
                        "source_url": "http://example.cn/news"}]}
    with pytest.raises(manifest_mod.ManifestError) as refused:
        manifest_mod.validate_manifest(doc)
    assert str(refused.value) == ("collection 'news', record 'nws-x': field 'source_url': got 'http://example.cn/news', "
                                  "expected an https:// web address of at most 300 characters")


def test_record_detail_passes_an_https_source_url_only(data_service, qtbot):
    assert answered(qtbot, data_service.record_detail(POLICY_ID))["source_url"] == POLICY_URL
    assert answered(qtbot, data_service.record_detail(POLICY_WITHOUT_URL))["source_url"] == ""
    # A content.db written by a version that let source_url through unchecked (an unknown field then):
    # the page never gets an address that is not https.
    policies = [dict(rec, rev=rec["rev"] + 1, source_url="http://example.cn/x") if rec["id"] == POLICY_WITHOUT_URL
                else rec for rec in content.list_records("policies")]
    for rec in policies:
        rec.pop("kind")
    generation = content.collection_states()["policies"].generation + 1
    content.apply_manifests([manifest_mod.Manifest("policies", generation, sorted(policies, key=lambda r: r["id"]))])
    assert content.get_record(POLICY_WITHOUT_URL)["source_url"] == "http://example.cn/x"
    assert answered(qtbot, data_service.record_detail(POLICY_WITHOUT_URL))["source_url"] == ""


# ---------------------------------------------------------------- the service page


@pytest.mark.parametrize("size_px", SIZES_PX, ids=["portrait", "landscape"])
def test_service_page_opens_on_its_key_facts_and_jumps_to_each_section(kiosk_ui, qtbot, size_px):
    ctx, window = kiosk_ui(size_px=size_px, clock=lambda: SEED_NOW)
    open_detail(qtbot, window, SERVICE_ID)
    assert not printer_checked(qtbot, ctx)
    flick = flick_of(window)
    assert flick.property("contentY") == 0

    # The fee, with its note, is in what the visitor sees right after the page opened.
    fee = find(window, "keyFactFirstValue")
    assert fee.property("text").startswith("普通商标270元/类")
    # Its fee is from a template guide and says "以窗口公示为准" itself: the note is not added a second time.
    note = find(window, "feeNote")
    assert not note.isVisible() and fee.property("text").count("以窗口公示为准") == 1
    view = scene_rect(flick)
    assert view.top() >= 0 and view.bottom() <= window.height() and view.right() <= window.width()
    for item in (fee,):
        rect = scene_rect(item)
        assert view.top() <= rect.top() and rect.bottom() <= view.bottom(), (item.objectName(), rect, view)
    facts = sorted((f for f in find_all(window, "keyFact") if f.isVisible()), key=lambda f: scene_rect(f).top())
    assert [f.childItems()[0].property("text") for f in facts] == ["收费", "办理时限", "在哪办", "材料"]

    # One chip per section the record has, in page order, plus the take-away block (it has no source
    # URL and the test terminal no printer: so no chip for it).
    chips = visible_chips(window, "jumpChips")
    labels = [c.property("text") for c in chips]
    # In portrait the booking QR is in the page, after the summary: its chip comes first.
    booking_chip = ["扫码预约"] if size_px[1] > size_px[0] else []
    assert labels == booking_chip + ["受理条件", "申请材料", "办理流程", "办理时限", "收费标准", "办理渠道", "服务机构"]
    for chip in chips:
        assert min(chip.width(), chip.height()) >= 64

    # The scroll position is shown (the page is longer than the screen), in a colour that stands out.
    thumb = find(window, "scrollThumb")
    assert thumb.isVisible() and thumb.property("y") == 0
    assert contrast(thumb.property("color"), current_page(window).property("color")) >= 3
    assert not find(window, "backToTop").isVisible()
    assert find(window, "moreBelowHint").isVisible()

    # Each chip moves its section to the top of the view (a section near the end: the page scrolls as far as
    # it goes and the section's top is in view).
    for label in labels:
        if find(window, "backToTop").isVisible():
            tap(qtbot, window, find(window, "backToTop"))
        assert flick.property("contentY") == 0 and thumb.property("y") == 0
        tap(qtbot, window, visible_chips(window, "jumpChips")[labels.index(label)])
        top = top_in_flick(guide_field(window, label), flick)
        at_end = flick.property("contentY") >= flick.property("contentHeight") - flick.height() - 1
        assert 0 <= top <= 24 or (at_end and 0 <= top < flick.height()), (label, top)
        assert flick.property("contentY") > 0 and thumb.property("y") > 0
        assert find(window, "backToTop").isVisible()
    # 回到顶部 has a strip of its own under the text, never over it; at the end nothing more is below.
    assert scene_rect(find(window, "backToTop")).top() >= scene_rect(flick).bottom()
    flick.setProperty("contentY", flick.property("contentHeight") - flick.height())
    qtbot.waitUntil(lambda: not find(window, "moreBelowHint").isVisible(), timeout=2000)
    # The early sections are long enough below them to come exactly to the top.
    for label in ("受理条件", "申请材料"):
        tap(qtbot, window, find(window, "backToTop"))
        tap(qtbot, window, visible_chips(window, "jumpChips")[labels.index(label)])
        assert 0 <= top_in_flick(guide_field(window, label), flick) <= 24
    assert "以窗口公示为准" in find(window, "feeSection").property("text")

    # 回到顶部 returns to the key facts, and goes away.
    tap(qtbot, window, find(window, "backToTop"))
    assert flick.property("contentY") == 0
    assert not find(window, "backToTop").isVisible()


# ---------------------------------------------------------------- the policy page


@pytest.mark.parametrize("size_px", SIZES_PX, ids=["portrait", "landscape"])
def test_policy_page_shows_its_outline_and_the_qr_of_its_source(kiosk_ui, qtbot, tmp_path, size_px):
    ctx, window = kiosk_ui(size_px=size_px, clock=lambda: SEED_NOW)
    open_detail(qtbot, window, POLICY_ID)
    assert not printer_checked(qtbot, ctx)
    flick = flick_of(window)
    chips = visible_chips(window, "outlineChips")
    labels = [c.property("text") for c in chips]
    assert labels == [*OUTLINE, "扫码查看原文"]
    assert find(window, "scrollThumb").isVisible()

    # 三、主要任务: its heading moves to the top.
    tap(qtbot, window, chips[2])
    [heading] = [b for b in find(window, "detailBody").childItems() if block_text(b) == "三、主要任务"]
    assert 0 <= top_in_flick(heading, flick) <= 24, top_in_flick(heading, flick)

    # The last chip brings the QR of the original into view; the picture on screen decodes to the URL.
    tap(qtbot, window, find(window, "backToTop"))
    tap(qtbot, window, visible_chips(window, "outlineChips")[-1])
    frame = find(window, "sourceQrFrame")
    assert frame.isVisible() and frame.width() >= 300
    rect = scene_rect(frame)
    view = scene_rect(flick)
    assert view.top() <= rect.top() and rect.bottom() <= view.bottom()
    assert find(window, "sourceUrlText").property("text") == POLICY_URL
    shot = window.grabWindow().copy(rect.toAlignedRect())
    png = tmp_path / "source-qr.png"
    assert shot.save(str(png))
    assert cups_helpers.decode_qr(png) == [POLICY_URL]
    # The test terminal has no printer: no print button, not a disabled one.
    assert not find(window, "printSummaryButton").isVisible()

    tap(qtbot, window, find(window, "backToTop"))
    assert flick.property("contentY") == 0


@pytest.mark.parametrize("size_px", SIZES_PX, ids=["portrait", "landscape"])
def test_a_short_record_without_a_source_has_no_outline_and_no_qr(kiosk_ui, qtbot, size_px):
    ctx, window = kiosk_ui(size_px=size_px, clock=lambda: SEED_NOW)
    open_detail(qtbot, window, POLICY_WITHOUT_URL)
    assert not printer_checked(qtbot, ctx)
    assert visible_chips(window, "outlineChips") == []
    assert not find(window, "sourceQr").isVisible()
    assert find_all(window, "sourceQrFrame") == []  # not even built


# ---------------------------------------------------------------- the summary slip


def test_print_summary_from_the_policy_page_prints_a_slip_with_its_title_and_qr(cups_queue, kiosk_ui, qtbot, tmp_path):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    open_detail(qtbot, window, POLICY_ID)
    assert printer_checked(qtbot, ctx)
    chips = visible_chips(window, "outlineChips")
    assert chips[-1].property("text") == "扫码查看原文"
    tap(qtbot, window, chips[-1])
    button = find(window, "printSummaryButton")
    assert button.isVisible() and button.property("text") == "打印摘要" and button.height() >= 64
    before = cups_queue.pdfs()
    tap(qtbot, window, button)
    message = find(window, "printSummaryMessage")
    qtbot.waitUntil(lambda: message.isVisible(), timeout=30_000)
    assert message.property("text") == "请取走凭条"
    # cups-pdf re-encodes the fonts, so the text is read back from the direct PDF tests below; the QR is read here.
    pdf = cups_queue.wait_for_new_pdf(before)
    assert cups_helpers.decode_qr(cups_helpers.rasterise(pdf, tmp_path)) == [POLICY_URL]


@pytest.mark.parametrize("paper_width_mm", [58, 80, 210])
def test_policy_summary_slip_has_its_title_lines_and_a_decodable_qr(data_service, qtbot, qapp, tmp_path, cfg,
                                                                   paper_width_mm):
    page = answered(qtbot, data_service.record_detail(POLICY_ID))
    summary = printing.summary_slip(cfg.station_name, page, "2026-11-24 12:00")
    pdf = tmp_path / f"summary-{paper_width_mm}.pdf"
    printing.print_summary_slip(summary, paper_width_mm=paper_width_mm, pdf_path=str(pdf))
    width_mm, _ = cups_helpers.pdf_page_size_mm(pdf)
    assert abs(width_mm - paper_width_mm) < 0.5
    text = "".join(cups_helpers.pdf_text(pdf).split())
    for expected in (cfg.station_name, "政策法规", "郑州市知识产权公共服务体系建设实施方案", "郑市监文〔2022〕140号",
                     "扫码查看原文", "打印时间：2026-11-2412:00"):
        assert expected in text, expected
    assert cups_helpers.decode_qr(cups_helpers.rasterise(pdf, tmp_path)) == [POLICY_URL]


def test_service_summary_slip_prints_its_key_facts_and_no_qr_without_a_source(data_service, qtbot, qapp, tmp_path,
                                                                              cfg):
    page = answered(qtbot, data_service.record_detail(SERVICE_ID))
    summary = printing.summary_slip(cfg.station_name, page, "2026-11-24 12:00")
    assert summary.lines[0].startswith("收费：普通商标270元/类") and summary.lines[0].count("以窗口公示为准") == 1
    pdf = tmp_path / "summary.pdf"
    printing.print_summary_slip(summary, paper_width_mm=80, pdf_path=str(pdf))
    text = "".join(cups_helpers.pdf_text(pdf).split())
    for expected in ("商标注册申请受理", "收费：", "以窗口公示为准", "办理时限：", "在哪办：网上·线下·邮寄·委托", "材料：共7项"):
        assert expected in text, expected
    assert "扫码查看原文" not in text
    assert cups_helpers.decode_qr(cups_helpers.rasterise(pdf, tmp_path)) == []


def test_a_summary_too_long_for_a_roll_drops_lines_not_the_title_or_qr(qapp, tmp_path, cfg):
    summary = printing.SummarySlip(station_name=cfg.station_name, kind_title="政策法规", title="很长的政策",
                                   lines=tuple(f"第{i}行：" + "内容" * 60 for i in range(40)), source_url=POLICY_URL,
                                   printed_at=dt.datetime(2026, 11, 24, 12, 0).strftime("%Y-%m-%d %H:%M"))
    pdf = tmp_path / "long.pdf"
    printing.print_summary_slip(summary, paper_width_mm=58, pdf_path=str(pdf))
    assert cups_helpers.pdf_page_size_mm(pdf)[1] <= printing.RECEIPT_MAX_LENGTH_MM
    text = "".join(cups_helpers.pdf_text(pdf).split())
    assert "很长的政策" in text and "第0行" in text and "第39行" not in text
    assert cups_helpers.decode_qr(cups_helpers.rasterise(pdf, tmp_path)) == [POLICY_URL]


def test_the_fee_note_is_said_once_and_only_for_an_unchecked_fee():
    from kiosk.ui.content_models import fee_note

    assert fee_note({"fee": "100元/件"}) == "以窗口公示为准"
    assert fee_note({"fee": "100元/件", "fee_verified": True}) == ""
    assert fee_note({"fee": "100元/件。具体以窗口公示为准。"}) == "", "the fee says it already"
    assert fee_note({}) == ""


def test_the_largest_summary_the_rules_allow_keeps_its_facts_and_a_decodable_qr_on_a_58_mm_roll(qapp, tmp_path, cfg):
    """Found: a 200-character title (the most a title may have) filled a 58 mm slip on its own, so every key fact was
    dropped and the slip still ran past its length cap. The title is cut on paper now; the longest source_url the rules
    allow (300 characters) still prints as a QR that decodes."""
    longest_url = "https://www.cnipa.gov.cn/" + "a" * (manifest_mod.MAX_URL_CHARS - len("https://www.cnipa.gov.cn/"))
    record = {"id": "svc-x", "kind": "services", "rev": 1, "title": "专利申请受理" + "甲乙丙丁" * 48,
              "fee": "按国家知识产权局专利收费标准缴纳" * 125, "time_limit": "即时", "channels": ["网上：系统"],
              "materials": ["身份证"] * 60}
    name = "郑州市金水区知识产权公共信息服务中心暨示范工作站\n河南省知识产权保护中心郑州分中心联合服务窗口\n（国家信息公共服务网点）"
    page = {"record": record, "related": [], "booking_type_id": "", "source_url": longest_url}
    summary = printing.summary_slip(name, page, "2026-11-24 12:00")
    assert len(summary.title) == printing.SUMMARY_TITLE_CHARS and summary.title.endswith("…")
    pdf = tmp_path / "largest.pdf"
    printing.print_summary_slip(summary, paper_width_mm=58, pdf_path=str(pdf))
    assert cups_helpers.pdf_page_size_mm(pdf)[1] <= printing.RECEIPT_MAX_LENGTH_MM
    text = "".join(cups_helpers.pdf_text(pdf).split())
    assert "收费：" in text and "扫码查看原文" in text
    assert cups_helpers.decode_qr(cups_helpers.rasterise(pdf, tmp_path)) == [longest_url]
