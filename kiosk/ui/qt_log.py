"""Qt's and QML's own messages (warnings, binding errors) go to the 'qt' logger, and are counted."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from PySide6.QtCore import QtMsgType, qInstallMessageHandler

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


@dataclass
class QtMessageCounter:
    warnings: list[str] = field(default_factory=list)


def route_qt_messages(counter: QtMessageCounter | None = None) -> QtMessageCounter:
    """Send Qt/QML messages to the 'qt' logger; count warnings and worse (selftest fails on any)."""
    counter = counter or QtMessageCounter()
    qt_log = logging.getLogger("qt")

    def handler(msg_type, context, message):
        level = _QT_LEVELS.get(msg_type, logging.WARNING)
        where = f" ({context.file}:{context.line})" if context.file else ""
        qt_log.log(level, "%s%s", message, where)
        if level >= logging.WARNING:
            counter.warnings.append(message)

    qInstallMessageHandler(handler)
    return counter
