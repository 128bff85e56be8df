"""Crash-safe file writes shared by the blob store, the TUF metadata writer and station backups,
and the permissions of private files.

Qt-free. A file appears under its final name only complete and fsynced, and the rename
itself is made durable by fsyncing the directory (power is cut at the wall on kiosks).

Private files (station.db with its -wal/-shm, its backups, the logs) hold staff work, the PIN
hash and visitors' usage: they are readable by the kiosk user and its own group only, wherever
the kiosk runs (not only inside the .deb, whose postinst makes the same choice). The data dir is
PRIVATE_DIR_MODE (0750: the .deb's ipkiosk group lets technicians read logs and run doctor),
private files PRIVATE_FILE_MODE (0640). Both are set when created and tightened when found
looser; a stricter mode a technician chose (0700/0600) is kept.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


PRIVATE_DIR_MODE = 0o750
PRIVATE_FILE_MODE = 0o640


def _tighten(path: Path, allowed: int) -> None:
    """Drop every permission bit outside ALLOWED (never adds one).

    Only for what the kiosk user owns, and never a shared sticky directory such as /tmp (a
    data_dir pointed there must not take the system's /tmp away from everyone else)."""
    st = os.stat(path)
    mode = st.st_mode & 0o7777
    if not mode & ~allowed or st.st_uid != os.geteuid() or mode & stat.S_ISVTX:
        return
    try:
        os.chmod(path, mode & allowed)
    except OSError as exc:  # e.g. a read-only medium: the check in doctor still names the mode
        log.warning("cannot tighten permissions of %s (%s)", path, exc.strerror or exc)


def private_dir(path: Path) -> Path:
    """Create PATH as a private directory, or tighten an existing one.

    Missing parents are created private too (logs/ may be made before the data dir that holds it);
    parents that exist are never changed."""
    path = Path(path)
    missing, parent = [], path
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    for directory in reversed(missing):
        directory.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
    _tighten(path, PRIVATE_DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create PATH empty with PRIVATE_FILE_MODE if missing, or tighten an existing file.

    SQLite gives the -wal and -shm files the mode of the database file, so a database created
    through this stays private with all its companions."""
    path = Path(path)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    _tighten(path, PRIVATE_FILE_MODE)
    return path


def tighten_private_files(*paths: Path) -> None:
    """Tighten the files among PATHS that exist (e.g. station.db, its -wal and -shm)."""
    for path in paths:
        if Path(path).is_file():
            _tighten(Path(path), PRIVATE_FILE_MODE)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write via a temporary file, fsync and rename: readers see the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
