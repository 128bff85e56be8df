"""Memory housekeeping of the UI process: handing memory back after each visitor.

Only what pays its way stays here: bench/ui_bench.py (``--tricks``) switches each trick off in turn
and measures the whole terminal (the UI, the data service and the sync child) after the scripted
visits, and a trick stays when it saves at least 2 MB there (docs/benchmarks.md, "Whole-terminal
memory", has the numbers, and those of the tricks that were removed for saving less: a fixed malloc
mmap threshold, dropping the fonts' cached pages before loading them, re-registering the fonts to
drop Qt's glyph caches, and collecting garbage at the idle release).
"""

from __future__ import annotations

import ctypes

# After the idle reset the pages of the last visitor are deleted on the next event-loop turns;
# memory is handed back once that has happened.
RELEASE_MEMORY_DELAY_MS = 1000


def _load_glibc() -> ctypes.CDLL | None:
    # glibc only (the terminals run Debian); other C libraries keep their own policy.
    libc = ctypes.CDLL(None)
    return libc if hasattr(libc, "malloc_trim") else None


_glibc = _load_glibc()


def malloc_trim() -> None:
    if _glibc is not None:
        _glibc.malloc_trim(0)


def release_memory() -> None:
    """Hand memory the last visitor's pages used back (called a moment after the idle reset).

    glibc's malloc_trim returns the heap's free pages to the system: without it the heap keeps the
    high-water mark of the busiest visitor (2.3 MB of the whole terminal after 1,000 visits). The
    last visitor's pages are deleted by then; collecting Python's and the QML engine's garbage and
    trimming the QML component cache first added 0.9 MB more, below the 2 MB bar, so they are
    left to run when Python and the engine decide.
    """
    malloc_trim()
