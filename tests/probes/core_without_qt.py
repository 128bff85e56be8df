"""Import the Qt-free layers (stores, search, manifest rules, seed) and print the Qt modules that got loaded:
[] is right, since the data service and the sync child must not pay for Qt."""

import importlib
import sys

for module in ("kiosk.store.content", "kiosk.store.station", "kiosk.search.engine", "kiosk.core.manifest",
               "kiosk.store.seed"):
    importlib.import_module(module)
print([m for m in sys.modules if m.startswith(("PySide6", "shiboken6"))])
