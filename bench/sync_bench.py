"""Sync benchmark: a signed repository of 10k records + 200 blobs (~20 MB) served on 127.0.0.1.

Measures (medians over --runs fresh terminals):
  * initial sync: wall time of one `SyncClient.run_once()` from an empty data dir (seed import included)
  * no-change cycle: HTTP requests and bytes on the wire (status lines + headers + bodies, as sent),
    for a new process (`sync --once` from cron) and inside `sync --loop` (timestamp.json revalidated)
  * 100-record change in one collection: requests and bytes

Usage: .venv/bin/python bench/sync_bench.py [--records 10000] [--blobs 200] [--runs 3] [--json]
Targets (issue 4): initial ≤ 10 s; no-change ≤ 2 requests and ≤ 4 KB.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from kiosk.core import config as config_mod  # noqa: E402
from kiosk.store import content  # noqa: E402
from kiosk.sync import publish, trust  # noqa: E402
from kiosk.sync.client import SyncClient  # noqa: E402

SEED = REPO_ROOT / "assets" / "content"
SHARES = {"services": 0.4, "policies": 0.15, "notices": 0.15, "news": 0.2, "events": 0.1}


class CountingServer:
    """http.server serving a directory, counting requests and every byte written to the socket."""

    def __init__(self, root: Path):
        self.requests = 0
        self.bytes_sent = 0
        self.paths: list[str] = []
        outer = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def __init__(self, *a, **kw):
                super().__init__(*a, directory=str(root), **kw)

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                raw = self.wfile

                class Counting:
                    def write(self, data):
                        outer.bytes_sent += len(data)
                        return raw.write(data)

                    def __getattr__(self, name):
                        return getattr(raw, name)

                self.wfile = Counting()

            def do_GET(self):
                outer.requests += 1
                outer.paths.append(self.path)
                super().do_GET()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def reset(self) -> None:
        self.requests = 0
        self.bytes_sent = 0
        self.paths.clear()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def make_source(dest: Path, records: int, blobs: int, blob_bytes: int) -> None:
    """A content source of RECORDS records (seed records as templates) and BLOBS attachments."""
    dest.mkdir(parents=True)
    shutil.copy(SEED / "booking_types.json", dest / "booking_types.json")
    for collection, share in SHARES.items():
        seed_records = json.loads((SEED / f"{collection}.json").read_text())["records"]
        out = list(seed_records)
        for i in range(int(records * share) - len(out)):
            r = dict(seed_records[i % len(seed_records)])
            r["id"] = f"{r['id'][:60]}-g{i:05d}"
            r["title"] = f"{r['title']}（{i}）"
            r.pop("related_ids", None)
            out.append(r)
        (dest / f"{collection}.json").write_text(json.dumps({"collection": collection, "records": out}, ensure_ascii=False))
    # Attachments on generated policies.
    doc = json.loads((dest / "policies.json").read_text())
    generated = [r for r in doc["records"] if "-g" in r["id"]]
    for i in range(blobs):
        rec = generated[i % len(generated)]
        name = f"doc-{i:03d}.pdf"
        folder = dest / "attachments" / rec["id"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(os.urandom(blob_bytes))
        rec.setdefault("attachments", []).append({"name": name, "media_type": "application/pdf"})
    (dest / "policies.json").write_text(json.dumps(doc, ensure_ascii=False))


def change_records(source: Path, collection: str, count: int, version: int) -> None:
    path = source / f"{collection}.json"
    doc = json.loads(path.read_text())
    for r in doc["records"][:count]:
        r["summary"] = f"{r['summary']}（第{version}次修订）"
        r["rev"] += 1
    path.write_text(json.dumps(doc, ensure_ascii=False))


class _ApplyTimer:
    """Wall time spent inside content.apply_manifests (the store's apply + search keys), for the breakdown."""

    def __init__(self):
        self.total_s = 0.0
        self._real = content.apply_manifests

    def __call__(self, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return self._real(*args, **kwargs)
        finally:
            self.total_s += time.perf_counter() - t0


apply_timer = _ApplyTimer()
content.apply_manifests = apply_timer


def run(records: int, blobs: int, blob_bytes: int, runs: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="sync-bench-"))
    try:
        source, keys, repo = work / "source", work / "keys", work / "repo"
        make_source(source, records, blobs, blob_bytes)
        trust.init_keys(keys)
        t0 = time.perf_counter()
        publish.build(source, repo, keys)
        publish_s = time.perf_counter() - t0
        server = CountingServer(repo)
        results = {"initial_s": [], "initial_cpu_s": [], "initial_apply_s": [], "initial_requests": [], "initial_mb": [], "nochange_requests": [],
                   "nochange_bytes": [], "nochange_loop_requests": [], "nochange_loop_bytes": [], "change100_requests": [], "change100_bytes": []}
        try:
            for i in range(runs):
                cfg = config_mod.from_mapping({"data_dir": str(work / f"term{i}"), "repository_url": server.url,
                                               "trusted_root": str(keys / "1.root.json")})
                server.reset()
                apply_timer.total_s = 0.0
                t0, cpu0 = time.perf_counter(), time.process_time()
                outcome = SyncClient(cfg).run_once()
                results["initial_s"].append(time.perf_counter() - t0)
                results["initial_cpu_s"].append(time.process_time() - cpu0)
                results["initial_apply_s"].append(apply_timer.total_s)
                assert outcome.result == "OK", outcome.reason
                results["initial_requests"].append(server.requests)
                results["initial_mb"].append(server.bytes_sent / 1e6)
                server.reset()
                outcome = SyncClient(cfg).run_once()
                assert outcome.result == "UNCHANGED", outcome.reason
                results["nochange_requests"].append(server.requests)
                results["nochange_bytes"].append(server.bytes_sent)
                # `sync --loop` keeps its fetcher: the second no-change cycle revalidates timestamp.json (304).
                loop_client = SyncClient(cfg)
                loop_client.run_once()
                server.reset()
                outcome = loop_client.run_once()
                assert outcome.result == "UNCHANGED", outcome.reason
                results["nochange_loop_requests"].append(server.requests)
                results["nochange_loop_bytes"].append(server.bytes_sent)
                change_records(source, "news", 100, i + 2)
                publish.build(source, repo, keys)
                server.reset()
                outcome = SyncClient(cfg).run_once()
                assert outcome.result == "OK", outcome.reason
                results["change100_requests"].append(server.requests)
                results["change100_bytes"].append(server.bytes_sent)
                content.content_db.close()
        finally:
            server.close()
        counts = {c: len(json.loads((source / f"{c}.json").read_text())["records"]) for c in (*SHARES, "booking_types")}
        blob_mb = sum(p.stat().st_size for p in (repo / "blobs").rglob("*") if p.is_file()) / 1e6
        return {
            "records": sum(counts.values()), "blobs": blobs, "blob_mb": round(blob_mb, 1), "runs": runs,
            "publish_s": round(publish_s, 2),
            **{k: round(statistics.median(v), 3) for k, v in results.items()},
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--blobs", type=int, default=200)
    ap.add_argument("--blob-bytes", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    r = run(args.records, args.blobs, args.blob_bytes, args.runs)
    if args.json:
        print(json.dumps(r))
    else:
        print(f"{r['records']} records, {r['blobs']} blobs ({r['blob_mb']} MB), medians of {r['runs']} runs")
        print(f"publish (build from source):    {r['publish_s']:.2f} s")
        print(f"initial sync:                   {r['initial_s']:.2f} s wall ({r['initial_cpu_s']:.2f} s CPU, "
              f"{r['initial_apply_s']:.2f} s in apply), {r['initial_requests']:.0f} requests, {r['initial_mb']:.1f} MB")
        print(f"no-change cycle (new process):  {r['nochange_requests']:.0f} requests, {r['nochange_bytes']:.0f} bytes")
        print(f"no-change cycle (sync --loop):  {r['nochange_loop_requests']:.0f} requests, {r['nochange_loop_bytes']:.0f} bytes")
        print(f"100-record change (news):       {r['change100_requests']:.0f} requests, {r['change100_bytes'] / 1000:.1f} KB")
    ok = r["initial_s"] <= 10 and r["nochange_requests"] <= 2 and r["nochange_bytes"] <= 4096
    print("targets met" if ok else "TARGETS MISSED", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
