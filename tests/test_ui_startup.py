"""The way to the first frame of home: what the UI process leaves until a visitor asks for it
(docs/benchmarks.md, "The first frame won back")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_the_first_frame_of_home_imports_no_qr_code_library(tmp_path):
    # A separate interpreter: this one has long imported qrcode for other tests. qrcode comes with the first
    # QR shown (tests/test_booking_ui.py and the slips' tests make theirs).
    script = (
        "import sys\n"
        "from PySide6.QtCore import QObject, Slot\n"
        "from PySide6.QtGui import QGuiApplication\n"
        "from kiosk.core import config\n"
        "from kiosk.ui import app\n"
        "class FirstFrame(QObject):\n"
        "    @Slot()\n"
        "    def seen(self):\n"
        "        print('qrcode' in sys.modules, 'kiosk.booking' in sys.modules, flush=True)\n"
        "        QGuiApplication.exit(0)\n"
        "qapp = QGuiApplication([])\n"
        f"ctx = app.build_context(config.from_mapping({{'data_dir': {str(tmp_path / 'data')!r}}}))\n"
        "window = app.load_main(ctx)\n"
        "probe = FirstFrame()\n"
        "window.frameSwapped.connect(probe.seen)\n"
        "window.show()\n"
        "qapp.exec()\n"
        "app.stop_context(ctx)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software",
               QML_DISK_CACHE_PATH=str(tmp_path / "qmlcache"))
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=True)
    # kiosk.booking is there (the booking page's model builds its links with it); its QR library is not.
    assert out.stdout.strip().splitlines()[0] == "False True"
