"""Open content.db whatever state the disk is in; station.db is never handled here.

content.db is disposable by design, but synced content is what a terminal shows while offline, so
each fault gets its own answer (see kiosk/store/db.py for how they are told apart):

* proven corruption (integrity_check fails, "file is not a database", "malformed"): the file and
  its -wal/-shm are renamed to ``content.db.corrupt-<timestamp>`` and a fresh one is built from
  the seed and the next sync;
* a full disk or an I/O error: the healthy file is never moved. Writers get :class:`StorageError`
  ("disk full (…)"); readers (the screens, `list`, `status`) may ask for a read-only open that
  needs no free byte, so the terminal keeps showing its content;
* damaged rows (a flipped byte; integrity_check still ok): those rows are removed and their
  collections marked for a clean re-fetch (content.schedule_refetch); a collection that came from
  the bundled seed is re-applied from the seed at once.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from pathlib import Path

from peewee import DatabaseError

from kiosk.core import kinds
from kiosk.core.clock import utcnow
from kiosk.core.staff_rules import StorageReason
from kiosk.store import content
from kiosk.store.content import content_db, open_content_db
from kiosk.store.db import disk_full, integrity_ok, is_corruption, open_read_only, storage_problem

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


class StorageError(OSError):
    """A database is fine but its disk is full or failing; nothing was moved aside or changed.

    Raised as ``StorageError(errno, message)``: ENOSPC for a full disk, EIO for any other fault of the
    medium. ``reason`` is that errno as a StorageReason (the admin screen words it)."""

    @property
    def reason(self) -> StorageReason:
        return StorageReason.DISK_FULL if self.errno == errno.ENOSPC else StorageReason.DISK_ERROR


# Why content.db is open read-only in this process (None when it is open normally).
_read_only_reason: str | None = None


def read_only_reason() -> str | None:
    """'disk full (…)' or 'storage error: …' while content.db is open read-only, else None."""
    return _read_only_reason


def open_content_db_recovering(path: Path, *, read_only_fallback: bool = False) -> Path | None:
    """Open PATH for writing (see the module docstring for each fault); returns the moved-aside path
    when a corrupt file was replaced.

    On a full disk or an I/O error: with READ_ONLY_FALLBACK an existing file is opened read-only
    (see read_only_reason), otherwise StorageError is raised. Any other error that does not prove
    corruption (e.g. a lock) is raised as it is: the file stays."""
    global _read_only_reason
    _read_only_reason = None
    path = Path(path)
    try:
        open_content_db(path)
        ok, detail = integrity_ok(content_db)
        if ok:
            _repair_damaged_rows(path)
            return None
        problem = f"integrity_check: {detail[:200]}"
    except DatabaseError as exc:
        content_db.close()
        storage = storage_problem(exc, path.parent)
        if storage is None and not is_corruption(exc):
            raise
        if storage is not None:
            _storage_fault(path, storage, read_only_fallback)
            return None
        problem = str(exc)
    except OSError as exc:  # the data dir itself cannot be created or tightened
        content_db.close()
        _storage_fault(path, disk_full(path.parent) or f"storage error: {exc.strerror or exc}", read_only_fallback)
        return None
    content_db.close()
    aside = path.with_name(f"{path.name}.corrupt-{utcnow():%Y%m%dT%H%M%S}")
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(path) + suffix)
        if src.exists():
            os.replace(src, Path(str(aside) + suffix))
    log.error("content.db was unusable (%s); moved to %s and rebuilding", problem, aside)
    open_content_db(path)
    return aside


def _storage_fault(path: Path, reason: str, read_only_fallback: bool) -> None:
    global _read_only_reason
    if read_only_fallback and path.is_file():
        open_read_only(content_db, path)
        _read_only_reason = reason
        log.warning("content.db opened read-only: %s; the stored content is shown, nothing is updated", reason)
        return
    code = errno.ENOSPC if disk_full(path.parent) else errno.EIO
    raise StorageError(code, f"content.db: {reason}; the stored content was kept")


def _repair_damaged_rows(path: Path) -> list[str]:
    """Remove unreadable rows and schedule their collections for a clean re-fetch (module docstring);
    returns the collections scheduled."""
    try:
        damage = content.damaged_rows()
    except (DatabaseError, sqlite3.Error) as exc:  # a read error while scanning: the file stays as it is
        log.error("content.db: could not scan for damaged rows (%s)", exc)
        return []
    what = content.damage_by_collection(damage) if damage else ""  # named before the rows are gone
    try:
        marked = content.schedule_refetch(damage) if damage else []
        # Also a seed collection marked by an earlier start that ended before re-applying it.
        seeded = _reapply_seed(missing_states=bool(damage))
    except DatabaseError as exc:
        # A full disk cannot take the repair: readers skip the damaged rows meanwhile.
        log.error("content.db: %s; repair postponed (%s)", what or "re-apply of seed collections",
                  storage_problem(exc, path.parent) or exc)
        return []
    waiting = [c for c in marked if c not in seeded]
    if damage:
        log.warning("content.db: %s removed; %s", what, "; ".join(
            ([f"re-applied from the bundled seed: {', '.join(seeded)}"] if seeded else [])
            + ([f"scheduled for a clean re-fetch by the next sync: {', '.join(waiting)}"] if waiting else [])))
    return marked


def _reapply_seed(*, missing_states: bool) -> list[str]:
    """Re-apply from the bundled seed the collections marked for re-fetch whose content came from it,
    and (MISSING_STATES) fill collections whose high-water mark was removed because its name was
    unreadable (the seed import only fills collections never applied; a later sync supersedes it)."""
    pending = [c for c, source in content.refetch_pending().items() if source == "seed"]
    missing = missing_states and set(kinds.NAMES) - set(content.collection_states())
    if not pending and not missing:
        return []
    from kiosk.store import seed

    manifests = [m for m in seed.load_source_dir(seed.SEED_DIR, seed.SEED_GENERATION) if m.collection in pending]
    applied = content.apply_manifests(manifests, source="seed").changed_collections if manifests else []
    if missing:
        applied += seed.import_seed().changed_collections
    return applied
