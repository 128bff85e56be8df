"""Record bodies (a small Markdown subset) → display blocks for QML. Pure Python, no Qt.

Supported: paragraphs separated by blank lines, ``## `` / ``### `` headings, ``- `` / ``* `` bullets,
``1. `` numbered items and ``**bold**``. Chinese official documents number their parts 一、二、三… and
（一）（二）…: such a line starts a new block, and a short one (a part's title) is a heading. Everything else is shown as text: HTML is escaped (so
``<img src=…>`` never loads anything), Markdown links ``[label](url)`` show only their label and
bare URLs stay inert text. Each block's ``text`` is safe for ``Text.StyledText``: the only markup
in it is ``<b>…</b>`` that this module wrote.
"""

from __future__ import annotations

import re

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_NUMBERED = re.compile(r"^(\d{1,3})[.、)]\s+(.*)$")
# 一、… (a document's part) and （一）… (a section of a part), as official documents number them.
_PART = re.compile(r"^[一二三四五六七八九十]{1,3}、")
_SECTION = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]")
# A numbered line this short, not ending a sentence, is the part's title rather than its first paragraph.
HEADING_MAX_CHARS = 40
# Outline entries: a chip shows at most this many characters of a heading (the page decides how many chips show
# before a "还有 N 个标题，点此显示" chip, RecordDetailPage.qml).
OUTLINE_TITLE_CHARS = 18
_SENTENCE_END = re.compile(r"[。；：！？!?;:]")
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
        elif _PART.match(line) or _SECTION.match(line):
            flush()
            if len(line) <= HEADING_MAX_CHARS and not _SENTENCE_END.search(line[-1]):
                out.append({"type": "h2" if _PART.match(line) else "h3", "text": inline(line), "marker": ""})
            else:
                paragraph.append(line)
        else:
            paragraph.append(line)
    flush()
    return out


def outline(body_blocks: list[dict]) -> list[dict]:
    """The jump list of a long text: {"index": block index, "title": plain text} for its headings and its
    一、/（一） parts. The top level alone when it has two or more entries (a policy's 一、二、三…), else
    every level; [] when fewer than two entries (nothing to jump between). Titles are cut to a chip's length
    at the first sentence mark."""
    entries: list[tuple[int, int, str]] = []  # (level, block index, plain text)
    for i, block in enumerate(body_blocks):
        plain_text = _unstyled(block["text"])
        if block["type"] in ("h2", "h3"):
            entries.append((1 if block["type"] == "h2" else 2, i, plain_text))
        elif block["type"] == "p" and (_PART.match(plain_text) or _SECTION.match(plain_text)):
            entries.append((1 if _PART.match(plain_text) else 2, i, plain_text))
    top = [e for e in entries if e[0] == 1]
    chosen = top if len(top) >= 2 else entries
    if len(chosen) < 2:
        return []
    return [{"index": i, "title": _chip_title(title)} for _, i, title in chosen]


def _unstyled(styled: str) -> str:
    """A block's StyledText back to the plain text it shows."""
    return styled.replace("<b>", "").replace("</b>", "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _chip_title(title: str) -> str:
    title = _SENTENCE_END.split(title, maxsplit=1)[0].strip() or title
    return title if len(title) <= OUTLINE_TITLE_CHARS else title[:OUTLINE_TITLE_CHARS - 1] + "…"


def _joins_with_space(lines: list[str]) -> bool:
    # Chinese lines join without a space; Latin text wrapped over lines keeps one.
    return all(line.isascii() for line in lines)


def list_blocks(items: list[str] | None, *, numbered: bool = False) -> list[dict]:
    """A record's list field (materials, process steps, channels) as bullet or numbered blocks."""
    return [{"type": "ol" if numbered else "li", "text": inline(item), "marker": f"{i}." if numbered else "•"}
            for i, item in enumerate(items or (), start=1)]
