"""Characters that must never reach a screen or a terminal, decided once for the whole product.

Qt-free, standard library only (the UI process imports it). Three uses, one rule set:

- :func:`content_problem` — the publisher (and the terminal's manifest check) refuses a string that
  carries any of them, naming the character and its position;
- :func:`for_display` — the terminal cleans every string it shows anyway (defence in depth: station
  announcements, the bundled seed, rows written by older versions), so a NUL never truncates a title,
  U+202E never reverses one and a pile of combining marks never draws over the next line;
- :func:`for_terminal` — CLI output escapes them visibly, so ESC/OSC sequences in content never drive
  the technician's terminal.

Forbidden: C0 controls other than newline and tab, DEL, C1 controls, bidi embeddings, overrides and
isolates (U+202A–U+202E, U+2066–U+2069), lone surrogates, and more than MAX_COMBINING_RUN combining marks
in a row (real text needs at most a few: Vietnamese stacks two).
"""

from __future__ import annotations

import unicodedata
from typing import Any

MAX_COMBINING_RUN = 3

_BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_ALLOWED_CONTROLS = frozenset("\n\t")


def _is_control(ch: str) -> bool:
    code = ord(ch)
    return (code < 0x20 and ch not in _ALLOWED_CONTROLS) or 0x7F <= code <= 0x9F


def _is_surrogate(ch: str) -> bool:
    return 0xD800 <= ord(ch) <= 0xDFFF


def _is_combining(ch: str) -> bool:
    return unicodedata.combining(ch) != 0 or unicodedata.category(ch) in ("Mn", "Me")


def content_problem(text: str) -> str | None:
    """Why TEXT may not be published, or None. The message names the character and its position."""
    run = 0
    for i, ch in enumerate(text):
        if _is_surrogate(ch):
            return f"lone surrogate U+{ord(ch):04X} at character {i} (not encodable as UTF-8)"
        if _is_control(ch):
            return f"control character U+{ord(ch):04X} at character {i}"
        if ch in _BIDI_CONTROLS:
            return f"bidi control U+{ord(ch):04X} at character {i} (it reorders the text around it)"
        run = run + 1 if _is_combining(ch) else 0
        if run > MAX_COMBINING_RUN:
            return f"more than {MAX_COMBINING_RUN} combining marks in a row at character {i}"
    return None


def is_blank(text: str) -> bool:
    """TEXT shows nothing: it has no letter, digit, punctuation or symbol, only spaces, line breaks, invisible
    format characters (U+200B zero width space …) and marks without a base. A title of "   " is such a text."""
    return not any(unicodedata.category(ch)[0] in "LNPS" for ch in text)


def for_display(text: str) -> str:
    """TEXT without forbidden characters: controls and bidi controls dropped, a lone surrogate shown as
    U+FFFD, combining marks beyond MAX_COMBINING_RUN in a row dropped. Clean text comes back unchanged
    (the same object), so the common case costs one scan."""
    if content_problem(text) is None:
        return text
    out = []
    run = 0
    for ch in text:
        if _is_surrogate(ch):
            out.append("\ufffd")
            run = 0
            continue
        if _is_control(ch) or ch in _BIDI_CONTROLS:
            continue
        run = run + 1 if _is_combining(ch) else 0
        if run > MAX_COMBINING_RUN:
            continue
        out.append(ch)
    return "".join(out)


def for_terminal(text: str) -> str:
    """TEXT for a technician's terminal: every forbidden character and every newline or tab escaped
    visibly (\\x1b, \\u202e, \\n), so one record stays on one line and no escape sequence runs."""
    if content_problem(text) is None and "\n" not in text and "\t" not in text:
        return text
    out = []
    for ch in text:
        if ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif _is_surrogate(ch) or _is_control(ch) or ch in _BIDI_CONTROLS:
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def clean_tree(value: Any) -> Any:
    """VALUE (str, list, dict, or a scalar) with for_display applied to every string in it, keys included.

    Any in, the same shape out: a decoded JSON tree, which callers index as they know it.
    """
    if isinstance(value, str):
        return for_display(value)
    if isinstance(value, list):
        return [clean_tree(v) for v in value]
    if isinstance(value, dict):
        return {for_display(k) if isinstance(k, str) else k: clean_tree(v) for k, v in value.items()}
    return value
