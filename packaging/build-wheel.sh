#!/usr/bin/env bash
# The central office's publisher: dist/ipkiosk-<version>-py3-none-any.whl, the pure-Python package with the
# `ipkiosk-publish` command (and `ipkiosk`), and dist/ipkiosk-content-<version>.tar.gz, the content source
# folder this release ships (content/: the records and their README), the office's starting point.
# The office installs the publisher with one command, no source checkout:
#     pipx install ./ipkiosk-<version>-py3-none-any.whl
# (pipx: `sudo apt-get install pipx` on Debian 12; it fetches the Python dependencies from PyPI).
# Built from a copy of the package sources, so the checkout gets no build/ or egg-info left behind.
# Usage: packaging/build-wheel.sh [PYTHON]   (default .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$(realpath "${1:-.venv/bin/python}")"
out="$PWD/dist"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -a pyproject.toml README.md "$work/"
# Only the package: no caches or test files travel into the wheel.
tar -C . --exclude=__pycache__ -cf - kiosk | tar -C "$work" -xf -
mkdir -p "$out"
"$PY" -m pip wheel --quiet --no-deps --wheel-dir "$out" "$work" 2>"$work/pip.log" \
    || { cat "$work/pip.log" >&2; exit 1; }
version="$("$PY" -c 'import sys; sys.path.insert(0, sys.argv[1]); import kiosk; print(kiosk.__version__)' "$work")"
echo "wheel: dist/ipkiosk-${version}-py3-none-any.whl ($(du -k "$out/ipkiosk-${version}-py3-none-any.whl" | cut -f1) kB)"
# The content source folder as `content/`, with fixed owners and times so the same sources give the same file.
tar -C assets --owner=0 --group=0 --numeric-owner --mtime='2000-01-01 00:00Z' --sort=name -cf - content \
    | gzip -n > "$out/ipkiosk-content-${version}.tar.gz"
echo "content: dist/ipkiosk-content-${version}.tar.gz ($(du -k "$out/ipkiosk-content-${version}.tar.gz" | cut -f1) kB)"
