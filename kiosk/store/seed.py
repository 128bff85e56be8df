"""Bundled first-boot content, imported through the same validation and apply code as a sync."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.core import config as config_mod
from kiosk.core.manifest import COLLECTIONS, Manifest, ManifestError, duplicate_ids, load_json, validate_manifest
from kiosk.store import content

SEED_DIR = Path(__file__).resolve().parent.parent.parent / "assets" / "content"
# Seed content is generation 0: any signed generation (>= 1) supersedes it.
SEED_GENERATION = 0


def _sort_key(record: dict[str, Any]) -> str:
    rid = record.get("id")
    return rid if isinstance(rid, str) else ""  # a bad id sorts first; validation names it


def check_unique_ids(manifests: dict[str, Manifest], names: dict[str, str]) -> None:
    """ManifestError naming the files (NAMES: {collection: file name}) and the id if one id is listed
    by two collections: a terminal could not tell which record a link or a search hit means."""
    clashes = duplicate_ids({c: {r["id"] for r in m.records} for c, m in manifests.items()})
    if clashes:
        rid, collections = next(iter(clashes.items()))
        more = f" (and {len(clashes) - 1} more such id(s))" if len(clashes) > 1 else ""
        raise ManifestError(f"record {rid!r} is listed in both {names[collections[0]]} and {names[collections[1]]}: "
                            f"an id must be unique across all collections{more}")


def load_source_dir(source_dir: Path, generation: int, *,
                    prepare_record: Callable[[str, dict[str, Any]], object] | None = None) -> list[Manifest]:
    """Read a content source folder (one <collection>.json per collection) into validated manifests.

    ``prepare_record(collection, record) -> record``, if given, runs on every record before
    validation (the publisher uses it to pin attachment files by sha256 + length). Every way a file
    can be wrong (unreadable, a folder, not UTF-8 JSON, nested too deep, breaking a content rule) is
    one ManifestError naming the file, and the record and field where there is one."""
    manifests: dict[str, Manifest] = {}
    names: dict[str, str] = {}
    for collection in COLLECTIONS:
        path = source_dir / f"{collection}.json"
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise ManifestError(f"{path}: cannot read ({exc.strerror or exc})") from None
        try:
            doc = load_json(data)
        except ManifestError as exc:
            raise ManifestError(f"{path}: {exc}") from None
        if not isinstance(doc, dict) or doc.get("collection") != collection or not isinstance(doc.get("records"), list):
            raise ManifestError(f"{path}: expected {{\"collection\": {collection!r}, \"records\": [...]}}")
        for i, rec in enumerate(doc["records"]):  # before sorting, so the number is the file's order
            if not isinstance(rec, dict):
                raise ManifestError(f"{path}: record #{i}: expected an object, got {type(rec).__name__}")
        records = sorted(doc["records"], key=_sort_key)
        try:
            if prepare_record is not None:
                records = [prepare_record(collection, r) for r in records]
            manifests[collection] = validate_manifest({"format": "ipkiosk-manifest/1", "collection": collection,
                                                       "generation": generation, "records": records,
                                                       "tombstones": []})
        except ManifestError as exc:
            raise ManifestError(f"{path}: {exc}") from None
        names[collection] = str(path)
    check_unique_ids(manifests, names)
    return list(manifests.values())


def import_seed(seed_dir: Path = SEED_DIR) -> content.ApplyResult:
    """Apply the bundled seed. Only into collections that have never been applied:
    synced content is never replaced by older bundled content."""
    states = content.collection_states()
    manifests = [m for m in load_source_dir(seed_dir, SEED_GENERATION) if m.collection not in states]
    return content.apply_manifests(manifests, source="seed")


def open_content(cfg: config_mod.Config, *, seed_if_empty: bool = True) -> None:
    """Open content.db and import the bundled seed on first start.

    A corrupt file is moved aside and rebuilt; damaged rows are removed and re-fetched; on a full
    disk the file is opened read-only and the reason is said once on stderr (kiosk/store/recovery.py)."""
    from kiosk.store.recovery import open_content_db_recovering, read_only_reason

    open_content_db_recovering(cfg.content_db_path, read_only_fallback=True)
    if read_only_reason() is not None:
        # Stored content is shown as it is; no seed import, no key recompute (both would write).
        return
    if seed_if_empty and not content.has_content():
        import_seed()
    # After an upgrade that changed the search-key format, recompute the stored keys once.
    content.ensure_search_keys_current()
