"""The bundled font covers every character the kiosk ships and is loaded under its renamed family."""

from __future__ import annotations

import importlib.util

import pytest
from fontTools.ttLib import TTFont

from kiosk.ui import fonts
from tests.helpers import REPO_ROOT

FONT_FILES = fonts.font_paths()


def _build_module():
    spec = importlib.util.spec_from_file_location("font_build", REPO_ROOT / "assets" / "fonts" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", FONT_FILES, ids=lambda p: p.name)
def test_font_covers_bundled_content_and_ui_strings(path):
    required = _build_module().required_chars()
    # Sanity: the set really contains the content (hanzi from the seed and the QML).
    assert {"专", "利", "申", "请", "数", "据", "更", "新", "〔", "〕"} <= required
    cmap = TTFont(path)["cmap"].getBestCmap()
    missing = sorted(c for c in required if ord(c) not in cmap)
    assert missing == [], f"{path.name} lacks {len(missing)} characters: {''.join(missing[:80])}"


@pytest.mark.parametrize("path", FONT_FILES, ids=lambda p: p.name)
def test_font_is_renamed_and_keeps_copyright(path):
    names = TTFont(path)["name"]
    assert names.getDebugName(1) == fonts.FONT_FAMILY
    assert "Noto" not in names.getDebugName(1) + names.getDebugName(4) + names.getDebugName(6)
    assert "Adobe" in names.getDebugName(0)
    assert "Open Font License" in (REPO_ROOT / "assets" / "fonts" / "OFL.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", FONT_FILES, ids=lambda p: p.name)
def test_shipped_characters_have_the_first_glyphs(path):
    """The glyphs the kiosk draws sit together at the front of the file, so few of its pages are touched
    (see assets/fonts/build.py); a font rebuilt in the source's order would fail here."""
    font = TTFont(path)
    glyph_id = {name: gid for gid, name in enumerate(font.getGlyphOrder())}
    cmap = font.getBestCmap()
    shipped = {cmap[ord(c)] for c in _build_module().required_chars()}
    assert max(glyph_id[name] for name in shipped) == len(shipped - {".notdef"})
    assert not hasattr(font["CFF "].cff, "GlobalSubrs") or len(font["CFF "].cff.GlobalSubrs) == 0


def test_font_size_budget():
    assert sum(p.stat().st_size for p in FONT_FILES) <= 12_000_000


def test_app_loads_the_bundled_family(qapp):
    assert fonts.load_fonts() == fonts.FONT_FAMILY
