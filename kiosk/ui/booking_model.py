"""The ``Booking`` singleton (QML: ``import KioskBackend`` → ``Booking``) and its booking-type list.

QML asks for URLs, QR sources and short codes by (service or event id, booking type id) and
starts slip printing; everything is computed in :mod:`kiosk.booking` (Qt-free) and printed
by :mod:`kiosk.ui.printing` off the GUI thread. Nothing here keeps visitor data: ``reset()``
only clears the last print message.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import Property, QCoreApplication, QObject, Signal, Slot

from kiosk import booking
from kiosk.core import config as config_mod
from kiosk.core.clock import in_china, utcnow
from kiosk.core.language import SOURCE_LANGUAGE, in_language
from kiosk.core.self_command import self_command
from kiosk.dataservice.api import RecordDetail
from kiosk.ui.children import ChildOutcome, ChildProcess, Ending
from kiosk.ui.content_models import RowListModel
from kiosk.ui.data_client import DataCalls
from kiosk.ui.qr import qr_modules

if TYPE_CHECKING:
    from kiosk.ui.printing import SlipPrintJobs

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())
# Qt's translation of a visitor-facing text (named so that lupdate finds every call).
translate = QCoreApplication.translate

# KioskBackend singletons this module registers (kiosk.ui.qml_types declares them before any QML engine).
QML_SINGLETONS = ("Booking",)

# Slips show the time of the station (all stations are in Zhengzhou), whatever the OS zone.

PRINTER_CHECK_TIMEOUT_MS = 15000
PRINTER_STATUS_CHECKING = "checking"


class PrinterStatusProcess(QObject):
    """Asks `ipkiosk printer-status` in a child process whether slips can be printed.

    Out of process because libcups brings its TLS, Kerberos and Avahi libraries (about 4.5 MB)
    into any process that asks, and because a slow or hung CUPS must never stall the screen.
    ``answered`` carries "" when the printer can print, else the reason.
    """

    answered = Signal(str)

    def __init__(self, cfg: config_mod.Config, parent: QObject | None = None) -> None:
        super().__init__(parent)
        program, args = self_command(cfg, "printer-status", "--printer", cfg.printer_name, "--json")
        # Exit 1 is its answer "not usable" (with the reason in its JSON), not a failure of the check.
        self._child = ChildProcess("printer check", program, args, self, run_timeout_ms=PRINTER_CHECK_TIMEOUT_MS,
                                   answer_exit_codes=(0, 1))
        self._child.finished.connect(self._finished)

    @property
    def running(self) -> bool:
        return self._child.running

    def start(self) -> None:
        """Start a check unless one is running; the answer comes as ``answered``."""
        self._child.start()

    def stop(self) -> None:
        """End a running check without an answer (the UI is stopping)."""
        self._child.stop()

    def _finished(self, outcome: ChildOutcome) -> None:
        if outcome.stopped:
            return
        if outcome.ending is Ending.FAILED_TO_START:
            self.answered.emit("printer check could not start")
            return
        if outcome.ending is Ending.TIMED_OUT:
            self.answered.emit(f"printer check did not answer within {PRINTER_CHECK_TIMEOUT_MS // 1000} s")
            return
        process = self._child.process
        out = bytes(process.readAllStandardOutput().data()).decode(errors="replace")
        try:
            problem = json.loads(out)["problem"] or ""
        except (ValueError, KeyError, TypeError):
            err = bytes(process.readAllStandardError().data()).decode(errors="replace").strip().splitlines()
            problem = f"printer check failed: {err[-1] if err else 'no answer'}"
        self.answered.emit(problem)


def slip_outcome_message(ok: bool) -> str:
    """What the visitor reads after tapping 打印凭条 (kiosk.ui.printing's MSG_TAKE_SLIP or
    MSG_PRINTER_UNAVAILABLE), in the visitor's language."""
    return translate("Booking", "请取走凭条") if ok else translate("Booking", "打印机暂不可用，请用手机扫码")


def slip_labels() -> booking.SlipLabels:
    """The slip's own words (kiosk.booking.SlipLabels) in the visitor's language."""
    return booking.SlipLabels(
        booking_type=translate("Booking", "预约类型：{}"),
        short_code=translate("Booking", "短码  {}"),
        prepare=translate("Booking", "请携带："),
        printed_at=translate("Booking", "打印时间：{}"),
        time=translate("Booking", "时间：{}"),
        venue=translate("Booking", "地点：{}"),
        instruction=translate("Booking", "请用手机扫描二维码完成预约"),
        event_booking=translate("Booking", "活动报名"),
        phone=translate("Booking", "本站电话：{}"),
        national_hotline=translate("Booking", "热线：{}（全国知识产权公共服务热线）"),
        hotline=translate("Booking", "服务热线：{}"),
    )


class BookingTypeListModel(RowListModel):
    """The booking types of the content (8 in the seed), in content order."""

    ROLES = ("typeId", "title", "summary", "prepare")
    KEY = "typeId"

    def set_booking_types(self, booking_types: list[dict], language: str) -> None:
        shown = [in_language(bt, language) for bt in booking_types]
        self.set_rows([{"typeId": bt["id"], "title": bt["title"], "summary": bt.get("summary") or "",
                        "prepare": _joined(bt.get("prepare") or (), language)} for bt in shown])


def _joined(items: Iterable[str], language: str) -> str:
    """A booking type's prepare list as one line, joined the way the visitor's LANGUAGE writes lists."""
    return ("; " if language == "en" else "、").join(items)


class BookingBackend(QObject):
    """QML singleton ``Booking`` (see the UI contract for the API)."""

    printerAvailableChanged = Signal()
    printingChanged = Signal()
    printerStatusChanged = Signal()
    printFinished = Signal(bool, str)
    summaryPrintFinished = Signal(bool, str)  # a summary slip ("打印摘要"): ok, the visitor's message
    stateCleared = Signal()
    recordLookedUp = Signal(str, str, str)  # record id, its title, its booking type id ('' when none or gone)

    def __init__(self, cfg: config_mod.Config, *,
                 data: DataCalls,
                 clock: Callable[[], dt.datetime] = utcnow,
                 jobs: SlipPrintJobs | None = None,
                 language: Callable[[], str] = lambda: SOURCE_LANGUAGE,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cfg = cfg
        self._data = data
        self._clock = clock
        self._language = language  # the visitor's: the booking types, the link's {lang} and the slip follow it
        self._type_records: list[dict] = []
        self._types = BookingTypeListModel(self)
        self.reload()
        # Print jobs (and with them QtPrintSupport, QtWidgets and the slip fonts, ~10 MB) are set
        # up on the first slip: most visitors never print one.
        self._jobs: SlipPrintJobs | None = None
        self._summary_jobs: SlipPrintJobs | None = None  # summary slips, set up on the first likewise
        if jobs is not None:
            self._adopt_jobs(jobs)
        # The printer is checked when a screen first asks about it, and again after each slip.
        # Until the first answer it counts as available: terminals have their printer, and a
        # slip sent to a missing one fails with the same visitor message as a known problem.
        self._printer_problem: str | None = None
        self._printer_checked = False
        self._printer_status = PrinterStatusProcess(cfg, self)
        self._printer_status.answered.connect(self._set_printer_problem)

    # ------------------------------------------------------------ properties

    @Property(QObject, constant=True)
    def bookingTypes(self) -> BookingTypeListModel:
        return self._types

    @Property(bool, notify=printerAvailableChanged)
    def printerAvailable(self) -> bool:
        self._check_printer_once()
        return self._printer_problem is None

    @Property(str, notify=printerStatusChanged)
    def printerStatus(self) -> str:
        """'ok', 'checking' until the first answer, or why printing cannot work (admin screen)."""
        self._check_printer_once()
        if self._printer_problem is None and self._printer_status.running:
            return PRINTER_STATUS_CHECKING
        return self._printer_problem or "ok"

    def _check_printer_once(self) -> None:
        # Called from property reads, so it only starts the check: the answer notifies.
        if not self._printer_checked:
            self._printer_checked = True
            self._printer_status.start()

    @Property(bool, notify=printingChanged)
    def printing(self) -> bool:
        return self._jobs is not None and self._jobs.busy

    # ------------------------------------------------------------ links

    def _link(self, service_id: str, booking_type_id: str) -> booking.BookingLink | None:
        if not booking_type_id:
            return None
        try:
            return booking.make_link(self._cfg, service_id, booking_type_id, language=self._language())
        except booking.BookingError as exc:
            log.error("no booking link for %r/%r: %s", service_id, booking_type_id, exc)
            return None

    @Slot(str, str, result=str)
    def urlFor(self, serviceId: str, bookingTypeId: str) -> str:
        link = self._link(serviceId, bookingTypeId)
        return link.url if link else ""

    @Slot(str, str, result="QVariantMap")
    def qrModules(self, serviceId: str, bookingTypeId: str) -> dict:
        """The booking QR for BookingQr.qml: {size: modules per side (quiet zone included), path: the
        dark modules as an SVG path in module units, one ``M col row h len v1 h-len z`` per run};
        {} without a link.

        QML fills the path (QtQuick.Shapes) rather than showing an image: an image provider is the
        one thing that would need PySide's QtQuick binding (with QtOpenGL, ≈ 2.5 MB); a data: URL
        image makes Qt load every image-format plugin to sniff it and made the heap erratic; a
        Canvas keeps its image until the JS garbage collector runs; a Rectangle per run left ≈ 9 MB
        more heap behind after 300 visits (bench/ui_bench.py).
        """
        link = self._link(serviceId, bookingTypeId)
        return qr_modules(link.url) if link is not None else {}

    @Slot(str, str, result=str)
    def shortCode(self, serviceId: str, bookingTypeId: str) -> str:
        link = self._link(serviceId, bookingTypeId)
        return link.short_code if link else ""

    @Slot(str)
    def lookUp(self, recordId: str) -> None:
        """Ask for the title and booking type of a service or event (BookingPage names the service and
        pre-selects its type); recordLookedUp(id, title, booking type id) follows, ('' '') when it is gone."""
        self._data.record_detail(recordId).then(lambda page: self._looked_up(recordId, page), receiver=self)

    def _looked_up(self, record_id: str, page: RecordDetail | None) -> None:
        record = page["record"] if page else None
        if record is None:
            self.recordLookedUp.emit(record_id, "", "")
            return
        self.recordLookedUp.emit(record_id, in_language(record, self._language()).get("title") or "",
                                 booking.booking_type_id_for_record(record, self._type_records) or "")

    @Slot(str, result="QVariantMap")
    def bookingTypeInfo(self, bookingTypeId: str) -> dict:
        """{title, summary, prepare} of a booking type in the visitor's language ('prepare' as one line); {} if
        unknown."""
        if bookingTypeId == booking.EVENT_BOOKING_TYPE:
            return {"title": slip_labels().event_booking, "summary": "", "prepare": ""}
        bt = next((bt for bt in self._type_records if bt["id"] == bookingTypeId), None)
        if bt is None:
            return {}
        language = self._language()
        bt = in_language(bt, language)
        return {"title": bt["title"], "summary": bt.get("summary") or "",
                "prepare": _joined(bt.get("prepare") or (), language)}

    # ------------------------------------------------------------ printing

    @Slot(str, str)
    def printSlip(self, serviceId: str, bookingTypeId: str) -> None:
        """Start printing a slip; the answer comes as printFinished(ok, visitor message). The service's
        record (as its detail page has it: list fields capped, so a slip never waits for 100,000
        materials) is asked for first; without it (gone, or the data service does not answer) the
        slip is made without the service, or refused when it needs one (kiosk.booking.slip_content)."""
        if self._printer_problem is not None:
            log.warning("slip not printed: %s", self._printer_problem)
            self.printFinished.emit(False, slip_outcome_message(False))
            return
        if not serviceId:
            self._print(serviceId, bookingTypeId, None)
            return

        def failed(exc: Exception) -> None:
            log.warning("record %s not read for the slip: %s", serviceId, exc)
            self._print(serviceId, bookingTypeId, None)

        self._data.record_detail(serviceId).then(
            lambda page: self._print(serviceId, bookingTypeId, page["record"] if page else None), failed,
            receiver=self)

    def _print(self, service_id: str, booking_type_id: str, record: dict | None) -> None:
        from kiosk.ui.printing import SlipPrintJobs

        try:
            slip = booking.slip_content(
                self._cfg, service_id, booking_type_id, record=record,
                booking_types=self._type_records, now=in_china(self._clock()), language=self._language(),
                labels=slip_labels())
        except booking.BookingError as exc:
            log.error("slip not printed: %s", exc)
            self.printFinished.emit(False, slip_outcome_message(False))
            return
        if self._jobs is None:
            self._adopt_jobs(SlipPrintJobs())
        assert self._jobs is not None  # adopted just above
        started = self._jobs.submit(slip, paper_width_mm=self._cfg.paper_width_mm,
                                    printer_name=self._cfg.printer_name)
        if not started:
            log.info("print request ignored: a slip is still printing")

    @Slot(str)
    def printSummary(self, recordId: str) -> None:
        """Print the summary slip of a record's page ("打印摘要": title, key facts or first lines, the QR of its
        official page, station, time); summaryPrintFinished(ok, visitor message) answers."""
        from kiosk.ui.printing import MSG_PRINTER_UNAVAILABLE

        if self._printer_problem is not None:
            log.warning("summary slip not printed: %s", self._printer_problem)
            self.summaryPrintFinished.emit(False, MSG_PRINTER_UNAVAILABLE)
            return

        def failed(exc: Exception) -> None:
            log.warning("record %s not read for its summary slip: %s", recordId, exc)
            self.summaryPrintFinished.emit(False, MSG_PRINTER_UNAVAILABLE)

        self._data.record_detail(recordId).then(lambda page: self._print_summary(recordId, page), failed,
                                                receiver=self)

    def _print_summary(self, record_id: str, page: RecordDetail | None) -> None:
        from kiosk.ui.printing import MSG_PRINTER_UNAVAILABLE, SlipPrintJobs, print_summary_slip, summary_slip

        if page is None:
            log.warning("summary slip not printed: record %s is gone", record_id)
            self.summaryPrintFinished.emit(False, MSG_PRINTER_UNAVAILABLE)
            return
        if self._summary_jobs is None:
            self._summary_jobs = SlipPrintJobs(print_function=print_summary_slip, parent=self)
            self._summary_jobs.finished.connect(self._on_summary_finished)
        summary = summary_slip(self._cfg.station_name, page, in_china(self._clock()).strftime("%Y-%m-%d %H:%M"))
        if not self._summary_jobs.submit(summary, paper_width_mm=self._cfg.paper_width_mm,
                                         printer_name=self._cfg.printer_name):
            log.info("summary print request ignored: a summary slip is still printing")

    def _on_summary_finished(self, ok: bool, visitor_message: str, detail: str) -> None:
        self.summaryPrintFinished.emit(ok, visitor_message)
        self.refreshPrinter()

    def _adopt_jobs(self, jobs: SlipPrintJobs) -> None:
        self._jobs = jobs
        jobs.setParent(self)
        jobs.busyChanged.connect(self.printingChanged)
        jobs.finished.connect(self._on_job_finished)

    def _on_job_finished(self, ok: bool, message: str, detail: str) -> None:
        # MESSAGE is the job's own (Chinese) wording of OK; the visitor reads it in their language.
        self.printFinished.emit(ok, slip_outcome_message(ok))
        self.refreshPrinter()

    @Slot()
    def refreshPrinter(self) -> None:
        """(Re-)check the printer in a child process; the answer updates printerAvailable/printerStatus."""
        self._printer_checked = True
        self._printer_status.start()
        self.printerStatusChanged.emit()  # 'checking' while the first check runs

    def _set_printer_problem(self, problem: str) -> None:
        new = problem or None
        was_available = self._printer_problem is None
        self._printer_problem = new
        self.printerStatusChanged.emit()
        if was_available != (new is None):
            self.printerAvailableChanged.emit()

    # ------------------------------------------------------------ lifecycle

    def reload(self) -> None:
        """Content changed (sync): booking types may have changed."""
        self._data.list_records("booking_types").then(self._set_booking_types)

    def _set_booking_types(self, booking_types: list[dict]) -> None:
        self._type_records = booking_types
        self._types.set_booking_types(booking_types, self._language())

    def show_language(self) -> None:
        """The visitor switched language: the booking types' rows follow (the QR follows Shell.language)."""
        self._types.set_booking_types(self._type_records, self._language())

    def reset(self) -> None:
        """Visitor left: drop the last print message on every BookingQr."""
        self.stateCleared.emit()

    def stop(self) -> None:
        """The UI is stopping: no printer check may outlive it."""
        self._printer_status.stop()


def register(ctx) -> BookingBackend:
    """The ``Booking`` singleton (called by kiosk.ui.app.build_context)."""
    backend = BookingBackend(ctx.cfg, data=ctx.data, clock=ctx.clock, language=ctx.shell.visitor_language,
                             parent=ctx.engine)
    ctx.content_changed.connect(backend.reload)
    ctx.shell.languageChanged.connect(backend.show_language)
    ctx.register_singleton("Booking", backend)
    return backend
