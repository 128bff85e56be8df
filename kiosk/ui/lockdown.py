"""Kiosk lockdown: no network from the UI, no way out for visitors, the window frameless fullscreen.

Network URLs are refused by the QML engine's access manager below. Local files (file:) never pass an
access manager: the guard for them is that no content string is ever markup. Every Text of the
visitor pages is PlainText, and the only StyledText shows kiosk/ui/text.py's escaped output, so an
<img src="file:///dev/stdin"> in a title is drawn as those characters (before, the GUI thread
blocked reading stdin). tests/test_hostile_display.py renders such content and checks every Text.
An engine URL interceptor (QQmlAbstractUrlInterceptor) is deliberately not used: in PySide6 6.11
a Python interceptor deadlocks, since Qt calls it from the QML type-loader thread while the GUI
thread waits for that thread holding the Python GIL, and Qt 6.11 does not pass the images of
StyledText or RichText through interceptors at all (only Image and component sources).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence, QWindow
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply
from PySide6.QtQml import QQmlNetworkAccessManagerFactory

from kiosk.core import config as config_mod

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- no network


class RefusedReply(QNetworkReply):
    """A reply that fails at once with ContentAccessDenied; nothing is ever sent."""

    def __init__(self, operation, request, parent=None):
        super().__init__(parent)
        self.setRequest(request)
        self.setUrl(request.url())
        self.setOperation(operation)
        self.open(QNetworkReply.OpenModeFlag.ReadOnly | QNetworkReply.OpenModeFlag.Unbuffered)
        self.setError(QNetworkReply.NetworkError.ContentAccessDenied, "network access is disabled in the kiosk UI")
        self.setFinished(True)
        # Signals must come after the caller has connected to them.
        QTimer.singleShot(0, self._fail)

    def _fail(self) -> None:
        self.errorOccurred.emit(QNetworkReply.NetworkError.ContentAccessDenied)
        self.finished.emit()

    def abort(self) -> None:  # nothing is in flight
        pass

    def bytesAvailable(self) -> int:
        return 0

    def readData(self, maxlen: int) -> bytes:
        return b""


class RefusingNetworkAccessManager(QNetworkAccessManager):
    def __init__(self, refused: list[str], parent=None):
        super().__init__(parent)
        self._refused = refused

    def createRequest(self, operation, request, outgoing_data=None):
        url = request.url().toString()
        self._refused.append(url)
        log.warning("refused network request from the UI: %s", url)
        return RefusedReply(operation, request, self)


class RefusingNetworkAccessManagerFactory(QQmlNetworkAccessManagerFactory):
    """Every QNetworkAccessManager the QML engine asks for refuses every request."""

    def __init__(self):
        super().__init__()
        self.refused_urls: list[str] = []

    def create(self, parent):
        return RefusingNetworkAccessManager(self.refused_urls, parent)


# ---------------------------------------------------------------- no way out, and visitor activity


# PySide6's Qt namespace (Qt.Key, Qt.WindowType, …) is imported where it is used: reading anything of it makes
# all of its enums at once, about 15 ms of CPU that the start would spend before the first frame of home.


def _blocked_keys() -> list[QKeySequence]:
    # Built at the first key press: QKeySequence needs a QGuiApplication, and the start has better to do.
    from PySide6.QtCore import Qt

    keys = [QKeySequence(Qt.Key.Key_Escape), QKeySequence(Qt.Modifier.ALT | Qt.Key.Key_F4)]
    for std in (QKeySequence.StandardKey.Quit, QKeySequence.StandardKey.Close):
        keys += QKeySequence.keyBindings(std)
    return keys


_ACTIVITY_EVENTS = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.KeyPress,
    QEvent.Type.Wheel,
}


class LockdownFilter(QObject):
    """Application-wide event filter: no context menus, close/Esc/Alt+F4/Ctrl+Q ignored until
    ``exit_authorised`` (set when the admin authorises an exit); every press/touch/key on a window
    calls ``on_activity`` (visitor activity: the idle countdown starts over)."""

    def __init__(self, on_activity: Callable[[], object]):
        super().__init__()
        self._on_activity = on_activity
        self._blocked: list[QKeySequence] | None = None
        self.exit_authorised = False

    def eventFilter(self, obj, event) -> bool:
        etype = event.type()
        if etype in _ACTIVITY_EVENTS and isinstance(obj, QWindow):
            self._on_activity()
        if etype == QEvent.Type.ContextMenu:
            return True
        if etype == QEvent.Type.Close and isinstance(obj, QWindow) and not self.exit_authorised:
            event.ignore()
            log.info("window close ignored (exit not authorised)")
            return True
        if etype in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) and not self.exit_authorised:
            if self._blocked is None:
                self._blocked = _blocked_keys()
            combo = QKeySequence(event.keyCombination())
            if any(combo.matches(k) == QKeySequence.SequenceMatch.ExactMatch for k in self._blocked):
                return True
        return False


def show_window(window: QWindow, cfg: config_mod.Config, *, windowed: bool) -> None:
    """Kiosk presentation: frameless fullscreen (no title bar to close), cursor hidden on touch-only screens.

    Main.qml's window is frameless from the start; ``windowed`` (for developers) gives it its frame back."""
    if cfg.touch_only or windowed:
        from PySide6.QtCore import Qt

        if cfg.touch_only:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.BlankCursor)
        if windowed:
            window.setFlag(Qt.WindowType.FramelessWindowHint, False)
    if windowed:
        window.show()
    else:
        # Cover the screen also where nothing makes a fullscreen window fill it (an X server without a window
        # manager, as `xinit` starts): showFullScreen alone left the configured size there, cut off on a screen
        # of the other orientation. Under cage the compositor sizes it anyway.
        screen = window.screen()
        if screen is not None:
            window.setGeometry(screen.geometry())
        window.showFullScreen()
