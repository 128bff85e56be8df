"""The one rule set for characters that never reach a screen or a terminal (kiosk/core/safe_text.py)."""

from __future__ import annotations

import pytest

from kiosk.core import safe_text

HOSTILE = {
    "nul": "专利\x00申请",
    "esc_osc": "标题\x1b]0;pwned\x07",
    "bidi_override": "abc\u202edef",
    "bidi_isolate": "abc\u2066def\u2069",
    "c1": "x\x9by",
    "surrogate": "x\ud800y",
    "combining_pile": "e" + "\u0301" * 3000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_every_hostile_class_is_named_and_cleaned(name):
    text = HOSTILE[name]
    problem = safe_text.content_problem(text)
    assert problem is not None and "character" in problem
    shown = safe_text.for_display(text)
    assert safe_text.content_problem(shown) is None
    escaped = safe_text.for_terminal(text)
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch in "\u202e\u2066\u2069" for ch in escaped)


def test_clean_text_passes_unchanged():
    for text in ("知识产权维权援助", "Café ñ résumé", "第一行\n第二行\t列", "ệ (two stacked marks)"):
        assert safe_text.content_problem(text) is None
        assert safe_text.for_display(text) is text


def test_display_keeps_the_readable_part():
    assert safe_text.for_display(HOSTILE["nul"]) == "专利申请"
    assert safe_text.for_display(HOSTILE["bidi_override"]) == "abcdef"
    assert safe_text.for_display(HOSTILE["surrogate"]) == "x\ufffdy"
    assert len(safe_text.for_display(HOSTILE["combining_pile"])) == 1 + safe_text.MAX_COMBINING_RUN


def test_terminal_keeps_one_record_on_one_line():
    assert safe_text.for_terminal("a\nb\tc\x1b") == "a\\nb\\tc\\x1b"
    assert safe_text.for_terminal("a\u202eb") == "a\\u202eb"


def test_clean_tree_walks_lists_and_dicts():
    tree = {"title": HOSTILE["nul"], "items": [HOSTILE["bidi_override"], 3, None], "k\x00": {"x": HOSTILE["c1"]}}
    assert safe_text.clean_tree(tree) == {"title": "专利申请", "items": ["abcdef", 3, None], "k": {"x": "xy"}}
