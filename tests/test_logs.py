"""Logging: rotating files per process role, stderr/journal, Qt messages, `ipkiosk logs`."""

from __future__ import annotations

import logging
import os
import re

import pytest

from kiosk import cli
from kiosk.core import logs


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """Our handlers on the root logger for one test, removed afterwards."""
    monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    handles = []

    def install(command="status", logs_path=None):
        handle = logs.install(logs_path or tmp_path / "logs", command)
        handles.append(handle)
        return handle

    yield install
    for handle in handles:
        logs.uninstall(handle)


def test_qt_messages_and_info_reach_the_file_warnings_reach_stderr(installed, tmp_path, capsys):
    installed("run")
    logging.getLogger("qt").warning("qrc:/Kiosk/Main.qml:12: ReferenceError: foo is not defined")
    logging.getLogger("kiosk.ui.app").info("first frame after 812 ms")

    text = (tmp_path / "logs" / "ui.log").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert len(lines) == 2
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z WARNING \[\d+\] qt: qrc:/Kiosk/Main\.qml:12: ReferenceError", lines[0])
    assert lines[1].endswith(f"INFO [{os.getpid()}] kiosk.ui.app: first frame after 812 ms")
    err = capsys.readouterr().err
    assert "WARNING qt: qrc:/Kiosk/Main.qml:12: ReferenceError: foo is not defined" in err
    assert "first frame" not in err  # INFO stays out of a technician's terminal


def test_under_systemd_stderr_is_the_journal_and_gets_info(installed, monkeypatch, capsys):
    monkeypatch.setenv("JOURNAL_STREAM", "8:12345")
    installed("sync")
    logging.getLogger("kiosk.sync.client").info("cycle UNCHANGED in 0.2 s")
    err = capsys.readouterr().err
    # The journal stamps lines itself: no timestamp of ours.
    assert err == "INFO kiosk.sync.client: cycle UNCHANGED in 0.2 s\n"


def test_each_process_role_has_its_own_file(tmp_path):
    assert logs.log_file_for(tmp_path, "run").name == "ui.log"
    assert logs.log_file_for(tmp_path, "sync").name == "sync.log"
    assert logs.log_file_for(tmp_path, "doctor").name == "cli.log"
    assert logs.log_file_for(tmp_path, None).name == "cli.log"


def test_files_are_size_capped(installed, tmp_path):
    installed("sync")
    line = "x" * 1000
    for i in range(7 * logs.LOG_FILE_MAX_BYTES // 1000):
        logging.getLogger("kiosk.sync.client").info("%d %s", i, line)
    files = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert files == ["sync.log"] + [f"sync.log.{n}" for n in range(1, logs.LOG_BACKUP_COUNT + 1)]
    total = sum(p.stat().st_size for p in (tmp_path / "logs").iterdir())
    assert total <= (logs.LOG_BACKUP_COUNT + 1) * logs.LOG_FILE_MAX_BYTES


def test_nothing_logged_creates_no_file(installed, tmp_path):
    installed("status")
    logging.getLogger("kiosk").debug("below the file level")
    assert not (tmp_path / "logs").exists()


def test_unwritable_log_dir_degrades_to_stderr_once(installed, tmp_path, capsys):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the logs directory should be")
    installed("run", logs_path=blocker / "logs")
    logging.getLogger("kiosk").warning("first")
    logging.getLogger("kiosk").warning("second")
    err = capsys.readouterr().err
    assert err.count("cannot write log file") == 1
    assert "WARNING kiosk: first" in err and "WARNING kiosk: second" in err


def test_uninstall_closes_files_and_restores_the_root_level(tmp_path):
    root = logging.getLogger()
    before_level, before_handlers = root.level, list(root.handlers)
    handle = logs.install(tmp_path / "logs", "status")
    logging.getLogger("kiosk").warning("opens the file")
    logs.uninstall(handle)
    assert root.level == before_level
    assert root.handlers == before_handlers
    assert all(h.stream is None for h in handle.handlers if isinstance(h, logging.FileHandler))


def _write(path, lines):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def test_read_entries_merges_files_in_time_order_and_keeps_tracebacks(tmp_path):
    d = tmp_path / "logs"
    _write(d / "ui.log.1", ["2026-05-01T08:00:00.000Z INFO [1] kiosk.ui: oldest (rotated)"])
    _write(d / "ui.log", ["2026-05-01T08:00:02.000Z ERROR [1] kiosk.ui: boom",
                          "Traceback (most recent call last):",
                          '  File "x.py", line 1, in <module>',
                          "ValueError: bad"])
    _write(d / "sync.log", ["trailing part of an entry rotated away",
                            "2026-05-01T08:00:01.000Z INFO [2] kiosk.sync.client: cycle OK",
                            "2026-05-01T08:00:03.000Z INFO [2] kiosk.sync.client: cycle UNCHANGED"])
    _write(d / "notes.txt", ["2026-05-01T08:00:04.000Z not a log file"])

    entries = logs.read_entries(d)
    assert [e.text.split(": ", 1)[1].splitlines()[0] for e in entries] == [
        "oldest (rotated)", "cycle OK", "boom", "cycle UNCHANGED"]
    assert [e.file for e in entries] == ["ui.log", "sync.log", "ui.log", "sync.log"]
    assert entries[2].text.endswith("ValueError: bad")
    assert [e.text for e in logs.read_entries(d, tail=2)] == [entries[2].text, entries[3].text]
    assert logs.read_entries(d, tail=0) == []
    assert logs.read_entries(tmp_path / "missing") == []


def _config_file(tmp_path, data_dir):
    path = tmp_path / "kiosk.toml"
    path.write_text(f'data_dir = "{data_dir}"\n', encoding="utf-8")
    return str(path)


def test_cli_writes_cli_log_and_logs_command_prints_the_tail(tmp_path, data_dir, capsys, monkeypatch):
    monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    config = _config_file(tmp_path, data_dir)
    cli.main(["--config", config, "doctor"])
    cli.main(["--config", config, "doctor"])
    capsys.readouterr()

    assert cli.main(["--config", config, "logs", "--tail", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    assert re.match(r"^cli\.log\s+\d{4}-.*Z INFO \[\d+\] ipkiosk\.doctor: doctor: ", out[0])
    assert len(logs.read_entries(data_dir / "logs")) == 2
    # main() leaves no handler of ours behind.
    assert not [h for h in logging.getLogger().handlers if type(h).__module__ == "kiosk.core.logs"]


def test_logs_command_without_files_and_with_a_bad_tail(tmp_path, data_dir, capsys):
    config = _config_file(tmp_path, data_dir)
    assert cli.main(["--config", config, "logs"]) == 0
    assert "no log files in" in capsys.readouterr().err
    assert cli.main(["--config", config, "logs", "--tail", "-3"]) == 2
    assert "--tail -3: expected 0 or more" in capsys.readouterr().err


def test_unhandled_error_is_logged_with_its_traceback_in_the_file_only(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JOURNAL_STREAM", "8:1")  # stderr is the journal: it gets Python's own traceback

    with pytest.raises(RuntimeError), logs.configured(tmp_path / "logs", "run"):
        raise RuntimeError("display went away")
    text = (tmp_path / "logs" / "ui.log").read_text(encoding="utf-8")
    assert "ERROR" in text and "unhandled error" in text
    assert "RuntimeError: display went away" in text
    assert capsys.readouterr().err == ""
