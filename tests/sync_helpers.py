"""Test helpers for sync: content sources, a faulty HTTP server on 127.0.0.1, an in-memory
repository simulator, and the invariants every sync test checks.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.core import config as config_mod
from kiosk.sync import publish
from kiosk.sync.fetcher import LocalDirectoryFetcher

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = REPO_ROOT / "assets" / "content"


# ---------------------------------------------------------------- content source


class ContentSource:
    """A writable copy of assets/content that tests edit between publisher builds."""

    def __init__(self, path: Path):
        self.path = path
        shutil.copytree(SEED_DIR, path)

    def records(self, collection: str) -> list[dict]:
        return json.loads((self.path / f"{collection}.json").read_text(encoding="utf-8"))["records"]

    def write(self, collection: str, records: list[dict]) -> None:
        doc = {"collection": collection, "records": records}
        (self.path / f"{collection}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")

    def edit(self, collection: str, record_id: str, **changes) -> None:
        recs = self.records(collection)
        for r in recs:
            if r["id"] == record_id:
                r.update(changes)
                r["rev"] += 1
                break
        else:
            raise KeyError(record_id)
        self.write(collection, recs)

    def remove(self, collection: str, record_id: str) -> None:
        self.write(collection, [r for r in self.records(collection) if r["id"] != record_id])

    def attach(self, collection: str, record_id: str, name: str, data: bytes, media_type: str = "application/pdf") -> str:
        folder = self.path / "attachments" / record_id
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        recs = self.records(collection)
        for r in recs:
            if r["id"] == record_id:
                r["attachments"] = [a for a in r.get("attachments", []) if a["name"] != name] + [
                    {"name": name, "media_type": media_type}]
                r["rev"] += 1
        self.write(collection, recs)
        return hashlib.sha256(data).hexdigest()


@dataclass
class Publisher:
    keys_dir: Path
    repo_dir: Path
    source: ContentSource

    def build(self, **kwargs) -> publish.BuildResult:
        return publish.build(self.source.path, self.repo_dir, self.keys_dir, **kwargs)

    @property
    def root_path(self) -> Path:
        return self.keys_dir / "1.root.json"

    def published_states(self, version: int | None = None) -> dict[str, tuple[int, str]]:
        """{collection: (generation, sha256)} listed by targets VERSION (default: the newest)."""
        meta = self.repo_dir / "metadata"
        if version is None:
            version = max(int(p.name.split(".")[0]) for p in meta.glob("*.targets.json"))
        doc = json.loads((meta / f"{version}.targets.json").read_text())
        return {path[len("content/"):-len(".json")]: (t["custom"]["generation"], t["hashes"]["sha256"])
                for path, t in doc["signed"]["targets"].items()}

    def all_published_states(self) -> list[dict[str, tuple[int, str]]]:
        meta = self.repo_dir / "metadata"
        versions = sorted(int(p.name.split(".")[0]) for p in meta.glob("*.targets.json"))
        return [self.published_states(v) for v in versions]


def terminal_config(data_dir: Path, repository_url: str, root_path: Path, **extra) -> config_mod.Config:
    return config_mod.from_mapping({"data_dir": str(data_dir), "repository_url": repository_url,
                                    "trusted_root": str(root_path), "station_id": "zz-test-07", **extra})


def write_config_file(path: Path, cfg: config_mod.Config) -> Path:
    path.write_text(config_mod.to_toml(cfg.values), encoding="utf-8")
    return path


# ---------------------------------------------------------------- HTTP server with faults


@dataclass
class Fault:
    """What the server does instead of a normal answer. kind: reset | status | truncate | slow | endless | body."""

    kind: str
    status: int = 200
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    delay_s: float = 0.0


@dataclass
class LoggedRequest:
    path: str
    status: int
    bytes_sent: int
    headers: dict
    at_s: float = field(default_factory=time.monotonic)


class RepoServer:
    """Serves a repository directory on 127.0.0.1 with a request log and injectable faults.

    ``fault(index, path) -> Fault | None`` is consulted for every request (index counts from 0).
    """

    def __init__(self, root: Path):
        self.root = root
        self.log: list[LoggedRequest] = []
        self.fault: Callable[[int, str], Fault | None] = lambda index, path: None
        self._lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def handle(self):
                with contextlib.suppress(OSError):  # the client went away (reset, timeout)
                    super().handle()

            def do_GET(self):
                server._serve(self)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="repo-server", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> RepoServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def paths(self) -> list[str]:
        return [r.path for r in self.log]

    def _record(self, path: str, status: int, sent: int, headers: dict) -> None:
        with self._lock:
            self.log.append(LoggedRequest(path, status, sent, headers))

    def _serve(self, h: http.server.BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0]
        with self._lock:
            index = len(self.log)
        fault = self.fault(index, path)
        file = (self.root / path.lstrip("/")).resolve()
        inside = str(file).startswith(str(self.root.resolve()) + os.sep)
        body = file.read_bytes() if inside and file.is_file() else None
        headers = dict(h.headers)
        if fault is not None and fault.kind == "reset":
            self._record(path, 0, 0, headers)
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            h.close_connection = True
            h.connection.close()
            return
        if fault is not None and fault.kind in ("status", "body"):
            status, body = fault.status, (fault.body if fault.kind == "body" else fault.body or b"error")
        elif body is None:
            status, body = 404, b"not found"
        else:
            status = 200
        extra = dict(fault.headers) if fault is not None else {}
        if status == 200 and fault is None:
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            if h.headers.get("If-None-Match") == etag:
                self._record(path, 304, 0, headers)  # before answering: the client may check the log at once
                h.send_response(304)
                h.send_header("ETag", etag)
                h.end_headers()
                return
            extra["ETag"] = etag
        h.send_response(status)
        if fault is not None and fault.kind == "endless":
            h.send_header("Content-Type", "application/octet-stream")
            h.end_headers()
            self._record(path, status, -1, headers)
            self._stream_forever(h)
            return
        h.send_header("Content-Length", str(len(body)))
        for k, v in extra.items():
            h.send_header(k, v)
        h.end_headers()
        sent = len(body)
        if fault is not None and fault.kind == "truncate":
            sent = len(body) // 2
            self._record(path, status, sent, headers)
            h.wfile.write(body[:sent])
            h.wfile.flush()
            h.close_connection = True
            return
        self._record(path, status, sent, headers)
        if fault is not None and fault.kind == "slow":
            try:
                for i in range(len(body)):
                    h.wfile.write(body[i : i + 1])
                    h.wfile.flush()
                    time.sleep(fault.delay_s)
            except OSError:
                h.close_connection = True
            return
        h.wfile.write(body)

    @staticmethod
    def _stream_forever(h) -> None:
        chunk = b"A" * 65536
        deadline = time.monotonic() + 20
        try:
            while time.monotonic() < deadline:
                h.wfile.write(chunk)
        except OSError:
            pass
        h.close_connection = True


# ---------------------------------------------------------------- in-memory repository simulator


class MemoryRepository(LocalDirectoryFetcher):
    """A repository held in memory (path → bytes), served to the client as a python-tuf fetcher.

    Loaded from a directory the publisher wrote; attacks replace, remove or re-sign files in
    ``files`` between cycles. Requests are logged. Base URL: ``file:///sim``.
    """

    BASE_URL = "file:///sim"

    def __init__(self, repo_dir: Path | None = None, **kwargs):
        super().__init__(**kwargs)
        self.files: dict[str, bytes] = {}
        self.requested: list[str] = []
        if repo_dir is not None:
            self.load(repo_dir)

    def load(self, repo_dir: Path) -> None:
        for p in repo_dir.rglob("*"):
            if p.is_file():
                self.files[p.relative_to(repo_dir).as_posix()] = p.read_bytes()

    def _fetch(self, url: str) -> Iterator[bytes]:
        from tuf.api import exceptions as tuf_exc

        self._check_budget(url)
        assert url.startswith(self.BASE_URL + "/"), url
        rel = url[len(self.BASE_URL) + 1 :]
        self.requested.append(rel)
        self.stats.requests += 1
        data = self.files.get(rel)
        if data is None:
            raise tuf_exc.DownloadHTTPError(f"no {rel} in the simulated repository", 404)
        return self._counted(url, iter([data[i : i + 65536] for i in range(0, len(data), 65536)] or [b""]))


# ---------------------------------------------------------------- invariants


def content_snapshot() -> dict:
    """Everything the display could show, for 'content equals the previous state' checks."""
    from kiosk.store import content

    return {
        "states": {c: (s.generation, s.manifest_sha256) for c, s in content.collection_states().items()},
        "records": sorted(content.Record.select(content.Record.id, content.Record.kind, content.Record.rev,
                                                content.Record.data).tuples()),
        "attachments": sorted(content.Attachment.select(content.Attachment.record, content.Attachment.sha256).tuples()),
    }


def assert_invariants(cfg: config_mod.Config, *, station_digest: str | None, publisher: Publisher | None = None,
                      seed_states: dict | None = None) -> None:
    """content.db is healthy and consistent, blobs verify, station.db untouched."""
    from kiosk.store import content
    from kiosk.store.db import integrity_ok
    from kiosk.sync.blobs import BlobStore, file_sha256
    from tests.helpers import file_digest

    ok, detail = integrity_ok(content.content_db)
    assert ok, detail
    states = content.collection_states()
    counts = content.counts_by_kind()
    assert states, "content.db must never be empty"
    for collection, state in states.items():
        assert counts.get(collection, 0) == state.record_count, (collection, counts, state.record_count)
    # One consistent generation: the signed collections equal those of one published targets version.
    if publisher is not None:
        synced = {c: (s.generation, s.manifest_sha256) for c, s in states.items() if s.source == "sync"}
        if synced:
            assert any(all(v.get(c) == st for c, st in synced.items()) and set(synced) == set(v)
                       for v in publisher.all_published_states()), synced
    if seed_states is not None:
        for c, s in states.items():
            if s.source == "seed":
                assert seed_states[c] == (s.generation, s.manifest_sha256)
    store = BlobStore(cfg.blobs_path)
    for sha256 in content.referenced_blob_hashes():
        path = store.path_for(sha256)
        assert path.is_file(), f"referenced blob {sha256} missing"
        assert file_sha256(path) == sha256
    assert file_digest(cfg.station_db_path) == station_digest, "station.db changed"


def fill(directory: Path) -> Path:
    """Write a filler file until the file system refuses another byte."""
    filler = directory / "filler"
    with open(filler, "wb", buffering=0) as fh, contextlib.suppress(OSError):
        while True:
            fh.write(b"\0" * 65536)
    with open(filler, "ab", buffering=0) as fh, contextlib.suppress(OSError):
        while True:
            fh.write(b"\0")
    assert shutil.disk_usage(directory).free == 0
    return filler


def listing(directory: Path) -> dict[str, int]:
    return {str(p.relative_to(directory)): p.stat().st_size for p in sorted(directory.rglob("*")) if p.is_file()}
