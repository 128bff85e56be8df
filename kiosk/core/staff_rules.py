"""What staff may enter: the PIN format and the length of an announcement.

Shared by the stores, which enforce the rules (kiosk.store.pin, kiosk.store.station), and the
admin screen, which checks a new PIN before asking for it again and words every refusal. Kept
apart from the stores so the UI process can use them without importing peewee.
"""

from __future__ import annotations

import re

PIN_MIN_DIGITS = 6
PIN_MAX_DIGITS = 8
MAX_TITLE_CHARS = 80
MAX_BODY_CHARS = 2000


class PinError(ValueError):
    """A PIN that cannot be used; the message says why."""


def check_pin_format(pin: str) -> None:
    """Refuse PINs that are not 6–8 ASCII digits, or that are trivially guessable."""
    if not re.fullmatch(rf"[0-9]{{{PIN_MIN_DIGITS},{PIN_MAX_DIGITS}}}", pin or ""):
        raise PinError(f"PIN must be {PIN_MIN_DIGITS}–{PIN_MAX_DIGITS} digits (0–9), got {len(pin or '')} characters")
    if len(set(pin)) == 1:
        raise PinError("PIN must not repeat one digit (such as 000000)")
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:], strict=False)}
    if steps in ({1}, {9}):
        raise PinError("PIN must not be a run of consecutive digits (such as 123456)")
