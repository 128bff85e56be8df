"""Printed slips: real PDFs (QPrinter) and a real CUPS queue (cups-pdf), rasterised and QR-decoded.

The QR on every slip must decode (zxing-cpp) to exactly the booking URL of kiosk.booking.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time

import pytest
from PySide6.QtCore import QTimer

from kiosk import booking
from kiosk.core import config as config_mod
from kiosk.core.clock import CHINA_TZ
from kiosk.store import content
from kiosk.ui import printing
from tests import cups_helpers
from tests.helpers import REPO_ROOT

NOW = dt.datetime(2026, 11, 24, 10, 5, tzinfo=CHINA_TZ)
SERVICE_ID = "svc-patent-application"
TYPE_ID = "bk-patent-consult"


@pytest.fixture
def slip(seeded, qapp) -> booking.SlipContent:
    cfg = config_mod.from_mapping({"station_id": "zz-jinshui-03", "station_name": "金水区知识产权公共信息服务示范工作站",
                                   "station_phone": "0371-6788 1234", "station_desk": "服务台：一楼东侧"})
    return booking.slip_content(cfg, SERVICE_ID, TYPE_ID, record=content.get_record(SERVICE_ID),
                                booking_types=content.list_records("booking_types"), now=NOW)


@pytest.fixture
def cups_queue() -> cups_helpers.CupsPdfQueue:
    return cups_helpers.cups_pdf_queue()


def assert_slip_pdf(pdf, slip: booking.SlipContent, paper_width_mm: int, tmp_path, *, check_text: bool = True) -> None:
    width_mm, height_mm = cups_helpers.pdf_page_size_mm(pdf)
    assert abs(width_mm - paper_width_mm) < 0.5, f"page is {width_mm:.1f} mm wide, expected {paper_width_mm}"
    if paper_width_mm == 210:
        assert abs(height_mm - 297) < 0.5
    else:
        assert 80 < height_mm <= printing.RECEIPT_MAX_LENGTH_MM
    assert cups_helpers.decode_qr(cups_helpers.rasterise(pdf, tmp_path)) == [slip.link.url]
    if not check_text:
        return
    text = "".join(cups_helpers.pdf_text(pdf).split())  # CJK lines may break anywhere
    for expected in (slip.station_name, slip.service_title, slip.booking_type_title, slip.instruction,
                     slip.link.short_code, slip.printed_at.replace(" ", ""), *slip.prepare, *slip.contact):
        assert "".join(expected.split()) in text, f"{expected!r} missing on the {paper_width_mm} mm slip"


@pytest.mark.parametrize("paper_width_mm", [58, 80, 210])
def test_slip_pdf_has_the_decodable_qr_and_every_line(slip, tmp_path, paper_width_mm):
    pdf = tmp_path / f"slip-{paper_width_mm}.pdf"
    printing.print_slip(slip, paper_width_mm=paper_width_mm, pdf_path=str(pdf))
    assert_slip_pdf(pdf, slip, paper_width_mm, tmp_path)


def test_prepare_list_is_dropped_when_it_would_not_fit(slip, tmp_path):
    long_slip = dataclasses.replace(slip, prepare=tuple(f"第{i}项材料：身份证明、权属证明及情况说明" for i in range(60)))
    pdf = tmp_path / "long.pdf"
    printing.print_slip(long_slip, paper_width_mm=58, pdf_path=str(pdf))
    text = cups_helpers.pdf_text(pdf)
    assert "请携带" not in text and "第0项材料" not in text
    assert "".join("".join(slip.contact).split()) in "".join(text.split()), "the way to a person is never dropped"
    assert cups_helpers.pdf_page_size_mm(pdf)[1] <= printing.RECEIPT_MAX_LENGTH_MM
    assert cups_helpers.decode_qr(cups_helpers.rasterise(pdf, tmp_path)) == [slip.link.url]


def test_a_slip_carries_the_stations_phone_and_desk(slip, tmp_path):
    assert slip.contact == ("服务台：一楼东侧", "本站电话：0371-6788 1234", "热线：12330（全国知识产权公共服务热线）")
    pdf = tmp_path / "contact.pdf"
    printing.print_slip(slip, paper_width_mm=58, pdf_path=str(pdf))
    text = "".join(cups_helpers.pdf_text(pdf).split())
    for line in ("服务台：一楼东侧", "本站电话：0371-67881234", "热线：12330（全国知识产权公共服务热线）"):
        assert line in text, f"{line!r} missing on the slip"


def test_unknown_paper_width_is_refused():
    with pytest.raises(ValueError, match="paper_width_mm: got 100, expected 58, 80 or 210"):
        printing.paper_geometry(100)


def test_slip_through_a_real_cups_queue_decodes_to_the_booking_url(slip, cups_queue, tmp_path):
    before = cups_queue.pdfs()
    assert printing.printer_problem(cups_queue.name) is None
    printing.print_slip(slip, paper_width_mm=58, printer_name=cups_queue.name)
    pdf = cups_queue.wait_for_new_pdf(before)
    # cups-pdf re-distils through Ghostscript into Type 3 glyphs without a text layer: only
    # the page size and the QR can be checked on its output.
    assert_slip_pdf(pdf, slip, 58, tmp_path, check_text=False)


def test_missing_printer_gives_a_clear_error(slip, qapp):
    problem = printing.printer_problem("ipkiosk-no-such-queue")
    assert problem == "printer queue 'ipkiosk-no-such-queue' does not exist"
    with pytest.raises(printing.PrintError, match="printer queue 'ipkiosk-no-such-queue' does not exist"):
        printing.print_slip(slip, paper_width_mm=80, printer_name="ipkiosk-no-such-queue")


class TickCounter:
    """Counts main-thread timer ticks: proof that the event loop kept running."""

    def __init__(self, interval_ms: int = 20):
        self.ticks = 0
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        self.ticks += 1


def test_a_hung_spooler_times_out_and_the_ui_thread_keeps_running(slip, qtbot):
    # A spooler that never answers cannot be produced on demand with a real cupsd without
    # freezing the machine's scheduler for everyone, so this print function blocks on an event.
    release = threading.Event()
    calls = []

    def hung_print(slip_arg, **kwargs):
        calls.append(kwargs)
        release.wait(10)

    jobs = printing.SlipPrintJobs(timeout_s=0.5, print_function=hung_print)
    ticks = TickCounter()
    started = time.monotonic()
    with qtbot.waitSignal(jobs.finished, timeout=5000) as blocker:
        assert jobs.submit(slip, paper_width_mm=58, printer_name="q")
        assert jobs.busy
        assert not jobs.submit(slip, paper_width_mm=58, printer_name="q"), "one job at a time"
    elapsed_s = time.monotonic() - started
    assert blocker.args[:2] == [False, printing.MSG_PRINTER_UNAVAILABLE]
    assert "no answer from the printer within 0.5 s" in blocker.args[2]
    assert 0.4 < elapsed_s < 5
    assert ticks.ticks >= 5, f"the GUI thread only ticked {ticks.ticks} times while printing"
    assert not jobs.busy
    assert calls == [{"paper_width_mm": 58, "printer_name": "q"}]
    # The stuck job finishing later must not produce a second answer.
    late = []
    jobs.finished.connect(lambda *args: late.append(args))
    release.set()
    qtbot.wait(300)
    assert late == []


def test_print_job_errors_reach_the_visitor_as_scan_instead(slip, qtbot):
    def failing_print(slip_arg, **kwargs):
        raise printing.PrintError("printer 'x' is stopped or in error")

    jobs = printing.SlipPrintJobs(print_function=failing_print)
    with qtbot.waitSignal(jobs.finished, timeout=5000) as blocker:
        jobs.submit(slip, paper_width_mm=80, printer_name="x")
    assert blocker.args == [False, printing.MSG_PRINTER_UNAVAILABLE, "printer 'x' is stopped or in error"]


def run_cli(tmp_path, *args: str, printer_name: str = "") -> subprocess.CompletedProcess:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\nprinter_name = "{printer_name}"\npaper_width_mm = 58\n',
                      encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "kiosk.cli", "print-test", "--config", str(config), *args],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_print_test_command_writes_a_pdf_whose_qr_is_the_booking_url(tmp_path):
    pdf = tmp_path / "slip.pdf"
    proc = run_cli(tmp_path, "--service", "evt-20261210-ip-search-training-2", "--pdf", str(pdf),
                   "--paper-width-mm", "80", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    expected = booking.make_link(config_mod.from_mapping({}), "evt-20261210-ip-search-training-2", "appointment")
    assert doc == {"target": str(pdf), "paper_width_mm": 80, "service_id": "evt-20261210-ip-search-training-2",
                   "booking_type": "appointment", "url": expected.url, "short_code": expected.short_code}
    assert abs(cups_helpers.pdf_page_size_mm(pdf)[0] - 80) < 0.5
    assert cups_helpers.decode_qr(cups_helpers.rasterise(pdf, tmp_path)) == [expected.url]


@pytest.mark.parametrize(("args", "code", "message"), [
    (("--service", "svc-gone"), 2, "--service: no service or event with id 'svc-gone'"),
    (("--service", "pol-zz-2022-140-notice"), 2, "it has no booking type; give --booking-type"),
    (("--service", "svc-patent-application", "--booking-type", "bk-nope"), 2, "unknown booking type 'bk-nope'"),
    (("--service", "svc-patent-application"), 1, "slip not printed: printer queue 'ipkiosk-no-such-queue' does not exist"),
])
def test_print_test_command_errors_name_the_problem(tmp_path, args, code, message):
    proc = run_cli(tmp_path, *args, printer_name="ipkiosk-no-such-queue")
    assert proc.returncode == code, proc.stderr
    assert message in proc.stderr
