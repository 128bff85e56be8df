"""`ipkiosk admin …` and `ipkiosk station …` through the real entry point.

set-pin runs as a child process on a real pseudo-terminal, because getpass reads /dev/tty.
"""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time

import pytest

from kiosk.cli import build_parser, main
from kiosk.store import station
from kiosk.store.pin import PinGuard
from tests.helpers import REPO_ROOT, file_digest


@pytest.fixture
def conf(tmp_path, data_dir):
    path = tmp_path / "kiosk.toml"
    path.write_text(f'data_dir = "{data_dir}"\n', encoding="utf-8")
    return path


@pytest.fixture
def cli(conf, capsys):
    def run(*argv):
        code = main([*argv, "--config", str(conf)])
        out, err = capsys.readouterr()
        return code, out, err

    yield run
    station.station_db.close()


def _run_on_tty(argv: list[str], answers: list[str], timeout_s: float = 30.0) -> tuple[int, str]:
    """Run `python -m kiosk.cli ARGV` with a pseudo-terminal as its controlling terminal and
    type ANSWERS at each prompt; returns (exit code, everything the terminal showed)."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.chdir(REPO_ROOT)
        os.execv(sys.executable, [sys.executable, "-m", "kiosk.cli", *argv])
    shown = b""
    pending = list(answers)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
            # Answer only a prompt that just appeared: getpass flushes input typed ahead of it.
            if pending and chunk.rstrip().endswith(b":"):
                os.write(fd, pending.pop(0).encode() + b"\n")
    else:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), shown.decode(errors="replace")


def test_set_pin_reads_twice_from_the_terminal_and_stores_a_hash(conf, cfg):
    code, shown = _run_on_tty(["admin", "set-pin", "--config", str(conf)], ["402718", "402718"])
    assert code == 0, shown
    assert "admin PIN set" in shown
    assert "402718" not in shown, "getpass does not echo the PIN"
    station.open_station_db(cfg.station_db_path)
    try:
        guard = PinGuard()
        assert guard.is_set() and guard.check("402718").ok
        assert "pin.set" in [r["action"] for r in station.recent_audit()]
    finally:
        station.station_db.close()


def test_set_pin_asks_again_after_a_weak_pin_or_a_typo(conf, cfg):
    answers = ["123456", "402718", "402719", "402718", "402718"]  # a run, then a typo in the repeat, then right
    code, shown = _run_on_tty(["admin", "set-pin", "--config", str(conf)], answers)
    assert code == 0, shown
    assert "consecutive digits (such as 123456); please try again (2 tries left)" in shown
    assert "the two entries differ; please try again (1 try left)" in shown
    assert shown.count("new admin PIN (6-8 digits):") == 3 and "admin PIN set" in shown
    station.open_station_db(cfg.station_db_path)
    try:
        assert PinGuard().check("402718").ok
    finally:
        station.station_db.close()


@pytest.mark.parametrize("answers, message", [
    (["402718", "402719"] * 3, "the two entries differ"),
    (["1234", "111111", "7"], "PIN must be 6–8 digits"),
])
def test_set_pin_refuses_after_three_rounds_and_keeps_nothing(conf, cfg, answers, message):
    code, shown = _run_on_tty(["admin", "set-pin", "--config", str(conf)], answers)
    assert code == 2 and f"PIN not changed: {message}" in shown
    assert shown.count("new admin PIN (6-8 digits):") == 3
    station.open_station_db(cfg.station_db_path)
    try:
        assert not PinGuard().is_set()
    finally:
        station.station_db.close()


def test_set_pin_fed_from_a_pipe_stops_at_the_first_weak_pin(conf, cfg):
    # No controlling terminal (new session), stdin a pipe: getpass reads stdin, and a script's weak PIN
    # ends the command at once instead of reading its next line as another try.
    result = subprocess.run([sys.executable, "-m", "kiosk.cli", "admin", "set-pin", "--config", str(conf)],
                            input="123456\n402718\n402718\n", capture_output=True, text=True, cwd=REPO_ROOT,
                            start_new_session=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "PIN not changed: PIN must not be a run of consecutive digits" in result.stderr
    assert "try again" not in result.stderr and result.stderr.count("new admin PIN") == 1
    station.open_station_db(cfg.station_db_path)
    try:
        assert not PinGuard().is_set()
    finally:
        station.station_db.close()


def test_set_pin_takes_no_pin_argument():
    with pytest.raises(SystemExit):
        build_parser().parse_args(["admin", "set-pin", "402718"])


def test_unlock_and_audit(cli, cfg):
    station.open_station_db(cfg.station_db_path)
    PinGuard().set_pin("402718")
    for _ in range(5):
        PinGuard().check("000001")
    assert PinGuard().locked_for_s() == 60
    station.station_db.close()
    code, out, _ = cli("admin", "unlock")
    assert code == 0
    code, out, _ = cli("admin", "audit", "--json", "--limit", "3")
    rows = json.loads(out)
    assert [r["action"] for r in rows] == ["pin.unlock", "pin.lockout", "pin.fail"]
    assert rows[0]["actor"] == "cli" and rows[0]["at"]
    assert PinGuard().locked_for_s() == 0


def test_station_backup_list_and_restore_round_trip(cli, cfg):
    assert cli("announce", "add", "--title", "第一条")[0] == 0
    code, out, _ = cli("station", "backup")
    assert code == 0
    saved = out.strip()
    assert os.path.exists(saved) and saved.startswith(str(cfg.data_path / "backups"))
    listed = cli("station", "backups")[1].splitlines()
    assert [line.split("\t")[0] for line in listed] == [saved]  # the path first, so `cut -f1` gives it
    assert cli("announce", "add", "--title", "第二条")[0] == 0

    code, out, _ = cli("station", "restore", saved)
    assert code == 0 and "kept at" in out
    code, out, _ = cli("announce", "list", "--json")
    assert [a["title"] for a in json.loads(out)] == ["第一条"]
    actions = [r["action"] for r in json.loads(cli("admin", "audit", "--json")[1])]
    assert actions[0] == "station.restore"


def test_station_restore_of_a_bad_file_fails_cleanly(cli, cfg, tmp_path):
    cli("announce", "add", "--title", "保留")
    bad = tmp_path / "x.db"
    bad.write_text("nonsense", encoding="utf-8")
    before = file_digest(cfg.station_db_path)
    code, _, err = cli("station", "restore", str(bad))
    assert code == 1 and "not restored" in err and "x.db" in err
    assert file_digest(cfg.station_db_path) == before


def test_admin_commands_on_a_corrupt_station_db_point_to_restore(cli, cfg):
    cfg.station_db_path.write_bytes(b"broken" * 500)
    code, _, err = cli("admin", "audit")
    assert code == 1 and "station restore" in err
    assert cfg.station_db_path.read_bytes() == b"broken" * 500


def test_announce_on_a_corrupt_station_db_fails_cleanly_and_keeps_the_file(cli, cfg):
    cfg.station_db_path.write_bytes(b"broken" * 500)
    code, _, err = cli("announce", "list")
    assert code == 1 and "station.db is unusable" in err and "station restore" in err
    assert cfg.station_db_path.read_bytes() == b"broken" * 500


@pytest.mark.parametrize(("title", "named"), [("本站\x1b]0;x\x07公告", "control character U+001B"),
                                              ("本站\u202e公告", "bidi control U+202E"),
                                              ("本站\udcff公告", "lone surrogate U+DCFF")])
def test_announcement_with_characters_the_screen_must_not_get_is_refused(cli, title, named):
    # Before: ESC and U+202E were stored and shown; a byte that is not UTF-8 in argv ended in a traceback.
    code, out, err = cli("announce", "add", "--title", title)
    assert code == 2 and f"title: {named}" in err
    code, out, err = cli("announce", "list")
    assert code == 0 and "本站" not in out


def test_announce_list_says_an_open_window_in_words(cli, cfg):
    assert cli("announce", "add", "--title", "本站今日下午休息")[0] == 0
    code, out, _ = cli("announce", "list")
    assert code == 0
    _id, title, window = out.strip().split("\t")
    assert (title, window) == ("本站今日下午休息", "shown now → no end")
