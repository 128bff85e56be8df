"""A stand-in for the UI process: runs one real sync cycle (`ipkiosk sync --once`, config file in argv[1])
through kiosk.ui.sync_cycles, prints the child's pid, and runs until it is killed."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication

from kiosk.core import config as config_mod
from kiosk.ui.sync_cycles import SyncCycles
from tests.data_service_double import DataServiceInProcess

app = QCoreApplication([])
cfg = config_mod.load(sys.argv[1])
cycles = SyncCycles(cfg, DataServiceInProcess(cfg))
cycles.run_now()
cycles.child.process.waitForStarted(30_000)
print(cycles.child.pid, flush=True)
app.exec()
