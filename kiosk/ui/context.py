"""AppContext: what the view-models get in register(ctx), built once and complete by kiosk.ui.app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtQml import QQmlApplicationEngine

from kiosk.core import config as config_mod
from kiosk.core.clock import iso
from kiosk.ui.data_client import DataClient
from kiosk.ui.lockdown import LockdownFilter, RefusingNetworkAccessManagerFactory
from kiosk.ui.qml_types import KIOSK_QML_DIR, qml_types
from kiosk.ui.shell import Shell
from kiosk.ui.sync_cycles import SyncCycles


@dataclass
class AppContext:
    """The running UI's parts. The view-models are children of ``engine`` and listed in ``view_models``;
    ``singletons`` maps each KioskBackend singleton name to its object; ``sync_cycles`` is None when no
    repository is configured."""

    cfg: config_mod.Config
    clock: Callable[[], dt.datetime]
    idle_timeout_ms: int
    countdown_s: int
    data: DataClient
    engine: QQmlApplicationEngine
    network_factory: RefusingNetworkAccessManagerFactory
    shell: Shell
    lockdown: LockdownFilter
    poll_timer: QTimer
    sync_cycles: SyncCycles | None
    view_models: list = field(default_factory=list)
    singletons: dict[str, QObject] = field(default_factory=dict)

    @property
    def exit_authorised(self) -> bool:
        """True once the admin authorised an exit: closing the window and Esc/Alt+F4/Ctrl+Q work again."""
        return self.lockdown.exit_authorised

    @exit_authorised.setter
    def exit_authorised(self, value: bool) -> None:
        self.lockdown.exit_authorised = value

    @property
    def qml_dir(self) -> Path:
        return KIOSK_QML_DIR

    @property
    def content_changed(self):
        """Signal emitted after content.db got a new apply (lists refresh, keeping the visitor's place)."""
        return self.shell.contentSerialChanged

    def now_iso(self) -> str:
        """The context's clock as the data service takes instants."""
        return iso(self.clock())

    def register_singleton(self, name: str, instance: QObject) -> QObject:
        """``import KioskBackend`` → NAME in QML; keeps INSTANCE alive as long as the context."""
        self.singletons[name] = instance
        return qml_types.register_singleton(name, instance)


def reset_view_models(view_models: list) -> None:
    """Forget everything the last visitor did (called when the idle countdown ends)."""
    for vm in view_models:
        reset = getattr(vm, "reset", None)
        if callable(reset):
            reset()


_current: AppContext | None = None


def set_current_context(ctx: AppContext) -> None:
    global _current
    _current = ctx


def current_context() -> AppContext:
    """The context of the running UI, for QML-instantiated types (@QmlElement) that need stores or timers."""
    if _current is None:
        raise RuntimeError("no AppContext: call build_context first")
    return _current
