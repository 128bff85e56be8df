"""station.db backups: SQLite online backup API, 7 rotating copies, verified restore.

Qt-free. A backup is a consistent snapshot taken through ``sqlite3.Connection.backup`` while the
kiosk keeps running (WAL lets readers and the one writer carry on). Copies are written to a
temporary name, fsynced and renamed, so a power cut never leaves a half backup with a real name.

Restore never destroys the current file: it is first preserved (as a backup-API copy when it
is readable, byte for byte when it is corrupt), and only then replaced.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from kiosk.core.clock import in_china, utcnow
from kiosk.core.durable import fsync_dir, private_dir, private_file, tighten_private_files
from kiosk.core.staff_rules import BackupReason
from kiosk.store.db import integrity_ok, storage_problem

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

KEEP_COPIES = 7
BACKUP_PREFIX = "station-"
PRESERVED_PREFIX = "before-restore-"
# Nightly: a backup is taken after 02:00 China time once the last one is over 12 h old; if
# the terminal is switched off at night, any check finding the last copy over 24 h old takes one.
NIGHT_STARTS_HOUR = 2
NIGHT_ENDS_HOUR = 6
_NAME_RE = re.compile(r"^station-(\d{8}T\d{6}Z)\.db$")
TABLES_REQUIRED = ("announcement", "stationsetting", "auditlog")


class BackupError(RuntimeError):
    """A backup or restore could not be done; ``reason`` says why (the admin screen words it), the
    message names the file too."""

    def __init__(self, reason: BackupReason, message: str):
        super().__init__(message)
        self.reason = reason


def backups_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "backups"


def list_backups(directory: Path) -> list[Path]:
    """Backup files, oldest first (their names sort by time)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if _NAME_RE.match(p.name))


def backup_time(path: Path) -> dt.datetime | None:
    m = _NAME_RE.match(path.name)
    return dt.datetime.strptime(m.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC) if m else None



def _copy_with_backup_api(source: Path, target: Path) -> None:
    """Consistent snapshot of SOURCE into TARGET via a temporary file + fsync + rename."""
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    try:
        private_file(tmp)  # a copy of station.db is as private as station.db
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                # The copy is a standalone file: no -wal beside it.
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        # A full disk must not keep a half copy (nor its journal) on the disk it filled.
        for leftover in (tmp, Path(f"{tmp}-journal")):
            leftover.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def check_backup_file(path: Path) -> None:
    """Raise BackupError unless PATH is a healthy station.db copy."""
    if not Path(path).is_file():
        raise BackupError(BackupReason.NO_SUCH_BACKUP, f"{path}: no such file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok, detail = integrity_ok(conn)
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(BackupReason.NOT_SQLITE, f"{path}: not a readable SQLite database ({exc})") from None
    if not ok:
        raise BackupError(BackupReason.DAMAGED, f"{path}: integrity_check failed ({detail[:200]})")
    missing = [t for t in TABLES_REQUIRED if t not in tables]
    if missing:
        raise BackupError(BackupReason.NOT_STATION_COPY,
                          f"{path}: not a station.db copy (missing tables: {', '.join(missing)})")


def _unused_name(directory: Path, stem: str, suffix: str) -> Path:
    """A preserved copy is never overwritten, even by two restores in the same second."""
    candidate, n = directory / f"{stem}{suffix}", 1
    while candidate.exists():
        n += 1
        candidate = directory / f"{stem}-{n}{suffix}"
    return candidate


def backup_station(station_path: Path, directory: Path, *, clock: Callable[[], dt.datetime] = utcnow,
                   keep: int = KEEP_COPIES) -> Path:
    """Write station-<UTC time>.db into DIRECTORY and delete all but the newest KEEP copies."""
    station_path = Path(station_path)
    if not station_path.is_file():
        raise BackupError(BackupReason.NO_STATION_DB, f"{station_path}: no such file, nothing to back up")
    private_dir(directory)
    target = directory / f"{BACKUP_PREFIX}{clock().astimezone(dt.UTC):%Y%m%dT%H%M%SZ}.db"
    try:
        _copy_with_backup_api(station_path, target)
    except (sqlite3.DatabaseError, OSError) as exc:
        reason = storage_problem(exc, directory) or exc
        raise BackupError(BackupReason.COPY_FAILED, f"{station_path}: cannot back up ({reason})") from None
    # Copies written by an older version (or loosened by hand) are as private as the new one.
    tighten_private_files(*(p for p in directory.iterdir() if p.is_file()))
    for old in list_backups(directory)[:-keep]:
        old.unlink()
        log.info("removed old station.db backup %s", old)
    log.info("station.db backed up to %s", target)
    return target


def backup_due(directory: Path, now: dt.datetime) -> bool:
    """True when the nightly backup should run now (see NIGHT_* above)."""
    copies = list_backups(directory)
    if not copies:
        return True
    newest = backup_time(copies[-1])
    if newest is None:  # pragma: no cover - list_backups lists only names backup_time reads
        return True
    age = now - newest
    if age >= dt.timedelta(hours=24):
        return True
    local_hour = in_china(now).hour
    return NIGHT_STARTS_HOUR <= local_hour < NIGHT_ENDS_HOUR and age >= dt.timedelta(hours=12)


def restore_station(backup_file: Path, station_path: Path, directory: Path, *,
                    clock: Callable[[], dt.datetime] = utcnow) -> Path | None:
    """Replace station.db with BACKUP_FILE; returns where the replaced file was preserved.

    The caller must have closed its own connection to station.db. A healthy current file is
    restored in place through the backup API (other readers, such as the running UI, see the
    change like any other write); a corrupt one is copied aside byte for byte first and then
    swapped for the restored copy by rename."""
    backup_file, station_path = Path(backup_file), Path(station_path)
    check_backup_file(backup_file)
    private_dir(directory)
    stamp = f"{clock().astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
    preserved = None
    if station_path.exists():
        healthy = True
        try:
            check_backup_file(station_path)
        except BackupError:
            healthy = False
        preserved = _unused_name(directory, f"{PRESERVED_PREFIX}{stamp}", "-station.db")
        if healthy:
            _copy_with_backup_api(station_path, preserved)
            src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
            dst = sqlite3.connect(station_path)
            try:
                dst.execute("PRAGMA busy_timeout = 5000")
                src.backup(dst)
            finally:
                dst.close()
                src.close()
            log.warning("station.db restored in place from %s (previous copy: %s)", backup_file, preserved)
            return preserved
        for suffix in ("", "-wal", "-shm"):
            part = Path(str(station_path) + suffix)
            if part.exists():
                shutil.copy2(part, Path(str(preserved) + suffix))
                tighten_private_files(Path(str(preserved) + suffix))
        fsync_dir(directory)
    restored_tmp = station_path.with_name(station_path.name + ".restoring")
    _copy_with_backup_api(backup_file, restored_tmp)
    # A -wal left by the corrupt file would be replayed into the restored one: it was preserved above.
    for suffix in ("-wal", "-shm"):
        Path(str(station_path) + suffix).unlink(missing_ok=True)
    os.replace(restored_tmp, station_path)
    fsync_dir(station_path.parent)
    log.warning("station.db replaced by %s (unusable previous file preserved at %s)", backup_file, preserved)
    return preserved
