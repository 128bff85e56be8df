"""content.db / station.db: migrations, the one apply function, seed import, separation of the two files."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.core.clock import CHINA_TZ
from kiosk.core.manifest import Manifest, ManifestError, validate_manifest
from kiosk.search import index as search_index
from kiosk.store import content, seed, station
from kiosk.store.db import integrity_ok, run_migrations
from tests.helpers import file_digest


def manifest(collection: str, generation: int, records: list[dict], tombstones=()) -> Manifest:
    return validate_manifest({"format": "ipkiosk-manifest/1", "collection": collection, "generation": generation,
                              "records": sorted(records, key=lambda r: r["id"]), "tombstones": list(tombstones)})


def notice(rid: str, rev: int = 1, title: str = "通知", **extra) -> dict:
    return {"id": rid, "rev": rev, "title": title, "summary": "摘要", "body": "正文", **extra}


def ids(kind: str) -> list[str]:
    return [r["id"] for r in content.list_records(kind)]


# ---------------------------------------------------------------- migrations


def test_migrations_on_an_empty_db_create_schema_and_record_themselves(content_store, cfg):
    names = [r[0] for r in content_store.execute_sql("SELECT name FROM migrations")]
    assert names == [name for name, _ in content.MIGRATIONS]
    assert content.SyncStatus.get_by_id(1).apply_serial == 0
    assert integrity_ok(content_store) == (True, "ok")
    mode = content_store.execute_sql("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert content_store.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert content_store.execute_sql("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_migrations_on_an_existing_db_apply_only_new_ones_and_keep_data(seeded, cfg):
    before = content.counts_by_kind()
    content.content_db.close()
    content.open_content_db(cfg.content_db_path)  # reopen: nothing re-applied
    assert content.counts_by_kind() == before
    calls = []

    def _m0002_add_column(db):
        calls.append(1)
        db.execute_sql("ALTER TABLE record ADD COLUMN extra TEXT")

    plan = content.MIGRATIONS + [("0002_add_column", _m0002_add_column)]
    assert run_migrations(content.content_db, plan) == ["0002_add_column"]
    assert run_migrations(content.content_db, plan) == []
    assert calls == [1]
    assert content.counts_by_kind() == before


def test_station_migrations(station_store):
    names = [r[0] for r in station_store.execute_sql("SELECT name FROM migrations")]
    assert names[0] == "0001_initial"


# ---------------------------------------------------------------- apply


def test_upsert_delete_by_absence_and_tombstones(content_store):
    r1 = content.apply_manifests([manifest("notices", 1, [notice("ntc-a"), notice("ntc-b")])])
    assert r1.changed_collections == ["notices"] and r1.upserted == 2
    assert ids("notices") == ["ntc-a", "ntc-b"]

    r2 = content.apply_manifests([manifest("notices", 2, [notice("ntc-b", rev=2, title="新标题"), notice("ntc-c")],
                                           tombstones=[{"id": "ntc-a", "rev": 1, "generation": 2}])])
    assert sorted(ids("notices")) == ["ntc-b", "ntc-c"]
    assert content.get_record("ntc-b")["title"] == "新标题"
    assert r2.deleted == 1 and r2.upserted == 2
    assert content.Tombstone.get_by_id("ntc-a").generation == 2
    state = content.collection_states()["notices"]
    assert (state.generation, state.record_count, state.source) == (2, 2, "sync")


def test_reapplying_the_same_manifest_is_a_no_op(content_store):
    m = manifest("notices", 1, [notice("ntc-a")])
    content.apply_manifests([m])
    serial = content.sync_status().apply_serial
    again = content.apply_manifests([manifest("notices", 1, [notice("ntc-a")])])
    assert not again.changed
    assert content.sync_status().apply_serial == serial


def test_rollback_equivocation_and_rev_going_down_are_refused_without_change(content_store):
    content.apply_manifests([manifest("notices", 3, [notice("ntc-a", rev=2)])])
    with pytest.raises(content.ApplyError, match="rollback"):
        content.apply_manifests([manifest("notices", 2, [notice("ntc-a", rev=3)])])
    with pytest.raises(content.ApplyError, match="equivocation"):
        content.apply_manifests([manifest("notices", 3, [notice("ntc-a", rev=2, title="别的")])])
    with pytest.raises(content.ApplyError, match="rev 1 is lower"):
        content.apply_manifests([manifest("notices", 4, [notice("ntc-a", rev=1)])])
    assert content.get_record("ntc-a")["rev"] == 2
    assert content.collection_states()["notices"].generation == 3


def test_all_collections_apply_in_one_transaction(content_store, monkeypatch):
    content.apply_manifests([manifest("notices", 1, [notice("ntc-a")]), manifest("news", 1, [notice("nws-a")])])
    before = (content.counts_by_kind(), {k: s.generation for k, s in content.collection_states().items()})

    real = search_index.index_record

    def explode_on_second_collection(kind, rec):
        if kind == "news":
            raise RuntimeError("simulated crash mid-apply")
        return real(kind, rec)

    monkeypatch.setattr(search_index, "index_record", explode_on_second_collection)
    with pytest.raises(RuntimeError, match="simulated"):
        content.apply_manifests([manifest("notices", 2, [notice("ntc-b")]), manifest("news", 2, [notice("nws-b")])])
    after = (content.counts_by_kind(), {k: s.generation for k, s in content.collection_states().items()})
    assert after == before
    assert ids("notices") == ["ntc-a"] and ids("news") == ["nws-a"]
    assert integrity_ok(content.content_db)[0]


def test_an_id_living_in_another_collection_is_refused(content_store):
    content.apply_manifests([manifest("notices", 1, [notice("x-1")])])
    with pytest.raises(content.ApplyError, match="also lives in 'notices'"):
        content.apply_manifests([manifest("news", 1, [notice("x-1")])])


def test_attachments_follow_their_record(content_store):
    att = {"name": "guide.pdf", "sha256": "a" * 64, "length": 10, "media_type": "application/pdf"}
    content.apply_manifests([manifest("notices", 1, [notice("ntc-a", attachments=[att])])])
    assert content.referenced_blob_hashes() == {"a" * 64}
    content.apply_manifests([manifest("notices", 2, [notice("ntc-a", rev=2)])])
    assert content.referenced_blob_hashes() == set()


def test_search_keys_are_computed_at_apply_time(content_store):
    content.apply_manifests([manifest("notices", 1, [notice("ntc-a", title="专利申请", keywords=["专利"])])])
    docs = {rid: keys for rid, _kind, _title, keys in content.search_docs()}
    assert "ntc-a" in docs
    assert "zhuanli" in str(docs["ntc-a"])
    assert content.vocabulary_rows()


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"id": "../etc/passwd", "rev": 1}, "field 'id'"),
        ({"id": "ntc-a", "rev": 0, "title": "t", "summary": "s", "body": "b"}, "field 'rev'"),
        ({"id": "ntc-a", "rev": 1, "title": "", "summary": "s", "body": "b"}, "field 'title'"),
        ({"id": "ntc-a", "rev": 1, "title": "t", "summary": "s", "body": "b", "valid_until": "soon"}, "field 'valid_until'"),
        ({"id": "ntc-a", "rev": 1, "title": "t", "summary": "s", "body": "b",
          "attachments": [{"name": "../x", "sha256": "a" * 64, "length": 1, "media_type": "a/b"}]}, "field 'name'"),
    ],
)
def test_invalid_records_are_refused_with_their_location(record, message):
    with pytest.raises(ManifestError) as err:
        manifest("notices", 1, [record])
    assert message in str(err.value) and "notices" in str(err.value)


# ---------------------------------------------------------------- seed


def test_seed_import_goes_through_apply_and_is_complete(seeded):
    counts = content.counts_by_kind()
    assert counts == {"services": 40, "policies": 8, "notices": 8, "news": 8, "events": 6, "booking_types": 8}
    plan = content.get_record("pol-zz-2022-140-plan")
    assert plan["doc_number"] == "郑市监文〔2022〕140号" and plan["full_text"] is True
    assert len(plan["body"]) > 5000
    assert all(s.source == "seed" and s.generation == 0 for s in content.collection_states().values())


def test_seed_never_replaces_synced_content(seeded):
    content.apply_manifests([manifest("notices", 5, [notice("ntc-synced")])])
    assert not seed.import_seed().changed
    assert ids("notices") == ["ntc-synced"]


def test_a_broken_seed_file_names_file_and_field(tmp_path, content_store):
    (tmp_path / "notices.json").write_text('{"collection": "notices", "records": [{"id": "ntc-a", "rev": 1}]}',
                                           encoding="utf-8")
    with pytest.raises(ManifestError) as err:
        seed.import_seed(tmp_path)
    assert "notices.json" in str(err.value) and "field 'title'" in str(err.value)
    assert not content.has_content()


# ---------------------------------------------------------------- station.db is separate and precious


def test_apply_and_content_reset_never_touch_station_db(cfg, content_store, station_store):
    station.add_announcement("本站公告：周五下午闭馆", "内部培训")
    station_store.close()
    digest = file_digest(cfg.station_db_path)
    seed.import_seed()
    content.apply_manifests([manifest("notices", 1, [notice("ntc-a")])])
    content.content_db.close()
    for suffix in ("", "-wal", "-shm"):
        p = cfg.content_db_path.with_name("content.db" + suffix)
        if p.exists():
            p.unlink()
    content.open_content_db(cfg.content_db_path)
    seed.import_seed()
    assert file_digest(cfg.station_db_path) == digest
    station.open_station_db(cfg.station_db_path)
    assert [a["title"] for a in station.list_announcements()] == ["本站公告：周五下午闭馆"]


def test_corrupt_content_db_is_moved_aside_and_rebuilt(cfg):
    from kiosk.store.recovery import open_content_db_recovering

    cfg.content_db_path.parent.mkdir(parents=True, exist_ok=True)
    cfg.content_db_path.write_bytes(b"this is not a database" * 100)
    aside = open_content_db_recovering(cfg.content_db_path)
    assert aside is not None and aside.exists()
    assert aside.read_bytes().startswith(b"this is not a database")
    seed.import_seed()
    assert content.counts_by_kind()["services"] == 40
    content.content_db.close()


def test_announcement_schedule_window(station_store):
    import datetime as dt

    station.add_announcement("A", starts_at="2026-12-01T09:00", ends_at="2026-12-02T09:00")
    at = lambda *a: dt.datetime(*a, tzinfo=CHINA_TZ)  # noqa: E731
    assert station.current_announcements(at(2026, 12, 1, 8, 59)) == []
    assert [a["title"] for a in station.current_announcements(at(2026, 12, 1, 9, 0))] == ["A"]
    assert station.current_announcements(at(2026, 12, 2, 9, 0)) == []
    with pytest.raises(station.StationError, match="ends_at"):
        station.add_announcement("B", starts_at="2026-12-02", ends_at="2026-12-01")
    with pytest.raises(station.StationError, match="title"):
        station.add_announcement("  ")
    actions = [r.action for r in station.AuditLog.select()]
    assert actions == ["announcement.add"]


def test_sqlite_files_are_plain_sqlite(seeded, cfg):
    con = sqlite3.connect(cfg.content_db_path)
    assert con.execute("SELECT count(*) FROM record WHERE kind='services'").fetchone()[0] == 40
    con.close()


def test_search_keys_of_an_older_format_are_recomputed_at_open(seeded, cfg):
    from kiosk.store.seed import open_content

    content.SearchDoc.update(keys='{"v": -1}').execute()
    assert not search_index.keys_are_current(content.SearchDoc)
    content.content_db.close()
    open_content(cfg)
    assert search_index.keys_are_current(content.SearchDoc)
    assert {rid for rid, *_ in content.search_docs()} == {r.id for r in content.Record.select(content.Record.id)}
