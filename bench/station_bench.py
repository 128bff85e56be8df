"""station.db benchmark (not a test): PIN check cost, online backup, verified restore, safe open.

    .venv/bin/python bench/station_bench.py                      # 2000 announcements
    .venv/bin/python bench/station_bench.py --announcements 500 --pin-checks 10

Everything happens in a temporary folder with real SQLite files (WAL, synchronous=FULL), as in
the kiosk. A PIN check includes the scrypt hash and the audit/counter writes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.store import backup, station
from kiosk.store.pin import PinGuard


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--announcements", type=int, default=2000)
    parser.add_argument("--pin-checks", type=int, default=20)
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
        station.station_db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
