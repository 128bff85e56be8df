"""`ipkiosk sync --once | --loop`: fetch, verify and apply signed content (kiosk/sync/client.py).

Exit codes of --once: 0 OK (content changed), 1 UNCHANGED, 10 OFFLINE, 11 STALE,
12 SECURITY_ALERT, 13 REFUSED (a signed collection breaks the content rules: it keeps its last good
generation, the others applied), 2 usage/config error. One summary line goes to stderr. --loop runs until
SIGTERM/SIGINT and then exits 0; SIGUSR1 starts the next cycle at once ("sync now").

The UI runs one `sync --once --after-failures N` child per cycle (kiosk/ui/sync_child.py), so nothing of the
sync code stays in memory between cycles: N is the number of failed cycles just before this one, and the
child records when the next cycle is due by the loop's own rule (kiosk.core.sync_outcome.next_delay_s, a
server's Retry-After included), which the UI reads back through the data service.
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


def _failure_count(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"{text!r}: expected 0–1000 failed cycles")
    return value


def cmd_sync(cfg, args) -> int:
    import random
    import signal
    import threading

    from kiosk.sync.client import Backoff, SyncClient, SyncConfigError, run_loop

    if args.loop and args.after_failures is not None:
        raise CliError("sync: --after-failures goes with --once (the loop counts its own failures)", EXIT_USAGE)
    stop = threading.Event()
    try:
        client = SyncClient(cfg, should_stop=stop.is_set, deadline_s=args.deadline_s)
        if args.once:
            if args.after_failures is None:
                outcome = client.run_once()
            else:
                outcome = client.run_once(schedule=Backoff(cfg.sync_interval_s, random.Random(),
                                                           failures=args.after_failures))
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
    p.add_argument("--after-failures", type=_failure_count, metavar="N",
                   help="with --once: this cycle follows N failed ones; record when the next cycle is due, "
                        "as --loop would (the UI runs one cycle at a time this way)")
    p.add_argument("--deadline-s", type=_deadline_s, default=900.0, metavar="S",
                   help="end a cycle S seconds after it started, however slowly the server answers (default 900)")
    p.set_defaults(func=cmd_sync)
