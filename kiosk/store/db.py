"""SQLite connections and the named-migration runner shared by content.db and station.db.

Qt-free. Each database is a :class:`KioskDatabase` (``SqliteDatabase(None)`` that decodes text
tolerantly, see below) initialised later with the pragmas below, so tests bind them to temporary
files. Schema changes are small named functions recorded in a ``migrations`` table (applied
once, in order).

Three kinds of fault are kept apart here, because each has its own answer:

* a **damaged value** (one flipped byte, so a stored text is no longer UTF-8, or stored JSON no
  longer parses) while ``PRAGMA integrity_check`` still says ok: the row is skipped by readers and
  named by :func:`find_damaged_rows`; the database stays in use;
* a **corrupt file** (``integrity_check`` fails, "file is not a database", "malformed"): proven by
  :func:`is_corruption`; only then may content.db be moved aside (station.db never is);
* a **storage fault** (disk full, I/O error, read-only medium): :func:`storage_problem` words it;
  the file is healthy and is never moved aside; it can still be read with :func:`open_read_only`.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from peewee import SqliteDatabase

from kiosk.core.clock import iso, utcnow
from kiosk.core.durable import private_dir

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    # FULL: a committed generation survives power loss (the kiosk is switched off at the wall).
    "synchronous": "full",
    "busy_timeout": 5000,
}

# Below this much free space a storage error is reported as "disk full": SQLite says only
# "disk I/O error" when it cannot grow its -shm file on a full disk.
DISK_FULL_BELOW_BYTES = 1024 * 1024

Migration = Callable[[SqliteDatabase], None]


class DamagedText(str):
    """A stored text value that is not valid UTF-8 (a flipped byte on disk).

    Its string value is the bytes decoded with U+FFFD for the bad parts, so code that does not
    check for it still never crashes; readers that show content skip any row holding one."""

    raw: bytes


def decode_text(raw: bytes) -> str:
    """sqlite3 text factory: strict UTF-8, or a DamagedText instead of an exception that would end
    the whole query (Python's default raises "Could not decode to UTF-8 column …")."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        text = DamagedText(raw.decode("utf-8", "replace"))
        text.raw = raw
        return text


def is_damaged(*values: object) -> bool:
    return any(isinstance(v, DamagedText) for v in values)


class KioskDatabase(SqliteDatabase):
    """SqliteDatabase whose every connection (one per thread) decodes text with :func:`decode_text`."""

    def _add_conn_hooks(self, conn: sqlite3.Connection) -> None:
        super()._add_conn_hooks(conn)
        conn.text_factory = decode_text


def init_database(db: SqliteDatabase, path: Path | str, migrations: Sequence[tuple[str, Migration]]) -> SqliteDatabase:
    """Bind DB to PATH (':memory:' allowed), apply pragmas and pending migrations."""
    if str(path) != ":memory:":
        private_dir(Path(path).parent)
    if not db.is_closed():
        db.close()
    db.init(str(path), pragmas=PRAGMAS)
    db.connect()
    run_migrations(db, migrations)
    return db


def open_read_only(db: SqliteDatabase, path: Path | str) -> SqliteDatabase:
    """Bind DB to PATH for reading only, without creating or growing any file.

    ``immutable=1``: SQLite takes no locks and needs no -shm, so this works on a full disk where
    even a ``mode=ro`` open fails (it must size the -shm file). The price: changes still in the
    -wal file (not yet checkpointed) are not seen, which shows slightly older, consistent content."""
    if not db.is_closed():
        db.close()
    db.init(f"file:{quote(str(path))}?immutable=1", uri=True, pragmas={"query_only": 1})
    db.connect()
    return db


def run_migrations(db: SqliteDatabase, migrations: Sequence[tuple[str, Migration]]) -> list[str]:
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


def pending_migrations(db: SqliteDatabase, migrations: Sequence[tuple[str, Migration]]) -> list[str]:
    """The names of MIGRATIONS not applied to DB yet, read without writing (doctor's read-only open): a file
    the previous version wrote, before this version's first start upgraded it."""
    has_table = db.execute_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'").fetchone()
    done = {row[0] for row in db.execute_sql("SELECT name FROM migrations")} if has_table else set()
    return [name for name, _ in migrations if name not in done]


def integrity_ok(db: SqliteDatabase | sqlite3.Connection) -> tuple[bool, str]:
    """SQLite's own check of the whole file: (True, "ok") or (False, every problem it lists, joined by "; ").

    Takes a peewee database (errors arrive as peewee's DatabaseError) or a plain sqlite3 connection
    (sqlite3.DatabaseError): station.db is first probed on a plain connection that runs no pragmas
    or migrations, and backup copies are checked read-only without a peewee database at all."""
    if isinstance(db, SqliteDatabase):
        rows = db.execute_sql("PRAGMA integrity_check").fetchall()
    else:
        rows = db.execute("PRAGMA integrity_check").fetchall()
    text = "; ".join(str(r[0]) for r in rows)
    return text == "ok", text


# ---------------------------------------------------------------- fault classes


def _sqlite_error(exc: BaseException) -> BaseException:
    """The sqlite3 exception behind a peewee one (peewee wraps it as its first argument)."""
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc.__cause__ or exc.__context__
    return inner if isinstance(inner, sqlite3.Error) else exc


_CORRUPTION_CODES = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
_CORRUPTION_WORDS = ("file is not a database", "malformed", "integrity_check")
_STORAGE_CODES = ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_READONLY")
_STORAGE_WORDS = ("disk i/o error", "database or disk is full", "unable to open", "readonly database")


def is_corruption(exc: BaseException) -> bool:
    """True only for proof that the file itself is broken (never for a full disk or an I/O error)."""
    inner = _sqlite_error(exc)
    name = getattr(inner, "sqlite_errorname", "") or ""
    text = str(inner).lower()
    return name.startswith(_CORRUPTION_CODES) or any(w in text for w in _CORRUPTION_WORDS)


def storage_problem(exc: BaseException, directory: Path) -> str | None:
    """'disk full (… free on DIR)' or 'storage error: …' when EXC is a space or I/O fault of the
    medium under DIRECTORY; None for anything else (a corrupt file, a bug)."""
    inner = _sqlite_error(exc)
    name = getattr(inner, "sqlite_errorname", "") or ""
    text = str(inner)
    if isinstance(inner, OSError):
        is_storage = True
        text = inner.strerror or text
    else:
        is_storage = name.startswith(_STORAGE_CODES) or any(w in text.lower() for w in _STORAGE_WORDS)
    if not is_storage:
        return None
    full = disk_full(directory)
    return full if full else f"storage error: {text}"


def disk_full(directory: Path) -> str | None:
    """'disk full (N bytes free on DIR)' when DIRECTORY's file system has (almost) no room left."""
    where = Path(directory)
    while not where.exists() and where != where.parent:
        where = where.parent
    try:
        free = shutil.disk_usage(where).free
    except OSError:
        return None
    return f"disk full ({free} bytes free on {where})" if free < DISK_FULL_BELOW_BYTES else None


# ---------------------------------------------------------------- damaged values


@dataclass(frozen=True)
class DamagedRow:
    """One row holding a value that cannot be read; KEY is its id when that itself is readable."""

    table: str
    rowid: int
    key: str | None
    column: str


def find_damaged_rows(conn: sqlite3.Connection, table: str, key: str, text_columns: tuple[str, ...],
                      json_columns: tuple[str, ...] = ()) -> Iterator[DamagedRow]:
    """Rows of TABLE with a text value that is not UTF-8 or a JSON column that does not parse.

    Cheap enough for every start (tens of thousands of rows): the text columns of a row are read
    as one concatenated byte string and decoded once; JSON is checked by SQLite's json_valid.

    Only the columns the file has are read: doctor opens a file read-only, so one written by the previous
    version (an upgrade's migration not run yet) lacks this version's new tables and columns."""
    present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}  # fixed names
    if not present:
        return
    text_columns = tuple(c for c in text_columns if c in present)
    json_columns = tuple(c for c in json_columns if c in present)
    columns = ", ".join(f"CAST(coalesce({c}, '') AS BLOB)" for c in text_columns)
    json_check = " OR ".join(f"NOT json_valid(coalesce({c}, 'null'))" for c in json_columns) or "0"
    sql = f"SELECT rowid, CAST({key} AS BLOB), ({json_check}), {columns} FROM {table}"  # fixed names
    for rowid, raw_key, bad_json, *raws in conn.execute(sql):
        try:
            b"".join(raws).decode("utf-8")
        except UnicodeDecodeError:
            bad = next(c for c, raw in zip(text_columns, raws, strict=True) if not _is_utf8(raw))
            yield DamagedRow(table, rowid, _key_text(raw_key), bad)
            continue
        if bad_json:
            bad = next(c for c in json_columns if not _json_ok(conn, table, c, rowid))
            yield DamagedRow(table, rowid, _key_text(raw_key), bad)


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _key_text(raw: bytes | None) -> str | None:
    return raw.decode("utf-8") if raw is not None and _is_utf8(raw) else None


def _json_ok(conn: sqlite3.Connection, table: str, column: str, rowid: int) -> bool:
    sql = f"SELECT json_valid(coalesce({column}, 'null')) FROM {table} WHERE rowid = ?"  # fixed names
    return bool(conn.execute(sql, (rowid,)).fetchone()[0])


def describe_damage(rows: list[DamagedRow], noun: str = "row", *, key_label: str = "", where: str = "") -> str:
    """'2 damaged rows in services (svc-a, rowid 17)' style wording for logs, CLI and doctor."""
    names = [f"{key_label}{r.key}" if r.key is not None else f"rowid {r.rowid}" for r in rows]
    shown = ", ".join(names[:5]) + (f", … {len(names) - 5} more" if len(names) > 5 else "")
    return f"{len(rows)} damaged {noun}{'' if len(rows) == 1 else 's'}{f' in {where}' if where else ''} ({shown})"
