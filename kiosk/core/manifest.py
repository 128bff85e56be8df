"""Strict parsing and validation of collection manifests: the content rules, written down once.

Qt-free. A manifest is the complete current state of one collection::

    {"format": "ipkiosk-manifest/1", "collection": "services", "generation": 7,
     "records": [ {...}, ... ],            # sorted by id, each with "id" and "rev"
     "tombstones": [{"id": "...", "rev": 3, "generation": 6}]}   # advisory

A record may pin attachments: ``"attachments": [{"name": "guide.pdf",
"sha256": "<64 hex>", "length": 1234, "media_type": "application/pdf"}]``.

:data:`SCHEMA` says, per collection, which fields a record may carry, their type and shape,
which are required and how long they may be; :data:`LIST_LIMITS` bounds every list. The publisher
(and the seed import) checks a record against them strictly, unknown fields included; a terminal
checks a signed manifest against the same rules but lets an unknown field through (a newer publisher
may add an optional field before every terminal is updated), as long as it is small, shallow and
made of clean text. Every string, keys included, must pass :func:`kiosk.core.safe_text.content_problem`.

Everything that reaches the apply function has been through :func:`parse_manifest`
or :func:`validate_manifest`; errors name the collection, the record and the field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeGuard

from kiosk.core import kinds
from kiosk.core.safe_text import content_problem, is_blank

#: A decoded record or tombstone: a JSON object, its fields checked against SCHEMA.
Record = dict[str, Any]

FORMAT = "ipkiosk-manifest/1"
# One collection file per content kind, in publishing order.
COLLECTIONS = kinds.NAMES
# Records are displayed, indexed and (as ids) used in file names and URLs: keep them safe. Patterns end
# in \Z, not $: $ also matches before a final newline, which would let "svc-x\n" through as an id.
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}\Z")
ATTACHMENT_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\Z")
SHA256_RE = re.compile(r"^[0-9a-f]{64}\Z")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
# The offset's minutes are checked here: datetime.fromisoformat reads +08:75 as +09:15.
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:[0-5]\d|Z)\Z")
MEDIA_TYPE_RE = re.compile(r"^[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*\Z", re.IGNORECASE)
# A record's official web page, shown as a QR a visitor scans: https only (a phone must not be sent to a page
# anyone on the way can change), a host name with a dot, then an optional path/query of visible ASCII.
# ASCII classes, not IGNORECASE and \d: those would let the Kelvin sign or Arabic-Indic digits through.
_HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
WEB_URL_RE = re.compile(rf"^https://{_HOST_LABEL}(?:\.{_HOST_LABEL})+(?::(?P<port>[0-9]{{1,5}}))?(?:[/?#][!-~]*)?\Z")
MAX_PORT = 65535
# Longer links make a QR too dense to scan from a screen at arm's length.
MAX_URL_CHARS = 300
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
# Records per manifest: a list page and the search index hold every record of a collection. Ten times
# the largest collection planned for the fleet; the search benchmark's 100,000 records spread over five.
MAX_RECORDS = 50_000
# Text lengths in characters. Titles and labels sit in one line of a tile or the nav bar; summaries and
# service facts fill a paragraph; bodies (a policy's full text) are the only long text.
SHORT_TEXT_CHARS = 200
MEDIUM_TEXT_CHARS = 2_000
MAX_TEXT_CHARS = 200_000
LIST_ITEM_CHARS = 500
# Years a date may name: policies go back decades, nothing is planned past the 29th century, and
# every instant in that range converts to UTC without overflow.
MIN_YEAR, MAX_YEAR = 1900, 2999
# A real time zone is between UTC-12:00 and UTC+14:00.
MAX_UTC_OFFSET = dt.timedelta(hours=14)
# What a terminal accepts in a field it does not know (see the module docstring).
UNKNOWN_FIELD_MAX_DEPTH = 3
UNKNOWN_FIELD_MAX_ITEMS = 200
# The largest integer SQLite stores (revs and generations end up in content.db).
MAX_STORED_INT = 2**63 - 1
# A record's curated place in its lists (``order``: 1 leads). Editors leave gaps (10, 20, 30 …) to slot
# records in later: the range leaves room for gaps of 10 between all MAX_RECORDS records of a collection.
MIN_ORDER, MAX_ORDER = 1, 999_999

# Most items a list field may hold (publisher and terminal refuse more): a detail page shows every item,
# so these bound what one page costs to build and draw. The seed's largest lists are a quarter of these.
LIST_LIMITS = {"keywords": 30, "materials": 60, "process": 40, "channels": 20, "related_ids": 30,
               "service_ids": 200, "prepare": 30, "attachments": 20}

BOOKING_KINDS = ("consult", "assistance", "appointment")


@dataclass(frozen=True)
class FieldRule:
    """One field of a record. kind: text | url (an https web address) | date | datetime | bool |
    integer (``min_value``..``max_value``) | text_list | id_list | choice | event_type (a known type or a well-formed
    newer one, kiosk.core.kinds.is_event_type_name) | object (``fields`` gives its members, all required) | attachments.
    A required field is present, not null and not empty (a required text: not blank either, kiosk.core.safe_text.is_blank);
    an optional one may be absent or null."""

    kind: str
    required: bool = False
    max_chars: int = SHORT_TEXT_CHARS  # text, choice and event_type: the value; lists: each item
    choices: tuple[str, ...] = ()
    fields: tuple[tuple[str, FieldRule], ...] = ()
    min_value: int = 0  # integer: the smallest value allowed
    max_value: int = 0  # integer: the largest value allowed

    def describe(self) -> str:
        """How the rule reads in an error message ("a text of at most 200 characters")."""
        if self.kind == "text":
            return f"{'a non-empty' if self.required else 'a'} text of at most {self.max_chars} characters"
        if self.kind == "url":
            return f"an https:// web address of at most {self.max_chars} characters"
        if self.kind == "date":
            return f"a calendar date YYYY-MM-DD (years {MIN_YEAR}–{MAX_YEAR})"
        if self.kind == "datetime":
            return ("a calendar datetime YYYY-MM-DDTHH:MM[:SS] with an offset between -14:00 and +14:00 or Z "
                    f"(years {MIN_YEAR}–{MAX_YEAR})")
        if self.kind == "bool":
            return "true or false"
        if self.kind == "integer":
            return f"an integer from {self.min_value} to {self.max_value}"
        if self.kind == "text_list":
            return f"a list of texts of at most {self.max_chars} characters each"
        if self.kind == "id_list":
            return "a list of record ids"
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind == "event_type":
            return (f"one of {', '.join(repr(c) for c in kinds.EVENT_TYPES)} or a newer type's name (a lowercase "
                    f"ASCII word: a-z first, then a-z, 0-9, '_', '-', at most {kinds.EVENT_TYPE_MAX_CHARS} characters)")
        if self.kind == "object":
            return "an object with exactly " + ", ".join(name for name, _ in self.fields)
        return "a list of attachments"


def _text(required: bool = False, max_chars: int = SHORT_TEXT_CHARS) -> FieldRule:
    return FieldRule("text", required, max_chars)


_BOOKING = FieldRule("object", fields=(("type", FieldRule("choice", True, choices=BOOKING_KINDS)),
                                       ("label", _text(True))))
# Fields any record may carry.
_COMMON = {
    "title": _text(True),
    "summary": _text(False, MEDIUM_TEXT_CHARS),
    "keywords": FieldRule("text_list", max_chars=40),
    "related_ids": FieldRule("id_list"),
    "attachments": FieldRule("attachments"),
    "published_at": FieldRule("date"),
    "source": _text(False, MEDIUM_TEXT_CHARS),
    "hot": FieldRule("bool"),
    "is_demo": FieldRule("bool"),
    # Curated place in every list the record appears in (1 leads; records without one come after).
    "order": FieldRule("integer", min_value=MIN_ORDER, max_value=MAX_ORDER),
    # The record's official web page (the original document, the service's own guide): a QR on its page.
    "source_url": FieldRule("url", max_chars=MAX_URL_CHARS),
}
# Fields of documents (policies, notices, news).
_DOCUMENT = {
    "summary": _text(True, MEDIUM_TEXT_CHARS),
    "body": _text(True, MAX_TEXT_CHARS),
    "issuer": _text(),
}


def _with_english(rules: dict[str, FieldRule]) -> dict[str, FieldRule]:
    """Every text field may have an optional English twin ``<field>_en`` (DESIGN.md: the 中文/English toggle)."""
    twins = {f"{name}_en": FieldRule(rule.kind, False, rule.max_chars)
             for name, rule in rules.items() if rule.kind in ("text", "text_list")}
    return {**rules, **twins}


# The one description of every collection's records (assets/content/README.md explains the fields).
# id and rev are checked first, for every collection.
SCHEMA: dict[str, dict[str, FieldRule]] = {name: _with_english(rules) for name, rules in {
    "services": {
        **_COMMON,
        "category": _text(True),
        "summary": _text(True, MEDIUM_TEXT_CHARS),
        "conditions": _text(False, MEDIUM_TEXT_CHARS),
        "materials": FieldRule("text_list", max_chars=LIST_ITEM_CHARS),
        "process": FieldRule("text_list", max_chars=LIST_ITEM_CHARS),
        "time_limit": _text(False, MEDIUM_TEXT_CHARS),
        "fee": _text(False, MEDIUM_TEXT_CHARS),
        # True once the fee has been checked against the fee schedule in force; otherwise the page adds
        # "以窗口公示为准" (the fee the service window displays is the one that applies).
        "fee_verified": FieldRule("bool"),
        "channels": FieldRule("text_list", max_chars=LIST_ITEM_CHARS),
        "provider": _text(False, MEDIUM_TEXT_CHARS),
        "booking": _BOOKING,
        "verified": FieldRule("choice", choices=("S", "N", "I")),
    },
    "policies": {
        **_COMMON,
        **_DOCUMENT,
        "category": _text(),
        "doc_number": _text(),
        "index_number": _text(),
        "full_text": FieldRule("bool"),
    },
    "notices": {**_COMMON, **_DOCUMENT, "valid_until": FieldRule("datetime")},
    "news": {**_COMMON, **_DOCUMENT, "valid_until": FieldRule("datetime")},
    "events": {
        **_COMMON,
        "summary": _text(True, MEDIUM_TEXT_CHARS),
        "starts_at": FieldRule("datetime", True),
        "ends_at": FieldRule("datetime", True),
        "body": _text(False, MAX_TEXT_CHARS),
        "venue": _text(),
        "organizer": _text(),
        "registration": _BOOKING,
        # What kind of event it is (kinds.EVENT_TYPES): the events list filters by it. A type this version does
        # not know is accepted when well-formed and shown as 其他 (kinds.shown_event_type); the publisher warns.
        "event_type": FieldRule("event_type", max_chars=kinds.EVENT_TYPE_MAX_CHARS),
    },
    "booking_types": {
        **_COMMON,
        "service_ids": FieldRule("id_list", True),
        "prepare": FieldRule("text_list", max_chars=LIST_ITEM_CHARS),
    },
}.items()}


class ManifestError(ValueError):
    """A manifest or one of its records is invalid; the message says where."""


@dataclass(frozen=True)
class Attachment:
    name: str
    sha256: str
    length: int
    media_type: str


@dataclass
class Manifest:
    collection: str
    generation: int
    records: list[Record]
    tombstones: list[Record] = field(default_factory=list)

    def attachments(self) -> list[Attachment]:
        return [Attachment(**a) for r in self.records for a in r.get("attachments") or ()]

    def to_json_bytes(self) -> bytes:
        """Canonical serialisation: what the publisher signs and the terminal hashes."""
        doc = {
            "format": FORMAT,
            "collection": self.collection,
            "generation": self.generation,
            "records": self.records,
            "tombstones": self.tombstones,
        }
        return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def sha256(self) -> str:
        return hashlib.sha256(self.to_json_bytes()).hexdigest()


def _fail(where: str, problem: str) -> NoReturn:
    raise ManifestError(f"{where}: {problem}")


def _is_int(value: object) -> TypeGuard[int]:
    """An integer a terminal can store: content.db keeps revs and generations as SQLite INTEGER, which
    holds at most MAX_STORED_INT (a larger one made every terminal's apply fail with OverflowError)."""
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_STORED_INT


def _shown(value: object) -> str:
    """VALUE for an error message: short, one line, escaped (it may be the very thing that is wrong)."""
    text = repr(value) if not isinstance(value, (dict, list)) else ("a list" if isinstance(value, list) else "an object")
    text = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    return text if len(text) <= 60 else text[:57] + "..."


def is_web_url(value: object) -> TypeGuard[str]:
    """VALUE is a web address a record's ``source_url`` may hold (https, at most MAX_URL_CHARS, a port a phone can
    open: https://host:99999/ matched the pattern, and a visitor scanning it got an error page)."""
    if not isinstance(value, str) or len(value) > MAX_URL_CHARS:
        return False
    match = WEB_URL_RE.match(value)
    return match is not None and (match.group("port") is None or 1 <= int(match.group("port")) <= MAX_PORT)


def _check_text(where: str, value: str, max_chars: int) -> None:
    if len(value) > max_chars:
        _fail(where, f"{len(value)} characters, expected at most {max_chars}")
    problem = content_problem(value)
    if problem:
        _fail(where, problem)


def _moment(value: str, kind: str) -> dt.date | None:
    """The calendar date or aware datetime VALUE names, or None if it names none (2026-02-30, +99:00)."""
    try:
        if kind == "date":
            moment = dt.date.fromisoformat(value) if DATE_RE.match(value) else None
        else:
            moment = dt.datetime.fromisoformat(value) if DATETIME_RE.match(value) else None
            if moment is not None:
                offset = moment.utcoffset()
                if offset is None or abs(offset) > MAX_UTC_OFFSET:
                    return None
                moment.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None
    if moment is None or not MIN_YEAR <= moment.year <= MAX_YEAR:
        return None
    return moment


def _check_field(where: str, name: str, rule: FieldRule, value: object) -> None:
    """Check one present, non-null VALUE against RULE; WHERE names the record."""
    here = f"{where}: field {name!r}"
    expected = f"expected {rule.describe()}"
    if rule.kind in ("text", "choice", "event_type"):
        if not isinstance(value, str):
            _fail(here, f"got {_shown(value)}, {expected}")
        if rule.required and not value:
            _fail(here, f"is empty, {expected}")
        _check_text(here, value, rule.max_chars)
        if rule.required and is_blank(value):
            # A title of spaces or zero-width characters is a tile, a list row and a page heading showing nothing.
            _fail(here, f"is blank (nothing visible in it), {expected}")
        if rule.kind == "choice" and value not in rule.choices:
            _fail(here, f"got {_shown(value)}, {expected}")
        if rule.kind == "event_type" and not kinds.is_event_type_name(value):
            _fail(here, f"got {_shown(value)}, {expected}")
    elif rule.kind == "url":
        if not is_web_url(value):
            _fail(here, f"got {_shown(value)}, {expected}")
    elif rule.kind in ("date", "datetime"):
        if not isinstance(value, str) or _moment(value, rule.kind) is None:
            _fail(here, f"got {_shown(value)}, {expected}")
    elif rule.kind == "bool":
        if not isinstance(value, bool):
            _fail(here, f"got {_shown(value)}, {expected}")
    elif rule.kind == "integer":
        if not _is_int(value) or not rule.min_value <= value <= rule.max_value:
            _fail(here, f"got {_shown(value)}, {expected}")
    elif rule.kind in ("text_list", "id_list", "attachments"):
        if not isinstance(value, list):
            _fail(here, f"got {_shown(value)}, {expected}")
        if rule.required and not value:
            _fail(here, f"is empty, {expected}")
        limit = LIST_LIMITS[name.removesuffix("_en")]
        if len(value) > limit:
            _fail(here, f"{len(value)} items, expected at most {limit}")
        for i, item in enumerate(value):
            item_where = f"{here}, item #{i}"
            if rule.kind == "attachments":
                _check_attachment(item_where, item)
            elif not isinstance(item, str):
                _fail(item_where, f"got {_shown(item)}, expected a text")
            elif rule.kind == "id_list" and not ID_RE.match(item):
                _fail(item_where, f"got {_shown(item)}, expected a record id")
            else:
                _check_text(item_where, item, rule.max_chars)
    elif rule.kind == "object":
        members = dict(rule.fields)
        if not isinstance(value, dict) or set(value) != set(members):
            _fail(here, f"got {_shown(value) if not isinstance(value, dict) else sorted(value)}, {expected}")
        for key, member in members.items():
            if value[key] is None:
                _fail(f"{here}, member {key!r}", f"is null, expected {member.describe()}")
            _check_field(here, key, member, value[key])
    else:  # pragma: no cover - SCHEMA is written above
        raise AssertionError(rule.kind)


def _check_attachment(where: str, att: object) -> None:
    if not isinstance(att, dict) or set(att) != {"name", "sha256", "length", "media_type"}:
        _fail(where, "expected exactly name, sha256, length, media_type")
    if not isinstance(att["name"], str) or not ATTACHMENT_NAME_RE.match(att["name"]) or ".." in att["name"]:
        _fail(where, f"field 'name': got {_shown(att['name'])}, expected a plain file name")
    if not isinstance(att["sha256"], str) or not SHA256_RE.match(att["sha256"]):
        _fail(where, f"field 'sha256': got {_shown(att['sha256'])}, expected 64 lowercase hex digits")
    length = att["length"]
    if not _is_int(length) or not 0 < length <= MAX_ATTACHMENT_BYTES:
        _fail(where, f"field 'length': got {_shown(length)}, expected 1..{MAX_ATTACHMENT_BYTES}")
    if not isinstance(att["media_type"], str) or not MEDIA_TYPE_RE.match(att["media_type"]):
        _fail(where, f"field 'media_type': got {_shown(att['media_type'])}, expected a MIME type")


def _check_unknown(where: str, value: object, depth: int = 0) -> None:
    """A field the terminal does not know: small, shallow, clean text throughout (keys included)."""
    if depth > UNKNOWN_FIELD_MAX_DEPTH:
        _fail(where, f"nested deeper than {UNKNOWN_FIELD_MAX_DEPTH} levels")
    if isinstance(value, str):
        _check_text(where, value, MAX_TEXT_CHARS)
    elif isinstance(value, (list, dict)):
        if len(value) > UNKNOWN_FIELD_MAX_ITEMS:
            _fail(where, f"{len(value)} items, expected at most {UNKNOWN_FIELD_MAX_ITEMS}")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(key, str):
                _check_text(f"{where}, key {_shown(key)}", key, SHORT_TEXT_CHARS)
            _check_unknown(f"{where}[{_shown(key)}]", item, depth + 1)


def _validate_record(collection: str, index: int, rec: object, *, allow_unknown_fields: bool) -> Record:
    where = f"collection {collection!r}, record #{index}"
    if not isinstance(rec, dict):
        _fail(where, f"expected an object, got {type(rec).__name__}")
    rid = rec.get("id")
    if not isinstance(rid, str) or not ID_RE.match(rid):
        _fail(where, f"field 'id': got {_shown(rid)}, expected a lowercase ASCII slug (a-z, 0-9, '-', ≤ 80 chars)")
    where = f"collection {collection!r}, record {rid!r}"
    rev = rec.get("rev")
    if not _is_int(rev) or rev < 1:
        _fail(where, f"field 'rev': got {_shown(rev)}, expected an integer from 1 to {MAX_STORED_INT}")
    rules = SCHEMA[collection]
    for name, rule in rules.items():
        value = rec.get(name)
        if value is None:
            if rule.required:
                _fail(where, f"field {name!r}: missing, expected {rule.describe()}")
            continue
        _check_field(where, name, rule, value)
    for name, value in rec.items():
        if name in rules or name in ("id", "rev"):
            continue
        _check_text(f"{where}: field name {_shown(name)}", name, SHORT_TEXT_CHARS)
        if not allow_unknown_fields:
            _fail(where, f"field {_shown(name)}: unknown field for {collection} (known: {', '.join(sorted(rules))})")
        _check_unknown(f"{where}: field {_shown(name)}", value)
    if collection == "events":
        ends, starts = _moment(rec["ends_at"], "datetime"), _moment(rec["starts_at"], "datetime")
        if ends is not None and starts is not None and ends < starts:  # both are valid datetimes by now
            _fail(where, f"field 'ends_at': {rec['ends_at']} is before starts_at {rec['starts_at']}")
    return rec


def validate_manifest(doc: object, *, expected_collection: str | None = None,
                      allow_unknown_fields: bool = False) -> Manifest:
    """DOC (a decoded manifest) checked against the content rules, as a Manifest; ManifestError names
    what is wrong. ALLOW_UNKNOWN_FIELDS: the terminal's leniency (module docstring); the publisher is strict."""
    if not isinstance(doc, dict):
        raise ManifestError(f"manifest: expected a JSON object, got {type(doc).__name__}")
    if doc.get("format") != FORMAT:
        raise ManifestError(f"manifest: field 'format': got {_shown(doc.get('format'))}, expected {FORMAT!r}")
    collection = doc.get("collection")
    if not isinstance(collection, str) or collection not in COLLECTIONS:
        raise ManifestError(f"manifest: field 'collection': got {_shown(collection)}, "
                            f"expected one of {', '.join(COLLECTIONS)}")
    if expected_collection is not None and collection != expected_collection:
        raise ManifestError(f"manifest: field 'collection': got {collection!r}, expected {expected_collection!r}")
    generation = doc.get("generation")
    if not _is_int(generation) or generation < 0:
        raise ManifestError(f"manifest {collection!r}: field 'generation': got {_shown(generation)}, "
                            f"expected an integer from 0 to {MAX_STORED_INT}")
    records = doc.get("records")
    if not isinstance(records, list):
        raise ManifestError(f"manifest {collection!r}: field 'records': expected a list")
    if len(records) > MAX_RECORDS:
        raise ManifestError(f"manifest {collection!r}: {len(records)} records, expected at most {MAX_RECORDS}")
    records = [_validate_record(collection, i, r, allow_unknown_fields=allow_unknown_fields)
               for i, r in enumerate(records)]
    ids = [r["id"] for r in records]
    seen: set[str] = set()
    for rid in ids:
        if rid in seen:
            raise ManifestError(f"collection {collection!r}, record {rid!r}: field 'id': listed twice in the manifest")
        seen.add(rid)
    if ids != sorted(ids):
        raise ManifestError(f"manifest {collection!r}: records must be sorted by id")
    tombstones = doc.get("tombstones", [])
    if not isinstance(tombstones, list):
        raise ManifestError(f"manifest {collection!r}: field 'tombstones': expected a list")
    live = set(ids)
    for i, t in enumerate(tombstones):
        if (
            not isinstance(t, dict)
            or set(t) != {"id", "rev", "generation"}
            or not isinstance(t["id"], str)
            or not ID_RE.match(t["id"])
            or not _is_int(t["rev"])
            or not _is_int(t["generation"])
        ):
            raise ManifestError(f"manifest {collection!r}: tombstone #{i}: expected {{id, rev, generation}}")
        if t["id"] in live:
            raise ManifestError(f"manifest {collection!r}: tombstone {t['id']!r} is also a live record")
    return Manifest(collection=collection, generation=generation, records=records, tombstones=tombstones)


def unknown_event_types(manifest: Manifest) -> list[str]:
    """One line per event of MANIFEST whose ``event_type`` this version does not know (a newer type): the publisher
    warns the central office that terminals of this version show those events as 其他 (other)."""
    if manifest.collection != "events":
        return []
    return [f"collection 'events', record {rec['id']!r}: field 'event_type': {rec['event_type']!r} is not one of "
            f"{', '.join(kinds.EVENT_TYPES)}; terminals of this version list it as "
            f"{kinds.EVENT_TYPES[kinds.OTHER_EVENT_TYPE]} ({kinds.OTHER_EVENT_TYPE!r})"
            for rec in manifest.records
            if rec.get("event_type") is not None and rec["event_type"] not in kinds.EVENT_TYPES]


def duplicate_ids(id_sets: dict[str, set[str]]) -> dict[str, list[str]]:
    """{id: [collections]} for every id listed by more than one of ID_SETS ({collection: ids}).
    An id names one record on the whole terminal (detail pages, related_ids, search)."""
    owners: dict[str, list[str]] = {}
    for collection in sorted(id_sets):
        for rid in id_sets[collection]:
            owners.setdefault(rid, []).append(collection)
    return {rid: names for rid, names in sorted(owners.items()) if len(names) > 1}


def load_json(data: bytes | str) -> object:
    """Decode JSON text, turning every way it can fail into ManifestError (a document nested
    100,000 deep exhausts the decoder's recursion; a lone surrogate escape is caught later by the rules)."""
    try:
        return json.loads(data.decode("utf-8") if isinstance(data, bytes) else data)
    except ValueError as exc:  # not UTF-8, not JSON, or an integer of more than 4,300 digits
        raise ManifestError(f"not UTF-8 JSON ({exc})") from None
    except RecursionError:
        raise ManifestError("JSON nested too deeply") from None


def parse_manifest(data: bytes, *, expected_collection: str | None = None) -> Manifest:
    """A signed manifest as the terminal reads it (unknown fields allowed, see the module docstring)."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise ManifestError(f"manifest: {len(data)} bytes, more than the cap of {MAX_MANIFEST_BYTES}")
    try:
        doc = load_json(data)
    except ManifestError as exc:
        raise ManifestError(f"manifest: {exc}") from None
    return validate_manifest(doc, expected_collection=expected_collection, allow_unknown_fields=True)
