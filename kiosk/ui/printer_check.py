"""Is the slip printer usable? Asked of CUPS directly (libcups through ctypes).

Run by `ipkiosk printer-status`, which the UI starts as a child process when a screen first asks
about the printer and after each slip (kiosk.ui.booking_model). Asking through QPrinterInfo would
load QtPrintSupport, which pulls in QtWidgets and Qt's CUPS plugin: about 10 MB for a yes/no
answer. libcups is what that
plugin asks anyway, with the same rules: a queue must exist (the named one, else the system
default), and a printer-state other than idle (3) or processing (4) is a stopped printer.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache

# IPP printer-state values (RFC 8011 §5.4.11); Qt treats any other value as an error state.
PRINTER_STATE_IDLE = "3"
PRINTER_STATE_PROCESSING = "4"


class _CupsOption(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("value", ctypes.c_char_p)]


class _CupsDest(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("instance", ctypes.c_char_p), ("is_default", ctypes.c_int),
                ("num_options", ctypes.c_int), ("options", ctypes.POINTER(_CupsOption))]


@lru_cache(maxsize=1)
def _libcups() -> ctypes.CDLL | None:
    path = ctypes.util.find_library("cups")
    if path is None:
        return None
    lib = ctypes.CDLL(path)
    lib.cupsGetNamedDest.restype = ctypes.POINTER(_CupsDest)
    lib.cupsGetNamedDest.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    lib.cupsFreeDests.restype = None
    lib.cupsFreeDests.argtypes = [ctypes.c_int, ctypes.POINTER(_CupsDest)]
    return lib


def printer_problem(printer_name: str) -> str | None:
    """Why printing to ``printer_name`` (empty: the system default) cannot work, or None if it can."""
    cups = _libcups()
    if cups is None:
        return "the CUPS library (libcups) is not installed"
    dest = cups.cupsGetNamedDest(None, printer_name.encode() if printer_name else None, None)
    if not dest:
        if printer_name:
            return f"printer queue {printer_name!r} does not exist"
        return "no printer_name configured and no system default printer"
    try:
        name = dest.contents.name.decode(errors="replace")
        options = dest.contents.options
        state = next((options[i].value.decode(errors="replace") for i in range(dest.contents.num_options)
                      if options[i].name == b"printer-state"), "")
    finally:
        cups.cupsFreeDests(1, dest)
    if state not in (PRINTER_STATE_IDLE, PRINTER_STATE_PROCESSING):
        return f"printer {name!r} is stopped or in error"
    return None
