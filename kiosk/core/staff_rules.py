"""What staff may enter, and why a staff action is refused.

Shared by the stores, which enforce the rules (kiosk.store.pin, kiosk.store.station), and the
admin screen, which checks a new PIN before asking for it again and words every refusal. Kept
apart from the stores so the UI process can use them without importing peewee.

Each error the stores raise for staff carries a ``reason``: a member of one of the enums below.
The reason travels to the admin screen as its string value (the data service sends it next to
the English message), and the screen words each reason in Chinese through one table
(kiosk.ui.admin.wording). The values are distinct across the enums, so a reason alone names it.
"""

from __future__ import annotations

import itertools
import re
from enum import StrEnum

PIN_MIN_DIGITS = 6
PIN_MAX_DIGITS = 8
MAX_TITLE_CHARS = 80
MAX_BODY_CHARS = 2000


class StationReason(StrEnum):
    """Why kiosk.store.station refused staff input (StationError.reason)."""

    TITLE_EMPTY = "title_empty"
    TITLE_TOO_LONG = "title_too_long"
    BODY_TOO_LONG = "body_too_long"
    # A character the public screen does not show (the content rules of kiosk.core.safe_text).
    TITLE_NOT_SHOWABLE = "title_not_showable"
    BODY_NOT_SHOWABLE = "body_not_showable"
    BAD_INSTANT = "bad_instant"
    ENDS_BEFORE_START = "ends_before_start"
    ANNOUNCEMENT_NOT_FOUND = "announcement_not_found"
    STATION_READ_ONLY = "station_read_only"
    BAD_RECORD_ID = "bad_record_id"  # a view counted (or a rating given) for something that is not a record id
    STATION_UNUSABLE = "station_unusable"  # station.db could not be opened: nothing can be stored in it
    # A rating the store refuses (kiosk.store.ratings; the levels and reasons are kiosk.core.ratings).
    BAD_RATING_LEVEL = "bad_rating_level"
    UNKNOWN_RATING_REASON = "unknown_rating_reason"
    RATING_REASON_OTHER_LEVEL = "rating_reason_other_level"  # a 'what went well' reason with a low level, or back
    TOO_MANY_RATING_REASONS = "too_many_rating_reasons"
    BAD_RATING_LANGUAGE = "bad_rating_language"
    # Reasons added to a saved rating (kiosk.store.ratings.add_rating_reasons) that the store refuses.
    RATING_NOT_FOUND = "rating_not_found"
    RATING_HAS_REASONS = "rating_has_reasons"  # its reasons were given already: a rating is amended once
    RATING_AMEND_TOO_LATE = "rating_amend_too_late"  # more than kiosk.core.ratings.AMEND_WINDOW after it was saved


class PinReason(StrEnum):
    """Why a PIN cannot be used (PinError.reason)."""

    NOT_DIGITS = "pin_not_digits"  # not PIN_MIN_DIGITS–PIN_MAX_DIGITS ASCII digits
    ONE_DIGIT = "pin_one_digit"
    CONSECUTIVE = "pin_consecutive"
    NOT_SET = "pin_not_set"
    ENTRIES_DIFFER = "pin_entries_differ"  # setting a PIN: the repeated entry is not the first one


class BackupReason(StrEnum):
    """Why a station.db backup or restore could not be done (kiosk.store.backup.BackupError.reason)."""

    NO_SUCH_BACKUP = "backup_missing"
    NOT_SQLITE = "backup_not_sqlite"
    DAMAGED = "backup_damaged"
    NOT_STATION_COPY = "backup_not_station_copy"
    NO_STATION_DB = "station_db_missing"
    COPY_FAILED = "backup_copy_failed"


class StorageReason(StrEnum):
    """Why the data disk cannot take a change (kiosk.store.recovery.StorageError.reason)."""

    DISK_FULL = "disk_full"
    DISK_ERROR = "disk_error"


class PinError(ValueError):
    """A PIN that cannot be used; ``reason`` says why, the message says it in English."""

    def __init__(self, reason: PinReason, message: str):
        super().__init__(message)
        self.reason = reason


def check_pin_format(pin: str) -> None:
    """Refuse PINs that are not 6–8 ASCII digits, or that are trivially guessable."""
    if not re.fullmatch(rf"[0-9]{{{PIN_MIN_DIGITS},{PIN_MAX_DIGITS}}}", pin or ""):
        raise PinError(PinReason.NOT_DIGITS,
                       f"PIN must be {PIN_MIN_DIGITS}–{PIN_MAX_DIGITS} digits (0–9), got {len(pin or '')} characters")
    if len(set(pin)) == 1:
        raise PinError(PinReason.ONE_DIGIT, "PIN must not repeat one digit (such as 000000)")
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(pin)}
    if steps in ({1}, {9}):
        raise PinError(PinReason.CONSECUTIVE, "PIN must not be a run of consecutive digits (such as 123456)")
