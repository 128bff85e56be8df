"""Build the bundled font: Noto Sans CJK SC subset → assets/fonts/KioskSansSC-{Regular,Bold}.otf.

Development-time only (needs Debian `fonts-noto-cjk` and fontTools). Coverage: ASCII, GB2312,
common CJK punctuation, every character of the bundled content (assets/content/*.json), of the
QML files and of the UI's Python strings. The family is renamed to "Kiosk Sans SC" (a modified
version may not use the Reserved Font Name "Noto"); copyright and licence stay (see OFL.txt).

    .venv/bin/python assets/fonts/build.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SOURCES = {
    "Regular": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    "Bold": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
}
SOURCE_FAMILY = "Noto Sans CJK SC"
FAMILY = "Kiosk Sans SC"
# Text files whose characters must all be covered.
COVERED_GLOBS = ("assets/content/*.json", "kiosk/ui/qml/Kiosk/*.qml", "kiosk/ui/*.py", "kiosk/config.py",
                 "kiosk/booking.py")


def gb2312_chars() -> set[str]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def required_chars(root: Path = ROOT) -> set[str]:
    """Every character the kiosk may show from its bundled files (also used by the coverage test)."""
    chars = {chr(c) for c in range(0x20, 0x7F)}
    for pattern in COVERED_GLOBS:
        for path in sorted(root.glob(pattern)):
            chars |= set(path.read_text(encoding="utf-8"))
    return {c for c in chars if c.isprintable() and c not in "\n\r\t"}


def wanted_chars() -> set[str]:
    extra = set("，。、；：？！“”‘’（）《》〈〉【】〔〕—…·￥％＋－×÷→←↑↓‹›●○■□★☆✓✔")
    return required_chars() | gb2312_chars() | extra


def sc_font(ttc_path: Path):
    for font in TTCollection(str(ttc_path)).fonts:
        if font["name"].getDebugName(1) == SOURCE_FAMILY:
            return font
    raise SystemExit(f"{ttc_path}: no face named {SOURCE_FAMILY!r} (install fonts-noto-cjk)")


def rename(font, style: str) -> None:
    name = font["name"]
    ps_name = f"KioskSansSC-{style}"
    new = {1: FAMILY, 2: style, 3: f"{ps_name};subset of Noto Sans CJK SC", 4: f"{FAMILY} {style}", 6: ps_name,
           16: FAMILY, 17: style}
    for record in list(name.names):
        if record.nameID in new:
            record.string = new[record.nameID]
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [ps_name]
        top = cff.topDictIndex[0]
        top.FamilyName, top.FullName = FAMILY, f"{FAMILY} {style}"


def build(style: str, source: Path, chars: set[str]) -> Path:
    font = sc_font(source)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.hinting = False  # large touch text; hints only cost bytes
    options.desubroutinize = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(c) for c in chars})
    subsetter.subset(font)
    rename(font, style)
    out = HERE / f"KioskSansSC-{style}.otf"
    font.save(str(out))
    return out


def main() -> int:
    chars = wanted_chars()
    for style, source in SOURCES.items():
        out = build(style, source, chars)
        print(f"{out.name}: {out.stat().st_size / 1e6:.1f} MB, {len(chars)} characters requested")
    return 0


if __name__ == "__main__":
    sys.exit(main())
