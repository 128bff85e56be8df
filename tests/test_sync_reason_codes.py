"""Every sync cycle records why it ended as it did as a reason code (kiosk.core.sync_outcome.SyncReason), beside
its English reason: real cycles against a real repository on a real HTTP server on 127.0.0.1, one per reason the
network and the terminal itself cause (the forged and tampered metadata of tests/test_sync_attacks.py check theirs
there; a refused collection in tests/test_sync_content_rules.py). And a content.db written before the codes were
keeps its last outcome when it is opened by this version (migration 0006).
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3

import pytest

from kiosk.core.sync_outcome import SyncReason
from kiosk.store import content
from kiosk.sync import trust
from kiosk.sync.client import SyncLock
from kiosk.sync.trust import OFFLINE, OK, UNCHANGED
from kiosk.ui.admin.wording import SYNC_REASON_ZH, sync_status_reason_zh
from tests.helpers import REPO_ROOT
from tests.sync_helpers import ContentSource, Fault, Publisher, RepoServer, write_config_file
from tests.test_sync_faults import Terminal, _ipkiosk


@pytest.fixture
def terminal(tmp_path, data_dir):
    """A seeded terminal and its repository on a real HTTP server, which publishes one news record edited."""
    keys = tmp_path / "keys"
    trust.init_keys(keys)
    pub = Publisher(keys, tmp_path / "repo", ContentSource(tmp_path / "source"))
    pub.source.edit("news", pub.source.records("news")[0]["id"], title="第二版标题")
    pub.build()
    with RepoServer(pub.repo_dir) as server:
        yield Terminal(tmp_path, data_dir, server, pub)


def _recorded(outcome, result: str, code: SyncReason) -> dict:
    """OUTCOME ended as RESULT for CODE, and content.db recorded exactly that."""
    assert (outcome.result, outcome.code) == (result, code), outcome.reason
    status = content.status_dict()
    assert (status["last_result"], status["last_reason_code"], status["last_reason"]) == (result, code, outcome.reason)
    return status


def test_applied_content_is_recorded_with_its_collections_and_counts_then_content_is_current(terminal):
    status = _recorded(terminal.sync(), OK, SyncReason.APPLIED)
    published = terminal.pub.published_states()
    applied = status["last_applied"]
    assert [(c["collection"], c["generation"]) for c in applied["collections"]] == [
        (name, generation) for name, (generation, _sha) in sorted(published.items())]
    # Every collection's generation 1 replaced the seed's 0, but only one record differs from the seed: the news
    # record the fixture edited.
    assert (applied["upserted"], applied["deleted"]) == (1, 0)
    assert sync_status_reason_zh(status) == ("已更新 预约类型（第 1 版）、宣讲活动（第 1 版）、行业动态（第 1 版）、通知公告（第 1 版）、"
                                             "政策法规（第 1 版）、服务事项（第 1 版）：新增或修改 1 条，删除 0 条")

    status = _recorded(terminal.sync(), UNCHANGED, SyncReason.CONTENT_CURRENT)
    assert status["last_applied"] is None, "nothing applied this time"
    assert sync_status_reason_zh(status) == "内容服务器上没有新内容"


@pytest.mark.parametrize("fault,code", [
    (Fault("status", 503), SyncReason.HTTP_ERROR),
    (Fault("reset"), SyncReason.DOWNLOAD_FAILED),
    (Fault("body", body=b"<!DOCTYPE html><html><body>Wi-Fi login</body></html>"), SyncReason.NOT_METADATA),
], ids=["http-error", "connection-reset", "captive-portal"])
def test_network_faults_are_recorded_by_their_code(terminal, fault, code):
    terminal.server.fault = lambda index, path: fault if path.endswith("timestamp.json") else None
    status = _recorded(terminal.sync(), OFFLINE, code)
    assert status["last_applied"] is None
    assert sync_status_reason_zh(status) == SYNC_REASON_ZH[code]


def test_a_download_cut_at_the_cycle_deadline_is_slow(terminal):
    terminal.server.fault = lambda index, path: Fault("slow", delay_s=0.2) if path.endswith("timestamp.json") else None
    outcome = terminal.sync(deadline_s=1.0)
    assert "deadline" in outcome.reason
    _recorded(outcome, OFFLINE, SyncReason.DOWNLOAD_SLOW)


def test_a_cycle_told_to_stop_is_stopped_not_a_failed_download(terminal):
    status = _recorded(terminal.sync(should_stop=lambda: True), OFFLINE, SyncReason.STOPPED)
    assert sync_status_reason_zh(status).startswith("同步在完成前被中止")
    assert {s.source for s in content.collection_states().values()} == {"seed"}


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO])
def test_a_failing_data_disk_is_a_local_storage_error(terminal, monkeypatch, code):
    # A real full disk or failing sector cannot be produced portably inside a test: fail the blob store's fsync the
    # way the kernel would report it (as tests/test_sync_faults.py does).
    import kiosk.sync.blobs

    def failing_fsync(fd):
        raise OSError(code, os.strerror(code))

    pub = terminal.pub
    pub.source.attach("policies", pub.source.records("policies")[0]["id"], "a.pdf", os.urandom(5000))
    pub.build()
    monkeypatch.setattr(kiosk.sync.blobs.os, "fsync", failing_fsync)
    outcome = terminal.sync()
    assert os.strerror(code) in outcome.reason
    _recorded(outcome, OFFLINE, SyncReason.LOCAL_STORAGE)


def test_a_busy_lock_says_so_and_records_nothing(terminal):
    _recorded(terminal.sync(), OK, SyncReason.APPLIED)
    before = content.status_dict()
    other = SyncLock(terminal.cfg.data_path / "sync.lock")  # another sync process
    assert other.acquire()
    try:
        outcome = terminal.sync()
    finally:
        other.release()
    assert (outcome.result, outcome.code, outcome.busy) == (UNCHANGED, SyncReason.LOCK_BUSY, True)
    assert outcome.summary().startswith("sync UNCHANGED [LOCK_BUSY]: another sync process is running")
    assert content.status_dict() == before, "the last recorded cycle still stands"


def test_the_sync_command_prints_the_code_and_status_json_carries_it(tmp_path, terminal):
    conf = write_config_file(tmp_path / "kiosk.toml", terminal.cfg)
    terminal.server.fault = lambda index, path: Fault("status", 503) if path.endswith("timestamp.json") else None
    sync = _ipkiosk(conf, "sync", "--once")
    assert sync.returncode == 10, sync.stderr
    [line] = sync.stderr.strip().splitlines()[-1:]
    assert line.startswith("sync OFFLINE [HTTP_ERROR]: HTTP 503 from the repository ("), line
    status = json.loads(_ipkiosk(conf, "status", "--json").stdout)
    assert (status["last_result"], status["last_reason_code"], status["last_applied"]) == ("OFFLINE", "HTTP_ERROR", None)


# ---------------------------------------------------------------- a content.db from before the codes


def test_a_content_db_from_before_the_codes_keeps_its_last_outcome_and_is_worded_from_nothing(seeded, cfg, tmp_path):
    """content.db as the previous version left it (migrations up to 0005; the sync state row without the code and
    counts columns, an outcome recorded in English only): opening it adds the columns, keeps the outcome, and the
    staff screen words it without parsing the English."""
    db = content.content_db
    db.execute_sql("ALTER TABLE syncstatus DROP COLUMN last_reason_code")
    db.execute_sql("ALTER TABLE syncstatus DROP COLUMN last_applied")
    db.execute_sql("DELETE FROM migrations WHERE name = '0006_sync_reason_code'")
    english = "applied services (generation 4): 3 upserted, 1 deleted"
    db.execute_sql("UPDATE syncstatus SET last_result = 'OK', last_reason = ?, last_attempt_at = ?",
                   (english, "2026-12-07T02:00:00+00:00"))
    db.close()
    with sqlite3.connect(cfg.content_db_path) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM migrations ORDER BY name")][-1] == "0005_event_type"

    conf = write_config_file(tmp_path / "kiosk.toml", cfg)
    proc = _ipkiosk(conf, "status", "--json")  # a real process of this version opens it
    assert proc.returncode == 0, proc.stderr
    status = json.loads(proc.stdout)
    assert (status["last_result"], status["last_reason"], status["last_attempt_at"]) == (
        "OK", english, "2026-12-07T02:00:00+00:00")
    assert status["last_reason_code"] is None and status["last_applied"] is None
    assert sync_status_reason_zh(status) == "见下方技术细节"
    with sqlite3.connect(cfg.content_db_path) as conn:
        assert "0006_sync_reason_code" in {r[0] for r in conn.execute("SELECT name FROM migrations")}

    # The next cycle records its code in the new column.
    content.open_content_db(cfg.content_db_path)
    content.record_sync_outcome("OFFLINE", "HTTP 502 from the repository", SyncReason.HTTP_ERROR)
    assert content.status_dict()["last_reason_code"] == "HTTP_ERROR"


def test_an_unreadable_applied_record_is_worded_from_the_code_alone(content_store):
    applied = content.AppliedCounts((("news", 2),), 5, 1)
    content.record_sync_outcome("OK", "applied news (generation 2): 5 upserted, 1 deleted", SyncReason.APPLIED,
                                applied=applied)
    assert content.status_dict()["last_applied"] == {"collections": [{"collection": "news", "generation": 2}],
                                                      "upserted": 5, "deleted": 1}
    content.SyncStatus.update(last_applied='{"collections": 7}').execute()
    status = content.status_dict()
    assert status["last_applied"] is None
    assert sync_status_reason_zh(status) == SYNC_REASON_ZH[SyncReason.APPLIED]


def test_docs_name_every_code_a_cycle_records():
    doc = (REPO_ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert [code for code in SyncReason if code is not SyncReason.UNKNOWN and f"`{code}`" not in doc] == []
