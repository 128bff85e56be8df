"""Staff announcements survive everything content does: syncs, content resets, crashes.

A hypothesis property test runs random sequences of {publish + sync, content reset, announcement
add / edit / remove, crash} against real SQLite files and checks after every step that station.db
holds exactly what staff last did. Plus the schedule boundaries (start inclusive, end exclusive).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core.clock import iso
from kiosk.store import content, seed, station
from tests.helpers import REPO_ROOT, file_digest, probe_command

T0 = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)

titles = st.text(alphabet="本站公告开放时间调整专利商标培训通知ABC123 ", min_size=1, max_size=12).filter(str.strip)
offsets_h = st.one_of(st.none(), st.integers(min_value=-48, max_value=48))

operations = st.one_of(
    st.tuples(st.just("publish"), st.integers(min_value=0, max_value=3)),
    st.tuples(st.just("reset_content")),
    st.tuples(st.just("add"), titles, st.booleans(), offsets_h, st.integers(min_value=1, max_value=72)),
    st.tuples(st.just("edit"), st.integers(min_value=0, max_value=9), titles, st.booleans()),
    st.tuples(st.just("remove"), st.integers(min_value=0, max_value=9)),
    st.tuples(st.just("crash"), titles),
)


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory) -> Path:
    """A freshly seeded content.db to copy (seeding indexes pinyin: too slow to repeat per example)."""
    path = tmp_path_factory.mktemp("seeded-content") / "content.db"
    content.open_content_db(path)
    seed.import_seed()
    content.content_db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    content.content_db.close()
    return path


class Terminal:
    """One data dir with content.db and station.db, driven like the real terminal."""

    def __init__(self, root: Path, seeded_content: Path):
        self.root = root
        self.content_path = root / "content.db"
        self.station_path = root / "station.db"
        self.generation = 0
        self.publications = 0
        shutil.copyfile(seeded_content, self.content_path)
        content.open_content_db(self.content_path)
        assert station.open_station_db_safely(self.station_path)[0]

    def publish_and_sync(self, drop_notices: int) -> None:
        """The central office publishes a new generation (maybe without some notices); the terminal applies it."""
        self.generation += 1
        self.publications += 1
        source = self.root / f"source-{self.publications}"
        source.mkdir()
        for path in seed.SEED_DIR.glob("*.json"):
            doc = json.loads(path.read_text(encoding="utf-8"))
            if doc.get("collection") == "notices":
                doc["records"] = doc["records"][drop_notices:]
            (source / path.name).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        result = content.apply_manifests(seed.load_source_dir(source, self.generation), source="sync")
        assert result.changed_collections or drop_notices == 0

    def reset_content(self) -> None:
        """A technician deletes content.db; the terminal rebuilds it from the seed."""
        content.content_db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(self.content_path) + suffix).unlink(missing_ok=True)
        content.open_content_db(self.content_path)
        seed.import_seed()
        self.generation = 0

    def crash(self, committed_title: str) -> None:
        subprocess.run(probe_command("station_crash", str(self.station_path), committed_title),
                       cwd=REPO_ROOT, check=False, timeout=60)
        # The UI process goes down too and starts again.
        station.station_db.close()
        content.content_db.close()
        content.open_content_db(self.content_path)
        ok, problem = station.open_station_db_safely(self.station_path)
        assert ok, problem

    def close(self) -> None:
        station.station_db.close()
        content.content_db.close()


def _staff_view() -> dict[int, tuple]:
    return {a["id"]: (a["title"], a["starts_at"], a["ends_at"], bool(a["pinned"])) for a in station.list_announcements()}


def _station_files_digest(path: Path) -> tuple:
    return tuple(file_digest(Path(str(path) + s)) for s in ("", "-wal"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations, min_size=1, max_size=10))
def test_announcements_always_equal_what_staff_last_did(seeded_template, ops):
    with tempfile.TemporaryDirectory() as tmp:
        terminal = Terminal(Path(tmp), seeded_template)
        expected: dict[int, tuple] = {}
        try:
            for op in ops:
                kind = op[0]
                if kind in ("publish", "reset_content"):
                    before = _station_files_digest(terminal.station_path)
                    terminal.publish_and_sync(op[1]) if kind == "publish" else terminal.reset_content()
                    assert _station_files_digest(terminal.station_path) == before, f"{kind} touched station.db"
                    assert content.counts_by_kind()["services"] > 0
                elif kind == "add":
                    _, title, pinned, start_h, length_h = op
                    starts = None if start_h is None else iso(T0 + dt.timedelta(hours=start_h))
                    ends = iso(T0 + dt.timedelta(hours=(start_h or 0) + length_h))
                    ann = station.add_announcement(title, starts_at=starts, ends_at=ends, pinned=pinned,
                                                   actor="admin-screen")
                    expected[ann.id] = (title.strip(), starts, ends, pinned)
                elif kind == "edit" and expected:
                    _, index, title, pinned = op
                    ann_id = sorted(expected)[index % len(expected)]
                    station.edit_announcement(ann_id, title=title, pinned=pinned, actor="admin-screen")
                    _, starts, ends, _ = expected[ann_id]
                    expected[ann_id] = (title, starts, ends, pinned)
                elif kind == "remove" and expected:
                    ann_id = sorted(expected)[op[1] % len(expected)]
                    station.remove_announcement(ann_id, actor="admin-screen")
                    del expected[ann_id]
                elif kind == "crash":
                    terminal.crash(op[1])
                    new_ids = set(_staff_view()) - set(expected)
                    assert len(new_ids) == 1, "exactly the committed add survived the crash"
                    new_id = new_ids.pop()
                    expected[new_id] = (op[1].strip(), None, None, False)
                assert _staff_view() == expected, f"after {op}"
        finally:
            terminal.close()


def test_schedule_boundaries_start_inclusive_end_exclusive(station_store):
    start, end = T0, T0 + dt.timedelta(hours=2)
    ann = station.add_announcement("限时公告", starts_at=iso(start), ends_at=iso(end))
    other = station.add_announcement("长期公告")

    def visible_at(moment):
        return [a["id"] for a in station.current_announcements(moment)]

    assert visible_at(start - dt.timedelta(seconds=1)) == [other.id]
    assert visible_at(start) == [ann.id, other.id] or visible_at(start) == [other.id, ann.id]
    assert ann.id in visible_at(end - dt.timedelta(seconds=1))
    assert visible_at(end) == [other.id]


def test_pinned_first_at_any_time(station_store):
    plain = station.add_announcement("普通", starts_at=iso(T0 - dt.timedelta(hours=1)))
    pinned = station.add_announcement("置顶", starts_at=iso(T0 - dt.timedelta(hours=5)), pinned=True)
    assert [a["id"] for a in station.current_announcements(T0)] == [pinned.id, plain.id]


def test_naive_staff_times_are_china_time(station_store):
    ann = station.add_announcement("北京时间", starts_at="2026-12-01T09:00", ends_at="2026-12-01T10:00")
    assert (ann.starts_at, ann.ends_at) == ("2026-12-01T01:00:00+00:00", "2026-12-01T02:00:00+00:00")


@pytest.mark.parametrize("change, message", [
    ({"title": ""}, "title"),
    ({"title": "x" * 81}, "at most 80"),
    ({"ends_at": "2026-11-30T09:00"}, "must be after"),
    ({"starts_at": "tomorrow"}, "expected an ISO date"),
])
def test_bad_edits_name_the_field_and_change_nothing(station_store, change, message):
    ann = station.add_announcement("原标题", starts_at="2026-12-01T09:00")
    before = station.list_announcements()
    with pytest.raises(station.StationError, match=message):
        station.edit_announcement(ann.id, actor="admin-screen", **change)
    assert station.list_announcements() == before


def test_station_db_survives_a_crash_mid_write(tmp_path):
    """The committed write is there after the crash; the cut-off one is not; the file is healthy."""
    path = tmp_path / "station.db"
    assert station.open_station_db_safely(path)[0]
    station.station_db.close()
    subprocess.run(probe_command("station_crash", str(path), "崩溃前已保存"), cwd=REPO_ROOT, timeout=60)
    assert os.path.exists(str(path) + "-wal"), "the crashed writer left its WAL behind"
    ok, problem = station.open_station_db_safely(path)
    try:
        assert ok, problem
        assert [a["title"] for a in station.list_announcements()] == ["崩溃前已保存"]
    finally:
        station.station_db.close()
