"""`ipkiosk-publish`: content source folder → signed static repository (central office side).

Qt-free. Commands::

    ipkiosk-publish init KEYS_DIR [--root-threshold N] [--root-keys M]
    ipkiosk-publish build SOURCE_DIR REPO_DIR --keys KEYS_DIR [--timestamp-expiry-h H]
    ipkiosk-publish refresh-timestamp REPO_DIR --keys KEYS_DIR [--timestamp-expiry-h H]
    ipkiosk-publish rotate-keys KEYS_DIR REPO_DIR --role ROLE [--role ROLE ...]

A content source folder has the layout of assets/content (one ``<collection>.json`` per
collection). A record declares attachments as ``{"name": "guide.pdf", "media_type":
"application/pdf"}`` and the file lives at ``SOURCE_DIR/attachments/<record id>/<name>``;
the publisher pins it by sha256 + length. docs/sync.md is the operator's guide.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import logging
import mimetypes
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tuf.api import exceptions as tuf_exc
from tuf.api.serialization import DeserializationError

from kiosk.core.manifest import (
    ATTACHMENT_NAME_RE,
    ID_RE,
    LIST_LIMITS,
    Manifest,
    ManifestError,
    load_json,
    parse_manifest,
    unknown_event_types,
)
from kiosk.store.seed import check_unique_ids, load_source_dir
from kiosk.sync import trust
from kiosk.sync.blobs import BlobStore

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2

# Where a packaged terminal keeps the trusted root (``trusted_root`` in its config): the technician guide
# installs the ``1.root.json`` that `init` writes under this name, and `init` says so in the same words.
TERMINAL_TRUSTED_ROOT = "/etc/ipkiosk/root.json"


@dataclass
class BuildResult:
    targets_version: int
    changed_collections: list[str] = field(default_factory=list)
    blobs_added: int = 0
    # What the central office should know but that does not stop the build (an event type older terminals
    # show as 其他), one line each.
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changed_collections)


class _AttachmentPinner:
    """prepare_record hook: replaces attachment declarations by sha256 + length, copying files to blobs/."""

    def __init__(self, source_dir: Path, blobs: BlobStore):
        self.source_dir = source_dir
        self.blobs = blobs
        self.added = 0

    def __call__(self, collection: str, record: object) -> object:
        if not isinstance(record, dict) or not record.get("attachments"):
            return record
        rid = record.get("id")
        if not isinstance(rid, str) or not ID_RE.match(rid):
            return record  # validation names the bad id
        atts = record["attachments"]
        if not isinstance(atts, list):
            raise ManifestError(f"collection {collection!r}, record {rid!r}: field 'attachments': expected a list")
        if len(atts) > LIST_LIMITS["attachments"]:  # before hashing any file
            raise ManifestError(f"collection {collection!r}, record {rid!r}: field 'attachments': {len(atts)} items, "
                                f"expected at most {LIST_LIMITS['attachments']}")
        pinned = []
        for i, att in enumerate(atts):
            where = f"collection {collection!r}, record {rid!r}: field 'attachments', item #{i}"
            if not isinstance(att, dict) or not set(att) <= {"name", "media_type"} or "name" not in att:
                raise ManifestError(f"{where}: expected {{\"name\": FILE, \"media_type\": MIME (optional)}}")
            name = att["name"]
            if not isinstance(name, str) or not ATTACHMENT_NAME_RE.match(name) or ".." in name:
                raise ManifestError(f"{where}: field 'name': got {name!r}, expected a plain file name")
            path = self.source_dir / "attachments" / rid / name
            if not path.is_file():
                raise ManifestError(f"{where}: file attachments/{rid}/{name} not found in the source folder")
            try:
                sha256, length, added = self.blobs.add_file(path)
            except OSError as exc:
                raise ManifestError(f"{where}: file attachments/{rid}/{name}: cannot read ({exc.strerror})") from None
            self.added += added
            media_type = att.get("media_type") or mimetypes.guess_type(name)[0] or "application/octet-stream"
            pinned.append({"name": name, "sha256": sha256, "length": length, "media_type": media_type})
        return {**record, "attachments": pinned}


def _tombstones(previous: Manifest | None, new_ids: set[str], generation: int) -> list[dict[str, Any]]:
    """Advisory tombstones: previous ones (unless the id came back) plus ids removed now."""
    if previous is None:
        return []
    kept = {t["id"]: t for t in previous.tombstones if t["id"] not in new_ids}
    for rec in previous.records:
        if rec["id"] not in new_ids:
            kept[rec["id"]] = {"id": rec["id"], "rev": rec["rev"], "generation": generation}
    return [kept[k] for k in sorted(kept)]


def _published_manifest(data: bytes, collection: str) -> Manifest:
    """The published manifest of COLLECTION, for comparison. One signed by an older publisher may break
    a content rule added since: it is still read (ids, revs, tombstones), so the new source replaces it."""
    try:
        return parse_manifest(data, expected_collection=collection)
    except ManifestError as exc:
        doc = load_json(data)
        records = doc.get("records") if isinstance(doc, dict) else None
        tombstones = doc.get("tombstones", []) if isinstance(doc, dict) else None
        # What _check_revisions and _tombstones rely on: every record and tombstone has a str id and an int rev.
        if (not isinstance(doc, dict) or not isinstance(records, list) or not isinstance(tombstones, list)
                or not all(isinstance(r, dict) and isinstance(r.get("id"), str) and type(r.get("rev")) is int
                           for r in records + tombstones)):
            raise ManifestError(f"the published manifest of {collection!r} cannot be read: {exc}") from None
        return Manifest(collection, doc.get("generation", 0), records, tombstones)


def _check_revisions(collection: str, previous: Manifest, new: Manifest) -> None:
    """Terminals refuse a rev going down, and only a higher rev tells them a record changed."""
    before = {r["id"]: r for r in previous.records}
    for rec in new.records:
        old = before.get(rec["id"])
        if old is None or old == rec:
            continue
        if rec["rev"] <= old["rev"]:
            raise ManifestError(f"collection {collection!r}, record {rec['id']!r}: field 'rev': the record changed, "
                                f"so rev must be higher than the published {old['rev']} (got {rec['rev']})")


def republish(repo_dir: Path, keys_dir: Path, *, timestamp_expiry: dt.timedelta = trust.DEFAULT_TIMESTAMP_EXPIRY) -> int:
    """Re-sign the current manifests as a new targets/snapshot/timestamp version (after a key rotation)."""
    writer = trust.RepositoryWriter(repo_dir, trust.KeyStore.load(keys_dir))
    out = {}
    for collection, target in writer.signed_targets().items():
        data = (repo_dir / "targets" / "content" / f"{target.sha256}.{collection}.json").read_bytes()
        out[collection] = (data, target.sha256, target.generation)
    return writer.publish(out, timestamp_expiry=timestamp_expiry)


def build(source_dir: Path, repo_dir: Path, keys_dir: Path, *,
          timestamp_expiry: dt.timedelta = trust.DEFAULT_TIMESTAMP_EXPIRY) -> BuildResult:
    """Write or update the repository. Order: blobs → manifests → targets → snapshot → timestamp."""
    keys = trust.KeyStore.load(keys_dir)
    writer = trust.RepositoryWriter(repo_dir, keys)
    published = writer.signed_targets()
    next_version = writer.targets_version() + 1

    pinner = _AttachmentPinner(source_dir, BlobStore(repo_dir / "blobs"))
    source = {m.collection: m for m in load_source_dir(source_dir, next_version, prepare_record=pinner)}

    out: dict[str, tuple[bytes, str, int]] = {}
    result = BuildResult(targets_version=writer.targets_version(),
                         warnings=[w for m in source.values() for w in unknown_event_types(m)])
    # What terminals will hold after this build, per collection, and where it comes from (for messages).
    final = dict(source)
    names = {c: str(source_dir / f"{c}.json") for c in source}
    for collection, target in published.items():
        data = (repo_dir / "targets" / "content" / f"{target.sha256}.{collection}.json").read_bytes()
        out[collection] = (data, target.sha256, target.generation)
        new = source.get(collection)
        if new is None:
            log.warning("collection %s has no file in %s: keeping the published manifest", collection, source_dir)
            try:  # re-signed as it is, so it must pass today's rules
                final[collection] = parse_manifest(data, expected_collection=collection)
            except ManifestError as exc:
                raise ManifestError(f"collection {collection!r} has no file in {source_dir} and its published "
                                    f"manifest breaks the content rules ({exc}): add {collection}.json") from None
            names[collection] = f"the published {collection} manifest"
            continue
        previous = _published_manifest(data, collection)
        if new.records == previous.records:
            continue  # unchanged: keep the manifest and its generation
        _check_revisions(collection, previous, new)
        new.tombstones = _tombstones(previous, {r["id"] for r in new.records}, next_version)
        data = new.to_json_bytes()
        out[collection] = (data, hashlib.sha256(data).hexdigest(), next_version)
        result.changed_collections.append(collection)
    check_unique_ids(final, names)
    for collection, new in source.items():
        if collection not in published:
            data = new.to_json_bytes()
            out[collection] = (data, hashlib.sha256(data).hexdigest(), next_version)
            result.changed_collections.append(collection)
    result.blobs_added = pinner.added
    if result.changed:
        result.targets_version = writer.publish(out, timestamp_expiry=timestamp_expiry)
    return result


# ---------------------------------------------------------------- CLI


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ipkiosk-publish", description="Publish kiosk content as a signed static repository.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("init", help="create signing keys and the initial root.json")
    p.add_argument("keys_dir", type=Path, metavar="KEYS_DIR")
    p.add_argument("--root-threshold", type=int, default=1, metavar="N", help="root signatures required (default 1, pilot)")
    p.add_argument("--root-keys", type=int, default=None, metavar="M", help="number of root keys (default: the threshold)")
    p = sub.add_parser("build", help="sign the content of SOURCE_DIR into REPO_DIR")
    p.add_argument("source_dir", type=Path, metavar="SOURCE_DIR")
    p.add_argument("repo_dir", type=Path, metavar="REPO_DIR")
    p.add_argument("--keys", type=Path, required=True, metavar="KEYS_DIR")
    p.add_argument("--timestamp-expiry-h", type=float, default=24.0, metavar="H", help="timestamp validity (default 24)")
    p = sub.add_parser("refresh-timestamp", help="re-sign timestamp.json (run it from cron well before it expires)")
    p.add_argument("repo_dir", type=Path, metavar="REPO_DIR")
    p.add_argument("--keys", type=Path, required=True, metavar="KEYS_DIR")
    p.add_argument("--timestamp-expiry-h", type=float, default=24.0, metavar="H", help="timestamp validity (default 24)")
    p = sub.add_parser("rotate-keys", help="replace the keys of some roles, sign a new root and re-sign the repository")
    p.add_argument("keys_dir", type=Path, metavar="KEYS_DIR")
    p.add_argument("repo_dir", type=Path, metavar="REPO_DIR")
    p.add_argument("--role", action="append", required=True, choices=trust.TOP_LEVEL_ROLES, help="role to rotate (repeatable)")
    p.add_argument("--timestamp-expiry-h", type=float, default=24.0, metavar="H", help="timestamp validity (default 24)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "init":
            path = trust.init_keys(args.keys_dir, root_threshold=args.root_threshold, root_key_count=args.root_keys)
            print(f"keys written to {args.keys_dir}; give terminals {path}: each installs it as its trusted root "
                  f"with `sudo install -m 0644 {path.name} {TERMINAL_TRUSTED_ROOT}`")
            return EXIT_OK
        expiry = dt.timedelta(hours=args.timestamp_expiry_h)
        if expiry <= dt.timedelta(0):
            print("ipkiosk-publish: --timestamp-expiry-h must be positive", file=sys.stderr)
            return EXIT_USAGE
        if args.command == "rotate-keys":
            path = trust.rotate_keys(args.keys_dir, args.role)
            version = republish(args.repo_dir, args.keys_dir, timestamp_expiry=expiry)
            print(f"signed {path.name}; repository re-signed as targets version {version}")
            return EXIT_OK
        if args.command == "build":
            if not args.source_dir.is_dir():
                print(f"ipkiosk-publish: source folder {args.source_dir} does not exist", file=sys.stderr)
                return EXIT_USAGE
            result = build(args.source_dir, args.repo_dir, args.keys, timestamp_expiry=expiry)
            for warning in result.warnings:
                print(f"ipkiosk-publish: warning: {warning}", file=sys.stderr)
            if result.changed:
                print(f"published targets version {result.targets_version}: {', '.join(result.changed_collections)} "
                      f"changed, {result.blobs_added} new blob(s)")
            else:
                print(f"unchanged: targets version {result.targets_version} already has this content")
            return EXIT_OK
        version = trust.RepositoryWriter(args.repo_dir, trust.KeyStore.load(args.keys)).refresh_timestamp(
            timestamp_expiry=expiry)
        print(f"timestamp version {version} signed, valid for {args.timestamp_expiry_h:g} h")
        return EXIT_OK
    except ManifestError as exc:
        print(f"ipkiosk-publish: invalid content: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except trust.KeyStoreError as exc:
        print(f"ipkiosk-publish: keys: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (DeserializationError, tuf_exc.RepositoryError) as exc:
        print(f"ipkiosk-publish: repository {getattr(args, 'repo_dir', '')}: signed metadata cannot be read ({exc}); "
              "restore the repository folder from its backup", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:  # the repository or keys folder cannot be read or written
        print(f"ipkiosk-publish: {exc.filename or 'file'}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
