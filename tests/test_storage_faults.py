"""Damaged rows, a full disk and private files, exercised through `python -m kiosk.cli` on real files.

* Damaged rows: one byte of a stored value is changed in the real database file (found by its bytes,
  as a failing disk sector or a bad write would leave it) so the value is no longer UTF-8 or its JSON
  no longer parses, while ``PRAGMA integrity_check`` still says ok. No command may show a traceback;
  content.db repairs itself from the seed or the next sync; station.db is only reported, never changed.
* A full disk: a real small tmpfs (mounted by the test, so root only: CI runs as root) holds a copy
  of a synced data dir and is filled to the last byte. Content must stay readable, never be moved
  aside, and nothing may pile up on the full disk.
* Private files: modes of the data dir, station.db, backups and logs as the CLI creates them, and
  tightened when found looser.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.sync.client import EXIT_CODES
from kiosk.sync.trust import OFFLINE
from tests.conftest import REPO_ROOT, file_digest
from tests.sync_helpers import fill, listing, terminal_config, write_config_file

CLI_TIMEOUT_S = 180  # generous: only a hang fails it
DAMAGED_ID = "svc-gi-product-search"
DAMAGED_TITLE = "地理标志产品检索"


# ---------------------------------------------------------------- helpers


def run_cli(config: Path, *args: str, timeout: float = CLI_TIMEOUT_S) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software")
    env.pop("JOURNAL_STREAM", None)
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *args, "--config", str(config)], cwd=REPO_ROOT,
                          env=env, capture_output=True, text=True, timeout=timeout)


def no_traceback(proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr
    return proc


def write_config(path: Path, data_dir: Path, **values: str) -> Path:
    lines = [f'data_dir = "{data_dir}"'] + [f'{k} = "{v}"' for k, v in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _checkpoint(db: Path) -> None:
    """Fold the -wal into the main file, so the value's bytes are where the test looks for them."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _table_damaged(db: Path, table: str) -> bool:
    """True when plain sqlite3 can no longer read TABLE (the failure the kiosk used to die of)
    while the file itself still passes integrity_check."""
    conn = sqlite3.connect(db)
    try:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            return False
        try:
            rows = conn.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608 (test's own table name)
        except sqlite3.OperationalError as exc:
            return "decode" in str(exc)
        columns = [c[1] for c in conn.execute(f"PRAGMA table_info({table})")]
        for row in rows:
            for name, value in zip(columns, row, strict=True):
                if name in ("data", "keys"):
                    try:
                        json.loads(value)
                    except ValueError:
                        return True
        return False
    finally:
        conn.close()


def damage_stored_value(db: Path, needle: bytes, table: str, *, offset: int = 0, new_byte: int = 0xFF) -> None:
    """Change one byte of a value stored in TABLE: the byte at OFFSET inside the first occurrence of
    NEEDLE in the file that belongs to TABLE (the same text may also sit in an index or another table)."""
    _checkpoint(db)
    original = db.read_bytes()
    at = original.find(needle)
    while at >= 0:
        changed = bytearray(original)
        changed[at + offset] = new_byte
        db.write_bytes(changed)
        if _table_damaged(db, table):
            return
        at = original.find(needle, at + 1)
    db.write_bytes(original)
    raise AssertionError(f"{needle!r} not found in a row of {table} in {db}")


def _json_title(title: str) -> bytes:
    # How content.py stores a record's data: json.dumps(..., ensure_ascii=False, sort_keys=True).
    return json.dumps({"title": title}, ensure_ascii=False)[1:-1].encode()


@pytest.fixture
def seed_terminal(tmp_path) -> Path:
    """A terminal without a repository, seeded by its first command; returns its config file."""
    config = write_config(tmp_path / "kiosk.toml", tmp_path / "data")
    assert no_traceback(run_cli(config, "status")).returncode == 0
    return config


@pytest.fixture
def synced_terminal(tmp_path, repo_server, publisher) -> Path:
    """A terminal that synced once from the real repository over HTTP; returns its config file."""
    cfg = terminal_config(tmp_path / "data", repo_server.url, publisher.root_path)
    config = write_config_file(tmp_path / "kiosk.toml", cfg)
    proc = no_traceback(run_cli(config, "sync", "--once"))
    assert proc.returncode == EXIT_CODES["OK"], proc.stderr
    return config


def _data(config: Path) -> Path:
    return Path(next(line.split('"')[1] for line in config.read_text().splitlines() if line.startswith("data_dir")))


# ---------------------------------------------------------------- damaged rows: content.db


def test_damaged_seed_row_is_named_skipped_and_rewritten_from_the_seed(seed_terminal):
    db = _data(seed_terminal) / "content.db"
    needle = _json_title(DAMAGED_TITLE)
    damage_stored_value(db, needle, "record", offset=needle.index(DAMAGED_TITLE.encode()))

    doctor = no_traceback(run_cli(seed_terminal, "doctor"))
    assert f"content.db: 1 damaged row in services ({DAMAGED_ID})" in doctor.stdout

    listed = no_traceback(run_cli(seed_terminal, "list", "services"))
    assert listed.returncode == 0, listed.stderr
    assert DAMAGED_ID in listed.stderr and "re-applied from the bundled seed: services" in listed.stderr
    assert f"{DAMAGED_ID}\t{DAMAGED_TITLE}" in listed.stdout  # rewritten from the bundled seed at once

    shown = no_traceback(run_cli(seed_terminal, "show", DAMAGED_ID))
    assert shown.returncode == 0 and shown.stdout.startswith(DAMAGED_TITLE)
    assert not _table_damaged(db, "record")
    assert "[ok  ] content_db" in no_traceback(run_cli(seed_terminal, "doctor")).stdout


@pytest.mark.parametrize("damage", ["utf8", "json"])
def test_damaged_synced_row_is_refetched_by_the_next_sync(synced_terminal, damage):
    db = _data(synced_terminal) / "content.db"
    record = json.loads(run_cli(synced_terminal, "list", "policies", "--json").stdout)[0]
    needle = _json_title(record["title"])
    if damage == "utf8":
        damage_stored_value(db, needle, "record", offset=needle.index(record["title"].encode()))
    else:  # the ':' after "title" becomes '#': still UTF-8, no longer JSON
        damage_stored_value(db, needle, "record", offset=needle.index(b":"), new_byte=ord("#"))

    for args in (["status"], ["search", record["title"][:4]], ["show", record["id"]]):
        no_traceback(run_cli(synced_terminal, *args))
    listed = no_traceback(run_cli(synced_terminal, "list", "policies"))
    assert listed.returncode == 0
    assert record["id"] not in listed.stdout  # removed: it cannot be shown until re-fetched
    doctor = no_traceback(run_cli(synced_terminal, "doctor"))
    assert "damaged rows were removed from policies; waiting for a clean re-fetch" in doctor.stdout

    # Before the fix this said UNCHANGED for ever; now the verified manifest rewrites the row.
    sync = no_traceback(run_cli(synced_terminal, "sync", "--once"))
    assert sync.returncode == EXIT_CODES["OK"], sync.stderr
    assert "applied policies" in sync.stderr
    shown = no_traceback(run_cli(synced_terminal, "show", record["id"], "--json"))
    assert json.loads(shown.stdout)["title"] == record["title"]
    status = json.loads(run_cli(synced_terminal, "status", "--json").stdout)
    assert status["collections"]["policies"]["generation"] >= 0 and status["last_result"] == "OK"
    assert no_traceback(run_cli(synced_terminal, "sync", "--once")).returncode == EXIT_CODES["UNCHANGED"]


def test_a_record_whose_id_itself_is_unreadable_does_not_crash(seed_terminal):
    db = _data(seed_terminal) / "content.db"
    # The id is stored in the table and in its primary-key index, so a flipped byte there would be
    # caught by integrity_check; SQL writes the same invalid UTF-8 to both, as a bad write would.
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE record SET id = CAST(x'737663ff2d6964' AS TEXT) WHERE id = ?", (DAMAGED_ID,))
    conn.close()
    doctor = no_traceback(run_cli(seed_terminal, "doctor"))
    assert "1 damaged row in services (rowid " in doctor.stdout
    listed = no_traceback(run_cli(seed_terminal, "list", "services"))
    assert listed.returncode == 0 and f"{DAMAGED_ID}\t{DAMAGED_TITLE}" in listed.stdout
    assert not _table_damaged(db, "record") and "[ok  ] content_db" in run_cli(seed_terminal, "doctor").stdout


_BAD_UTF8 = "CAST(CAST({col} AS BLOB) || x'ff' AS TEXT)"


@pytest.mark.parametrize("table,column,damaged_value", [
    ("record", "title", _BAD_UTF8), ("record", "kind", _BAD_UTF8), ("record", "category", _BAD_UTF8),
    ("record", "data", "substr(data, 2)"), ("searchdoc", "keys", _BAD_UTF8), ("searchdoc", "keys", "substr(keys, 2)"),
    ("searchdoc", "record_id", _BAD_UTF8), ("vocabulary", "word", _BAD_UTF8), ("vocabulary", "keys", "substr(keys, 2)"),
    ("collectionstate", "collection", _BAD_UTF8), ("collectionstate", "source", _BAD_UTF8),
    ("syncstatus", "last_reason", "CAST(x'6f6bff' AS TEXT)"),
])
def test_any_damaged_content_value_is_survived(seed_terminal, table, column, damaged_value):
    """Every text column of content.db, one value damaged (written by SQL, as a bad write would leave it)."""
    db = _data(seed_terminal) / "content.db"
    conn = sqlite3.connect(db)
    with conn:
        where = {"record": "kind = 'services'", "searchdoc": "kind = 'services'",
                 "collectionstate": "collection = 'services'"}.get(table, "1")
        conn.execute(f"UPDATE {table} SET {column} = {damaged_value.format(col=column)} "  # noqa: S608 (test's own)
                     f"WHERE rowid = (SELECT min(rowid) FROM {table} WHERE {where})")
    conn.close()
    for args in (["doctor"], ["list", "services"], ["search", "专利"], ["status", "--json"]):
        proc = no_traceback(run_cli(seed_terminal, *args))
        assert proc.returncode in (0, 1) if args == ["doctor"] else proc.returncode == 0, proc.stderr
    status = json.loads(run_cli(seed_terminal, "status", "--json").stdout)
    assert status["collections"]["services"]["count"] == 40  # repaired from the seed
    assert "[ok  ] content_db" in run_cli(seed_terminal, "doctor").stdout


# ---------------------------------------------------------------- damaged rows: station.db


def test_damaged_announcement_is_skipped_reported_and_never_changed(seed_terminal):
    for title in ("本站公告一号", "本站公告二号"):
        assert no_traceback(run_cli(seed_terminal, "announce", "add", "--title", title)).returncode == 0
    db = _data(seed_terminal) / "station.db"
    damage_stored_value(db, "本站公告二号".encode(), "announcement")
    before = file_digest(db)

    listed = no_traceback(run_cli(seed_terminal, "announce", "list"))
    assert listed.returncode == 0
    assert "本站公告一号" in listed.stdout and "本站公告二号" not in listed.stdout
    assert "station.db: 1 damaged announcement (id 2)" in listed.stderr
    assert "ipkiosk station restore" in listed.stderr
    doctor = no_traceback(run_cli(seed_terminal, "doctor"))
    assert "[FAIL] station_db    station.db: 1 damaged announcement (id 2)" in doctor.stdout
    assert "ipkiosk station restore" in doctor.stdout and doctor.returncode == 1
    assert file_digest(db) == before  # station data is never repaired behind staff's back


def test_the_kiosk_starts_on_damaged_databases(seed_terminal):
    """`ipkiosk run` used to exit at start (a systemd restart loop: a black screen)."""
    no_traceback(run_cli(seed_terminal, "announce", "add", "--title", "本站公告二号"))
    data = _data(seed_terminal)
    needle = _json_title(DAMAGED_TITLE)
    damage_stored_value(data / "content.db", needle, "record", offset=needle.index(DAMAGED_TITLE.encode()))
    damage_stored_value(data / "station.db", "本站公告二号".encode(), "announcement")
    _run_kiosk_briefly(seed_terminal)
    log = no_traceback(run_cli(seed_terminal, "logs", "--tail", "500")).stdout  # the data service child logged it
    assert f"content.db: 1 damaged row in services ({DAMAGED_ID}) removed" in log
    assert "station.db" in log and "1 damaged announcement (id 1)" in log


def test_the_screens_render_damaged_content(kiosk_ui, qtbot, cfg, tmp_path):
    """The real UI, offscreen, started on a content.db with a damaged row: its data service repairs
    the row at start, and the home page and the services list come up without a QML warning."""
    from kiosk.store import content, seed
    from kiosk.ui.qt_log import route_qt_messages

    content.open_content_db(cfg.content_db_path)
    seed.import_seed()
    content.content_db.close()
    needle = _json_title(DAMAGED_TITLE)
    damage_stored_value(cfg.content_db_path, needle, "record", offset=needle.index(DAMAGED_TITLE.encode()))
    messages = route_qt_messages()
    ctx, window = kiosk_ui()
    window.openPage("CatalogPage.qml", {})
    qtbot.wait(400)
    assert messages.warnings == []
    assert content.get_record(DAMAGED_ID)["title"] == DAMAGED_TITLE  # the data service re-applied it


def _run_kiosk_briefly(config: Path, seconds: float = 4.0) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software")
    proc = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "run", "--windowed", "--config", str(config)],
                            cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(seconds)
        assert proc.poll() is None, f"the kiosk exited on its own: {proc.communicate()[1]}"
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr


# ---------------------------------------------------------------- a full disk


def test_a_full_disk_is_reported_and_content_stays(tmp_path, small_fs, synced_terminal, repo_server, publisher):
    assert no_traceback(run_cli(synced_terminal, "announce", "add", "--title", "本站公告")).returncode == 0
    data = small_fs / "data"
    shutil.copytree(_data(synced_terminal), data)
    config = write_config_file(tmp_path / "full.toml", terminal_config(data, repo_server.url, publisher.root_path))
    digests = {name: file_digest(data / name) for name in ("content.db", "station.db")}
    fill(small_fs)
    before, used = listing(small_fs), shutil.disk_usage(small_fs).used

    status = no_traceback(run_cli(config, "status"))
    assert status.returncode == 0 and "disk full" in status.stderr
    assert "services           40 records" in status.stdout
    listed = no_traceback(run_cli(config, "list", "services"))
    assert listed.returncode == 0 and f"{DAMAGED_ID}\t{DAMAGED_TITLE}" in listed.stdout
    announced = no_traceback(run_cli(config, "announce", "list"))
    assert announced.returncode == 0 and "本站公告" in announced.stdout
    refused = no_traceback(run_cli(config, "announce", "add", "--title", "不会保存"))
    assert refused.returncode != 0 and "disk full" in refused.stderr
    sync = no_traceback(run_cli(config, "sync", "--once"))
    assert sync.returncode != 0 and "disk full" in sync.stderr
    doctor = no_traceback(run_cli(config, "doctor"))
    assert doctor.returncode == 1 and "[FAIL] disk          disk full: 0 bytes free" in doctor.stdout
    assert "only readable: disk full" in doctor.stdout

    # Nothing moved aside, nothing piled up: the disk is exactly as full as before; only SQLite's
    # empty -wal/-shm stubs appeared and log files took what was left in their last page.
    assert not list(data.glob("*.corrupt-*"))
    assert shutil.disk_usage(small_fs).used == used
    changed = {name for name, size in listing(small_fs).items() if before.get(name) != size}
    assert all(name.endswith(("-wal", "-shm", ".log")) for name in changed), changed
    assert {name: file_digest(data / name) for name in digests} == digests

    # Room again: everything works as before, with the same content.
    (small_fs / "filler").unlink()
    again = no_traceback(run_cli(config, "status"))
    assert again.returncode == 0 and "disk full" not in again.stderr
    assert no_traceback(run_cli(config, "sync", "--once")).returncode == EXIT_CODES["UNCHANGED"]
    assert "disk full" not in run_cli(config, "doctor").stdout


def test_sync_on_a_full_disk_is_offline(tmp_path, small_fs, synced_terminal, repo_server, publisher):
    data = small_fs / "data"
    shutil.copytree(_data(synced_terminal), data)
    config = write_config_file(tmp_path / "full.toml", terminal_config(data, repo_server.url, publisher.root_path))
    fill(small_fs)
    sync = no_traceback(run_cli(config, "sync", "--once"))
    assert sync.returncode == EXIT_CODES[OFFLINE] and "disk full" in sync.stderr


def test_the_kiosk_runs_on_a_full_disk(tmp_path, small_fs, seed_terminal):
    data = small_fs / "data"
    shutil.copytree(_data(seed_terminal), data)
    config = write_config(tmp_path / "full.toml", data)
    fill(small_fs)
    used = shutil.disk_usage(small_fs).used
    _run_kiosk_briefly(config)
    assert not list(data.glob("*.corrupt-*"))
    assert shutil.disk_usage(small_fs).used == used


# ---------------------------------------------------------------- private files


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask():
    """The usual default umask: files would come out world-readable without the fix."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_private_files_are_created_private_and_tightened(tmp_path, usual_umask, seed_terminal):
    data = _data(seed_terminal)
    assert no_traceback(run_cli(seed_terminal, "announce", "add", "--title", "本站公告")).returncode == 0
    assert no_traceback(run_cli(seed_terminal, "station", "backup")).returncode == 0
    backups = list((data / "backups").glob("station-*.db"))
    expected = {data: 0o750, data / "logs": 0o750, data / "backups": 0o750, data / "station.db": 0o640,
                data / "logs" / "cli.log": 0o640, backups[0]: 0o640}
    assert {p: _mode(p) for p in expected} == expected

    # SQLite gives -wal/-shm the mode of station.db.
    from kiosk.store import station

    station.open_station_db(data / "station.db")
    try:
        station.add_announcement("打开时", "")
        assert _mode(data / "station.db-wal") == 0o640 and _mode(data / "station.db-shm") == 0o640
    finally:
        station.station_db.close()

    for path in expected:
        path.chmod(0o777 if path.is_dir() else 0o666)
    doctor = no_traceback(run_cli(seed_terminal, "doctor"))
    assert "[FAIL] permissions" in doctor.stdout and "station.db 0666 (at most 0640)" in doctor.stdout
    assert no_traceback(run_cli(seed_terminal, "announce", "list")).returncode == 0
    assert no_traceback(run_cli(seed_terminal, "station", "backup")).returncode == 0
    assert {p: _mode(p) for p in expected} == expected
    assert "[ok  ] permissions" in run_cli(seed_terminal, "doctor").stdout


def test_a_shared_sticky_data_dir_is_left_alone(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # like /tmp: tightening it would lock every other user out
    config = write_config(tmp_path / "kiosk.toml", shared)
    assert no_traceback(run_cli(config, "announce", "add", "--title", "本站公告")).returncode == 0
    assert _mode(shared) == 0o1777 and _mode(shared / "station.db") == 0o640


def test_a_new_data_dir_is_private_from_the_first_command(tmp_path, usual_umask):
    """`doctor` writes only its log line, which creates logs/ before anything else creates the data dir."""
    data = tmp_path / "new" / "data"
    config = write_config(tmp_path / "kiosk.toml", data)
    no_traceback(run_cli(config, "doctor"))
    assert (_mode(data), _mode(data / "logs"), _mode(data / "logs" / "cli.log")) == (0o750, 0o750, 0o640)
