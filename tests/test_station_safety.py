"""station.db safety: online backups (7 kept), verified restore, a corrupt file is never deleted."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3

import pytest

from kiosk.core.clock import CHINA_TZ
from kiosk.store import backup, content, station
from tests.helpers import file_digest

T0 = dt.datetime(2026, 12, 1, 1, 0, 0, tzinfo=dt.UTC)  # 09:00 China time


def _titles() -> list[str]:
    return sorted(a["title"] for a in station.list_announcements())


def _titles_in_file(path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return sorted(r[0] for r in conn.execute("SELECT title FROM announcement"))
    finally:
        conn.close()


def _corrupt(path) -> None:
    """Overwrite the page area (keep the header) the way a failing SD card does."""
    data = bytearray(path.read_bytes())
    data[100:] = b"\xde\xad\xbe\xef" * ((len(data) - 100) // 4) + b"\x00" * ((len(data) - 100) % 4)
    path.write_bytes(bytes(data))


def test_backup_is_a_consistent_copy_taken_while_the_db_is_open(station_store, cfg):
    station.add_announcement("开放时间调整")
    station.add_announcement("专利导航培训报名")
    out = backup.backup_station(cfg.station_db_path, backup.backups_dir(cfg.data_path), clock=lambda: T0)
    assert out.name == "station-20261201T010000Z.db"
    assert _titles_in_file(out) == _titles()
    assert not os.path.exists(str(out) + "-wal"), "a backup is a standalone file"
    backup.check_backup_file(out)
    # The live DB keeps working after the backup.
    station.add_announcement("第三条")
    assert len(_titles()) == 3 and len(_titles_in_file(out)) == 2


def test_only_the_seven_newest_backups_are_kept(station_store, cfg):
    station.add_announcement("公告")
    directory = backup.backups_dir(cfg.data_path)
    made = [backup.backup_station(cfg.station_db_path, directory, clock=lambda d=d: T0 + dt.timedelta(days=d))
            for d in range(10)]
    assert backup.list_backups(directory) == made[-7:]
    assert not any(p.exists() for p in made[:3])


@pytest.mark.parametrize("hours_after_last, china_hour, due", [
    (1, 9, False),     # taken an hour ago
    (13, 9, False),    # daytime, last one is recent enough
    (13, 3, True),     # night window and over 12 h: the nightly backup
    (11, 3, False),    # night window but already taken this evening
    (24, 15, True),    # terminal was off at night: over a day old, take one now
])
def test_backup_due_nightly_or_when_a_day_old(tmp_path, hours_after_last, china_hour, due):
    now = dt.datetime(2026, 12, 2, china_hour, 0, tzinfo=CHINA_TZ)
    last = now - dt.timedelta(hours=hours_after_last)
    (tmp_path / f"station-{last.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}.db").write_bytes(b"")
    assert backup.backup_due(tmp_path, now) is due


def test_backup_due_when_none_exists(tmp_path):
    assert backup.backup_due(tmp_path / "backups", T0)


def test_restore_in_place_keeps_the_replaced_copy(station_store, cfg):
    directory = backup.backups_dir(cfg.data_path)
    station.add_announcement("备份前")
    saved = backup.backup_station(cfg.station_db_path, directory, clock=lambda: T0)
    station.add_announcement("备份后")
    preserved = backup.restore_station(saved, cfg.station_db_path, directory, clock=lambda: T0)
    assert _titles() == ["备份前"], "the open connection sees the restored data"
    assert _titles_in_file(preserved) == ["备份前", "备份后"]
    second = backup.restore_station(saved, cfg.station_db_path, directory, clock=lambda: T0)
    assert second != preserved and preserved.exists(), "a preserved copy is never overwritten"


def test_corrupt_station_db_is_left_untouched_and_content_still_works(seeded, cfg):
    station.open_station_db(cfg.station_db_path)
    station.add_announcement("员工公告")
    station.station_db.close()
    _corrupt(cfg.station_db_path)
    before = {p.name: file_digest(p) for p in cfg.data_path.iterdir() if p.name.startswith("station")}

    ok, problem = station.open_station_db_safely(cfg.station_db_path)

    assert not ok and "station.db" in problem
    assert station.station_problem() == problem
    after = {p.name: file_digest(p) for p in cfg.data_path.iterdir() if p.name.startswith("station")}
    assert after == before, "the corrupt file is neither deleted, moved nor rewritten"
    assert station.current_announcements() == []
    assert content.counts_by_kind()["services"] > 0, "visitors still get the content"


def test_unreadable_station_db_is_reported_not_replaced(cfg):
    cfg.station_db_path.write_bytes(b"this is not sqlite" * 300)
    digest = file_digest(cfg.station_db_path)
    ok, problem = station.open_station_db_safely(cfg.station_db_path)
    assert not ok and "not a database" in problem
    assert file_digest(cfg.station_db_path) == digest
    assert sorted(p.name for p in cfg.data_path.iterdir()) == ["station.db"]


def test_restore_over_a_corrupt_file_preserves_it_byte_for_byte(cfg):
    directory = backup.backups_dir(cfg.data_path)
    station.open_station_db(cfg.station_db_path)
    station.add_announcement("要恢复的公告", pinned=True)
    saved = backup.backup_station(cfg.station_db_path, directory, clock=lambda: T0)
    station.station_db.close()
    _corrupt(cfg.station_db_path)
    corrupt_digest = file_digest(cfg.station_db_path)
    assert not station.open_station_db_safely(cfg.station_db_path)[0]

    preserved = backup.restore_station(saved, cfg.station_db_path, directory)

    assert file_digest(preserved) == corrupt_digest
    ok, problem = station.open_station_db_safely(cfg.station_db_path)
    assert ok, problem
    assert [a["title"] for a in station.current_announcements()] == ["要恢复的公告"]
    station.station_db.close()


@pytest.mark.parametrize("make_bad", [
    lambda p: p.write_bytes(b"not a database at all" * 100),
    lambda p: sqlite3.connect(p).execute("CREATE TABLE other (x)").connection.commit(),
])
def test_restore_refuses_a_file_that_is_not_a_healthy_station_backup(station_store, cfg, tmp_path, make_bad):
    station.add_announcement("保留")
    bad = tmp_path / "bad.db"
    make_bad(bad)
    with pytest.raises(backup.BackupError, match=r"bad\.db"):
        backup.restore_station(bad, cfg.station_db_path, backup.backups_dir(cfg.data_path))
    assert _titles() == ["保留"]


def test_backup_of_a_missing_station_db_names_the_file(cfg):
    with pytest.raises(backup.BackupError, match="no such file"):
        backup.backup_station(cfg.station_db_path, backup.backups_dir(cfg.data_path))
