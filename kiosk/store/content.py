"""content.db: synced, disposable content and the one apply function.

Qt-free. content.db may be deleted at any time: it is rebuilt from the bundled seed
and the next sync. Nothing here ever opens station.db.

The single writer is :func:`apply_manifests` (seed import and sync both go through it);
readers are the UI, the CLI and the search index loader.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from peewee import (
    BooleanField,
    CharField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
    fn,
)

from kiosk.core import kinds
from kiosk.core.clock import iso, utcnow
from kiosk.core.logs import FILE_ONLY
from kiosk.core.manifest import MAX_ORDER, MIN_ORDER, duplicate_ids
from kiosk.core.safe_text import is_blank
from kiosk.core.sync_outcome import SyncReason
from kiosk.search import index as search_index
from kiosk.store.db import DamagedRow, KioskDatabase, describe_damage, find_damaged_rows, init_database, is_damaged

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

_T = TypeVar("_T")

content_db = KioskDatabase(None)



class DamagedRecordError(ValueError):
    """A stored record cannot be read (a damaged byte on disk); readers skip it."""


class ApplyError(RuntimeError):
    """A manifest set cannot be applied (rollback, equivocation, id clash); nothing was changed. CODE says
    which, for the sync outcome."""

    def __init__(self, message: str, code: SyncReason):
        super().__init__(message)
        self.code = code


class ManifestLike(Protocol):
    collection: str
    generation: int
    records: list[dict[str, Any]]
    tombstones: list[dict[str, Any]]

    def sha256(self) -> str: ...


class BaseModel(Model):
    class Meta:
        database = content_db


class Record(BaseModel):
    id = CharField(primary_key=True)
    kind = CharField(index=True)
    rev = IntegerField()
    title = TextField()
    # The optional English title (the record's ``title_en``), for the short answers that carry titles
    # without the whole record: related records and search hits.
    title_en = TextField(null=True)
    category = CharField(null=True, index=True)
    # Typed columns for filtering/sorting; instants are normalised to UTC ISO strings.
    published_at = CharField(null=True)  # YYYY-MM-DD
    starts_at = CharField(null=True)
    ends_at = CharField(null=True)
    valid_until = CharField(null=True)
    hot = BooleanField(default=False)
    is_demo = BooleanField(default=False)
    # The record's curated ``order`` (NULL: none, listed after the ordered ones) and its title in pinyin
    # ("zhuan li shen qing", computed at apply time, where pypinyin is loaded): lists sort by them in SQL.
    curated_order = IntegerField(null=True)
    title_pinyin = TextField(null=True)
    # An event's ``event_type`` as published (NULL: none given): the events list filters by it. A type newer than
    # kiosk.core.kinds.EVENT_TYPES is kept as it is and counted as "other" when read, so a terminal that learns
    # the type later lists it under its own name without any content being re-applied.
    event_type = CharField(null=True, index=True)
    data = TextField()  # the full record as JSON

    def as_dict(self) -> dict[str, Any]:
        """The record as published, plus its kind; DamagedRecordError when a stored byte is damaged."""
        if is_damaged(self.id, self.kind, self.data):
            raise DamagedRecordError(f"record {_row_name(self.id)}: stored text is not valid UTF-8")
        try:
            out = json.loads(self.data)
        except ValueError:
            raise DamagedRecordError(f"record {self.id!r}: stored data is not valid JSON") from None
        if not isinstance(out, dict):
            raise DamagedRecordError(f"record {self.id!r}: stored data is not a JSON object")
        out["kind"] = self.kind
        return out


class Attachment(BaseModel):
    record = ForeignKeyField(Record, backref="attachments", on_delete="CASCADE")
    name = CharField()
    sha256 = CharField(index=True)
    length = IntegerField()
    media_type = CharField()


class SearchDoc(BaseModel):
    """Pre-computed search keys of one record (pinyin computed at apply time, never in the UI)."""

    record = ForeignKeyField(Record, primary_key=True, on_delete="CASCADE")
    kind = CharField()
    keys = TextField()  # JSON written by kiosk.search.index.index_record


class Vocabulary(BaseModel):
    """Candidate-bar words (titles and keywords) with their pinyin keys."""

    word = CharField(primary_key=True)
    keys = TextField()  # JSON written by kiosk.search.index.vocabulary
    weight = IntegerField(default=0)


class Tombstone(BaseModel):
    id = CharField(primary_key=True)
    kind = CharField()
    rev = IntegerField()
    generation = IntegerField()


class CollectionState(BaseModel):
    """High-water mark per collection: what content.db says was applied."""

    collection = CharField(primary_key=True)
    generation = IntegerField()
    manifest_sha256 = CharField()
    record_count = IntegerField()
    source = CharField()  # "seed" or "sync"
    applied_at = CharField()


class SyncStatus(BaseModel):
    """One row: the last sync outcome, for the UI, `ipkiosk status` and `doctor`."""

    id = IntegerField(primary_key=True, default=1)
    last_result = CharField(null=True)
    last_reason = TextField(null=True)  # in English, the technical detail
    # The machine reason (a kiosk.core.sync_outcome.SyncReason value) the staff screen words; NULL for an
    # outcome recorded before reason codes were (migration 0006).
    last_reason_code = CharField(null=True)
    # For a cycle that applied content: what it applied, as JSON (AppliedCounts.as_json); else NULL.
    last_applied = TextField(null=True)
    last_attempt_at = CharField(null=True)
    last_verified_at = CharField(null=True)
    last_success_at = CharField(null=True)
    next_attempt_at = CharField(null=True)
    # Bumped by every apply that changed something: the UI polls it to refresh lists.
    apply_serial = IntegerField(default=0)


class RefusedTarget(BaseModel):
    """A signed manifest this terminal refused for breaking the content rules (outcome REFUSED), one row
    per collection. Its collection keeps its last good generation; while the signed target stays the
    same (same sha256 and, for a refusal that depends on other collections, the same signed set) it is
    not downloaded again, and status keeps naming it until the publisher fixes it."""

    collection = CharField(primary_key=True)
    generation = IntegerField()
    sha256 = CharField()
    reason = TextField()
    # Fingerprint of every signed collection target when the refusal depends on other collections
    # (an id listed twice); NULL when the manifest breaks a rule on its own.
    signed_set = CharField(null=True)
    refused_at = CharField()


MODELS = [Record, Attachment, SearchDoc, Vocabulary, Tombstone, CollectionState, SyncStatus, RefusedTarget]


def _m0001_initial(db: SqliteDatabase) -> None:
    db.create_tables([Record, Attachment, SearchDoc, Vocabulary, Tombstone, CollectionState, SyncStatus])
    SyncStatus.create(id=1)


def _m0002_refused_target(db: SqliteDatabase) -> None:
    db.create_tables([RefusedTarget])


def _m0003_list_order(db: SqliteDatabase) -> None:
    """The curated order and pinyin title columns, filled in for the records already stored (from the record
    itself and its stored search keys, so that opening content.db never loads pypinyin)."""
    present = {c.name for c in db.get_columns("record")}
    if "curated_order" not in present:  # a database made by 0001 of this version already has both
        db.execute_sql("ALTER TABLE record ADD COLUMN curated_order INTEGER")
        db.execute_sql("ALTER TABLE record ADD COLUMN title_pinyin TEXT")
    rows = db.execute_sql("SELECT r.id, r.data, s.keys FROM record r LEFT JOIN searchdoc s ON s.record_id = r.id")
    for rid, data, keys in rows.fetchall():
        rec = _json_or_none(data, rid)
        doc = _json_or_none(keys) if keys is not None else None
        if rec is None:
            continue  # a damaged row: the repair at open removes it and the next sync rewrites it
        db.execute_sql("UPDATE record SET curated_order = ?, title_pinyin = ? WHERE id = ?",
                       (_curated_order(rec), _title_pinyin(doc) if doc else None, rid))


def _m0004_title_en(db: SqliteDatabase) -> None:
    """The English title column, filled in from the records already stored (a record without one, or a
    damaged row, gets NULL: the Chinese title is shown)."""
    if "title_en" not in {c.name for c in db.get_columns("record")}:  # 0001 of this version made it already
        db.execute_sql("ALTER TABLE record ADD COLUMN title_en TEXT")
    for rid, data in db.execute_sql("SELECT id, data FROM record").fetchall():
        rec = _json_or_none(data, rid)
        if rec is not None:
            db.execute_sql("UPDATE record SET title_en = ? WHERE id = ?", (_title_en(rec), rid))


def _m0005_event_type(db: SqliteDatabase) -> None:
    """The event type column, filled in for the events already stored (from the record itself)."""
    present = {c.name for c in db.get_columns("record")}
    if "event_type" not in present:  # a database made by 0001 of this version already has it
        db.execute_sql("ALTER TABLE record ADD COLUMN event_type VARCHAR(255)")
        db.execute_sql('CREATE INDEX IF NOT EXISTS "record_event_type" ON "record" ("event_type")')
    rows = db.execute_sql("SELECT id, data FROM record WHERE kind = 'events'")
    for rid, data in rows.fetchall():
        rec = _json_or_none(data, rid)
        if rec is not None:  # a damaged row: the repair at open removes it and the next sync rewrites it
            db.execute_sql("UPDATE record SET event_type = ? WHERE id = ?", (_event_type(rec), rid))


def _m0006_sync_reason_code(db: SqliteDatabase) -> None:
    """The machine reason and the applied counts of the last sync outcome. An outcome recorded before keeps its
    English reason and gets NULL for both: the staff screen then points to that technical detail."""
    present = {c.name for c in db.get_columns("syncstatus")}
    if "last_reason_code" not in present:  # a database made by 0001 of this version already has both
        db.execute_sql("ALTER TABLE syncstatus ADD COLUMN last_reason_code VARCHAR(255)")
        db.execute_sql("ALTER TABLE syncstatus ADD COLUMN last_applied TEXT")


MIGRATIONS = [("0001_initial", _m0001_initial), ("0002_refused_target", _m0002_refused_target),
              ("0003_list_order", _m0003_list_order), ("0004_title_en", _m0004_title_en),
              ("0005_event_type", _m0005_event_type), ("0006_sync_reason_code", _m0006_sync_reason_code)]


def open_content_db(path: Path | str) -> SqliteDatabase:
    return init_database(content_db, path, MIGRATIONS)


# ---------------------------------------------------------------- apply


@dataclass
class ApplyResult:
    changed_collections: list[str] = field(default_factory=list)
    upserted: int = 0
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.changed_collections)


def _utc(value: object) -> str | None:
    """VALUE (an ISO 8601 datetime with offset) as a UTC ISO string, or None. Never raises: manifests are
    validated before they get here, but one bad date must not stop an apply (it then sorts as unknown)."""
    if not value or not isinstance(value, str):
        return None
    try:
        return iso(dt.datetime.fromisoformat(value))
    except (ValueError, OverflowError):
        log.warning("date %r is not a valid datetime: stored as unknown", value)
        return None


_INSTANT_FIELDS = ("starts_at", "ends_at", "valid_until")


def _readable_instants(rec: dict[str, Any]) -> dict[str, Any]:
    """REC without the instants _utc cannot read, for the search index: it then treats them as
    unknown, like the typed columns do, instead of raising in the middle of an apply."""
    bad = {name for name in _INSTANT_FIELDS if rec.get(name) and _utc(rec[name]) is None}
    return {k: v for k, v in rec.items() if k not in bad} if bad else rec


def _curated_order(rec: dict[str, Any]) -> int | None:
    """The record's ``order``, or None. A terminal lets an unknown field through, so a record may carry an
    ``order`` older rules did not check: only a plain integer within the rules' range counts."""
    value = rec.get("order")
    ok = isinstance(value, int) and not isinstance(value, bool) and MIN_ORDER <= value <= MAX_ORDER
    return value if ok else None


def _event_type(rec: dict[str, Any]) -> str | None:
    """The record's ``event_type``, or None. A terminal lets an unknown field through, so a record written by
    older rules may carry one they did not check: only a well-formed type counts (a known one or a newer one)."""
    value = rec.get("event_type")
    return value if kinds.is_event_type_name(value) else None


def _title_pinyin(keys: dict[str, Any]) -> str | None:
    """The title's pinyin sort key from its search KEYS: the first reading of each unit, space-separated
    ("zhuan li shen qing"), so that 李 (li) sorts before 连 (lian) as in a dictionary."""
    slots = keys.get("title_slots")
    if not isinstance(slots, str):
        return None
    return " ".join(readings[0] for readings in search_index.slot_readings(slots))


def _title_en(rec: dict[str, Any]) -> str | None:
    """REC's English title, None when it has none or a blank one (the publisher checks that it is a text; a blank
    twin is no title, kiosk.core.language)."""
    value = rec.get("title_en")
    return value if isinstance(value, str) and not is_blank(value) else None


def _row_for(kind: str, rec: dict[str, Any]) -> dict[str, Any]:
    """REC as a Record row; its title_pinyin is set once its search keys are computed."""
    return {
        "id": rec["id"],
        "kind": kind,
        "rev": rec["rev"],
        "title": rec.get("title", ""),
        "title_en": _title_en(rec),
        "category": rec.get("category"),
        "published_at": rec.get("published_at"),
        "starts_at": _utc(rec.get("starts_at")),
        "ends_at": _utc(rec.get("ends_at")),
        "valid_until": _utc(rec.get("valid_until")),
        "hot": bool(rec.get("hot", False)),
        "is_demo": bool(rec.get("is_demo", False)),
        "curated_order": _curated_order(rec),
        "title_pinyin": None,
        "event_type": _event_type(rec) if kind == "events" else None,
        "data": json.dumps(rec, ensure_ascii=False, sort_keys=True),
    }


def id_clashes(manifests: Sequence[ManifestLike]) -> dict[str, str]:
    """{collection: reason} for the incoming MANIFESTS that would leave one id in two collections once
    applied, every other collection counted as content.db holds it. A refused manifest's collection keeps
    its applied ids, which may clash with another incoming one: so this repeats until nothing clashes.
    Both sides of a clash between two incoming manifests are refused (neither is known to be the right one)."""
    id_sets: dict[str, set[str]] = {}
    for rid, kind in Record.select(Record.id, Record.kind).tuples():
        id_sets.setdefault(kind, set()).add(rid)
    incoming = {m.collection: {rec["id"] for rec in m.records} for m in manifests}
    refused: dict[str, str] = {}
    while True:
        clashes = duplicate_ids({**id_sets, **{c: ids for c, ids in incoming.items() if c not in refused}})
        found = {}
        for rid, collections in clashes.items():
            for c in collections:
                if c in incoming and c not in refused and c not in found:
                    other = next(o for o in collections if o != c)
                    found[c] = (f"collection {c!r}: record {rid!r} is also listed in {other!r} "
                                "(an id must be unique across all collections)")
        if not found:
            return refused
        refused.update(found)


def check_manifest_against_state(m: ManifestLike) -> str:
    """'new', 'unchanged' or 'changed'; raises ApplyError for rollback/equivocation."""
    state = CollectionState.get_or_none(CollectionState.collection == m.collection)
    if state is None:
        return "new"
    if m.generation < state.generation:
        raise ApplyError(
            f"collection {m.collection!r}: generation {m.generation} is lower than the applied {state.generation} (rollback)",
            SyncReason.ROLLBACK)
    if m.generation == state.generation:
        if m.sha256() != state.manifest_sha256:
            raise ApplyError(
                f"collection {m.collection!r}: generation {m.generation} with a different hash than applied (equivocation)",
                SyncReason.EQUIVOCATION)
        return "unchanged"
    return "changed"


def apply_manifests(manifests: Sequence[ManifestLike], *, source: str = "sync") -> ApplyResult:
    """Apply validated manifests in ONE transaction, or change nothing.

    Upsert every listed record, delete records of the collection that the manifest does
    not list, keep tombstones, compute search keys, move the high-water marks.
    """
    result = ApplyResult()
    now = iso(utcnow())
    with content_db.atomic():
        todo = [m for m in manifests if check_manifest_against_state(m) != "unchanged"]
        if not todo:
            return result
        incoming_ids = {rec["id"]: m.collection for m in todo for rec in m.records}
        # Deletions first, so an id may move between collections within one apply.
        for m in todo:
            existing = {r.id: r.rev for r in Record.select(Record.id, Record.rev).where(Record.kind == m.collection)}
            gone = [rid for rid in existing if incoming_ids.get(rid) != m.collection]
            for chunk in _chunks(gone, 500):
                result.deleted += Record.delete().where(Record.id.in_(chunk)).execute()
        for m in todo:
            _apply_one(m, result)
            CollectionState.replace(
                collection=m.collection,
                generation=m.generation,
                manifest_sha256=m.sha256(),
                record_count=len(m.records),
                source=source,
                applied_at=now,
            ).execute()
            result.changed_collections.append(m.collection)
        search_index.rebuild_vocabulary(content_db, Vocabulary, Record, SearchDoc)
        SyncStatus.update(apply_serial=SyncStatus.apply_serial + 1).where(SyncStatus.id == 1).execute()
    log.info("applied %s: %d upserted, %d deleted", result.changed_collections, result.upserted, result.deleted)
    return result


# Rows per multi-row INSERT: well under SQLite's bound-variable limit for the widest table.
_BATCH_ROWS = 500


def _apply_one(m: ManifestLike, result: ApplyResult) -> None:
    current = {}
    for chunk in _chunks([rec["id"] for rec in m.records], _BATCH_ROWS):
        q = Record.select(Record.id, Record.kind, Record.rev, Record.data).where(Record.id.in_(chunk)).tuples()
        current.update({rid: (kind, rev, data) for rid, kind, rev, data in q})
    new_rows, attachments, search_rows = [], [], []
    for rec in m.records:
        row = _row_for(m.collection, rec)
        old = current.get(rec["id"])
        if old is not None:
            old_kind, old_rev, old_data = old
            if old_kind != m.collection:
                raise ApplyError(f"record {rec['id']!r} is listed in {m.collection!r} but also lives in {old_kind!r}",
                                 SyncReason.RECORD_CLASH)
            if rec["rev"] < old_rev:
                raise ApplyError(f"record {rec['id']!r}: rev {rec['rev']} is lower than the applied rev {old_rev}",
                                 SyncReason.ROLLBACK)
            if old_data == row["data"]:
                continue
        keys = search_index.index_record(m.collection, _readable_instants(rec))
        row["title_pinyin"] = _title_pinyin(keys)
        if old is None:
            new_rows.append(row)
        else:
            Record.update(**row).where(Record.id == rec["id"]).execute()
            Attachment.delete().where(Attachment.record == rec["id"]).execute()
        attachments += [{"record": rec["id"], **att} for att in rec.get("attachments") or ()]
        search_rows.append({"record": rec["id"], "kind": m.collection, "keys": json.dumps(keys, ensure_ascii=False)})
        result.upserted += 1
    # Multi-row statements: building one SQL statement per record dominated large applies.
    for chunk in _chunks(new_rows, _BATCH_ROWS):
        Record.insert_many(chunk).execute()
    for chunk in _chunks(attachments, _BATCH_ROWS):
        Attachment.insert_many(chunk).execute()
    for chunk in _chunks(search_rows, _BATCH_ROWS):
        SearchDoc.insert_many(chunk).on_conflict_replace().execute()
    tombstones = [{"id": t["id"], "kind": m.collection, "rev": t["rev"], "generation": t["generation"]}
                  for t in m.tombstones]
    for chunk in _chunks(tombstones, _BATCH_ROWS):
        Tombstone.insert_many(chunk).on_conflict_replace().execute()


def _chunks(items: Sequence[_T], size: int) -> Iterable[Sequence[_T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def ensure_search_keys_current() -> int:
    """Recompute search keys written by an older key format; returns how many records were redone."""
    if search_index.keys_are_current(SearchDoc):
        return 0
    count = search_index.reindex_all(content_db, Vocabulary, Record, SearchDoc)
    log.info("recomputed search keys of %d records for key format %s", count, search_index.KEYS_VERSION)
    return count


# ---------------------------------------------------------------- reads


def collection_states() -> dict[str, CollectionState]:
    return {s.collection: s for s in CollectionState.select()}


def counts_by_kind() -> dict[str, int]:
    from peewee import fn

    q = Record.select(Record.kind, fn.COUNT(Record.id)).group_by(Record.kind).tuples()
    return {kind: n for kind, n in q if not is_damaged(kind)}


def has_content() -> bool:
    return bool(CollectionState.select().exists())


def sync_status() -> SyncStatus:
    status: SyncStatus = SyncStatus.get_by_id(1)
    return status


@dataclass(frozen=True)
class Refusal:
    """A signed manifest refused for breaking the content rules (stored as a RefusedTarget row)."""

    collection: str
    generation: int
    sha256: str
    reason: str
    signed_set: str | None = None
    refused_at: str | None = None  # set when stored; kept while the same target stays refused


def refused_targets() -> dict[str, Refusal]:
    """The refusals the last completed sync cycle left standing, by collection."""
    return {r.collection: Refusal(r.collection, r.generation, r.sha256, r.reason, r.signed_set, r.refused_at)
            for r in RefusedTarget.select()}


@dataclass(frozen=True)
class AppliedCounts:
    """What a sync cycle applied: the collections and their new generations, in the order applied, and how
    many records were added or changed and deleted in all of them."""

    generations: tuple[tuple[str, int], ...]
    upserted: int
    deleted: int

    def as_json(self) -> str:
        return json.dumps({"collections": [{"collection": c, "generation": g} for c, g in self.generations],
                           "upserted": self.upserted, "deleted": self.deleted})


def _applied_or_none(raw: str | None) -> dict[str, Any] | None:
    """The stored counts of the last apply as a dict (AppliedCounts.as_json); None for none or for a value that
    cannot be read (a damaged byte: logged, and the staff screen then points to the English detail)."""
    if raw is None:
        return None
    doc = _json_or_none(raw)
    try:
        if doc is not None:
            return {"collections": [{"collection": str(c["collection"]), "generation": int(c["generation"])}
                                    for c in doc["collections"]],
                    "upserted": int(doc["upserted"]), "deleted": int(doc["deleted"])}
    except (KeyError, TypeError, ValueError):
        pass
    log.error("syncstatus.last_applied cannot be read: %.80r", raw)
    return None


def record_sync_outcome(result: str, reason: str, code: SyncReason, *, verified: bool = False,
                        next_attempt_at: str | None = None, refusals: Iterable[Refusal] | None = None,
                        applied: AppliedCounts | None = None) -> None:
    """Record a cycle's outcome: its class, its English REASON (the technical detail) and its machine CODE.
    REFUSALS, given by a cycle that compared every signed collection (OK, UNCHANGED, REFUSED), replace the
    standing ones; None (the cycle ended early) keeps them. APPLIED: what the cycle applied, if anything."""
    now = iso(utcnow())
    fields = {"last_result": result, "last_reason": reason, "last_reason_code": code.value, "last_attempt_at": now,
              "next_attempt_at": next_attempt_at, "last_applied": applied.as_json() if applied else None}
    if verified:
        fields["last_verified_at"] = now
    if result == "OK":
        fields["last_success_at"] = now
    with content_db.atomic():
        SyncStatus.update(**fields).where(SyncStatus.id == 1).execute()
        if refusals is not None:
            RefusedTarget.delete().execute()
            for r in refusals:
                RefusedTarget.create(collection=r.collection, generation=r.generation, sha256=r.sha256,
                                     reason=r.reason, signed_set=r.signed_set, refused_at=r.refused_at or now)


def status_dict() -> dict[str, Any]:
    """The document behind `ipkiosk status --json` (documented in docs/cli.md)."""
    states = collection_states()
    counts = counts_by_kind()
    s = sync_status()
    refused = refused_targets()
    return {
        "collections": {
            kind: {
                "count": counts.get(kind, 0),
                "generation": states[kind].generation if kind in states else None,
                "source": states[kind].source if kind in states else None,
                "applied_at": states[kind].applied_at if kind in states else None,
            }
            for kind in kinds.DISPLAY_ORDER
        },
        # Signed generations refused for breaking the content rules; their collection shows the generation above.
        "refused": {c: {"generation": r.generation, "reason": r.reason, "refused_at": r.refused_at}
                    for c, r in sorted(refused.items())},
        "last_result": s.last_result,
        "last_reason": s.last_reason,
        "last_reason_code": s.last_reason_code,
        "last_applied": _applied_or_none(s.last_applied),
        "last_attempt_at": s.last_attempt_at,
        "last_verified_at": s.last_verified_at,
        "last_success_at": s.last_success_at,
        "next_attempt_at": s.next_attempt_at,
        "content_updated_at": max((st.applied_at for st in states.values()), default=None),
    }


def get_record(record_id: str) -> dict[str, Any] | None:
    """The record, or None when there is none or it cannot be read (then it is logged)."""
    row = Record.get_or_none(Record.id == record_id)
    return _readable(row) if row else None


def _natural_order(kind: str) -> tuple[Any, ...]:
    """What orders KIND's records that share a curated order (or have none), before popularity:
    events by start and documents newest first; services and booking types have none."""
    if kind == "events":
        return (Record.starts_at,)
    if kind in ("policies", "notices", "news"):
        return (Record.published_at,)
    return ()


def _in_display_order(query: Any, kind: str, views: Mapping[str, int] | None) -> list[Record]:
    """The rows of QUERY (records of KIND) in display order: the curated ``order`` first (records without
    one after every ordered one), then the kind's natural order (events by start, documents newest first),
    then local popularity (VIEWS: {record id: views in the last 30 days}, from station.db), then
    the title's pinyin. Never by id: an id slug says nothing about what a visitor looks for.

    The database sorts by everything but popularity (content.db never opens station.db); popularity then
    reorders each run of rows that tie on the keys before it, keeping the pinyin order within a run."""
    natural = _natural_order(kind)
    q = query.order_by(Record.curated_order.asc(nulls="last"), *(c.desc(nulls="last") for c in natural),
                       Record.title_pinyin.asc(nulls="last"), Record.title,
                       Record.id)  # not an order a visitor sees: only so that pages of equal titles never overlap
    rows = list(q)
    if not views:
        return rows

    def tie(row: Record) -> tuple[Any, ...]:
        return (row.curated_order, *(getattr(row, c.name) for c in natural))

    out: list[Record] = []
    for _, run in itertools.groupby(rows, key=tie):
        out += sorted(run, key=lambda r: -views.get(r.id, 0))
    return out


def _of_kind(kind: str, category: str | None, event_type: str | None = None, *columns: Any) -> Any:
    """The records of KIND, of one CATEGORY and one EVENT_TYPE when given (COLUMNS only, when given)."""
    q = Record.select(*columns).where(Record.kind == kind)
    if category:
        q = q.where(Record.category == category)
    if event_type == kinds.OTHER_EVENT_TYPE:  # "other" takes in every type this version does not know
        known = [name for name in kinds.EVENT_TYPES if name != kinds.OTHER_EVENT_TYPE]
        return q.where(Record.event_type.is_null(False), Record.event_type.not_in(known))
    return q.where(Record.event_type == event_type) if event_type else q


def list_records(kind: str, *, category: str | None = None, event_type: str | None = None,
                 views: Mapping[str, int] | None = None, offset: int = 0,
                 limit: int | None = None) -> list[dict[str, Any]]:
    """Records of KIND (one CATEGORY, one EVENT_TYPE if given) in display order (see _in_display_order). VIEWS: {record id:
    views in the last 30 days}, ``station.views_since(now - dt.timedelta(days=station.POPULAR_DAYS))``
    from kiosk.store.station; None: no tie-break by popularity. OFFSET and LIMIT cut the rows of that order
    (count_records gives their number); a damaged row in the cut is left out, so a page may be shorter."""
    q = _of_kind(kind, category, event_type)
    if views or limit is None:
        # popularity reorders runs of tied rows in Python, so the whole order is read before the cut
        rows = _in_display_order(q, kind, views)
        rows = rows[offset:] if limit is None else rows[offset:offset + limit]
    else:
        rows = _in_display_order(q.offset(offset).limit(limit), kind, None)
    return [rec for rec in map(_readable, rows) if rec is not None]


def order_keys(kind: str, *, category: str | None = None, event_type: str | None = None) -> list[dict[str, Any]]:
    """{id, starts_at, ends_at, valid_until} (instants as UTC ISO text) of every record list_records(KIND,
    category=CATEGORY, event_type=EVENT_TYPE) gives, in its order, without reading the records themselves: what
    an order that depends on "now" (kiosk.core.listing) is computed from before records_by_id reads one page."""
    q = _of_kind(kind, category, event_type, Record.id, Record.starts_at, Record.ends_at, Record.valid_until)
    return list(_in_display_order(q.dicts(), kind, None))


def records_by_id(ids: Sequence[str]) -> list[dict[str, Any]]:
    """The records IDS name, in that order; an id that is gone or whose row is damaged is left out."""
    found = {row.id: row for row in Record.select().where(Record.id.in_(list(ids)))}
    return [rec for rec in map(_readable, (found[i] for i in ids if i in found)) if rec is not None]


def count_records(kind: str, *, category: str | None = None, event_type: str | None = None) -> int:
    """How many rows list_records(KIND, category=CATEGORY, event_type=EVENT_TYPE) cuts its pages from."""
    count: int = _of_kind(kind, category, event_type).count()
    return count


def event_type_counts() -> dict[str, int]:
    """{event type: number of events of that type} for the types some event has (kinds.EVENT_TYPES order); events
    of a type this version does not know count as "other"."""
    q = (Record.select(Record.event_type, fn.COUNT(Record.id))
         .where(Record.kind == "events", Record.event_type.is_null(False)).group_by(Record.event_type).tuples())
    counts: dict[str, int] = {}
    for stored, count in q:
        shown = kinds.shown_event_type(stored)
        if shown is not None:
            counts[shown] = counts.get(shown, 0) + count
    return {name: counts[name] for name in kinds.EVENT_TYPES if name in counts}


def service_categories(views: Mapping[str, int] | None = None) -> list[tuple[str, int]]:
    """(category, number of services) in catalogue order: a category stands where its first service stands
    in the services list (list_records), so the categories of the curated leading services lead; VIEWS
    as for list_records. A service without a category counts under ""."""
    q = Record.select(Record.id, Record.category, Record.curated_order, Record.title_pinyin, Record.title).where(
        Record.kind == "services")
    counts: dict[str, int] = {}
    for row in _in_display_order(q, "services", views):
        if not is_damaged(row.category):
            counts[row.category or ""] = counts.get(row.category or "", 0) + 1
    return list(counts.items())


def referenced_blob_hashes() -> set[str]:
    return {a.sha256 for a in Attachment.select(Attachment.sha256).distinct()}


def search_docs() -> list[tuple[str, str, str, dict[str, Any]]]:
    """(id, kind, title, keys) for every readable record: what the search engine indexes."""
    q = SearchDoc.select(SearchDoc.record, SearchDoc.kind, Record.title, SearchDoc.keys).join(Record).tuples()
    out = []
    for rid, kind, title, keys in q:
        doc = _json_or_none(keys, rid, kind, title)
        if doc is None:
            _log_skipped("search keys of record", rid)
        else:
            out.append((rid, kind, title, doc))
    return out


def vocabulary_rows() -> list[tuple[str, dict[str, Any], int]]:
    """Candidate-bar words; a damaged word is left out (the next apply rebuilds the table)."""
    out = []
    for word, keys, weight in Vocabulary.select().tuples():
        doc = _json_or_none(keys, word)
        if doc is None:
            _log_skipped("candidate word", word)
        else:
            out.append((word, doc, weight))
    return out


# ---------------------------------------------------------------- damaged rows

# CollectionState of a collection whose rows were damaged: generation -1 is below every signed
# generation (≥ 0), so the next sync downloads the collection again and the apply rewrites
# every row that is missing or differs; the marker hash never equals a real one.
REFETCH_GENERATION = -1
REFETCH_MARK = "refetch: damaged rows removed"

# Each read logs a damaged row once per process (a list page is read again every few seconds).
_skipped_logged: set[tuple[str, str]] = set()


def _row_name(value: object) -> str:
    return "(id itself unreadable)" if is_damaged(value) else repr(value)


def _log_skipped(what: str, key: object) -> None:
    name = _row_name(key)
    if (what, name) not in _skipped_logged:
        _skipped_logged.add((what, name))
        # The file only: the repair at open (kiosk/store/recovery.py) and doctor say it on screen.
        log.error("content.db: %s %s cannot be read (damaged on disk); skipped until it is re-fetched", what, name,
                  extra={FILE_ONLY: True})


def _readable(row: Record) -> dict[str, Any] | None:
    try:
        return row.as_dict()
    except DamagedRecordError:
        _log_skipped("record", row.id)
        return None


def _json_or_none(raw: str, *texts: object) -> dict[str, Any] | None:
    if is_damaged(raw, *texts):
        return None
    try:
        doc = json.loads(raw)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


# Per table: the column naming a row, and its JSON columns (every text column is checked for UTF-8).
_DAMAGE_SCAN = {Record: ("id", ("data",)), Attachment: ("record_id", ()), SearchDoc: ("record_id", ("keys",)),
                Vocabulary: ("word", ("keys",)), Tombstone: ("id", ()), CollectionState: ("collection", ()),
                SyncStatus: ("id", ())}


def _text_columns(model: type[Model]) -> tuple[str, ...]:
    return tuple(f.column_name for f in model._meta.sorted_fields if f.field_type in ("VARCHAR", "TEXT"))


def damaged_rows() -> list[DamagedRow]:
    """Every row of content.db holding a value that cannot be read (not UTF-8, or JSON that does not parse).

    Reads the database the models are bound to (doctor binds them to a read-only connection)."""
    conn = Record._meta.database.connection()
    found: list[DamagedRow] = []
    for model, (key, json_columns) in _DAMAGE_SCAN.items():
        found += find_damaged_rows(conn, model._meta.table_name, key, _text_columns(model), json_columns)
    return found


def _kind_of(table: str, rowid: int) -> str | None:
    """The collection of a damaged row, when that part of it is still readable."""
    sql = {"record": "SELECT CAST(kind AS BLOB) FROM record WHERE rowid = ?",
           "tombstone": "SELECT CAST(kind AS BLOB) FROM tombstone WHERE rowid = ?",
           "searchdoc": "SELECT CAST(kind AS BLOB) FROM searchdoc WHERE rowid = ?",
           "attachment": "SELECT CAST(r.kind AS BLOB) FROM attachment a JOIN record r ON r.id = a.record_id"
                         " WHERE a.rowid = ?"}.get(table)
    row = Record._meta.database.execute_sql(sql, (rowid,)).fetchone() if sql else None
    try:
        return row[0].decode("utf-8") if row and row[0] is not None else None
    except UnicodeDecodeError:
        return None


def schedule_refetch(damage: list[DamagedRow]) -> list[str]:
    """Remove the damaged rows and mark their collections for a clean re-fetch; returns those collections.

    content.db is disposable, so nothing is lost: a damaged record (or its attachments or search
    keys) is deleted with everything hanging off it, and its collection's high-water mark is set to
    REFETCH_GENERATION, so the next sync downloads that collection's verified manifest again and the
    apply re-inserts the missing rows. A row whose collection cannot be read marks every collection.
    Returns the marked collections (a seed-only collection is re-applied from the seed by the caller)."""
    marked: set[str] = set()
    every = False
    with content_db.atomic():
        for d in damage:
            if d.table in ("record", "attachment", "searchdoc", "tombstone"):
                kind = _kind_of(d.table, d.rowid)
                if kind is None:
                    every = True
                else:
                    marked.add(kind)
                if d.table in ("attachment", "searchdoc") and d.key is not None:
                    Record.delete().where(Record.id == d.key).execute()
                content_db.execute_sql(f"DELETE FROM {d.table} WHERE rowid = ?", (d.rowid,))
            elif d.table == "vocabulary":
                content_db.execute_sql("DELETE FROM vocabulary WHERE rowid = ?", (d.rowid,))
            elif d.table == "collectionstate":
                if d.key is None:
                    # Which collection it was is unknown: every other one is re-fetched, and this one,
                    # now without a state, is new to the next sync (or to the seed import).
                    content_db.execute_sql("DELETE FROM collectionstate WHERE rowid = ?", (d.rowid,))
                    every = True
                else:
                    # Rewrite the damaged columns; an unreadable source counts as the seed (re-applied at once).
                    content_db.execute_sql(
                        "UPDATE collectionstate SET applied_at = ?, source = CASE WHEN CAST(source AS BLOB) = "
                        "CAST('sync' AS BLOB) THEN 'sync' ELSE 'seed' END WHERE rowid = ?", (iso(utcnow()), d.rowid))
                    marked.add(d.key)
            elif d.table == "syncstatus":
                columns = ", ".join(f"{c} = NULL" for c in _text_columns(SyncStatus))
                content_db.execute_sql(f"UPDATE syncstatus SET {columns} WHERE rowid = ?", (d.rowid,))
        if every:
            # A damaged id leaves its search keys and attachments pointing at nothing: drop them too.
            content_db.execute_sql("DELETE FROM searchdoc WHERE record_id NOT IN (SELECT id FROM record)")
            content_db.execute_sql("DELETE FROM attachment WHERE record_id NOT IN (SELECT id FROM record)")
            marked |= {s.collection for s in CollectionState.select(CollectionState.collection)
                       if not is_damaged(s.collection)}
        CollectionState.update(generation=REFETCH_GENERATION, manifest_sha256=REFETCH_MARK).where(
            CollectionState.collection.in_(sorted(marked))).execute()
        if any(d.table in ("record", "searchdoc", "vocabulary") for d in damage):
            search_index.rebuild_vocabulary(content_db, Vocabulary, Record, SearchDoc)
            SyncStatus.update(apply_serial=SyncStatus.apply_serial + 1).where(SyncStatus.id == 1).execute()
    return sorted(marked)


def damage_by_collection(damage: list[DamagedRow]) -> str:
    """'2 damaged rows in services (svc-a, svc-b); 1 damaged row in an unknown collection (rowid 7)'."""
    groups: dict[str, list[DamagedRow]] = {}
    for d in damage:
        where = d.table if d.table in ("vocabulary", "collectionstate", "syncstatus") else _kind_of(d.table, d.rowid)
        groups.setdefault(where or "an unknown collection", []).append(d)
    return "; ".join(describe_damage(rows, where=where) for where, rows in groups.items())


def refetch_pending() -> dict[str, str]:
    """Collections waiting for a clean re-fetch after damaged rows were removed → their source."""
    q = CollectionState.select().where(CollectionState.manifest_sha256 == REFETCH_MARK)
    return {s.collection: s.source for s in q}
