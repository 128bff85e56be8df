"""The station staff side of the UI, one QObject per job, each a QML singleton of ``KioskBackend``:

* ``AdminSession`` (pin_session): the PIN pad, station.db's health, the signed-in session every job shares;
* ``AdminAnnouncements`` (announcement_editor): 本站公告, list and editor;
* ``AdminSync`` (sync_control): sync status and 立即同步;
* ``AdminMaintenance`` (maintenance): printer test, device info, storage faults, backups, restart and exit.

Everything behind them runs in the data service (kiosk/dataservice/service.py): the PIN pad's rules
(kiosk.store.pin), announcements (kiosk.store.station, actor "admin-screen", audited there) and backups
(kiosk.store.backup). Every staff action writes an audit row. While the data service does not answer,
staff actions report it and change nothing. Refusals are worded in one place (wording).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication

from kiosk.ui.admin.announcement_editor import AnnouncementEditor
from kiosk.ui.admin.maintenance import Maintenance
from kiosk.ui.admin.pin_session import PinSession
from kiosk.ui.admin.sync_control import SyncControl

QML_SINGLETONS = ("AdminSession", "AdminAnnouncements", "AdminSync", "AdminMaintenance")


@dataclass(frozen=True)
class AdminJobs:
    """The staff jobs of one kiosk context, in QML_SINGLETONS order."""

    session: PinSession
    announcements: AnnouncementEditor
    sync: SyncControl
    maintenance: Maintenance

    def objects(self) -> tuple[QObject, ...]:
        return self.session, self.announcements, self.sync, self.maintenance


def build_admin(ctx, parent: QObject | None = None, *, quit_app: Callable[[int], None] = QGuiApplication.exit,
                sync_program: tuple[str, list[str]] | None = None) -> AdminJobs:
    """The staff jobs over CTX's data service and clock. QUIT_APP ends the kiosk with an exit code;
    SYNC_PROGRAM replaces `ipkiosk sync --once` (tests)."""
    session = PinSession(ctx, parent)
    return AdminJobs(session=session,
                     announcements=AnnouncementEditor(session, parent),
                     sync=SyncControl(session, ctx.cfg, parent, sync_program=sync_program),
                     maintenance=Maintenance(session, ctx, parent, quit_app=quit_app))


def register(ctx) -> PinSession:
    """Register the staff jobs as CTX's QML singletons; the session is returned for the idle reset
    (its reset() ends the admin session)."""
    jobs = build_admin(ctx, parent=ctx.engine)
    for name, job in zip(QML_SINGLETONS, jobs.objects(), strict=True):
        ctx.register_singleton(name, job)
    return jobs.session
