"""`ipkiosk selftest` as a real subprocess: renders a page to PNG offscreen, refuses bad arguments."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QImage

from tests.conftest import REPO_ROOT


def _selftest(*args, data_dir):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software", XDG_DATA_HOME=str(data_dir))
    return subprocess.run([sys.executable, "-m", "kiosk.cli", "selftest", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("page,size", [("home", "1080x1920"), ("service:svc-patent-application", "1920x1080")])
def test_selftest_renders_a_page_to_png(tmp_path, qapp, page, size):
    out = tmp_path / "shot.png"
    proc = _selftest("--page", page, "--size", size, "--screenshot", str(out), data_dir=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "selftest ok" in proc.stdout
    image = QImage(str(out))
    assert (image.width(), image.height()) == tuple(int(x) for x in size.split("x"))
    # The configured data dir gets no databases: selftest renders from a throw-away one.
    assert not (tmp_path / "ipkiosk" / "content.db").exists()
    assert not (tmp_path / "ipkiosk" / "station.db").exists()


@pytest.mark.parametrize("args,message", [(["--page", "nowhere"], "unknown page"),
                                          (["--page", "service"], "needs an argument"),
                                          (["--size", "big"], "expected WIDTHxHEIGHT")])
def test_selftest_usage_errors_exit_2(tmp_path, args, message):
    proc = _selftest(*args, data_dir=tmp_path)
    assert proc.returncode == 2 and message in proc.stderr


def test_qt_warnings_are_routed_to_logging_and_counted(tmp_path):
    code = ("import logging, sys\n"
            "logging.basicConfig(stream=sys.stdout, format='%(name)s %(levelname)s %(message)s')\n"
            "from PySide6.QtCore import qWarning\n"
            "from kiosk.ui.qt_log import route_qt_messages\n"
            "counter = route_qt_messages()\n"
            "qWarning('probe warning')\n"
            "print('count', len(counter.warnings))\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert "qt WARNING probe warning" in proc.stdout and "count 1" in proc.stdout


def test_run_quits_cleanly_on_sigterm(tmp_path):
    import signal
    import time

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software", XDG_DATA_HOME=str(tmp_path))
    proc = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "run", "--windowed"], cwd=REPO_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "ipkiosk" / "station.db").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # the window is up
        assert proc.poll() is None, "the kiosk exited on its own"
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr


def test_search_page_letters_are_optional():
    from kiosk.commands.ui import page_request

    assert page_request("search") == ("SearchPage.qml", {})
    assert page_request("search:zlsq") == ("SearchPage.qml", {"initialQuery": "zlsq"})
