#!/usr/bin/env bash
# Start a CUPS scheduler and add the cups-pdf queue that the printing tests print through.
# Idempotent; needs root and the Debian packages cups, cups-bsd and printer-driver-cups-pdf
# (packaging/system-deps.sh test). .ci/run calls it before `make test`.
# Usage: packaging/ci-cups-setup.sh [QUEUE]   (default queue name: ipkiosk-pdf)
set -euo pipefail

queue="${1:-ipkiosk-pdf}"
# cups-pdf writes ${HOME}/PDF by default; one fixed spool dir per user is easy for tests to find.
out_dir_pattern='/var/spool/cups-pdf/${USER}'
conf=/etc/cups/cups-pdf.conf
wait_s=15

if [ "$(id -u)" -ne 0 ]; then
  echo "ci-cups-setup: must run as root (starts cupsd, runs lpadmin)" >&2
  exit 1
fi
for tool in cupsd lpadmin lpstat lpinfo; do
  command -v "$tool" >/dev/null || { echo "ci-cups-setup: $tool missing; run: packaging/system-deps.sh test" >&2; exit 1; }
done
[ -f "$conf" ] || { echo "ci-cups-setup: $conf missing; install printer-driver-cups-pdf" >&2; exit 1; }

if ! grep -qxF "Out $out_dir_pattern" "$conf"; then
  sed -i "s|^Out .*|Out $out_dir_pattern|" "$conf"
  grep -qxF "Out $out_dir_pattern" "$conf" || echo "Out $out_dir_pattern" >>"$conf"
fi

scheduler_up() { lpstat -r 2>/dev/null | grep -q "is running"; }
if ! scheduler_up; then
  cupsd  # forks into the background (no systemd in CI containers)
  for _ in $(seq $((wait_s * 5))); do scheduler_up && break; sleep 0.2; done
  scheduler_up || { echo "ci-cups-setup: cupsd did not start within ${wait_s} s" >&2; exit 1; }
fi

if ! lpstat -v "$queue" >/dev/null 2>&1; then
  ppd="$(lpinfo -m | awk '/CUPS-PDF/ {print $1; exit}')"
  [ -n "$ppd" ] || { echo "ci-cups-setup: no CUPS-PDF driver known to cupsd (lpinfo -m)" >&2; exit 1; }
  lpadmin -p "$queue" -E -v cups-pdf:/ -m "$ppd"
fi
cupsenable "$queue"
cupsaccept "$queue"
echo "ci-cups-setup: queue $queue ready (cups-pdf output: ${out_dir_pattern})"
