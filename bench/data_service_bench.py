"""Data service round trips: what one call of the UI costs through kiosk.ui.data_client.

    .venv/bin/python bench/data_service_bench.py [--calls 200]

Starts the real `ipkiosk data-service` child on the bundled content in a throw-away data dir
(seeded by its first start, which is not timed) and times CALLS calls of each kind the screens
make: the content poll, one record, a search, and the largest answer (the services list).
Median and p95 wall-clock milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SEARCH_NOW = "2026-11-24T04:00:00+00:00"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="calls of each kind")
    args = parser.parse_args(argv)

    from PySide6.QtCore import QCoreApplication, QEventLoop

    from kiosk.core import config as config_mod
    from kiosk.core.self_command import self_command
    from kiosk.ui.data_client import DataClient

    app = QCoreApplication(sys.argv[:1])  # noqa: F841 - QProcess needs an application object
    with tempfile.TemporaryDirectory(prefix="ipkiosk-data-bench-") as data_dir:
        client = DataClient(*self_command(config_mod.from_mapping({"data_dir": data_dir}), "data-service"))
        client.start()

        def answered(pending) -> None:
            """Wait for PENDING's answer on the event loop: one round trip."""
            loop = QEventLoop()
            pending.then(lambda result: loop.quit(), lambda exc: loop.quit())
            loop.exec()

        answered(client.content_serial())  # the first start seeds content.db: not timed
        calls = {
            "content_serial": client.content_serial,
            "record_detail": lambda: client.record_detail("svc-patent-application"),
            "search zlsq": lambda: client.search("zlsq", "zlsq", SEARCH_NOW, kinds=["services"], limit=60,
                                                 candidate_limit=8, nearest_limit=6),
            "list_records services": lambda: client.list_records("services"),
        }
        for name, call in calls.items():
            times = []
            for _ in range(args.calls):
                started = time.perf_counter()
                answered(call())
                times.append((time.perf_counter() - started) * 1000)
            print(f"{name:24s} median {statistics.median(times):.2f} ms  "
                  f"p95 {statistics.quantiles(times, n=20)[-1]:.2f} ms")
        client.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
