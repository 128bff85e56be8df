"""Record bodies (a small Markdown subset) → display blocks for QML. Pure Python, no Qt.

Supported: paragraphs separated by blank lines, ``## `` / ``### `` headings, ``- `` / ``* `` bullets,
``1. `` numbered items and ``**bold**``. Everything else is shown as text: HTML is escaped (so
``<img src=…>`` never loads anything), Markdown links ``[label](url)`` show only their label and
bare URLs stay inert text. Each block's ``text`` is safe for ``Text.StyledText``: the only markup
in it is ``<b>…</b>`` that this module wrote.
"""

from __future__ import annotations

import re

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_NUMBERED = re.compile(r"^(\d{1,3})[.、)]\s+(.*)$")
# html.escape(quote=False) without the html package, whose entity table the UI process would carry.
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def inline(text: str) -> str:
    """One line of Markdown → StyledText: escaped, links reduced to their label, **bold** → <b>."""
    text = _LINK.sub(lambda m: m.group(1), text)
    text = text.translate(_ESCAPE)
    return _BOLD.sub(lambda m: f"<b>{m.group(1)}</b>", text)


def escaped(text: str) -> str:
    """A plain field (an event's venue) for a StyledText slot: escaped, nothing interpreted, so
    ``<a href=…>`` in it is shown as those characters."""
    return text.translate(_ESCAPE)


def plain(text: str) -> str:
    """The same line without any markup (for elided one-line previews)."""
    return _BOLD.sub(lambda m: m.group(1), _LINK.sub(lambda m: m.group(1), text))


def blocks(body: str | None) -> list[dict]:
    """Split BODY into blocks: {"type": "h2"|"h3"|"p"|"li"|"ol", "text": styled text, "marker": "• "/"1."}."""
    out: list[dict] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append({"type": "p", "text": inline(" ".join(paragraph)) if _joins_with_space(paragraph)
                        else inline("".join(paragraph)), "marker": ""})
            paragraph.clear()

    for raw in (body or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("### "):
            flush()
            out.append({"type": "h3", "text": inline(line[4:].strip()), "marker": ""})
        elif line.startswith(("## ", "# ")):
            flush()
            out.append({"type": "h2", "text": inline(line.split(" ", 1)[1].strip()), "marker": ""})
        elif line.startswith(("- ", "* ", "• ")):
            flush()
            out.append({"type": "li", "text": inline(line[2:].strip()), "marker": "•"})
        elif match := _NUMBERED.match(line):
            flush()
            out.append({"type": "ol", "text": inline(match.group(2)), "marker": f"{match.group(1)}."})
        else:
            paragraph.append(line)
    flush()
    return out


def _joins_with_space(lines: list[str]) -> bool:
    # Chinese lines join without a space; Latin text wrapped over lines keeps one.
    return all(line.isascii() for line in lines)


def list_blocks(items: list[str] | None, *, numbered: bool = False) -> list[dict]:
    """A record's list field (materials, process steps, channels) as bullet or numbered blocks."""
    return [{"type": "ol" if numbered else "li", "text": inline(item), "marker": f"{i}." if numbered else "•"}
            for i, item in enumerate(items or (), start=1)]
