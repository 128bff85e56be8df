"""SQLite connections and the named-migration runner shared by content.db and station.db.

Qt-free. Each database is a peewee ``SqliteDatabase(None)`` initialised later with the
pragmas below, so tests bind them to temporary files. Schema changes are small named
functions recorded in a ``migrations`` table (applied once, in order).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from peewee import SqliteDatabase

from kiosk.clock import iso, utcnow

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    # FULL: a committed generation survives power loss (the kiosk is switched off at the wall).
    "synchronous": "full",
    "busy_timeout": 5000,
}

Migration = Callable[[SqliteDatabase], None]


def init_database(db: SqliteDatabase, path: Path | str, migrations: list[tuple[str, Migration]]) -> SqliteDatabase:
    """Bind DB to PATH (':memory:' allowed), apply pragmas and pending migrations."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    if not db.is_closed():
        db.close()
    db.init(str(path), pragmas=PRAGMAS)
    db.connect()
    run_migrations(db, migrations)
    return db


def run_migrations(db: SqliteDatabase, migrations: list[tuple[str, Migration]]) -> list[str]:
    db.execute_sql("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    done = {row[0] for row in db.execute_sql("SELECT name FROM migrations")}
    applied = []
    for name, fn in migrations:
        if name in done:
            continue
        with db.atomic():
            fn(db)
            db.execute_sql("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (name, iso(utcnow())))
        log.info("applied migration %s to %s", name, db.database)
        applied.append(name)
    return applied


def integrity_ok(db: SqliteDatabase) -> tuple[bool, str]:
    rows = db.execute_sql("PRAGMA integrity_check").fetchall()
    text = "; ".join(r[0] for r in rows)
    return text == "ok", text
