"""How long opening content.db takes: what every CLI command, data-service start and sync cycle pays.

The open checks the file (integrity, a full or failing disk) and scans every record for damaged text or JSON
(docs/admin.md), so its cost grows with the content. This builds a content.db of --records records once (the bench
sync source: seed records as templates, imported through the real apply), then runs `open_content` in fresh
processes, --runs times, and prints the median wall time of the open alone.

    .venv/bin/python bench/open_bench.py --records 10000 --runs 7
    .venv/bin/python bench/open_bench.py --tree OTHER_CHECKOUT ...   # the same measurement with other code

--tree runs the timed processes against another checkout of the project (an older commit), so two versions can be
compared side by side on the same database; the database is always built by this checkout.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

TIMED = """
import sys, time
from kiosk.core import config
from kiosk.store.seed import open_content
cfg = config.from_mapping({"data_dir": sys.argv[1]})
start = time.perf_counter()
open_content(cfg)
print(time.perf_counter() - start)
"""


def build(data_dir: Path, records: int) -> None:
    from bench.sync_bench import make_source
    from kiosk.store import content
    from kiosk.store.seed import load_source_dir

    source = data_dir.parent / "source"
    make_source(source, records, blobs=0, blob_bytes=0)
    content.open_content_db(data_dir / "content.db")
    content.apply_manifests(load_source_dir(source, 1), source="sync")
    content.content_db.close()


def time_open(tree: Path, data_dir: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", TIMED, str(data_dir)], env=env, cwd=tree, check=True,
                         capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--tree", type=Path, action="append", default=[], help="also time this checkout (repeatable)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir(mode=0o750)
        build(data_dir, args.records)
        trees = [ROOT, *args.tree]
        times: dict[Path, list[float]] = {tree: [] for tree in trees}
        for _ in range(args.runs):  # alternate the trees, so load changes hit both alike
            for tree in trees:
                times[tree].append(time_open(tree, data_dir))
        print(f"content.db with {args.records} records, open_content, median of {args.runs} fresh processes:")
        for tree, values in times.items():
            print(f"  {tree}: {statistics.median(values) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
