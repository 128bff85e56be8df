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

``index`` picks a seed record of the collection (modulo its length); ``@MARKER@`` in a string becomes the
path of a FIFO the harness watches, so a UI that opens a file named by content is caught in the act.
Big values ("list", "long", "nest") are expanded only when the source is written.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path

from hypothesis import strategies as st

from kiosk.safe_text import content_problem
from sync.manifest import COLLECTIONS, DATE_RE, DATETIME_RE, ID_RE, LIST_LIMITS, MAX_TEXT_CHARS, REQUIRED

SEED_DIR = Path(__file__).resolve().parent.parent / "assets" / "content"
MARKER = "@MARKER@"


def load_seed() -> dict[str, list[dict]]:
    return {c: json.loads((SEED_DIR / f"{c}.json").read_text(encoding="utf-8"))["records"] for c in COLLECTIONS}


SEED = load_seed()

# ---------------------------------------------------------------- the fields of each collection

# The type every known field has (README of assets/content); None in a tuple: the field may be null.
STR, LIST, BOOL, OBJ = "str", "list", "bool", "obj"
FIELD_TYPES = {
    "title": (STR,), "summary": (STR,), "body": (STR,), "category": (STR,), "issuer": (STR,), "venue": (STR,),
    "organizer": (STR,), "conditions": (STR,), "time_limit": (STR,), "fee": (STR,), "provider": (STR,),
    "source": (STR,), "verified": (STR,), "doc_number": (STR, None), "index_number": (STR, None),
    "published_at": (STR, None), "valid_until": (STR, None), "starts_at": (STR,), "ends_at": (STR,),
    "keywords": (LIST,), "materials": (LIST,), "process": (LIST,), "channels": (LIST,), "related_ids": (LIST,),
    "service_ids": (LIST,), "prepare": (LIST,), "hot": (BOOL,), "full_text": (BOOL,), "is_demo": (BOOL,),
    "booking": (OBJ, None), "registration": (OBJ, None),
}
DATE_FIELDS = {"published_at": "date", "valid_until": "datetime", "starts_at": "datetime", "ends_at": "datetime"}
# Text a visitor reads on a record's detail page exactly as the record holds it (plain one-line fields:
# bodies and service guide fields are Markdown, whose markers are rendered, not shown).
PLAIN_SHOWN_FIELDS = {"title", "issuer", "venue", "organizer", "doc_number"}


def fields_of(collection: str) -> list[str]:
    """Known fields a record of COLLECTION has or may have (optional ones included)."""
    present = sorted({k for r in SEED[collection] for k in r} - {"id", "rev"})
    optional = ["related_ids"] if collection == "services" else []
    return present + [f for f in optional if f not in present]


def string_fields(collection: str) -> list[str]:
    return [f for f in fields_of(collection) if STR in FIELD_TYPES.get(f, ()) and f not in DATE_FIELDS]


def list_fields(collection: str) -> list[str]:
    return [f for f in fields_of(collection) if FIELD_TYPES.get(f) == (LIST,)]


def date_fields(collection: str) -> list[str]:
    return [f for f in fields_of(collection) if f in DATE_FIELDS]


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
    12345, 0, -1, 2**70, 1.5, True, False, None, "", "x", [], ["a", 1], [["nested"]], {}, {"a": 1},
    {"type": "consult", "label": 7}, {"type": "<b>x</b>", "label": "预约"}, [None], float("inf"), float("nan"),
])


@st.composite
def bad_date(draw, kind: str) -> str:
    """Dates a regex lets through but a calendar does not (2026-02-30, month 13, offset +99:00), and
    extremes that overflow when converted to UTC."""
    fixed = {
        "date": ["2026-02-30", "2026-13-01", "2026-00-10", "2026-04-31", "0000-01-01", "2026-1-5", "昨天"],
        "datetime": ["2026-02-30T10:00:00+08:00", "2026-13-01T10:00:00+08:00", "2026-12-01T25:00:00+08:00",
                     "2026-12-01T10:61:00+08:00", "2026-12-01T10:00:00+99:00", "2026-12-01T10:00:00-24:00",
                     "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-12-01T10:00:00",
                     "2026-12-01 10:00:00+08:00"],
    }[kind]
    if draw(st.booleans()):
        return draw(st.sampled_from(fixed))
    y, m, d = draw(st.integers(0, 9999)), draw(st.integers(0, 13)), draw(st.integers(0, 32))
    if kind == "date":
        return f"{y:04d}-{m:02d}-{d:02d}"
    hh, mm, oh, om = draw(st.integers(0, 25)), draw(st.integers(0, 61)), draw(st.integers(0, 99)), draw(st.integers(0, 59))
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
    field = draw(st.sampled_from([f for f in list_fields(collection) if f not in ("related_ids", "service_ids")]))
    items = list(SEED[collection][index].get(field) or ["项"])
    at = draw(st.integers(0, len(items) - 1))
    items[at] = draw(spliced(items[at]))
    return {"op": "set", "collection": collection, "index": index, "field": field, "value": items}


@st.composite
def wrong_type_mutation(draw) -> dict:
    collection = draw(st.sampled_from(COLLECTIONS))
    index = draw(_record_index(collection))
    field = draw(st.sampled_from(fields_of(collection) + ["id", "rev"]))
    return {"op": "set", "collection": collection, "index": index, "field": field, "value": draw(WRONG_TYPED)}


@st.composite
def date_mutation(draw) -> dict:
    collection = draw(st.sampled_from([c for c in COLLECTIONS if date_fields(c)]))
    index = draw(_record_index(collection))
    field = draw(st.sampled_from(date_fields(collection)))
    return {"op": "set", "collection": collection, "index": index, "field": field,
            "value": draw(bad_date(DATE_FIELDS[field]))}


@st.composite
def big_list_mutation(draw) -> dict:
    """A list field at, just over, or far over its limit (LIST_LIMITS), or an attachments list."""
    collection = draw(st.sampled_from([c for c in COLLECTIONS if list_fields(c)]))
    index = draw(_record_index(collection))
    field = draw(st.sampled_from(list_fields(collection)))
    limit = LIST_LIMITS.get(field, 30)
    count = draw(st.sampled_from([limit, limit + 1, 1000, 50_000, 100_000]))
    if field in ("related_ids", "service_ids"):
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
    sizes = [2_000, 20_000] if display_only else [2_000, MAX_TEXT_CHARS, MAX_TEXT_CHARS + 1, 1_000_000]
    return {"op": "long", "collection": collection, "index": index, "field": field,
            "count": draw(st.sampled_from(sizes)), "char": draw(st.sampled_from(["长", "W", "\u0301", "😀"]))}


@st.composite
def nest_mutation(draw) -> dict:
    collection = draw(st.sampled_from(COLLECTIONS))
    index = draw(_record_index(collection))
    field = draw(st.sampled_from(fields_of(collection)))
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
    A changed record gets rev 2, so the change is a valid new revision in every other respect."""
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
        rec["rev"] = 2
        if m["op"] == "nest":
            token = _NEST_TOKEN.format(n)
            raw[token] = "[" * m["depth"] + "]" * m["depth"]
            rec[m["field"]] = token
        else:
            rec[m["field"]] = _expand(m, marker)
    return records, raw


def dump_json(doc: dict, raw: dict[str, str], *, canonical: bool = False) -> bytes:
    """DOC as UTF-8 JSON with the nest tokens replaced by their raw text; CANONICAL: in the form the
    terminal hashes (sync.manifest.Manifest.to_json_bytes), else indented as an editor writes it. A lone
    surrogate is written as a JSON escape (\\ud800), as an editor's export would: it has no UTF-8 form."""
    form = dict(sort_keys=True, separators=(",", ":")) if canonical else dict(indent=1)
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


def _date_problem(value, kind: str) -> bool:
    if not isinstance(value, str):
        return True
    if kind == "date":
        if not DATE_RE.match(value):
            return True
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return True
        return False
    if not DATETIME_RE.match(value):
        return True
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        moment.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return True
    return moment.tzinfo is None


def _strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings_in(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings_in(v)


def _type_ok(collection: str, field: str, value) -> bool:
    allowed = FIELD_TYPES.get(field)
    if allowed is None:
        return True  # an unknown field: the rules say nothing about its type
    required = field in REQUIRED[collection]
    if value is None:
        return None in allowed or not required  # null stands for "not given" in an optional field
    if isinstance(value, bool):
        return BOOL in allowed
    if isinstance(value, str):
        return STR in allowed and (value != "" or not required)
    if isinstance(value, list):
        return LIST in allowed and all(isinstance(v, str) for v in value)
    if isinstance(value, dict):
        return OBJ in allowed and set(value) == {"type", "label"} and all(isinstance(v, str) for v in value.values())
    return False  # numbers: no known field is a number (rev is checked apart)


def refusal_reason(m: dict) -> str | None:
    """Why the content rules refuse mutation M (publisher and terminal alike), or None when they do not
    have to (markup, schemes and odd but legal characters are shown as plain text instead)."""
    if m["op"] == "dup":
        return "duplicate id " + ("within a collection" if m["into"] == m["collection"] else "across collections")
    if m["op"] == "nest":
        return "nested value where a field has a plain type"
    if m["op"] == "list":
        if m["count"] > LIST_LIMITS.get(m["field"], 30):
            return f"more than LIST_LIMITS[{m['field']!r}] items"
        return None  # a related id that does not exist is skipped on screen
    if m["op"] == "long":
        if m["count"] > MAX_TEXT_CHARS:
            return "string longer than MAX_TEXT_CHARS"
        return "run of combining marks" if m["char"] == "\u0301" else None
    field, value = m["field"], m["value"]
    if field == "id":
        return None if isinstance(value, str) and ID_RE.match(value) else "invalid id"
    if field == "rev":
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
        return None if ok and value < 2**63 else "invalid rev"
    if field in DATE_FIELDS and value is not None and _date_problem(value, DATE_FIELDS[field]):
        return "date that is not a calendar date with a valid offset"
    if not _type_ok(m["collection"], field, value):
        return "value of the wrong type"
    for text in _strings_in(value):
        problem = content_problem(text)
        if problem is not None:
            return problem.split(" at character")[0]
        if len(text) > MAX_TEXT_CHARS:
            return "string longer than MAX_TEXT_CHARS"
    return None


def must_refuse(mutations: list[dict]) -> str | None:
    reasons = [r for r in map(refusal_reason, mutations) if r is not None]
    return "; ".join(reasons) or None


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
