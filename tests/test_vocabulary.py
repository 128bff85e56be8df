"""The product's shared vocabulary is defined in one place and imported everywhere else.

A second definition drifts: a time zone spelled out again, another "now" that a test cannot pin,
an integrity check that joins SQLite's report differently. These tests read the shipped sources
(kiosk/, sync/, bench/) and fail when a definition reappears outside its home module.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from kiosk.core import clock, kinds
from kiosk.store.db import KioskDatabase, integrity_ok

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("kiosk", "sync", "bench")
# Repeats left in modules that are being rewritten in parallel (the admin screen's model); each
# entry names the pattern it still repeats, so removing the repeat there also shrinks this list.
NOT_YET_MIGRATED: dict[str, set[str]] = {}


def _sources(dirs: tuple[str, ...] = SOURCE_DIRS) -> dict[str, str]:
    return {str(p.relative_to(REPO_ROOT)): p.read_text(encoding="utf-8")
            for d in dirs for p in sorted((REPO_ROOT / d).rglob("*.py"))}


def _defined_outside(pattern: str, home: str, what: str, dirs: tuple[str, ...] = SOURCE_DIRS) -> list[str]:
    found = []
    for path, text in _sources(dirs).items():
        if path == home or what in NOT_YET_MIGRATED.get(path, set()):
            continue
        found += [f"{path}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
                  for m in re.finditer(pattern, text)]
    return found


def test_china_time_zone_is_named_once():
    assert _defined_outside(r"timedelta\(hours=8\)|timezone\(dt\.timedelta", "kiosk/core/clock.py", "china time zone") == []


def test_now_is_read_in_one_place():
    pattern = r"def _?utcnow\b|datetime\.now\(|datetime\.utcnow\("
    assert _defined_outside(pattern, "kiosk/core/clock.py", "now") == []


def test_clock_formats_instants_as_visitors_and_the_store_read_them():
    stored = "2026-11-24T01:30:00+00:00"
    assert clock.minute_text(stored) == "2026-11-24 09:30"
    assert clock.iso(dt.datetime.fromisoformat("2026-11-24T09:30:59+08:00")) == stored.replace(":00+", ":59+")
    assert clock.in_china(dt.datetime.fromisoformat(stored)).hour == 9
    naive = dt.datetime(2026, 12, 1, 9, 0)
    assert clock.iso(clock.naive_as_china(naive)) == "2026-12-01T01:00:00+00:00"
    aware = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    assert clock.naive_as_china(aware) is aware
    assert clock.utcnow().utcoffset() == dt.timedelta(0)


def test_integrity_check_is_run_in_one_place():
    assert _defined_outside(r"PRAGMA integrity_check", "kiosk/store/db.py", "integrity check") == []


def _swap_index_roots(path: Path) -> None:
    """A file SQLite still opens whose indexes point at each other's pages, as after a torn write."""
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE t1(a); CREATE TABLE t2(a); CREATE INDEX i1 ON t1(a); CREATE INDEX i2 ON t2(a);")
    conn.executemany("INSERT INTO t1 VALUES (?)", [(n,) for n in range(50)])
    conn.executemany("INSERT INTO t2 VALUES (?)", [(n + 1000,) for n in range(30)])
    conn.commit()
    roots = dict(conn.execute("SELECT name, rootpage FROM sqlite_master WHERE type = 'index'"))
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = 'i1'", (roots["i2"],))
    conn.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = 'i2'", (roots["i1"],))
    conn.commit()
    conn.close()


def test_integrity_check_reads_the_same_through_peewee_and_a_plain_connection(tmp_path):
    healthy, damaged = tmp_path / "healthy.db", tmp_path / "damaged.db"
    sqlite3.connect(healthy).execute("CREATE TABLE t(a)").connection.close()
    _swap_index_roots(damaged)
    for path, expect_ok in ((healthy, True), (damaged, False)):
        plain = sqlite3.connect(path)
        via_peewee = KioskDatabase(str(path))
        try:
            answers = {integrity_ok(plain), integrity_ok(via_peewee)}
        finally:
            plain.close()
            via_peewee.close()
        assert len(answers) == 1, answers
        ok, detail = answers.pop()
        assert ok is expect_ok
        if expect_ok:
            assert detail == "ok"
        else:  # every problem SQLite lists, joined into one line
            assert "missing from index" in detail and "; " in detail


def test_content_kinds_are_listed_once():
    # Four kind names close together (a tuple, a dict of labels, CLI choices) are another list of the kinds;
    # a rule for a few kinds ("dated kinds sort newest first") names fewer. bench/ keeps its own per-kind
    # record mixes: workload data, not the product's vocabulary.
    name = rf'"(?:{"|".join(kinds.NAMES)})"'
    pattern = name + rf"(?:[^;]{{0,40}}?{name}){{3}}"
    assert _defined_outside(pattern, "kiosk/core/kinds.py", "kind list", dirs=("kiosk", "sync")) == []


def test_both_kind_orders_are_named_and_unchanged():
    # Publishing order: manifest, publisher, sync, CLI choices, admin counts.
    assert kinds.NAMES == ("services", "policies", "notices", "news", "events", "booking_types")
    # Display order: search result groups and rank ties, `ipkiosk status`.
    assert kinds.DISPLAY_ORDER == ("services", "policies", "events", "notices", "news", "booking_types")
    assert kinds.DISPLAY_ORDER[:-1] == kinds.VISITOR_DISPLAY_ORDER
    assert [kinds.title(n) for n in kinds.DISPLAY_ORDER] == ["服务事项", "政策法规", "宣讲活动", "通知公告", "行业动态",
                                                           "预约类型"]
    assert kinds.title("unknown") == "unknown" and kinds.display_rank("unknown") > kinds.display_rank("booking_types")


def test_cli_names_the_kinds_in_publishing_order(tmp_path):
    result = subprocess.run([sys.executable, "-m", "kiosk.cli", "list", "nonsense"], capture_output=True, text=True,
                            cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert ("invalid choice: 'nonsense' (choose from 'services', 'policies', 'notices', 'news', 'events', "
            "'booking_types')") in result.stderr
