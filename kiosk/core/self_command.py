"""How the kiosk starts itself again as a child process (the data service, the sync child, a printer check)."""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.core import config as config_mod

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
