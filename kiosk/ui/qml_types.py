"""The QML module Kiosk and the Python types it uses (``import KioskBackend``), registered once per process.

WORKAROUND (PySide6 6.11/6.12): registering a QML type (qmlRegister*, or importing a module with
@QmlElement classes) after the first QQmlEngine of the process was created corrupts QtQuick type
resolution: every later load fails with 'Cannot assign object of type "QQuickText" to list
property "data"; expected "QObject"'. So ALL types are registered once, before any engine:
:meth:`QmlTypes.prepare` imports every VIEW_MODEL_MODULES module (its @QmlElement classes register on
import) and registers each singleton NAME listed in the module's QML_SINGLETONS as a QObject
singleton whose provider returns the instance the current context registered with
``ctx.register_singleton(NAME, obj)``. (Property lookups, slots and signals resolve on the actual
object at run time.)
"""

from __future__ import annotations

import importlib
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtQml import QJSEngine, qmlRegisterSingletonType

from kiosk.ui import QML_IMPORT_MAJOR_VERSION, QML_IMPORT_NAME

QML_IMPORT_DIR = Path(__file__).resolve().parent / "qml"
KIOSK_QML_DIR = QML_IMPORT_DIR / "Kiosk"

# View-model modules under kiosk/ui; each has register(ctx) and may return an object with reset() and stop().
VIEW_MODEL_MODULES: tuple[str, ...] = ("content_models", "announcements", "search_model", "attract_model", "booking_model",
                                        "admin", "pinyin_input",
                                        "rating_model", "read_aloud")
SHELL_SINGLETONS: tuple[str, ...] = ("Shell",)


class QmlTypes:
    """The KioskBackend singletons of this process: their names (registered with Qt once, before the
    first QQmlEngine) and the instance behind each name (the current context's)."""

    def __init__(self) -> None:
        self._instances: dict[str, QObject | None] = {}
        self._engine_created = False

    def prepare(self, modules: tuple[str, ...] = VIEW_MODEL_MODULES) -> None:
        """Register every QML type of the UI that is known up front; must run before the first QQmlEngine
        (idempotent)."""
        names = list(SHELL_SINGLETONS)
        for module_name in modules:
            module = importlib.import_module(f"kiosk.ui.{module_name}")
            names += getattr(module, "QML_SINGLETONS", ())
        for name in names:
            if name not in self._instances and self._engine_created:
                raise RuntimeError(f"QML singleton {name!r} must be registered before the first QQmlEngine "
                                   "(call kiosk.ui.qml_types.qml_types.prepare() earlier)")
            self._register_name(name)

    def engine_created(self) -> None:
        """From now on no new type may be registered (see the WORKAROUND above)."""
        self._engine_created = True

    def register_singleton(self, name: str, instance: QObject) -> QObject:
        """Make INSTANCE the object behind ``import KioskBackend`` → NAME (declared in QML_SINGLETONS)."""
        if name not in self._instances:
            if self._engine_created:
                raise RuntimeError(f"QML singleton {name!r} registered after the first QQmlEngine: list it in "
                                   "QML_SINGLETONS of its kiosk.ui module so QmlTypes.prepare() registers it in time")
            self._register_name(name)
        self._instances[name] = instance
        return instance

    def _register_name(self, name: str) -> None:
        if name in self._instances:
            return
        self._instances[name] = None

        def provide(engine):
            obj = self._instances[name]
            if obj is None:
                raise RuntimeError(f"QML singleton {name!r} used but no instance was registered "
                                   "(ctx.register_singleton)")
            # The Python side owns it; the engine must not delete it when it goes away.
            QJSEngine.setObjectOwnership(obj, QJSEngine.ObjectOwnership.CppOwnership)
            return obj

        # PySide6's stubs type the name as bytes; the binding takes str (and this is what works).
        qmlRegisterSingletonType(QObject, QML_IMPORT_NAME, QML_IMPORT_MAJOR_VERSION, 0, name,  # type: ignore[call-overload]
                                 provide)


# Qt's QML type registry is one per process, and so is this.
qml_types = QmlTypes()
