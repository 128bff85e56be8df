#!/usr/bin/env bash
# `make smoke`: the frozen smoke test of dist/ipkiosk and the .deb.
#  1. selftest renders the home screen (and a service page with its QR) offscreen with an empty data dir: exit 0, nothing on
#     stderr, a non-blank 1080x1920 PNG (timed: the frozen first-frame benchmark);
#  2. doctor --json on that data dir: valid JSON, exit 0; then a frozen `sync --once` from a
#     freshly signed file:// repository, and doctor reports repository and signature ok;
#  3. the .deb: contents and control checked with dpkg-deb; units checked with systemd-analyze verify;
#  4. IPKIOSK_SMOKE_INSTALL=1 (CI, as root): install the .deb, upgrade to a newer build, roll back,
#     reinstall, remove, install again and purge, checking that station.db survives each step;
#  5. the bundle's licence and size check (packaging/qt_bundle.py) — last, so the steps above
#     always report.
# Usage: packaging/smoke.sh [PYTHON]
set -uo pipefail
cd "$(dirname "$0")/.."
PY="${1:-.venv/bin/python}"
BIN=dist/ipkiosk/ipkiosk
version="${DEB_VERSION:-$("$PY" -c 'import kiosk; print(kiosk.__version__)')}"
DEB="dist/ipkiosk_${version}_$(dpkg --print-architecture).deb"
failures=0
fail() { echo "smoke: FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "smoke: ok: $*"; }

work="$(mktemp -d /tmp/ipkiosk-smoke.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/data" "$work/home"
printf 'data_dir = "%s/data"\n' "$work" > "$work/kiosk.toml"
# A clean environment: what a terminal has, not what the developer's shell has.
frozen() {
    env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
        QT_QUICK_BACKEND=software IPKIOSK_CONFIG="$work/kiosk.toml" "$BIN" "$@"
}

# 1. selftest
start_ns=$(date +%s%N)
frozen selftest --screenshot "$work/home.png" >"$work/selftest.out" 2>"$work/selftest.err"
code=$?
elapsed_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
if [ $code -ne 0 ]; then fail "selftest exited $code"; cat "$work/selftest.err" >&2
elif [ -s "$work/selftest.err" ]; then fail "selftest wrote to stderr:"; cat "$work/selftest.err" >&2
elif ! "$PY" packaging/png_check.py "$work/home.png" 1080x1920; then fail "selftest screenshot"
else ok "selftest in ${elapsed_ms} ms: $(cat "$work/selftest.out")"; fi
# A service page: its booking QR is a Qt Quick Shapes path, which the bundle must carry.
if ! frozen selftest --page service:svc-patent-application --screenshot "$work/service.png" \
        >"$work/selftest-service.out" 2>"$work/selftest-service.err"; then
    fail "selftest of a service page:"; cat "$work/selftest-service.err" >&2
elif [ -s "$work/selftest-service.err" ]; then fail "selftest of a service page wrote to stderr:"; cat "$work/selftest-service.err" >&2
else ok "$(cat "$work/selftest-service.out")"; fi

# 2. doctor
frozen doctor --json >"$work/doctor.json" 2>"$work/doctor.err"
code=$?
if ! "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["checks"]) >= 9, d' "$work/doctor.json"; then
    fail "doctor --json output is not the expected JSON"; cat "$work/doctor.json" >&2
elif [ $code -ne 0 ]; then fail "doctor exited $code:"; cat "$work/doctor.json" >&2
elif [ -s "$work/doctor.err" ]; then fail "doctor wrote to stderr:"; cat "$work/doctor.err" >&2
else ok "doctor --json: $("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["status"], " ".join(c["name"]+"="+c["status"] for c in d["checks"]))' "$work/doctor.json")"; fi

# 2b. a signed sync through the frozen python-tuf/cryptography stack: publish the seed content
#     to a file:// repository with the development tool, sync once, and doctor must be all ok
#     about it (exit 0 is "content changed").
if "$PY" -m kiosk.sync.publish init "$work/keys" >"$work/publish.log" 2>&1 \
    && "$PY" -m kiosk.sync.publish build --keys "$work/keys" assets/content "$work/repo" >>"$work/publish.log" 2>&1; then
    printf 'data_dir = "%s/data-sync"\nrepository_url = "file://%s/repo"\ntrusted_root = "%s/keys/1.root.json"\n' \
        "$work" "$work" "$work" > "$work/kiosk-sync.toml"
    env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8 IPKIOSK_CONFIG="$work/kiosk-sync.toml" \
        "$BIN" sync --once >"$work/sync.out" 2>&1
    code=$?
    env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8 IPKIOSK_CONFIG="$work/kiosk-sync.toml" \
        "$BIN" doctor --json >"$work/doctor-sync.json" 2>&1
    if [ $code -ne 0 ]; then fail "frozen sync --once exited $code:"; cat "$work/sync.out" >&2
    elif ! "$PY" -c 'import json,sys; c={x["name"]: x["status"] for x in json.load(open(sys.argv[1]))["checks"]}; assert c["repository"] == c["signature"] == c["trusted_root"] == "ok", c' "$work/doctor-sync.json"; then
        fail "doctor after a frozen sync:"; cat "$work/doctor-sync.json" >&2
    else ok "frozen sync --once from a signed file:// repository: $(tail -1 "$work/sync.out")"; fi
else fail "could not publish a test repository:"; cat "$work/publish.log" >&2; fi

# 3. the .deb
if [ ! -f "$DEB" ]; then fail "$DEB missing (run make deb)"; else
    dpkg-deb -c "$DEB" | awk '{print $NF}' > "$work/deb.list"
    for path in ./opt/ipkiosk/ipkiosk ./usr/bin/ipkiosk ./etc/ipkiosk/kiosk.toml ./lib/systemd/system/ipkiosk.service \
                ./lib/systemd/system/ipkiosk-sync.service ./lib/systemd/system/ipkiosk-sync.timer \
                ./opt/ipkiosk/_internal/kiosk/ui/qml/Kiosk/qmldir ./opt/ipkiosk/_internal/kiosk/ui/i18n/kiosk_en.qm \
                ./opt/ipkiosk/_internal/assets/content/services.json \
                ./opt/ipkiosk/_internal/assets/icons/LICENSE ./opt/ipkiosk/_internal/assets/logo/default-logo.svg \
                ./usr/lib/ipkiosk/kiosk-session ./usr/share/doc/ipkiosk/README.md ./usr/share/doc/ipkiosk/copyright \
                ./usr/share/doc/ipkiosk/configuration.md ./usr/share/doc/ipkiosk/cli.md \
                ./usr/share/doc/ipkiosk/admin.md ./usr/share/doc/ipkiosk/sync.md; do
        grep -qxF "$path" "$work/deb.list" || fail "$DEB lacks $path"
    done
    # Every document a remedy or the packaged config names is in the package (the guide's promise).
    for doc in $("$PY" -c 'from kiosk.commands import INSTALLED_DOCS; print(" ".join(INSTALLED_DOCS.values()))'); do
        grep -qxF ".$doc" "$work/deb.list" || fail "$DEB lacks $doc, which a doctor remedy names"
    done
    dpkg-deb --fsys-tarfile "$DEB" | tar -xO ./etc/ipkiosk/kiosk.toml > "$work/packaged.toml"
    grep -qx 'touch_only = true' "$work/packaged.toml" || fail "the packaged kiosk.toml shows the mouse pointer (touch_only)"
    for doc in $(grep -o '/usr/share/doc/ipkiosk/[A-Za-z_.-]*\.md' "$work/packaged.toml" | sort -u); do
        grep -qxF ".$doc" "$work/deb.list" || fail "$DEB lacks $doc, which the packaged kiosk.toml names"
    done
    if grep -q '^./var/lib/ipkiosk' "$work/deb.list"; then fail "$DEB ships files in /var/lib/ipkiosk (station data is never packaged)"; fi
    [ "$(dpkg-deb -f "$DEB" Package)" = ipkiosk ] || fail "control: Package"
    dpkg-deb -I "$DEB" conffiles | grep -qx /etc/ipkiosk/kiosk.toml || fail "kiosk.toml is not a conffile"
    dpkg-deb -f "$DEB" Depends | grep -q '\bcage\b' || fail "Depends lacks cage"
    ok "$DEB contents ($(wc -l < "$work/deb.list") entries), control and conffiles"
fi
if command -v systemd-analyze >/dev/null; then
    units=build/deb/ipkiosk_${version}_$(dpkg --print-architecture)/lib/systemd/system
    # The sync service runs /opt/ipkiosk/ipkiosk, which verify requires to exist: it is
    # verified after installing (step 4); before that, the kiosk unit and the timer.
    if systemd-analyze verify "$units/ipkiosk.service" "$units/ipkiosk-sync.timer" 2>"$work/verify.err"; then
        ok "systemd-analyze verify ipkiosk.service ipkiosk-sync.timer"
    else fail "systemd-analyze verify:"; cat "$work/verify.err" >&2; fi
else fail "systemd-analyze not installed (packaging/system-deps.sh test installs systemd)"; fi

# 4. install / upgrade / remove keep station data
if [ "${IPKIOSK_SMOKE_INSTALL:-0}" = 1 ] && [ -f "$DEB" ]; then
    export DEBIAN_FRONTEND=noninteractive
    station=/var/lib/ipkiosk/station.db
    # A fresh container may have no package lists yet; apt needs them to resolve Depends.
    ls /var/lib/apt/lists/*Packages >/dev/null 2>&1 || apt-get update -qq
    if ! apt-get install -y -qq "./$DEB" >"$work/apt.log" 2>&1; then fail "apt-get install $DEB"; tail -20 "$work/apt.log" >&2; else
        /usr/bin/ipkiosk announce add --title "安装测试公告" >/dev/null || fail "ipkiosk announce add after install"
        before="$(sha256sum "$station" | cut -d' ' -f1)"
        [ "$(stat -c %U "$station")" = ipkiosk ] || fail "station.db is not owned by ipkiosk (wrapper must drop root)"
        systemd-analyze verify /lib/systemd/system/ipkiosk-sync.service 2>"$work/verify.err" \
            && ok "systemd-analyze verify ipkiosk-sync.service (installed)" || { fail "verify ipkiosk-sync.service"; cat "$work/verify.err" >&2; }
        # Freshly installed, /etc/ipkiosk/kiosk.toml still carries the demo station: doctor must fail on that
        # alone (the guide's step 2 says to fill it in), and every other check must pass.
        /usr/bin/ipkiosk doctor --json >"$work/doctor-installed.json"
        code=$?
        if [ $code -ne 1 ] || ! "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); bad=[c for c in d["checks"] if c["status"]=="fail"]; assert [c["name"] for c in bad]==["config"] and "demo values" in bad[0]["detail"], bad' "$work/doctor-installed.json"; then
            fail "installed doctor (exit $code) should fail only the demo station values: $(cat "$work/doctor-installed.json")"
        fi
        # The postinst compiled the pinyin schema, so a clerk's first 中 does not wait for it.
        "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); c=[c for c in d["checks"] if c["name"]=="pinyin"][0]; assert c["status"]=="ok", c' "$work/doctor-installed.json" \
            && ok "pinyin schema deployed at install" || fail "pinyin schema not deployed by the postinst: $(cat "$work/doctor-installed.json")"
        # The installed kiosk under a real cage (headless wlroots backend, software rendering): it
        # must map a fullscreen xdg-shell window and log no warning within 10 s. timeout's exit 124
        # is the kiosk still running, as it should.
        cage_dir="$(mktemp -d /tmp/ipkiosk-cage.XXXXXX)"
        install -d -m 0700 "$cage_dir/rt"
        printf 'data_dir = "%s/data"\n' "$cage_dir" > "$cage_dir/kiosk.toml"
        chown -R ipkiosk:ipkiosk "$cage_dir"
        runuser -u ipkiosk -- env -i PATH=/usr/bin:/bin HOME="$cage_dir" LANG=C.UTF-8 XDG_RUNTIME_DIR="$cage_dir/rt" \
            WLR_BACKENDS=headless WLR_LIBINPUT_NO_DEVICES=1 WLR_RENDERER=pixman QT_QPA_PLATFORM=wayland \
            WAYLAND_DEBUG=client IPKIOSK_CONFIG="$cage_dir/kiosk.toml" \
            timeout 10 cage -d -- /usr/lib/ipkiosk/kiosk-session >/dev/null 2>"$cage_dir/wayland.log"
        code=$?
        if [ $code -ne 124 ]; then fail "kiosk under cage exited $code before the timeout:"; grep -v '^\[' "$cage_dir/wayland.log" | tail -5 >&2
        elif ! grep -q 'xdg_toplevel@[0-9]*\.set_fullscreen' "$cage_dir/wayland.log" \
            || ! grep -q 'wl_surface@[0-9]*\.attach' "$cage_dir/wayland.log"; then fail "kiosk under cage mapped no fullscreen window"
        elif grep -E ' (WARNING|ERROR|CRITICAL) ' "$cage_dir/data/logs/ui.log"; then fail "kiosk under cage logged warnings (above)"
        else ok "kiosk under cage (headless): fullscreen xdg-shell window, buffers attached, no warnings"; fi
        rm -rf "$cage_dir"
        # Update to a newer version, then roll back to the previous package (the technician guide's steps).
        newer_version="${version}+smoke1"
        newer_deb="dist/ipkiosk_${newer_version}_$(dpkg --print-architecture).deb"
        DEB_VERSION="$newer_version" DEB_COMPRESS=gzip packaging/build-deb.sh "$PY" >>"$work/apt.log" 2>&1 || fail "build the newer .deb"
        apt-get install -y -qq "./$newer_deb" >>"$work/apt.log" 2>&1 || fail "upgrade to $newer_version"
        [ "$(dpkg-query -W -f='${Version}' ipkiosk)" = "$newer_version" ] || fail "upgrade did not install $newer_version"
        [ "$(sha256sum "$station" | cut -d' ' -f1)" = "$before" ] || fail "station.db changed by upgrade"
        apt-get install -y -qq --allow-downgrades "./$DEB" >>"$work/apt.log" 2>&1 || fail "roll back to $version"
        [ "$(dpkg-query -W -f='${Version}' ipkiosk)" = "$version" ] || fail "roll back did not install $version"
        [ "$(sha256sum "$station" | cut -d' ' -f1)" = "$before" ] || fail "station.db changed by roll back"
        rm -rf "$newer_deb" "build/deb/ipkiosk_${newer_version}_$(dpkg --print-architecture)"
        dpkg -i "$DEB" >>"$work/apt.log" 2>&1 || fail "reinstall of the same version"
        [ "$(sha256sum "$station" | cut -d' ' -f1)" = "$before" ] || fail "station.db changed by reinstall"
        dpkg -r ipkiosk >>"$work/apt.log" 2>&1 || fail "dpkg -r"
        [ -f "$station" ] && [ "$(sha256sum "$station" | cut -d' ' -f1)" = "$before" ] || fail "station.db lost by remove"
        dpkg -i "$DEB" >>"$work/apt.log" 2>&1 || fail "install after remove"
        /usr/bin/ipkiosk announce list | grep -q "安装测试公告" || fail "announcement gone after remove + install"
        dpkg -P ipkiosk >>"$work/apt.log" 2>&1 || fail "dpkg -P"
        [ -f "$station" ] || fail "station.db lost by purge"
        [ ! -e /etc/ipkiosk/kiosk.toml ] || fail "purge left the conffile"
        ok "install, upgrade, roll back, reinstall, remove, install and purge kept station.db"
    fi
fi

# 5. licence and size
"$PY" packaging/qt_bundle.py dist/ipkiosk || fail "bundle check (licence/size)"

[ $failures -eq 0 ] && echo "smoke: all passed" || echo "smoke: $failures failure(s)" >&2
exit $(( failures > 0 ))
