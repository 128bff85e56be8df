#!/bin/sh
# /usr/bin/ipkiosk: the packaged kiosk with the system config, always as the ipkiosk user.
# Running it as root would leave root-owned database files the kiosk service cannot open.
export IPKIOSK_CONFIG="${IPKIOSK_CONFIG:-/etc/ipkiosk/kiosk.toml}"
export LANG="${LANG:-C.UTF-8}"
if [ "$(id -u)" -eq 0 ]; then
    exec runuser -u ipkiosk -- /opt/ipkiosk/ipkiosk "$@"
fi
exec /opt/ipkiosk/ipkiosk "$@"
