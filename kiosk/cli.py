"""`ipkiosk` command line. Every subcommand takes --config PATH (or $IPKIOSK_CONFIG).

Errors go to stderr with a non-zero exit: 2 for usage/config errors, 1 for others.
The --json documents are stable and described in docs/cli.md.

Plain output shows instants in China time with their offset (``2026-11-24 09:30:00 +08:00``,
kiosk.commands.china_time); --json keeps them as stored, UTC ISO 8601.

Plain output shows text from content, the network and station.db through
kiosk.core.safe_text.for_terminal: an ESC or OSC sequence, a BEL or a bidi override in a title is
printed escaped (``\x1b``, ``\u202e``), so content never drives the technician's terminal.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from kiosk import __version__
from kiosk.commands import EXIT_ERROR, EXIT_USAGE, INSTALLED_DOCS, CliError, china_time, open_station
from kiosk.commands import print_json as _print_json
from kiosk.core import config as config_mod
from kiosk.core import kinds, logs
from kiosk.core.safe_text import for_terminal
from kiosk.core.self_command import start_as_ui_child

log = logging.getLogger("ipkiosk")

# Modules under kiosk/commands that add subcommands (each has register(sub, common)).
COMMAND_MODULES: tuple[str, ...] = ("admin", "ui", "ops", "sync", "booking", "search", "ime", "speech",
                                     "ratings")


# ---------------------------------------------------------------- commands


def terminal_text(text: str) -> str:
    """Multi-line TEXT (a body, a summary) for the terminal: its line breaks kept, each line escaped."""
    return "\n".join(for_terminal(line) for line in str(text).split("\n"))


def cmd_config_show(cfg, args) -> int:
    if args.json:
        _print_json({"source": cfg.source, "settings": cfg.effective()})
    else:
        sys.stdout.write(f"# effective configuration (from {cfg.source})\n")
        sys.stdout.write(config_mod.to_toml(cfg.effective()))
    return 0


def cmd_import_seed(cfg, args) -> int:
    from kiosk.store import seed

    seed.open_content(cfg, seed_if_empty=False)
    result = seed.import_seed()
    if result.changed:
        print(f"imported seed content: {', '.join(result.changed_collections)} ({result.upserted} records)")
    else:
        print("seed not imported: every collection already has content (synced or seeded)")
    return 0


def cmd_status(cfg, args) -> int:
    from kiosk.store import content
    from kiosk.store.seed import open_content

    open_content(cfg)
    doc = content.status_dict()
    if args.json:
        _print_json(doc)
        return 0
    for kind, info in doc["collections"].items():
        gen = "-" if info["generation"] is None else info["generation"]
        print(for_terminal(f"{kind:14} {info['count']:6d} records  generation {gen}  ({info['source'] or 'none'})"))
    for collection, refusal in doc["refused"].items():
        print(for_terminal(f"refused: {collection} generation {refusal['generation']}: {refusal['reason']}"))
    print(f"content updated at: {china_time(doc['content_updated_at'])}")
    # The reason quotes what a server or a network said.
    print(for_terminal(last_sync_line(doc)))
    return 0


def last_sync_line(doc: dict) -> str:
    """The last sync of DOC (content.status_dict) in one line, worded as `ipkiosk sync` ends a cycle,
    ``last sync: OUTCOME [CODE]: REASON at WHEN``, so the two read alike. An outcome recorded before reason
    codes has no ``[CODE]``; a terminal that never synced says ``last sync: never``."""
    if not doc["last_result"]:
        return "last sync: never"
    code = f" [{doc['last_reason_code']}]" if doc["last_reason_code"] else ""
    reason = f": {doc['last_reason']}" if doc["last_reason"] else ""
    return f"last sync: {doc['last_result']}{code}{reason} at {china_time(doc['last_attempt_at'])}"


def cmd_list(cfg, args) -> int:
    from kiosk.store import content
    from kiosk.store.seed import open_content

    open_content(cfg)
    records = content.list_records(args.kind, category=args.category)
    if args.json:
        _print_json([{"id": r["id"], "kind": r["kind"], "title": r["title"], "rev": r["rev"]} for r in records])
    else:
        for r in records:
            print(f"{for_terminal(r['id'])}\t{for_terminal(r['title'])}")
    return 0


def cmd_show(cfg, args) -> int:
    from kiosk.store import content
    from kiosk.store.seed import open_content

    open_content(cfg)
    rec = content.get_record(args.id)
    if rec is None:
        raise CliError(f"no record with id {args.id!r}")
    if args.json:
        _print_json(rec)
        return 0
    print(for_terminal(str(rec["title"])))
    for key in ("issuer", "doc_number", "published_at", "category", "starts_at", "ends_at", "venue", "provider"):
        if rec.get(key):
            print(f"{key}: {for_terminal(_content_time(key, rec[key]))}")
    for key in ("summary", "conditions", "time_limit", "fee"):
        if rec.get(key):
            print(f"\n{terminal_text(rec[key])}")
    for key in ("materials", "process", "channels"):
        for item in rec.get(key) or ():
            print(f"- {terminal_text(item)}")
    if rec.get("body"):
        print()
        print(terminal_text(rec["body"]))
    return 0


_TIME_FIELDS = ("published_at", "starts_at", "ends_at")


def _content_time(key: str, value) -> str:
    """A record's field as shown: an instant (date and time) in China time with its offset; a date, or any other
    field, as published."""
    if key in _TIME_FIELDS and isinstance(value, str) and "T" in value:
        try:
            return china_time(value)
        except ValueError:  # not an instant after all: shown as published
            pass
    return str(value)


def _announcement_line(a: dict) -> str:
    # An open end says so in words: "… → …" read as if the dates were missing.
    starts = china_time(a["starts_at"]) if a["starts_at"] else "shown now"
    window = f"{starts} → {china_time(a['ends_at']) if a['ends_at'] else 'no end'}"
    return f"{a['id']}\t{'[pinned] ' if a['pinned'] else ''}{for_terminal(a['title'])}\t{for_terminal(window)}"


def cmd_announce(cfg, args) -> int:
    from kiosk.store import station

    open_station(cfg)
    try:
        if args.announce_cmd == "add":
            ann = station.add_announcement(args.title, args.body, starts_at=args.starts, ends_at=args.ends,
                                           pinned=args.pinned)
            print(ann.id)
        elif args.announce_cmd == "list":
            items = station.list_announcements()
            if args.json:
                _print_json(items)
            else:
                for a in items:
                    print(_announcement_line(a))
        elif args.announce_cmd == "edit":
            changes = {k: v for k, v in (("title", args.title), ("body", args.body), ("starts_at", args.starts),
                                          ("ends_at", args.ends)) if v is not None}
            if args.pinned is not None:
                changes["pinned"] = args.pinned
            if not changes:
                raise CliError("announce edit: nothing to change (give --title, --body, --starts, --ends or --pinned/--unpinned)",
                               EXIT_USAGE)
            print(_announcement_line(station.edit_announcement(args.id, **changes).as_dict()))
        elif args.announce_cmd == "remove":
            station.remove_announcement(args.id)
            print(f"removed {args.id}")
    except station.StationError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    return 0


# ---------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand's copy of --config must not reset one given before the subcommand.
    common.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS, help=f"settings file (TOML); default ${config_mod.ENV_VAR} or demo defaults")

    parser = argparse.ArgumentParser(prog="ipkiosk", description="IP Service Kiosk terminal.", parents=[common])
    parser.add_argument("--version", action="version", version=f"ipkiosk {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("config", help="show the effective configuration", parents=[common])
    csub = p.add_subparsers(dest="config_cmd", required=True, metavar="ACTION")
    q = csub.add_parser("show", help="print the effective settings as TOML (or --json)", parents=[common])
    q.add_argument("--json", action="store_true", help="print JSON")
    q.set_defaults(func=cmd_config_show)

    p = sub.add_parser("import-seed", help="import the bundled seed content into empty collections", parents=[common])
    p.set_defaults(func=cmd_import_seed)

    p = sub.add_parser("status", help="content counts, generations and the last sync outcome", parents=[common])
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("list", help="list the records of one collection", parents=[common])
    p.add_argument("kind", choices=kinds.NAMES)
    p.add_argument("--category", help="only this category (services)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="print one record in full", parents=[common])
    p.add_argument("id")
    p.add_argument("--json", action="store_true", help="print the record as JSON")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("announce", help="station announcements (本站公告) in station.db", parents=[common])
    asub = p.add_subparsers(dest="announce_cmd", required=True, metavar="ACTION")
    q = asub.add_parser("add", help="add an announcement; prints its id", parents=[common])
    q.add_argument("--title", required=True)
    q.add_argument("--body", default="")
    q.add_argument("--starts", metavar="ISO", help="first moment shown (default now); naive times are China time")
    q.add_argument("--ends", metavar="ISO", help="moment it stops being shown (default never)")
    q.add_argument("--pinned", action="store_true", help="show before the others")
    q.set_defaults(func=cmd_announce)
    q = asub.add_parser("list", help="list all announcements", parents=[common])
    q.add_argument("--json", action="store_true", help="print JSON")
    q.set_defaults(func=cmd_announce)
    q = asub.add_parser("edit", help="change an announcement", parents=[common])
    q.add_argument("id", type=int)
    q.add_argument("--title")
    q.add_argument("--body")
    q.add_argument("--starts", metavar="ISO")
    q.add_argument("--ends", metavar="ISO")
    q.add_argument("--pinned", dest="pinned", action="store_const", const=True, default=None)
    q.add_argument("--unpinned", dest="pinned", action="store_const", const=False)
    q.set_defaults(func=cmd_announce)
    q = asub.add_parser("remove", help="delete an announcement", parents=[common])
    q.add_argument("id", type=int)
    q.set_defaults(func=cmd_announce)

    for name in COMMAND_MODULES:
        importlib.import_module(f"kiosk.commands.{name}").register(sub, common)
    return parser


def _is_data_error(exc: Exception) -> bool:
    """A full disk, a read-only data dir, a locked or damaged database.

    peewee is looked up, not imported: a database error can only come from a command that
    imported it, and `ipkiosk run` never imports it (its data service child does).
    """
    peewee = sys.modules.get("peewee")
    return isinstance(exc, OSError) or (peewee is not None and isinstance(exc, peewee.DatabaseError))


def main(argv: list[str] | None = None) -> int:
    start_as_ui_child()  # a child of the UI ends with it (kiosk/core/self_command.py)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        cfg = config_mod.load(getattr(args, "config", None))
    except config_mod.ConfigError as exc:
        # `doctor` reports a broken config as one of its findings instead of stopping here.
        if hasattr(args, "on_config_error"):
            return args.on_config_error(exc, args)
        print(f"ipkiosk: config error: {for_terminal(str(exc))} (settings: {INSTALLED_DOCS['configuration']})",
              file=sys.stderr)
        return EXIT_USAGE
    # Rotating files in the data dir + stderr (the journal under systemd); see kiosk/core/logs.py.
    with logs.configured(cfg.logs_path, args.command):
        try:
            return args.func(cfg, args)
        except config_mod.ConfigError as exc:
            print(f"ipkiosk: config error: {for_terminal(str(exc))}", file=sys.stderr)
            return EXIT_USAGE
        except CliError as exc:
            # Messages may quote an id, a title or a file name as given: one escaped line.
            print(f"ipkiosk: {for_terminal(str(exc))}", file=sys.stderr)
            return exc.code
        except BrokenPipeError:
            # The reader went away (`ipkiosk search zl | head -1`): it has what it wanted. Stop quietly, and send
            # what Python would still flush at exit to nowhere instead of into the closed pipe.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        except Exception as exc:
            if not _is_data_error(exc):
                raise
            # A full disk, a read-only data dir, a locked or damaged database: name it in one line
            # (the traceback goes to the log file), never a raw traceback on the technician's screen.
            log.info("ipkiosk %s failed", args.command, exc_info=True)
            print(for_terminal(f"ipkiosk: {args.command}: {type(exc).__name__}: {exc} (data dir {cfg.data_path})"),
                  file=sys.stderr)
            return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
