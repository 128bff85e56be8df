#!/bin/sh
# /usr/lib/ipkiosk/kiosk-session: what cage runs (see ipkiosk.service).
# Staff type Chinese on the kiosk's own keyboard (its pinyin engine runs as a child of the kiosk), so no
# system input method takes part: one set for the whole machine must not intercept the staff fields' keys.
unset QT_IM_MODULE
exec /opt/ipkiosk/ipkiosk run
