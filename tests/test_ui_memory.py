"""UI-process memory: printing support loads only when a slip is printed; memory is handed back
after the idle reset."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Q_ARG, QMetaObject

from tests.ui_helpers import find

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_idle_reset_hands_memory_back_once_the_old_pages_are_gone(kiosk_ui, qtbot, monkeypatch):
    from kiosk.ui import memory

    ctx, window = kiosk_ui()
    releases = []
    real_release = memory.release_memory
    # Wrapped to observe the call; the real release (malloc_trim) runs.
    monkeypatch.setattr(memory, "release_memory", lambda: releases.append(real_release()))
    ctx.shell._release_memory_timer.timeout.disconnect()
    ctx.shell._release_memory_timer.timeout.connect(lambda: memory.release_memory())
    QMetaObject.invokeMethod(window, "openPage", Q_ARG("QVariant", "CatalogPage.qml"), Q_ARG("QVariant", {}))
    qtbot.wait(50)
    QMetaObject.invokeMethod(window, "resetToAttract")
    assert releases == []  # not while the last visitor's pages are still being deleted
    qtbot.waitUntil(lambda: releases == [None], timeout=memory.RELEASE_MEMORY_DELAY_MS + 2000)
    assert find(window, "pageStack").property("depth") == 1


def test_the_ui_process_loads_no_database_code_print_support_libcups_or_qtquick_binding(cfg, tmp_path):
    # A separate interpreter: pytest-qt itself imports QtWidgets into this one. The stores, peewee,
    # SQLite and the search engine run in the data service child.
    script = (
        "import sys\n"
        "from PySide6.QtGui import QGuiApplication\n"
        "from kiosk.core import config\n"
        "from kiosk.ui import app\n"
        "qapp = QGuiApplication([])\n"
        f"ctx = app.build_context(config.from_mapping({{'data_dir': {str(tmp_path / 'data')!r}}}))\n"
        "window = app.load_main(ctx)\n"
        "booking = ctx.singletons['Booking']\n"
        "import time\n"
        "while booking.property('printerStatus') == 'checking':\n"
        "    qapp.processEvents(); time.sleep(0.02)\n"
        "rows = []\n"
        "ctx.data.list_records('services').then(rows.extend)\n"
        "while not rows:\n"
        "    qapp.processEvents(); time.sleep(0.02)\n"
        "print(sorted(m for m in sys.modules if m in ('PySide6.QtPrintSupport', 'PySide6.QtWidgets',\n"
        "                                           'PySide6.QtQuick', 'PySide6.QtOpenGL', 'peewee', 'sqlite3',\n"
        "                                           'kiosk.store.content', 'kiosk.search.engine')),\n"
        "      'libcups' in open('/proc/self/maps').read(), booking.property('printerStatus') != '')\n"
        "app.stop_context(ctx)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software",
               QML_DISK_CACHE_PATH=str(tmp_path / "qmlcache"))
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=True)
    # The printer was asked about (in a child process: libcups is not in this one).
    assert out.stdout.strip().splitlines()[-1] == "[] False True"


def _fresh_interpreter(script: str) -> str:
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True,
                         timeout=60, check=True)
    return out.stdout.strip()


def test_modules_imported_after_pyside_leave_no_source_lines_in_memory():
    # shiboken's import hook reads every new module's source; kiosk.ui drops what it cached.
    script = (
        "import linecache, kiosk.ui, peewee, json.tool\n"
        "print(sorted(name for name in linecache.cache if 'peewee' in name or 'json' in name))\n"
        "import traceback\n"
        "try:\n"
        "    peewee.SqliteDatabase(':memory:').execute_sql('select nonsense')\n"
        "except Exception as exc:\n"
        "    print('cursor.execute(sql' in ''.join(traceback.format_exception(exc)))\n"
    )
    # ... and tracebacks still show the source lines they need.
    assert _fresh_interpreter(script).splitlines() == ["[]", "True"]


def test_qrcode_is_imported_without_pillow_which_stays_importable():
    script = (
        "import sys, kiosk.booking\n"
        "print('PIL' in sys.modules, len(kiosk.booking.qr_matrix('https://example.cn/b')))\n"
        "import PIL.Image\n"
        "print(PIL.Image.new('1', (2, 2)).size)\n"
    )
    assert _fresh_interpreter(script).splitlines() == ["False 33", "(2, 2)"]  # version 4 for this URL
