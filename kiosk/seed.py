"""Bundled first-boot content, imported through the same validation and apply code as a sync."""

from __future__ import annotations

import json
from pathlib import Path

from kiosk.store import content
from sync.manifest import COLLECTIONS, ManifestError, validate_manifest

SEED_DIR = Path(__file__).resolve().parent.parent / "assets" / "content"
# Seed content is generation 0: any signed generation (>= 1) supersedes it.
SEED_GENERATION = 0


def load_source_dir(source_dir: Path, generation: int, *, prepare_record=None) -> list:
    """Read a content source folder (one <collection>.json per collection) into validated manifests.

    ``prepare_record(collection, record) -> record``, if given, runs on every record before
    validation (the publisher uses it to pin attachment files by sha256 + length)."""
    manifests = []
    for collection in COLLECTIONS:
        path = source_dir / f"{collection}.json"
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ManifestError(f"{path}: cannot read ({exc})") from None
        if not isinstance(doc, dict) or doc.get("collection") != collection or not isinstance(doc.get("records"), list):
            raise ManifestError(f"{path}: expected {{\"collection\": {collection!r}, \"records\": [...]}}")
        records = sorted(doc["records"], key=lambda r: r.get("id", "") if isinstance(r, dict) else "")
        try:
            if prepare_record is not None:
                records = [prepare_record(collection, r) for r in records]
            manifests.append(validate_manifest({"format": "ipkiosk-manifest/1", "collection": collection,
                                                "generation": generation, "records": records, "tombstones": []}))
        except ManifestError as exc:
            raise ManifestError(f"{path}: {exc}") from None
    return manifests


def import_seed(seed_dir: Path = SEED_DIR) -> content.ApplyResult:
    """Apply the bundled seed. Only into collections that have never been applied:
    synced content is never replaced by older bundled content."""
    states = content.collection_states()
    manifests = [m for m in load_source_dir(seed_dir, SEED_GENERATION) if m.collection not in states]
    return content.apply_manifests(manifests, source="seed")
