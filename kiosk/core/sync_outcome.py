"""The outcomes of a sync cycle, the reason codes beside them, the exit codes of `ipkiosk sync --once` that
carry them, and when the next cycle is due.

Defined here, below every layer, because both ends use them: the sync client (kiosk.sync) ends a
cycle with one and exits with its code, and the UI (kiosk.ui), which may not import the sync package,
runs one `sync --once` child per cycle, reads its code back into an outcome, words it and schedules the
next cycle by the same rule the `--loop` uses.
"""

from __future__ import annotations

import random
from enum import StrEnum

# Never poll more often than this, whatever the config says; back off at most this long after failures
# (unless the interval is longer); honour a server's Retry-After up to a day.
MIN_INTERVAL_S = 300
JITTER_FRACTION = 0.2
MAX_BACKOFF_S = 4 * 3600
MAX_RETRY_AFTER_S = 24 * 3600


class Outcome(StrEnum):
    """Outcome classes of a sync cycle (DESIGN.md "Sync protocol"). REFUSED: validly signed content that
    breaks the content rules (docs/sync.md) — a publisher's mistake, not an attack; the refused collections
    keep their last good generation and every other collection still applies."""

    OK = "OK"
    UNCHANGED = "UNCHANGED"
    OFFLINE = "OFFLINE"
    STALE = "STALE"
    SECURITY_ALERT = "SECURITY_ALERT"
    REFUSED = "REFUSED"


class SyncReason(StrEnum):
    """Why a sync cycle ended as it did, as a machine code: recorded beside the English reason (content.db
    ``last_reason_code``, `ipkiosk status --json`, the summary line of `ipkiosk sync`), and the only thing the
    staff screen words a cycle by (kiosk.ui.admin.wording). The English reason stays the technical detail."""

    APPLIED = "APPLIED"  # new signed content applied (the counts are recorded beside it)
    REFUSED_COLLECTIONS = "REFUSED_COLLECTIONS"  # signed collections broke the content rules (content.RefusedTarget)
    CONTENT_CURRENT = "CONTENT_CURRENT"
    LOCK_BUSY = "LOCK_BUSY"  # another sync process held the lock: nothing done, nothing recorded
    STOPPED = "STOPPED"  # the process was told to stop (SIGTERM of `sync --loop`) before the cycle finished
    LOCAL_STORAGE = "LOCAL_STORAGE"  # the data disk is full or failing
    EXPIRED_METADATA = "EXPIRED_METADATA"
    NOT_METADATA = "NOT_METADATA"  # a captive portal's page, a proxy's error
    HTTP_ERROR = "HTTP_ERROR"
    DOWNLOAD_SLOW = "DOWNLOAD_SLOW"  # a download too slow, or the cycle's deadline passed
    DOWNLOAD_FAILED = "DOWNLOAD_FAILED"
    ROLLBACK = "ROLLBACK"  # signed metadata, a collection or a record older than what this terminal has
    EQUIVOCATION = "EQUIVOCATION"  # the generation this terminal applied, signed again with different content
    RECORD_CLASH = "RECORD_CLASH"  # a signed record already lives in another collection here
    BAD_SIGNATURE = "BAD_SIGNATURE"
    HASH_MISMATCH = "HASH_MISMATCH"  # a downloaded file differs from what the signed metadata says of it
    MALFORMED_METADATA = "MALFORMED_METADATA"
    TOO_MUCH_DATA = "TOO_MUCH_DATA"
    METADATA_REFUSED = "METADATA_REFUSED"  # any other refusal of the TUF client
    UNKNOWN = "UNKNOWN"  # a code this program does not know (recorded by a newer one)


def reason_of_code(code: str | None) -> SyncReason | None:
    """The SyncReason a recorded CODE names; None for none (recorded before codes were), UNKNOWN for a code
    this program does not know."""
    if code is None:
        return None
    try:
        return SyncReason(code)
    except ValueError:
        return SyncReason.UNKNOWN


EXIT_CODES: dict[str, int] = {Outcome.OK: 0, Outcome.UNCHANGED: 1, Outcome.OFFLINE: 10, Outcome.STALE: 11,
                              Outcome.SECURITY_ALERT: 12, Outcome.REFUSED: 13}
# `ipkiosk sync` could not run a cycle at all (no repository_url, an unusable trusted root): the CLI's
# usage code (kiosk.commands.EXIT_USAGE).
EXIT_NOT_CONFIGURED = 2


def outcome_of_exit_code(code: int) -> Outcome | None:
    """The outcome an exit code of `ipkiosk sync --once` reports; None for any other code."""
    return next((Outcome(outcome) for outcome, known in EXIT_CODES.items() if known == code), None)


def failures_after(result: str | None, failures_before: int) -> int:
    """Consecutive failed cycles after one that ended with RESULT (None: it ended without an outcome, e.g.
    it crashed). REFUSED is no fault of the network: polling goes on at the normal pace, so a fixed
    generation arrives soon."""
    return 0 if result in (Outcome.OK, Outcome.UNCHANGED, Outcome.REFUSED) else failures_before + 1


def next_delay_s(consecutive_failures: int, interval_s: float, rng: random.Random,
                 retry_after_s: float | None = None) -> float:
    """Seconds until the next cycle: interval ±20 % jitter; exponential backoff after failures;
    never sooner than the server's Retry-After."""
    base = max(interval_s, MIN_INTERVAL_S)
    if consecutive_failures:
        base = min(base * 2 ** (consecutive_failures - 1), max(MAX_BACKOFF_S, interval_s))
    delay = base * rng.uniform(1 - JITTER_FRACTION, 1 + JITTER_FRACTION)
    if retry_after_s is not None:
        delay = max(delay, min(retry_after_s, MAX_RETRY_AFTER_S))
    return delay
