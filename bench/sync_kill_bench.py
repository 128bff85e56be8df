"""Crash-safety benchmark: SIGKILL `ipkiosk sync --once` at random instants during apply, 200 times.

The same scenario as tests/test_sync_faults.py::test_sigkill_during_apply_leaves_a_consistent_database,
with more kills. After every kill content.db must pass integrity_check, hold exactly one published
generation, reference only blobs that verify, and station.db must be unchanged; at the end one
clean cycle converges.

Usage: .venv/bin/python bench/sync_kill_bench.py [--kills 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from kiosk.store import content, station  # noqa: E402
from kiosk.sync import trust  # noqa: E402
from kiosk.sync.client import SyncClient  # noqa: E402
from tests.helpers import file_digest  # noqa: E402
from tests.sync_helpers import (  # noqa: E402
    ContentSource,
    Publisher,
    RepoServer,
    assert_invariants,
    terminal_config,
    write_config_file,
)
from tests.test_sync_faults import sigkill_during_apply  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kills", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sync-kill-bench-"))
    try:
        trust.init_keys(work / "keys")
        pub = Publisher(work / "keys", work / "repo", ContentSource(work / "source"))
        pub.build()
        with RepoServer(pub.repo_dir) as server:
            cfg = terminal_config(work / "data", server.url, pub.root_path)
            station.open_station_db(cfg.station_db_path)
            station.add_announcement("本站公告", "")
            station.station_db.close()
            digest = file_digest(cfg.station_db_path)
            conf = write_config_file(work / "kiosk.toml", cfg)
            t0 = time.perf_counter()
            counts = sigkill_during_apply(pub, server, conf, cfg.data_path, args.kills, args.seed,
                                          check=lambda: assert_invariants(cfg, station_digest=digest, publisher=pub))
            elapsed_s = time.perf_counter() - t0
            content.open_content_db(cfg.content_db_path)
            outcome = SyncClient(cfg).run_once()
            assert outcome.result in ("OK", "UNCHANGED"), outcome.reason
            assert_invariants(cfg, station_digest=digest, publisher=pub)
        print(f"{args.kills} kills in {elapsed_s:.0f} s; apply window {counts['apply_window_s']:.2f} s; "
              f"killed inside apply {counts['killed_in_apply']}, finished before the kill {counts['finished_first']}; "
              f"previous generation kept {counts['old_kept']}, new generation committed {counts['new_applied']}; "
              f"every state consistent, final cycle {outcome.result}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
