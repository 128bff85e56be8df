#!/bin/sh
# /usr/lib/ipkiosk/kiosk-session: what cage runs (see ipkiosk.service).
# Staff type Chinese announcements through IBus when it is installed (apt-get install ibus
# ibus-libpinyin): its daemon must run inside the cage session, where WAYLAND_DISPLAY is set,
# so Qt's IBus plugin finds it. Without IBus the kiosk runs as is (pinyin search needs no IME).
if command -v ibus-daemon >/dev/null 2>&1; then
    ibus-daemon --daemonize --replace --xim
    export QT_IM_MODULE=ibus
fi
exec /opt/ipkiosk/ipkiosk run
