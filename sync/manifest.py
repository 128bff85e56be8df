"""Strict parsing and validation of collection manifests.

Qt-free. A manifest is the complete current state of one collection::

    {"format": "ipkiosk-manifest/1", "collection": "services", "generation": 7,
     "records": [ {...}, ... ],            # sorted by id, each with "id" and "rev"
     "tombstones": [{"id": "...", "rev": 3, "generation": 6}]}   # advisory

A record may pin attachments: ``"attachments": [{"name": "guide.pdf",
"sha256": "<64 hex>", "length": 1234, "media_type": "application/pdf"}]``.

Everything that reaches the apply function has been through :func:`parse_manifest`
or :func:`validate_manifest`; errors name the collection, the record and the field.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

FORMAT = "ipkiosk-manifest/1"
COLLECTIONS = ("services", "policies", "notices", "news", "events", "booking_types")
# Records are displayed, indexed and (as ids) used in file names and URLs: keep them safe.
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
ATTACHMENT_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)$")
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
MAX_TEXT_CHARS = 200_000

# Fields every record of a collection must have (non-empty), and their types.
REQUIRED = {
    "services": {"title": str, "category": str, "summary": str},
    "policies": {"title": str, "summary": str, "body": str},
    "notices": {"title": str, "summary": str, "body": str},
    "news": {"title": str, "summary": str, "body": str},
    "events": {"title": str, "starts_at": str, "ends_at": str, "summary": str},
    "booking_types": {"title": str, "service_ids": list},
}
DATE_FIELDS = {"published_at": DATE_RE, "valid_until": DATETIME_RE, "starts_at": DATETIME_RE, "ends_at": DATETIME_RE}
LIST_OF_STR_FIELDS = ("keywords", "materials", "process", "channels", "related_ids", "service_ids", "prepare")
# Most items a list field may hold (publisher and terminal refuse more): a detail page shows every item,
# so these bound what one page costs to build and draw. The seed's largest lists are a quarter of these.
LIST_LIMITS = {"keywords": 30, "materials": 60, "process": 40, "channels": 20, "related_ids": 30,
               "service_ids": 200, "prepare": 30, "attachments": 20}


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
    records: list[dict]
    tombstones: list[dict] = field(default_factory=list)

    def attachments(self) -> list[Attachment]:
        return [Attachment(**a) for r in self.records for a in r.get("attachments", ())]

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


def _fail(where: str, problem: str) -> None:
    raise ManifestError(f"{where}: {problem}")


def _validate_record(collection: str, index: int, rec: object) -> dict:
    where = f"collection {collection!r}, record #{index}"
    if not isinstance(rec, dict):
        _fail(where, f"expected an object, got {type(rec).__name__}")
    rid = rec.get("id")
    if not isinstance(rid, str) or not ID_RE.match(rid):
        _fail(where, f"field 'id': got {rid!r}, expected a lowercase ASCII slug (a-z, 0-9, '-', ≤ 80 chars)")
    where = f"collection {collection!r}, record {rid!r}"
    rev = rec.get("rev")
    if not isinstance(rev, int) or isinstance(rev, bool) or rev < 1:
        _fail(where, f"field 'rev': got {rev!r}, expected an integer ≥ 1")
    for name, typ in REQUIRED[collection].items():
        value = rec.get(name)
        if not isinstance(value, typ) or not value:
            _fail(where, f"field {name!r}: got {value!r}, expected a non-empty {typ.__name__}")
    for name, pattern in DATE_FIELDS.items():
        value = rec.get(name)
        if value is not None and (not isinstance(value, str) or not pattern.match(value)):
            _fail(where, f"field {name!r}: got {value!r}, expected an ISO 8601 {'date' if pattern is DATE_RE else 'datetime with offset'}")
    for name in LIST_OF_STR_FIELDS:
        value = rec.get(name)
        if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
            _fail(where, f"field {name!r}: expected a list of strings")
    for name, value in rec.items():
        if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
            _fail(where, f"field {name!r}: {len(value)} characters, expected at most {MAX_TEXT_CHARS}")
    for i, att in enumerate(rec.get("attachments", ()) or ()):
        awhere = f"{where}, attachment #{i}"
        if not isinstance(att, dict) or set(att) != {"name", "sha256", "length", "media_type"}:
            _fail(awhere, "expected exactly name, sha256, length, media_type")
        if not isinstance(att["name"], str) or not ATTACHMENT_NAME_RE.match(att["name"]) or ".." in att["name"]:
            _fail(awhere, f"field 'name': got {att['name']!r}, expected a plain file name")
        if not isinstance(att["sha256"], str) or not SHA256_RE.match(att["sha256"]):
            _fail(awhere, f"field 'sha256': got {att['sha256']!r}, expected 64 lowercase hex digits")
        length = att["length"]
        if not isinstance(length, int) or isinstance(length, bool) or not 0 < length <= MAX_ATTACHMENT_BYTES:
            _fail(awhere, f"field 'length': got {length!r}, expected 1..{MAX_ATTACHMENT_BYTES}")
        if not isinstance(att["media_type"], str) or "/" not in att["media_type"]:
            _fail(awhere, f"field 'media_type': got {att['media_type']!r}, expected a MIME type")
    return rec


def validate_manifest(doc: object, *, expected_collection: str | None = None) -> Manifest:
    if not isinstance(doc, dict):
        raise ManifestError(f"manifest: expected a JSON object, got {type(doc).__name__}")
    if doc.get("format") != FORMAT:
        raise ManifestError(f"manifest: field 'format': got {doc.get('format')!r}, expected {FORMAT!r}")
    collection = doc.get("collection")
    if collection not in COLLECTIONS:
        raise ManifestError(f"manifest: field 'collection': got {collection!r}, expected one of {', '.join(COLLECTIONS)}")
    if expected_collection is not None and collection != expected_collection:
        raise ManifestError(f"manifest: field 'collection': got {collection!r}, expected {expected_collection!r}")
    generation = doc.get("generation")
    if not isinstance(generation, int) or isinstance(generation, bool) or generation < 0:
        raise ManifestError(f"manifest {collection!r}: field 'generation': got {generation!r}, expected an integer ≥ 0")
    records = doc.get("records")
    if not isinstance(records, list):
        raise ManifestError(f"manifest {collection!r}: field 'records': expected a list")
    records = [_validate_record(collection, i, r) for i, r in enumerate(records)]
    ids = [r["id"] for r in records]
    if ids != sorted(ids) or len(set(ids)) != len(ids):
        raise ManifestError(f"manifest {collection!r}: records must be sorted by id without duplicates")
    tombstones = doc.get("tombstones", [])
    if not isinstance(tombstones, list):
        raise ManifestError(f"manifest {collection!r}: field 'tombstones': expected a list")
    live = set(ids)
    for i, t in enumerate(tombstones):
        if (
            not isinstance(t, dict)
            or not isinstance(t.get("id"), str)
            or not ID_RE.match(t["id"])
            or not isinstance(t.get("rev"), int)
            or not isinstance(t.get("generation"), int)
        ):
            raise ManifestError(f"manifest {collection!r}: tombstone #{i}: expected {{id, rev, generation}}")
        if t["id"] in live:
            raise ManifestError(f"manifest {collection!r}: tombstone {t['id']!r} is also a live record")
    return Manifest(collection=collection, generation=generation, records=records, tombstones=tombstones)


def parse_manifest(data: bytes, *, expected_collection: str | None = None) -> Manifest:
    if len(data) > MAX_MANIFEST_BYTES:
        raise ManifestError(f"manifest: {len(data)} bytes, more than the cap of {MAX_MANIFEST_BYTES}")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"manifest: not UTF-8 JSON ({exc})") from None
    return validate_manifest(doc, expected_collection=expected_collection)
