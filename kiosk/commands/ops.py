"""Operations subcommands for technicians: `doctor` and `logs`."""

from __future__ import annotations

import logging
import sys

from kiosk.commands import EXIT_USAGE, CliError, print_json

log = logging.getLogger("ipkiosk.doctor")

DEFAULT_TAIL = 50
STATUS_MARK = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}


def _print_checks(checks, as_json: bool) -> None:
    from kiosk.commands import doctor

    if as_json:
        print_json(doctor.as_json(checks))
        return
    for c in checks:
        print(f"[{STATUS_MARK[c.status]}] {c.name:13} {c.detail}")
        if c.remedy and c.status != "ok":
            print(f"{'':20} → {c.remedy}")


def cmd_doctor(cfg, args) -> int:
    from kiosk.commands import doctor

    checks = doctor.run_checks(cfg)
    _print_checks(checks, args.json)
    # One line in the log, so `ipkiosk logs` shows when the terminal was last checked and how it was.
    problems = [f"{c.name}={c.status}" for c in checks if c.status != "ok"]
    log.info("doctor: %s", ", ".join(problems) if problems else "all checks ok")
    return doctor.exit_code(checks)


def doctor_with_broken_config(error, args) -> int:
    """Called by cli.main when the config cannot be loaded: a broken config is a finding."""
    from kiosk.commands import doctor

    checks = doctor.config_failure(error)
    _print_checks(checks, args.json)
    return doctor.exit_code(checks)


def cmd_logs(cfg, args) -> int:
    from kiosk.core import logs

    if args.tail < 0:
        raise CliError(f"logs: --tail {args.tail}: expected 0 or more", EXIT_USAGE)
    if not logs.log_files(cfg.logs_path):
        print(f"no log files in {cfg.logs_path}", file=sys.stderr)
        return 0
    for entry in logs.read_entries(cfg.logs_path, tail=args.tail):
        print(f"{entry.file:9} {entry.text}")
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("doctor", parents=[common],
                       help="check config, databases, disk, fonts, printer, clock and repository; exit 1 on any failure")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_doctor, on_config_error=doctor_with_broken_config)

    p = sub.add_parser("logs", parents=[common], help="print the newest log entries of the kiosk, sync and CLI")
    p.add_argument("--tail", type=int, default=DEFAULT_TAIL, metavar="N",
                   help=f"only the last N entries (default {DEFAULT_TAIL})")
    p.set_defaults(func=cmd_logs)
