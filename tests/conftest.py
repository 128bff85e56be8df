"""Shared fixtures: real SQLite files in a temporary data dir, never the user's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.core import config as config_mod

REPO_ROOT = Path(__file__).resolve().parent.parent

# Headless by configuration, however pytest is started (make test sets the same).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")


@pytest.fixture(autouse=True)
def _flush_deferred_deletes():
    """Objects a test handed to deleteLater() are gone before the next test starts, so their
    polling timers cannot fire into a later test whose stores live elsewhere."""
    yield
    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QCoreApplication, QEvent

        if QCoreApplication.instance() is not None:
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    # Never read a developer's config or write to their data dir.
    monkeypatch.delenv(config_mod.ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def data_dir(tmp_path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d


@pytest.fixture
def cfg(data_dir) -> config_mod.Config:
    return config_mod.from_mapping({"data_dir": str(data_dir)})


@pytest.fixture
def content_store(cfg):
    from kiosk.store.content import content_db, open_content_db

    open_content_db(cfg.content_db_path)
    yield content_db
    content_db.close()


@pytest.fixture
def station_store(cfg):
    from kiosk.store.station import open_station_db, station_db

    open_station_db(cfg.station_db_path)
    yield station_db
    station_db.close()


@pytest.fixture
def seeded(content_store):
    from kiosk.store import seed

    seed.import_seed()
    return content_store


class DataServiceInProcess:
    """The data service called as kiosk.ui.data_client calls its child (a JSON request, a JSON
    answer, failures raised as DataError), without the process: for view-model tests. Answers come
    from DataService.answer, so they are cleaned for display as the child's are; only the pipe's
    line cap (kiosk.dataservice.service.serve) is not exercised here."""

    def __init__(self, cfg: config_mod.Config):
        from kiosk.dataservice.service import DataService

        self.service = DataService(cfg)

    def __getattr__(self, name: str):
        import json

        from kiosk.ui.data_client import result_of

        def call(*args, **kwargs):
            request = json.loads(json.dumps({"id": 1, "method": name, "args": args, "kwargs": kwargs}))
            return result_of(json.loads(json.dumps(self.service.answer(request), ensure_ascii=False)))

        return call


def booking_backend(cfg: config_mod.Config, clock, parent=None):
    """kiosk.ui.booking_model.BookingBackend reading through the data service (in this process)."""
    from kiosk.ui.booking_model import BookingBackend, bounded_record

    data = DataServiceInProcess(cfg)
    return BookingBackend(cfg, booking_types=lambda: data.list_records("booking_types"),
                          get_record=bounded_record(data), clock=clock, parent=parent)


@pytest.fixture
def data_service(seeded, cfg):
    """The UI's data service (in this process) on the seeded content.db and a station.db."""
    from kiosk.store.station import station_db

    yield DataServiceInProcess(cfg)
    station_db.close()


@pytest.fixture
def publisher(tmp_path):
    """A real signed repository of the bundled seed: keys made by `ipkiosk-publish init`, content built once."""
    from kiosk.sync import publish
    from tests.sync_helpers import ContentSource, Publisher

    keys = tmp_path / "keys"
    assert publish.main(["init", str(keys)]) == 0
    pub = Publisher(keys, tmp_path / "repo", ContentSource(tmp_path / "source"))
    pub.build()
    return pub


@pytest.fixture
def repo_server(publisher):
    """A real HTTP server on 127.0.0.1 serving the publisher's repository."""
    from tests.sync_helpers import RepoServer

    with RepoServer(publisher.repo_dir) as server:
        yield server


@pytest.fixture
def small_fs(tmp_path):
    """A real 4 MB tmpfs, mounted for this test and unmounted after it."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    mount = tmp_path / "small-fs"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip() or proc.returncode}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def file_digest(path: Path) -> str | None:
    """sha256 of a file, or None if it does not exist (for 'station.db untouched' checks)."""
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest() if os.path.exists(path) else None


@pytest.fixture(scope="session", autouse=True)
def _qml_types_registered():
    # PySide6 breaks QtQuick type resolution when a QML type is registered after the first QQmlEngine
    # of the process exists (see kiosk/ui/qml_types.py), so the UI's types are registered before any test runs.
    from kiosk.ui.qml_types import qml_types

    qml_types.prepare()


def open_stores_beside_the_kiosk(cfg: config_mod.Config) -> None:
    """Open content.db and station.db in the test process, as `ipkiosk announce` or the sync child
    would beside a running kiosk (whose data service has opened and seeded them already)."""
    from kiosk.store.content import open_content_db
    from kiosk.store.station import open_station_db_safely

    open_content_db(cfg.content_db_path)
    open_station_db_safely(cfg.station_db_path)


@pytest.fixture
def kiosk_ui(qtbot, cfg):
    """Start the whole kiosk UI offscreen on the seeded content: ``ctx, window = kiosk_ui()``.

    Options: ``size_px=(w, h)`` (default portrait 1080×1920); others go to build_context
    (``idle_timeout_ms`` for short idle tests, ``clock`` for a fixed "now").
    """
    from kiosk.store.content import content_db
    from kiosk.store.station import station_db
    from kiosk.ui import app as ui_app

    started = []

    def start(size_px=(1080, 1920), **context_options):
        ctx = ui_app.build_context(cfg, **context_options)
        open_stores_beside_the_kiosk(cfg)
        window = ui_app.load_main(ctx, size_px=size_px)
        started.append(ctx)
        window.show()
        qtbot.waitExposed(window)
        qtbot.wait(50)  # the first layout pass after the resize
        return ctx, window

    yield start
    for ctx in started:
        ui_app.stop_context(ctx)
    qtbot.wait(10)
    content_db.close()
    station_db.close()
