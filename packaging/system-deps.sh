#!/usr/bin/env bash
# Ensure the Debian packages the kiosk and its tests need are installed.
# As root with apt-get: installs what is missing. Otherwise: prints the exact
# apt-get line and exits 1, so `make` stops with an instruction instead of a traceback.
# Usage: packaging/system-deps.sh run|test
set -euo pipefail

# Qt (PySide6 wheels) runtime: EGL/GL, xkbcommon, fontconfig, glib, dbus; xcb for a real window.
# librime and its simplified pinyin schema: Chinese input on the kiosk's own keyboard (kiosk/ime, loaded with ctypes).
# espeak-ng (run as a separate program) and ALSA's library (ctypes): read-aloud (kiosk/speech).
RUN_PKGS="libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libglib2.0-0 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
  libxcb-randr0 libxcb-xfixes0 libxcb-xinerama0 libxcb-xkb1 python3-venv
  libwayland-client0 libwayland-cursor0 libwayland-egl1
  librime1 rime-data-luna-pinyin rime-prelude rime-essay
  espeak-ng libasound2"
# Tests: pdftoppm (slip rasterising), CUPS with a PDF queue (real print path), Xvfb;
# cage + systemd so CI can `systemd-analyze verify` the packaged unit; icupkg + gcc to trim
# Qt's ICU data in the packaged build (packaging/trim_icu.py); pipx to test the central office's one-command
# install of ipkiosk-publish from the wheel (packaging/build-wheel.sh); at-spi2-core, python3-pyatspi and dbus to
# read the UI's accessibility tree as a screen reader does (tests/test_ui_accessibility.py, under dbus-run-session).
TEST_PKGS="poppler-utils cups cups-bsd printer-driver-cups-pdf xvfb cage systemd icu-devtools gcc pipx
  at-spi2-core python3-pyatspi gir1.2-atspi-2.0 dbus"

case "${1:-run}" in
  run) want="$RUN_PKGS" ;;
  test) want="$RUN_PKGS $TEST_PKGS" ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

missing=()
for pkg in $want; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  $line -qq
else
  echo "missing Debian packages; run as root:" >&2
  echo "  sudo $line" >&2
  exit 1
fi
