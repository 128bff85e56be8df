"""Build the bundled font: Noto Sans CJK SC subset → assets/fonts/KioskSansSC-{Regular,Bold}.otf.

Development-time only (needs Debian `fonts-noto-cjk` and fontTools). Coverage: ASCII, GB2312,
common CJK punctuation, every character of the bundled content (assets/content/*.json), of the
QML files and of the UI's Python strings. The family is renamed to "Kiosk Sans SC" (a modified
version may not use the Reserved Font Name "Noto"); copyright and licence stay (see OFL.txt).

Glyph order is chosen for memory, not looks. FreeType maps the font file and the kernel faults it in
64 KB at a time, so glyphs spread evenly over the file (Noto's order is GB code order) make nearly the
whole 3 MB file resident after a few screens. The glyphs of the characters the kiosk ships are therefore
moved to the front, most frequent first, and charstrings are desubroutinized so that drawing a glyph
reads only its own bytes, not shared subroutines scattered over the file. The vertical-layout tables
are dropped: the kiosk never sets text vertically.

    .venv/bin/python assets/fonts/build.py
"""

from __future__ import annotations

import contextlib
import sys
from collections import Counter
from pathlib import Path

from fontTools import subset
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTCollection, TTFont
from fontTools.ttLib.reorderGlyphs import reorderGlyphs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SOURCES = {
    "Regular": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    "Bold": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
}
SOURCE_FAMILY = "Noto Sans CJK SC"
FAMILY = "Kiosk Sans SC"
# Text files whose characters must all be covered.
COVERED_GLOBS = ("assets/content/*.json", "kiosk/ui/qml/Kiosk/*.qml", "kiosk/ui/*.py", "kiosk/core/config.py",
                 "kiosk/booking.py", "kiosk/printer_status.py", "kiosk/core/ratings.py")


def gb2312_chars() -> set[str]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((hi, lo)).decode("gb2312"))
    return chars


def shipped_char_counts(root: Path = ROOT) -> Counter[str]:
    """How often each character occurs in the kiosk's bundled files, plus printable ASCII."""
    counts = Counter({chr(c): 1 for c in range(0x20, 0x7F)})
    for pattern in COVERED_GLOBS:
        for path in sorted(root.glob(pattern)):
            counts.update(path.read_text(encoding="utf-8"))
    return Counter({c: n for c, n in counts.items() if c.isprintable() and c not in "\n\r\t"})


def required_chars(root: Path = ROOT) -> set[str]:
    """Every character the kiosk may show from its bundled files (also used by the coverage test)."""
    return set(shipped_char_counts(root))


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


def shipped_glyphs_first(font) -> None:
    """Reorder glyphs: .notdef, then the shipped characters' glyphs by falling frequency, then the rest."""
    old_order = font.getGlyphOrder()
    cmap = font.getBestCmap()
    front: dict[str, None] = {}
    for char, _ in shipped_char_counts().most_common():
        glyph = cmap.get(ord(char))
        if glyph is not None and glyph != old_order[0]:
            front.setdefault(glyph)
    new_order = [old_order[0], *front, *(g for g in old_order[1:] if g not in front)]
    top = font["CFF "].cff.topDictIndex[0]
    # reorderGlyphs keeps charstrings but not a CID font's FDSelect (glyph -> private dict): carry it over.
    fd_of = dict(zip(old_order, top.FDSelect.gidArray, strict=True)) if hasattr(top, "FDSelect") else None
    reorderGlyphs(font, new_order)
    if fd_of is not None:
        top.FDSelect.gidArray = [fd_of[g] for g in new_order]


def differing_glyphs(source, built) -> list[str]:
    """Characters whose outline or advance in `built` differs from `source` (the reordering must not)."""
    source_cmap, built_cmap = source.getBestCmap(), built.getBestCmap()
    source_glyphs, built_glyphs = source.getGlyphSet(), built.getGlyphSet()
    differing = []
    for code, glyph in built_cmap.items():
        pens = DecomposingRecordingPen(source_glyphs), DecomposingRecordingPen(built_glyphs)
        source_glyphs[source_cmap[code]].draw(pens[0])
        built_glyphs[glyph].draw(pens[1])
        if pens[0].value != pens[1].value or source_glyphs[source_cmap[code]].width != built_glyphs[glyph].width:
            differing.append(chr(code))
    return differing


def build(style: str, source: Path, chars: set[str]) -> Path:
    font = sc_font(source)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.hinting = False  # large touch text; hints only cost bytes
    options.desubroutinize = True  # see the module docstring: locality over size
    options.drop_tables += ["vhea", "vmtx", "VORG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(c) for c in chars})
    subsetter.subset(font)
    shipped_glyphs_first(font)
    rename(font, style)
    out = HERE / f"KioskSansSC-{style}.otf"
    font.save(str(out))
    differing = differing_glyphs(sc_font(source), TTFont(str(out)))
    if differing:
        raise SystemExit(f"{out.name}: {len(differing)} glyphs differ from the source: {''.join(differing[:40])}")
    return out


def main() -> int:
    chars = wanted_chars()
    for style, source in SOURCES.items():
        out = build(style, source, chars)
        print(f"{out.name}: {out.stat().st_size / 1e6:.1f} MB, {len(chars)} characters requested")
    return 0


if __name__ == "__main__":
    sys.exit(main())
