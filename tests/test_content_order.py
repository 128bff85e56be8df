"""Curated order: the optional ``order`` of a record, from the publisher through apply to every list.

Lists show ordered records first (1 leads), then the rest; ties go to local popularity (views of the last
30 days in station.db), then to the pinyin of the title — never to the id. Real SQLite files, the real
publisher and CLI as child processes.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kiosk.core import config as config_mod
from kiosk.core.clock import CHINA_TZ
from kiosk.core.manifest import MAX_ORDER, Manifest, validate_manifest
from kiosk.store import content, station
from kiosk.store.db import run_migrations
from tests.sync_helpers import RepoServer, terminal_config, write_config_file
from tests.test_sync_content_rules import assert_one_clear_line, publish_cli

REPO_ROOT = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)  # 10:00 in China
# The records a visitor most often comes for lead their lists (issue: the order hides what people come for).
LEADING_SERVICES = ["svc-patent-application", "svc-trademark-registration", "svc-ip-rights-assistance",
                    "svc-gi-collective-certification-mark"]
LEADING_BOOKING_TYPES = ["bk-patent-consult", "bk-trademark-consult", "bk-rights-assistance", "bk-gi-consult"]


def _service(rid: str, title: str, order: int | None = None, category: str = "专利", **fields) -> dict:
    rec = {"id": rid, "rev": 1, "title": title, "category": category, "summary": "摘要", **fields}
    if order is not None:
        rec["order"] = order
    return rec


def _apply(collection: str, generation: int, records: list[dict]) -> None:
    doc = {"format": "ipkiosk-manifest/1", "collection": collection, "generation": generation,
           "records": sorted(records, key=lambda r: r["id"]), "tombstones": []}
    content.apply_manifests([validate_manifest(doc)])


def _ids(kind: str, **kwargs) -> list[str]:
    return [r["id"] for r in content.list_records(kind, **kwargs)]


def _cli(*args: str, conf: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *args, "--config", str(conf)], capture_output=True,
                          text=True, timeout=120, cwd=REPO_ROOT)


# ---------------------------------------------------------------- publisher


def _set_order(value):
    """Source edit: the first service gets ORDER = VALUE (a rev bump as an editor would)."""

    def edit(pub) -> str:
        recs = pub.source.records("services")
        recs[0]["order"] = value
        recs[0]["rev"] += 1
        pub.source.write("services", recs)
        return recs[0]["id"]

    return edit


@pytest.mark.parametrize("value", ["1", 1.0, True, 0, -5, MAX_ORDER + 1, 2**70, [1]],
                         ids=["text", "float", "bool", "zero", "negative", "over-the-limit", "huge", "list"])
def test_publisher_refuses_an_order_that_is_not_an_integer_in_range(publisher, value):
    record_id = _set_order(value)(publisher)
    proc = publish_cli(publisher)
    assert proc.returncode == 1, proc.stderr
    assert_one_clear_line(proc, "ipkiosk-publish: invalid content:", "services.json", record_id, "field 'order'",
                          f"an integer from 1 to {MAX_ORDER}")
    assert not (publisher.repo_dir / "metadata" / "2.targets.json").exists()


@pytest.mark.parametrize("value", [1, MAX_ORDER])
def test_publisher_accepts_an_order_at_either_end_of_the_range(publisher, value):
    _set_order(value)(publisher)
    proc = publish_cli(publisher)
    assert proc.returncode == 0, proc.stderr
    assert (publisher.repo_dir / "metadata" / "2.targets.json").exists()


def test_a_published_order_reaches_the_terminal_and_its_list(tmp_path, data_dir, publisher):
    """Publisher → signed repository → `ipkiosk sync --once` → `ipkiosk list`: the curated order travels."""
    publisher.source.edit("services", "svc-ip-open-data", order=1)
    publisher.build()
    with RepoServer(publisher.repo_dir) as server:
        conf = write_config_file(tmp_path / "kiosk.toml", terminal_config(data_dir, server.url, publisher.root_path))
        sync = _cli("sync", "--once", conf=conf)
        assert sync.returncode == 0, sync.stderr
    listing = _cli("list", "services", "--json", conf=conf)
    assert listing.returncode == 0, listing.stderr
    ids = [r["id"] for r in json.loads(listing.stdout)]
    assert ids[0] == "svc-ip-open-data"
    assert ids[1:5] == LEADING_SERVICES


# ---------------------------------------------------------------- apply


def _stored(rid: str) -> tuple[int | None, str | None]:
    row = content.Record.get_by_id(rid)
    return row.curated_order, row.title_pinyin


def test_apply_stores_the_order_and_the_pinyin_of_the_title(content_store):
    _apply("services", 1, [_service("svc-a", "专利申请", order=3), _service("svc-b", "商标 TISC 2022")])
    assert _stored("svc-a") == (3, "zhuan li shen qing")
    assert _stored("svc-b") == (None, "shang biao tisc2022")
    # A changed order is a changed record: the next generation rewrites the column, and dropping it empties it.
    _apply("services", 2, [_service("svc-a", "专利申请", order=7) | {"rev": 2}, _service("svc-b", "商标 TISC 2022")])
    assert _stored("svc-a") == (7, "zhuan li shen qing")
    _apply("services", 3, [_service("svc-a", "专利申请") | {"rev": 3}, _service("svc-b", "商标 TISC 2022")])
    assert _stored("svc-a") == (None, "zhuan li shen qing")


def test_an_order_stored_unchecked_counts_only_when_it_is_a_plain_integer_in_range(content_store):
    """A terminal of the previous version let ``order`` through unchecked, as a field it did not know: its
    stored records are read again when content.db is upgraded, and only a sane order counts."""
    records = [_service("svc-a", "甲", order=2), _service("svc-b", "乙", order=True),
               _service("svc-c", "丙", order=10**9), _service("svc-d", "丁", order="1")]
    # Applied without the checks a manifest goes through today (as the older terminal's rules did).
    content.apply_manifests([Manifest("services", 1, records)])
    assert [_stored(r)[0] for r in ("svc-a", "svc-b", "svc-c", "svc-d")] == [2, None, None, None]


def test_an_older_content_db_gets_the_columns_filled_at_open_without_loading_pypinyin(seeded, cfg):
    """content.db of the previous version (no order columns, migration 0003 not run): opening it adds and fills
    them from the stored records and search keys, in a process that never loads pypinyin, and lists are ordered."""
    expected = _ids("services")
    db = content.content_db
    db.execute_sql("ALTER TABLE record DROP COLUMN curated_order")
    db.execute_sql("ALTER TABLE record DROP COLUMN title_pinyin")
    db.execute_sql("DELETE FROM migrations WHERE name = '0003_list_order'")
    db.close()
    script = textwrap.dedent(f"""
        import sys
        from kiosk.store import content
        content.open_content_db({str(cfg.content_db_path)!r})
        print(",".join(r["id"] for r in content.list_records("services")))
        print("pypinyin" in sys.modules)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stderr
    ids, pypinyin_loaded = proc.stdout.split()
    assert ids.split(",") == expected
    assert pypinyin_loaded == "False"
    with sqlite3.connect(cfg.content_db_path) as conn:
        row = conn.execute("SELECT curated_order, title_pinyin FROM record WHERE id = 'svc-patent-application'")
        assert row.fetchone() == (10, "zhuan li shen qing shou li")


# ---------------------------------------------------------------- list order

# Titles in pinyin order: 阿 a < 白 bai < 春 chun < 东 dong < 鹅 e < 飞 fei. The ids run the other way,
# so an order that fell back to the id would show.
SERVICES = [
    _service("svc-6", "阿里", order=2),
    _service("svc-5", "白云", order=1),
    _service("svc-4", "春天", order=1),
    _service("svc-3", "东方"),
    _service("svc-2", "鹅毛"),
    _service("svc-1", "飞机"),
]


def test_services_come_in_curated_order_then_by_pinyin_never_by_id(content_store):
    _apply("services", 1, SERVICES)
    assert _ids("services") == ["svc-5", "svc-4", "svc-6", "svc-3", "svc-2", "svc-1"]


def test_ties_go_to_the_more_viewed_record_then_to_pinyin(content_store):
    _apply("services", 1, SERVICES)
    views = {"svc-4": 3, "svc-5": 1, "svc-1": 5, "svc-2": 5, "svc-6": 100}
    # order 1: 春天 (3 views) before 白云 (1); order 2 alone (its views cannot lift it above order 1);
    # then the unordered: 鹅毛 and 飞机 (5 each, pinyin between them) before 东方 (none).
    assert _ids("services", views=views) == ["svc-4", "svc-5", "svc-6", "svc-2", "svc-1", "svc-3"]


def test_one_category_keeps_the_same_order(content_store):
    _apply("services", 1, [*SERVICES[:3], _service("svc-7", "安全", category="商标"),
                           _service("svc-8", "八方", order=1, category="商标")])
    assert _ids("services", category="商标") == ["svc-8", "svc-7"]
    assert _ids("services", category="专利") == ["svc-5", "svc-4", "svc-6"]


def test_categories_stand_where_their_first_service_stands(content_store):
    _apply("services", 1, [_service("svc-a", "甲", order=30, category="专利"),
                           _service("svc-b", "乙", order=10, category="商标"),
                           _service("svc-c", "丙", order=20, category="维权援助"),
                           _service("svc-d", "丁", category="专利"),
                           _service("svc-e", "戊", category="咨询")])
    assert content.service_categories() == [("商标", 1), ("维权援助", 1), ("专利", 2), ("咨询", 1)]
    # Popularity among unordered services moves their categories too, never above an ordered one.
    assert content.service_categories(views={"svc-e": 4}) == [("商标", 1), ("维权援助", 1), ("专利", 2), ("咨询", 1)]
    _apply("services", 2, [_service("svc-a", "甲", category="专利"), _service("svc-e", "戊", category="咨询")])
    assert content.service_categories(views={"svc-e": 4}) == [("咨询", 1), ("专利", 1)]


def _news(rid: str, title: str, published_at: str, order: int | None = None) -> dict:
    rec = {"id": rid, "rev": 1, "title": title, "summary": "摘要", "body": "正文", "published_at": published_at}
    return rec | ({"order": order} if order is not None else {})


def test_documents_keep_newest_first_with_ordered_ones_leading_and_ties_by_popularity_then_pinyin(content_store):
    _apply("news", 1, [_news("nws-d", "东方", "2026-11-01"), _news("nws-c", "春天", "2026-11-01"),
                       _news("nws-b", "白云", "2026-11-20"), _news("nws-a", "阿里", "2026-01-01", order=1)])
    assert _ids("news") == ["nws-a", "nws-b", "nws-c", "nws-d"]
    assert _ids("news", views={"nws-d": 2}) == ["nws-a", "nws-b", "nws-d", "nws-c"]


def test_events_keep_latest_start_first_with_ordered_ones_leading(content_store):
    def event(rid: str, title: str, day: int, order: int | None = None) -> dict:
        rec = {"id": rid, "rev": 1, "title": title, "summary": "摘要", "starts_at": f"2026-12-{day:02d}T09:00:00+08:00",
               "ends_at": f"2026-12-{day:02d}T11:00:00+08:00"}
        return rec | ({"order": order} if order is not None else {})

    _apply("events", 1, [event("evt-a", "阿", 1), event("evt-b", "白", 9), event("evt-c", "春", 5, order=1)])
    assert _ids("events") == ["evt-c", "evt-b", "evt-a"]


# ---------------------------------------------------------------- local popularity (station.db)


def test_views_are_counted_per_record_and_china_day_and_summed_over_the_window(station_store):
    assert station.record_view("svc-a", NOW)
    assert station.record_view("svc-a", NOW)
    assert station.record_view("svc-b", NOW)
    # 16:30 UTC is 00:30 the next day in China: a new day's row.
    assert station.record_view("svc-a", dt.datetime(2026, 11, 24, 16, 30, tzinfo=dt.UTC))
    assert station.record_view("svc-b", NOW - dt.timedelta(days=31))
    rows = sorted(station.RecordView.select(station.RecordView.record_id, station.RecordView.day,
                                            station.RecordView.count).tuples())
    assert rows == [("svc-a", "2026-11-24", 2), ("svc-a", "2026-11-25", 1), ("svc-b", "2026-10-24", 1),
                    ("svc-b", "2026-11-24", 1)]
    last_30_days = station.views_since(NOW - dt.timedelta(days=station.POPULAR_DAYS))
    assert last_30_days == {"svc-a": 3, "svc-b": 1}
    assert station.views_since(NOW - dt.timedelta(days=40)) == {"svc-a": 3, "svc-b": 2}
    assert station.views_since(dt.datetime(2026, 11, 25, 0, 0, tzinfo=CHINA_TZ)) == {"svc-a": 1}


def test_old_view_counts_are_deleted_so_the_table_stays_small(station_store):
    station.record_view("svc-old", NOW - dt.timedelta(days=station.VIEW_KEEP_DAYS + 1))
    station.record_view("svc-kept", NOW - dt.timedelta(days=station.VIEW_KEEP_DAYS))
    station.record_view("svc-new", NOW)
    assert sorted(r.record_id for r in station.RecordView.select()) == ["svc-kept", "svc-new"]


@pytest.mark.parametrize("bad", ["", "SVC-A", "13800138000 张三", "svc a", "x" * 81])
def test_only_record_ids_are_stored_as_views(station_store, bad):
    with pytest.raises(station.StationError, match="record_id"):
        station.record_view(bad, NOW)
    assert station.RecordView.select().count() == 0


def test_a_view_is_not_counted_and_nothing_fails_while_station_db_is_unusable(tmp_path, station_store):
    station.record_view("svc-a", NOW)
    broken = tmp_path / "broken" / "station.db"
    broken.parent.mkdir()
    broken.write_bytes(b"this is not a database" * 100)
    ok, problem = station.open_station_db_safely(broken)
    assert not ok and problem
    assert station.record_view("svc-a", NOW) is False
    assert station.views_since(NOW - dt.timedelta(days=30)) == {}
    assert broken.read_bytes() == b"this is not a database" * 100  # left untouched


def test_the_view_table_is_added_to_an_existing_station_db_keeping_its_data(cfg):
    """station.db made by the previous version (migration 0001 only): opening it adds the table, nothing else."""
    station.station_db.init(str(cfg.station_db_path))
    run_migrations(station.station_db, station.MIGRATIONS[:1])
    station.add_announcement("本站公告", "正文")
    station.station_db.close()
    try:
        station.open_station_db(cfg.station_db_path)
        names = [r[0] for r in station.station_db.execute_sql("SELECT name FROM migrations ORDER BY name")]
        assert names[:2] == ["0001_initial", "0002_record_view"]
        assert names == [name for name, _ in station.MIGRATIONS]  # and every later one
        assert [a["title"] for a in station.list_announcements()] == ["本站公告"]
        assert station.record_view("svc-a", NOW)
        assert station.views_since(NOW) == {"svc-a": 1}
    finally:
        station.station_db.close()


# ---------------------------------------------------------------- the seed


def test_the_seed_leads_with_patent_trademark_assistance_and_geographical_indication(seeded):
    assert _ids("services")[:4] == LEADING_SERVICES
    assert _ids("booking_types")[:4] == LEADING_BOOKING_TYPES
    assert [c for c, _ in content.service_categories()][:4] == ["专利", "商标", "维权援助", "地理标志"]
    assert _ids("services", category="商标")[0] == "svc-trademark-registration"
    assert _ids("services", category="维权援助")[0] == "svc-ip-rights-assistance"
    assert _ids("services", category="地理标志")[0] == "svc-gi-collective-certification-mark"
    # Home's hot chips are the hot services in list order.
    assert [r["id"] for r in content.list_records("services") if r.get("hot")][:4] == LEADING_SERVICES


def test_every_seed_service_and_booking_type_has_an_order_and_the_leaders_their_own(seeded):
    for kind, leaders in (("services", LEADING_SERVICES), ("booking_types", LEADING_BOOKING_TYPES)):
        orders = {rid: content.Record.get_by_id(rid).curated_order for rid in _ids(kind)}
        assert None not in orders.values(), kind
        others = {orders[rid] for rid in orders if rid not in leaders}
        assert sorted(orders[rid] for rid in leaders) == [orders[rid] for rid in leaders] < sorted(others), kind
        assert len({orders[rid] for rid in leaders}) == len(leaders), kind


def test_views_in_station_db_lift_a_seed_service_among_those_sharing_its_order(seeded, station_store):
    """The seed leaves the services after the leaders in shared orders: there the station's own use decides."""
    before = _ids("services")
    rare = "svc-patent-priority-examination"  # last of the seed's list: shared order, pinyin zhuan li you …
    assert before[-1] == rare
    for _ in range(3):
        station.record_view(rare, NOW)
    station.record_view("svc-patent-file-inspection", NOW)
    views = station.views_since(NOW - dt.timedelta(days=station.POPULAR_DAYS))
    after = _ids("services", views=views)
    shared = [rid for rid in before if content.Record.get_by_id(rid).curated_order ==
              content.Record.get_by_id(rare).curated_order]
    assert after[before.index(shared[0])] == rare  # first of its order, never above a better order
    assert after[before.index(shared[0]) + 1] == "svc-patent-file-inspection"
    assert after[:before.index(shared[0])] == before[:before.index(shared[0])]


def test_cli_list_shows_the_curated_order(tmp_path, data_dir):
    conf = write_config_file(tmp_path / "kiosk.toml", config_mod.from_mapping({"data_dir": str(data_dir)}))
    services = _cli("list", "services", conf=conf)
    assert services.returncode == 0, services.stderr
    lines = services.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines[:4]] == LEADING_SERVICES
    assert lines[1] == "svc-trademark-registration\t商标注册申请受理"
    trademarks = _cli("list", "services", "--category", "商标", conf=conf)
    assert trademarks.stdout.splitlines()[0] == "svc-trademark-registration\t商标注册申请受理"
    booking = _cli("list", "booking_types", conf=conf)
    assert [line.split("\t")[0] for line in booking.stdout.splitlines()[:4]] == LEADING_BOOKING_TYPES
