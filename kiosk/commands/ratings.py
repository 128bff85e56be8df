"""`ipkiosk ratings export`: the 好差评 ratings of station.db as CSV (one per line) or one JSON list, streamed.

Every rating is exported as stored: ``id``, ``at`` (the instant it was given, UTC ISO 8601 with its
offset, ``2026-11-24T04:00:00+00:00``, in CSV and JSON alike so both sort and compare as text),
``service_id``, ``level`` (1 非常不满意 … 5 非常满意), ``reasons`` (reason codes; in CSV separated by
single spaces) and ``language``. No personal data is stored, so none is exported. docs/cli.md shows both.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys

from kiosk.commands import EXIT_USAGE, CliError, open_station, print_json_list

# The fields of a rating, in the order both formats give them.
FIELDS = ("id", "at", "service_id", "level", "reasons", "language")


def cmd_ratings_export(cfg, args) -> int:
    from kiosk.store import ratings, station

    open_station(cfg)
    try:
        since = station.parse_instant(args.since, "--since")
    except station.StationError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    # Streamed: one rating at a time from station.db to stdout, so memory stays flat however many there are.
    rows = ratings.iter_ratings_since(dt.datetime.fromisoformat(since) if since else None)
    if args.format == "json":
        print_json_list({"id": r["id"], "at": r["at"], "service_id": r["service_id"], "level": r["level"],
                         "reasons": r["reasons"], "language": r["language"]} for r in rows)
        return 0
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(FIELDS)
    for r in rows:
        writer.writerow((r["id"], r["at"], r["service_id"], r["level"], " ".join(r["reasons"]), r["language"]))
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("ratings", help="好差评: the ratings visitors gave services (station.db)", parents=[common])
    rsub = p.add_subparsers(dest="ratings_cmd", required=True, metavar="ACTION")
    q = rsub.add_parser("export", help="print every rating (time, service id, level, reasons, language)",
                        parents=[common])
    fmt = q.add_mutually_exclusive_group(required=True)
    fmt.add_argument("--csv", dest="format", action="store_const", const="csv", help="CSV with a header line")
    fmt.add_argument("--json", dest="format", action="store_const", const="json", help="a JSON list of objects")
    q.add_argument("--since", metavar="WHEN",
                   help="only ratings given at or after WHEN (ISO date or datetime; without an offset: China time)")
    q.set_defaults(func=cmd_ratings_export)
