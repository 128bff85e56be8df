"""`ipkiosk sync --once | --loop`: fetch, verify and apply signed content (kiosk/sync/client.py).

Exit codes of --once: 0 OK (content changed), 1 UNCHANGED, 10 OFFLINE, 11 STALE,
12 SECURITY_ALERT, 13 REFUSED (a signed collection breaks the content rules: it keeps its last good
generation, the others applied), 2 usage/config error. One summary line goes to stderr. --loop runs until
SIGTERM/SIGINT and then exits 0; SIGUSR1 starts the next cycle at once ("sync now").
The UI spawns it as a child process.
"""

from __future__ import annotations

import sys

from kiosk.commands import EXIT_USAGE, CliError


def _deadline_s(text: str) -> float:
    """A positive, finite number of seconds: NaN, 0, negatives and infinity would disable the deadline."""
    import argparse
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a positive number of seconds")
    return value


def cmd_sync(cfg, args) -> int:
    import signal
    import threading

    from kiosk.sync.client import SyncClient, SyncConfigError, run_loop

    stop = threading.Event()
    try:
        client = SyncClient(cfg, should_stop=stop.is_set, deadline_s=args.deadline_s)
        if args.once:
            outcome = client.run_once()
            print(outcome.summary(), file=sys.stderr)
            return outcome.exit_code

        wake = threading.Event()

        def request_stop(signum, frame):
            stop.set()
            wake.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGUSR1, lambda signum, frame: wake.set())  # "sync now" from the UI
        run_loop(client, cfg.sync_interval_s, stop=stop, wake=wake,
                 on_outcome=lambda o: print(o.summary(), file=sys.stderr, flush=True))
        return 0
    except SyncConfigError as exc:
        raise CliError(f"sync: {exc}", EXIT_USAGE) from None


def register(sub, common) -> None:
    p = sub.add_parser("sync", help="fetch, verify and apply signed content from repository_url", parents=[common])
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--once", action="store_true",
                      help="one cycle; exit 0 OK, 1 UNCHANGED, 10 OFFLINE, 11 STALE, 12 SECURITY_ALERT, "
                           "13 REFUSED, 2 config error")
    mode.add_argument("--loop", action="store_true",
                      help="cycle every sync_interval_s (±20 %% jitter, backoff on failure) until SIGTERM; SIGUSR1 = sync now")
    p.add_argument("--deadline-s", type=_deadline_s, default=900.0, metavar="S",
                   help="end a cycle S seconds after it started, however slowly the server answers (default 900)")
    p.set_defaults(func=cmd_sync)
