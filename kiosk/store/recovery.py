"""Open content.db, moving a corrupt file aside so the terminal rebuilds it from seed and sync.

content.db is disposable by design; station.db is never handled here.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from peewee import DatabaseError

from kiosk.clock import utcnow
from kiosk.store.content import content_db, open_content_db
from kiosk.store.db import integrity_ok

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


def open_content_db_recovering(path: Path) -> Path | None:
    """Open PATH; if it is not a healthy SQLite database, rename it (and its -wal/-shm) to
    ``content.db.corrupt-<timestamp>`` and start a fresh one. Returns the moved-aside path."""
    try:
        open_content_db(path)
        ok, detail = integrity_ok(content_db)
        if ok:
            return None
        problem = f"integrity_check: {detail[:200]}"
    except DatabaseError as exc:
        problem = str(exc)
    content_db.close()
    aside = path.with_name(f"{path.name}.corrupt-{utcnow():%Y%m%dT%H%M%S}")
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(path) + suffix)
        if src.exists():
            os.replace(src, Path(str(aside) + suffix))
    log.error("content.db was unusable (%s); moved to %s and rebuilding", problem, aside)
    open_content_db(path)
    return aside
