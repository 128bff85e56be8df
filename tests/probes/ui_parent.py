"""A stand-in for the UI process: starts the real `ipkiosk sync --loop` (config file in argv[1]) through
kiosk.ui.children.ChildProcess, prints the child's pid, and runs until it is killed."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication

from kiosk.core import config as config_mod
from kiosk.ui.sync_child import sync_loop_child

app = QCoreApplication([])
child = sync_loop_child(config_mod.load(sys.argv[1]))
child.start()
child.process.waitForStarted(30_000)
print(child.pid, flush=True)
app.exec()
