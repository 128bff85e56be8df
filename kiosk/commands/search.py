"""`ipkiosk search` and `ipkiosk suggest`: the touch search engine from the command line.

    ipkiosk search QUERY [--json] [--limit N] [--literal]
        → {"corrected_to": null or {"query", "display", "literal"},
           "hits": [{"id", "kind", "title", "score", "matched", "spans"}, ...]}
    ipkiosk suggest LETTERS [--json]             → ["专利申请", ...]   (the candidate bar)

A query that finds nothing but is one typo from a spelling that does is answered with that
spelling's results, as on the touch screen; plain output says so on stderr
(已为您显示「商标」的结果（原词 shangbaio）), --literal searches the query as typed. With no results,
plain `search` prints the nearest words and the categories to browse on stderr; --json prints
just the answer. A query longer than the engine's
MAX_QUERY_CHARS is searched by its first MAX_QUERY_CHARS characters, as on the touch
screen, and a note on stderr says so. Plain output escapes control and bidi characters
from content (kiosk.core.safe_text.for_terminal).
"""

from __future__ import annotations

import sys

from kiosk.commands import EXIT_USAGE, CliError, print_json
from kiosk.core.safe_text import for_terminal


def _index(cfg):
    from kiosk.search.engine import SearchIndex
    from kiosk.store import content
    from kiosk.store.seed import open_content  # peewee and the stores: loaded when used
    open_content(cfg)
    return SearchIndex(content.search_docs(), content.vocabulary_rows())


def _note_if_cut(command: str, text: str) -> None:
    from kiosk.search import MAX_QUERY_CHARS

    if len(text) > MAX_QUERY_CHARS:
        print(f"{command}: only the first {MAX_QUERY_CHARS} of {len(text)} characters are used", file=sys.stderr)


def cmd_search(cfg, args) -> int:
    if args.limit < 1:
        raise CliError(f"search: --limit must be at least 1, got {args.limit}", EXIT_USAGE)
    _note_if_cut("search", args.query)
    index = _index(cfg)
    answer = index.answer(args.query, limit=args.limit, correct=not args.literal)
    hits = answer.hits
    if args.json:
        print_json(answer.as_dict())
        return 0
    if answer.corrected_to is not None:
        fixed = answer.corrected_to
        print(f"已为您显示「{for_terminal(fixed.display)}」的结果（原词 {for_terminal(fixed.literal)}）"
              f" — showing results for {for_terminal(fixed.query)}; --literal searches the query as typed",
              file=sys.stderr)
    for h in hits:
        print(f"{h.score:6.1f}  {h.kind:9} {for_terminal(h.id)}\t{for_terminal(h.title)}\t[{h.matched}]")
    if not hits:
        nothing = index.zero_results(args.query)
        print("no results", file=sys.stderr)
        if nothing.suggestions:
            print(f"did you mean: {for_terminal(' '.join(nothing.suggestions))}", file=sys.stderr)
        browse = ", ".join(f"{c.category or c.kind} ({c.count})" for c in nothing.categories)
        print(f"browse: {for_terminal(browse)}", file=sys.stderr)
    return 0


def cmd_suggest(cfg, args) -> int:
    _note_if_cut("suggest", args.letters)
    words = _index(cfg).suggest(args.letters)
    if args.json:
        print_json(words)
    else:
        print(for_terminal(" ".join(words)))
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("search", help="search the content (hanzi, pinyin initials or full pinyin)", parents=[common])
    p.add_argument("query", help="e.g. 专利申请, zlsq, zhuanlish, zl申请 (the first 40 characters count)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--limit", type=int, default=20, help="at most this many results (default 20)")
    p.add_argument("--literal", action="store_true",
                   help="search the query exactly as typed, without correcting a one-letter typo")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("suggest", help="candidate-bar words for typed letters", parents=[common])
    p.add_argument("letters", help="pinyin letters typed so far, e.g. zl")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_suggest)
