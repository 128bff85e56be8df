"""The station's logo on the home header (setting ``logo_path``): which file is shown, and why another is refused.

Qt-free. A logo is a PNG or an SVG file of at most MAX_LOGO_BYTES, recognised by its content (the PNG signature and
header chunk; an SVG document whose root element is ``svg``), never by its name alone. An SVG may not declare a
DOCTYPE or entities (an XML bomb is refused before it is parsed) nor refer to anything outside itself. When the
configured file is refused, the home header shows the bundled neutral logo and `ipkiosk doctor` says why.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

#: The logo shown when none is configured (or the configured one is refused): drawn for this project, neutral.
DEFAULT_LOGO = Path(__file__).resolve().parent.parent.parent / "assets" / "logo" / "default-logo.svg"
# A header logo is drawn some 100 px high: a megabyte is plenty for any sensible PNG and leaves no room for a photo
# or a document passed off as a logo.
MAX_LOGO_BYTES = 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_SVG_NS = "{http://www.w3.org/2000/svg}"


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
    if data.startswith(PNG_SIGNATURE):
        # The first chunk of every PNG is its header (IHDR, 13 bytes): a truncated or faked signature has none.
        return None if data[12:16] == b"IHDR" and len(data) > 33 else f"logo {path}: a damaged PNG (no header chunk)"
    problem = _svg_problem(data)
    return f"logo {path}: {problem}" if problem else None


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
        for name, value in element.attrib.items():
            if name.endswith("href") and not value.startswith("#"):
                return f"an SVG that refers to {value[:60]!r} outside itself (a logo must be one self-contained file)"
    return None


def logo_file(logo_path: str, config_source: str) -> Path:
    """The file the home header shows: the configured logo when it passes logo_problem, else DEFAULT_LOGO."""
    path = configured_path(logo_path, config_source)
    return path if path is not None and logo_problem(path) is None else DEFAULT_LOGO
