"""好差评 behind the screen: the Rating table of station.db (migration 0003), the store's checks, the data API's
rate_service / add_rating_reasons / rating_totals, and `ipkiosk ratings export --csv / --json` as a real child
process."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from kiosk.commands import print_json, print_json_list
from kiosk.commands.ratings import FIELDS as EXPORT_FIELDS
from kiosk.core.ratings import (
    AMEND_WINDOW,
    GOOD_FROM,
    LEVEL_LABELS,
    LEVELS,
    MAX_REASONS,
    REASONS,
    reasons_for,
    satisfied_percent,
)
from kiosk.core.staff_rules import StationReason
from kiosk.dataservice.api import DataError, ErrorKind
from kiosk.store import ratings, station
from tests.data_service_double import answered
from tests.helpers import REPO_ROOT

T0 = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)


def test_the_scale_has_five_levels_and_six_neutral_reasons_each_way():
    assert LEVELS == (5, 4, 3, 2, 1)
    assert [LEVEL_LABELS[level] for level in LEVELS] == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    good, improve = reasons_for(5), reasons_for(1)
    assert len(good) == len(improve) == 6 == MAX_REASONS
    assert reasons_for(4) == good and reasons_for(3) == reasons_for(2) == improve
    assert len({r.code for r in REASONS}) == len(REASONS) == 12
    assert satisfied_percent({5: 2, 3: 1, 2: 1}) == 75.0
    assert satisfied_percent({}) is None


def test_migration_0003_adds_the_rating_table_to_an_older_station_db(cfg):
    # A station.db as the previous version left it: 0001 and 0002 applied, an announcement in it.
    station.init_database(station.station_db, cfg.station_db_path, station.MIGRATIONS[:2])
    station.add_announcement("旧公告")
    station.station_db.close()
    station.open_station_db(cfg.station_db_path)
    try:
        assert [a["title"] for a in station.list_announcements()] == ["旧公告"]
        assert ratings.record_rating("svc-patent-application", 5, ["clear"], "zh", T0) == 1
    finally:
        station.station_db.close()
    conn = sqlite3.connect(cfg.station_db_path)
    names = [row[0] for row in conn.execute("SELECT name FROM migrations ORDER BY name")]
    columns = [row[1] for row in conn.execute("PRAGMA table_info(rating)")]
    conn.close()
    assert names == ["0001_initial", "0002_record_view", "0003_rating"]
    assert columns == ["id", "at", "service_id", "level", "reasons", "language", "sent_at"]


def test_a_rating_is_stored_without_personal_data_and_totalled(station_store):
    ratings.record_rating("svc-patent-application", 5, ["fast", "clear"], "zh", T0)
    ratings.record_rating("svc-patent-application", 2, ["queue_too_long"], "en", T0 + dt.timedelta(minutes=5))
    ratings.record_rating("svc-patent-application", 3, [], "zh", T0 + dt.timedelta(minutes=9))
    ratings.record_rating("svc-trademark-registration", 4, [], "zh", T0 + dt.timedelta(minutes=10))
    rows = ratings.ratings_since()
    assert [(r["at"], r["service_id"], r["level"], r["reasons"], r["language"], r["sent_at"]) for r in rows] == [
        ("2026-11-24T02:00:00+00:00", "svc-patent-application", 5, ["fast", "clear"], "zh", None),
        ("2026-11-24T02:05:00+00:00", "svc-patent-application", 2, ["queue_too_long"], "en", None),
        ("2026-11-24T02:09:00+00:00", "svc-patent-application", 3, [], "zh", None),
        ("2026-11-24T02:10:00+00:00", "svc-trademark-registration", 4, [], "zh", None)]
    assert [r["id"] for r in ratings.ratings_since(T0 + dt.timedelta(minutes=9))] == [3, 4]
    assert ratings.rating_totals() == [
        {"service_id": "svc-patent-application", "counts": [0, 1, 1, 0, 1], "total": 3, "satisfied_percent": 66.7},
        {"service_id": "svc-trademark-registration", "counts": [0, 0, 0, 1, 0], "total": 1,
         "satisfied_percent": 100.0}]
    # Ready for the central office: unsent until marked, and marked once.
    assert [r["id"] for r in ratings.unsent_ratings()] == [1, 2, 3, 4]
    assert ratings.mark_sent([1, 2], T0) == 2
    assert ratings.mark_sent([2, 3], T0) == 1
    assert [r["id"] for r in ratings.unsent_ratings()] == [4]


@pytest.mark.parametrize("service_id,level,reasons,language,reason", [
    ("svc-patent-application", 0, [], "zh", StationReason.BAD_RATING_LEVEL),
    ("svc-patent-application", 6, [], "zh", StationReason.BAD_RATING_LEVEL),
    ("svc-patent-application", True, [], "zh", StationReason.BAD_RATING_LEVEL),
    ("svc-patent-application", 4.0, [], "zh", StationReason.BAD_RATING_LEVEL),
    ("svc-patent-application", "5", [], "zh", StationReason.BAD_RATING_LEVEL),
    ("svc-patent-application", 5, ["lovely"], "zh", StationReason.UNKNOWN_RATING_REASON),
    ("svc-patent-application", 5, "clear", "zh", StationReason.UNKNOWN_RATING_REASON),
    ("svc-patent-application", 5, ["clear", "clear"], "zh", StationReason.UNKNOWN_RATING_REASON),
    ("svc-patent-application", 5, ["queue_too_long"], "zh", StationReason.RATING_REASON_OTHER_LEVEL),
    ("svc-patent-application", 1, ["clear"], "zh", StationReason.RATING_REASON_OTHER_LEVEL),
    ("svc-patent-application", 5, [r.code for r in REASONS], "zh", StationReason.TOO_MANY_RATING_REASONS),
    ("svc-patent-application", 5, [], "fr", StationReason.BAD_RATING_LANGUAGE),
    ("Zhang San 13800138000", 5, [], "zh", StationReason.BAD_RECORD_ID),
])
def test_the_store_refuses_what_is_not_a_rating(station_store, service_id, level, reasons, language, reason):
    with pytest.raises(station.StationError) as refused:
        ratings.record_rating(service_id, level, reasons, language, T0)
    assert refused.value.reason == reason
    assert str(refused.value).split(":")[0] in ("service_id", "level", "reasons", "language")
    assert ratings.ratings_since() == []


def test_every_reason_of_a_direction_fits_the_bound(station_store):
    for level in LEVELS:
        ratings.record_rating("svc-patent-application", level, [r.code for r in reasons_for(level)], "zh", T0)
    assert all(len(r["reasons"]) == MAX_REASONS for r in ratings.ratings_since())
    assert {r.good for r in reasons_for(GOOD_FROM)} == {True}


def test_reasons_amend_the_rating_just_saved_once(station_store):
    rating_id = ratings.record_rating("svc-patent-application", 4, [], "zh", T0)
    ratings.add_rating_reasons(rating_id, ["fast", "clear"], T0 + dt.timedelta(minutes=2))
    rows = ratings.ratings_since()
    assert [(r["id"], r["level"], r["reasons"], r["at"]) for r in rows] == [
        (rating_id, 4, ["fast", "clear"], T0.isoformat())], "the same row, still at the time it was given"


@pytest.mark.parametrize("level,first,amendments,reason", [
    # a second amendment
    (4, [], [(["clear"], 1), (["fast"], 2)], StationReason.RATING_HAS_REASONS),
    # a rating given with its reasons already
    (4, ["clear"], [(["fast"], 1)], StationReason.RATING_HAS_REASONS),
    # after the window
    (2, [], [(["queue_too_long"], AMEND_WINDOW.total_seconds() // 60 + 1)], StationReason.RATING_AMEND_TOO_LATE),
    # before the rating was given (a clock set back): not "within the window" either
    (2, [], [(["queue_too_long"], -1)], StationReason.RATING_AMEND_TOO_LATE),
    # the other direction, both ways
    (5, [], [(["queue_too_long"], 1)], StationReason.RATING_REASON_OTHER_LEVEL),
    (1, [], [(["clear"], 1)], StationReason.RATING_REASON_OTHER_LEVEL),
    # no reason, an unknown one, one twice
    (4, [], [([], 1)], StationReason.UNKNOWN_RATING_REASON),
    (4, [], [(["lovely"], 1)], StationReason.UNKNOWN_RATING_REASON),
    (4, [], [(["clear", "clear"], 1)], StationReason.UNKNOWN_RATING_REASON),
])
def test_an_amendment_the_store_refuses_leaves_the_rating_as_it_was(station_store, level, first, amendments,
                                                                    reason):
    rating_id = ratings.record_rating("svc-patent-application", level, first, "zh", T0)
    *allowed, (codes, minutes) = amendments
    for earlier_codes, earlier_minutes in allowed:
        ratings.add_rating_reasons(rating_id, earlier_codes, T0 + dt.timedelta(minutes=earlier_minutes))
    before = ratings.ratings_since()
    with pytest.raises(station.StationError) as refused:
        ratings.add_rating_reasons(rating_id, codes, T0 + dt.timedelta(minutes=minutes))
    assert refused.value.reason == reason
    assert str(refused.value).split(" ")[0] in ("rating", "reasons:")
    assert ratings.ratings_since() == before


def test_the_last_minute_of_the_window_still_amends_and_an_unknown_rating_is_named(station_store):
    rating_id = ratings.record_rating("svc-patent-application", 2, [], "en", T0)
    ratings.add_rating_reasons(rating_id, ["outdated"], T0 + AMEND_WINDOW)
    assert ratings.ratings_since()[0]["reasons"] == ["outdated"]
    for missing in (rating_id + 1, 0, "1", True):
        with pytest.raises(station.StationError) as refused:
            ratings.add_rating_reasons(missing, ["outdated"], T0)
        assert refused.value.reason == StationReason.RATING_NOT_FOUND
        assert "rating" in str(refused.value)


def test_an_amended_rating_sent_already_is_sent_again(station_store):
    rating_id = ratings.record_rating("svc-patent-application", 5, [], "zh", T0)
    assert ratings.mark_sent([rating_id], T0) == 1
    ratings.add_rating_reasons(rating_id, ["helpful_staff"], T0 + dt.timedelta(minutes=1))
    assert [(r["id"], r["reasons"]) for r in ratings.unsent_ratings()] == [(rating_id, ["helpful_staff"])]


def test_the_data_api_stores_a_rating_and_refuses_a_bad_level(data_service, qtbot):
    now = T0.isoformat()
    rating_id = answered(qtbot, data_service.rate_service("svc-patent-application", 4, ["helpful_staff"], "zh", now))
    assert rating_id == 1
    for bad in (0, 9, -1):
        with pytest.raises(DataError) as refused:
            answered(qtbot, data_service.rate_service("svc-patent-application", bad, [], "zh", now))
        assert (refused.value.kind, refused.value.reason) == (ErrorKind.STATION, StationReason.BAD_RATING_LEVEL)
        assert "level" in str(refused.value) and "1 to 5" in str(refused.value)
    totals = answered(qtbot, data_service.rating_totals())
    assert totals == [{"service_id": "svc-patent-application", "title": "专利申请受理", "counts": [0, 0, 0, 1, 0],
                       "total": 1, "satisfied_percent": 100.0}]
    assert [r["level"] for r in ratings.ratings_since()] == [4]


def test_the_data_api_adds_reasons_to_the_rating_it_saved_and_names_a_refusal(data_service, qtbot):
    rating_id = answered(qtbot, data_service.rate_service("svc-patent-application", 2, [], "zh", T0.isoformat()))
    later = (T0 + dt.timedelta(minutes=3)).isoformat()
    assert answered(qtbot, data_service.add_rating_reasons(rating_id, ["queue_too_long", "outdated"], later)) is None
    with pytest.raises(DataError) as refused:
        answered(qtbot, data_service.add_rating_reasons(rating_id, ["no_one_to_ask"], later))
    assert (refused.value.kind, refused.value.reason) == (ErrorKind.STATION, StationReason.RATING_HAS_REASONS)
    assert [(r["id"], r["reasons"]) for r in ratings.ratings_since()] == [(rating_id, ["queue_too_long", "outdated"])]


def test_a_rating_of_a_record_no_longer_published_keeps_its_id(data_service, qtbot):
    answered(qtbot, data_service.rate_service("svc-gone-since", 1, ["outdated"], "en", T0.isoformat()))
    assert answered(qtbot, data_service.rating_totals())[0]["title"] == ""


# ---------------------------------------------------------------- ipkiosk ratings export


def _ipkiosk(conf, *argv: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *argv, "--config", str(conf)], cwd=REPO_ROOT,
                          capture_output=True, text=True, env=env, timeout=120)


def test_export_as_csv_and_json_parse_and_match(tmp_path, cfg, station_store):
    ratings.record_rating("svc-patent-application", 5, ["clear", "fast"], "zh", T0)
    ratings.record_rating("svc-trademark-registration", 1, ["not_found"], "en", T0 + dt.timedelta(hours=1))
    amended = ratings.record_rating("svc-patent-application", 3, [], "zh", T0 + dt.timedelta(days=1))
    # Reasons added after the level (the panel's 补充) are exported like those given with it.
    ratings.add_rating_reasons(amended, ["hard_to_understand"], T0 + dt.timedelta(days=1, minutes=1))
    station.station_db.close()
    conf = tmp_path / "kiosk.toml"
    conf.write_text(f'data_dir = "{cfg.data_path}"\n', encoding="utf-8")

    as_csv = _ipkiosk(conf, "ratings", "export", "--csv")
    as_json = _ipkiosk(conf, "ratings", "export", "--json")
    assert as_csv.returncode == as_json.returncode == 0, as_csv.stderr + as_json.stderr
    csv_rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    json_rows = json.loads(as_json.stdout)
    assert list(csv_rows[0]) == ["id", "at", "service_id", "level", "reasons", "language"]
    assert json_rows == [
        {"id": 1, "at": "2026-11-24T02:00:00+00:00", "service_id": "svc-patent-application", "level": 5,
         "reasons": ["clear", "fast"], "language": "zh"},
        {"id": 2, "at": "2026-11-24T03:00:00+00:00", "service_id": "svc-trademark-registration", "level": 1,
         "reasons": ["not_found"], "language": "en"},
        {"id": 3, "at": "2026-11-25T02:00:00+00:00", "service_id": "svc-patent-application", "level": 3,
         "reasons": ["hard_to_understand"], "language": "zh"}]
    assert [{**row, "id": int(row["id"]), "level": int(row["level"]), "reasons": row["reasons"].split()}
            for row in csv_rows] == json_rows
    assert all(dt.datetime.fromisoformat(row["at"]).utcoffset() == dt.timedelta(0) for row in json_rows)

    # --since without an offset is China time: 2026-11-24 11:00 +08:00 is 03:00 UTC.
    since = _ipkiosk(conf, "ratings", "export", "--json", "--since", "2026-11-24T11:00")
    assert [r["id"] for r in json.loads(since.stdout)] == [2, 3]
    bad = _ipkiosk(conf, "ratings", "export", "--csv", "--since", "yesterday")
    assert bad.returncode == 2 and "--since: got 'yesterday'" in bad.stderr and "Traceback" not in bad.stderr
    neither = _ipkiosk(conf, "ratings", "export")
    assert neither.returncode == 2 and "--csv" in neither.stderr


@pytest.mark.parametrize("items", [
    [],
    [{"id": 1, "reasons": []}],
    [{"id": 1, "at": "2026-11-24T02:00:00+00:00", "reasons": ["clear", "fast"], "language": "zh"},
     {"id": 2, "title": "专利\u202e申请\x7f \"引号\"\n第二行", "nested": {"empty": {}, "list": [1, [2]]}},
     {"id": 3, "reasons": [], "sent_at": None}],
    [{"id": i, "reasons": ["clear"] * (i % 3), "title": "专利\u2066申请"} for i in range(1201)],  # several chunks
])
def test_the_streamed_json_list_is_byte_for_byte_the_whole_list_printed(capsys, items):
    """`ratings export --json` writes its list one rating at a time; what comes out is what printing the whole
    list at once gave, to the byte: indentation, separators, the empty list, and the escapes that keep a bidi
    override or a DEL from reaching the terminal raw."""
    print_json(items)
    whole = capsys.readouterr().out
    print_json_list(iter(items))
    streamed = capsys.readouterr().out
    assert streamed == whole
    assert json.loads(streamed) == items


def test_a_long_export_is_one_json_document_and_csv_holds_every_rating(tmp_path, cfg, station_store):
    """3,000 ratings (far more than a pipe holds) through the real child: the streamed JSON parses as one list,
    equal to what the store reads, and the CSV has a line for each."""
    with station.station_db.atomic():
        for i in range(3000):
            level = i % 5 + 1
            ratings.record_rating(f"svc-bench-{i % 40:02d}", level, [reasons_for(level)[0].code] if i % 2 else [],
                                  ("zh", "en")[i % 3 == 0], T0 + dt.timedelta(minutes=i))
    stored = [{field: r[field] for field in EXPORT_FIELDS} for r in ratings.ratings_since()]
    station.station_db.close()
    conf = tmp_path / "kiosk.toml"
    conf.write_text(f'data_dir = "{cfg.data_path}"\n', encoding="utf-8")
    as_json, as_csv = _ipkiosk(conf, "ratings", "export", "--json"), _ipkiosk(conf, "ratings", "export", "--csv")
    assert as_json.returncode == as_csv.returncode == 0, as_json.stderr + as_csv.stderr
    assert len(stored) == 3000 and json.loads(as_json.stdout) == stored
    assert as_json.stdout.startswith("[\n  {\n    \"id\": 1,\n") and as_json.stdout.endswith("\n  }\n]\n")
    assert [int(row["id"]) for row in csv.DictReader(io.StringIO(as_csv.stdout))] == [r["id"] for r in stored]


@pytest.mark.parametrize("fmt", ["--json", "--csv"])
@pytest.mark.parametrize("count", [3, 3000])
def test_an_export_piped_into_head_ends_quietly(tmp_path, cfg, station_store, fmt, count):
    """`ipkiosk ratings export --json | head -c 100`: head has its 100 bytes and goes; the export stops without
    a BrokenPipeError or a traceback and exits 0 — when the output is far longer than the pipe holds (the writes
    fail mid-stream) and when it is shorter (it may be written before head goes)."""
    with station.station_db.atomic():
        for i in range(count):
            ratings.record_rating("svc-patent-application", 5, ["clear"], "zh", T0 + dt.timedelta(minutes=i))
    station.station_db.close()
    conf = tmp_path / "kiosk.toml"
    conf.write_text(f'data_dir = "{cfg.data_path}"\n', encoding="utf-8")
    script = (f'"$0" -m kiosk.cli ratings export {fmt} --config "$1" 2>"$2" | head -c 100 >"$3"; '
              'echo "${PIPESTATUS[0]} ${PIPESTATUS[1]}"')
    err, head = tmp_path / "stderr.txt", tmp_path / "head.txt"
    proc = subprocess.run(["bash", "-c", script, sys.executable, str(conf), str(err), str(head)], cwd=REPO_ROOT,
                          capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)),
                          timeout=120)
    assert proc.stdout.split() == ["0", "0"], proc.stdout + proc.stderr
    assert err.read_text(encoding="utf-8") == ""
    assert len(head.read_bytes()) == 100 and head.read_text(encoding="utf-8").startswith("[\n" if fmt == "--json" else "id,")


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-01-01T00:00+23:59"])
def test_an_instant_out_of_range_is_a_usage_error_not_a_traceback(tmp_path, cfg, when):
    """Found: a well-formed ISO instant whose UTC time is before year 1 (or after 9999) crashed `ratings export
    --since` and `announce add --starts` with an OverflowError traceback. Now both refuse it in one line naming the
    option and the bounds (years 1900–2999 and offsets of at most 14 hours, as content dates), and nothing is stored."""
    conf = tmp_path / "kiosk.toml"
    conf.write_text(f'data_dir = "{cfg.data_path}"\n', encoding="utf-8")
    for argv, field in ((("ratings", "export", "--csv", "--since", when), "--since"),
                        (("announce", "add", "--title", "闭馆通知", "--body", "x", "--starts", when), "starts_at")):
        proc = _ipkiosk(conf, *argv)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert proc.stderr.strip().splitlines() == [
            f"ipkiosk: {field}: got {when!r}, expected an ISO date or datetime such as 2026-12-01T09:00 "
            "(years 1900–2999, an offset of at most 14 hours)"]
    assert _ipkiosk(conf, "announce", "list").stdout.count("闭馆通知") == 0
