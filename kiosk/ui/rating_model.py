"""The ``Rating`` singleton (QML: ``import KioskBackend`` → ``Rating``): 好差评 on the visitor's screens.

RatingPanel.qml offers the five levels; tapping one is the submit (``submit`` stores the rating through
the data service, kiosk.store.ratings checks it there, with the visitor's language), so a visitor rates
in one tap. Only then does the panel offer the reasons of that level's direction (kiosk.core.ratings)
as an optional follow-up: ``addReasons`` amends the rating just saved (the data service's
add_rating_reasons, by the id rate_service answered). One rating per visit and service: the services
rated in this visit, with their ratings' ids, are remembered here (``ratedServices``) until the idle
reset forgets them (``reset``), which also tells every open panel to drop a half-done rating (``cleared``).

The outcome of a submit comes back as ``submitted(serviceId, outcome)``: "saved", "already" (rated
in this visit before) or "failed" (the data service refused or did not answer; logged here); that of
``addReasons`` as ``reasonsAdded(serviceId, outcome)``: "saved" or "failed". The panel words each
for the visitor.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, Property, QCoreApplication, QObject, Signal, Slot

from kiosk.core.ratings import LEVEL_LABELS, LEVELS, REASON_BY_CODE, reasons_for

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# KioskBackend singletons this module registers (kiosk.ui.qml_types declares them before any QML engine).
QML_SINGLETONS = ("Rating",)

SAVED, ALREADY, FAILED = "saved", "already", "failed"

# The level and reason labels of kiosk.core.ratings, marked for lupdate (they reach the screen through _tr):
# the same set, tests/test_rating_ui.py checks.
TRANSLATED_LABELS = (
    QT_TRANSLATE_NOOP("Rating", "非常满意"),
    QT_TRANSLATE_NOOP("Rating", "满意"),
    QT_TRANSLATE_NOOP("Rating", "基本满意"),
    QT_TRANSLATE_NOOP("Rating", "不满意"),
    QT_TRANSLATE_NOOP("Rating", "非常不满意"),
    QT_TRANSLATE_NOOP("Rating", "讲解清楚"),
    QT_TRANSLATE_NOOP("Rating", "办理快"),
    QT_TRANSLATE_NOOP("Rating", "容易找到"),
    QT_TRANSLATE_NOOP("Rating", "信息齐全"),
    QT_TRANSLATE_NOOP("Rating", "操作简单"),
    QT_TRANSLATE_NOOP("Rating", "工作人员热心"),
    QT_TRANSLATE_NOOP("Rating", "信息过时"),
    QT_TRANSLATE_NOOP("Rating", "找不到想要的"),
    QT_TRANSLATE_NOOP("Rating", "排队太久"),
    QT_TRANSLATE_NOOP("Rating", "看不懂"),
    QT_TRANSLATE_NOOP("Rating", "步骤太多"),
    QT_TRANSLATE_NOOP("Rating", "没人可问"),
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Rating", text)


class RatingBackend(QObject):
    """QML singleton ``Rating``: the levels and reasons to offer, what this visit rated, and submit."""

    ratedChanged = Signal()
    labelsChanged = Signal()
    busyChanged = Signal()
    submitted = Signal(str, str)  # service id, outcome: SAVED, ALREADY or FAILED
    reasonsAdded = Signal(str, str)  # service id, outcome: SAVED or FAILED
    cleared = Signal()  # the visitor left: a half-done rating is dropped

    def __init__(self, ctx, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        # The services rated in this visit, in order, each with the id of its saved rating (to add reasons to).
        self._rated: dict[str, int] = {}
        self._busy = False
        # The labels follow the visitor's language.
        ctx.shell.languageChanged.connect(self.labelsChanged)

    @Property(list, notify=labelsChanged)
    def levels(self) -> list[dict]:
        """[{level, label}] as offered: 非常满意 (5) first."""
        return [{"level": level, "label": _tr(LEVEL_LABELS[level])} for level in LEVELS]

    @Slot(int, result=list)
    def reasonsFor(self, level: int) -> list[dict]:
        """[{code, label}] offered with LEVEL ([] before a level is chosen)."""
        if level not in LEVELS:
            return []
        return [{"code": r.code, "label": _tr(r.label)} for r in reasons_for(level)]

    @Property(list, notify=ratedChanged)
    def ratedServices(self) -> list[str]:
        """The ids rated in this visit."""
        return list(self._rated)

    @Property(bool, notify=busyChanged)
    def busy(self) -> bool:
        """A rating or its reasons are on their way to the data service: the panel's buttons wait."""
        return self._busy

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busyChanged.emit()

    @Slot(str, int)
    def submit(self, serviceId: str, level: int) -> None:
        """Store a rating of SERVICEID at LEVEL, without reasons (``addReasons`` adds them); ``submitted`` answers."""
        if serviceId in self._rated:
            self.submitted.emit(serviceId, ALREADY)
            return
        if self._busy:
            return
        self._set_busy(True)

        def saved(rating_id: int) -> None:
            self._set_busy(False)
            if serviceId not in self._rated:
                self._rated[serviceId] = rating_id
                self.ratedChanged.emit()
            self.submitted.emit(serviceId, SAVED)

        def failed(exc: Exception) -> None:
            self._set_busy(False)
            log.error("rating of %s not saved: %s", serviceId, exc)
            self.submitted.emit(serviceId, FAILED)

        self._ctx.data.rate_service(serviceId, int(level), [], self._ctx.shell.language,
                                    self._ctx.now_iso()).then(saved, failed, receiver=self)

    @Slot(str, list)
    def addReasons(self, serviceId: str, reasons: list) -> None:
        """Add REASONS (codes) to the rating of SERVICEID saved in this visit; ``reasonsAdded`` answers."""
        rating_id = self._rated.get(serviceId)
        if rating_id is None or not reasons:
            # The panel offers 补充 only after a saved rating and with a reason chosen: nothing to do otherwise.
            log.warning("reasons for %s not added: %s", serviceId,
                        "not rated in this visit" if rating_id is None else "no reason chosen")
            self.reasonsAdded.emit(serviceId, FAILED)
            return
        if self._busy:
            return
        # Codes only, in the order the panel lists them, whatever order they were tapped in.
        order = {code: i for i, code in enumerate(REASON_BY_CODE)}
        codes = sorted((str(c) for c in reasons), key=lambda c: order.get(c, len(order)))
        self._set_busy(True)

        def added(_none: None) -> None:
            self._set_busy(False)
            self.reasonsAdded.emit(serviceId, SAVED)

        def failed(exc: Exception) -> None:
            self._set_busy(False)
            log.error("reasons for rating %s of %s not added: %s", rating_id, serviceId, exc)
            self.reasonsAdded.emit(serviceId, FAILED)

        self._ctx.data.add_rating_reasons(rating_id, codes, self._ctx.now_iso()).then(added, failed, receiver=self)

    def reset(self) -> None:
        """The visitor left: forget what this visit rated and drop any half-done rating."""
        self._set_busy(False)
        if self._rated:
            self._rated = {}
            self.ratedChanged.emit()
        self.cleared.emit()


def register(ctx) -> RatingBackend:
    """The ``Rating`` singleton (called by kiosk.ui.app.build_context)."""
    backend = RatingBackend(ctx, parent=ctx.engine)
    ctx.register_singleton("Rating", backend)
    return backend
