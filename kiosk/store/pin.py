"""Station staff PIN: scrypt hash and lockout with backoff, kept in station.db settings.

Qt-free. The hash and the lockout state live in station.db (``StationSetting`` rows), so a
restart or a power cut does not reset the lockout. The clock is passed in so tests can
move time. Every outcome (set, login, failure, lockout) is written to the audit log.

Lockout rule: 5 wrong tries in a row lock the pad for 60 s; each further lockout doubles
the wait, up to 1 h. A correct PIN resets both the try counter and the backoff level.
The lock end is stored as an instant, so a clock that was wrong when it was stored (set years
ahead, then corrected) would leave it far in the future; the wait is therefore never longer
than the lockout's own length from now, whatever is stored.

When station.db cannot be written (a full disk opens it read-only, or a disk fills up later),
the pad keeps working, because that is exactly when staff need the admin screen: a correct PIN
still unlocks (its audit entry is skipped and logged), and a wrong one still counts. A guard keeps
the counters it could not save in memory and reads them before the stored ones, so the lockout
still bites for as long as the process runs; every answer says what could not be saved
(``PinCheck.unsaved``). The next write that succeeds stores the counters and forgets the copy.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import peewee

from kiosk.core.clock import iso, utcnow

# Part of this module's API (the "X as X" form re-exports them explicitly).
from kiosk.core.staff_rules import PIN_MAX_DIGITS as PIN_MAX_DIGITS
from kiosk.core.staff_rules import PIN_MIN_DIGITS as PIN_MIN_DIGITS
from kiosk.core.staff_rules import PinError as PinError
from kiosk.core.staff_rules import PinReason as PinReason
from kiosk.core.staff_rules import check_pin_format as check_pin_format
from kiosk.store import station
from kiosk.store.db import storage_problem

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

TRIES_BEFORE_LOCKOUT = 5
FIRST_LOCKOUT_S = 60
MAX_LOCKOUT_S = 3600

# scrypt cost: n=2**14, r=8 needs 16 MiB and ~40 ms per check on a small x86 box, which is
# negligible at a PIN pad but makes an offline guess of all 10**8 PINs cost days, not seconds.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_KEY_BYTES = 32
SALT_BYTES = 16

KEY_HASH = "admin.pin_hash"
KEY_FAILURES = "admin.pin_failures"
KEY_LOCKOUTS = "admin.pin_lockouts"
KEY_LOCKED_UNTIL = "admin.pin_locked_until"

Clock = Callable[[], dt.datetime]


def _scrypt(password: bytes, *, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    # hashlib offers scrypt only when OpenSSL is behind it (a Python built without it has no scrypt there).
    if hasattr(hashlib, "scrypt"):
        return hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, dklen=dklen)
    from _hashlib import scrypt

    return scrypt(password, salt=salt, n=n, r=r, p=p, dklen=dklen)


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """Encode as ``scrypt$n$r$p$<salt b64>$<key b64>`` so the cost can change later."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    key = _scrypt(pin.encode("ascii"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=SCRYPT_KEY_BYTES)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(key).decode()}"


def verify_pin(pin: str, encoded: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, key_b64 = encoded.split("$")
        if scheme != "scrypt":
            return False
        salt, expected = base64.b64decode(salt_b64), base64.b64decode(key_b64)
        key = _scrypt(pin.encode("ascii", "replace"), salt=salt, n=int(n), r=int(r), p=int(p),
                             dklen=len(expected))
    except (ValueError, UnicodeError):
        log.error("stored PIN hash is malformed; refusing every PIN until it is set again")
        return False
    return hmac.compare_digest(key, expected)


@dataclass(frozen=True)
class PinCheck:
    ok: bool
    locked_for_s: int = 0  # > 0: the pad is locked (this try was not even checked, or it caused the lockout)
    tries_left: int = TRIES_BEFORE_LOCKOUT
    # Why this outcome (counters, audit entry) could not be saved in station.db, e.g. "disk full (…)";
    # '' when it was saved. The counters are then kept in memory by the guard.
    unsaved: str = ""


def _lock_length(lockouts: int) -> int:
    """Seconds the LOCKOUTS-th lockout in a row lasts (the first when 0 or less): 60 s doubling, at most
    MAX_LOCKOUT_S. The exponent is bounded so a huge stored counter cannot build a huge integer."""
    return min(FIRST_LOCKOUT_S << min(max(lockouts, 1) - 1, 16), MAX_LOCKOUT_S)


def _as_count(key: str, value: str | None) -> int:
    """A counter setting's value; a damaged one counts as 0 (the lockout still holds through the lock end)."""
    try:
        return max(0, int(value or "0"))
    except ValueError:
        log.error("PIN setting %s holds %r, not a count; counting from 0", key, value)
        return 0


def _unwritable_reason(exc: peewee.DatabaseError) -> str:
    """Why a write to station.db failed, for the log and PinCheck.unsaved: "disk full (…)" when it is
    open read-only on a full disk or the disk filled up since, else the database's own words."""
    reason = station.read_only_reason()
    path = station.station_db.database
    if reason is None and path and path != ":memory:" and not str(path).startswith("file:"):
        reason = storage_problem(exc, Path(path).parent)
    return reason or f"{type(exc).__name__}: {exc}"


class PinGuard:
    """The PIN pad's rules. Needs station.db open (``open_station_db_safely``).

    One guard lives as long as its process (the data service keeps one): the counters it could not
    save are kept in it (see the module docstring)."""

    def __init__(self, clock: Clock = utcnow, actor: str = "admin-screen", *, unsaved: dict[str, str] | None = None):
        self._clock = clock
        self._actor = actor
        # Counter settings whose newest value could not be written to station.db: read before the stored ones.
        # A caller that makes one guard per instant (the data service) passes the same dict to each.
        self._unsaved: dict[str, str] = {} if unsaved is None else unsaved

    def _setting(self, key: str) -> str | None:
        return self._unsaved[key] if key in self._unsaved else station.get_setting(key)

    def _count(self, key: str) -> int:
        return _as_count(key, self._setting(key))

    def _save(self, settings: dict[str, str], action: str, detail: str = "") -> str:
        """Write SETTINGS and the audit entry ACTION in one transaction; '' when saved, else why not.

        When station.db cannot take the write, SETTINGS are kept in memory (the lockout still bites)
        and the lost audit entry is logged instead."""
        try:
            with station.station_db.atomic():
                for key, value in settings.items():
                    station.set_setting(key, value)
                station.audit(action, "pin", detail, self._actor)
        except peewee.DatabaseError as exc:
            reason = _unwritable_reason(exc)
            self._unsaved.update(settings)
            log.error("station.db cannot be written (%s): PIN %s%s not saved%s", reason, action,
                      f" ({detail})" if detail else "",
                      "; the PIN counters are kept in memory until the kiosk restarts" if settings else "")
            return reason
        for key in settings:
            self._unsaved.pop(key, None)
        return ""

    def is_set(self) -> bool:
        return bool(station.get_setting(KEY_HASH))

    def set_pin(self, pin: str) -> None:
        """Store a new PIN hash; the counters start again. A station.db that cannot be written raises
        its database error: a new PIN that is not stored must not seem set."""
        check_pin_format(pin)
        encoded = hash_pin(pin)
        with station.station_db.atomic():
            action = "pin.change" if self.is_set() else "pin.set"
            station.set_setting(KEY_HASH, encoded)
            self._reset_counters()
            station.audit(action, "pin", "", self._actor)
        self._unsaved.clear()

    def locked_for_s(self) -> int:
        """Seconds until the pad takes a PIN again: 0 when not locked, at most the current lockout's length.

        A stored lock end further ahead than that (the clock was set back since it was stored, or
        the value is damaged) is moved to that length from now, so the lockout ends on time instead
        of when the clock catches up."""
        until_text = self._setting(KEY_LOCKED_UNTIL)
        if not until_text:
            return 0
        now = self._clock()
        longest = _lock_length(self._count(KEY_LOCKOUTS))
        try:
            remaining = (dt.datetime.fromisoformat(until_text) - now).total_seconds()
        except (ValueError, TypeError):  # not an ISO instant, or one without an offset
            remaining = float("inf")
        if remaining > longest:
            remaining = longest
            log.warning("stored PIN lock end %r is more than %d s ahead (clock moved back?): the pad is locked "
                        "for %d s from now instead", until_text, longest, longest)
            # When it cannot be stored, the corrected end is kept in memory like the other counters.
            self._save({KEY_LOCKED_UNTIL: iso(now + dt.timedelta(seconds=longest))}, "pin.lockout",
                       f"{longest} s from now: the stored end {until_text!r} was further ahead (clock moved back)")
        # Round up: "locked for 0 s" must not be shown while a try would still be refused.
        return max(0, int(-(-remaining // 1)))

    def tries_left(self) -> int:
        return max(0, TRIES_BEFORE_LOCKOUT - self._count(KEY_FAILURES))

    def check(self, pin: str) -> PinCheck:
        """Verify PIN unless locked out; count failures and start a lockout on the fifth."""
        encoded = station.get_setting(KEY_HASH)
        if not encoded:
            raise PinError(PinReason.NOT_SET, "no PIN set yet: set one first")
        locked = self.locked_for_s()
        if locked:
            unsaved = self._save({}, "pin.refused", f"locked for {locked} s")
            return PinCheck(ok=False, locked_for_s=locked, tries_left=0, unsaved=unsaved)
        if verify_pin(pin, encoded):
            return PinCheck(ok=True, unsaved=self._save(self._cleared_counters(), "admin.login"))
        failures = self._count(KEY_FAILURES) + 1
        if failures < TRIES_BEFORE_LOCKOUT:
            unsaved = self._save({KEY_FAILURES: str(failures)}, "pin.fail", f"try {failures} of {TRIES_BEFORE_LOCKOUT}")
            return PinCheck(ok=False, tries_left=TRIES_BEFORE_LOCKOUT - failures, unsaved=unsaved)
        lockouts = self._count(KEY_LOCKOUTS) + 1
        lock_s = _lock_length(lockouts)
        unsaved = self._save({KEY_FAILURES: "0", KEY_LOCKOUTS: str(lockouts),
                              KEY_LOCKED_UNTIL: iso(self._clock() + dt.timedelta(seconds=lock_s))},
                             "pin.lockout", f"{lock_s} s after {TRIES_BEFORE_LOCKOUT} wrong tries")
        log.warning("admin PIN pad locked for %d s after %d wrong tries", lock_s, TRIES_BEFORE_LOCKOUT)
        return PinCheck(ok=False, locked_for_s=lock_s, tries_left=0, unsaved=unsaved)

    def clear_lockout(self) -> None:
        """Technician override from the shell (`ipkiosk admin unlock`)."""
        with station.station_db.atomic():
            self._reset_counters()
            station.audit("pin.unlock", "pin", "", self._actor)
        self._unsaved.clear()

    @staticmethod
    def _cleared_counters() -> dict[str, str]:
        return {KEY_FAILURES: "0", KEY_LOCKOUTS: "0", KEY_LOCKED_UNTIL: ""}

    def _reset_counters(self) -> None:
        for key, value in self._cleared_counters().items():
            station.set_setting(key, value)
