#!/usr/bin/env bash
# `make dist`: PyInstaller one-dir bundle → dist/ipkiosk/, its licence check, and a tarball.
# Usage: packaging/build-dist.sh [PYTHON]   (default .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${1:-.venv/bin/python}"
version="$("$PY" -c 'import kiosk; print(kiosk.__version__)')"
arch="$(uname -m)"

start_s=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/ipkiosk.spec
# Qt's ICU data: 32 MB → ~5 MB (only the root/en/zh locales; see the script).
"$PY" packaging/trim_icu.py dist/ipkiosk/_internal/PySide6/Qt/lib/libicudata.so.*
# Fails on any GPL-only or unreviewed Qt file (size is checked by `make smoke`).
"$PY" packaging/qt_bundle.py --max-mb 0 dist/ipkiosk

tarball="dist/ipkiosk-${version}-linux-${arch}.tar.gz"
tar -C dist -czf "$tarball" ipkiosk
end_s=$(date +%s)
echo "dist: dist/ipkiosk ($(du -sm dist/ipkiosk | cut -f1) MB), $tarball ($(du -m "$tarball" | cut -f1) MB), built in $((end_s - start_s)) s"
