"""Hostile content for the standing harness (tests/test_hostile_content.py): hypothesis strategies that
produce *almost valid* content sources, the writer that turns one into a source folder, and the oracle
that says which of them the content rules refuse.

An example is a list of mutations applied to a copy of the bundled seed (assets/content). Most examples
carry one hostile field in an otherwise valid record, so the publisher's first check does not stop every
example and the later stages (sync, render) are reached. A mutation is a plain JSON object, so the
examples hypothesis finds are kept as they are in tests/hostile-corpus.json::

    {"op": "set", "collection": "services", "index": 3, "field": "title", "value": "专利<img src=...>"}
    {"op": "nest", "collection": "events", "index": 0, "field": "venue", "depth": 100000}
    {"op": "list", "collection": "services", "index": 0, "field": "materials", "count": 50000, "item": "x"}
    {"op": "long", "collection": "news", "index": 2, "field": "title", "count": 200001, "char": "长"}
    {"op": "dup", "collection": "policies", "index": 1, "into": "news"}

Fields and their limits come from the specification (kiosk.core.manifest.SCHEMA, LIST_LIMITS); whether a value
is hostile the oracle (``must_refuse``) judges on its own, from Unicode categories and the calendar, and
never by calling the product's validator.

``index`` picks a seed record of the collection (modulo its length); ``@MARKER@`` in a string becomes the
path of a FIFO the harness watches, so a UI that opens a file named by content is caught in the act.
Big values ("list", "long", "nest") are expanded only when the source is written.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

from hypothesis import strategies as st

from kiosk.core.manifest import (
    COLLECTIONS,
    LIST_LIMITS,
    MAX_TEXT_CHARS,
    MAX_UTC_OFFSET,
    MAX_YEAR,
    MIN_YEAR,
    SCHEMA,
    SHORT_TEXT_CHARS,
    UNKNOWN_FIELD_MAX_DEPTH,
    UNKNOWN_FIELD_MAX_ITEMS,
    FieldRule,
)
from kiosk.core.safe_text import MAX_COMBINING_RUN

SEED_DIR = Path(__file__).resolve().parent.parent / "assets" / "content"
MARKER = "@MARKER@"


def load_seed() -> dict[str, list[dict]]:
    return {c: json.loads((SEED_DIR / f"{c}.json").read_text(encoding="utf-8"))["records"] for c in COLLECTIONS}


SEED = load_seed()

# ---------------------------------------------------------------- the fields of each collection

# Which fields exist, their kind, whether they are required and how long or how many they may be is the
# specification (kiosk.core.manifest.SCHEMA, LIST_LIMITS, docs/sync.md "Content rules"): the harness reads it
# from there. What makes a *value* hostile (a character, a date, a shape) the oracle below judges on
# its own, so a rule the product forgets to apply is caught rather than copied.
TEXT_KINDS = ("text", "choice", "event_type")
LIST_KINDS = ("text_list", "id_list")
DATE_KINDS = ("date", "datetime")
# Field names no collection knows: the publisher refuses them (a misspelt field), a terminal tolerates
# them when they are small, shallow and clean (a newer publisher's optional field).
UNKNOWN_FIELDS = ["titel", "extra_note", "备注"]
# Text a visitor reads on a record's detail page exactly as the record holds it (plain one-line fields:
# bodies and service guide fields are Markdown, whose markers are rendered, not shown).
PLAIN_SHOWN_FIELDS = {"title", "issuer", "venue", "organizer", "doc_number"}


def rule_of(collection: str, field: str) -> FieldRule | None:
    """The content rule of FIELD in COLLECTION, or None for a field the collection does not know."""
    return SCHEMA[collection].get(field)


def fields_of(collection: str) -> list[str]:
    """Every field a record of COLLECTION may carry (optional ones and English twins included)."""
    return sorted(SCHEMA[collection])


def _fields_of_kind(collection: str, kinds: tuple[str, ...]) -> list[str]:
    return [f for f in fields_of(collection) if SCHEMA[collection][f].kind in kinds]


def string_fields(collection: str) -> list[str]:
    return _fields_of_kind(collection, TEXT_KINDS)


def list_fields(collection: str) -> list[str]:
    return _fields_of_kind(collection, LIST_KINDS)


def date_fields(collection: str) -> list[str]:
    return _fields_of_kind(collection, DATE_KINDS)


def text_limit(collection: str, field: str) -> int:
    """Most characters a text FIELD (or one item of a list FIELD) may hold."""
    return SCHEMA[collection][field].max_chars


def list_limit(field: str) -> int:
    """Most items a list FIELD may hold (an English twin shares its field's limit)."""
    return LIST_LIMITS[field.removesuffix("_en")]


# ---------------------------------------------------------------- hostile strings

MARKUP = [
    f'<img src="file://{MARKER}">',
    '<img src="file:///dev/stdin">',
    f"<img src='file://{MARKER}' width=900 height=900>",
    '<a href="javascript:alert(1)">点此领取补贴</a>',
    "<a href=javascript:void(0)>链接</a>",
    '<img src="http://127.0.0.1:9/pay-qr.png">',
    '<img src="qrc:/qt-project.org/imports/QtQuick/Controls/Basic/images/busy.png">',
    "<b>加粗</b><i>斜体</i><font color='red' size='7'>红字</font>",
    "<table><tr><td>表</td></tr></table><h1>大标题</h1>",
    "<style>*{color:white}</style>看不见",
    "&lt;img&gt; &amp; &#x202E; &#0;",
    f"![二维码](file://{MARKER})",
    "[办事指南](javascript:alert(1))",
    "<br><br><br><br><br><br><br><br><br><br>",
]
SCHEMES = [
    f"file://{MARKER}", "file:///etc/passwd", "javascript:alert(document.cookie)", "data:text/html,<b>x</b>",
    "image://qr/evil", "qrc:/Kiosk/Main.qml", "http://127.0.0.1:9/", "\\\\server\\share\\x.png",
]
CONTROLS = [
    "\x00", "\x1b[31m红\x1b[0m", "\x1b]0;owned\x07", "\x1b]8;;http://evil.example\x1b\\链接\x1b]8;;\x1b\\", "\x07",
    "\x7f", "\x9b31m", "\x08\x08\x08", "\r覆盖",
]
BIDI = ["\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u202a", "\u202b", "\u202c", "\u202d"]
SURROGATES = ["\ud800", "\udfff", "\udbff", "\ud83d"]
ODD_BUT_ALLOWED = [
    "\u200b", "\ufeff", "\u2028", "\u2029", "\ufffd", "\uffff", "😀👍🏽‍", "ﷺ", "ＡＢＣ", "\u00a0", "e\u0301\u0301",
    "%s%n%x{0}", "${Qt.quit()}", "'); DROP TABLE record; --", "\\u202e", "    ", "\t缩进",
]


def combining_run() -> st.SearchStrategy[str]:
    return st.integers(1, 3000).map(lambda n: "a" + "\u0301" * n)


def hostile_text(*, display_only: bool = False) -> st.SearchStrategy[str]:
    """One hostile fragment. DISPLAY_ONLY: only what the content rules allow (markup, schemes, odd but
    legal characters), for examples meant to reach the screen."""
    allowed = st.sampled_from(MARKUP) | st.sampled_from(SCHEMES) | st.sampled_from(ODD_BUT_ALLOWED)
    if display_only:
        return allowed
    return (allowed | st.sampled_from(CONTROLS) | st.sampled_from(BIDI) | st.sampled_from(SURROGATES)
            | combining_run() | st.text(max_size=20))


@st.composite
def spliced(draw, original: str, *, display_only: bool = False) -> str:
    """ORIGINAL with a hostile fragment put in front, at the end, in the middle, or instead of it."""
    fragment = draw(hostile_text(display_only=display_only))
    where = draw(st.sampled_from(["prefix", "suffix", "middle", "replace"]))
    if where == "prefix":
        return fragment + original
    if where == "suffix":
        return original + fragment
    if where == "middle":
        cut = len(original) // 2
        return original[:cut] + fragment + original[cut:]
    return fragment


# ---------------------------------------------------------------- values of the wrong type or calendar

WRONG_TYPED = st.sampled_from([
    12345, 0, -1, 2**70, 1.5, True, False, None, "", "x", "x\n", [], ["a", 1], [["nested"]], {}, {"a": 1},
    {"type": "consult", "label": 7}, {"type": "<b>x</b>", "label": "预约"}, [None], float("inf"), float("nan"),
])


@st.composite
def bad_date(draw, kind: str) -> str:
    """Dates a regex lets through but a calendar does not (2026-02-30, month 13, offset +99:00 or +08:75),
    years just outside the allowed range, extremes that overflow when converted to UTC, and (drawn at
    random) as many valid dates, which may still end an event before it starts."""
    fixed = {
        "date": ["2026-02-30", "2026-13-01", "2026-00-10", "2026-04-31", "0000-01-01", "2026-1-5", "昨天",
                 "1899-12-31", "3000-01-01", "２０２６-01-01"],
        "datetime": ["2026-02-30T10:00:00+08:00", "2026-13-01T10:00:00+08:00", "2026-12-01T25:00:00+08:00",
                     "2026-12-01T10:61:00+08:00", "2026-12-01T10:00:00+99:00", "2026-12-01T10:00:00-24:00",
                     "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-12-01T10:00:00",
                     "2026-12-01 10:00:00+08:00", "2026-12-01T10:00:00+08:75", "2026-12-01T10:00:00+14:30",
                     "2026-12-01T10:00:60+08:00", "2026-12-01T10:00:00.5+08:00", "2999-12-31T23:59:59-12:00"],
    }[kind]
    if draw(st.booleans()):
        return draw(st.sampled_from(fixed))
    y = draw(st.integers(MIN_YEAR - 10, MAX_YEAR + 10) | st.integers(0, 9999))
    m, d = draw(st.integers(0, 13)), draw(st.integers(0, 32))
    if kind == "date":
        return f"{y:04d}-{m:02d}-{d:02d}"
    hh, mm = draw(st.integers(0, 25)), draw(st.integers(0, 61))
    oh, om = draw(st.integers(0, 15)), draw(st.integers(0, 99))
    sign = draw(st.sampled_from("+-"))
    return f"{y:04d}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:00{sign}{oh:02d}:{om:02d}"


# ---------------------------------------------------------------- mutations


def _record_index(collection: str) -> st.SearchStrategy[int]:
    return st.integers(0, len(SEED[collection]) - 1)


@st.composite
def string_mutation(draw, *, display_only: bool = False) -> dict:
    collection = draw(st.sampled_from(COLLECTIONS))
    index = draw(_record_index(collection))
    fields = string_fields(collection)
    if display_only:
        fields = [f for f in fields if f in PLAIN_SHOWN_FIELDS] or fields
    field = draw(st.sampled_from(fields))
    original = SEED[collection][index].get(field) or "文字"
    return {"op": "set", "collection": collection, "index": index, "field": field,
            "value": draw(spliced(original, display_only=display_only))}


@st.composite
def list_item_mutation(draw) -> dict:
    """One item of a list field (keywords, materials, …) replaced by a hostile string."""
    collection = draw(st.sampled_from([c for c in COLLECTIONS if list_fields(c)]))
    index = draw(_record_index(collection))
    field = draw(st.sampled_from(_fields_of_kind(collection, ("text_list",))))
    items = list(SEED[collection][index].get(field) or ["项"])
    at = draw(st.integers(0, len(items) - 1))
    items[at] = draw(spliced(items[at]))
    return {"op": "set", "collection": collection, "index": index, "field": field, "value": items}


@st.composite
def wrong_type_mutation(draw) -> dict:
    collection = draw(st.sampled_from(COLLECTIONS))
    index = draw(_record_index(collection))
    field = draw(st.sampled_from(fields_of(collection) + ["id", "rev"] + UNKNOWN_FIELDS))
    return {"op": "set", "collection": collection, "index": index, "field": field, "value": draw(WRONG_TYPED)}


@st.composite
def date_mutation(draw) -> dict:
    collection = draw(st.sampled_from([c for c in COLLECTIONS if date_fields(c)]))
    index = draw(_record_index(collection))
    field = draw(st.sampled_from(date_fields(collection)))
    return {"op": "set", "collection": collection, "index": index, "field": field,
            "value": draw(bad_date(rule_of(collection, field).kind))}


@st.composite
def big_list_mutation(draw) -> dict:
    """A list field at, just over, or far over its limit (LIST_LIMITS)."""
    collection = draw(st.sampled_from([c for c in COLLECTIONS if list_fields(c)]))
    index = draw(_record_index(collection))
    field = draw(st.sampled_from(list_fields(collection)))
    limit = list_limit(field)
    count = draw(st.sampled_from([limit, limit + 1, 1000, 50_000, 100_000]))
    if rule_of(collection, field).kind == "id_list":
        item = draw(st.sampled_from(["@EXISTING@", "@UNKNOWN@"]))
    else:
        item = draw(st.sampled_from(["材料", "x" * 50]))
    return {"op": "list", "collection": collection, "index": index, "field": field, "count": count, "item": item}


@st.composite
def long_string_mutation(draw, *, display_only: bool = False) -> dict:
    collection = draw(st.sampled_from(COLLECTIONS))
    index = draw(_record_index(collection))
    fields = string_fields(collection)
    if display_only:
        fields = [f for f in fields if f in PLAIN_SHOWN_FIELDS] or fields
    field = draw(st.sampled_from(fields))
    limit = text_limit(collection, field)
    if display_only:  # the longest text the rules allow in a one-line field, of characters that are allowed
        sizes, chars = [limit], ["长", "W", "😀"]
    else:
        sizes, chars = [limit, limit + 1, 2_000, MAX_TEXT_CHARS + 1, 1_000_000], ["长", "W", "\u0301", "😀"]
    return {"op": "long", "collection": collection, "index": index, "field": field,
            "count": draw(st.sampled_from(sizes)), "char": draw(st.sampled_from(chars))}


@st.composite
def nest_mutation(draw) -> dict:
    collection = draw(st.sampled_from(COLLECTIONS))
    index = draw(_record_index(collection))
    field = draw(st.sampled_from(fields_of(collection) + UNKNOWN_FIELDS))
    return {"op": "nest", "collection": collection, "index": index, "field": field,
            "depth": draw(st.sampled_from([2, 50, 1000, 100_000]))}


@st.composite
def dup_mutation(draw) -> dict:
    collection = draw(st.sampled_from(COLLECTIONS))
    return {"op": "dup", "collection": collection, "index": draw(_record_index(collection)),
            "into": draw(st.sampled_from(COLLECTIONS))}


def mutation() -> st.SearchStrategy[dict]:
    return st.one_of(string_mutation(), list_item_mutation(), wrong_type_mutation(), date_mutation(),
                     big_list_mutation(), long_string_mutation(), nest_mutation(), dup_mutation())


def examples() -> st.SearchStrategy[list[dict]]:
    """Mostly one hostile field (three times in four); sometimes two or three hostile records in one source."""
    one = mutation().map(lambda m: [m])
    return st.one_of(one, one, one, st.lists(mutation(), min_size=2, max_size=3).filter(_distinct_targets))


def display_examples() -> st.SearchStrategy[list[dict]]:
    """Hostile to a screen but within the content rules: what the publisher may accept and a visitor
    then sees (markup and scheme strings in plain one-line fields, long but legal text)."""
    return st.lists(string_mutation(display_only=True) | long_string_mutation(display_only=True),
                    min_size=1, max_size=2).filter(_distinct_targets)


def _distinct_targets(mutations: list[dict]) -> bool:
    targets = [(m["collection"], m["index"] % len(SEED[m["collection"]]), m.get("field")) for m in mutations]
    return len(set(targets)) == len(targets)


# ---------------------------------------------------------------- writing a source folder

_NEST_TOKEN = "@NEST-{}@"


def record_id(m: dict) -> str:
    """The id of the seed record a mutation changes (the id it had before any change)."""
    return SEED[m["collection"]][m["index"] % len(SEED[m["collection"]])]["id"]


def _expand(m: dict, marker: str):
    if m["op"] == "list":
        if m["item"] == "@EXISTING@":
            ids = [r["id"] for c in COLLECTIONS for r in SEED[c]]
            return [ids[i % len(ids)] for i in range(m["count"])]
        if m["item"] == "@UNKNOWN@":
            return [f"zz-missing-{i}" for i in range(m["count"])]
        return [f"{m['item']}{i}" for i in range(m["count"])]
    if m["op"] == "long":
        return m["char"] * m["count"]
    return _with_marker(m["value"], marker)


def _with_marker(value, marker: str):
    if isinstance(value, str):
        return value.replace(MARKER, marker)
    if isinstance(value, list):
        return [_with_marker(v, marker) for v in value]
    if isinstance(value, dict):
        return {k: _with_marker(v, marker) for k, v in value.items()}
    return value


def apply(mutations: list[dict], marker: str) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """The seed with MUTATIONS applied: ({collection: records}, {nest token: raw JSON text}).
    A changed record gets the next rev, so the change is a valid new revision in every other respect."""
    records = copy.deepcopy(SEED)
    raw: dict[str, str] = {}
    for n, m in enumerate(mutations):
        coll = records[m["collection"]]
        rec = coll[m["index"] % len(coll)]
        if m["op"] == "dup":
            twin = copy.deepcopy(rec)
            twin["title"] = twin.get("title", "") + "（重复）"
            if m["into"] == m["collection"]:
                coll.append(twin)
            else:  # the id in another collection, on a record of that collection's shape
                other = copy.deepcopy(records[m["into"]][0])
                other["id"] = rec["id"]
                records[m["into"]].append(other)
            continue
        rec["rev"] = SEED[m["collection"]][m["index"] % len(SEED[m["collection"]])].get("rev", 1) + 1
        if m["op"] == "nest":
            token = _NEST_TOKEN.format(n)
            raw[token] = "[" * m["depth"] + "]" * m["depth"]
            rec[m["field"]] = token
        else:
            rec[m["field"]] = _expand(m, marker)
    return records, raw


def dump_json(doc: dict, raw: dict[str, str], *, canonical: bool = False) -> bytes:
    """DOC as UTF-8 JSON with the nest tokens replaced by their raw text; CANONICAL: in the form the
    terminal hashes (kiosk.core.manifest.Manifest.to_json_bytes), else indented as an editor writes it. A lone
    surrogate is written as a JSON escape (\\ud800), as an editor's export would: it has no UTF-8 form."""
    form = {"sort_keys": True, "separators": (",", ":")} if canonical else {"indent": 1}
    try:
        data = json.dumps(doc, ensure_ascii=False, **form).encode("utf-8")
    except UnicodeEncodeError:
        data = json.dumps(doc, ensure_ascii=True, **form).encode("ascii")
    for token, text in raw.items():
        data = data.replace(json.dumps(token).encode(), text.encode())
    return data


def write_source(mutations: list[dict], folder: Path, marker: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    records, raw = apply(mutations, marker)
    for collection in COLLECTIONS:
        doc = {"collection": collection, "records": records[collection]}
        (folder / f"{collection}.json").write_bytes(dump_json(doc, raw))


# ---------------------------------------------------------------- the oracle

_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATETIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?"
                       r"(?:([+-])([0-9]{2}):([0-9]{2})|Z)")


def hostile_character(text: str) -> str | None:
    """What in TEXT no screen or terminal may receive, judged from Unicode's own categories (not by
    asking kiosk.core.safe_text): a lone surrogate, a control character other than newline and tab (Cc: C0,
    DEL, C1), a bidi embedding/override/isolate, or more than MAX_COMBINING_RUN combining marks in a row."""
    run = 0
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cs":
            return "lone surrogate"
        if category == "Cc" and ch not in "\n\t":
            return "control character"
        if ch in _BIDI_CONTROLS:
            return "bidi control"
        run = run + 1 if category in ("Mn", "Me") or unicodedata.combining(ch) else 0
        if run > MAX_COMBINING_RUN:
            return "run of combining marks"
    return None


def moment_of(value: str, kind: str) -> dt.datetime | dt.date | None:
    """The real day (kind "date") or the real instant ("datetime": seconds optional, an offset of whole
    minutes within ±MAX_UTC_OFFSET or Z required) VALUE names in the years MIN_YEAR..MAX_YEAR, else None."""
    match = (_DATE if kind == "date" else _DATETIME).fullmatch(value)
    if match is None:
        return None
    y, mo, d = (int(g) for g in match.groups()[:3])
    try:
        if kind == "date":
            moment = dt.date(y, mo, d)
        else:
            hh, mm, ss, sign, oh, om = match.groups()[3:]
            offset = dt.timedelta(0)
            if sign:
                if int(om) >= 60:
                    return None
                offset = (1 if sign == "+" else -1) * dt.timedelta(hours=int(oh), minutes=int(om))
                if abs(offset) > MAX_UTC_OFFSET:
                    return None
            moment = dt.datetime(y, mo, d, int(hh), int(mm), int(ss or 0), tzinfo=dt.timezone(offset))
    except ValueError:  # no such day, hour, minute or second
        return None
    return moment if MIN_YEAR <= y <= MAX_YEAR else None


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_blank(text: str) -> bool:
    """As docs/sync.md words it: a text with no letter, digit, punctuation mark or symbol shows nothing."""
    return all(unicodedata.category(ch)[0] not in "LNPS" for ch in text)


def _text_problem(value, limit: int, *, required: bool) -> str | None:
    if not isinstance(value, str):
        return "value of the wrong type"
    if required and not value:
        return "empty required field"
    if len(value) > limit:
        return f"text longer than {limit} characters"
    return hostile_character(value) or ("blank required field" if required and is_blank(value) else None)


def value_problem(rule: FieldRule, name: str, value) -> str | None:
    """Why VALUE breaks RULE (field NAME; lists are bounded by LIST_LIMITS), or None. A missing or null
    optional field is allowed; a required one must be present, not null and not empty."""
    if value is None:
        return "required field missing" if rule.required else None
    kind = rule.kind
    if kind == "text":
        return _text_problem(value, rule.max_chars, required=rule.required)
    if kind == "choice":
        return _text_problem(value, rule.max_chars, required=True) or (
            None if value in rule.choices else "not one of the allowed values")
    if kind == "event_type":  # a known type or a newer one: any lowercase ASCII word (shown as 其他)
        return _text_problem(value, rule.max_chars, required=True) or (
            None if EVENT_TYPE_PATTERN.fullmatch(value) else "not an event type's name")
    if kind in DATE_KINDS:
        if not isinstance(value, str) or moment_of(value, kind) is None:
            return "not a calendar date with a real offset in the allowed years"
        return None
    if kind == "url":
        if not isinstance(value, str):
            return "value of the wrong type"
        if len(value) > rule.max_chars:
            return f"web address longer than {rule.max_chars} characters"
        match = WEB_URL_PATTERN.fullmatch(value)
        if match is None:
            return "not an https web address"
        return None if match.group("port") is None or 0 < int(match.group("port")) < 65536 else "a port no phone opens"
    if kind == "bool":
        return None if isinstance(value, bool) else "value of the wrong type"
    if kind == "integer":
        if not _is_int(value) or not rule.min_value <= value <= rule.max_value:
            return "not an integer in the allowed range"
        return None
    if kind == "object":
        members = dict(rule.fields)
        if not isinstance(value, dict) or set(value) != set(members):
            return "object of the wrong shape"
        for key, member in members.items():
            problem = value_problem(member, key, value[key]) if value[key] is not None else "null member"
            if problem:
                return f"member {key}: {problem}"
        return None
    if not isinstance(value, list):
        return "value of the wrong type"
    if rule.required and not value:
        return "empty required list"
    if len(value) > list_limit(name):
        return f"more than {list_limit(name)} items"
    if kind == "attachments":  # no hostile value the harness makes describes a file
        return "attachment that describes no file" if value else None
    for item in value:
        if kind == "id_list" and not (isinstance(item, str) and ID_PATTERN.fullmatch(item)):
            return "list item that is not a record id"
        problem = _text_problem(item, rule.max_chars, required=False)
        if problem:
            return f"list item: {problem}"
    return None


# A record id: what a file name and a URL can carry safely (docs/sync.md "Content rules").
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
# An event type, as docs/sync.md words it: a lowercase ASCII word, a-z first, then a-z 0-9 _ -, 40 characters.
EVENT_TYPE_PATTERN = re.compile(r"[a-z][a-z0-9_-]{0,39}")
# A source_url, as docs/sync.md words it: https://, a host of dot-separated labels (letters, digits, inner
# hyphens), an optional port from 1 to 65535, then optionally a path, query or fragment of visible ASCII.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
WEB_URL_PATTERN = re.compile(rf"https://{_LABEL}(?:\.{_LABEL})+(?::(?P<port>[0-9]{{1,5}}))?(?:[/?#][\x21-\x7e]*)?")
# The largest integer SQLite (and so a terminal's content.db) can hold.
MAX_STORED_INT = 2**63 - 1


def unknown_field_problem(value, depth: int = 0) -> str | None:
    """Why a terminal refuses VALUE in a field it does not know: deeper than UNKNOWN_FIELD_MAX_DEPTH,
    a list or object of more than UNKNOWN_FIELD_MAX_ITEMS, or a string (keys included) that is not clean."""
    if depth > UNKNOWN_FIELD_MAX_DEPTH:
        return "unknown field nested too deeply"
    if isinstance(value, str):
        return _text_problem(value, MAX_TEXT_CHARS, required=False)
    if isinstance(value, (list, dict)):
        if len(value) > UNKNOWN_FIELD_MAX_ITEMS:
            return "unknown field with too many items"
        for key in value if isinstance(value, dict) else ():
            problem = _text_problem(key, SHORT_TEXT_CHARS, required=False)
            if problem:
                return f"key: {problem}"
        for item in value.values() if isinstance(value, dict) else value:
            problem = unknown_field_problem(item, depth + 1)
            if problem:
                return problem
    return None


def _event_order_problem(rec: dict) -> str | None:
    starts, ends = rec.get("starts_at"), rec.get("ends_at")
    if not (isinstance(starts, str) and isinstance(ends, str)):
        return None
    start, end = moment_of(starts, "datetime"), moment_of(ends, "datetime")
    if start is not None and end is not None and end < start:
        return "event that ends before it starts"
    return None


def refusal_reason(m: dict, records: dict[str, list[dict]], *, publisher: bool) -> str | None:
    """Why the content rules refuse mutation M, judged on RECORDS (the seed with every mutation of the
    example applied, as apply() makes it), or None when they do not have to (markup, schemes and odd
    but legal characters are shown as plain text instead). PUBLISHER: the publisher's strictness (an
    unknown field is refused); else a terminal's (an unknown field that is small, shallow and clean
    is tolerated)."""
    if m["op"] == "dup":
        return "duplicate id " + ("within a collection" if m["into"] == m["collection"] else "across collections")
    collection, field = m["collection"], m["field"]
    rec = records[collection][m["index"] % len(records[collection])]
    rule = rule_of(collection, field)
    if rule is None and field not in ("id", "rev"):
        if publisher:
            return "unknown field"
        if m["op"] == "nest":
            return "unknown field nested too deeply" if m["depth"] - 1 > UNKNOWN_FIELD_MAX_DEPTH else None
        return unknown_field_problem(rec[field])
    if m["op"] == "nest":
        return "nested value where a field has a plain type or a list of texts"
    value = rec[field]
    if field == "id":
        return None if isinstance(value, str) and ID_PATTERN.fullmatch(value) else "invalid id"
    if field == "rev":
        return None if _is_int(value) and 1 <= value <= MAX_STORED_INT else "invalid rev"
    problem = value_problem(rule, field, value)
    if problem is None and collection == "events" and field in ("starts_at", "ends_at"):
        problem = _event_order_problem(rec)
    return problem and f"{field}: {problem}"


def must_refuse(mutations: list[dict], marker: str, *, publisher: bool = True) -> str | None:
    """Why the content rules refuse the example MUTATIONS (with MARKER for the FIFO's path, which
    lengthens a string), or None when it is within them. PUBLISHER: see refusal_reason."""
    records, _ = apply(mutations, marker)
    reasons = [r for r in (refusal_reason(m, records, publisher=publisher) for m in mutations) if r is not None]
    ids = [r.get("id") for c in COLLECTIONS for r in records[c]]
    if len(set(map(repr, ids))) != len(ids) and not any("duplicate id" in r for r in reasons):
        reasons.append("duplicate id")
    return "; ".join(dict.fromkeys(reasons)) or None


def file_level(m: dict) -> bool:
    """True when the mutation breaks its whole file (JSON too deep to parse), so a refusal can only
    name the file."""
    return m["op"] == "nest" and m["depth"] >= 500


def expected_names(m: dict) -> list[list[str]]:
    """What a refusal of M must name, as [alternatives, ...]: its file, and unless the whole file is
    unreadable its record and field (a duplicate id is the record's 'id'; a bad id can only be named by
    the record's position, "#N")."""
    files = [f"{m['collection']}.json"] + ([f"{m['into']}.json"] if m["op"] == "dup" else [])
    if file_level(m):
        return [files]
    field = "id" if m["op"] == "dup" or m.get("field") == "id" else m["field"]
    records = [record_id(m)] + (["#"] if field == "id" else [])
    return [files, records, [field]]


def names_all(line: str, m: dict) -> bool:
    """True when LINE names everything expected_names(M) asks for (the field as a whole word)."""
    names = expected_names(m)
    places, field = (names, None) if file_level(m) else (names[:-1], names[-1][0])
    if not all(any(alt in line for alt in alts) for alts in places):
        return False
    return field is None or re.search(rf"\b{re.escape(field)}\b", line) is not None
