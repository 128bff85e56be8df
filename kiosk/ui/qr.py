"""QR codes for QML (``image://qr/<url-encoded payload>``) and for printed slips.

The matrix comes from :func:`kiosk.booking.qr_matrix` (qrcode, error correction M, quiet
zone 4). On screen it is a QImage whose module size is a whole number of pixels, so every
module edge is sharp; on paper it is one filled vector path, so a printer or a PDF
rasteriser never sees seams between neighbouring modules.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath
from PySide6.QtQuick import QQuickImageProvider

from kiosk.booking import qr_matrix

PROVIDER_ID = "qr"
# Used when QML sets no sourceSize: large enough to stay crisp when scaled to 300–600 px.
DEFAULT_SIZE_PX = 600


def qr_source(payload: str) -> str:
    """The QML image URL for a payload; every reserved character is percent-encoded."""
    return f"image://{PROVIDER_ID}/{quote(payload, safe='')}"


def dark_modules_path(matrix: list[list[bool]], rect: QRectF) -> QPainterPath:
    """One path covering the dark modules of ``matrix`` scaled into the square ``rect``."""
    module = rect.width() / len(matrix)
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)  # overlapping runs merge into one seamless area
    for row_index, row in enumerate(matrix):
        col = 0
        while col < len(row):
            if not row[col]:
                col += 1
                continue
            start = col
            while col < len(row) and row[col]:
                col += 1
            path.addRect(QRectF(rect.x() + start * module, rect.y() + row_index * module,
                                (col - start) * module, module))
    return path


def paint_qr(painter: QPainter, rect: QRectF, payload: str) -> None:
    """Paint the QR of ``payload`` (quiet zone included) into the square ``rect``."""
    matrix = qr_matrix(payload)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.fillRect(rect, QColor("white"))
    painter.fillPath(dark_modules_path(matrix, rect), QColor("black"))
    painter.restore()


def qr_image(payload: str, size_px: int = DEFAULT_SIZE_PX) -> QImage:
    """The QR as an image at most ``size_px`` wide, with a whole number of pixels per module."""
    matrix = qr_matrix(payload)
    module_px = max(1, size_px // len(matrix))
    side_px = module_px * len(matrix)
    image = QImage(side_px, side_px, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.fillRect(image.rect(), QColor("white"))
        painter.fillPath(dark_modules_path(matrix, QRectF(0, 0, side_px, side_px)), QColor("black"))
    finally:
        painter.end()
    return image


class QrImageProvider(QQuickImageProvider):
    """``image://qr/<percent-encoded payload>`` → the QR image (QML sets sourceSize for the size)."""

    def __init__(self) -> None:
        super().__init__(QQuickImageProvider.ImageType.Image)

    def requestImage(self, image_id: str, size: QSize, requested_size: QSize) -> QImage:  # noqa: N802 (Qt API)
        payload = unquote(image_id)
        wanted_px = min(requested_size.width(), requested_size.height()) if requested_size.isValid() else 0
        image = qr_image(payload, wanted_px if wanted_px > 0 else DEFAULT_SIZE_PX)
        size.setWidth(image.width())
        size.setHeight(image.height())
        return image
