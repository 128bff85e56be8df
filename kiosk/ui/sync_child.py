"""The sync child: `ipkiosk sync --loop` beside the UI, restarted with backoff when it fails.

The UI never touches the network or content.db's writer side itself; the child applies signed content
and the UI notices a new apply_serial (kiosk.ui.shell.Shell.poll_content).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QProcess

from kiosk.core import config as config_mod
from kiosk.core.self_command import self_command
from kiosk.ui.children import ChildProcess, RestartPolicy, StopBy

SYNC_CHILD_NAME = "sync child"
# From 1 s up to 5 min between restarts; a child that lived a minute starts the backoff over.
SYNC_RESTART = RestartPolicy(min_backoff_ms=1000, max_backoff_ms=300_000, healthy_run_ms=60_000)
# SIGTERM lets the loop finish the step it is in (an apply is one transaction either way).
SYNC_STOP_TIMEOUT_MS = 3000


def sync_loop_child(cfg: config_mod.Config, parent: QObject | None = None, *,
                    restart: RestartPolicy = SYNC_RESTART) -> ChildProcess | None:
    """The sync child (not started yet) when a repository is configured, else None."""
    if not cfg.repository_url:
        return None
    program, args = self_command(cfg, "sync", "--loop")
    # Its summary lines go where the UI's logs go (the journal).
    return ChildProcess(SYNC_CHILD_NAME, program, args, parent, channels=QProcess.ProcessChannelMode.ForwardedChannels,
                        restart=restart, stop_by=StopBy.TERMINATE, stop_timeout_ms=SYNC_STOP_TIMEOUT_MS)
