"""`ipkiosk print-test`: print one booking slip to the configured printer or to a PDF file.
`ipkiosk printer-status`: can slips be printed at all (the UI asks this in a child process)."""

from __future__ import annotations

import os
import sys
import threading

from kiosk.commands import EXIT_USAGE, CliError, print_json
from kiosk.core.clock import in_china, utcnow
from kiosk.core.safe_text import for_terminal
from kiosk.store.seed import open_content


def cmd_print_test(cfg, args) -> int:
    from kiosk import booking
    from kiosk.store import content

    open_content(cfg)
    record = content.get_record(args.service)
    if record is None:
        raise CliError(f"--service: no service or event with id {args.service!r}", EXIT_USAGE)
    types = content.list_records("booking_types")
    type_id = args.booking_type or booking.booking_type_id_for_record(record, types)
    if not type_id:
        raise CliError(f"--service {args.service}: it has no booking type; give --booking-type "
                       f"({', '.join(bt['id'] for bt in types)})", EXIT_USAGE)
    paper_width_mm = args.paper_width_mm or cfg.paper_width_mm
    try:
        slip = booking.slip_content(cfg, args.service, type_id, record=record, booking_types=types,
                                    now=in_china(utcnow()))
    except booking.BookingError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None

    # Printing needs a QGuiApplication for fonts, not a screen.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from kiosk.ui import printing

    QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    printing.slip_font_families()  # font files are loaded on this (the GUI) thread, not in the worker
    target = args.pdf or cfg.printer_name or "the system default printer"
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            printing.print_slip(slip, paper_width_mm=paper_width_mm, printer_name=cfg.printer_name, pdf_path=args.pdf)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread below
            outcome.append(exc)
        else:
            outcome.append(None)

    # Same rule as the UI: a stuck spooler must not hang the command.
    worker = threading.Thread(target=run, name="print-test", daemon=True)
    worker.start()
    worker.join(args.timeout_s)
    if not outcome:
        raise CliError(f"no answer from {target} within {args.timeout_s:g} s")
    if isinstance(outcome[0], printing.PrintError):
        raise CliError(f"slip not printed: {outcome[0]}")
    if outcome[0] is not None:
        raise outcome[0]
    doc = {"target": target, "paper_width_mm": paper_width_mm, "service_id": args.service,
           "booking_type": type_id, "url": slip.link.url, "short_code": slip.link.short_code}
    if args.json:
        print_json(doc)
    else:
        print(for_terminal(f"slip sent to {target} ({paper_width_mm} mm): {slip.link.short_code} {slip.link.url}"))
    return 0


def cmd_printer_status(cfg, args) -> int:
    from kiosk.printer_status import printer_problem

    name = cfg.printer_name if args.printer is None else args.printer
    problem = printer_problem(name)
    if args.json:
        print_json({"printer": name, "problem": problem})
    else:
        # The problem can quote a queue name and CUPS's own state message.
        print(for_terminal(problem or f"ok: {name or 'the system default printer'} can print"))
    return 0 if problem is None else 1


def register(sub, common) -> None:
    p = sub.add_parser("print-test", help="print a booking slip for a service or event (printer or --pdf file)",
                       parents=[common])
    p.add_argument("--service", required=True, metavar="ID", help="service or event id, e.g. svc-patent-application")
    p.add_argument("--booking-type", metavar="T", help="booking type id (default: the one listing the service)")
    p.add_argument("--pdf", metavar="OUT.pdf", help="write the slip to this PDF file instead of printing")
    p.add_argument("--paper-width-mm", type=int, choices=(58, 80, 210), help="override paper_width_mm from the config")
    p.add_argument("--timeout-s", type=float, default=20.0, help="give up when the printer does not answer (default 20)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=cmd_print_test)

    p = sub.add_parser("printer-status", help="say whether booking slips can be printed (exit 1 when not)",
                       parents=[common])
    p.add_argument("--printer", metavar="QUEUE", help="CUPS queue to check instead of printer_name ('' = the default)")
    p.add_argument("--json", action="store_true", help='print {"printer", "problem"} (problem null when it can print)')
    p.set_defaults(func=cmd_printer_status)
