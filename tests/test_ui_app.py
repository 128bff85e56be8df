"""The bootstrap: the context comes complete out of build_context; QML singletons must be declared up front."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QObject
from PySide6.QtQml import QQmlApplicationEngine

from kiosk.ui.qml_types import QmlTypes


def test_the_context_is_complete_when_build_context_returns(kiosk_ui):
    ctx, window = kiosk_ui()
    missing = [f.name for f in dataclasses.fields(ctx) if getattr(ctx, f.name) is None]
    assert missing == ["sync_cycles"]  # this terminal has no repository, so no sync cycles
    assert isinstance(ctx.engine, QQmlApplicationEngine) and window in ctx.engine.rootObjects()
    assert set(ctx.singletons) >= {"Shell", "Content", "Booking", "AdminSession", "AdminAnnouncements", "AdminSync",
                                   "AdminMaintenance"}
    assert all(vm.parent() is ctx.engine for vm in ctx.view_models)


def test_exit_authorisation_is_the_lockdown_filters(kiosk_ui):
    ctx, _ = kiosk_ui()
    assert not ctx.exit_authorised and not ctx.lockdown.exit_authorised
    ctx.exit_authorised = True
    assert ctx.lockdown.exit_authorised


def test_a_singleton_not_declared_before_the_first_engine_is_refused_by_name(qapp):
    types = QmlTypes()  # a registry of its own: nothing reaches Qt's process-wide registry here
    types.engine_created()
    with pytest.raises(RuntimeError, match=r"'Undeclared'.*QML_SINGLETONS"):
        types.register_singleton("Undeclared", QObject())
