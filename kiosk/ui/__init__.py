"""The Qt Quick terminal UI: the bootstrap (app.py builds the context.py AppContext and runs the kiosk;
lockdown.py, shell.py, qml_types.py, memory.py, fonts.py, qt_log.py), child processes (children.py:
the data service, the sync child, the printer check, read-aloud), view-models and the QML module in qml/Kiosk.

Everything Qt lives here. View-models read and write data only through the data service
(kiosk.ui.data_client → `ipkiosk data-service`, which runs kiosk.store and kiosk.search); the UI
process opens no database and never does network I/O.
"""

import linecache
from typing import Any

import PySide6.QtCore  # noqa: F401 - loads shiboken, whose import hook is tamed below


def _forget_sources_read_by_pyside() -> None:
    """Keep PySide's import hook from caching the source of every module imported after it.

    shiboken replaces ``__import__``; for each newly imported .py module it asks whether the
    source mentions "PySide6" (for its opt-in ``__feature__`` switches) by reading it with
    inspect.getsource, which leaves every line of every later module (peewee, the search
    tables, the stdlib) in linecache: 2.2 MB of the whole terminal (bench/ui_bench.py --tricks). The check still runs;
    only the cached lines are dropped. Tracebacks read the lines again when they need them.
    Without the hook (another Python, a frozen build without sources) this changes nothing.
    """
    import sys

    feature: Any = sys.modules.get("shibokensupport.feature")  # shiboken's private module: untyped
    check = getattr(feature, "_mod_uses_pyside", None)
    if check is None or getattr(check, "forgets_sources", False):
        return

    def mod_uses_pyside(module: object) -> bool:
        cached = set(linecache.cache)
        try:
            return check(module)
        finally:
            for filename in set(linecache.cache) - cached:
                linecache.cache.pop(filename, None)

    setattr(mod_uses_pyside, "forgets_sources", True)  # noqa: B010 - a mark on a function, which mypy cannot type
    feature._mod_uses_pyside = mod_uses_pyside
    linecache.clearcache()  # what the hook read before now (PySide6's own import, enum.py)


_forget_sources_read_by_pyside()

QML_IMPORT_NAME = "KioskBackend"
QML_IMPORT_MAJOR_VERSION = 1
