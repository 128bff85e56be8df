#!/usr/bin/env python3
"""Which Qt files go into the packaged build, and the check that the result is LGPL-clean.

One place for the rules: packaging/ipkiosk.spec calls :func:`keep` to filter what
PyInstaller's PySide6 hooks collected (they take every QML module, plugin and
translation), and ``python packaging/qt_bundle.py dist/ipkiosk`` (run by `make dist`)
fails when the finished bundle holds

* a GPL-only Qt module (Qt Virtual Keyboard, Charts, Data Visualization, …), or
* any Qt library that is not on the reviewed list below (a new dependency must be
  looked at for its licence before it ships), or
* more than MAX_BUNDLE_BYTES in total.

Every offender is printed on its own line. Standard library only: it runs before the venv exists.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path, PurePosixPath

MAX_BUNDLE_BYTES = 150 * 1000 * 1000

# Qt modules that Qt offers under GPL (or commercial) only, never LGPL. Matched against
# library, plugin and QML directory names; the kiosk uses none of them.
GPL_ONLY_PATTERNS = (
    "VirtualKeyboard", "virtualkeyboard", "Charts", "DataVisualization", "Graphs", "Quick3D", "quick3d",
    "Lottie", "lottie", "QuickTimeline", "Timeline", "NetworkAuth", "WaylandCompositor", "wayland-graphics-integration-server",
    "Mqtt", "Coap", "OpcUa", "Knx", "HttpServer", "Protobuf", "Grpc", "ShaderTools", "QmlDesignSupport",
    "DesignSupport", "QuickStudio", "ApplicationManager", "InterfaceFramework", "QuickEffectMaker", "Insight",
    "SafeRenderer",
)

# Qt shared libraries the kiosk needs (all LGPL-3): Qt Quick + Controls (Basic style) + Shapes (the booking QR), QML,
# printing (PrintSupport pulls Widgets), the Wayland client for cage, xcb and eglfs for
# technicians' screens, DBus (accessibility/input), Svg (the home tiles' icons and the station logo, through the
# SVG image plugin).
REVIEWED_QT_LIBS = frozenset(f"libQt6{name}.so.6" for name in (
    "Core", "Gui", "DBus", "Network", "OpenGL", "Widgets", "PrintSupport",
    "Qml", "QmlCore", "QmlMeta", "QmlModels", "QmlWorkerScript",
    "Quick", "QuickLayouts", "QuickShapes", "QuickTemplates2", "QuickControls2", "QuickControls2Impl",
    "QuickControls2Basic", "QuickControls2BasicStyleImpl",
    "WaylandClient", "WlShellIntegration", "XcbQpa", "EglFSDeviceIntegration", "EglFsKmsSupport", "Svg",
))

# PySide6 binding modules the kiosk imports (plus their base); anything else is excluded.
USED_PYSIDE_MODULES = ("QtCore", "QtGui", "QtNetwork", "QtQml", "QtQuick", "QtPrintSupport",
                       "QtWidgets", "QtOpenGL", "QtDBus")

# QML module directories (relative to Qt/qml) the kiosk's QML imports: QtQuick,
# QtQuick.Controls with the pinned Basic style, QtQuick.Layouts, QtQuick.Shapes and what they depend on.
KEPT_QML_DIRS = frozenset({
    "QtQml", "QtQml/Models", "QtQml/WorkerScript",
    "QtQuick", "QtQuick/Window", "QtQuick/Layouts", "QtQuick/Shapes", "QtQuick/Templates",
    "QtQuick/Controls", "QtQuick/Controls/impl", "QtQuick/Controls/Basic", "QtQuick/Controls/Basic/impl",
})

# Plugin files (relative to Qt/plugins) kept: platforms for cage (wayland), X11, KMS and
# the offscreen smoke test; for Wayland the xdg-shell (what cage speaks), EGL buffers and
# the plain decoration (the Adwaita one is not wanted); JPEG/GIF/SVG images (PNG is
# built in; SVG draws the icons and logo); CUPS printing; evdev/tuio touch input for eglfs; the compose key. No IBus plugin: staff type
# Chinese on the kiosk's own keyboard (docs/admin.md), and no system input method may take the staff fields' keys.
KEPT_PLUGINS = (
    "platforms/libqwayland.so", "platforms/libqxcb.so", "platforms/libqeglfs.so", "platforms/libqoffscreen.so",
    "platforms/libqminimal.so",
    "wayland-shell-integration/libxdg-shell.so", "wayland-decoration-client/libbradient.so",
    "wayland-graphics-integration-client/libqt-plugin-wayland-egl.so",
    "xcbglintegrations/", "egldeviceintegrations/libqeglfs-kms-integration.so",
    "imageformats/libqjpeg.so", "imageformats/libqgif.so", "imageformats/libqsvg.so",
    "printsupport/libcupsprintersupport.so",
    "generic/libqevdevtouchplugin.so", "generic/libqevdevkeyboardplugin.so", "generic/libqevdevmouseplugin.so",
    "platforminputcontexts/libcomposeplatforminputcontextplugin.so",
)

# Qt's own translations: only the UI languages (config `locale`).
KEPT_TRANSLATION = re.compile(r"^qt(base|declarative)?_(zh_CN|en)\.qm$")

_QT_PREFIX = "PySide6/Qt/"


def keep(dest: str) -> bool:
    """Whether a file PyInstaller collected (destination path inside the bundle) ships."""
    p = PurePosixPath(dest.replace("\\", "/"))
    text = str(p)
    if any(pattern in text for pattern in GPL_ONLY_PATTERNS):
        return False
    if p.name.startswith("libQt6"):  # in Qt/lib, or its symlink at the top of the bundle
        return p.name in REVIEWED_QT_LIBS
    if p.parent == PurePosixPath("PySide6") and p.name.endswith(".abi3.so"):
        return p.name.split(".", 1)[0] in USED_PYSIDE_MODULES
    if not text.startswith(_QT_PREFIX):
        return True
    inner = PurePosixPath(text[len(_QT_PREFIX):])
    area, rest = inner.parts[0], PurePosixPath(*inner.parts[1:]) if len(inner.parts) > 1 else PurePosixPath()
    if area == "qml":
        return str(rest.parent) in KEPT_QML_DIRS
    if area == "plugins":
        return any(str(rest) == k or (k.endswith("/") and str(rest).startswith(k)) for k in KEPT_PLUGINS)
    if area == "translations":
        return bool(KEPT_TRANSLATION.match(p.name))
    return True


# Libraries under these directories belong to Debian packages: the .deb depends on those
# packages (packaging/build-deb.sh maps each file with dpkg -S) instead of copying them.
SYSTEM_LIBRARY_DIRS = ("/lib/", "/usr/lib/")


def split_libraries(binaries: list[tuple], imports_of) -> tuple[list[tuple], list[str]]:
    """(binaries to ship, system library paths the shipped binaries need).

    PyInstaller gathers the libraries of every plugin *before* :func:`keep` removes plugins
    (the GTK theme plugin alone brings GTK, cairo, pango…), so the needed set is recomputed
    from the kept binaries: roots are Python extensions, libpython and everything inside
    PySide6/; IMPORTS_OF(path) gives the DT_NEEDED names of a binary. Needed libraries from
    the OS are left out of the bundle and reported; unneeded ones are dropped.
    """
    top_level = {e[0]: e for e in binaries if "/" not in e[0] and ".so" in e[0] and e[2] != "EXTENSION"}
    wanted: set[str] = set()
    queue = [e for e in binaries if e[0] not in top_level or e[0].startswith("libpython")]
    while queue:
        entry = queue.pop()
        if entry[2] == "SYMLINK":
            continue
        for name in imports_of(entry[1]):
            if name in top_level and name not in wanted:
                wanted.add(name)
                queue.append(top_level[name])
    system = sorted(top_level[n][1] for n in wanted if top_level[n][1].startswith(SYSTEM_LIBRARY_DIRS))
    shipped = [e for e in binaries
               if e[0] not in top_level
               or e[0].startswith(("libpython", "libQt6"))  # Qt links stay when keep() kept their library
               or (e[0] in wanted and not e[1].startswith(SYSTEM_LIBRARY_DIRS))]
    return shipped, system


# ---------------------------------------------------------------- the post-build check


def offenders(bundle_dir: Path, max_bytes: int = MAX_BUNDLE_BYTES) -> list[str]:
    """One line per problem in the finished bundle; empty when it may ship. max_bytes 0: no size limit."""
    bundle_dir = Path(bundle_dir)
    problems = []
    total = 0
    for path in sorted(bundle_dir.rglob("*")):
        if path.is_dir() and not path.is_symlink():
            continue
        # Links are checked by name (a link to a GPL library is an offender) but not sized twice.
        if not path.is_symlink():
            total += path.stat().st_size
        rel = path.relative_to(bundle_dir).as_posix()
        gpl = next((pattern for pattern in GPL_ONLY_PATTERNS if pattern in rel), None)
        if gpl:
            problems.append(f"GPL-only Qt module ({gpl}): {rel}")
        elif re.fullmatch(r"libQt6\w+\.so(\.\d+)*", path.name) and _soname(path.name) not in REVIEWED_QT_LIBS:
            problems.append(f"Qt library not on the reviewed LGPL list: {rel}")
    if max_bytes and total > max_bytes:
        problems.append(f"bundle is {total / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit")
    return problems


def _soname(name: str) -> str:
    # libQt6Core.so.6.9.1 → libQt6Core.so.6
    base, _, version = name.partition(".so")
    major = version.strip(".").split(".")[0] if version else ""
    return f"{base}.so.{major}" if major else f"{base}.so"


def bundle_size_bytes(bundle_dir: Path) -> int:
    return sum(p.stat().st_size for p in Path(bundle_dir).rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="qt_bundle.py", description="Check a built bundle for GPL-only or unreviewed Qt files and its size.")
    parser.add_argument("bundle", type=Path, help="the one-dir bundle, e.g. dist/ipkiosk")
    parser.add_argument("--max-mb", type=float, default=MAX_BUNDLE_BYTES / 1e6, help="size limit in MB (10^6 bytes); 0: none")
    args = parser.parse_args(argv)
    bundle = args.bundle
    if not bundle.is_dir():
        print(f"qt_bundle: {bundle} is not a directory (run `make dist` first)", file=sys.stderr)
        return 2
    problems = offenders(bundle, int(args.max_mb * 1e6))
    for line in problems:
        print(f"qt_bundle: {line}", file=sys.stderr)
    if problems:
        return 1
    limit = f"within {args.max_mb:.0f} MB" if args.max_mb else "size not checked"
    print(f"qt_bundle: {bundle} ok: {bundle_size_bytes(bundle) / 1e6:.1f} MB ({limit}), no GPL-only or unreviewed Qt files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
