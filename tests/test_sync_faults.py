"""Fault matrix: a real repository on a real HTTP server on 127.0.0.1 that misbehaves.

After every fault the terminal's content equals the previous state (never empty), content.db
is healthy and holds one published generation, every referenced blob verifies, station.db is
unchanged; a following clean cycle converges.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.store import content
from kiosk.sync import publish, trust
from kiosk.sync.client import SyncClient
from kiosk.sync.fetcher import HttpFetcher
from kiosk.sync.trust import OFFLINE, OK, SECURITY_ALERT, STALE, UNCHANGED
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


class Terminal:
    def __init__(self, tmp_path: Path, data_dir: Path, server: RepoServer, pub: Publisher):
        self.pub = pub
        self.server = server
        self.cfg = terminal_config(data_dir, server.url, pub.root_path)
        from kiosk.store import station

        station.open_station_db(self.cfg.station_db_path)
        station.add_announcement("本站公告", "")
        station.station_db.close()
        self.station_digest = file_digest(self.cfg.station_db_path)

    def sync(self, **kwargs):
        return SyncClient(self.cfg, **kwargs).run_once()

    def check(self) -> None:
        assert_invariants(self.cfg, station_digest=self.station_digest, publisher=self.pub)

    def converges(self) -> None:
        self.server.fault = lambda i, p: None
        outcome = self.sync()
        assert outcome.result in (OK, UNCHANGED), outcome.reason
        latest = self.pub.published_states()
        assert {c: (s.generation, s.manifest_sha256) for c, s in content.collection_states().items()} == latest
        self.check()


@pytest.fixture
def pub(tmp_path) -> Publisher:
    keys = tmp_path / "keys"
    trust.init_keys(keys)
    p = Publisher(keys, tmp_path / "repo", ContentSource(tmp_path / "source"))
    rid = p.source.records("policies")[0]["id"]
    p.source.attach("policies", rid, "a.pdf", os.urandom(70_000))
    p.source.attach("policies", rid, "b.pdf", os.urandom(90_000))
    p.build()
    return p


@pytest.fixture
def server(pub):
    with RepoServer(pub.repo_dir) as srv:
        yield srv


@pytest.fixture
def terminal(tmp_path, data_dir, server, pub) -> Terminal:
    return Terminal(tmp_path, data_dir, server, pub)


def _initial_request_count(tmp_path, server, pub) -> int:
    probe = terminal_config(tmp_path / "probe", server.url, pub.root_path)
    assert SyncClient(probe).run_once().result == OK
    n = len(server.log)
    server.log.clear()
    return n


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["reset", "404", "500", "truncate"])
def test_fail_the_kth_request_of_a_full_cycle(tmp_path, server, pub, terminal, mode):
    n = _initial_request_count(tmp_path, server, pub)
    assert n >= 10  # root probe, timestamp, snapshot, targets, 6 manifests, blobs
    fault = {"reset": Fault("reset"), "404": Fault("status", 404), "500": Fault("status", 500),
             "truncate": Fault("truncate")}[mode]
    # Every k starts from a fresh terminal (seed content, no TUF cache, no blobs).
    content.open_content_db(terminal.cfg.content_db_path)
    from kiosk.store import seed

    seed.import_seed()
    for k in range(n):
        before = content_snapshot()
        server.log.clear()
        server.fault = lambda i, path, k=k: fault if i == k else None
        outcome = terminal.sync()
        path = server.log[k].path if len(server.log) > k else "?"
        if outcome.result == OK:
            # Only the root-version probe may fail harmlessly: 404 there means "no newer root".
            assert k == 0 and mode in ("404", "truncate"), (k, path, outcome.reason)
        else:
            assert outcome.result == OFFLINE, (k, path, outcome.reason)
            assert content_snapshot() == before
        terminal.check()
        # Heal, then go back to the previous state for the next k (a fresh terminal each time).
        terminal.converges()
        content.content_db.close()
        for name in ("content.db", "content.db-wal", "content.db-shm"):
            (terminal.cfg.data_path / name).unlink(missing_ok=True)
        shutil.rmtree(terminal.cfg.data_path / "tuf")
        shutil.rmtree(terminal.cfg.blobs_path)
        content.open_content_db(terminal.cfg.content_db_path)
        seed.import_seed()


def test_new_version_published_mid_cycle(server, pub, terminal):
    v1 = pub.published_states()
    published = []

    def publish_during_manifest_download(i, path):
        if path.startswith("/targets/content/") and not published:
            pub.source.edit("news", pub.source.records("news")[0]["id"], title="周期中发布")
            pub.build()
            published.append(path)
        return

    server.fault = publish_during_manifest_download
    outcome = terminal.sync()
    assert published and outcome.result == OK, outcome.reason
    # The cycle finished on the consistent version 1 snapshot, not a mix.
    assert {c: (s.generation, s.manifest_sha256) for c, s in content.collection_states().items()} == v1
    terminal.check()
    terminal.converges()
    assert content.collection_states()["news"].generation == 2


def test_slow_retrieval_hits_the_overall_deadline(server, pub, terminal):
    server.fault = lambda i, path: Fault("slow", delay_s=0.05) if path.endswith("snapshot.json") else None
    start = time.monotonic()
    outcome = terminal.sync(deadline_s=1.0)
    assert outcome.result == OFFLINE and "deadline" in outcome.reason
    assert time.monotonic() - start < 10
    assert content.collection_states()["services"].source == "seed"
    terminal.check()
    terminal.converges()


class DribblingServer:
    """A raw-socket web server on 127.0.0.1 for what http.server cannot do: answer the paths
    DRIBBLE(path) picks by sending their response *headers* one byte a second (``tls=True``: answer
    every connection by dribbling a TLS handshake record instead). Other paths are served from the
    repository directory ROOT, one request per connection (``Connection: close``).
    ``hung_up`` is set when the client closed a dribbled connection."""

    def __init__(self, root: Path, dribble: Callable[[str], bool], *, tls: bool = False):
        self.root = root
        self.dribble = dribble
        self.tls = tls
        self.hung_up = threading.Event()
        self._stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.thread = threading.Thread(target=self._accept, name="dribbling-server", daemon=True)

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.listener.getsockname()[1]}"

    def __enter__(self) -> DribblingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.listener.close()
        self.thread.join(timeout=5)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            request = b""
            while b"\r\n\r\n" not in request and not (self.tls and request):
                data = conn.recv(65536)
                if not data:
                    return
                request += data
            if self.tls:  # the client's hello arrived; a server hello that never ends
                self._drip(conn, b"\x16\x03\x03\x40\x00\x02" + b"\x00" * 20000)
                return
            path = request.split(b" ", 2)[1].decode("ascii")
            file = self.root / path.lstrip("/")
            if self.dribble(path):
                self._drip(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Pad: " + b"a" * 20000)
            elif file.is_file():
                body = file.read_bytes()
                conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
            else:
                conn.sendall(b"HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")

    def _drip(self, conn: socket.socket, data: bytes) -> None:
        try:
            for i in range(len(data)):
                if self._stop.is_set():
                    return
                conn.sendall(data[i:i + 1])
                time.sleep(1.0)
        except OSError:  # the client shut the connection down
            self.hung_up.set()


def _ipkiosk(conf: Path, *args: str, timeout_s: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *args, "--config", str(conf)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=timeout_s, check=False)


def test_server_dribbling_response_headers_is_cut_at_the_wall_clock_deadline(tmp_path, pub, data_dir):
    # Each byte restarts the per-read timeout, so only a wall-clock deadline ends this cycle.
    with DribblingServer(pub.repo_dir, dribble=lambda path: path.endswith("/timestamp.json")) as slow:
        conf = write_config_file(tmp_path / "kiosk.toml", terminal_config(data_dir, slow.url, pub.root_path))
        start = time.monotonic()
        sync = _ipkiosk(conf, "sync", "--once", "--deadline-s", "3", timeout_s=90)
        elapsed_s = time.monotonic() - start
        assert slow.hung_up.wait(timeout=10), "the client kept the dribbling connection open"
    assert sync.returncode == 10, sync.stderr  # OFFLINE
    assert "overall deadline of 3 s passed while fetching" in sync.stderr and "timestamp.json" in sync.stderr
    assert "Traceback" not in sync.stderr
    assert elapsed_s < 3 + 30, elapsed_s  # a hang detector (process start-up included), not a speed test
    status = json.loads(_ipkiosk(conf, "status", "--json").stdout)
    assert status["last_result"] == OFFLINE and "overall deadline of 3 s" in status["last_reason"]
    assert {c["source"] for c in status["collections"].values()} == {"seed"}


def test_a_cycle_cut_at_its_deadline_does_not_cut_the_next_one(tmp_path, pub, data_dir):
    """`sync --loop` reuses one fetcher: each cycle gets its own deadline, and connections a cycle
    closed are really closed (the watchdog holds no descriptor of its own after a close)."""
    dribbling = [True]
    with DribblingServer(pub.repo_dir, dribble=lambda path: dribbling[0] and path.endswith("/timestamp.json")) as slow:
        client = SyncClient(terminal_config(data_dir, slow.url, pub.root_path), deadline_s=2)
        outcomes = []
        cycle = threading.Thread(target=lambda: outcomes.append(client.run_once()), daemon=True)
        cycle.start()
        cycle.join(timeout=60)  # a hang detector: without a wall-clock deadline this cycle never ends
        assert not cycle.is_alive(), "the cycle did not end at its deadline"
        first = outcomes[0]
        assert first.result == OFFLINE and "overall deadline of 2 s" in first.reason, first.reason
        dribbling[0] = False
        open_fds = len(os.listdir("/proc/self/fd"))
        second = client.run_once()  # a full cycle: about 20 connections, each closed by the server
        assert second.result == OK, second.reason
        assert len(os.listdir("/proc/self/fd")) <= open_fds + 5  # a leak would be one per connection
    assert content.status_dict()["last_result"] == OK


def test_a_deadline_beyond_what_a_timer_can_wait_means_no_deadline(tmp_path, server, terminal):
    # Before: the watchdog's timer thread died with an OverflowError traceback on stderr.
    conf = write_config_file(tmp_path / "kiosk.toml", terminal.cfg)
    sync = _ipkiosk(conf, "sync", "--once", "--deadline-s", "1e10")
    assert sync.returncode == 0, sync.stderr
    assert "Traceback" not in sync.stderr and "Error" not in sync.stderr


@pytest.mark.parametrize("deadline", ["nan", "inf", "0", "-5", "soon"])
def test_a_deadline_that_is_not_a_positive_number_is_a_usage_error(tmp_path, terminal, deadline):
    # NaN compares false with everything, so it silently meant "no deadline"; 0 and negatives ended every cycle at once.
    conf = write_config_file(tmp_path / "kiosk.toml", terminal.cfg)
    sync = _ipkiosk(conf, "sync", "--once", f"--deadline-s={deadline}")
    assert sync.returncode == 2
    assert "--deadline-s" in sync.stderr and "Traceback" not in sync.stderr


def test_tls_handshake_dribbled_one_byte_a_second_is_cut_at_the_deadline(tmp_path):
    # The fetcher alone: the handshake never completes, so nothing above it (TUF, the client) runs.
    with DribblingServer(tmp_path, dribble=lambda path: True, tls=True) as slow:
        fetcher = HttpFetcher(user_agent="ipkiosk-test", deadline_s=2)
        fetcher.start_cycle()
        start = time.monotonic()
        with pytest.raises(trust.tuf_exc.SlowRetrievalError, match="overall deadline of 2 s"):
            b"".join(fetcher.fetch(f"{slow.url}/metadata/timestamp.json"))
        assert time.monotonic() - start < 2 + 20  # a hang detector, not a speed test
        assert slow.hung_up.wait(timeout=10)


@pytest.mark.parametrize("what", ["timestamp.json", "blob"])
def test_endless_data_over_http_is_cut(server, pub, terminal, what):
    server.fault = lambda i, path: Fault("endless") if (what in path or (what == "blob" and "/blobs/" in path)) else None
    before_seed = None
    outcome = terminal.sync()
    # The stream is b"AAAA…": for timestamp.json that is not metadata at all (like a captive portal's
    # page), cut at its first byte; a blob has no format to check and is cut at its pinned length.
    expected = OFFLINE if what == "timestamp.json" else SECURITY_ALERT
    assert outcome.result == expected, outcome.reason
    assert outcome.body_bytes < 2 * 1024 * 1024
    assert before_seed is None and {s.source for s in content.collection_states().values()} == {"seed"}
    terminal.check()
    terminal.converges()


CAPTIVE_PORTAL_PAGE = (b"<!DOCTYPE html><html><head><title>Wi-Fi</title></head><body>"
                       + b"<p>Please log in to use the free Wi-Fi.</p>" * 600 + b"</body></html>")
GATEWAY_ERROR = b'{"error": "upstream unavailable", "code": 502}'


@pytest.mark.parametrize("body", [CAPTIVE_PORTAL_PAGE, GATEWAY_ERROR], ids=["html-page", "gateway-json"])
@pytest.mark.parametrize("where", ["/metadata/timestamp.json", "/targets/content/"])
def test_captive_portal_or_proxy_page_of_any_length_is_offline(server, pub, terminal, body, where):
    # The page is longer than timestamp.json's size cap (16 KB): before, TUF cut it as "more data than
    # allowed" and the terminal raised a security alert for a hotel's Wi-Fi login page.
    assert len(CAPTIVE_PORTAL_PAGE) > 16 * 1024
    server.fault = lambda i, path: (Fault("body", body=body, headers={"Content-Type": "text/html"})
                                    if path.startswith(where) else None)
    outcome = terminal.sync()
    if where.startswith("/targets/") and body == GATEWAY_ERROR:
        # A manifest is a TUF target: any bytes other than the signed ones are a hash mismatch.
        assert outcome.result == SECURITY_ALERT, outcome.reason
    else:
        assert outcome.result == OFFLINE, outcome.reason
        assert "not repository metadata" in outcome.reason
    assert content.status_dict()["last_result"] == outcome.result
    assert {s.source for s in content.collection_states().values()} == {"seed"}
    terminal.check()
    terminal.converges()


def test_repository_under_a_path_named_metadata_syncs(tmp_path, pub, data_dir):
    # Only the last directory tells metadata from manifests, whatever the repository's own URL holds.
    www = tmp_path / "www"
    shutil.copytree(pub.repo_dir, www / "metadata" / "kiosk")
    with RepoServer(www) as srv:
        outcome = SyncClient(terminal_config(data_dir, f"{srv.url}/metadata/kiosk", pub.root_path)).run_once()
    assert outcome.result == OK, outcome.reason


def test_timestamp_that_starts_like_metadata_and_never_ends_is_a_security_alert(server, pub, terminal):
    # The endless-data attack: what begins like metadata and exceeds the cap is not a portal page.
    endless_json = b'{"signatures": [], "signed": {"_type": "timestamp", "pad": "' + b"A" * 100_000 + b'"}}'
    server.fault = lambda i, path: Fault("body", body=endless_json) if path == "/metadata/timestamp.json" else None
    outcome = terminal.sync()
    assert outcome.result == SECURITY_ALERT and "more data than allowed" in outcome.reason, outcome.reason
    terminal.check()
    terminal.converges()


def _with_duplicates(data: bytes, *, keyids: bool = False) -> bytes:
    """DATA (signed metadata) made to fake a threshold: every signature listed twice, or (KEYIDS)
    every root key id listed twice under a doubled threshold, so that one key counts as two."""
    doc = json.loads(data)
    if keyids:
        role = doc["signed"]["roles"]["root"]
        role["keyids"] = role["keyids"] * 2
        role["threshold"] *= 2
    else:
        doc["signatures"] = doc["signatures"] * 2
    return json.dumps(doc).encode()


@pytest.mark.parametrize("forgery", ["timestamp-duplicate-signatures", "root-duplicate-signatures",
                                     "root-duplicate-keyids"])
def test_metadata_faking_a_threshold_with_duplicates_is_a_security_alert(server, pub, terminal, forgery):
    if forgery.startswith("timestamp"):
        path = "/metadata/timestamp.json"
        forged = _with_duplicates((pub.repo_dir / "metadata" / "timestamp.json").read_bytes())
        because = "Multiple signatures"
    else:  # a "new root" offered at the version probe, made from the trusted one
        path = "/metadata/2.root.json"
        doc = json.loads(pub.root_path.read_bytes())
        doc["signed"]["version"] = 2
        forged = _with_duplicates(json.dumps(doc).encode(), keyids=forgery.endswith("keyids"))
        because = "Nonunique keyids" if forgery.endswith("keyids") else "Multiple signatures"
    server.fault = lambda i, p: Fault("body", body=forged) if p == path else None
    outcome = terminal.sync()
    assert outcome.result == SECURITY_ALERT, outcome.reason  # was OFFLINE ("not repository metadata")
    assert "malformed signed metadata" in outcome.reason and because in outcome.reason
    status = content.status_dict()
    assert status["last_result"] == SECURITY_ALERT and status["last_reason"] == outcome.reason
    terminal.check()
    terminal.converges()


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO])
def test_disk_full_or_io_error_while_writing_blobs(server, pub, terminal, monkeypatch, code):
    # A real full disk or failing sector cannot be produced portably inside a test: fail the
    # blob store's fsync the way the kernel would report it.
    import kiosk.sync.blobs

    real_fsync = os.fsync

    def failing_fsync(fd):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(kiosk.sync.blobs.os, "fsync", failing_fsync)
    outcome = terminal.sync()
    assert outcome.result == OFFLINE and os.strerror(code) in outcome.reason
    assert {s.source for s in content.collection_states().values()} == {"seed"}
    store = terminal.cfg.blobs_path
    assert not list(store.rglob("*.part")) and not (store / "sha256").exists()
    terminal.check()
    monkeypatch.setattr(kiosk.sync.blobs.os, "fsync", real_fsync)
    terminal.converges()


def test_database_full_during_apply_rolls_back(server, pub, terminal, monkeypatch):
    """SQLite's own SQLITE_FULL, produced for real by capping the database size for this connection."""
    base = pub.source.records("news")[0]
    pub.source.write("news", pub.source.records("news") + [dict(base, id=f"nws-extra-{i:04d}") for i in range(300)])
    pub.build()
    from kiosk.store import seed

    content.open_content_db(terminal.cfg.content_db_path)
    seed.import_seed()
    real_apply = content.apply_manifests

    def apply_on_a_full_disk(manifests, **kwargs):
        pages = content.content_db.execute_sql("PRAGMA page_count").fetchone()[0]
        content.content_db.execute_sql(f"PRAGMA max_page_count = {pages}")
        return real_apply(manifests, **kwargs)

    monkeypatch.setattr(content, "apply_manifests", apply_on_a_full_disk)
    outcome = terminal.sync()
    assert outcome.result == OFFLINE and "content.db" in outcome.reason and "full" in outcome.reason, outcome.reason
    assert {s.source for s in content.collection_states().values()} == {"seed"}
    terminal.check()
    monkeypatch.setattr(content, "apply_manifests", real_apply)
    terminal.converges()  # a new connection has no size cap
    assert content.get_record("nws-extra-0299") is not None


def test_corrupt_content_db_is_moved_aside_rebuilt_and_resynced(server, pub, terminal):
    assert terminal.sync().result == OK
    content.content_db.close()
    db = terminal.cfg.content_db_path
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    db.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    outcome = terminal.sync()
    assert outcome.result == OK, outcome.reason
    assert list(db.parent.glob("content.db.corrupt-*"))
    terminal.converges()


@pytest.mark.parametrize("days,expected", [(-2, OK), (2, STALE)])
def test_clock_off_by_two_days(server, pub, terminal, days, expected):
    skewed = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
    outcome = terminal.sync(clock=lambda: skewed)
    assert outcome.result == expected, outcome.reason
    if expected == STALE:
        assert outcome.exit_code == 11
        assert {s.source for s in content.collection_states().values()} == {"seed"}
    terminal.check()
    terminal.converges()


def test_offline_for_weeks_with_deletions_converges_in_one_cycle(server, pub, terminal):
    assert terminal.sync().result == OK
    removed = []
    for week in range(5):
        for collection in ("notices", "news", "services"):
            victim = pub.source.records(collection)[-1]["id"]
            pub.source.remove(collection, victim)
            removed.append(victim)
        pub.source.edit("events", pub.source.records("events")[0]["id"], title=f"第{week}周更新")
        pub.build()
        publish.main(["refresh-timestamp", str(pub.repo_dir), "--keys", str(pub.keys_dir)])
    server.log.clear()
    outcome = terminal.sync()
    assert outcome.result == OK, outcome.reason
    assert all(content.get_record(r) is None for r in removed)
    assert {content.Tombstone.get_by_id(r).id for r in removed} == set(removed)
    terminal.converges()


def sigkill_during_apply(pub: Publisher, server: RepoServer, conf: Path, data_dir: Path, kills: int, seed_value: int,
                         check=lambda: None) -> dict:
    """SIGKILL `ipkiosk sync --once` at random instants inside its apply window until KILLS running
    processes were killed.

    Each version changes 2000 generated services, so apply (upserts + search keys) takes a
    measurable time; the window starts when the last manifest has been served. Returns counts.
    """
    base = pub.source.records("services")[0]
    seed_services = pub.source.records("services")[:40]
    rng = random.Random(seed_value)
    argv = [sys.executable, "-m", "kiosk.cli", "sync", "--once", "--config", str(conf)]

    def publish_version(v: int) -> None:
        extra = [dict(base, id=f"svc-gen-{i:05d}", rev=v, title=f"生成事项 {i} 第{v}版") for i in range(2000)]
        pub.source.write("services", seed_services + extra)
        pub.build()

    def wait_for_manifest(proc) -> bool:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if any(r.path.startswith("/targets/content/") for r in server.log):
                return True
            time.sleep(0.005)
        return False

    publish_version(1)
    server.log.clear()
    subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, timeout=120, check=False)
    publish_version(2)
    server.log.clear()
    proc = subprocess.Popen(argv, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert wait_for_manifest(proc)
    window_start = time.monotonic()
    proc.wait(timeout=120)
    apply_window_s = time.monotonic() - window_start
    counts = {"killed_in_apply": 0, "finished_first": 0, "old_kept": 0, "new_applied": 0, "apply_window_s": apply_window_s}
    # Until KILLS processes were killed while still running; when one finishes first (the machine got
    # faster), aim earlier. At most twice as many attempts.
    v = 2
    while counts["killed_in_apply"] < kills and v < 2 + 2 * kills:
        v += 1
        publish_version(v)
        server.log.clear()
        proc = subprocess.Popen(argv, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert wait_for_manifest(proc)
        # The window also holds blob collection, status recording and process exit: aim at its first 80 %.
        time.sleep(rng.uniform(0.0, 0.8 * apply_window_s))
        if proc.poll() is None:
            proc.kill()
            counts["killed_in_apply"] += 1
        else:
            counts["finished_first"] += 1
            apply_window_s *= 0.8
        proc.wait()
        content.open_content_db(data_dir / "content.db")
        generation = content.collection_states()["services"].generation
        counts["new_applied" if generation == v else "old_kept"] += 1
        check()  # integrity ok, one published generation, blobs verify, station.db untouched
        content.content_db.close()
    return counts


@pytest.mark.slow
def test_sigkill_during_apply_leaves_a_consistent_database(tmp_path, server, pub, terminal):
    conf = write_config_file(tmp_path / "kiosk.toml", terminal.cfg)
    counts = sigkill_during_apply(pub, server, conf, terminal.cfg.data_path, 20, 20261124, check=terminal.check)
    assert counts["killed_in_apply"] >= 20, counts
    assert counts["old_kept"] >= 5, counts  # kills really interrupted applies (not only process exit)
    content.open_content_db(terminal.cfg.content_db_path)
    terminal.converges()
