"""The UI's memory tricks, and how the benchmark switches one off to see what it pays.

The product has no switches for these: the benchmark's UI process replaces the trick's function
with one that does nothing (or with the plain way) before it builds the app, so the rest of the
run is the normal code path. A trick whose function is no longer in the tree is reported as
absent rather than measured.

Where each trick lives is looked up by name in every loaded ``kiosk.ui`` module (module functions
and class methods), so the bench follows a trick that moves between modules.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
UI_SOURCES = REPO_ROOT / "kiosk" / "ui"


@dataclass(frozen=True)
class Trick:
    name: str
    what: str
    # Function or method names (in kiosk/ui) replaced by a no-op once kiosk.ui.app is imported; the names it
    # has had in turn, since the bench also measures older trees.
    functions: tuple[str, ...] = ()
    # Runs before kiosk.ui is imported, for tricks that act at import time.
    before_import: Callable[[], None] | None = None
    # The function whose presence in kiosk/ui says the trick is in this tree.
    marker: str = ""
    # What replaces FUNCTIONS when switched off: the plain way, where doing nothing would break the UI.
    replacement: Callable[..., None] | None = None

    def present(self) -> bool:
        """The trick's function is still called somewhere in the UI (kiosk/ui)."""
        markers = (self.marker,) if self.marker else self.functions
        call = re.compile("|".join(rf"(?<!def )\b{re.escape(marker)}\b" for marker in markers))
        return any(call.search(path.read_text(encoding="utf-8")) for path in UI_SOURCES.rglob("*.py"))


def _keep_sources_pyside_reads() -> None:
    """Leave PySide's import hook filling linecache, as it does without kiosk.ui's wrapper."""
    import PySide6.QtCore  # noqa: F401 - installs the hook

    feature = sys.modules.get("shibokensupport.feature")
    check = getattr(feature, "_mod_uses_pyside", None)
    if check is None:
        raise RuntimeError("this PySide6 has no shibokensupport.feature._mod_uses_pyside: nothing to switch off")
    # kiosk.ui wraps the hook only once and marks the wrapper so; a marked hook is left as it is.
    check.forgets_sources = True


def _set_controls_style_through_qquickstyle() -> None:
    """The Basic style set the documented way, through PySide6's QtQuickControls2 binding."""
    from PySide6.QtQuickControls2 import QQuickStyle

    QQuickStyle.setStyle("Basic")


def _trim_only(*args) -> None:
    """The idle release without its collections: only the heap trim that follows them."""
    for module_name, module in list(sys.modules.items()):
        for function in TRICKS["malloc-trim"].functions:
            if module_name.startswith("kiosk.ui") and callable(getattr(module, function, None)):
                getattr(module, function)()
                return
    raise RuntimeError("no malloc_trim in the loaded kiosk.ui modules")


TRICKS: dict[str, Trick] = {trick.name: trick for trick in (
    Trick("font-page-cache", "drop the font files' cached pages before registering them (posix_fadvise)",
          functions=("_drop_cached_pages", "drop_cached_font_pages")),
    Trick("font-reregistration", "re-register the fonts at the idle release (Qt drops its font engines and "
          "glyph caches)", functions=("drop_font_caches",)),
    Trick("mmap-threshold", "fixed M_MMAP_THRESHOLD of 128 KiB (mallopt) at start",
          functions=("keep_large_blocks_out_of_the_heap",)),
    Trick("malloc-trim", "malloc_trim(0) at the idle release", functions=("_malloc_trim", "malloc_trim")),
    Trick("idle-release", "the whole release a second after the idle reset", functions=("release_memory",)),
    Trick("release-collection", "the collections of the idle release (gc.collect, the QML engine's garbage "
          "and component cache), its malloc_trim kept", functions=("release_memory",), replacement=_trim_only),
    Trick("linecache", "keep PySide's import hook from leaving every imported module's source in linecache",
          before_import=_keep_sources_pyside_reads, marker="_forget_sources_read_by_pyside"),
    Trick("controls-style-env", "the Controls style set through the environment, not QQuickStyle (whose binding "
          "loads PySide6's QtQuick modules)", functions=("pin_controls_style",),
          replacement=_set_controls_style_through_qquickstyle),
)}


def check_names(names: list[str]) -> None:
    unknown = [name for name in names if name not in TRICKS]
    if unknown:
        raise SystemExit(f"unknown memory trick(s) {unknown}; known: {', '.join(TRICKS)}")


def present_tricks() -> list[str]:
    return [name for name, trick in TRICKS.items() if trick.present()]


def disable_before_import(names: list[str]) -> None:
    """In the UI process, before kiosk.ui is imported."""
    for name in names:
        if TRICKS[name].before_import is not None:
            TRICKS[name].before_import()


def _do_nothing(*args, **kwargs) -> None:
    return None


def disable_after_import(names: list[str]) -> None:
    """In the UI process, once kiosk.ui.app is imported and before the app is built: replace each trick's
    functions (wherever a kiosk.ui module holds them, module-level or as a method) with a no-op or its
    replacement."""
    modules = [module for module_name, module in list(sys.modules.items())
               if module is not None and module_name.startswith("kiosk.ui")]
    for name in names:
        replacement = TRICKS[name].replacement or _do_nothing
        replaced = 0
        for function in TRICKS[name].functions:
            for module in modules:
                if callable(getattr(module, function, None)) and not isinstance(getattr(module, function), type):
                    setattr(module, function, replacement)
                    replaced += 1
                for value in list(vars(module).values()):
                    if isinstance(value, type) and value.__module__ == module.__name__ and function in vars(value):
                        setattr(value, function, replacement)
                        replaced += 1
        if not replaced:
            raise RuntimeError(f"memory trick {name}: none of {TRICKS[name].functions} in the loaded kiosk.ui modules")
