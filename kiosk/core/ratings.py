"""好差评: the five levels a visitor rates a service with, and the reasons a visitor may add.

Shared by the store, which enforces them (kiosk.store.ratings), the rating panel, which offers them
(kiosk.ui.rating_model), and the export (`ipkiosk ratings export`), which writes the codes. Dependency-free
so the UI process can use it without loading the data layer. docs/admin.md lists the levels and reasons.

Levels follow the national 政务服务好差评 scale, 5 the best: 非常满意 5, 满意 4, 基本满意 3, 不满意 2,
非常不满意 1. A rating of 基本满意 or better counts as satisfied (SATISFIED_FROM): 不满意 and 非常不满意
are the 差评 of that scale.

Reasons are short, neutral phrases a visitor taps, stored as codes only (never free text: a visitor
types nothing here, so nothing personal can be stored). A level of 4 or 5 offers the GOOD reasons (what
went well), a level of 1 to 3 the IMPROVE reasons (what to make better); the store refuses a reason of
the other direction. The panel saves the level the moment it is tapped and only then offers the reasons:
they amend the rating just saved, once, within AMEND_WINDOW of its saving (kiosk.store.ratings.add_rating_reasons).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

LEVELS: tuple[int, ...] = (5, 4, 3, 2, 1)  # as the panel offers them: the best first
LEVEL_LABELS: dict[int, str] = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
# Levels from here up count as satisfied (the satisfaction percentage of the admin screen).
SATISFIED_FROM = 3
# Levels from here up offer the GOOD reasons; below, the IMPROVE reasons.
GOOD_FROM = 4

# At most this many reasons per rating: every reason of one direction, so a bound, not a choice forced on anyone.
MAX_REASONS = 6

# The reasons of a rating may be added this long after it was saved: while the same visitor is still at the
# panel (the idle reset ends a visit long before), never later by someone else.
AMEND_WINDOW = dt.timedelta(minutes=10)

# The languages a rating may be given in (the visitor's choice on the visitor bar).
LANGUAGES: tuple[str, ...] = ("zh", "en")


@dataclass(frozen=True)
class Reason:
    code: str  # stored and exported
    label: str  # shown on the chip (Chinese; the panel translates it)
    good: bool  # offered with levels GOOD_FROM and up


REASONS: tuple[Reason, ...] = (
    Reason("clear", "讲解清楚", True),
    Reason("fast", "办理快", True),
    Reason("easy_to_find", "容易找到", True),
    Reason("complete_info", "信息齐全", True),
    Reason("easy_to_use", "操作简单", True),
    Reason("helpful_staff", "工作人员热心", True),
    Reason("outdated", "信息过时", False),
    Reason("not_found", "找不到想要的", False),
    Reason("queue_too_long", "排队太久", False),
    Reason("hard_to_understand", "看不懂", False),
    Reason("too_many_steps", "步骤太多", False),
    Reason("no_one_to_ask", "没人可问", False),
)
REASON_BY_CODE: dict[str, Reason] = {r.code: r for r in REASONS}


def reasons_for(level: int) -> tuple[Reason, ...]:
    """The reasons offered with LEVEL, in the panel's order."""
    good = level >= GOOD_FROM
    return tuple(r for r in REASONS if r.good == good)


def satisfied_percent(counts: dict[int, int]) -> float | None:
    """The share of ratings at SATISFIED_FROM or better, in percent to one decimal (COUNTS: {level: count});
    None when there is no rating."""
    total = sum(counts.values())
    if not total:
        return None
    satisfied = sum(n for level, n in counts.items() if level >= SATISFIED_FROM)
    return round(100 * satisfied / total, 1)
