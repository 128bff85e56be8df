"""Shared fixtures: real SQLite files in a temporary data dir, never the user's. Helpers are in tests/helpers.py."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.core import config as config_mod
from tests.helpers import open_stores_beside_the_kiosk

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


@pytest.fixture
def data_service(seeded, cfg):
    """The UI's data service (in this process) on the seeded content.db and a station.db."""
    from kiosk.store.station import station_db
    from tests.data_service_double import DataServiceInProcess

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


@pytest.fixture(scope="session", autouse=True)
def _translations_built():
    """The .qm files the kiosk loads, built as `make translations` builds them when one is missing or older
    than its .ts (a test run started without make still shows English when a test switches to it)."""
    from kiosk.ui import translation

    lrelease = Path(sys.prefix) / "bin" / "pyside6-lrelease"
    for ts in sorted(translation.I18N_DIR.glob("*.ts")):
        qm = ts.with_suffix(".qm")
        if not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
            subprocess.run([str(lrelease), "-silent", str(ts), "-qm", str(qm)], check=True, timeout=120)


@pytest.fixture(scope="session", autouse=True)
def _qml_types_registered():
    # PySide6 breaks QtQuick type resolution when a QML type is registered after the first QQmlEngine
    # of the process exists (see kiosk/ui/qml_types.py), so the UI's types are registered before any test runs.
    from kiosk.ui.qml_types import qml_types

    qml_types.prepare()


@pytest.fixture
def kiosk_ui(qtbot, cfg):
    """Start the whole kiosk UI offscreen on the seeded content: ``ctx, window = kiosk_ui()``.

    Options: ``size_px=(w, h)`` (default portrait 1080×1920); others go to build_context
    (``idle_timeout_ms`` and ``reading_idle_timeout_ms`` for short idle tests, ``clock`` for a fixed "now").
    """
    from kiosk.store.content import content_db
    from kiosk.store.station import station_db
    from kiosk.ui import app as ui_app

    started = []

    def start(size_px=(1080, 1920), **context_options):
        from tests.data_service_double import wait_answered

        ctx = ui_app.build_context(cfg, **context_options)
        started.append(ctx)
        # The data service child has opened (on first start: seeded) the stores once it answered.
        wait_answered(qtbot, ctx.data, timeout_ms=120_000)
        open_stores_beside_the_kiosk(cfg)
        window = ui_app.load_main(ctx, size_px=size_px)
        window.show()
        qtbot.waitExposed(window)
        wait_answered(qtbot, ctx.data)  # what the first page asked for
        qtbot.wait(50)  # the first layout pass after the resize
        return ctx, window

    yield start
    # Python's garbage from the test (a failed assertion's frames, QJSValue results: PySide6 6.8 answers a QML
    # object's property as one) is freed now, while its engine lives: collected later, at some other test's
    # turn of the event loop, it touched an engine already deleted and crashed the test process.
    gc.collect()
    for ctx in started:
        ui_app.stop_context(ctx)
    qtbot.wait(10)
    content_db.close()
    station_db.close()
