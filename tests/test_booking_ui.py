"""Booking UI: the Booking singleton, the QR image provider, BookingQr and BookingPage rendered offscreen.

QML is rendered by tests/probes/booking_qml.py in a child process (see its docstring for why);
the QR is decoded from the grabbed window with zxing-cpp.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
from PySide6.QtCore import QTimer

from kiosk import booking
from kiosk.core import config as config_mod
from kiosk.store import content
from kiosk.ui.booking_model import PRINTER_STATUS_CHECKING, BookingBackend, BookingTypeListModel
from kiosk.ui.qr import qr_svg_path
from tests import cups_helpers
from tests.data_service_double import booking_backend
from tests.helpers import REPO_ROOT

NOW = dt.datetime(2026, 11, 24, 2, 5, tzinfo=dt.UTC)
NO_SUCH_QUEUE = "ipkiosk-no-such-queue"


def params(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


# ---------------------------------------------------------------- Python side


@pytest.fixture
def backend(seeded, cfg, qapp, qtbot) -> BookingBackend:
    # Parented to the app so the list model outlives the test body (qtmodeltester checks at teardown).
    return booking_backend(cfg, clock=lambda: NOW, qtbot=qtbot, parent=qapp)


def checked_printer_status(qtbot, backend: BookingBackend) -> str:
    """printerStatus once the child process has answered (the first read starts the check)."""
    qtbot.waitUntil(lambda: backend.printerStatus != PRINTER_STATUS_CHECKING, timeout=20000)
    return backend.printerStatus


def test_booking_type_model_lists_the_eight_types_and_passes_the_model_tester(backend, qtmodeltester):
    model = backend.bookingTypes
    assert isinstance(model, BookingTypeListModel)
    assert model.rowCount() == 8
    qtmodeltester.check(model, force_py=True)
    roles = {bytes(name).decode(): role for role, name in model.roleNames().items()}
    assert set(roles) == {"typeId", "title", "summary", "prepare"}
    first_type = content.list_records("booking_types")[0]
    first = model.index(0, 0)
    assert model.data(first, roles["typeId"]) == first_type["id"]
    assert model.data(first, roles["title"]) == first_type["title"]
    assert model.data(first, roles["prepare"]) == "、".join(first_type["prepare"])


def looked_up(qtbot, backend: BookingBackend, record_id: str) -> tuple[str, str]:
    """(title, booking type id) that lookUp(RECORD_ID) answers with."""
    with qtbot.waitSignal(backend.recordLookedUp, timeout=10000,
                          check_params_cb=lambda rid, title, type_id: rid == record_id) as blocker:
        backend.lookUp(record_id)
    return blocker.args[1], blocker.args[2]


def test_backend_links_match_kiosk_booking(backend, cfg, qtbot):
    link = booking.make_link(cfg, "svc-trademark-renewal", "bk-trademark-consult")
    assert backend.urlFor("svc-trademark-renewal", "bk-trademark-consult") == link.url
    assert backend.shortCode("svc-trademark-renewal", "bk-trademark-consult") == link.short_code
    matrix = booking.qr_matrix(link.url)
    qr = backend.qrModules("svc-trademark-renewal", "bk-trademark-consult")
    assert qr == {"size": len(matrix), "path": qr_svg_path(booking.dark_runs(matrix))}
    assert qr["path"].startswith("M4 4h7v1h-7z")  # the finder pattern's top edge, after the quiet zone
    assert looked_up(qtbot, backend, "svc-trademark-renewal") == (content.get_record("svc-trademark-renewal")["title"],
                                                                  "bk-trademark-consult")
    assert looked_up(qtbot, backend, "evt-20261210-ip-search-training-2")[1] == "appointment"
    assert looked_up(qtbot, backend, "pol-zz-2022-140-notice")[1] == ""
    assert looked_up(qtbot, backend, "no-such-id") == ("", "")
    info = backend.bookingTypeInfo("bk-trademark-consult")
    assert info["title"] == "商标注册咨询" and info["prepare"].startswith("身份证或营业执照、")
    assert backend.bookingTypeInfo("appointment")["title"] == "活动报名"
    assert backend.bookingTypeInfo("bk-nope") == {}
    # No booking type: nothing to show (QML hides the QR), never a half-filled URL.
    assert backend.urlFor("svc-x", "") == "" and backend.qrModules("svc-x", "") == {}


def test_missing_printer_is_reported_and_printing_answers_at_once(seeded, data_dir, qapp, qtbot):
    cfg = config_mod.from_mapping({"data_dir": str(data_dir), "printer_name": NO_SUCH_QUEUE})
    backend = booking_backend(cfg, clock=lambda: NOW, qtbot=qtbot)
    assert checked_printer_status(qtbot, backend) == f"printer queue {NO_SUCH_QUEUE!r} does not exist"
    assert backend.printerAvailable is False
    with qtbot.waitSignal(backend.printFinished, timeout=1000) as blocker:
        backend.printSlip("svc-patent-application", "bk-patent-consult")
    assert blocker.args == [False, "打印机暂不可用，请用手机扫码"]
    assert backend.printing is False


def test_print_through_cups_from_the_backend_keeps_the_event_loop_running(seeded, data_dir, qapp, qtbot, tmp_path):
    queue = cups_helpers.cups_pdf_queue()
    cfg = config_mod.from_mapping({"data_dir": str(data_dir), "printer_name": queue.name, "paper_width_mm": 58})
    backend = booking_backend(cfg, clock=lambda: NOW, qtbot=qtbot)
    assert checked_printer_status(qtbot, backend) == "ok"
    assert backend.printerAvailable
    ticks = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    before = queue.pdfs()
    with qtbot.waitSignal(backend.printFinished, timeout=30000) as blocker:
        backend.printSlip("svc-ip-rights-assistance", "bk-rights-assistance")
        assert backend.printing is False, "the service's record is asked for first: printSlip returns at once"
        qtbot.waitUntil(lambda: backend.printing, timeout=10000)
    timer.stop()
    assert blocker.args == [True, "请取走凭条"]
    assert ticks, "the GUI thread did not run while the slip was printing"
    pdf = queue.wait_for_new_pdf(before)
    url = booking.make_link(cfg, "svc-ip-rights-assistance", "bk-rights-assistance").url
    assert cups_helpers.decode_qr(cups_helpers.rasterise(pdf, tmp_path)) == [url]
    assert checked_printer_status(qtbot, backend) == "ok"  # checked again after the job


# ---------------------------------------------------------------- QML (child process)


def probe(data_dir, tmp_path, component: str, props: dict, *, size: str = "1080x1920", printer_name: str = "",
          click: tuple[str, ...] = (), report: tuple[str, ...] = (), visitor_leaves: bool = False,
          production: bool = False) -> tuple[dict, object]:
    out = tmp_path / f"{component}-{size}.png"
    cmd = [sys.executable, "-m", "tests.probes.booking_qml", "--data-dir", str(data_dir), "--component", component,
           "--props", json.dumps(props), "--size", size, "--out", str(out), "--printer-name", printer_name]
    for name in click:
        cmd += ["--click", name]
    for name in report:
        cmd += ["--report", name]
    if visitor_leaves:
        cmd.append("--visitor-leaves")
    if production:
        cmd.append("--production")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software")
    proc = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    doc = json.loads(proc.stdout.strip().splitlines()[-1])
    assert doc["warnings"] == [], doc["warnings"]
    return doc, out


def decoded(png) -> list[str]:
    return cups_helpers.decode_qr(png)


def test_booking_qr_without_printer_shows_qr_code_and_scan_only(data_dir, tmp_path):
    doc, png = probe(data_dir, tmp_path, "BookingQr",
                     {"serviceId": "svc-patent-application", "bookingTypeId": "bk-patent-consult"}, size="800x1000",
                     report=("bookingQrImage", "bookingShortCode", "bookingPrintButton", "bookingNoPrinter"))
    cfg = config_mod.from_mapping({})
    link = booking.make_link(cfg, "svc-patent-application", "bk-patent-consult")
    assert decoded(png) == [link.url]
    objects = doc["objects"]
    assert objects["bookingQrImage"]["paintedWidth"] >= 300
    assert objects["bookingShortCode"]["text"] == f"短码 {link.short_code}"
    # No printer: said plainly (with what the short code is for), and no grey button that looks broken.
    assert objects["bookingPrintButton"]["visible"] is False
    no_printer = objects["bookingNoPrinter"]
    assert no_printer["visible"] is True
    assert no_printer["text"].replace("\n", "") == "本机暂不能打印，请扫码或把短码报给工作人员"
    assert doc["printer_available"] is False


def test_a_production_terminal_on_the_demo_booking_host_shows_no_qr_but_a_person(data_dir, tmp_path):
    # The packaged config still naming the demo host: no QR code, no print button, the visitor is sent to staff.
    doc, png = probe(data_dir, tmp_path, "BookingQr",
                     {"serviceId": "svc-patent-application", "bookingTypeId": "bk-patent-consult"}, size="800x1000",
                     report=("bookingQrImage", "bookingQrHint", "bookingShortCode", "bookingPrintButton",
                             "bookingNoPrinter"), production=True)
    objects = doc["objects"]
    assert decoded(png) == []
    assert objects["bookingQrHint"]["text"] == "本站预约服务暂未开通，请咨询工作人员"
    assert objects["bookingQrImage"]["visible"] is False
    assert objects["bookingShortCode"]["visible"] is False and objects["bookingPrintButton"]["visible"] is False
    assert objects["bookingNoPrinter"]["visible"] is False, "no link: nothing to scan or to print"


def test_booking_qr_prints_through_cups_and_tells_the_visitor_to_take_the_slip(data_dir, tmp_path):
    queue = cups_helpers.cups_pdf_queue()
    before = queue.pdfs()
    doc, png = probe(data_dir, tmp_path, "BookingQr",
                     {"serviceId": "evt-20261210-ip-search-training-2", "bookingTypeId": "appointment"},
                     size="800x1100", printer_name=queue.name, click=("bookingPrintButton",),
                     report=("bookingPrintButton", "bookingPrintMessage", "bookingShortCode", "bookingNoPrinter"))
    assert doc["prints"] == [[True, "请取走凭条"]]
    # The short code says what it is for: a visitor without a phone books through staff with it.
    assert doc["objects"]["bookingShortCode"]["text"].endswith("\n可报给工作人员")
    assert doc["objects"]["bookingNoPrinter"]["visible"] is False
    assert doc["objects"]["bookingPrintMessage"]["text"] == "请取走凭条"
    assert doc["objects"]["bookingPrintMessage"]["visible"] is True
    assert doc["objects"]["bookingPrintButton"]["text"] == "打印凭条"
    assert doc["objects"]["bookingPrintButton"]["visible"] is True
    assert doc["ticks_while_printing"] >= 1, "printing blocked the GUI thread"
    url = booking.make_link(config_mod.from_mapping({}), "evt-20261210-ip-search-training-2", "appointment").url
    assert decoded(png) == [url]
    pdf = queue.wait_for_new_pdf(before)
    assert cups_helpers.decode_qr(cups_helpers.rasterise(pdf, tmp_path)) == [url]


TYPE_BUTTONS = tuple(f"bookingType_{bt}" for bt in (
    "bk-patent-consult", "bk-trademark-consult", "bk-gi-consult", "bk-rights-assistance",
    "bk-overseas-dispute", "bk-pledge-financing", "bk-search-navigation", "bk-policy-briefing"))


@pytest.mark.parametrize("size", ["1080x1920", "1920x1080"])
def test_booking_page_preselects_the_service_type_and_lays_out_at_both_sizes(data_dir, tmp_path, size):
    doc, png = probe(data_dir, tmp_path, "BookingPage", {"serviceId": "svc-ip-rights-assistance"}, size=size,
                     report=(*TYPE_BUTTONS, "bookingQrPanel", "bookingQrImage", "bookingServiceTitle"))
    objects = doc["objects"]
    width, height = (int(v) for v in size.split("x"))
    for name in TYPE_BUTTONS:
        button = objects[name]
        assert button is not None, f"{name} missing"
        assert button["height"] >= 64 and button["width"] >= 64
        assert button["x"] >= 0 and button["x"] + button["width"] <= width
        assert button["y"] + button["height"] <= height, f"{name} is below the screen"
        assert button["selected"] is (name == "bookingType_bk-rights-assistance")
    panel = objects["bookingQrPanel"]
    assert panel["x"] + panel["width"] <= width and panel["y"] + panel["height"] <= height
    assert objects["bookingQrImage"]["paintedWidth"] >= 300
    assert "知识产权维权援助申请受理" in objects["bookingServiceTitle"]["text"]
    url = decoded(png)
    assert len(url) == 1
    assert params(url[0])["service"] == "svc-ip-rights-assistance"
    assert params(url[0])["type"] == "bk-rights-assistance"


def test_picking_another_type_books_that_type_without_the_service(data_dir, tmp_path):
    doc, png = probe(data_dir, tmp_path, "BookingPage", {"serviceId": "svc-ip-rights-assistance"},
                     click=("bookingType_bk-policy-briefing",),
                     report=("bookingType_bk-policy-briefing", "bookingType_bk-rights-assistance", "bookingTypeTitle"))
    objects = doc["objects"]
    assert objects["bookingType_bk-policy-briefing"]["selected"] is True
    assert objects["bookingType_bk-rights-assistance"]["selected"] is False
    assert objects["bookingTypeTitle"]["text"] == "政策解读预约"
    [url] = decoded(png)
    assert params(url)["type"] == "bk-policy-briefing" and params(url)["service"] == ""


def test_booking_page_without_a_service_asks_for_a_type_first(data_dir, tmp_path):
    doc, png = probe(data_dir, tmp_path, "BookingPage", {},
                     report=("bookingChooseHint", "bookingQrImage", "bookingQrPanel", "bookingContactCard"))
    assert doc["objects"]["bookingChooseHint"]["visible"] is True
    assert doc["objects"]["bookingQrImage"]["visible"] is False
    assert doc["objects"]["bookingQrPanel"]["visible"] is False, "no empty QR box waiting for the choice"
    assert doc["objects"]["bookingContactCard"]["visible"] is True, "a person is offered from the start"
    assert decoded(png) == []


def test_visitor_reset_clears_print_messages(data_dir, tmp_path):
    # The message under the QR after a print is for the visitor who printed: the next one must not see it.
    queue = cups_helpers.cups_pdf_queue()
    doc, _png = probe(data_dir, tmp_path, "BookingQr",
                      {"serviceId": "svc-patent-application", "bookingTypeId": "bk-patent-consult"},
                      size="800x1100", printer_name=queue.name, click=("bookingPrintButton",),
                      report=("bookingPrintMessage", "bookingPrintButton"), visitor_leaves=True)
    assert doc["prints"] == [[True, "请取走凭条"]]
    shown = doc["objects"]["bookingPrintMessage"]
    assert shown["visible"] is True and shown["text"] == "请取走凭条"
    after = doc["after_visitor_left"]
    assert after["bookingPrintMessage"]["visible"] is False
    assert after["bookingPrintButton"]["enabled"] is True and after["bookingPrintButton"]["text"] == "打印凭条"


def test_selftest_renders_the_booking_page_in_the_real_window(tmp_path):
    png = tmp_path / "booking.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software")
    proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "selftest", "--page", "booking-for:svc-trademark-renewal",
                           "--size", "1080x1920", "--screenshot", str(png)],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    [url] = decoded(png)
    assert params(url)["service"] == "svc-trademark-renewal" and params(url)["type"] == "bk-trademark-consult"
