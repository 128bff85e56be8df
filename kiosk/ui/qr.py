"""QR codes on printed slips and on screen.

The matrix comes from :func:`kiosk.booking.qr_matrix` (qrcode, error correction M, quiet
zone 4). On paper it is one filled vector path, so a printer or a PDF rasteriser never sees
seams between neighbouring modules; on screen (BookingQr.qml, SourceQr.qml) QML fills the
same runs as one SVG path (:func:`qr_modules`).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPainterPath

from kiosk.booking import dark_runs, qr_matrix


def dark_modules_path(matrix: list[list[bool]], rect: QRectF) -> QPainterPath:
    """One path covering the dark modules of ``matrix`` scaled into the square ``rect``."""
    # Here, not with the module: the Qt namespace costs the start 15 ms (kiosk.ui.content_models, DISPLAY_ROLE).
    from PySide6.QtCore import Qt

    module = rect.width() / len(matrix)
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)  # overlapping runs merge into one seamless area
    for row, start, length in dark_runs(matrix):
        path.addRect(QRectF(rect.x() + start * module, rect.y() + row * module, length * module, module))
    return path


def paint_qr(painter: QPainter, rect: QRectF, payload: str) -> None:
    """Paint the QR of ``payload`` (quiet zone included) into the square ``rect``."""
    matrix = qr_matrix(payload)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.fillRect(rect, QColor("white"))
    painter.fillPath(dark_modules_path(matrix, rect), QColor("black"))
    painter.restore()


def qr_svg_path(runs: list[tuple[int, int, int]]) -> str:
    """The dark runs (row, first column, length) as one SVG path in module units."""
    return "".join(f"M{col} {row}h{length}v1h-{length}z" for row, col, length in runs)


def qr_modules(payload: str) -> dict:
    """The QR of PAYLOAD for QML: {size: modules per side (quiet zone included), path: the dark modules
    as an SVG path in module units, one ``M col row h len v1 h-len z`` per run}."""
    matrix = qr_matrix(payload)
    return {"size": len(matrix), "path": qr_svg_path(dark_runs(matrix))}
