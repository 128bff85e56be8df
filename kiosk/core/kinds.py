"""The content kinds: what the central office publishes and the kiosk shows, named and ordered once.

Each kind is one collection file in a published repository (``services.json`` ...), one ``kind``
value of a record in content.db and one group of search results. Two orders are in use, both on
purpose:

* **publishing order** (:data:`KINDS`, :data:`NAMES`): how the manifest, the publisher, sync and
  seed import walk the collections, how the CLI and error messages list them and how the admin
  screen counts them;
* **display order** (:data:`DISPLAY_ORDER`): what a visitor most likely came for first; search
  groups its results and breaks rank ties in it, and ``ipkiosk status`` / doctor list kinds in it.

Dependency-free: the UI process imports it and must not load the data layer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeGuard


@dataclass(frozen=True)
class Kind:
    name: str  # collection file stem, record kind, CLI word
    title: str  # heading on pages and search result groups (服务事项)
    short_label: str  # in tight places such as the admin screen's content counts (服务)
    display_rank: int  # position in DISPLAY_ORDER
    for_visitors: bool  # has its own list page and search group; booking types only serve the booking flow


KINDS: tuple[Kind, ...] = (  # publishing order
    Kind("services", "服务事项", "服务", 0, True),
    Kind("policies", "政策法规", "政策", 1, True),
    Kind("notices", "通知公告", "通知", 3, True),
    Kind("news", "行业动态", "动态", 4, True),
    Kind("events", "宣讲活动", "活动", 2, True),
    Kind("booking_types", "预约类型", "预约类型", 5, False),
)
NAMES: tuple[str, ...] = tuple(k.name for k in KINDS)
DISPLAY_ORDER: tuple[str, ...] = tuple(k.name for k in sorted(KINDS, key=lambda k: k.display_rank))
# Kinds a visitor browses and finds, in publishing order (list pages) ...
VISITOR_KINDS: tuple[str, ...] = tuple(k.name for k in KINDS if k.for_visitors)
# ... and in display order (search result groups, browse categories).
VISITOR_DISPLAY_ORDER: tuple[str, ...] = tuple(n for n in DISPLAY_ORDER if n in VISITOR_KINDS)

_BY_NAME = {k.name: k for k in KINDS}


def title(name: str) -> str:
    """The heading for kind NAME; an unknown name is shown as itself rather than hidden."""
    kind = _BY_NAME.get(name)
    return kind.title if kind else name


def display_rank(name: str) -> int:
    """Sort key for kind NAME in display order; unknown kinds sort last."""
    kind = _BY_NAME.get(name)
    return kind.display_rank if kind else len(KINDS)


# What kind of event a record of ``events`` is (its optional ``event_type``): the values content carries and
# the label of each on the events list's filter chips and rows, in the order the chips show them.
EVENT_TYPES: dict[str, str] = {"briefing": "宣讲会", "training": "培训", "lecture": "讲座", "other": "其他"}
# The type every event of a type this terminal does not know is listed and labelled under.
OTHER_EVENT_TYPE = "other"
# What an event_type may look like. A central office may publish a type newer than a terminal's EVENT_TYPES:
# refusing it would make that terminal refuse the whole events collection, so a well-formed one is kept and shown
# as OTHER_EVENT_TYPE. Only a short lowercase ASCII word passes: no markup, control or bidi characters.
EVENT_TYPE_MAX_CHARS = 40
EVENT_TYPE_RE = re.compile(rf"^[a-z][a-z0-9_-]{{0,{EVENT_TYPE_MAX_CHARS - 1}}}\Z")


def is_event_type_name(value: object) -> TypeGuard[str]:
    """VALUE has the form of an event type: a known one or one a newer central office may publish."""
    return isinstance(value, str) and EVENT_TYPE_RE.match(value) is not None


def shown_event_type(value: object) -> str | None:
    """The EVENT_TYPES key an event whose ``event_type`` is VALUE is listed under: a known type itself, a well-formed
    unknown one OTHER_EVENT_TYPE; None for none (or for a malformed value, which the content rules refuse)."""
    if not is_event_type_name(value):
        return None
    return value if value in EVENT_TYPES else OTHER_EVENT_TYPE
