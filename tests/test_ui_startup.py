"""The way to the first frame of home: what the UI process leaves until a visitor asks for it
(docs/benchmarks.md, "The first frame won back")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.ui import content_models

REPO_ROOT = Path(__file__).resolve().parent.parent

# A fresh UI process started as `ipkiosk run` starts it (kiosk.ui.app.run, without its event loop's end), which
# prints at its first frame what it has made so far. A separate interpreter: this one imported all of it long ago.
FIRST_FRAME_SCRIPT = """\
import sys
import PySide6.QtCore
lazy_classes = 'Qt' not in vars(PySide6.QtCore)  # this PySide6 makes a class when it is first read
from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QGuiApplication
from kiosk.core import config
from kiosk.ui import app, lockdown, qt_log
class FirstFrame(QObject):
    @Slot()
    def seen(self):
        print(lazy_classes, 'Qt' in vars(PySide6.QtCore), 'qrcode' in sys.modules, 'kiosk.booking' in sys.modules,
              'hashlib' in sys.modules, flush=True)
        QGuiApplication.exit(0)
qapp = QGuiApplication([])
qt_log.route_qt_messages()
cfg = config.from_mapping({'data_dir': sys.argv[1]})
ctx = app.build_context(cfg)
window = app.load_main(ctx)
probe = FirstFrame()
window.frameSwapped.connect(probe.seen)
lockdown.show_window(window, cfg, windowed=False)
qapp.exec()
ctx.exit_authorised = True
app.stop_context(ctx)
"""


@pytest.fixture(scope="module")
def at_first_frame(tmp_path_factory) -> list[str]:
    """[PySide6 makes classes lazily, the Qt namespace is made, qrcode imported, kiosk.booking imported, hashlib
    imported] as "True"/"False", at the first frame of home."""
    tmp = tmp_path_factory.mktemp("first-frame")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software",
               QML_DISK_CACHE_PATH=str(tmp / "qmlcache"))
    out = subprocess.run([sys.executable, "-c", FIRST_FRAME_SCRIPT, str(tmp / "data")], cwd=REPO_ROOT, env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    return out.stdout.strip().splitlines()[0].split()


def test_the_first_frame_of_home_imports_no_qr_code_library_and_no_openssl(at_first_frame):
    # kiosk.booking is there (the booking page's model builds its links with it); its QR library comes with the
    # first QR shown, hashlib (OpenSSL's libcrypto) with the first booking short code (tests/test_booking_ui.py).
    assert at_first_frame[2:] == ["False", "True", "False"]


def test_the_first_frame_of_home_does_not_make_the_qt_namespace(at_first_frame):
    if at_first_frame[0] != "True":
        pytest.skip("this PySide6 makes every class of a module when it is imported")
    assert at_first_frame[1] == "False", ("something on the way to the first frame read PySide6's Qt namespace "
                                          "(about 15 ms of CPU): import it where it is used, after the first frame")


def test_the_list_models_roles_are_qts():
    # content_models names them by value so as not to read the Qt namespace at start.
    assert Qt.ItemDataRole.DisplayRole == content_models.DISPLAY_ROLE
    assert Qt.ItemDataRole.UserRole == content_models.USER_ROLE
