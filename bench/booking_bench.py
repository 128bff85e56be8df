"""Booking benchmark (not a test): link, on-screen QR image, slip PDFs and a slip through CUPS.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/booking_bench.py
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/booking_bench.py --cups-queue ipkiosk-pdf

Times each call with ``time.perf_counter`` on a seed service's booking URL: ``make_link``,
``qr_matrix`` + ``dark_runs`` (what the booking panel draws), ``print_slip`` to a PDF at 58 mm, 80 mm
and A4, and, with ``--cups-queue``, ``print_slip`` to that cups-pdf queue until cups-pdf has
written its file (the queue set up by packaging/ci-cups-setup.sh). Results: median and max in ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kiosk import booking
from kiosk.core import config as config_mod
from kiosk.core.clock import utcnow
from kiosk.store import (
    content,
    seed,
)

SERVICE_ID = "svc-patent-application"


def timed_ms(fn, runs: int) -> dict:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return {"runs": runs, "median_ms": round(statistics.median(samples), 3), "max_ms": round(max(samples), 3)}


def run(args) -> dict:
    from PySide6.QtGui import QGuiApplication

    from kiosk.ui import printing

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - QPrinter/QImage need it
    work = Path(tempfile.mkdtemp(prefix="booking-bench-"))
    cfg = config_mod.from_mapping({"data_dir": str(work / "data")})
    content.open_content_db(cfg.content_db_path)
    seed.import_seed()
    record = content.get_record(SERVICE_ID)
    booking_types = content.list_records("booking_types")
    type_id = booking.booking_type_for_service(SERVICE_ID, booking_types)["id"]
    slip = booking.slip_content(cfg, SERVICE_ID, type_id, record=record, booking_types=booking_types,
                                now=utcnow())
    url = slip.link.url
    results = {
        "booking link": timed_ms(lambda: booking.make_link(cfg, SERVICE_ID, type_id), args.runs * 10),
        "QR modules (matrix + runs)": timed_ms(lambda: booking.dark_runs(booking.qr_matrix(url)), args.runs),
    }
    for width_mm, label in ((58, "slip PDF 58 mm"), (80, "slip PDF 80 mm"), (210, "slip PDF A4")):
        pdf = work / f"slip-{width_mm}.pdf"
        results[label] = timed_ms(lambda w=width_mm, p=pdf: printing.print_slip(slip, paper_width_mm=w, pdf_path=str(p)),
                                  args.runs)
    if args.cups_queue:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        from cups_helpers import cups_pdf_queue

        queue = cups_pdf_queue()

        def through_cups():
            before = queue.pdfs()
            printing.print_slip(slip, paper_width_mm=58, printer_name=queue.name)
            queue.wait_for_new_pdf(before)

        results["slip through CUPS to the cups-pdf file, 58 mm"] = timed_ms(through_cups, max(3, args.runs // 4))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs per measurement (links: 10×)")
    parser.add_argument("--cups-queue", action="store_true", help="also print through the cups-pdf test queue")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    results = run(args)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"{'what':48} {'median ms':>10} {'max ms':>10}")
        for what, r in results.items():
            print(f"{what:48} {r['median_ms']:10.3f} {r['max_ms']:10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
