"""Logging for every `ipkiosk` process: size-capped rotating files plus stderr.

Qt-free. Each process role writes its own file in ``cfg.logs_path`` (``ui.log`` for
``run``, ``sync.log`` for ``sync``, ``cli.log`` for the rest), because Python's
rotating handler is not safe with two processes rotating the same file, and the UI
spawns the sync process. Every file is capped at LOG_FILE_MAX_BYTES with
LOG_BACKUP_COUNT old copies, so the logs directory never grows past a few MB.

stderr carries warnings and errors for a person at a terminal. Under systemd
(``$JOURNAL_STREAM`` set) stderr is the journal, which keeps its own timestamps, so
it gets INFO and above without a time prefix.

Qt messages reach Python logging as logger ``qt`` (the UI installs the message
handler); records of every logger propagate to the root handlers installed here.

``ipkiosk logs`` reads the files back with :func:`read_entries`.

The logs are private (the logs dir 0750, files 0640, see kiosk/core/durable.py): they name staff
actions and what visitors looked at. On a full disk the file handler stops writing after saying so
once on stderr, so a full disk never fills up further nor shows a logging traceback.
"""

from __future__ import annotations

import contextlib
import io
import logging
import logging.handlers
import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from kiosk.core.durable import PRIVATE_FILE_MODE, private_dir, tighten_private_files

LOG_FILE_MAX_BYTES = 1024 * 1024
LOG_BACKUP_COUNT = 4
FILE_LEVEL = logging.INFO

# Log file per process role (see module docstring).
PROCESS_LOG_FILES = {"run": "ui.log", "sync": "sync.log"}
DEFAULT_LOG_FILE = "cli.log"

FILE_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"
TERMINAL_FORMAT = "%(levelname)s %(name)s: %(message)s"
JOURNAL_FORMAT = "%(levelname)s %(name)s: %(message)s"

# Set on a record (extra={FILE_ONLY: True}) that must not be repeated on stderr.
FILE_ONLY = "ipkiosk_file_only"

# A file entry starts with the UTC timestamp written by _UtcFormatter; other lines
# (tracebacks, multi-line messages) continue the entry above them.
ENTRY_START = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z ")


class _UtcFormatter(logging.Formatter):
    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 (logging API name)
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"


class _CurrentStderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is at emit time (pytest and embedding code swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


class _LazyRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Creates the logs directory and file at the first record, not at start-up, so read-only
    commands leave no trace; if the file cannot be written (e.g. a technician without rights
    on the data dir) it says so once on stderr and drops file output instead of failing."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, maxBytes=LOG_FILE_MAX_BYTES, backupCount=LOG_BACKUP_COUNT,
                         encoding="utf-8", delay=True)
        self.disabled_reason: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.disabled_reason is not None:
            return
        if self.stream is None:
            try:
                private_dir(Path(self.baseFilename).parent)
                self.stream = self._open()
            except OSError as exc:
                self._give_up(exc)
                return
        super().emit(record)

    def _open(self) -> io.TextIOWrapper:
        """The file is created private (0640) and tightened if an older version left it looser."""
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE_MODE)
        tighten_private_files(Path(self.baseFilename))
        return open(fd, "a", encoding=self.encoding, errors=self.errors)  # the handler owns it

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging API name)
        # A write that fails (ENOSPC, EIO): stop file logging, say it once; never a logging traceback.
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            self._give_up(exc)
        else:
            super().handleError(record)

    def _give_up(self, exc: OSError) -> None:
        self.disabled_reason = exc.strerror or str(exc)
        sys.stderr.write(f"ipkiosk: cannot write log file {self.baseFilename} ({self.disabled_reason}); "
                         "logging to stderr only\n")
        stream, self.stream = self.stream, None
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()

    def flush(self) -> None:
        with contextlib.suppress(OSError):  # buffered lines a full disk cannot take are dropped
            super().flush()

    def close(self) -> None:
        try:
            super().close()
        except OSError:
            # The final flush failed on a full disk; the file itself was closed regardless.
            self.stream = None


@dataclass
class _Installed:
    handlers: list[logging.Handler]
    previous_root_level: int


def log_file_for(logs_path: Path, command: str | None) -> Path:
    return Path(logs_path) / PROCESS_LOG_FILES.get(command or "", DEFAULT_LOG_FILE)


def _under_journal() -> bool:
    return bool(os.environ.get("JOURNAL_STREAM"))


def install(logs_path: Path, command: str | None) -> _Installed:
    """Attach the file and stderr handlers to the root logger; undo with :func:`uninstall`."""
    root = logging.getLogger()
    file_handler = _LazyRotatingFileHandler(log_file_for(logs_path, command))
    file_handler.setLevel(FILE_LEVEL)
    file_handler.setFormatter(_UtcFormatter(FILE_FORMAT))
    stderr_handler = _CurrentStderrHandler()
    stderr_handler.addFilter(lambda record: not getattr(record, FILE_ONLY, False))
    if _under_journal():
        stderr_handler.setLevel(logging.INFO)
        stderr_handler.setFormatter(logging.Formatter(JOURNAL_FORMAT))
    else:
        stderr_handler.setLevel(logging.WARNING)
        stderr_handler.setFormatter(logging.Formatter(TERMINAL_FORMAT))
    installed = _Installed([file_handler, stderr_handler], root.level)
    for handler in installed.handlers:
        root.addHandler(handler)
    root.setLevel(min(FILE_LEVEL, root.level or FILE_LEVEL))
    return installed


def uninstall(installed: _Installed) -> None:
    root = logging.getLogger()
    for handler in installed.handlers:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(installed.previous_root_level)


@contextlib.contextmanager
def configured(logs_path: Path, command: str | None) -> Iterator[None]:
    """Logging for one CLI invocation: installed on entry, flushed and closed on exit
    (so in-process callers such as tests leave no open files behind)."""
    installed = install(logs_path, command)
    try:
        yield
    except Exception:
        # Python prints the traceback on stderr as the process dies; the file needs its own copy.
        logging.getLogger("ipkiosk").exception("unhandled error", extra={FILE_ONLY: True})
        raise
    finally:
        uninstall(installed)


# ---------------------------------------------------------------- reading back


@dataclass(frozen=True)
class LogEntry:
    timestamp: str  # UTC, as written (sorts chronologically)
    file: str  # ui.log, sync.log, cli.log
    text: str  # the entry, continuation lines included


def log_files(logs_path: Path) -> list[Path]:
    """Current and rotated log files, oldest rotation first."""
    logs_path = Path(logs_path)
    if not logs_path.is_dir():
        return []

    def rotation(p: Path) -> int:
        suffix = p.name.rsplit(".", 1)[-1]
        return int(suffix) if suffix.isdigit() else 0

    files = [p for p in logs_path.iterdir() if p.is_file() and re.fullmatch(r"[a-z]+\.log(\.\d+)?", p.name)]
    return sorted(files, key=lambda p: (-rotation(p), p.name))


def _entries_of(path: Path) -> Iterator[LogEntry]:
    base = path.name.split(".log", 1)[0] + ".log"
    current: list[str] = []
    stamp = ""
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if ENTRY_START.match(line):
                if current:
                    yield LogEntry(stamp, base, "\n".join(current))
                stamp, current = line.split(" ", 1)[0], [line]
            elif current:
                current.append(line)
            # Lines before the first entry belong to an entry rotated away: skipped.
    if current:
        yield LogEntry(stamp, base, "\n".join(current))


def read_entries(logs_path: Path, *, tail: int | None = None) -> list[LogEntry]:
    """All entries of all log files merged in time order; the last TAIL of them if given."""
    entries: list[LogEntry] = []
    for path in log_files(logs_path):
        entries.extend(_entries_of(path))
    # Stable sort: entries with the same millisecond keep their file order.
    entries.sort(key=lambda e: e.timestamp)
    if tail is not None:
        entries = entries[-tail:] if tail > 0 else []
    return entries
