"""The UI runs the sync: one real `ipkiosk sync --once --after-failures N` child per cycle, the next cycle
scheduled when the child recorded it (or by the same rule when it could not), stopped with the UI and
never outliving it."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.core import config as config_mod
from kiosk.core.clock import utcnow
from kiosk.core.self_command import SYNC_NICE
from kiosk.store import content
from kiosk.store.seed import open_content
from kiosk.sync import publish
from kiosk.ui.children import Ending
from kiosk.ui.sync_cycles import SYNC_CHILD_NAME, SyncCycles
from tests.data_service_double import DataServiceInProcess, wait_answered
from tests.helpers import REPO_ROOT, probe_command
from tests.sync_helpers import terminal_config, write_config_file


@pytest.fixture
def silent_server():
    """A TCP port that takes connections and never answers: a cycle against it hangs in its download."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/repo"


def _config(tmp_path, data_dir, repository_url: str) -> config_mod.Config:
    keys = tmp_path / "keys"
    if not keys.exists():
        assert publish.main(["init", str(keys)]) == 0
    return config_mod.load(write_config_file(tmp_path / "kiosk.toml",
                                             terminal_config(data_dir, repository_url, keys / "1.root.json")))


def _due_in_s(iso_value: str) -> float:
    return (dt.datetime.fromisoformat(iso_value) - utcnow()).total_seconds()


def _run_cycle(qtbot, cycles: SyncCycles, data) -> list:
    finished: list = []
    cycles.cycleFinished.connect(lambda outcome, line: finished.append((outcome, line)))
    with qtbot.waitSignal(cycles.scheduled, timeout=60_000):
        assert cycles.run_now()
        assert not cycles.run_now(), "one cycle at a time"
    wait_answered(qtbot, data)
    return finished


def test_each_cycle_is_a_once_child_that_records_the_next_with_backoff(qapp, qtbot, tmp_path, data_dir):
    cfg = _config(tmp_path, data_dir, "http://127.0.0.1:9/repo")  # nothing listens on port 9: OFFLINE
    open_content(cfg)
    data = DataServiceInProcess(cfg)
    cycles = SyncCycles(cfg, data)
    try:
        finished = _run_cycle(qtbot, cycles, data)
        outcome, line = finished[0]
        assert cycles.child.name == SYNC_CHILD_NAME
        assert cycles.child.arguments[2:6] == ["sync", "--once", "--after-failures", "0"]
        assert outcome.ending is Ending.EXITED and outcome.exit_code == 10 and line.startswith("sync OFFLINE [DOWNLOAD_FAILED]: ")
        assert cycles.failures == 1 and not cycles.running
        # The child recorded when the next cycle is due, and that is when the UI runs it.
        recorded = content.status_dict()["next_attempt_at"]
        assert cycles.next_attempt_at == recorded
        first_delay = _due_in_s(recorded)
        assert cfg.sync_interval_s * 0.8 - 60 < first_delay <= cfg.sync_interval_s * 1.2

        _run_cycle(qtbot, cycles, data)
        assert cycles.child.arguments[4:6] == ["--after-failures", "1"]
        assert cycles.failures == 2
        # Backed off: twice the interval, ± 20 %.
        assert cfg.sync_interval_s * 2 * 0.8 - 60 < _due_in_s(cycles.next_attempt_at) <= cfg.sync_interval_s * 2 * 1.2
    finally:
        cycles.stop()


def test_a_cycle_that_cannot_start_is_scheduled_by_the_same_rule(qapp, qtbot, tmp_path, data_dir):
    cfg = _config(tmp_path, data_dir, "http://127.0.0.1:9/repo")
    open_content(cfg)
    data = DataServiceInProcess(cfg)
    cycles = SyncCycles(cfg, data, program=(str(tmp_path / "no-such-program"), []))
    try:
        outcome, line = _run_cycle(qtbot, cycles, data)[0]
        assert outcome.ending is Ending.FAILED_TO_START and line == ""
        assert content.status_dict()["next_attempt_at"] is None, "nothing ran, nothing recorded"
        assert cycles.failures == 1
        assert cfg.sync_interval_s * 0.8 - 60 < _due_in_s(cycles.next_attempt_at) <= cfg.sync_interval_s * 1.2
    finally:
        cycles.stop()


def test_stop_ends_a_running_cycle_and_schedules_none(qapp, qtbot, tmp_path, data_dir, silent_server):
    cfg = _config(tmp_path, data_dir, silent_server)
    open_content(cfg)
    data = DataServiceInProcess(cfg)
    cycles = SyncCycles(cfg, data)
    finished: list = []
    cycles.cycleFinished.connect(lambda outcome, line: finished.append(outcome))
    cycles.start()
    qtbot.waitUntil(lambda: cycles.running, timeout=10_000)
    qtbot.wait(1500)
    assert cycles.running, "the silent server holds the cycle in its download"
    cycles.stop()
    assert not cycles.running
    qtbot.wait(500)
    assert finished == [] and cycles.next_attempt_at is None, "a stopped cycle is not reported or rescheduled"


def test_no_repository_means_no_sync_cycles(kiosk_ui):
    ctx, _ = kiosk_ui()
    assert ctx.sync_cycles is None


def test_the_cli_refuses_after_failures_with_the_loop(tmp_path, data_dir):
    cfg = _config(tmp_path, data_dir, "http://127.0.0.1:9/repo")
    proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "sync", "--loop", "--after-failures", "1",
                           "--config", str(cfg.source)], capture_output=True, text=True, timeout=60, cwd=REPO_ROOT)
    assert proc.returncode == 2 and "--after-failures goes with --once" in proc.stderr


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"  # a zombie has ended; only its parent's wait is missing


def test_the_sync_child_runs_lower_and_ends_when_the_ui_is_killed(tmp_path, data_dir, silent_server):
    # A real cycle held in its download by a server that never answers, under a stand-in UI that is then
    # SIGKILLed: nothing closes the child's pipes in a way it notices, only PR_SET_PDEATHSIG ends it.
    cfg = _config(tmp_path, data_dir, silent_server)
    ui = subprocess.Popen(probe_command("ui_parent", str(cfg.source)), stdout=subprocess.PIPE, text=True,
                          cwd=REPO_ROOT)
    try:
        child_pid = int(ui.stdout.readline())
        time.sleep(2)
        assert _alive(child_pid), "the cycle should still be waiting for the silent server"
        # It also yields the CPU to the screen: the niceness the UI asked for, on top of the UI's own.
        assert os.getpriority(os.PRIO_PROCESS, child_pid) - os.getpriority(os.PRIO_PROCESS, 0) == SYNC_NICE
    finally:
        ui.kill()
        ui.wait()
        ui.stdout.close()
    deadline = time.monotonic() + 15
    while _alive(child_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child_pid), "the sync child outlived the UI"
