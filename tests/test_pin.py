"""Admin PIN: scrypt hashing, format rules, lockout and backoff that survive a restart."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.store import pin as pin_mod
from kiosk.store import station
from kiosk.store.pin import PinError, PinGuard

GOOD_PIN = "258013"


class FakeClock:
    def __init__(self):
        self.now = dt.datetime(2026, 12, 1, 9, 0, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock():
    return FakeClock()


def _restart(cfg) -> None:
    """What a kiosk restart does to station.db: close, then open again from the file."""
    station.station_db.close()
    ok, problem = station.open_station_db_safely(cfg.station_db_path)
    assert ok, problem


def _fail_until_locked(guard: PinGuard) -> pin_mod.PinCheck:
    for _ in range(pin_mod.TRIES_BEFORE_LOCKOUT - 1):
        result = guard.check("000001")
        assert not result.ok and result.locked_for_s == 0
    return guard.check("000001")


def test_hash_is_salted_scrypt_and_verifies_only_the_right_pin():
    first, second = pin_mod.hash_pin(GOOD_PIN), pin_mod.hash_pin(GOOD_PIN)
    assert first.startswith("scrypt$16384$8$1$")
    assert first != second, "each hash gets its own salt"
    assert GOOD_PIN not in first
    assert pin_mod.verify_pin(GOOD_PIN, first) and pin_mod.verify_pin(GOOD_PIN, second)
    assert not pin_mod.verify_pin("258014", first)
    assert not pin_mod.verify_pin(GOOD_PIN, "garbage")
    assert not pin_mod.verify_pin(GOOD_PIN, "md5$1$1$1$AAAA$AAAA")


def test_hash_matches_reference_scrypt_for_fixed_salt():
    import base64
    import hashlib

    salt = bytes(range(16))
    expected = hashlib.scrypt(GOOD_PIN.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    encoded = pin_mod.hash_pin(GOOD_PIN, salt=salt)
    assert encoded.split("$")[-1] == base64.b64encode(expected).decode()


@pytest.mark.parametrize("bad, reason", [
    ("12345", "6–8 digits"), ("123456789", "6–8 digits"), ("12a456", "6–8 digits"), ("", "6–8 digits"),
    ("１２３４５６", "6–8 digits"),  # full-width digits from an input method
    ("777777", "repeat"), ("345678", "consecutive"), ("876543", "consecutive"), ("90123456", "consecutive"),
])
def test_pin_format_rules_name_the_problem(bad, reason):
    with pytest.raises(PinError, match=reason):
        pin_mod.check_pin_format(bad)


def test_no_pin_set_means_check_refuses_and_setting_one_is_audited(station_store, clock):
    guard = PinGuard(clock=clock)
    assert not guard.is_set()
    with pytest.raises(PinError, match="no PIN set"):
        guard.check(GOOD_PIN)
    guard.set_pin(GOOD_PIN)
    assert guard.is_set()
    assert station.get_setting(pin_mod.KEY_HASH).startswith("scrypt$")
    assert guard.check(GOOD_PIN).ok
    actions = [r["action"] for r in station.recent_audit()]
    assert actions[:2] == ["admin.login", "pin.set"]


def test_five_wrong_tries_lock_for_60_s_then_double_up_to_an_hour(station_store, clock):
    guard = PinGuard(clock=clock)
    guard.set_pin(GOOD_PIN)
    expected_lock_s = [60, 120, 240, 480, 960, 1920, 3600, 3600]
    for lock_s in expected_lock_s:
        result = _fail_until_locked(guard)
        assert result == pin_mod.PinCheck(ok=False, locked_for_s=lock_s, tries_left=0)
        # While locked even the right PIN is refused, and not counted.
        clock.advance(lock_s - 1)
        assert guard.check(GOOD_PIN).locked_for_s == 1
        clock.advance(1)
        assert guard.locked_for_s() == 0
        assert guard.tries_left() == pin_mod.TRIES_BEFORE_LOCKOUT


def test_right_pin_resets_tries_and_backoff(station_store, clock):
    guard = PinGuard(clock=clock)
    guard.set_pin(GOOD_PIN)
    assert _fail_until_locked(guard).locked_for_s == 60
    clock.advance(60)
    assert guard.check("000002").tries_left == 4
    assert guard.check(GOOD_PIN).ok
    assert guard.tries_left() == 5
    assert _fail_until_locked(guard).locked_for_s == 60, "backoff starts again at 60 s after a good login"


def test_lockout_and_backoff_survive_a_restart(station_store, cfg, clock):
    guard = PinGuard(clock=clock)
    guard.set_pin(GOOD_PIN)
    assert _fail_until_locked(guard).locked_for_s == 60
    _restart(cfg)
    guard = PinGuard(clock=clock)
    assert guard.locked_for_s() == 60
    assert not guard.check(GOOD_PIN).ok
    clock.advance(60)
    guard.check("000003")
    guard.check("000003")
    _restart(cfg)
    guard = PinGuard(clock=clock)
    assert guard.tries_left() == 3, "the try counter is persisted too"
    guard.check("000003")
    guard.check("000003")
    assert guard.check("000003").locked_for_s == 120, "second lockout doubles even across restarts"


def test_every_pin_event_is_audited_with_time_action_object(station_store, clock):
    guard = PinGuard(clock=clock)
    guard.set_pin(GOOD_PIN)
    _fail_until_locked(guard)
    guard.check(GOOD_PIN)  # refused: locked
    clock.advance(60)
    guard.check(GOOD_PIN)
    guard.set_pin("864209")
    guard.clear_lockout()
    rows = list(reversed(station.recent_audit()))
    assert [r["action"] for r in rows] == ["pin.set"] + ["pin.fail"] * 4 + ["pin.lockout", "pin.refused", "admin.login",
                                                                            "pin.change", "pin.unlock"]
    assert all(r["at"] and r["object"] == "pin" and r["actor"] == "admin-screen" for r in rows)
    assert GOOD_PIN not in str(rows) and "864209" not in str(rows), "the PIN itself is never logged"


def test_rejected_new_pin_changes_nothing(station_store, clock):
    guard = PinGuard(clock=clock)
    guard.set_pin(GOOD_PIN)
    with pytest.raises(PinError):
        guard.set_pin("111111")
    assert guard.check(GOOD_PIN).ok


def test_lockout_stored_while_the_clock_was_years_ahead_ends_within_its_length(station_store, clock):
    """The clock was set years ahead when the lockout was stored, then corrected: the pad must not stay locked
    until the wrong date comes round, only for the lockout's own length from the corrected time."""
    guard = PinGuard(clock=clock)
    guard.set_pin(GOOD_PIN)
    corrected = clock.now
    clock.now = corrected.replace(year=corrected.year + 5)
    assert _fail_until_locked(guard).locked_for_s == pin_mod.FIRST_LOCKOUT_S
    clock.now = corrected
    assert guard.locked_for_s() == pin_mod.FIRST_LOCKOUT_S
    last = station.recent_audit(1)[0]
    assert (last["action"], last["object"]) == ("pin.lockout", "pin") and "clock moved back" in last["detail"]
    refused = guard.check(GOOD_PIN)
    assert not refused.ok and refused.locked_for_s == pin_mod.FIRST_LOCKOUT_S
    clock.advance(pin_mod.FIRST_LOCKOUT_S)
    assert guard.locked_for_s() == 0
    assert guard.check(GOOD_PIN).ok, "the lockout ended after its 60 s on the corrected clock"


@pytest.mark.parametrize("stored", ["2999-01-01T00:00:00+00:00", "not a time", "2026-12-01T09:00:00"])
def test_any_stored_lock_end_locks_for_at_most_the_maximum(station_store, clock, stored):
    """Whatever station.db holds (far future, damaged, without an offset, with the top backoff level), the wait
    shown and enforced is at most MAX_LOCKOUT_S from now, and it really ends then."""
    guard = PinGuard(clock=clock)
    guard.set_pin(GOOD_PIN)
    station.set_setting(pin_mod.KEY_LOCKOUTS, "99")
    station.set_setting(pin_mod.KEY_LOCKED_UNTIL, stored)
    assert guard.locked_for_s() == pin_mod.MAX_LOCKOUT_S
    assert guard.check(GOOD_PIN).locked_for_s == pin_mod.MAX_LOCKOUT_S
    clock.advance(pin_mod.MAX_LOCKOUT_S - 1)
    assert guard.locked_for_s() == 1, "the wait counts down from the corrected end, it is not re-capped each time"
    clock.advance(1)
    assert guard.check(GOOD_PIN).ok
