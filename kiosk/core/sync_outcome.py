"""The outcomes of a sync cycle and the exit codes of `ipkiosk sync --once` that carry them.

Defined here, below every layer, because both ends use them: the sync client (kiosk.sync) ends a
cycle with one and exits with its code, and the admin screen (kiosk.ui), which may not import the
sync package, reads the code of the 立即同步 child back into an outcome and words it.
"""

from __future__ import annotations

from enum import StrEnum


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


EXIT_CODES: dict[str, int] = {Outcome.OK: 0, Outcome.UNCHANGED: 1, Outcome.OFFLINE: 10, Outcome.STALE: 11,
                              Outcome.SECURITY_ALERT: 12, Outcome.REFUSED: 13}
# `ipkiosk sync` could not run a cycle at all (no repository_url, an unusable trusted root): the CLI's
# usage code (kiosk.commands.EXIT_USAGE).
EXIT_NOT_CONFIGURED = 2


def outcome_of_exit_code(code: int) -> Outcome | None:
    """The outcome an exit code of `ipkiosk sync --once` reports; None for any other code."""
    return next((Outcome(outcome) for outcome, known in EXIT_CODES.items() if known == code), None)
