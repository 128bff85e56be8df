"""One time zone for people: plain CLI output shows instants in China time with the offset, --json keeps UTC.

Each command runs through the real entry point on real SQLite files; backups are real files, including one
named the way earlier versions named them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import pytest

from kiosk.cli import main
from kiosk.commands import china_time
from kiosk.core.sync_outcome import SyncReason
from kiosk.store import backup, station

CHINA_SECOND = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00"


@pytest.fixture
def cli(tmp_path, data_dir, capsys):
    conf = tmp_path / "kiosk.toml"
    conf.write_text(f'data_dir = "{data_dir}"\n', encoding="utf-8")

    def run(*argv):
        code = main([*argv, "--config", str(conf)])
        out, err = capsys.readouterr()
        assert code == 0, err
        return out

    yield run
    station.station_db.close()


def test_china_time_shows_the_offset_and_reads_naive_times_as_china_time():
    assert china_time("2026-11-24T01:30:00+00:00") == "2026-11-24 09:30:00 +08:00"
    assert china_time("2026-11-24T01:30:00Z") == "2026-11-24 09:30:00 +08:00"
    assert china_time("2026-11-24T09:30:00") == "2026-11-24 09:30:00 +08:00"
    assert china_time(dt.datetime(2026, 11, 23, 20, 0, tzinfo=dt.UTC)) == "2026-11-24 04:00:00 +08:00"
    assert china_time(None) == china_time("") == "-"


def test_announcements_and_the_audit_log_in_china_time_json_in_utc(cli):
    cli("announce", "add", "--title", "停电检修", "--starts", "2026-12-08T09:00", "--ends", "2026-12-08T10:00:00+00:00")
    line = cli("announce", "list").strip()
    assert line.endswith("2026-12-08 09:00:00 +08:00 → 2026-12-08 18:00:00 +08:00"), line
    stored = json.loads(cli("announce", "list", "--json"))[0]
    assert stored["starts_at"] == "2026-12-08T01:00:00+00:00"  # machine format: UTC as stored

    entry = cli("admin", "audit").splitlines()[0].split("\t")
    assert re.fullmatch(CHINA_SECOND, entry[0]) and entry[2] == "announcement.add"
    at = json.loads(cli("admin", "audit", "--json"))[0]["at"]
    assert china_time(at) == entry[0] and str(at).endswith("+00:00")


def test_status_shows_the_last_sync_in_china_time(cli, cfg):
    from kiosk.store import content
    from kiosk.store.seed import open_content

    open_content(cfg)
    content.record_sync_outcome("OFFLINE", "connection refused", SyncReason.DOWNLOAD_FAILED, verified=False)
    content.content_db.close()
    out = cli("status")
    assert re.search(rf"^last sync: OFFLINE \[DOWNLOAD_FAILED\]: connection refused at {CHINA_SECOND}$", out,
                     flags=re.M), out
    assert re.search(rf"^content updated at: ({CHINA_SECOND}|-)$", out, flags=re.M), out
    doc = json.loads(cli("status", "--json"))
    assert china_time(doc["last_attempt_at"]) in out and doc["last_attempt_at"].endswith("+00:00")
    assert doc["last_reason_code"] == "DOWNLOAD_FAILED" and doc["last_applied"] is None


def test_event_times_show_in_china_time_and_dates_as_published(cli):
    events = json.loads(cli("list", "events", "--json"))
    rec = json.loads(cli("show", events[0]["id"], "--json"))
    out = cli("show", events[0]["id"])
    assert f"starts_at: {china_time(rec['starts_at'])}" in out
    news = json.loads(cli("list", "news", "--json"))[0]
    published = json.loads(cli("show", news["id"], "--json"))["published_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", published)  # a date: shown as published
    assert f"published_at: {published}\n" in cli("show", news["id"])


def test_backup_list_shows_china_time_and_restore_still_finds_older_names(cli, cfg):
    cli("announce", "add", "--title", "第一条")
    made = cli("station", "backup").strip()
    directory = backup.backups_dir(cfg.data_path)
    # A copy named by an earlier version: the same UTC stamp in the name, so it is listed and restorable.
    older = directory / "station-20250101T160000Z.db"
    shutil.copyfile(made, older)
    lines = [line.split("\t") for line in cli("station", "backups").splitlines()]
    assert [path for path, _ in lines] == [made, str(older)]  # newest first
    assert lines[1][1] == "2025-01-02 00:00:00 +08:00"
    assert lines[0][1] == china_time(backup.backup_time(backup.list_backups(directory)[-1]))
    assert "kept at" in cli("station", "restore", str(older))
