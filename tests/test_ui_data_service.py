"""The UI's data service: the real `ipkiosk data-service` child behind kiosk.ui.data_client.

Every test here runs real child processes (the data service on a seeded data dir, or a small
Python program that misbehaves on purpose: never answers, writes garbage, exits at once).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from kiosk.core.self_command import self_command
from kiosk.ui.data_client import DataClient, DataError, DataUnavailable
from tests.helpers import REPO_ROOT
from tests.ui_helpers import SEED_NOW, current_page, find, tap

READY = 'import sys; print(\'{"ready": true}\', flush=True); '


@pytest.fixture
def client(qapp, cfg):
    program, args = self_command(cfg, "data-service")
    data = DataClient(program, args, restart_interval_ms=0)
    data.start()
    yield data
    data.stop()


def misbehaving(qapp, program: str, **timeouts) -> DataClient:
    data = DataClient(sys.executable, ["-c", program], **timeouts)
    data.start()
    return data


def test_the_child_seeds_on_first_start_and_answers(client, cfg):
    services = client.list_records("services")
    assert len(services) > 20 and all(r["kind"] == "services" for r in services)
    assert client.get_record("svc-patent-application")["title"] == "专利申请受理"
    assert client.get_record("no-such-record") is None
    assert client.content_serial() >= 1
    assert cfg.content_db_path.exists() and cfg.station_db_path.exists()
    found = client.search("zlsq", "zlsq", SEED_NOW.isoformat(), kinds=["services"], limit=10, candidate_limit=4,
                          nearest_limit=4)
    assert "svc-patent-application" in [h["id"] for h in found["hits"]]
    assert "专利申请" in found["candidates"]


def test_failures_come_back_typed_and_the_service_goes_on(client):
    with pytest.raises(DataError) as error:
        client.save_announcement(0, "", "body", None, None, False, "admin-screen")
    assert error.value.kind == "StationError" and "title" in str(error.value)
    with pytest.raises(DataError) as error:
        client.drop_everything()
    assert error.value.kind == "UnknownMethod"
    with pytest.raises(DataError) as error:
        client.list_records("services", "专利", "one argument too many")
    assert error.value.kind == "InternalError" and "TypeError" in str(error.value)
    pid = client.pid
    assert client.list_records("policies"), "the same child answers after the failures"
    assert client.pid == pid


def test_a_request_that_is_not_json_is_answered_not_fatal(cfg):
    program, args = self_command(cfg, "data-service")
    child = subprocess.run([program, *args], input='not json\n[1, 2]\n{"id": 3, "method": "content_serial"}\n',
                           cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=True)
    lines = [json.loads(line) for line in child.stdout.splitlines()]
    assert lines[0] == {"ready": True}
    assert [doc["error"]["type"] for doc in lines[1:3]] == ["BadRequest", "BadRequest"]
    assert lines[3]["id"] == 3 and lines[3]["result"] >= 1


def test_a_killed_child_is_started_again_by_the_next_call(client):
    first = client.pid
    assert client.counts_by_kind()["services"] > 0
    os.kill(first, signal.SIGKILL)
    # The call that finds it dead fails (it may have been a write: it is not sent twice); the next
    # call starts a new child (restart_interval_ms=0 here) and is answered.
    with pytest.raises(DataUnavailable, match="crashed"):
        client.counts_by_kind()
    assert client.counts_by_kind()["services"] > 0
    assert client.pid != first and client.starts == 2


def test_restarts_are_spaced_so_a_broken_child_does_not_stall_every_call(qapp):
    data = misbehaving(qapp, "import sys; sys.exit(3)", restart_interval_ms=60_000)
    with pytest.raises(DataUnavailable, match="exit code 3"):
        data.content_serial()
    with pytest.raises(DataUnavailable, match="restarting it in"):
        data.content_serial()
    assert data.starts == 1
    data.stop()


def test_a_child_that_does_not_answer_in_time_is_replaced(qapp):
    data = misbehaving(qapp, READY + "import time; time.sleep(60)", call_timeout_ms=300, restart_interval_ms=0)
    pid = data.pid
    with pytest.raises(DataUnavailable, match="longer than 300 ms"):
        data.content_serial()
    assert data.pid is None, "the silent child was killed"
    with pytest.raises(OSError):
        os.kill(pid, 0)
    data.stop()


def test_garbage_on_stdout_is_unavailable_not_a_crash(qapp):
    data = misbehaving(qapp, READY + "print('hello', flush=True); import time; time.sleep(60)")
    with pytest.raises(DataUnavailable, match="not JSON"):
        data.content_serial()
    data.stop()


def test_the_kiosk_keeps_what_it_shows_while_its_data_service_is_down(kiosk_ui, qtbot):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    tap(qtbot, window, find(window, "tile_policies"))
    rows_before = find(window, "recordList").property("count")
    assert rows_before > 0
    ctx.data.restart_interval_ms = 60_000
    os.kill(ctx.data.pid, signal.SIGKILL)
    qtbot.wait(200)
    ctx.shell.contentSerialChanged.emit()  # as after a sync: every list asks the (dead) service again
    qtbot.wait(100)
    assert current_page(window).objectName() == "recordListPage"
    assert find(window, "recordList").property("count") == rows_before, "the last good list stays on screen"
    # The service is back once the restart interval has passed; the screens read from it again.
    ctx.data.restart_interval_ms = 0
    tap(qtbot, window, find(window, "navHome"))
    tap(qtbot, window, find(window, "tile_services"))
    assert current_page(window).objectName() == "catalogPage"
    assert ctx.data.starts == 2
