"""Booking slips: a QPainter layout on a QPrinter, printed without blocking the UI.

Paper (``paper_width_mm``): 58 mm and 80 mm receipt rolls get a page exactly as long as the
slip; 210 means A4 portrait with the slip as a centred column.

Threading (why a worker thread is allowed here): Qt documents that QPainter may paint on a
QPrinter, QImage or QPicture outside the GUI thread ("Painting in threads"); only QPixmap and
widgets are GUI-thread-only. A print job therefore builds its own QPrinter in a worker
thread, paints, and ``QPainter.end()`` hands the spooled PDF to CUPS (``cupsPrintFile``),
which is the part that can stall when cupsd is busy or gone. The GUI thread only starts the
job and arms a timeout; the result comes back as a queued signal. When the timeout fires
first the visitor is told to scan instead, and the late result is dropped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QObject, QRectF, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetricsF, QPageLayout, QPageSize, QPainter, QPen
from PySide6.QtPrintSupport import QPrinter

from kiosk.booking import SlipContent
from kiosk.core import kinds
from kiosk.core.safe_text import for_display
from kiosk.dataservice.api import RecordDetail
from kiosk.printer_status import printer_problem
from kiosk.ui import text
from kiosk.ui.content_models import event_time_text, fee_note, key_facts
from kiosk.ui.qr import paint_qr

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

REPO_ROOT = Path(__file__).resolve().parents[2]
FONTS_DIR = REPO_ROOT / "assets" / "fonts"
# Fallbacks after the bundled family: the CJK fonts Debian and Windows ship.
FALLBACK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "sans-serif")

MSG_TAKE_SLIP = "请取走凭条"
MSG_PRINTER_UNAVAILABLE = "打印机暂不可用，请用手机扫码"

PRINT_TIMEOUT_S = 20
RESOLUTION_DPI = 300
A4_WIDTH_MM = 210
A4_HEIGHT_MM = 297
# A receipt slip never grows beyond this; optional blocks (the prepare list) are dropped first.
RECEIPT_MAX_LENGTH_MM = 220


@dataclass(frozen=True)
class PaperGeometry:
    page_width_mm: float
    margin_mm: float
    column_width_mm: float  # width of the printed column (centred on the page)
    qr_side_mm: float
    fixed_height_mm: float | None  # None: the page is as long as the slip (receipt roll)


def paper_geometry(paper_width_mm: int) -> PaperGeometry:
    if paper_width_mm == 58:
        # 58 mm rolls print 48 mm wide: 5 mm dead margin each side.
        return PaperGeometry(58, 5, 48, 44, None)
    if paper_width_mm == 80:
        # 80 mm rolls print 72 mm wide.
        return PaperGeometry(80, 4, 72, 56, None)
    if paper_width_mm == 210:
        return PaperGeometry(A4_WIDTH_MM, 20, 120, 80, A4_HEIGHT_MM)
    raise ValueError(f"paper_width_mm: got {paper_width_mm!r}, expected 58, 80 or 210")


_font_lock = threading.Lock()
_loaded_families: list[str] = []


def slip_font_families() -> list[str]:
    """Families for slip text: the bundled font(s) from assets/fonts first, then CJK fallbacks.

    The first call loads the font files and must happen on the GUI thread (SlipPrintJobs and
    print-test call it before starting a worker); later calls only read the cached list.
    Qt falls back along the list glyph by glyph, so a subset font is completed by the others.
    """
    with _font_lock:
        if not _loaded_families and FONTS_DIR.is_dir():
            for path in sorted(FONTS_DIR.iterdir()):
                if path.suffix.lower() in (".ttf", ".otf", ".ttc"):
                    font_id = QFontDatabase.addApplicationFont(str(path))
                    if font_id >= 0:
                        _loaded_families.extend(f for f in QFontDatabase.applicationFontFamilies(font_id)
                                                if f not in _loaded_families)
        return [*_loaded_families, *FALLBACK_FAMILIES]


def _font(point_size: float, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(slip_font_families())
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


@dataclass
class _Block:
    kind: str  # "text" | "rule" | "qr"
    height_px: float
    text: str = ""
    font: QFont | None = None
    flags: int = 0
    optional: bool = False


def _layout(slip: SlipContent, geometry: PaperGeometry, printer: QPrinter) -> tuple[list[_Block], float]:
    """Blocks top to bottom with their measured heights (device pixels) for this printer."""
    px_per_mm = printer.resolution() / 25.4
    column_px = geometry.column_width_mm * px_per_mm
    gap_px = 2.0 * px_per_mm
    center = int(Qt.AlignmentFlag.AlignHCenter)
    left = int(Qt.AlignmentFlag.AlignLeft)
    wrap_words = int(Qt.TextFlag.TextWordWrap)
    wrap_anywhere = int(Qt.TextFlag.TextWrapAnywhere)

    def text(value: str, size_pt: float, flags: int, *, bold: bool = False, optional: bool = False) -> _Block:
        # Every line of a slip passes here: the station name comes from the config file and
        # `ipkiosk print-test` reads records without the data service, so clean them on paper too.
        value = for_display(value)
        font = _font(size_pt, bold=bold)
        rect = QFontMetricsF(font, printer).boundingRect(QRectF(0, 0, column_px, 1e6), flags, value)
        return _Block("text", rect.height(), value, font, flags, optional)

    blocks = [text(slip.station_name, 10, center | wrap_words, bold=True), _Block("rule", gap_px)]
    if slip.service_title:
        blocks.append(text(slip.service_title, 11, left | wrap_words, bold=True))
    for line in slip.details:
        blocks.append(text(line, 9, left | wrap_words))
    labels = slip.labels  # in the visitor's language (kiosk.ui.booking_model.slip_labels)
    blocks.append(text(labels.booking_type.format(slip.booking_type_title), 9, left | wrap_words))
    blocks.append(_Block("qr", geometry.qr_side_mm * px_per_mm))
    blocks.append(text(slip.instruction, 10, center | wrap_words, bold=True))
    blocks.append(text(labels.short_code.format(slip.link.short_code), 12, center, bold=True))
    blocks.append(text(slip.link.url, 7, left | wrap_anywhere))
    if slip.prepare:
        prepare_text = labels.prepare + "\n" + "\n".join(f"· {item}" for item in slip.prepare)
        blocks.append(text(prepare_text, 8, left | wrap_words, optional=True))
    blocks.append(_Block("rule", gap_px))
    if slip.contact:
        # Kept when the slip is too long (unlike the prepare list): a visitor without a phone needs a person.
        blocks.append(text("\n".join(slip.contact), 8, left | wrap_words))
    blocks.append(text(labels.printed_at.format(slip.printed_at), 8, left))

    limit_mm = (geometry.fixed_height_mm - 2 * geometry.margin_mm) if geometry.fixed_height_mm \
        else RECEIPT_MAX_LENGTH_MM - 2 * geometry.margin_mm

    def total(bs: list[_Block]) -> float:
        return sum(b.height_px for b in bs) + gap_px * (len(bs) - 1)

    if total(blocks) > limit_mm * px_per_mm:
        blocks = [b for b in blocks if not b.optional]
    return blocks, total(blocks)


def _paint_page(printer: QPrinter, geometry: PaperGeometry, blocks: list[_Block], content_px: float, qr_payload: str) -> bool:
    """Set the page (A4, or a receipt roll cut as long as the content) and paint BLOCKS down the centred column,
    the QR block carrying QR_PAYLOAD; False when the printer could not be opened or the job failed to spool."""
    px_per_mm = printer.resolution() / 25.4
    if geometry.fixed_height_mm:
        page_size = QPageSize(QPageSize.PageSizeId.A4)
    else:
        # A receipt roll is cut after the slip: the page is exactly as long as the content.
        height_mm = content_px / px_per_mm + 2 * geometry.margin_mm + 1
        page_size = QPageSize(QSizeF(geometry.page_width_mm, height_mm), QPageSize.Unit.Millimeter,
                              f"slip {geometry.page_width_mm:g}x{height_mm:.0f}mm", QPageSize.SizeMatchPolicy.ExactMatch)
    printer.setPageLayout(QPageLayout(page_size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0),
                                      QPageLayout.Unit.Millimeter))
    printer.setFullPage(True)  # we place everything ourselves from the paper edge

    painter = QPainter()
    if not painter.begin(printer):
        return False
    try:
        x_px = (geometry.page_width_mm - geometry.column_width_mm) / 2 * px_per_mm
        column_px = geometry.column_width_mm * px_per_mm
        y_px = geometry.margin_mm * px_per_mm
        gap_px = 2.0 * px_per_mm
        painter.setPen(QColor("black"))
        for block in blocks:
            if block.kind == "text":
                assert block.font is not None  # every text block is laid out with its font
                painter.setFont(block.font)
                painter.drawText(QRectF(x_px, y_px, column_px, block.height_px), block.flags, block.text)
            elif block.kind == "rule":
                painter.setPen(QPen(QColor("black"), 0.3 * px_per_mm, Qt.PenStyle.DashLine))
                mid = y_px + block.height_px / 2
                painter.drawLine(int(x_px), int(mid), int(x_px + column_px), int(mid))
                painter.setPen(QColor("black"))
            elif block.kind == "qr":
                side = block.height_px
                paint_qr(painter, QRectF(x_px + (column_px - side) / 2, y_px, side, side), qr_payload)
            y_px += block.height_px + gap_px
    finally:
        ended = painter.end()
    return ended and printer.printerState() != QPrinter.PrinterState.Error


def render_slip(printer: QPrinter, slip: SlipContent, paper_width_mm: int) -> bool:
    """Lay out and paint the slip on ``printer`` (already pointed at a queue or a PDF file).

    Sets the page size (receipt rolls: as long as the slip). Returns False when the printer
    could not be opened or the job failed to spool.
    """
    geometry = paper_geometry(paper_width_mm)
    printer.setResolution(RESOLUTION_DPI)
    blocks, content_px = _layout(slip, geometry, printer)
    return _paint_page(printer, geometry, blocks, content_px, slip.link.url)


def print_slip(slip: SlipContent, *, paper_width_mm: int, printer_name: str = "", pdf_path: str | None = None) -> None:
    """Print one slip (blocking): to the queue ``printer_name``/the default, or to ``pdf_path``.

    Raises PrintError with the reason; callers in the UI run this in :class:`SlipPrintJobs`.
    """
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if pdf_path:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(pdf_path))
    else:
        problem = printer_problem(printer_name)
        if problem:
            raise PrintError(problem)
        printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
        if printer_name:
            printer.setPrinterName(printer_name)
    printer.setDocName(f"ipkiosk slip {slip.link.short_code}")
    if not render_slip(printer, slip, paper_width_mm):
        target = pdf_path or printer_name or "the default printer"
        raise PrintError(f"could not print to {target}")


class PrintError(RuntimeError):
    """A slip could not be printed; the message says why (for logs and the admin screen)."""


class SlipPrintJobs(QObject):
    """Runs one print job at a time in a worker thread; reports on the GUI thread.

    ``finished(ok, visitor_message, detail)``: visitor_message is 请取走凭条 or
    打印机暂不可用，请用手机扫码; detail is the technical reason for the log.
    """

    finished = Signal(bool, str, str)
    busyChanged = Signal()
    _worker_done = Signal(int, bool, str)

    def __init__(self, *, timeout_s: float = PRINT_TIMEOUT_S,
                 print_function: Callable[..., None] = print_slip, parent: QObject | None = None) -> None:
        super().__init__(parent)
        slip_font_families()  # load the font files here, on the GUI thread, not in the worker
        self._print_function = print_function
        self._job_number = 0
        self._busy = False
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.setInterval(int(timeout_s * 1000))
        self._timeout.timeout.connect(self._on_timeout)
        # Emitted from the worker thread; queued so the slot runs on this object's (GUI) thread.
        self._worker_done.connect(self._on_worker_done, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        return self._busy

    def submit(self, slip: SlipContent | SummarySlip, **print_kwargs) -> bool:
        """Start printing; False (and nothing started) while another job is still running."""
        if self._busy:
            return False
        self._job_number += 1
        job = self._job_number
        self._set_busy(True)
        self._timeout.start()
        threading.Thread(target=self._run, args=(job, slip, print_kwargs), name=f"slip-print-{job}",
                         daemon=True).start()
        return True

    def _run(self, job: int, slip: SlipContent | SummarySlip, print_kwargs: dict) -> None:
        try:
            self._print_function(slip, **print_kwargs)
        except PrintError as exc:
            outcome = (False, str(exc))
        except Exception as exc:
            log.exception("slip printing failed")
            outcome = (False, f"{type(exc).__name__}: {exc}")
        else:
            outcome = (True, "sent to the printer")
        try:
            self._worker_done.emit(job, *outcome)
        except RuntimeError:  # this object was deleted while the spooler was stuck (app shutting down)
            log.warning("print result after shutdown dropped: %s", outcome[1])

    def _on_worker_done(self, job: int, ok: bool, detail: str) -> None:
        if job != self._job_number or not self._busy:
            log.warning("late print result ignored (job %d: %s)", job, detail)
            return
        self._timeout.stop()
        self._finish(ok, detail)

    def _on_timeout(self) -> None:
        # The worker may still be stuck in the spooler; a later result for this job is dropped.
        self._job_number += 1
        self._finish(False, f"no answer from the printer within {self._timeout.interval() / 1000:g} s")

    def _finish(self, ok: bool, detail: str) -> None:
        if not ok:
            log.warning("slip not printed: %s", detail)
        self._set_busy(False)
        self.finished.emit(ok, MSG_TAKE_SLIP if ok else MSG_PRINTER_UNAVAILABLE, detail)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busyChanged.emit()


# ---------------------------------------------------------------- summary slips

# What a summary slip prints of a long text: the start of a summary, each key fact.
SUMMARY_TEXT_CHARS = 160
SUMMARY_FACT_CHARS = 120
# A title longer than this is cut on the slip (the QR leads to the whole document): a 200-character title filled a
# 58 mm roll on its own, so every key fact was dropped to keep the slip within RECEIPT_MAX_LENGTH_MM.
SUMMARY_TITLE_CHARS = 60
MSG_SUMMARY_QR = "扫码查看原文"


@dataclass(frozen=True)
class SummarySlip:
    """A record to take away on paper ("打印摘要"): what it is, its key facts or first lines, the QR of its
    official page (none when SOURCE_URL is ''), the station and the time."""

    station_name: str
    kind_title: str
    title: str
    lines: tuple[str, ...]
    source_url: str
    printed_at: str  # local date and time, "YYYY-MM-DD HH:MM"


def _cut(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[:limit - 1] + "…"


def summary_slip(station_name: str, page: RecordDetail, printed_at: str) -> SummarySlip:
    """The summary slip of PAGE (the data service's record_detail answer): a service's key facts (the fee
    with its "以窗口公示为准" note when unchecked); for other kinds the issuer, 文号, date or event time and
    venue, then the start of the summary."""
    rec = page["record"]
    kind = rec["kind"]

    def field(name: str) -> str:
        value = rec.get(name)
        return value if isinstance(value, str) else ""

    lines: list[str] = []
    if kind == "services":
        note = fee_note(rec)
        for i, fact in enumerate(key_facts(rec)):
            value = _cut(fact["value"], SUMMARY_FACT_CHARS) + (f"（{note}）" if i == 0 and note else "")
            lines.append(f"{fact['label']}：{value}")
    else:
        if kind == "events":
            lines.append(f"时间：{event_time_text(rec.get('starts_at'), rec.get('ends_at'))}")
            if field("venue"):
                lines.append(f"地点：{field('venue')}")
        lines += [v for v in (field("issuer") or field("organizer"), field("doc_number")) if v]
        if field("published_at"):
            lines.append(f"发布日期：{field('published_at')}")
        if field("summary"):
            lines.append(_cut(text.plain(field("summary")), SUMMARY_TEXT_CHARS))
    return SummarySlip(station_name=station_name, kind_title=kinds.title(kind), title=_cut(field("title"), SUMMARY_TITLE_CHARS),
                       lines=tuple(lines), source_url=page["source_url"], printed_at=printed_at)


def _summary_layout(summary: SummarySlip, geometry: PaperGeometry, printer: QPrinter) -> tuple[list[_Block], float]:
    """Blocks of a summary slip top to bottom with their heights (device pixels); while the slip would outgrow its
    paper, the address written under the QR is dropped first, then the fact lines from the last."""
    px_per_mm = printer.resolution() / 25.4
    column_px = geometry.column_width_mm * px_per_mm
    gap_px = 2.0 * px_per_mm
    center = int(Qt.AlignmentFlag.AlignHCenter)
    left = int(Qt.AlignmentFlag.AlignLeft)
    wrap_words = int(Qt.TextFlag.TextWordWrap)

    def text_block(value: str, size_pt: float, flags: int, *, bold: bool = False, optional: bool = False) -> _Block:
        value = for_display(value)
        font = _font(size_pt, bold=bold)
        rect = QFontMetricsF(font, printer).boundingRect(QRectF(0, 0, column_px, 1e6), flags, value)
        return _Block("text", rect.height(), value, font, flags, optional)

    blocks = [text_block(summary.station_name, 10, center | wrap_words, bold=True), _Block("rule", gap_px),
              text_block(summary.kind_title, 8, left), text_block(summary.title, 11, left | wrap_words, bold=True)]
    blocks += [text_block(line, 9, left | wrap_words, optional=True) for line in summary.lines]
    if summary.source_url:
        blocks.append(_Block("qr", geometry.qr_side_mm * px_per_mm))
        blocks.append(text_block(MSG_SUMMARY_QR, 10, center, bold=True))
        # The address in words is the first thing dropped when the slip is too long: the QR above carries it, and
        # nobody types a 300-character address.
        blocks.append(text_block(summary.source_url, 7, left | int(Qt.TextFlag.TextWrapAnywhere), optional=True))
    blocks.append(_Block("rule", gap_px))
    blocks.append(text_block(f"打印时间：{summary.printed_at}", 8, left))

    limit_px = ((geometry.fixed_height_mm - 2 * geometry.margin_mm) if geometry.fixed_height_mm
                else RECEIPT_MAX_LENGTH_MM - 2 * geometry.margin_mm) * px_per_mm

    def total(bs: list[_Block]) -> float:
        return sum(b.height_px for b in bs) + gap_px * (len(bs) - 1)

    while total(blocks) > limit_px and any(b.optional for b in blocks):
        last_optional = max(i for i, b in enumerate(blocks) if b.optional)
        del blocks[last_optional]
    return blocks, total(blocks)


def render_summary_slip(printer: QPrinter, summary: SummarySlip, paper_width_mm: int) -> bool:
    """Lay out and paint SUMMARY on PRINTER as render_slip does a booking slip (receipt rolls: the page is as
    long as the slip); False when the printer could not be opened or the job failed to spool."""
    geometry = paper_geometry(paper_width_mm)
    printer.setResolution(RESOLUTION_DPI)
    blocks, content_px = _summary_layout(summary, geometry, printer)
    return _paint_page(printer, geometry, blocks, content_px, summary.source_url)


def print_summary_slip(summary: SummarySlip, *, paper_width_mm: int, printer_name: str = "",
                       pdf_path: str | None = None) -> None:
    """Print one summary slip (blocking), as print_slip prints a booking slip; PrintError says why not."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if pdf_path:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(pdf_path))
    else:
        problem = printer_problem(printer_name)
        if problem:
            raise PrintError(problem)
        printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
        if printer_name:
            printer.setPrinterName(printer_name)
    printer.setDocName("ipkiosk summary")
    if not render_summary_slip(printer, summary, paper_width_mm):
        raise PrintError(f"could not print to {pdf_path or printer_name or 'the default printer'}")
