"""The UI supervises the sync child process: made when a repository is configured, restarted
with growing backoff when it fails, ended by SIGTERM when the UI stops."""

from __future__ import annotations

import sys

from kiosk.core import config as config_mod
from kiosk.core.self_command import self_command
from kiosk.sync import publish
from kiosk.ui.children import Ending, RestartPolicy
from kiosk.ui.sync_child import SYNC_CHILD_NAME, sync_loop_child
from tests.sync_helpers import terminal_config, write_config_file


def _terminal_config(tmp_path, data_dir) -> config_mod.Config:
    root = tmp_path / "root.json"
    root.write_text("{}", encoding="utf-8")
    path = tmp_path / "kiosk.toml"
    path.write_text(f'data_dir = "{data_dir}"\nrepository_url = "file:///srv/repo"\ntrusted_root = "{root}"\n',
                    encoding="utf-8")
    return config_mod.load(path)


def test_sync_command_runs_ipkiosk_sync_loop_with_the_config_file(tmp_path, data_dir):
    cfg = _terminal_config(tmp_path, data_dir)
    program, args = self_command(cfg, "sync", "--loop")
    assert program == sys.executable
    assert args == ["-m", "kiosk.cli", "sync", "--loop", "--config", str(cfg.source)]
    child = sync_loop_child(cfg)
    assert (child.name, child.program, child.arguments) == (SYNC_CHILD_NAME, program, args)


def test_a_dying_sync_child_is_restarted_with_backoff_and_stop_ends_it(qapp, qtbot, tmp_path, data_dir):
    # The real `ipkiosk sync --loop`: a trusted root that is not a signed root makes it exit with a
    # usage error at once, again and again.
    cfg = _terminal_config(tmp_path, data_dir)
    child = sync_loop_child(cfg, restart=RestartPolicy(min_backoff_ms=100, max_backoff_ms=400))
    outcomes = []
    child.finished.connect(outcomes.append)
    child.start()
    qtbot.waitUntil(lambda: child.starts >= 3, timeout=60_000)
    assert all(o.ending is Ending.EXITED and o.exit_code != 0 for o in outcomes)
    child.stop()
    starts = child.starts
    qtbot.wait(600)
    assert child.starts == starts and not child.running  # stopped means no more restarts


def test_stop_ends_a_running_sync_loop_by_sigterm(qapp, qtbot, tmp_path, data_dir):
    # A real signed root and a repository that is not there: the loop runs on, offline, until stopped.
    keys = tmp_path / "keys"
    assert publish.main(["init", str(keys)]) == 0
    terminal = terminal_config(data_dir, (tmp_path / "no-repo").as_uri(), keys / "1.root.json")
    cfg = config_mod.load(write_config_file(tmp_path / "kiosk.toml", terminal))
    child = sync_loop_child(cfg)
    outcomes = []
    child.finished.connect(outcomes.append)
    child.start()
    sync_log = cfg.logs_path / "sync.log"
    # Its first (offline) cycle is logged after its SIGTERM handler is in place.
    qtbot.waitUntil(lambda: sync_log.is_file() and "sync OFFLINE" in sync_log.read_text(encoding="utf-8"),
                    timeout=60_000)
    assert child.running and outcomes == []
    outcome = child.stop()
    assert outcome is not None and outcome.stopped
    assert outcome.ending is Ending.EXITED and outcome.exit_code == 0  # it ended itself, not killed
    assert child.starts == 1


def test_no_repository_means_no_sync_child(kiosk_ui):
    ctx, _ = kiosk_ui()
    assert ctx.sync_child is None
