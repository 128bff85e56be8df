"""station.db benchmark (not a test): PIN check cost, online backup, verified restore, safe open, ratings export.

    .venv/bin/python bench/station_bench.py                      # 2000 announcements, 100 000 ratings
    .venv/bin/python bench/station_bench.py --announcements 500 --pin-checks 10 --ratings 0
    .venv/bin/python bench/station_bench.py --tree OTHER_CHECKOUT ...   # the export also with other code

Everything happens in a temporary folder with real SQLite files (WAL, synchronous=FULL), as in
the kiosk. A PIN check includes the scrypt hash and the audit/counter writes.

The ratings export runs `ipkiosk ratings export --csv` and `--json` as real child processes on a station.db of
--ratings ratings, --runs times each, writing to a file as a technician's redirect does; it prints the median
wall time and the median peak RSS of the child (its ru_maxrss), and checks that every output holds every rating.
--tree runs the same children against another checkout of the project (an older commit), alternating with this
one, so two versions are compared side by side on the same database.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.core.clock import iso
from kiosk.core.ratings import REASONS
from kiosk.store import backup, station
from kiosk.store.pin import PinGuard

ROOT = Path(__file__).resolve().parent.parent

# The CLI as `ipkiosk` runs it, then its peak RSS on stderr. VmHWM is the high-water mark of the process's own
# memory since it started Python; the child's ru_maxrss would also count the pages of this (larger) benchmark
# process it was forked from before the exec.
MEASURED = """
import sys
from pathlib import Path
from kiosk.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
status = Path("/proc/self/status").read_text().splitlines()
print(next(line.split()[1] for line in status if line.startswith("VmHWM:")), file=sys.stderr)
sys.exit(code)
"""


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def add_ratings(count: int) -> None:
    """COUNT ratings in the open station.db, a minute apart, with the mix of levels, reasons and languages the
    panel gives (inserted in bulk: what is measured is the export, not 100 000 fsynced saves)."""
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    services = [f"svc-bench-{i:02d}" for i in range(40)]
    rows = []
    for i in range(count):
        level = i % 5 + 1
        offered = [r.code for r in REASONS if r.good == (level >= 3)]
        rows.append({"at": iso(start + dt.timedelta(minutes=i)), "service_id": services[i % len(services)],
                     "level": level, "reasons": " ".join(offered[: i % 3]), "language": ("zh", "en")[i % 4 == 0]})
    with station.station_db.atomic():
        for chunk in range(0, count, 5000):
            station.Rating.insert_many(rows[chunk:chunk + 5000]).execute()


def export_once(tree: Path, conf: Path, fmt: str, out: Path) -> tuple[float, int]:
    """One `ipkiosk ratings export --FMT` child of TREE into OUT: (wall seconds, peak RSS in kB)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    start = time.perf_counter()
    with out.open("wb") as sink:
        child = subprocess.run([sys.executable, "-c", MEASURED, "ratings", "export", f"--{fmt}", "--config", str(conf)],
                               cwd=tree, env=env, stdout=sink, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if child.returncode != 0:
        raise SystemExit(f"{tree}: ratings export --{fmt} exited {child.returncode}: {child.stderr}")
    return wall, int(child.stderr.strip().splitlines()[-1])


def exported_count(fmt: str, out: Path) -> int:
    with out.open(encoding="utf-8") as f:
        return len(json.load(f)) if fmt == "json" else sum(1 for _ in csv.reader(f)) - 1


def bench_export(data: Path, count: int, runs: int, trees: list[Path]) -> None:
    conf = data / "kiosk.toml"
    conf.write_text(f'data_dir = "{data}"\n', encoding="utf-8")
    out = data / "export.out"
    print(f"ratings export, {count} ratings, median of {runs} child processes each (wall, peak RSS, output):")
    for fmt in ("csv", "json"):
        results: dict[Path, list[tuple[float, int]]] = {tree: [] for tree in trees}
        for _ in range(runs):  # alternate the trees, so load changes hit both alike
            for tree in trees:
                results[tree].append(export_once(tree, conf, fmt, out))
                if exported_count(fmt, out) != count:
                    raise SystemExit(f"{tree}: ratings export --{fmt} did not export {count} ratings")
        for tree, values in results.items():
            wall = statistics.median(v[0] for v in values)
            rss = statistics.median(v[1] for v in values) / 1024
            print(f"  --{fmt} {tree}: {wall:.2f} s, {rss:.1f} MB peak RSS, {out.stat().st_size / 1e6:.1f} MB output")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--announcements", type=int, default=2000)
    parser.add_argument("--pin-checks", type=int, default=20)
    parser.add_argument("--ratings", type=int, default=100_000, help="ratings to export (0: skip the export)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each export")
    parser.add_argument("--tree", type=Path, action="append", default=[], help="also export with this checkout")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        ok, problem = station.open_station_db_safely(data / "station.db")
        assert ok, problem
        guard = PinGuard()
        guard.set_pin("402718")
        checks = []
        for _ in range(args.pin_checks):
            start = time.perf_counter()
            assert guard.check("402718").ok
            checks.append(_ms(start))
        print(f"PIN check: median {statistics.median(checks):.1f} ms, max {max(checks):.1f} ms ({args.pin_checks} checks)")
        for i in range(args.announcements):
            station.add_announcement(f"公告 {i}", "正文" * 200)
        size_mb = (data / "station.db").stat().st_size / 1e6
        start = time.perf_counter()
        copy = backup.backup_station(data / "station.db", data / "backups")
        print(f"online backup, {args.announcements} announcements ({size_mb:.1f} MB): {_ms(start):.0f} ms")
        station.station_db.close()
        start = time.perf_counter()
        backup.restore_station(copy, data / "station.db", data / "backups")
        print(f"verified restore in place (previous file kept): {_ms(start):.0f} ms")
        start = time.perf_counter()
        ok, _ = station.open_station_db_safely(data / "station.db")
        print(f"open_station_db_safely incl. integrity_check: {_ms(start):.0f} ms")
        if args.ratings:
            add_ratings(args.ratings)
            station.station_db.close()
            bench_export(data, args.ratings, args.runs, [ROOT, *args.tree])
        station.station_db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
