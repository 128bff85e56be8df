"""Helpers shared by the tests (fixtures live in conftest.py): the repository root, file digests, opening the
stores beside a running kiosk, and the probe programs that run in a fresh interpreter (tests/probes/)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from kiosk.core import config as config_mod

REPO_ROOT = Path(__file__).resolve().parent.parent


def file_digest(path: Path) -> str | None:
    """sha256 of a file, or None if it does not exist (for 'station.db untouched' checks)."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if os.path.exists(path) else None


def open_stores_beside_the_kiosk(cfg: config_mod.Config) -> None:
    """Open content.db and station.db in the test process, as `ipkiosk announce` or the sync child
    would beside a running kiosk (whose data service has opened and seeded them already)."""
    from kiosk.store.content import open_content_db
    from kiosk.store.station import open_station_db_safely

    open_content_db(cfg.content_db_path)
    open_station_db_safely(cfg.station_db_path)


def probe_command(name: str, *args: str) -> list[str]:
    """The command line of probe program tests/probes/NAME.py with ARGS, for a fresh interpreter started in
    REPO_ROOT (what it imports, or what a crash leaves behind, is the point of such a test)."""
    return [sys.executable, "-m", f"tests.probes.{name}", *args]


@contextlib.contextmanager
def x_display(screen: str) -> Iterator[str]:
    """A real X server (Xvfb, no window manager) with one SCREEN ("WxHxDEPTH") for the block: yields its DISPLAY."""
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", screen, "-nolisten", "tcp"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert xvfb.stdout is not None
        display = xvfb.stdout.readline().strip()
        assert display.isdigit(), f"Xvfb did not start: {display!r}"
        yield f":{display}"
    finally:
        xvfb.terminate()
        xvfb.communicate(timeout=10)  # reaps it and closes its pipe
