"""The UI supervises the sync child process: started when a repository is configured, restarted
with growing backoff when it dies, terminated when the UI stops."""

from __future__ import annotations

import sys

from PySide6.QtCore import QProcess

from kiosk.core import config as config_mod
from kiosk.core.self_command import self_command
from kiosk.ui import app as ui_app


def test_dead_child_is_restarted_with_exponential_backoff(qapp, qtbot):
    supervisor = ui_app.SyncSupervisor(sys.executable, ["-c", "import sys; sys.exit(3)"], min_backoff_ms=100)
    supervisor.start()
    qtbot.waitUntil(lambda: supervisor.starts >= 3, timeout=5000)
    # 100 ms, then 200 ms, then 400 ms …: the next wait after the third death is at least 800 ms.
    qtbot.waitUntil(lambda: supervisor.backoff_ms >= 800, timeout=5000)
    supervisor.stop()
    starts = supervisor.starts
    qtbot.wait(1000)
    assert supervisor.starts == starts  # stopped means no more restarts


def test_stop_terminates_a_running_child(qapp, qtbot):
    supervisor = ui_app.SyncSupervisor(sys.executable, ["-c", "import time; time.sleep(60)"], min_backoff_ms=100)
    supervisor.start()
    qtbot.waitUntil(lambda: supervisor._process.state() == QProcess.ProcessState.Running, timeout=5000)
    supervisor.stop()
    assert supervisor._process.state() == QProcess.ProcessState.NotRunning
    assert supervisor.starts == 1


def test_sync_command_runs_ipkiosk_sync_loop_with_the_config_file(tmp_path, data_dir):
    root = tmp_path / "root.json"
    root.write_text("{}", encoding="utf-8")
    path = tmp_path / "kiosk.toml"
    path.write_text(f'data_dir = "{data_dir}"\nrepository_url = "file:///srv/repo"\ntrusted_root = "{root}"\n',
                    encoding="utf-8")
    cfg = config_mod.load(path)
    program, args = self_command(cfg, "sync", "--loop")
    assert program == sys.executable
    assert args == ["-m", "kiosk.cli", "sync", "--loop", "--config", str(path)]


def test_no_repository_means_no_sync_child(kiosk_ui):
    ctx, _ = kiosk_ui()
    assert ui_app.start_sync_child(ctx) is None and ctx.sync_supervisor is None
