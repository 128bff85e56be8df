"""`ipkiosk pinyin` and `ipkiosk pinyin-service`: the kiosk keyboard's Chinese input (librime) from the command line.

    ipkiosk pinyin LETTERS [--limit N] [--json]   → the candidates the keyboard offers, best first
    ipkiosk pinyin --deploy                       → compile the schema into the data dir (install, first boot)
    ipkiosk pinyin-service                        → the keyboard's child process (kiosk/ime/service.py)

Without librime or its schema data, `pinyin` says so in one line (with the apt-get line) and exits 1.
"""

from __future__ import annotations

import sys
import time

from kiosk.commands import EXIT_USAGE, CliError, print_json
from kiosk.core.safe_text import for_terminal
from kiosk.ime import MAX_INPUT_LETTERS, MAX_LIMIT, PAGE_SIZE


def cmd_pinyin(cfg, args) -> int:
    from kiosk.ime import rime, service
    from kiosk.ime.rime import ImeUnavailable

    if args.letters is None and not args.deploy:
        raise CliError("pinyin: give LETTERS (e.g. qingliangjie) or --deploy", EXIT_USAGE)
    if not 1 <= args.limit <= MAX_LIMIT:
        raise CliError(f"pinyin: --limit must be 1 to {MAX_LIMIT}, got {args.limit}", EXIT_USAGE)
    log_level = rime.LOG_LEVEL_ERROR
    if rime.user_dictionary_in_use(service.user_dir(cfg)):
        # The running kiosk's pinyin service has it open: librime would log an error for each open attempt.
        print("pinyin: the kiosk's pinyin service has the user dictionary open; "
              "candidates are shown without the words this station has learned", file=sys.stderr)
        log_level = rime.LOG_LEVEL_FATAL
    started = time.monotonic()
    try:
        engine = service.open_engine(cfg, full_check=args.deploy, log_level=log_level)
    except ImeUnavailable as exc:
        raise CliError(f"pinyin: {exc}") from None
    with engine:
        if args.deploy:  # a full check: librime compares every file and rebuilds what changed
            print(f"pinyin: librime {engine.version}, schema {engine.schema} deployed in {engine.user_dir} "
                  f"({time.monotonic() - started:.2f} s)")
        if args.letters is None:
            return 0
        try:
            words = engine.candidates(args.letters, args.limit)
        except ValueError as exc:
            raise CliError(f"pinyin: {exc}", EXIT_USAGE) from None
    if args.json:
        print_json(words)
    else:
        for word in words:
            print(for_terminal(word))
    return 0


def cmd_pinyin_service(cfg, args) -> int:
    from kiosk.ime import service

    return service.main(cfg)


def register(sub, common) -> None:
    p = sub.add_parser("pinyin", help="Chinese candidates for pinyin letters, as the on-screen keyboard offers them",
                       parents=[common])
    p.add_argument("letters", nargs="?",
                   help=f"pinyin letters, whole phrases too, e.g. qingliangjie (a-z and ', at most {MAX_INPUT_LETTERS})")
    p.add_argument("--limit", type=int, default=PAGE_SIZE,
                   help=f"at most this many candidates (default {PAGE_SIZE}, one page of the keyboard; up to {MAX_LIMIT})")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.add_argument("--deploy", action="store_true",
                   help="compile the pinyin schema into the data dir now (at install or first boot; else the first use does it)")
    p.set_defaults(func=cmd_pinyin)

    p = sub.add_parser("pinyin-service", help="the on-screen keyboard's pinyin engine (a child process of the UI; "
                       "JSON lines on stdin/stdout)", parents=[common])
    p.set_defaults(func=cmd_pinyin_service)
