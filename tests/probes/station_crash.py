"""A writer of station.db that crashes: one committed staff action, then one cut off by the process dying.

Usage: python -m tests.probes.station_crash STATION_DB COMMITTED_TITLE

os._exit skips every cleanup, like a power cut or SIGKILL, so the open transaction never commits.
"""

import os
import sys

from kiosk.store import station

station.open_station_db(sys.argv[1])
station.add_announcement(sys.argv[2], actor="admin-screen")
txn = station.station_db.atomic()
txn.__enter__()
station.add_announcement("never committed", actor="admin-screen")
os._exit(9)
