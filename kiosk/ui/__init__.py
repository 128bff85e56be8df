"""The Qt Quick terminal UI: app bootstrap (app.py), view-models and the QML module in qml/Kiosk.

Everything Qt lives here. View-models read content only through kiosk.store and
kiosk.search; the UI process never writes content.db and never does network I/O.
"""

QML_IMPORT_NAME = "KioskBackend"
QML_IMPORT_MAJOR_VERSION = 1
