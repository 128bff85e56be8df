"""The station's logo on the home header (setting ``logo_path``): which file is shown, and why another is refused.

Qt-free. A logo is a PNG or an SVG file of at most MAX_LOGO_BYTES, recognised by its content (a whole PNG: every
chunk's checksum, its pixel data complete, at most MAX_LOGO_SIDE pixels a side; an SVG document whose root element is
``svg``, self-contained, that draws at most MAX_SVG_DRAWN elements with its references followed), never by its
name alone: a file the header's image reader cannot decode would leave an empty square. An SVG may not declare a
DOCTYPE or entities (an XML bomb is refused before it is parsed) nor refer to anything outside itself. When the
configured file is refused, the home header shows the bundled neutral logo and `ipkiosk doctor` says why.
"""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

#: The logo shown when none is configured (or the configured one is refused): drawn for this project, neutral.
DEFAULT_LOGO = Path(__file__).resolve().parent.parent.parent / "assets" / "logo" / "default-logo.svg"
# A header logo is drawn some 100 px high: a megabyte is plenty for any sensible PNG and leaves no room for a photo
# or a document passed off as a logo.
MAX_LOGO_BYTES = 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Drawn some 100 px high, a logo needs no more pixels than this a side. A 20000×20000 PNG compresses to 400 kB but
# decodes to 400 MB: Qt refuses such an image (its allocation limit), which left the header's logo square empty.
MAX_LOGO_SIDE = 4096
# PNG colour type → channels per pixel, and the bit depths each allows (the PNG specification, table 11.1).
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_PNG_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
# Adam7 interlacing: each pass's first column and row and its steps across and down.
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
# Pixel data is inflated this much at a time, so checking a PNG never holds its whole image in memory.
_INFLATE_STEP = 1024 * 1024
_SVG_NS = "{http://www.w3.org/2000/svg}"
# A paint, clip or filter reference (fill="url(#gradient)"), in an attribute or a <style> sheet.
_URL_REF = re.compile(r"""url\(\s*['"]?([^)'"]*)""")
# The elements an SVG logo may draw, references followed: a detailed emblem has a few hundred.
MAX_SVG_DRAWN = 10_000


def configured_path(logo_path: str, config_source: str) -> Path | None:
    """The file setting LOGO_PATH names (a relative path is read from the directory of the config file
    CONFIG_SOURCE), or None when it is empty."""
    if not logo_path:
        return None
    path = Path(logo_path).expanduser()
    source = Path(config_source)
    if not path.is_absolute() and source.is_absolute():
        path = source.parent / path
    return path


def logo_problem(path: Path) -> str | None:
    """Why the file at PATH cannot be the station's logo (one sentence naming the file), or None when it can."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            return f"logo {path}: not a regular file"
        if size == 0:
            return f"logo {path}: the file is empty"
        if size > MAX_LOGO_BYTES:
            return f"logo {path}: {size} bytes, larger than the {MAX_LOGO_BYTES} bytes a logo may have"
        data = path.read_bytes()
    except OSError as exc:
        return f"logo {path}: cannot read ({exc.strerror})"
    problem = _png_problem(data) if data.startswith(PNG_SIGNATURE) else _svg_problem(data)
    return f"logo {path}: {problem}" if problem else None


def _png_raw_size(width: int, height: int, bits_per_pixel: int, interlaced: bool) -> int:
    """How many bytes a PNG's pixel data inflates to: each row of each pass, its filter byte first."""
    def rows(w: int, h: int) -> int:
        return h * (1 + (w * bits_per_pixel + 7) // 8) if w and h else 0
    if not interlaced:
        return rows(width, height)
    return sum(rows((width - x + dx - 1) // dx, (height - y + dy - 1) // dy) for x, y, dx, dy in _ADAM7)


def _png_problem(data: bytes) -> str | None:
    """Why DATA (starting with the PNG signature) is not a whole PNG an image reader decodes, or None: chunks
    complete with their checksums, a header first, at most MAX_LOGO_SIDE pixels a side, pixel data that inflates to
    exactly the size the header promises, and the closing IEND chunk."""
    pos, expected, inflated = len(PNG_SIGNATURE), 0, 0
    inflater = zlib.decompressobj()
    while True:
        if pos + 12 > len(data):
            return "a damaged PNG (cut short: it ends before its IEND chunk)"
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if len(body) < length or pos + 12 + length > len(data):
            return "a damaged PNG (cut short: it ends before its IEND chunk)"
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + body) != crc:
            return f"a damaged PNG (its {kind.decode('latin-1')!r} chunk fails its checksum)"
        first, pos = pos == len(PNG_SIGNATURE), pos + 12 + length
        if first:
            if kind != b"IHDR" or length != 13:
                return "a damaged PNG (no header chunk)"
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if not (0 < width <= MAX_LOGO_SIDE and 0 < height <= MAX_LOGO_SIDE):
                return (f"a PNG of {width}×{height} pixels, larger than the {MAX_LOGO_SIDE}×{MAX_LOGO_SIDE} a logo "
                        "may have (the header draws it some 100 pixels high)")
            if depth not in _PNG_DEPTHS.get(colour, ()) or interlace not in (0, 1):
                return f"a damaged PNG (colour type {colour} with bit depth {depth} does not exist)"
            expected = _png_raw_size(width, height, depth * _PNG_CHANNELS[colour], interlace == 1)
        elif kind == b"IDAT":
            try:
                chunk = body
                while chunk and not inflater.eof:
                    inflated += len(inflater.decompress(chunk, _INFLATE_STEP))
                    chunk = inflater.unconsumed_tail
                    if inflated > expected:
                        return "a damaged PNG (more pixel data than its header says)"
            except zlib.error as exc:
                return f"a damaged PNG (its pixel data does not inflate: {exc})"
        elif kind == b"IEND":
            if not inflater.eof or inflated != expected:
                return f"a damaged PNG (pixel data incomplete: {inflated} of {expected} bytes)"
            return None


def _svg_problem(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "neither a PNG nor an SVG file (expected a PNG image or an SVG document in UTF-8)"
    if "<svg" not in text:
        return "neither a PNG nor an SVG file (expected a PNG image or an SVG document)"
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        return "an SVG with a DOCTYPE or entity declarations, which a logo does not need (refused as unsafe)"
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        return f"an SVG that is not well-formed XML ({exc})"
    if root.tag not in ("svg", _SVG_NS + "svg"):
        return f"an XML document whose root element is {root.tag!r}, not an SVG"
    for element in root.iter():
        for ref in _references(element):
            if not ref.startswith("#"):
                return f"an SVG that refers to {ref[:60]!r} outside itself (a logo must be one self-contained file)"
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    try:
        drawn = _drawn_count(root, by_id, {}, set())
    except _ReferenceLoop:
        return "an SVG whose <use> or url(#…) references form a loop (it cannot be drawn)"
    except RecursionError:
        return "an SVG nested too deeply to be drawn"
    if drawn > MAX_SVG_DRAWN:
        return (f"an SVG that draws more than {MAX_SVG_DRAWN} elements through nested <use> or url(#…) references "
                "(a logo needs a few hundred; this many would stall the screen that draws it)")
    return None


def _references(element: ET.Element) -> list[str]:
    """What ELEMENT refers to: its href attributes and every url(…) in its attributes (and, for <style>, its text)."""
    refs = []
    for name, value in element.attrib.items():
        if name.endswith("href"):
            refs.append(value.strip())
        refs += _URL_REF.findall(value)
    if element.tag in ("style", _SVG_NS + "style"):
        refs += _URL_REF.findall(element.text or "")
    return refs


class _ReferenceLoop(Exception):
    """An element refers, directly or through others, to itself or to an element it is part of."""


def _drawn_count(element: ET.Element, by_id: dict[str | None, ET.Element], memo: dict[int, int],
                 drawing: set[int]) -> int:
    """How many elements drawing ELEMENT draws: itself, its children, and whatever it refers to by #id (a <use> draws
    its target again each time), counted up to MAX_SVG_DRAWN + 1. A few hundred bytes of nested <use> elements draw
    hundreds of millions of shapes: an SVG renderer would draw them all, on the screen's own thread."""
    key = id(element)
    if key in memo:
        return memo[key]
    if key in drawing:
        raise _ReferenceLoop
    drawing.add(key)
    total = 1
    for ref in _references(element):
        target = by_id.get(ref[1:])
        if target is not None:
            total += _drawn_count(target, by_id, memo, drawing)
    for child in element:
        total += _drawn_count(child, by_id, memo, drawing)
    drawing.discard(key)
    memo[key] = min(total, MAX_SVG_DRAWN + 1)
    return memo[key]


def logo_file(logo_path: str, config_source: str) -> Path:
    """The file the home header shows: the configured logo when it passes logo_problem, else DEFAULT_LOGO."""
    path = configured_path(logo_path, config_source)
    return path if path is not None and logo_problem(path) is None else DEFAULT_LOGO
