"""kiosk.ui.children.ChildProcess on real child processes (small `python -c` programs): outcomes,
restart with backoff, stop by closing stdin or by SIGTERM, the run timeout."""

from __future__ import annotations

import sys

from PySide6.QtCore import QProcess

from kiosk.ui.children import ChildOutcome, ChildProcess, Ending, RestartPolicy, StopBy


def python(code: str) -> tuple[str, list[str]]:
    return sys.executable, ["-c", code]


def outcomes_of(child: ChildProcess) -> list[ChildOutcome]:
    seen: list[ChildOutcome] = []
    child.finished.connect(seen.append)
    return seen


def test_a_clean_exit_is_ok_and_its_output_can_be_read(qapp, qtbot):
    child = ChildProcess("echo", *python("print('hello')"))
    seen = outcomes_of(child)
    assert child.start()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen == [ChildOutcome("echo", Ending.EXITED, 0, stopped=False)]
    assert seen[0].ok and str(seen[0]) == "echo: exit code 0"
    assert bytes(child.process.readAllStandardOutput()).strip() == b"hello"
    assert child.last_outcome == seen[0] and not child.running and child.pid is None


def test_a_failed_exit_is_reported_with_its_code_and_not_restarted_without_a_policy(qapp, qtbot):
    child = ChildProcess("failing", *python("import sys; sys.exit(3)"))
    seen = outcomes_of(child)
    child.start()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen[0].ending is Ending.EXITED and seen[0].exit_code == 3 and not seen[0].ok
    assert seen[0].describe() == "exit code 3"
    qtbot.wait(300)
    assert child.starts == 1 and not child.restart_pending


def test_a_program_that_cannot_run_is_a_failed_start(qapp, qtbot, tmp_path):
    child = ChildProcess("missing", str(tmp_path / "no-such-program"), [])
    seen = outcomes_of(child)
    child.start()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen == [ChildOutcome("missing", Ending.FAILED_TO_START)]
    assert seen[0].describe() == "failed to start" and not child.running


def test_a_child_killed_by_a_signal_crashed(qapp, qtbot):
    child = ChildProcess("suicidal", *python("import os, signal; os.kill(os.getpid(), signal.SIGKILL)"))
    seen = outcomes_of(child)
    child.start()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen[0].ending is Ending.CRASHED and seen[0].exit_code is None and not seen[0].stopped


def test_a_failing_child_is_restarted_with_growing_backoff_until_stopped(qapp, qtbot):
    policy = RestartPolicy(min_backoff_ms=100, max_backoff_ms=400)
    child = ChildProcess("flaky", *python("import sys; sys.exit(3)"), restart=policy)
    seen = outcomes_of(child)
    child.start()
    qtbot.waitUntil(lambda: child.starts >= 4, timeout=10_000)
    # 100 ms, 200 ms, 400 ms, then capped at 400 ms.
    qtbot.waitUntil(lambda: child.backoff_ms == 400 and len(seen) >= 4, timeout=10_000)
    assert all(o.exit_code == 3 for o in seen)
    child.stop()
    starts = child.starts
    qtbot.wait(800)
    assert child.starts == starts and not child.restart_pending  # stopped means no more restarts


def test_a_failed_start_is_restarted_too(qapp, qtbot, tmp_path):
    child = ChildProcess("missing", str(tmp_path / "no-such-program"), [],
                         restart=RestartPolicy(min_backoff_ms=50, max_backoff_ms=50))
    seen = outcomes_of(child)
    child.start()
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=10_000)
    child.stop()
    assert {o.ending for o in seen} == {Ending.FAILED_TO_START}


def test_a_clean_exit_is_not_restarted(qapp, qtbot):
    child = ChildProcess("done", *python("pass"), restart=RestartPolicy(min_backoff_ms=50))
    seen = outcomes_of(child)
    child.start()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    qtbot.wait(300)
    assert child.starts == 1 and seen[0].ok


def test_a_child_that_lived_long_enough_starts_the_backoff_over(qapp, qtbot):
    policy = RestartPolicy(min_backoff_ms=100, max_backoff_ms=10_000, healthy_run_ms=300)
    child = ChildProcess("slow-to-fail", *python("import sys, time; time.sleep(0.5); sys.exit(1)"), restart=policy)
    seen = outcomes_of(child)
    child.backoff_ms = 5000  # as after many quick failures
    child.start()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert child.restart_pending and child.backoff_ms == 200  # waited 100 ms, the next wait doubles
    child.stop()


def test_stop_closes_stdin_and_the_child_ends_by_itself(qapp, qtbot):
    # The child ends at the end of its input, as the data service does.
    child = ChildProcess("reader", *python("import sys; sys.stdin.read(); sys.exit(0)"),
                         restart=RestartPolicy(min_backoff_ms=50))
    child.start()
    qtbot.waitUntil(lambda: child.process.state() == QProcess.ProcessState.Running, timeout=10_000)
    outcome = child.stop()
    assert outcome == ChildOutcome("reader", Ending.EXITED, 0, stopped=True)
    qtbot.wait(200)
    assert child.starts == 1 and not child.running


def test_stop_by_sigterm_lets_the_child_finish(qapp, qtbot):
    code = ("import signal, sys, time\n"
            "signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))\n"
            "print('ready', flush=True)\n"
            "time.sleep(60)\n")
    child = ChildProcess("loop", *python(code), stop_by=StopBy.TERMINATE)
    child.start()
    qtbot.waitUntil(lambda: child.process.canReadLine(), timeout=10_000)  # its handler is installed
    assert child.stop() == ChildOutcome("loop", Ending.EXITED, 0, stopped=True)


def test_stop_kills_a_child_that_does_not_listen(qapp, qtbot):
    code = ("import signal, time\n"
            "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
            "print('ready', flush=True)\n"
            "time.sleep(60)\n")
    child = ChildProcess("deaf", *python(code), stop_by=StopBy.TERMINATE, stop_timeout_ms=300,
                         restart=RestartPolicy(min_backoff_ms=50))
    child.start()
    qtbot.waitUntil(lambda: child.process.canReadLine(), timeout=10_000)
    outcome = child.stop()
    assert outcome == ChildOutcome("deaf", Ending.CRASHED, None, stopped=True)
    qtbot.wait(200)
    assert child.starts == 1


def test_kill_ends_this_run_and_start_runs_a_new_one(qapp, qtbot):
    child = ChildProcess("talker", *python("import sys\nfor line in sys.stdin: print(line.strip().upper(), "
                                           "flush=True)"))
    child.start()
    child.process.write(b"one\n")
    qtbot.waitUntil(lambda: child.process.canReadLine(), timeout=10_000)
    first_pid = child.pid
    assert child.kill().stopped and not child.running
    # The unread answer of the killed run is gone with it: a new run starts with empty buffers.
    child.start()
    child.process.write(b"two\n")
    qtbot.waitUntil(lambda: child.process.canReadLine(), timeout=10_000)
    assert bytes(child.process.readLine()).strip() == b"TWO"
    assert child.pid != first_pid and child.starts == 2
    child.stop()


def test_a_child_over_its_run_timeout_is_killed_as_timed_out(qapp, qtbot):
    child = ChildProcess("hung", *python("import time; time.sleep(60)"), run_timeout_ms=300)
    seen = outcomes_of(child)
    child.start()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen == [ChildOutcome("hung", Ending.TIMED_OUT)] and seen[0].describe() == "timed out"


def test_merged_channels_put_stderr_into_the_output(qapp, qtbot):
    child = ChildProcess("noisy", *python("import sys; print('out', flush=True); print('err', file=sys.stderr)"),
                         channels=QProcess.ProcessChannelMode.MergedChannels)
    seen = outcomes_of(child)
    child.start()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert bytes(child.process.readAll()).split() == [b"out", b"err"]


def test_an_exit_code_that_is_an_answer_is_logged_as_information_not_as_a_warning(qapp, qtbot, caplog):
    # `ipkiosk printer-status` exits 1 to say "not usable": the kiosk's stderr must stay quiet about it.
    answering = ChildProcess("answering", *python("import sys; sys.exit(1)"), answer_exit_codes=(0, 1))
    failing = ChildProcess("failing", *python("import sys; sys.exit(1)"))
    seen: list[ChildOutcome] = []
    answering.finished.connect(seen.append)
    failing.finished.connect(seen.append)
    with caplog.at_level("INFO", logger="kiosk.ui.children"):
        answering.start()
        failing.start()
        qtbot.waitUntil(lambda: len(seen) == 2, timeout=10_000)
    levels = {r.getMessage(): r.levelname for r in caplog.records if "exit code 1" in r.getMessage()}
    assert levels == {"answering: exit code 1": "INFO", "failing: exit code 1": "WARNING"}
