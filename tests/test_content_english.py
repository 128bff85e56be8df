"""English twins of content (``<field>_en``) through the store and the data API: the title_en column
(migration 0004), search hits and related records carrying it, list answers without detail-only twins."""

from __future__ import annotations

import sqlite3

from kiosk.store import content
from tests.data_service_double import answered

NOW = "2026-11-24T02:00:00+00:00"


def test_search_hits_and_related_records_carry_the_english_title(data_service, qtbot):
    found = answered(qtbot, data_service.search("zlsq", "", NOW, kinds=["services"], limit=20, candidate_limit=8,
                                                nearest_limit=6))
    hits = {hit["id"]: hit for hit in found["hits"]}
    assert hits["svc-patent-application"]["title_en"] == "Patent applications"
    assert hits["svc-patent-application"]["title"] == "专利申请受理"

    referring = next(rec for rec in content.list_records("news") + content.list_records("notices")
                     if rec.get("related_ids"))
    page = answered(qtbot, data_service.record_detail(referring["id"]))
    assert page["related"] and all("title_en" in rel for rel in page["related"])


def test_list_answers_leave_out_the_english_twins_of_detail_only_fields(data_service, qtbot, cfg):
    recs = content.list_records("booking_types")
    assert recs[0]["prepare_en"], "the seed's booking types have English prepare lists"
    services = answered(qtbot, data_service.list_records("services"))
    assert services[0]["title_en"] and services[0]["summary_en"]
    assert not any(name.startswith(("materials", "process", "conditions", "channels", "keywords"))
                   for rec in services for name in rec)


def test_an_older_content_db_gets_title_en_filled_at_open(seeded, cfg):
    db = content.content_db
    db.execute_sql("ALTER TABLE record DROP COLUMN title_en")
    db.execute_sql("DELETE FROM migrations WHERE name = '0004_title_en'")
    db.close()
    content.open_content_db(cfg.content_db_path)
    with sqlite3.connect(cfg.content_db_path) as conn:
        rows = dict(conn.execute("SELECT id, title_en FROM record WHERE kind IN ('services', 'news')").fetchall())
    assert rows["svc-patent-application"] == "Patent applications"
    assert all(title is None for rid, title in rows.items() if rid.startswith("nws-")), "no English title: NULL"


def test_a_blank_english_twin_leaves_the_chinese_text_shown():
    """Found: a published title_en of spaces replaced the Chinese title in English mode with nothing (an empty
    heading and nav bar on the service page); a twin of zero-width spaces the same. The Chinese now stays."""
    from kiosk.core.language import in_language

    rec = {"id": "svc-x", "rev": 1, "title": "专利申请受理", "title_en": "   ", "summary": "摘要", "summary_en": "\u200b",
           "materials": ["身份证"], "materials_en": [" ", ""], "fee": "免费", "fee_en": "Free"}
    shown = in_language(rec, "en")
    assert (shown["title"], shown["summary"], shown["materials"], shown["fee"]) == ("专利申请受理", "摘要", ["身份证"], "Free")
    # The short answers (lists, search hits, related records) take the English title from content.db's column: none.
    assert content._row_for("services", rec)["title_en"] is None
