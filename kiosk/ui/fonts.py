"""The bundled CJK font (assets/fonts), registered as the application font."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFontDatabase, QGuiApplication

log = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parent.parent.parent / "assets" / "fonts"
FONT_FILES = ("KioskSansSC-Regular.otf", "KioskSansSC-Bold.otf")
FONT_FAMILY = "Kiosk Sans SC"


def font_paths() -> list[Path]:
    return [FONT_DIR / name for name in FONT_FILES]


def load_fonts() -> str:
    """Register the bundled CJK font; returns the family name (or the default family if missing)."""
    families: list[str] = []
    for path in font_paths():
        if path.is_file():
            font_id = QFontDatabase.addApplicationFont(str(path))
            families += QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if FONT_FAMILY not in families:
        log.error("bundled font %s not found in %s; Chinese text may not render", FONT_FAMILY, FONT_DIR)
        return QGuiApplication.font().family()
    font = QGuiApplication.font()
    font.setFamily(FONT_FAMILY)
    QGuiApplication.setFont(font)
    return FONT_FAMILY

