"""The station staff side of the UI, one QObject per job, each a QML singleton of ``KioskBackend``:

* ``AdminSession`` (pin_session): the PIN pad, station.db's health, the signed-in session every job shares;
* ``AdminAnnouncements`` (announcement_editor): 本站公告, list and editor;
* ``AdminSync`` (sync_control): sync status and 立即同步 (the next cycle of ctx.sync_cycles, now);
* ``AdminMaintenance`` (maintenance): printer test, device info, storage faults, backups, restart;
* ``AdminRatings`` (ratings_view): 服务评价, the 好差评 totals per service.

A sync cycle that ended (立即同步's or a scheduled one) and new content the UI notices through its content poll
refresh the sync tab and the device info.

Everything behind them runs in the data service (kiosk/dataservice/service.py): the PIN pad's rules
(kiosk.store.pin), announcements (kiosk.store.station, actor "admin-screen", audited there) and backups
(kiosk.store.backup). Every staff action writes an audit row. While the data service does not answer,
staff actions report it and change nothing. Refusals are worded in one place (wording).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication

from kiosk.ui.admin.announcement_editor import AnnouncementEditor
from kiosk.ui.admin.maintenance import Maintenance
from kiosk.ui.admin.pin_session import PinSession
from kiosk.ui.admin.ratings_view import RatingsView
from kiosk.ui.admin.sync_control import SyncControl

QML_SINGLETONS = ("AdminSession", "AdminAnnouncements", "AdminSync", "AdminMaintenance", "AdminRatings")


class AdminJobs(QObject):
    """The staff jobs of one kiosk context (and their parent), in QML_SINGLETONS order. QUIT_APP ends the
    kiosk with an exit code."""

    def __init__(self, ctx, parent: QObject | None = None, *,
                 quit_app: Callable[[int], None] = QGuiApplication.exit):
        super().__init__(parent)
        self.session = PinSession(ctx, self)
        self.announcements = AnnouncementEditor(self.session, self)
        self.sync = SyncControl(self.session, ctx.cfg, ctx.sync_cycles, self)
        self.maintenance = Maintenance(self.session, ctx, self, quit_app=quit_app)
        self.ratings = RatingsView(self.session, self)
        self.sync.syncFinished.connect(self.maintenance.content_applied)

    def content_applied(self) -> None:
        """New content was applied (the UI's content poll noticed): the sync tab and device info show it."""
        self.sync.content_applied()
        self.maintenance.content_applied()

    def objects(self) -> tuple[QObject, ...]:
        return self.session, self.announcements, self.sync, self.maintenance, self.ratings

    def reset(self) -> None:
        """Idle timeout: the visitor screen is back, so the admin session ends."""
        self.session.reset()


def register(ctx) -> AdminJobs:
    """Register the staff jobs as CTX's QML singletons; the jobs are returned for the idle reset (reset)
    and the end of the kiosk (stop)."""
    jobs = AdminJobs(ctx, parent=ctx.engine)
    ctx.content_changed.connect(jobs.content_applied)
    for name, job in zip(QML_SINGLETONS, jobs.objects(), strict=True):
        ctx.register_singleton(name, job)
    return jobs
