"""`ipkiosk admin …` (staff PIN, audit log) and `ipkiosk station …` (station.db backup/restore).

The PIN is read from the terminal with getpass, twice, and never taken from argv (argv is
visible to every local user in the process list and lands in shell history).
"""

from __future__ import annotations

import getpass
import sys

from kiosk.commands import EXIT_USAGE, CliError, china_time, open_station, print_json
from kiosk.core.safe_text import for_terminal

# Interactive set-pin asks again after a weak PIN or two differing entries, this many times in all: enough for a
# typo or two, and a technician who keeps failing is told the rule instead of being asked for ever.
SET_PIN_ROUNDS = 3


def _ask_pin() -> str:
    """One round: the new PIN, checked, then asked again. Raises PinError when it is weak or the entries differ."""
    from kiosk.store.pin import PinError, PinReason, check_pin_format

    first = getpass.getpass("new admin PIN (6-8 digits): ")
    check_pin_format(first)
    if getpass.getpass("repeat the PIN: ") != first:
        raise PinError(PinReason.ENTRIES_DIFFER, "the two entries differ")
    return first


def cmd_set_pin(cfg, args) -> int:
    from kiosk.store.pin import PinError, PinGuard

    open_station(cfg)
    guard = PinGuard(actor="cli")
    if guard.is_set():
        print("a PIN is already set; entering a new one replaces it", file=sys.stderr)
    # At a terminal a weak PIN or a typo asks again; fed from a pipe or a script, the first problem ends the
    # command with exit 2, as a script expects (asking again would only read its next line as a new PIN).
    rounds = SET_PIN_ROUNDS if sys.stdin.isatty() else 1
    for remaining in range(rounds - 1, -1, -1):
        try:
            pin = _ask_pin()
            break
        except (EOFError, KeyboardInterrupt):
            raise CliError("PIN not changed (input ended)") from None
        except PinError as exc:
            if not remaining:
                raise CliError(f"PIN not changed: {exc}", EXIT_USAGE) from None
            print(f"{exc}; please try again ({remaining} {'try' if remaining == 1 else 'tries'} left)", file=sys.stderr)
    guard.set_pin(pin)
    print("admin PIN set")
    return 0


def cmd_unlock(cfg, args) -> int:
    from kiosk.store.pin import PinGuard

    open_station(cfg)
    PinGuard(actor="cli").clear_lockout()
    print("PIN pad unlocked; wrong-try counter and backoff reset")
    return 0


def cmd_audit(cfg, args) -> int:
    from kiosk.store import station

    open_station(cfg)
    rows = station.recent_audit(args.limit)
    if args.json:
        print_json(rows)
    else:
        # An entry's object and detail can quote an announcement title or a file name: escaped, one line each.
        for r in rows:
            print("\t".join([china_time(r["at"])] + [for_terminal(str(r[key])) for key in ("actor", "action", "object",
                                                                                             "detail")]))
    return 0


def cmd_station_backup(cfg, args) -> int:
    from kiosk.store import backup

    try:
        path = backup.backup_station(cfg.station_db_path, backup.backups_dir(cfg.data_path))
    except backup.BackupError as exc:
        raise CliError(str(exc)) from None
    _audit_if_possible(cfg, "station.backup", path.name)
    print(for_terminal(str(path)))
    return 0


def cmd_station_backups(cfg, args) -> int:
    from kiosk.store import backup

    # The file names keep their UTC stamp (…Z.db: sortable, and what restore and older versions expect);
    # the second column is the same moment in China time.
    for path in reversed(backup.list_backups(backup.backups_dir(cfg.data_path))):
        print(f"{for_terminal(str(path))}\t{china_time(backup.backup_time(path))}")
    return 0


def cmd_station_restore(cfg, args) -> int:
    from kiosk.store import backup

    try:
        preserved = backup.restore_station(args.file, cfg.station_db_path, backup.backups_dir(cfg.data_path))
    except backup.BackupError as exc:
        raise CliError(f"not restored: {exc}") from None
    _audit_if_possible(cfg, "station.restore", str(args.file))
    print(for_terminal(f"station.db restored from {args.file}"))
    if preserved:
        print(for_terminal(f"the replaced station.db was kept at {preserved}"))
    return 0


def _audit_if_possible(cfg, action: str, obj: str) -> None:
    from kiosk.store import station

    if station.open_station_db_safely(cfg.station_db_path)[0]:
        station.audit(action, obj, "", "cli")
        station.station_db.close()


def register(sub, common) -> None:
    p = sub.add_parser("admin", help="station staff PIN and the audit log", parents=[common])
    asub = p.add_subparsers(dest="admin_cmd", required=True, metavar="ACTION")
    q = asub.add_parser("set-pin", help="set or replace the admin PIN (asked twice on the terminal, never on the command line)",
                        parents=[common])
    q.set_defaults(func=cmd_set_pin)
    q = asub.add_parser("unlock", help="end a PIN lockout and reset the backoff", parents=[common])
    q.set_defaults(func=cmd_unlock)
    q = asub.add_parser("audit", help="show the newest audit log entries (time, actor, action, object)", parents=[common])
    q.add_argument("--limit", type=int, default=50, help="at most this many entries (default 50)")
    q.add_argument("--json", action="store_true", help="print JSON")
    q.set_defaults(func=cmd_audit)

    p = sub.add_parser("station", help="station.db (announcements, PIN, audit) backup and restore", parents=[common])
    ssub = p.add_subparsers(dest="station_cmd", required=True, metavar="ACTION")
    q = ssub.add_parser("backup", help="write a backup copy now (7 newest kept in <data_dir>/backups); prints its path",
                        parents=[common])
    q.set_defaults(func=cmd_station_backup)
    q = ssub.add_parser("backups", help="list backup copies, newest first", parents=[common])
    q.set_defaults(func=cmd_station_backups)
    q = ssub.add_parser("restore", help="replace station.db by a backup copy (the replaced file is kept)", parents=[common])
    q.add_argument("file", help="a backup file, e.g. one listed by `ipkiosk station backups`")
    q.set_defaults(func=cmd_station_restore)
