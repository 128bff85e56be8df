"""End to end: `ipkiosk-publish` writes a real signed repository, a real HTTP server on 127.0.0.1
serves it, `ipkiosk sync` fetches, verifies and applies it."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk import __version__, cli
from kiosk.core.sync_outcome import next_delay_s
from kiosk.store import content
from kiosk.sync import publish
from kiosk.sync.client import SyncClient, SyncLock
from kiosk.sync.trust import OFFLINE, OK, SECURITY_ALERT, UNCHANGED
from tests.helpers import file_digest
from tests.sync_helpers import (
    ContentSource,
    Fault,
    Publisher,
    RepoServer,
    assert_invariants,
    content_snapshot,
    terminal_config,
    write_config_file,
)

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def station_digest(data_dir) -> str:
    """A station.db with an announcement, closed again: sync must never change it."""
    from kiosk.store import station

    station.open_station_db(data_dir / "station.db")
    station.add_announcement("本站公告", "周五下午闭馆")
    station.station_db.close()
    return file_digest(data_dir / "station.db")


@pytest.fixture
def server(publisher):
    with RepoServer(publisher.repo_dir) as srv:
        yield srv


def run_cli(argv, capsys) -> tuple[int, str]:
    code = cli.main(argv)
    return code, capsys.readouterr().err


def test_publisher_writes_the_documented_layout(publisher):
    repo = publisher.repo_dir
    names = {p.relative_to(repo).as_posix() for p in repo.rglob("*") if p.is_file()}
    assert {"metadata/1.root.json", "metadata/1.targets.json", "metadata/1.snapshot.json", "metadata/timestamp.json"} <= names
    manifests = sorted(n for n in names if n.startswith("targets/content/"))
    assert len(manifests) == 6
    for name in manifests:
        sha, collection = Path(name).name.split(".", 2)[:2]
        data = (repo / name).read_bytes()
        import hashlib

        assert hashlib.sha256(data).hexdigest() == sha
        assert json.loads(data)["collection"] == collection
        assert json.loads(data)["generation"] == 1
    # Building the same content again publishes nothing new.
    assert not publisher.build().changed
    assert not (repo / "metadata" / "2.targets.json").exists()
    # Changing one collection bumps only its generation.
    publisher.source.edit("news", publisher.source.records("news")[0]["id"], title="新标题")
    result = publisher.build()
    assert result.changed_collections == ["news"] and result.targets_version == 2
    states = publisher.published_states()
    assert states["news"][0] == 2 and all(g == 1 for c, (g, _) in states.items() if c != "news")
    # refresh-timestamp re-signs only timestamp.json.
    before = json.loads((repo / "metadata" / "timestamp.json").read_text())["signed"]["version"]
    assert publish.main(["refresh-timestamp", str(repo), "--keys", str(publisher.keys_dir), "--timestamp-expiry-h", "6"]) == 0
    after = json.loads((repo / "metadata" / "timestamp.json").read_text())["signed"]
    assert after["version"] == before + 1


def test_publisher_refuses_invalid_content_naming_file_record_field(publisher, capsys):
    recs = publisher.source.records("services")
    recs[3]["summary"] = ""
    publisher.source.write("services", recs)
    code = publish.main(["build", str(publisher.source.path), str(publisher.repo_dir), "--keys", str(publisher.keys_dir)])
    err = capsys.readouterr().err
    assert code == 1
    assert "services.json" in err and recs[3]["id"] in err and "'summary'" in err
    assert not (publisher.repo_dir / "metadata" / "2.targets.json").exists()


@pytest.mark.parametrize("name", ["../../etc/passwd", "a/b.pdf", "..hidden", ".env"])
def test_publisher_refuses_attachment_names_that_leave_the_folder(publisher, name, capsys):
    recs = publisher.source.records("policies")
    recs[0]["attachments"] = [{"name": name}]
    publisher.source.write("policies", recs)
    code = publish.main(["build", str(publisher.source.path), str(publisher.repo_dir), "--keys", str(publisher.keys_dir)])
    assert code == 1
    assert "field 'name'" in capsys.readouterr().err


def test_sync_once_end_to_end_over_http(publisher, server, data_dir, station_digest, capsys, tmp_path):
    cfg = terminal_config(data_dir, server.url, publisher.root_path)
    conf = write_config_file(tmp_path / "kiosk.toml", cfg)

    code, err = run_cli(["sync", "--once", "--config", str(conf)], capsys)
    assert code == 0, err
    assert err.strip().count("\n") == 0 and err.startswith("sync OK")
    assert all(r.headers.get("User-Agent") == f"ipkiosk/{__version__} (station zz-test-07)" for r in server.log)
    assert_invariants(cfg, station_digest=station_digest, publisher=publisher)
    assert {s.source for s in content.collection_states().values()} == {"sync"}

    assert cli.main(["status", "--json", "--config", str(conf)]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["last_result"] == "OK" and status["last_verified_at"] and status["last_success_at"]
    assert status["collections"]["services"]["generation"] == 1

    # Publish a change: one edit, one removal, one new attachment.
    src = publisher.source
    edited = src.records("services")[0]["id"]
    removed = src.records("notices")[-1]["id"]
    src.edit("services", edited, summary="新的摘要")
    src.remove("notices", removed)
    blob = os.urandom(150_000)
    blob_sha = src.attach("policies", src.records("policies")[0]["id"], "full-text.pdf", blob)
    publisher.build()

    server.log.clear()
    code, err = run_cli(["sync", "--once", "--config", str(conf)], capsys)
    assert code == 0, err
    assert content.get_record(edited)["summary"] == "新的摘要"
    assert content.get_record(removed) is None
    assert content.Tombstone.get_by_id(removed).generation == 2
    assert blob_sha in content.referenced_blob_hashes()
    fetched = server.paths()
    assert f"/blobs/sha256/{blob_sha[:2]}/{blob_sha}" in fetched
    # Only the changed manifests were downloaded.
    assert sum(p.startswith("/targets/content/") for p in fetched) == 3
    assert_invariants(cfg, station_digest=station_digest, publisher=publisher)

    # The attachment is dropped again: its blob is collected.
    recs = src.records("policies")
    recs[0].pop("attachments")
    recs[0]["rev"] += 1
    src.write("policies", recs)
    publisher.build()
    code, err = run_cli(["sync", "--once", "--config", str(conf)], capsys)
    assert code == 0, err
    assert not (cfg.blobs_path / "sha256" / blob_sha[:2] / blob_sha).exists()
    assert_invariants(cfg, station_digest=station_digest, publisher=publisher)


def test_no_change_cycle_fetches_only_timestamp(publisher, server, data_dir, station_digest):
    cfg = terminal_config(data_dir, server.url, publisher.root_path)
    assert SyncClient(cfg).run_once().result == OK
    server.log.clear()
    client = SyncClient(cfg)  # a fresh process, like `sync --once` from cron
    outcome = client.run_once()
    assert outcome.result == UNCHANGED and outcome.exit_code == 1
    # TUF's root probe (404, no new root) and timestamp.json: nothing else.
    assert server.paths() == ["/metadata/2.root.json", "/metadata/timestamp.json"]
    assert [r.status for r in server.log] == [404, 200]
    assert outcome.requests <= 2
    assert sum(r.bytes_sent for r in server.log) <= 4096
    # The same process (sync --loop) revalidates timestamp.json: 304, no body.
    server.log.clear()
    outcome = client.run_once()
    assert outcome.result == UNCHANGED, outcome.reason
    assert [r.status for r in server.log] == [404, 304]
    assert server.log[1].headers.get("If-None-Match")
    assert outcome.body_bytes == 0
    # A new timestamp is downloaded again (the ETag changed), and verified.
    publish.main(["refresh-timestamp", str(publisher.repo_dir), "--keys", str(publisher.keys_dir)])
    server.log.clear()
    assert client.run_once().result == UNCHANGED
    assert [r.status for r in server.log] == [404, 200]
    assert_invariants(cfg, station_digest=station_digest, publisher=publisher)


def test_file_url_repository_goes_through_the_same_verification(publisher, data_dir, station_digest):
    cfg = terminal_config(data_dir, publisher.repo_dir.as_uri(), publisher.root_path)
    assert SyncClient(cfg).run_once().result == OK
    assert_invariants(cfg, station_digest=station_digest, publisher=publisher)
    before = content_snapshot()
    # Tamper with a published manifest on the "USB stick": same length, one byte changed.
    publisher.source.edit("events", publisher.source.records("events")[0]["id"], title="改过的活动")
    publisher.build()
    manifest = next((publisher.repo_dir / "targets" / "content").glob(f"{publisher.published_states()['events'][1]}.*"))
    data = bytearray(manifest.read_bytes())
    data[100] ^= 0x01
    manifest.write_bytes(bytes(data))
    outcome = SyncClient(cfg).run_once()
    assert outcome.result == SECURITY_ALERT and outcome.exit_code == 12
    assert content_snapshot() == before
    assert_invariants(cfg, station_digest=station_digest, publisher=publisher)


def test_second_concurrent_sync_exits_without_work(publisher, server, data_dir, station_digest, tmp_path):
    cfg = terminal_config(data_dir, server.url, publisher.root_path)
    conf = write_config_file(tmp_path / "kiosk.toml", cfg)
    holder = SyncLock(data_dir / "sync.lock")
    assert holder.acquire()  # a first sync holds the lock
    try:
        proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "sync", "--once", "--config", str(conf)],
                              capture_output=True, text=True, timeout=60, cwd=REPO_ROOT)
    finally:
        holder.release()
    assert proc.returncode == 1, proc.stderr
    assert "another sync process is running" in proc.stderr
    assert server.log == []
    assert file_digest(data_dir / "station.db") == station_digest


def test_unconfigured_or_bad_trusted_root_is_a_config_error(data_dir, tmp_path, capsys):
    conf = tmp_path / "kiosk.toml"
    conf.write_text(f'data_dir = "{data_dir}"\n')
    code, err = run_cli(["sync", "--once", "--config", str(conf)], capsys)
    assert code == 2 and "repository_url" in err
    conf.write_text(f'data_dir = "{data_dir}"\nrepository_url = "http://127.0.0.1:9"\ntrusted_root = "{tmp_path}/none.json"\n')
    code, err = run_cli(["sync", "--once", "--config", str(conf)], capsys)
    assert code == 2 and "trusted_root" in err


def test_retry_after_and_backoff(publisher, server, data_dir, station_digest):
    cfg = terminal_config(data_dir, server.url, publisher.root_path)
    server.fault = lambda i, path: Fault("status", 503, headers={"Retry-After": "1234"}) if "timestamp" in path else None
    outcome = SyncClient(cfg).run_once()
    assert outcome.result == OFFLINE and outcome.exit_code == 10
    assert outcome.retry_after_s == 1234
    rng = random.Random(7)
    assert next_delay_s(1, 900, rng, outcome.retry_after_s) >= 1234
    delays = [next_delay_s(0, 900, rng) for _ in range(200)]
    assert min(delays) >= 720 and max(delays) <= 1080 and max(delays) - min(delays) > 200
    backoff = [next_delay_s(n, 900, random.Random(1)) for n in (1, 2, 3, 4, 5, 6)]
    assert backoff == sorted(backoff) and backoff[3] > 4 * backoff[0] * 0.6
    assert max(backoff) <= 4 * 3600 * 1.2
    assert next_delay_s(0, 10, rng) >= 300 * 0.8  # never polls more often than every 5 min (−jitter)
    assert_invariants(cfg, station_digest=station_digest, publisher=publisher)


def test_loop_syncs_and_exits_cleanly_on_sigterm(publisher, server, data_dir, station_digest, tmp_path):
    cfg = terminal_config(data_dir, server.url, publisher.root_path)
    conf = write_config_file(tmp_path / "kiosk.toml", cfg)
    proc = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "sync", "--loop", "--config", str(conf)],
                            stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT)
    try:
        first = proc.stderr.readline()
        assert first.startswith("sync OK"), first
        # "Sync now": SIGUSR1 ends the 5-minute wait and runs a cycle that sees the new version.
        publisher.source.edit("news", publisher.source.records("news")[0]["id"], title="立即同步")
        publisher.build()
        proc.send_signal(signal.SIGUSR1)
        second = proc.stderr.readline()
        assert second.startswith("sync OK") and "news (generation 2)" in second, second
        time.sleep(0.2)  # now waiting for the next cycle
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    content.open_content_db(cfg.content_db_path)
    status = content.status_dict()
    assert status["last_result"] == "OK" and status["next_attempt_at"] is not None
    assert_invariants(cfg, station_digest=station_digest, publisher=publisher)


def test_two_of_three_offline_root_keys(tmp_path, data_dir, station_digest):
    keys, repo = tmp_path / "keys", tmp_path / "repo"
    assert publish.main(["init", str(keys), "--root-threshold", "2", "--root-keys", "3"]) == 0
    pub = Publisher(keys, repo, ContentSource(tmp_path / "source"))
    pub.build()
    cfg = terminal_config(data_dir, repo.as_uri(), pub.root_path)
    assert SyncClient(cfg).run_once().result == OK
    # One root key holder is away: two of three still rotate the timestamp key.
    (keys / "root-3.pem").rename(tmp_path / "root-3.pem.away")
    assert publish.main(["rotate-keys", str(keys), str(repo), "--role", "timestamp"]) == 0
    pub.source.edit("news", pub.source.records("news")[0]["id"], title="轮换后")
    pub.build()
    outcome = SyncClient(cfg).run_once()
    assert outcome.result == OK, outcome.reason
    assert (data_dir / "tuf" / "root_history" / "2.root.json").exists()
    assert_invariants(cfg, station_digest=station_digest, publisher=pub)
    # With only one root key left, no new root can be signed.
    (keys / "root-2.pem").rename(tmp_path / "root-2.pem.away")
    assert publish.main(["rotate-keys", str(keys), str(repo), "--role", "snapshot"]) == 2
    assert not (keys / "3.root.json").exists()
