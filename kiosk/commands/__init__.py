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
from pathlib import Path

from kiosk import config as config_mod

EXIT_ERROR = 1
EXIT_USAGE = 2


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code


# json.dumps escapes C0 controls but writes DEL, C1 controls, bidi controls and lone surrogates raw (a surrogate
# even fails the write); \uXXXX escapes keep the JSON value identical and the terminal safe.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def print_json(doc) -> None:
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    sys.stdout.write(_UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def open_content(cfg: config_mod.Config, *, seed_if_empty: bool = True) -> None:
    """Open content.db and import the bundled seed on first start.

    A corrupt file is moved aside and rebuilt; damaged rows are removed and re-fetched; on a full
    disk the file is opened read-only and the reason is said once on stderr (kiosk/store/recovery.py)."""
    from kiosk import seed
    from kiosk.store import content
    from kiosk.store.recovery import open_content_db_recovering, read_only_reason

    open_content_db_recovering(cfg.content_db_path, read_only_fallback=True)
    if read_only_reason() is not None:
        # Stored content is shown as it is; no seed import, no key recompute (both would write).
        return
    if seed_if_empty and not content.has_content():
        seed.import_seed()
    # After an upgrade that changed the search-key format, recompute the stored keys once.
    content.ensure_search_keys_current()


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


CHILD_CONFIG_NAME = "child-config.toml"


def self_command(cfg: config_mod.Config, *subcommand: str) -> tuple[str, list[str]]:
    """Program and arguments that run `ipkiosk SUBCOMMAND…` with this configuration as a child
    process: the frozen binary is ipkiosk itself, a source tree runs ``python -m kiosk.cli``.

    A config given as a file is passed on. One built in code (selftest's throw-away data dir, a
    test's or a benchmark's) is written to CHILD_CONFIG_NAME in its data dir and passed on, so
    the child works on the same data. Otherwise the child finds the same defaults and
    $IPKIOSK_CONFIG in the environment it inherits."""
    program, args = (sys.executable, []) if getattr(sys, "frozen", False) else (sys.executable, ["-m", "kiosk.cli"])
    args = [*args, *subcommand]
    if Path(cfg.source).is_file():
        args += ["--config", cfg.source]
    elif cfg.values != config_mod.from_mapping({}).values:
        copy = cfg.data_path / CHILD_CONFIG_NAME
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(config_mod.to_toml(cfg.effective()), encoding="utf-8")
        args += ["--config", str(copy)]
    return program, args
