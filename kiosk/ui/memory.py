"""Memory housekeeping of the UI process: malloc tuning, the fonts' page cache and glyph caches, and
handing memory back after each visitor.

Each trick here says what it saves; bench/ui_bench.py measures them.
"""

from __future__ import annotations

import ctypes
import gc
import os
from pathlib import Path

from PySide6.QtGui import QFontDatabase
from PySide6.QtQml import QQmlEngine

from kiosk.ui import fonts

# After the idle reset the pages of the last visitor are deleted on the next event-loop turns;
# memory is handed back once that has happened.
RELEASE_MEMORY_DELAY_MS = 1000

# glibc's mallopt parameter number (malloc.h) and the fixed threshold the UI sets.
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 128 * 1024


def _load_glibc() -> ctypes.CDLL | None:
    # glibc only (the terminals run Debian); other C libraries keep their own policy.
    libc = ctypes.CDLL(None)
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


_glibc = _load_glibc()


def malloc_trim() -> None:
    if _glibc is not None:
        _glibc.malloc_trim(0)


def keep_large_blocks_out_of_the_heap() -> None:
    """Blocks of 128 KiB and more (images, page buffers) get their own mappings, returned when freed.

    glibc raises this threshold by itself after such a block is freed (up to 32 MiB), after which
    big blocks land in the heap and stay there as free holes between live data. A fixed threshold
    (which also fixes the heap trim threshold) keeps the UI process smaller while visitors browse:
    3-4 MB less in the UI benchmark, at no measurable cost in frame time.
    """
    if _glibc is not None:
        _glibc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


def drop_cached_pages(path: Path) -> None:
    """Ask the kernel to forget its cached copy of a file we are about to map.

    FreeType maps each 3 MB font, and the glyphs the kiosk draws sit in its first ~10 % (see
    assets/fonts/build.py). A file that was just written (package upgrade, checkout) sits in the page
    cache in large folios, which recent kernels map whole on the first touch: the process would carry
    most of the file. Read back from disk, only the pages around the drawn glyphs are mapped
    (measured: 560 → 96 resident pages per font at the first frame). Dirty pages stay; harmless."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    except OSError:
        pass
    finally:
        os.close(fd)


def drop_cached_font_pages() -> None:
    """Before the fonts are loaded: each font file is mapped from disk, not from the page cache."""
    for path in fonts.font_paths():
        drop_cached_pages(path)


def drop_font_caches() -> None:
    """Make Qt drop its font engines and their glyph caches; the text on screen is laid out again.

    Qt has no call for this, but re-registering application fonts empties its font cache. The
    files' page cache is left alone: it was read back from disk at start-up (drop_cached_font_pages)."""
    QFontDatabase.removeAllApplicationFonts()
    fonts.load_fonts()


def release_memory(engine: QQmlEngine) -> None:
    """Hand memory the last visitor's pages used back (called a moment after the idle reset).

    Python's and the QML engine's garbage go first, then compiled QML types no page uses any
    more, then the font engines with the glyphs the visitor's pages rasterised (each size and
    weight keeps its own cache and Qt never shrinks one: 3–4 MB after a busy visitor), then
    glibc's malloc_trim returns the freed heap pages to the system: without it the heap keeps
    its high-water mark from the busiest visit.
    """
    gc.collect()
    engine.collectGarbage()
    engine.trimComponentCache()
    drop_font_caches()
    malloc_trim()
