#!/usr/bin/env bash
# `make deb`: dist/ipkiosk → dist/ipkiosk_<version>_<arch>.deb with dpkg-deb.
# Layout: /opt/ipkiosk (bundle), /usr/bin/ipkiosk (wrapper), /usr/lib/ipkiosk/kiosk-session (what cage
# runs), /etc/ipkiosk/kiosk.toml (conffile),
# /lib/systemd/system/ipkiosk.service (+ optional sync timer), /usr/share/doc/ipkiosk.
# Depends are computed: the Debian packages owning every OS library the bundle links.
# Usage: packaging/build-deb.sh [PYTHON]    env DEB_VERSION overrides the version, DEB_COMPRESS (xz) the compressor.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${1:-.venv/bin/python}"
[ -x dist/ipkiosk/ipkiosk ] || { echo "build-deb: dist/ipkiosk missing; run make dist" >&2; exit 1; }
version="${DEB_VERSION:-$("$PY" -c 'import kiosk; print(kiosk.__version__)')}"
arch="$(dpkg --print-architecture)"
root="build/deb/ipkiosk_${version}_${arch}"

rm -rf "$root"
install -d "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/etc/ipkiosk" "$root/lib/systemd/system" \
    "$root/usr/share/doc/ipkiosk"
cp -a dist/ipkiosk "$root/opt/ipkiosk"
install -m 0755 packaging/deb/ipkiosk-wrapper.sh "$root/usr/bin/ipkiosk"
install -D -m 0755 packaging/deb/kiosk-session.sh "$root/usr/lib/ipkiosk/kiosk-session"
"$PY" packaging/default_config.py "$root/etc/ipkiosk/kiosk.toml"
install -m 0644 packaging/deb/systemd/ipkiosk.service packaging/deb/systemd/ipkiosk-sync.service \
    packaging/deb/systemd/ipkiosk-sync.timer "$root/lib/systemd/system/"
# The technician guide and the documents doctor's remedies and the config file point to, under the names
# they use (kiosk/commands/doctor.py INSTALLED_DOCS).
install -m 0644 packaging/README.md "$root/usr/share/doc/ipkiosk/README.md"
install -m 0644 docs/configuration.md docs/cli.md docs/admin.md docs/sync.md "$root/usr/share/doc/ipkiosk/"
install -m 0644 packaging/deb/copyright "$root/usr/share/doc/ipkiosk/copyright"
install -m 0755 packaging/deb/DEBIAN/postinst packaging/deb/DEBIAN/prerm packaging/deb/DEBIAN/postrm "$root/DEBIAN/"
echo "/etc/ipkiosk/kiosk.toml" > "$root/DEBIAN/conffiles"

# Debian packages owning the OS libraries the bundle's ELF files load (Qt: GL, xkbcommon, Wayland…).
lib_depends="$("$PY" packaging/deb_depends.py dist/ipkiosk)"
# cage 0.1.4 (Debian 12) refuses to start without the Xwayland binary.
# librime is loaded at run time (ctypes, in the pinyin-service child), so ldd does not see it: a Depends, not a
# Recommends, because staff write announcements in Chinese on every terminal and apt installs no Recommends with
# --no-install-recommends; the data is the simplified pinyin schema (luna_pinyin_simp) and what it includes.
# Read-aloud runs the espeak-ng program (GPL-3, a separate process, never linked) and plays through libasound2
# (loaded with ctypes in the speaking child); 1.51 is the first with the cmn-latn-pinyin voice the kiosk uses.
depends="cage, xwayland, adduser, util-linux, librime1 (>= 1.8), rime-data-luna-pinyin, rime-prelude, rime-essay, espeak-ng (>= 1.51), libasound2, ${lib_depends}"

installed_kb="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
cat > "$root/DEBIAN/control" <<CONTROL
Package: ipkiosk
Version: ${version}
Architecture: ${arch}
Maintainer: IP Service Kiosk maintainers <ipkiosk@example.cn>
Installed-Size: ${installed_kb}
Depends: ${depends}
Recommends: cups, cups-client, systemd-timesyncd | chrony | ntpsec
Section: misc
Priority: optional
Homepage: https://ipservice.example.cn/
Description: IP Service Kiosk touch terminal
 Touch terminal software for Zhengzhou's IP public-information service
 workstations: services, policies, notices, news and events from signed
 content, station announcements, booking QR codes and printed slips.
 Runs fullscreen under the cage Wayland compositor (systemd unit ipkiosk).
CONTROL

deb="dist/ipkiosk_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Z"${DEB_COMPRESS:-xz}" --build "$root" "$deb" >/dev/null
echo "deb: $deb ($(du -m "$deb" | cut -f1) MB; installed $((installed_kb / 1024)) MB)"
