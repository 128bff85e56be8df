"""Content-addressed attachment store: ``<root>/sha256/<h[:2]>/<h>``.

Qt-free. Used on both sides: the publisher writes ``REPO_DIR/blobs``, the terminal keeps
``cfg.blobs_path``. A blob only ever appears under its final name after its bytes were
verified against the sha256 + length pinned in a signed manifest and fsynced, so a crash
leaves at most a stray file in ``staging/``, which the next cycle removes.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable
from pathlib import Path

from kiosk.core.durable import fsync_dir

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

CHUNK_BYTES = 256 * 1024


class BlobMismatchError(ValueError):
    """Downloaded bytes do not match the pinned sha256 / length."""


def blob_relpath(sha256: str) -> str:
    return f"sha256/{sha256[:2]}/{sha256}"



def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            h.update(chunk)
    return h.hexdigest()


class BlobStore:
    def __init__(self, root: Path):
        self.root = root
        self.staging = root / "staging"

    def path_for(self, sha256: str) -> Path:
        return self.root / blob_relpath(sha256)

    def has_valid(self, sha256: str, length: int) -> bool:
        """True if the blob is present with the right length and hash (a damaged file is removed)."""
        path = self.path_for(sha256)
        try:
            if path.stat().st_size == length and file_sha256(path) == sha256:
                return True
        except FileNotFoundError:
            return False
        log.warning("blob %s is damaged; removing it so it is fetched again", sha256)
        path.unlink(missing_ok=True)
        return False

    def write_verified(self, sha256: str, length: int, chunks: Iterable[bytes]) -> Path:
        """Stream CHUNKS to staging, check length and hash, fsync, then rename into place."""
        self.staging.mkdir(parents=True, exist_ok=True)
        tmp = self.staging / f"{sha256}.{os.getpid()}.part"
        h = hashlib.sha256()
        received = 0
        try:
            with open(tmp, "wb") as f:
                for chunk in chunks:
                    received += len(chunk)
                    if received > length:
                        raise BlobMismatchError(f"blob {sha256}: more than the pinned {length} bytes")
                    h.update(chunk)
                    f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            if received != length:
                raise BlobMismatchError(f"blob {sha256}: {received} bytes, pinned length is {length}")
            if h.hexdigest() != sha256:
                raise BlobMismatchError(f"blob {sha256}: content hash is {h.hexdigest()}")
            dest = self.path_for(sha256)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, dest)
            fsync_dir(dest.parent)
            return dest
        finally:
            tmp.unlink(missing_ok=True)

    def add_file(self, source: Path) -> tuple[str, int, bool]:
        """Copy a local file into the store (publisher side). Returns (sha256, length, newly added)."""
        sha256 = file_sha256(source)
        length = source.stat().st_size
        if self.path_for(sha256).exists():
            return sha256, length, False
        with open(source, "rb") as f:
            self.write_verified(sha256, length, iter(lambda: f.read(CHUNK_BYTES), b""))
        return sha256, length, True

    def all_hashes(self) -> set[str]:
        base = self.root / "sha256"
        if not base.is_dir():
            return set()
        return {p.name for sub in base.iterdir() if sub.is_dir() for p in sub.iterdir()}

    def collect_garbage(self, referenced: set[str]) -> int:
        """Remove blobs nothing references and leftovers of interrupted downloads."""
        removed = 0
        for sha256 in self.all_hashes() - referenced:
            self.path_for(sha256).unlink(missing_ok=True)
            removed += 1
        if self.staging.is_dir():
            for leftover in self.staging.iterdir():
                leftover.unlink(missing_ok=True)
        return removed
