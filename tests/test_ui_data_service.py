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
import shiboken6
from PySide6.QtCore import QObject, QTimer

from kiosk.core.self_command import self_command
from kiosk.dataservice.api import ErrorKind
from kiosk.ui.data_client import DataClient, DataError, DataUnavailable
from tests.data_service_double import wait_answered
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


def answer(qtbot, pending, timeout_ms: int = 60_000):
    """The result PENDING delivers (a failure raised), waited for on the event loop as a screen would."""
    outcome = []
    pending.then(lambda result: outcome.append((result, None)), lambda exc: outcome.append((None, exc)))
    assert not outcome, "callbacks never run inside the call"
    qtbot.waitUntil(lambda: bool(outcome), timeout=timeout_ms)
    result, error = outcome[0]
    if error is not None:
        raise error
    return result


def test_the_child_seeds_on_first_start_and_answers(client, cfg, qtbot):
    services = answer(qtbot, client.list_records("services"))
    assert len(services) > 20 and all(r["kind"] == "services" for r in services)
    page = answer(qtbot, client.record_detail("svc-patent-application"))
    assert page["record"]["title"] == "专利申请受理" and page["booking_type_id"]
    assert answer(qtbot, client.record_detail("no-such-record")) is None
    assert answer(qtbot, client.content_serial()) >= 1
    assert cfg.content_db_path.exists() and cfg.station_db_path.exists()
    found = answer(qtbot, client.search("zlsq", "zlsq", SEED_NOW.isoformat(), kinds=["services"], limit=10,
                                        candidate_limit=4, nearest_limit=4))
    assert "svc-patent-application" in [h["id"] for h in found["hits"]]
    assert "专利申请" in found["candidates"]
    assert answer(qtbot, client.pin_state(SEED_NOW.isoformat())) == {"is_set": False, "locked_for_s": 0,
                                                                     "tries_left": 5}


def test_calls_in_flight_are_answered_each_to_its_caller(client, qtbot):
    kinds = ["services", "policies", "notices", "news", "events"]
    pendings = [client.list_records(kind) for kind in kinds]
    assert client.pending_calls == len(kinds)
    answers = [answer(qtbot, p) for p in pendings]
    assert [{r["kind"] for r in rows} for rows in answers] == [{kind} for kind in kinds]
    qtbot.waitUntil(lambda: client.pending_calls == 0)


def test_failures_come_back_typed_and_the_service_goes_on(client, qtbot):
    with pytest.raises(DataError) as error:
        answer(qtbot, client.save_announcement(0, "", "body", None, None, False, "admin-screen"))
    assert error.value.kind is ErrorKind.STATION and "title" in str(error.value)
    with pytest.raises(DataError) as error:
        answer(qtbot, client._call("drop_everything"))
    assert error.value.kind is ErrorKind.UNKNOWN_METHOD
    with pytest.raises(DataError) as error:
        answer(qtbot, client._call("list_records", kind="services", colour="red"))
    assert error.value.kind is ErrorKind.BAD_REQUEST and "colour" in str(error.value)
    with pytest.raises(DataError) as error:
        answer(qtbot, client.check_pin("123456", SEED_NOW.isoformat()))
    assert error.value.kind is ErrorKind.PIN, "no PIN is set yet"
    pid = client.pid
    assert answer(qtbot, client.list_records("policies")), "the same child answers after the failures"
    assert client.pid == pid


def test_a_callback_whose_receiver_is_gone_is_dropped(client, qtbot):
    receiver = QObject()
    got = []
    client.list_records("services").then(lambda rows: got.append(rows), receiver=receiver)
    kept = client.list_records("events")
    shiboken6.delete(receiver)
    assert answer(qtbot, kept)
    qtbot.waitUntil(lambda: client.pending_calls == 0)
    assert got == []


def test_a_request_that_is_not_json_is_answered_not_fatal(cfg):
    program, args = self_command(cfg, "data-service")
    child = subprocess.run([program, *args], input='not json\n[1, 2]\n{"id": 3, "method": "content_serial"}\n',
                           cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=True)
    lines = [json.loads(line) for line in child.stdout.splitlines()]
    assert lines[0] == {"ready": True}
    assert [doc["error"]["kind"] for doc in lines[1:3]] == ["bad_request", "bad_request"]
    assert lines[3]["id"] == 3 and lines[3]["result"] >= 1


def test_a_killed_child_is_started_again_by_the_next_call(client, qtbot):
    first = client.pid
    assert answer(qtbot, client.counts_by_kind())["services"] > 0
    in_flight = client.counts_by_kind()
    os.kill(first, signal.SIGKILL)
    # The call the child died with fails (it may have been a write: it is not sent twice); the next
    # call starts a new child (restart_interval_ms=0 here) and is answered.
    with pytest.raises(DataUnavailable, match="crashed"):
        answer(qtbot, in_flight)
    assert answer(qtbot, client.counts_by_kind())["services"] > 0
    assert client.pid != first and client.starts == 2


def test_restarts_are_spaced_so_a_broken_child_does_not_stall_every_call(qapp, qtbot):
    data = misbehaving(qapp, "import sys; sys.exit(3)", restart_interval_ms=60_000)
    with pytest.raises(DataUnavailable, match="exit code 3"):
        answer(qtbot, data.content_serial())
    with pytest.raises(DataUnavailable, match="restarting it in"):
        answer(qtbot, data.content_serial())
    assert data.starts == 1
    data.stop()


def test_a_child_that_does_not_answer_in_time_is_replaced(qapp, qtbot):
    data = misbehaving(qapp, READY + "import time; time.sleep(60)", call_timeout_ms=300, restart_interval_ms=0)
    first = data.content_serial()
    qtbot.waitUntil(lambda: data.pid is not None)
    pid = data.pid
    with pytest.raises(DataUnavailable, match="longer than 300 ms"):
        answer(qtbot, first)
    assert data.pid is None, "the silent child was killed"
    # Not waited for on the GUI thread: it ends (and is reaped) on a later turn of the event loop.
    qtbot.waitUntil(lambda: not os.path.exists(f"/proc/{pid}"), timeout=10_000)
    data.stop()


def test_a_slow_child_never_blocks_the_event_loop(qapp, qtbot):
    """While a call waits for a child that does not answer, the GUI thread goes on: a 10 ms timer keeps firing."""
    data = misbehaving(qapp, READY + "import time; time.sleep(60)", call_timeout_ms=1500, restart_interval_ms=0)
    ticks = []
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    pending = data.content_serial()
    with pytest.raises(DataUnavailable):
        answer(qtbot, pending)
    timer.stop()
    assert len(ticks) > 20, "the timer fired while the call waited"
    data.stop()


def test_garbage_on_stdout_is_unavailable_not_a_crash(qapp, qtbot):
    data = misbehaving(qapp, READY + "print('hello', flush=True); import time; time.sleep(60)", restart_interval_ms=0)
    with pytest.raises(DataUnavailable, match="not JSON"):
        answer(qtbot, data.content_serial())
    # The next call starts a new child once the killed one has ended; that one is read afresh.
    with pytest.raises(DataUnavailable, match="not JSON"):
        answer(qtbot, data.content_serial())
    assert data.starts == 2
    data.stop()


def test_an_answer_nobody_asked_for_is_unavailable(qapp, qtbot):
    data = misbehaving(qapp, READY + "print('{\"id\": 99, \"result\": 1}', flush=True); import time; time.sleep(60)")
    with pytest.raises(DataUnavailable, match="no call is waiting"):
        answer(qtbot, data.content_serial())
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


def test_a_stopped_data_service_never_freezes_the_screen(kiosk_ui, qtbot):
    """The data child stops answering (SIGSTOP: alive, silent): the visitor still moves between pages and
    the GUI thread's timers keep firing; the answers arrive once it goes on."""
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    pid = ctx.data.pid
    ticks = []
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    os.kill(pid, signal.SIGSTOP)
    try:
        tap(qtbot, window, find(window, "tile_policies"))
        assert current_page(window).objectName() == "recordListPage"
        assert find(window, "recordList").property("count") == 0, "a quiet empty list while the answer is due"
        assert ctx.data.pending_calls > 0
        tap(qtbot, window, find(window, "navHome"))
        assert current_page(window).objectName() == "homePage"
        assert len(ticks) > 20, "the GUI thread ran while the data service was silent"
    finally:
        os.kill(pid, signal.SIGCONT)
        timer.stop()
    wait_answered(qtbot, ctx.data)
    assert ctx.data.pid == pid, "a slow answer within the call timeout is not a failure"
    tap(qtbot, window, find(window, "tile_policies"))
    qtbot.waitUntil(lambda: find(window, "recordList").property("count") > 0)
