"""Can booking slips be printed? The one definition, asked of CUPS directly (libcups through ctypes).

`ipkiosk doctor` reports it, and `ipkiosk printer-status` answers it for the UI, which runs that
command as a child process when a screen first asks about the printer and after each slip
(kiosk.ui.booking_model): libcups brings its TLS, Kerberos and Avahi libraries into the process
that asks. Asking through QPrinterInfo would load QtPrintSupport, which pulls in QtWidgets and
Qt's CUPS plugin: about 10 MB for a yes/no answer. libcups is what that plugin asks anyway, with
the same rules: a queue must exist (the named one, else the system default), and a printer-state
other than idle (3) or processing (4) is a stopped printer (a disabled queue, or one in error).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import enum
from dataclasses import dataclass
from functools import lru_cache

# IPP printer-state values (RFC 8011 §5.4.11); Qt treats any other value as an error state.
PRINTER_STATE_IDLE = "3"
PRINTER_STATE_PROCESSING = "4"
_READY_STATES = {PRINTER_STATE_IDLE: "idle", PRINTER_STATE_PROCESSING: "printing"}


class PrinterState(enum.Enum):
    READY = "ready"  # the queue exists and is idle or printing
    STOPPED = "stopped"  # the queue exists but is disabled or in error
    NO_QUEUE = "no queue"  # the named queue does not exist (or CUPS did not answer)
    NO_DEFAULT = "no default"  # no queue named and no system default
    NO_LIBCUPS = "no libcups"  # the CUPS client library is not installed


@dataclass(frozen=True)
class PrinterStatus:
    """The answer for one queue. ``name`` is the queue asked for, or the system default's name once
    found; ``activity`` is 'idle' or 'printing' when ready; ``cups_error`` is what CUPS said when it
    found no queue."""

    name: str
    state: PrinterState
    activity: str = ""
    cups_error: str = ""

    @property
    def problem(self) -> str | None:
        """Why slips cannot be printed (the admin screen and the logs show it), None when they can."""
        if self.state is PrinterState.READY:
            return None
        if self.state is PrinterState.NO_LIBCUPS:
            return "the CUPS library (libcups) is not installed"
        if self.state is PrinterState.NO_QUEUE:
            return f"printer queue {self.name!r} does not exist"
        if self.state is PrinterState.NO_DEFAULT:
            return "no printer_name configured and no system default printer"
        return f"printer {self.name!r} is stopped or in error"


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
    lib.cupsLastErrorString.restype = ctypes.c_char_p
    lib.cupsLastErrorString.argtypes = []
    return lib


def printer_status(printer_name: str) -> PrinterStatus:
    """The status of the queue ``printer_name`` (empty: the system default). Blocks while CUPS answers."""
    cups = _libcups()
    if cups is None:
        return PrinterStatus(printer_name, PrinterState.NO_LIBCUPS)
    dest = cups.cupsGetNamedDest(None, printer_name.encode() if printer_name else None, None)
    if not dest:
        error = (cups.cupsLastErrorString() or b"").decode(errors="replace")
        return PrinterStatus(printer_name, PrinterState.NO_QUEUE if printer_name else PrinterState.NO_DEFAULT,
                             cups_error=error)
    try:
        name = dest.contents.name.decode(errors="replace")
        options = dest.contents.options
        state = next((options[i].value.decode(errors="replace") for i in range(dest.contents.num_options)
                      if options[i].name == b"printer-state"), "")
    finally:
        cups.cupsFreeDests(1, dest)
    if state not in _READY_STATES:
        return PrinterStatus(name, PrinterState.STOPPED)
    return PrinterStatus(name, PrinterState.READY, activity=_READY_STATES[state])


def printer_problem(printer_name: str) -> str | None:
    """Why printing to ``printer_name`` (empty: the system default) cannot work, or None if it can."""
    return printer_status(printer_name).problem
