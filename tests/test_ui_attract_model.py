"""Attract view-model: upcoming events on the real seeded content.db, clock injected."""

from __future__ import annotations

import datetime as dt

from kiosk.store import content
from kiosk.ui.attract_model import AttractController, format_event_time, upcoming_events
from tests.data_service_double import wait_answered

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)


def test_upcoming_events_soonest_first_and_past_ones_dropped(seeded):
    events = upcoming_events(content.list_records("events"), NOW)
    ids = [e["recordId"] for e in events]
    assert ids == [
        "evt-20261210-ip-search-training-2",
        "evt-20270114-overseas-ip-lecture",
        "evt-20270225-patent-navigation-training",
        "evt-20270318-pledge-financing-briefing",
    ]
    assert events[0]["when"] == "2026年12月10日 14:00"
    assert events[0]["venue"] and events[0]["summary"]


def test_event_starting_exactly_now_counts_as_upcoming():
    rec = {"id": "evt-x", "title": "t", "starts_at": "2026-11-24T18:00:00+08:00"}
    assert [e["recordId"] for e in upcoming_events([rec], NOW)] == ["evt-x"]  # 18:00+08:00 is NOW
    assert upcoming_events([rec], NOW + dt.timedelta(seconds=1)) == []
    assert format_event_time(rec["starts_at"]) == "2026年11月24日 18:00"


def test_event_time_is_shown_in_china_time_whatever_offset_the_content_carries():
    # The publisher accepts any UTC offset; the event page converts to China time, the attract card must too.
    assert format_event_time("2026-11-24T10:00:00+00:00") == "2026年11月24日 18:00"
    assert format_event_time("2026-11-24T10:00:00Z") == "2026年11月24日 18:00"


def test_attract_refresh_follows_the_clock(data_service, qapp, qtmodeltester, qtbot):
    now = [NOW]
    attract = AttractController(lambda: now[0], lambda: data_service.list_records("events"), parent=qapp)
    attract.refresh()
    wait_answered(qtbot, data_service)
    assert attract.events.rowCount() == 4
    qtmodeltester.check(attract.events, force_py=True)
    now[0] = dt.datetime(2027, 2, 1, tzinfo=dt.UTC)
    attract.refresh()
    wait_answered(qtbot, data_service)
    assert [e["recordId"] for e in attract.events.rows()] == [
        "evt-20270225-patent-navigation-training",
        "evt-20270318-pledge-financing-briefing",
    ]
