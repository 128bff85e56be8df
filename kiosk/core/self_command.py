"""How the kiosk starts itself again as a child process (the data service, the sync child, a printer check),
and how such a child ends with the UI that started it."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
from pathlib import Path

from kiosk.core import config as config_mod

log = logging.getLogger(__name__)

CHILD_CONFIG_NAME = "child-config.toml"
# Set by the UI in the environment of every child it starts (kiosk.ui.children): the UI's process id.
PARENT_PID_ENV = "IPKIOSK_PARENT_PID"
# Set by the UI for a child that must yield the CPU to it (kiosk.ui.children): the niceness to add.
NICE_ENV = "IPKIOSK_NICE"
# The data service answers the screen but may wait for it; an index rebuild or a sync apply must never take a
# core from the GUI thread (on a 2-core terminal a sync applying 10k records otherwise delays frames).
DATA_SERVICE_NICE = 5
SYNC_NICE = 10
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


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


def start_as_ui_child() -> None:
    """In a child the UI started (PARENT_PID_ENV is set): be sent SIGTERM when the UI ends, however it ends, and
    run at the lower priority the UI asked for (NICE_ENV), so that the screen keeps a core.

    A killed UI or display must not leave a sync loop or a data service behind (a restarted kiosk would
    start a second one beside it). Linux's PR_SET_PDEATHSIG is the way, and it is set here, in the child,
    because PySide6 offers no hook between fork and exec. The UI may have ended before this line ran: then
    the signal will never come, and the child, now adopted by another process, ends at once. SIGTERM lets
    `sync --loop` finish its cycle as on a normal stop; the other children end at once."""
    value = os.environ.pop(PARENT_PID_ENV, "")  # the child's own children are not tied to the UI
    if not value.isdigit() or not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0) != 0:
        log.warning("cannot tie this process to the UI's lifetime: %s", os.strerror(ctypes.get_errno()))
        return
    if os.getppid() != int(value):
        os._exit(0)  # the UI is gone already: nobody will read what this child does
    nice = os.environ.pop(NICE_ENV, "")
    if nice.isdigit():
        os.nice(int(nice))  # lower priority only: adding niceness needs no privilege
