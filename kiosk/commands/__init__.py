"""Shared helpers for `ipkiosk` subcommands.

Each area keeps its subcommands in a module here with ``register(sub, common)``
(``sub``: the argparse subparsers object, ``common``: the parent parser carrying
--config); kiosk/cli.py lists those modules in COMMAND_MODULES. Modules import Qt and
other heavy dependencies inside their handlers only, so `ipkiosk --help` stays fast.
A handler is ``func(cfg, args) -> int`` and raises CliError for a clean failure.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from itertools import islice

from kiosk.core import config as config_mod

# The subcommands' one way to show an instant to people lives with the clock (the admin screen uses it too).
from kiosk.core.clock import china_time as china_time

EXIT_ERROR = 1
EXIT_USAGE = 2

# The documents remedies and error lines point to, by the path the package installs them at
# (packaging/build-deb.sh installs each, packaging/smoke.sh checks the .deb holds every one): a technician at
# the terminal has the package, not the source tree.
INSTALLED_DOCS = {
    "guide": "/usr/share/doc/ipkiosk/README.md",
    "configuration": "/usr/share/doc/ipkiosk/configuration.md",
    "cli": "/usr/share/doc/ipkiosk/cli.md",
    "admin": "/usr/share/doc/ipkiosk/admin.md",
    "sync": "/usr/share/doc/ipkiosk/sync.md",
}


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code


# json.dumps escapes C0 controls but writes DEL, C1 controls, bidi controls and lone surrogates raw (a surrogate
# even fails the write); \uXXXX escapes keep the JSON value identical and the terminal safe.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


_ENCODER = json.JSONEncoder(ensure_ascii=False, indent=2)


def _terminal_safe(text: str) -> str:
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def print_json(doc) -> None:
    sys.stdout.write(_terminal_safe(_ENCODER.encode(doc)) + "\n")


# Items print_json_list encodes at once: few enough that their text is small, enough that the encoder's cost per
# call (it builds its closures anew each time) does not show.
_JSON_LIST_CHUNK = 500


def print_json_list(items: Iterable) -> None:
    """ITEMS as print_json prints the list of them, byte for byte, but written a few hundred at a time as ITEMS
    yields them: an export of 100,000 rows never holds them all (nor their text) in memory, and a reader sees
    the first ones at once. Still one JSON document: ``[]`` when there are none."""
    rest = iter(items)
    opening = "[\n"
    while chunk := list(islice(rest, _JSON_LIST_CHUNK)):
        # Items as they stand inside a list printed with indent 2: the chunk's own list without "[\n" and "\n]".
        sys.stdout.write(opening + _terminal_safe(_ENCODER.encode(chunk)[2:-2]))
        opening = ",\n"
    sys.stdout.write("[]\n" if opening == "[\n" else "\n]\n")


def open_station(cfg: config_mod.Config) -> None:
    """Open station.db; a corrupt file is left untouched and reported with the way out.

    Damaged rows (skipped by every list) are said on stderr with the restore offer; a read-only
    open on a full disk is logged (and shown on stderr) by the store itself."""
    from kiosk.store import station

    ok, problem = station.open_station_db_safely(cfg.station_db_path)
    if not ok:
        raise CliError(f"station.db is unusable ({problem}); restore a backup with `ipkiosk station restore FILE`")
    if station.damage_summary():
        print(f"ipkiosk: station.db: {station.damage_summary()}", file=sys.stderr)
