"""The visitor's language through Qt's own translation flow.

The source strings (``qsTr`` in QML, ``QCoreApplication.translate`` in the view-models) are Chinese.
``kiosk/ui/i18n/kiosk_<language>.ts`` holds the translations (edited by people, updated from the sources
by ``make ts``); ``make translations`` compiles each into the ``.qm`` this module loads. When
``Shell.language`` changes, the matching translator replaces the previous one and the engine
re-evaluates every binding that calls ``qsTr``: the screen changes language at once, no restart.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QTranslator
from PySide6.QtQml import QQmlApplicationEngine

from kiosk.core.language import SOURCE_LANGUAGE

log = logging.getLogger(__name__)

I18N_DIR = Path(__file__).with_name("i18n")


def qm_path(language: str) -> Path:
    """The compiled translation of LANGUAGE ("en" → kiosk/ui/i18n/kiosk_en.qm)."""
    return I18N_DIR / f"kiosk_{language}.qm"


def ts_path(language: str) -> Path:
    """The translation source of LANGUAGE, the file people edit."""
    return I18N_DIR / f"kiosk_{language}.ts"


class Translations(QObject):
    """Keeps the application's translator in step with the visitor's language (a child of the engine).

    ``show(language)`` installs the translator of LANGUAGE (none for SOURCE_LANGUAGE) and retranslates
    the engine; ``remove()`` takes the translator out of the application when the engine goes."""

    def __init__(self, engine: QQmlApplicationEngine) -> None:
        super().__init__(engine)
        self._engine = engine
        self._translator: QTranslator | None = None
        self._language = SOURCE_LANGUAGE

    @property
    def language(self) -> str:
        """The language the screen is in now (SOURCE_LANGUAGE when a translation could not be loaded)."""
        return self._language

    def show(self, language: str) -> None:
        self.remove()
        self._language = SOURCE_LANGUAGE
        if language != SOURCE_LANGUAGE:
            translator = QTranslator(self)
            path = qm_path(language)
            if translator.load(str(path)):
                QCoreApplication.installTranslator(translator)
                self._translator = translator
                self._language = language
            else:
                # The visitor still gets a working screen, in the source language.
                log.error("no translation for %r at %s (built by `make translations`): staying in Chinese",
                          language, path)
        self._engine.retranslate()

    def remove(self) -> None:
        if self._translator is not None:
            QCoreApplication.removeTranslator(self._translator)
            self._translator = None

