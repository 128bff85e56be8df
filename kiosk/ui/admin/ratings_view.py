"""服务评价 on the admin page (QML singleton ``AdminRatings``): the 好差评 totals per service, the most
rated first, read from the data service (kiosk.store.ratings) whenever staff open the admin page.

Each row: the service's title (its id when the record is no longer published), the count at each
level from 非常满意 to 非常不满意, the total and the satisfaction percentage (基本满意 or better,
kiosk.core.ratings). The single ratings are exported with `ipkiosk ratings export` (docs/admin.md).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Property, QObject, Signal

from kiosk.core.ratings import LEVEL_LABELS, LEVELS
from kiosk.core.safe_text import for_display
from kiosk.dataservice.api import ServiceRatings
from kiosk.ui.admin.pin_session import PinSession

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


class RatingsView(QObject):
    totalsChanged = Signal()

    def __init__(self, session: PinSession, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self._totals: list[dict] = []
        session.refreshed.connect(self._refresh)
        session.polled.connect(self._refresh)

    @Property(list, constant=True)
    def levelLabels(self) -> list[str]:
        """The column headings, 非常满意 first (the order of each row's ``counts``)."""
        return [LEVEL_LABELS[level] for level in LEVELS]

    @Property(list, notify=totalsChanged)
    def totals(self) -> list[dict]:
        """[{serviceId, title, counts (非常满意 first), total, percent ('92.5%')}], the most rated first."""
        return self._totals

    @Property(int, notify=totalsChanged)
    def ratingCount(self) -> int:
        return sum(row["total"] for row in self._totals)

    def _refresh(self) -> None:
        if not self.session.station_ok:
            self._show([])
            return
        self.session.data.rating_totals().then(
            self._show, lambda failure: log.warning("rating totals not read: %s", failure), receiver=self)

    def _show(self, totals: list[ServiceRatings]) -> None:
        rows = [{"serviceId": t["service_id"], "title": for_display(t["title"] or t["service_id"]),
                 # counts come lowest level first; the screen shows 非常满意 first
                 "counts": [t["counts"][level - 1] for level in LEVELS], "total": t["total"],
                 "percent": f"{t['satisfied_percent']:g}%"} for t in totals]
        if rows != self._totals:
            self._totals = rows
            self.totalsChanged.emit()
