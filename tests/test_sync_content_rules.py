"""The content rules (kiosk/core/manifest.py SCHEMA, LIST_LIMITS), at publish time and at apply time.

Publisher side: `python -m kiosk.sync.publish build` refuses every hostile source with one line naming the
file, the record and the field, and publishes nothing. Terminal side: a publisher that bypasses its own
checks (a hand-signed manifest, validly signed with the real keys) gets that collection REFUSED (exit 13)
while the other collections of the same cycle apply, the refused one keeps its last good generation, the
refusal is remembered (not downloaded again) and a fixed generation applies normally.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.core import manifest as manifest_mod
from kiosk.core.manifest import LIST_LIMITS, MAX_RECORDS, Manifest
from kiosk.search import index as search_index
from kiosk.store import content
from kiosk.sync import trust
from kiosk.sync.client import SyncClient
from kiosk.sync.trust import OK, REFUSED, UNCHANGED
from tests.helpers import file_digest
from tests.sync_helpers import (
    Publisher,
    RepoServer,
    assert_invariants,
    content_snapshot,
    terminal_config,
    write_config_file,
)

REPO_ROOT = Path(__file__).resolve().parent.parent


def publish_cli(pub: Publisher) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk.sync.publish", "build", str(pub.source.path), str(pub.repo_dir),
                           "--keys", str(pub.keys_dir)], capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)


def first(pub: Publisher, collection: str) -> dict:
    return pub.source.records(collection)[0]


def assert_one_clear_line(proc: subprocess.CompletedProcess, *needles: str) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    # Warnings (a collection kept as published) may precede it; the error itself is one line.
    lines = [line for line in proc.stderr.strip().splitlines() if not line.startswith("WARNING ")]
    assert len(lines) == 1, proc.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


# ---------------------------------------------------------------- publisher


def _set(collection: str, field: str, value):
    """Source edit: the first record of COLLECTION gets FIELD = VALUE (a rev bump as an editor would)."""

    def edit(pub: Publisher) -> tuple[str, str]:
        recs = pub.source.records(collection)
        recs[0][field] = value
        recs[0]["rev"] += 1
        # ASCII escapes, as an editor's tool might write them: a lone surrogate survives as \ud800.
        doc = {"collection": collection, "records": recs}
        (pub.source.path / f"{collection}.json").write_text(json.dumps(doc, ensure_ascii=True), encoding="utf-8")
        return f"{collection}.json", recs[0]["id"]

    return edit


HOSTILE_SOURCES = {
    "day-30-of-february": (_set("policies", "published_at", "2026-02-30"), "'published_at'"),
    "month-13": (_set("events", "starts_at", "2026-13-01T09:00:00+08:00"), "'starts_at'"),
    "offset-plus-99h": (_set("events", "ends_at", "2026-12-01T11:00:00+99:00"), "'ends_at'"),
    "year-0": (_set("notices", "valid_until", "0000-01-01T00:00:00+08:00"), "'valid_until'"),
    "lone-surrogate": (_set("news", "title", "标题\ud800"), "lone surrogate U+D800"),
    "escape-sequence": (_set("news", "summary", "\x1b]0;owned\x07摘要"), "control character U+001B"),
    "nul-in-a-list-item": (_set("services", "materials", ["身份证\x00复印件"]), "'materials', item #0"),
    "bidi-override": (_set("notices", "title", "通知\u202e反转"), "bidi control U+202E"),
    "combining-pile": (_set("news", "body", "正文" + "\u0301" * 50), "combining marks"),
    "conditions-a-number": (_set("services", "conditions", 12345), "'conditions'"),
    "booking-a-string": (_set("services", "booking", "x"), "'booking'"),
    "booking-without-label": (_set("services", "booking", {"type": "consult"}), "'booking'"),
    "booking-unknown-type": (_set("services", "booking", {"type": "hack", "label": "x"}), "'type'"),
    "registration-a-string": (_set("events", "registration", "x"), "'registration'"),
    # A newer event type is published with a warning (below); a malformed one is refused.
    "event-type-a-label": (_set("events", "event_type", "宣讲会"), "'event_type'"),
    "event-type-a-number": (_set("events", "event_type", 3), "field 'event_type': got 3, expected one of 'briefing'"),
    "event-type-markup": (_set("events", "event_type", "<b>expo</b>"), "field 'event_type': got '<b>expo</b>'"),
    "event-type-too-long": (_set("events", "event_type", "x" * 41), "field 'event_type': 41 characters"),
    "event-type-bidi": (_set("events", "event_type", "expo\u202e"), "field 'event_type': bidi control U+202E"),
    "event-type-escape": (_set("events", "event_type", "expo\x1b"), "field 'event_type': control character U+001B"),
    "event-type-capitals": (_set("events", "event_type", "Expo"), "field 'event_type': got 'Expo'"),
    "hot-a-string": (_set("services", "hot", "yes"), "'hot'"),
    "full-text-a-number": (_set("policies", "full_text", 1), "'full_text'"),
    "keywords-a-string": (_set("services", "keywords", "专利"), "'keywords'"),
    "related-ids-over-the-limit": (_set("news", "related_ids", [f"nws-{i}" for i in range(LIST_LIMITS["related_ids"] + 1)]),
                                   f"at most {LIST_LIMITS['related_ids']}"),
    "materials-over-the-limit": (_set("services", "materials", ["材料"] * (LIST_LIMITS["materials"] + 1)),
                                 f"at most {LIST_LIMITS['materials']}"),
    "service-ids-over-the-limit": (_set("booking_types", "service_ids", [f"svc-{i}" for i in range(201)]),
                                   "'service_ids'"),
    "a-step-too-long": (_set("services", "process", ["步" * (manifest_mod.LIST_ITEM_CHARS + 1)]), "'process', item #0"),
    "title-too-long": (_set("news", "title", "长" * 201), "'title'"),
    # Found: a required title of spaces or zero-width spaces was published: a tile and a heading showing nothing.
    "title-of-spaces": (_set("news", "title", "   "), "field 'title': is blank (nothing visible in it)"),
    "title-of-zero-width-spaces": (_set("services", "title", "\u200b\u3000\u200b"), "field 'title': is blank"),
    "booking-label-blank": (_set("services", "booking", {"type": "consult", "label": " "}), "'label': is blank"),
    "unknown-field": (_set("news", "titel", "拼错的字段"), "'titel': unknown field"),
    "title-en-a-number": (_set("services", "title_en", 42), "'title_en'"),
    "materials-en-a-string": (_set("services", "materials_en", "ID card"), "'materials_en'"),
    "control-char-in-a-key": (_set("news", "x\x1by", 1), "\\x1b"),
    "ends-before-it-starts": (_set("events", "ends_at", "2020-01-01T00:00:00+08:00"), "before starts_at"),
    # A source_url becomes a QR a visitor's phone opens: https only, a real host, no spaces, not too long to scan.
    "source-url-http": (_set("policies", "source_url", "http://public.zhengzhou.gov.cn/D0107Y/6451105.jhtml"),
                        "field 'source_url': got 'http://public.zhengzhou.gov.cn/D0107Y/6451105.jhtml', "
                        "expected an https:// web address"),
    "source-url-no-scheme": (_set("news", "source_url", "public.zhengzhou.gov.cn/x"), "'source_url'"),
    "source-url-javascript": (_set("events", "source_url", "javascript:alert(1)"), "'source_url'"),
    "source-url-space": (_set("services", "source_url", "https://www.cnipa.gov.cn/a b"), "'source_url'"),
    "source-url-no-host": (_set("notices", "source_url", "https:///path"), "'source_url'"),
    "source-url-too-long": (_set("policies", "source_url", "https://www.cnipa.gov.cn/" + "a" * 300), "'source_url'"),
    "source-url-a-list": (_set("policies", "source_url", ["https://www.cnipa.gov.cn/"]), "'source_url'"),
    # Found: a port no phone can open passed, so the QR led to an error page.
    "source-url-port-99999": (_set("notices", "source_url", "https://www.cnipa.gov.cn:99999/x"),
                              "field 'source_url': got 'https://www.cnipa.gov.cn:99999/x'"),
    "source-url-port-0": (_set("news", "source_url", "https://www.cnipa.gov.cn:0/x"), "'source_url'"),
    "fee-verified-a-string": (_set("services", "fee_verified", "yes"), "'fee_verified'"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_SOURCES))
def test_publisher_refuses_hostile_content_naming_file_record_field(publisher, case):
    edit, needle = HOSTILE_SOURCES[case]
    file_name, record_id = edit(publisher)
    proc = publish_cli(publisher)
    assert proc.returncode == 1, proc.stderr
    assert_one_clear_line(proc, "ipkiosk-publish: invalid content:", file_name, record_id, needle)
    assert not (publisher.repo_dir / "metadata" / "2.targets.json").exists()


def test_publisher_accepts_every_optional_field_of_the_seed_and_english_twins(publisher):
    recs = publisher.source.records("services")
    recs[0].update(title_en="Patent application", keywords_en=["patent"], fee_verified=True,
                   source_url="https://www.cnipa.gov.cn:443/col/col1510/index.html?a=1#b", rev=recs[0]["rev"] + 1)
    publisher.source.write("services", recs)
    proc = publish_cli(publisher)
    assert proc.returncode == 0, proc.stderr


def test_publisher_warns_of_an_event_type_older_terminals_show_as_other_and_publishes_it(publisher):
    events = publisher.source.records("events")
    publisher.source.write("events", [bumped(events[0], event_type="exhibition")] + events[1:])
    proc = publish_cli(publisher)
    assert proc.returncode == 0, proc.stderr
    assert "events changed" in proc.stdout
    assert proc.stderr.strip().splitlines() == [
        f"ipkiosk-publish: warning: collection 'events', record {events[0]['id']!r}: field 'event_type': "
        "'exhibition' is not one of briefing, training, lecture, other; terminals of this version list it as "
        "其他 ('other')"]
    published = publisher.published_states()["events"][1]
    manifest = json.loads((publisher.repo_dir / "targets" / "content" / f"{published}.events.json").read_text("utf-8"))
    assert manifest["records"][0]["event_type"] == "exhibition"


def test_publisher_refuses_the_same_id_in_two_collections_naming_both_files(publisher):
    clash = first(publisher, "services")["id"]
    news = publisher.source.records("news")
    publisher.source.write("news", news + [dict(news[0], id=clash)])
    proc = publish_cli(publisher)
    assert proc.returncode == 1
    assert_one_clear_line(proc, "news.json", "services.json", repr(clash))
    # Also against a collection kept as published because its source file is missing.
    publisher.source.write("news", news)
    (publisher.source.path / "services.json").unlink()
    publisher.source.write("news", news + [dict(news[0], id=clash)])
    proc = publish_cli(publisher)
    assert proc.returncode == 1
    assert_one_clear_line(proc, "news.json", "the published services manifest", repr(clash))
    assert not (publisher.repo_dir / "metadata" / "2.targets.json").exists()


@pytest.mark.parametrize("damage", ["nested-100000-deep", "a-folder", "not-utf8", "surrogate-escape-in-a-key",
                                    "a-huge-integer", "a-record-not-an-object", "too-many-records"])
def test_publisher_reports_unreadable_sources_in_one_line(publisher, damage):
    path = publisher.source.path / "news.json"
    if damage == "nested-100000-deep":
        path.write_text('{"collection": "news", "records": ' + "[" * 100_000 + "]" * 100_000 + "}")
        needle = "nested too deeply"
    elif damage == "a-folder":
        path.unlink()
        path.mkdir()
        needle = "cannot read"
    elif damage == "not-utf8":
        path.write_bytes(b'{"collection": "news", "records": ["\xff\xfe"]}')
        needle = "not UTF-8 JSON"
    elif damage == "surrogate-escape-in-a-key":
        rec = json.dumps(first(publisher, "news"))[:-1] + ', "k\\udc80": 1}'
        path.write_text('{"collection": "news", "records": [' + rec + "]}")
        needle = "lone surrogate"
    elif damage == "a-huge-integer":
        path.write_text('{"collection": "news", "records": [{"id": "nws-x", "rev": ' + "9" * 5000 + "}]}")
        needle = "not UTF-8 JSON"
    elif damage == "a-record-not-an-object":
        publisher.source.write("news", publisher.source.records("news") + [12345])
        needle = f"record #{len(publisher.source.records('news')) - 1}: expected an object, got int"
    else:
        base = first(publisher, "news")
        publisher.source.write("news", [dict(base, id=f"nws-{i:06d}") for i in range(MAX_RECORDS + 1)])
        needle = f"expected at most {MAX_RECORDS}"
    proc = publish_cli(publisher)
    assert proc.returncode == 1, proc.stderr
    assert_one_clear_line(proc, "news.json", needle)


def test_publisher_reports_damaged_repository_metadata_in_one_line(publisher):
    (publisher.repo_dir / "metadata" / "1.targets.json").write_text("garbage")
    recs = publisher.source.records("news")
    publisher.source.write("news", [bumped(recs[0], title="新标题")] + recs[1:])
    proc = publish_cli(publisher)
    assert proc.returncode == 1
    assert_one_clear_line(proc, "signed metadata cannot be read", "restore the repository folder")


def test_a_manifest_signed_under_older_rules_is_replaced_by_the_next_build(publisher):
    news = publisher.source.records("news")
    # Published before the rules knew better: a field the publisher now refuses as unknown.
    sign_raw(publisher, {"news": [bumped(news[0], subtitle="旧字段")] + news[1:]})
    publisher.source.write("news", [dict(news[0], rev=news[0]["rev"] + 2, title="新版")] + news[1:])
    proc = publish_cli(publisher)
    assert proc.returncode == 0, proc.stderr
    assert "news changed" in proc.stdout


# ---------------------------------------------------------------- terminal


def sign_raw(pub: Publisher, changes: dict[str, list[dict] | bytes]) -> int:
    """A publisher bypassing its own checks: signs CHANGES ({collection: records, or raw manifest bytes})
    as a new targets version with the real keys; the other collections stay as published."""
    writer = trust.RepositoryWriter(pub.repo_dir, trust.KeyStore.load(pub.keys_dir))
    out = {}
    for c, t in writer.signed_targets().items():
        data = (pub.repo_dir / "targets" / "content" / f"{t.sha256}.{c}.json").read_bytes()
        out[c] = (data, t.sha256, t.generation)
    gen = writer.targets_version() + 1
    for collection, value in changes.items():
        if isinstance(value, bytes):
            data = value
        else:
            data = Manifest(collection, gen, sorted(value, key=lambda r: r["id"])).to_json_bytes()
        out[collection] = (data, hashlib.sha256(data).hexdigest(), gen)
    return writer.publish(out, timestamp_expiry=dt.timedelta(hours=1))


def raw_manifest(collection: str, generation: int, records: list[dict]) -> bytes:
    """Manifest bytes as a careless publisher might sign them: ASCII escapes (so a lone surrogate survives)."""
    doc = {"format": manifest_mod.FORMAT, "collection": collection, "generation": generation,
           "records": sorted(records, key=lambda r: r["id"]), "tombstones": []}
    return json.dumps(doc, ensure_ascii=True, sort_keys=True, separators=(",", ":")).encode()


def bumped(rec: dict, **changes) -> dict:
    return {**rec, **changes, "rev": rec["rev"] + 1}


class Terminal:
    """A terminal synced to version 1 over a real HTTP server; station.db holds an announcement."""

    def __init__(self, tmp_path: Path, data_dir: Path, pub: Publisher, server: RepoServer):
        from kiosk.store import station

        self.pub = pub
        self.server = server
        self.cfg = terminal_config(data_dir, server.url, pub.root_path)
        self.conf = write_config_file(tmp_path / "kiosk.toml", self.cfg)
        station.open_station_db(self.cfg.station_db_path)
        station.add_announcement("本站公告", "")
        station.station_db.close()
        self.station_digest = file_digest(self.cfg.station_db_path)
        assert self.sync().result == OK

    def sync(self):
        return SyncClient(self.cfg).run_once()

    def sync_cli(self) -> subprocess.CompletedProcess:
        content.content_db.close()  # the child process writes content.db; reopened by the next read
        proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "sync", "--once", "--config", str(self.conf)],
                              capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
        content.open_content_db(self.cfg.content_db_path)
        return proc

    def status(self) -> dict:
        proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "status", "--json", "--config", str(self.conf)],
                              capture_output=True, text=True, timeout=60, cwd=REPO_ROOT)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    def records(self, kind: str) -> list:
        return sorted(content.Record.select(content.Record.id, content.Record.rev, content.Record.data)
                      .where(content.Record.kind == kind).tuples())

    def manifest_downloads(self) -> list[str]:
        return [p for p in self.server.paths() if p.startswith("/targets/content/")]

    def check(self) -> None:
        assert_invariants(self.cfg, station_digest=self.station_digest)


@pytest.fixture
def terminal(tmp_path, data_dir, publisher):
    with RepoServer(publisher.repo_dir) as server:
        yield Terminal(tmp_path, data_dir, publisher, server)


def test_a_calendar_invalid_date_refuses_that_collection_only_and_is_not_fetched_again(terminal):
    pub = terminal.pub
    news_before = terminal.records("news")
    services = pub.source.records("services")
    news = pub.source.records("news")
    gen = sign_raw(pub, {
        "services": [bumped(services[0], title="新标题")] + services[1:],
        "news": [bumped(news[0], published_at="2026-02-30")] + news[1:],
    })
    proc = terminal.sync_cli()
    # Refused cleanly: exit 13, one line naming collection, record and field; the rest applied.
    assert proc.returncode == 13, proc.stderr
    assert_one_clear_line(proc, "sync REFUSED [REFUSED_COLLECTIONS]", "applied services", "news generation",
                          news[0]["id"], "'published_at'")
    assert content.get_record(services[0]["id"])["title"] == "新标题"
    assert terminal.records("news") == news_before
    status = terminal.status()
    assert status["last_result"] == REFUSED and "'published_at'" in status["last_reason"]
    # The reason as a code, and what else the cycle applied as data (the staff screen words these).
    assert status["last_reason_code"] == "REFUSED_COLLECTIONS"
    assert status["last_applied"] == {"collections": [{"collection": "services", "generation": gen}],
                                      "upserted": 1, "deleted": 0}
    assert status["refused"]["news"]["generation"] == gen
    assert status["collections"]["news"]["generation"] == 1 and status["collections"]["services"]["generation"] == gen
    terminal.check()

    # The next cycle does not download the refused manifest again, and still says REFUSED.
    terminal.server.log.clear()
    proc = terminal.sync_cli()
    assert proc.returncode == 13, proc.stderr
    assert "news generation" in proc.stderr and "'published_at'" in proc.stderr
    assert terminal.manifest_downloads() == []
    assert terminal.status()["refused"]["news"]["generation"] == gen
    plain = subprocess.run([sys.executable, "-m", "kiosk.cli", "status", "--config", str(terminal.conf)],
                           capture_output=True, text=True, timeout=60, cwd=REPO_ROOT)
    assert f"refused: news generation {gen}: " in plain.stdout and "'published_at'" in plain.stdout

    # The publisher fixes it: the next generation applies and the refusal is gone.
    fixed = sign_raw(pub, {"news": [dict(news[0], rev=news[0]["rev"] + 2, title="修正后")] + news[1:]})
    proc = terminal.sync_cli()
    assert proc.returncode == 0, proc.stderr
    assert content.get_record(news[0]["id"])["title"] == "修正后"
    status = terminal.status()
    assert status["last_result"] == OK and status["refused"] == {}
    assert status["collections"]["news"]["generation"] == fixed
    terminal.check()


TERMINAL_HOSTILE = {
    "month-13": ("events", {"starts_at": "2026-13-01T09:00:00+08:00"}, "'starts_at'"),
    "offset-plus-99h": ("events", {"ends_at": "2026-12-01T11:00:00+99:00"}, "'ends_at'"),
    "lone-surrogate": ("news", {"title": "标题\ud800"}, "lone surrogate"),
    "escape-in-an-unknown-field": ("news", {"subtitle": "\x1b[2J"}, "control character U+001B"),
    "conditions-a-number": ("services", {"conditions": 12345}, "'conditions'"),
    "booking-a-string": ("services", {"booking": "x"}, "'booking'"),
    "registration-a-string": ("events", {"registration": "x"}, "'registration'"),
    "50000-related-ids": ("news", {"related_ids": [f"nws-{i}" for i in range(50_000)]}, "'related_ids'"),
    "100000-materials": ("services", {"materials": ["材料"] * 100_000}, "'materials'"),
    "source-url-http": ("news", {"source_url": "http://public.zhengzhou.gov.cn/x"}, "'source_url'"),
    "source-url-port-99999": ("news", {"source_url": "https://public.zhengzhou.gov.cn:99999/x"}, "'source_url'"),
    "title-of-spaces": ("news", {"title": " \n "}, "field 'title': is blank"),
    "deeply-nested-unknown-field": ("news", {"extra": [[[[["x"]]]]]}, "nested deeper"),
    "event-type-markup": ("events", {"event_type": "<b>expo</b>"}, "field 'event_type': got '<b>expo</b>'"),
    "event-type-too-long": ("events", {"event_type": "x" * 41}, "field 'event_type': 41 characters"),
    "event-type-bidi": ("events", {"event_type": "expo\u2067"}, "field 'event_type': bidi control U+2067"),
    "event-type-a-list": ("events", {"event_type": ["briefing"]}, "field 'event_type': got a list"),
}


@pytest.mark.parametrize("case", sorted(TERMINAL_HOSTILE))
def test_a_signed_manifest_breaking_a_rule_is_refused_and_the_rest_applies(terminal, case):
    collection, changes, needle = TERMINAL_HOSTILE[case]
    pub = terminal.pub
    recs = pub.source.records(collection)
    hostile = [bumped(recs[0], **changes)] + recs[1:]
    other = "policies"
    policies = pub.source.records(other)
    before = terminal.records(collection)
    gen = sign_raw(pub, {collection: raw_manifest(collection, pub.published_states()[collection][0] + 1, hostile)
                         if case == "lone-surrogate" else hostile,
                         other: [bumped(policies[0], title="同一周期的其他更新")] + policies[1:]})
    outcome = terminal.sync()
    assert outcome.result == REFUSED and outcome.exit_code == 13
    assert needle in outcome.reason and repr(collection) in outcome.reason, outcome.reason
    assert outcome.changed_collections == [other]
    assert terminal.records(collection) == before
    assert content.get_record(policies[0]["id"])["title"] == "同一周期的其他更新"
    assert content.refused_targets()[collection].generation == gen
    terminal.check()


def test_an_id_in_two_collections_is_refused_not_a_security_alert_and_heals_when_fixed(terminal):
    pub = terminal.pub
    news = pub.source.records("news")
    notices = pub.source.records("notices")
    services = pub.source.records("services")
    moved = news[0]
    # Notices lists an id that news still lists: a publisher's mistake, not an attack.
    sign_raw(pub, {"notices": notices + [dict(moved, rev=1)],
                   "services": [bumped(services[0], title="照常更新")] + services[1:]})
    outcome = terminal.sync()
    assert outcome.result == REFUSED, outcome.reason
    assert f"record {moved['id']!r} is also listed in 'news'" in outcome.reason
    assert outcome.changed_collections == ["services"]
    assert content.get_record(moved["id"])["kind"] == "news"
    terminal.check()
    # The publisher removes it from news; the notices target is unchanged, but it no longer clashes.
    terminal.server.log.clear()
    sign_raw(pub, {"news": news[1:]})
    outcome = terminal.sync()
    assert outcome.result == OK, outcome.reason
    assert set(outcome.changed_collections) == {"news", "notices"}
    assert content.get_record(moved["id"])["kind"] == "notices"
    assert content.refused_targets() == {}
    terminal.check()


def test_a_newer_event_type_is_applied_and_listed_as_other_until_a_malformed_one_is_refused(terminal):
    pub = terminal.pub
    events = pub.source.records("events")
    pub.source.write("events", [bumped(events[0], event_type="exhibition")] + events[1:])
    assert publish_cli(pub).returncode == 0
    proc = terminal.sync_cli()
    assert proc.returncode == 0, proc.stderr
    assert content.get_record(events[0]["id"])["event_type"] == "exhibition"  # kept as published
    assert content.event_type_counts()["other"] == 1
    assert [r["id"] for r in content.list_records("events", event_type="other")] == [events[0]["id"]]
    terminal.check()

    # A malformed type is still refused: the events keep the last good generation, the one with "exhibition".
    before = terminal.records("events")
    gen = sign_raw(pub, {"events": [dict(events[0], rev=events[0]["rev"] + 2, event_type="exhibition\x07")]
                         + events[1:]})
    proc = terminal.sync_cli()
    assert proc.returncode == 13, proc.stderr
    assert_one_clear_line(proc, "sync REFUSED [REFUSED_COLLECTIONS]", "events generation", events[0]["id"],
                          "field 'event_type': control character U+0007")
    assert terminal.records("events") == before
    assert content.refused_targets()["events"].generation == gen
    terminal.check()


def test_an_unknown_but_clean_field_is_tolerated_by_terminals(terminal):
    news = terminal.pub.source.records("news")
    sign_raw(terminal.pub, {"news": [bumped(news[0], subtitle="副标题", layout={"columns": 2})] + news[1:]})
    outcome = terminal.sync()
    assert outcome.result == OK, outcome.reason
    assert content.get_record(news[0]["id"])["subtitle"] == "副标题"


def test_sync_loop_keeps_running_after_a_refusal(terminal):
    news = terminal.pub.source.records("news")
    sign_raw(terminal.pub, {"news": raw_manifest("news", 2, [bumped(news[0], title="\ud800")] + news[1:])})
    content.content_db.close()
    proc = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "sync", "--loop", "--config", str(terminal.conf)],
                            stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT)
    try:
        assert proc.stderr.readline().startswith("sync REFUSED")
        proc.send_signal(signal.SIGUSR1)  # "sync now": a second cycle, same answer, no crash
        second = proc.stderr.readline()
        assert second.startswith("sync REFUSED") and "lone surrogate" in second, second
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    content.open_content_db(terminal.cfg.content_db_path)
    terminal.check()


def test_unchanged_after_a_refusal_is_still_reported_refused(terminal):
    news = terminal.pub.source.records("news")
    sign_raw(terminal.pub, {"news": [bumped(news[0], valid_until=12345)] + news[1:]})
    assert terminal.sync().result == REFUSED
    before = content_snapshot()
    again = terminal.sync()
    assert again.result == REFUSED and again.result != UNCHANGED
    assert content_snapshot() == before


def test_apply_never_raises_on_a_date(content_store):
    """Belt and braces behind the manifest check: a bad instant reaching apply is stored as unknown."""
    bad = Manifest("events", 1, [{"id": "evt-bad", "rev": 1, "title": "活动", "summary": "摘要",
                                  "starts_at": "2026-02-30T09:00:00+08:00", "ends_at": "2026-12-01T09:00:00+99:00"}])
    content.apply_manifests([bad])
    row = content.Record.get_by_id("evt-bad")
    assert row.starts_at is None and row.ends_at is None
    # Rows written before the publisher checked calendars are re-indexed without a crash (no expiry).
    assert search_index.index_record("events", {"title": "活动", "ends_at": "2026-02-30T09:00:00+08:00"})


def test_schema_covers_every_field_of_the_seed():
    """The seed is the reference for what content looks like: every field it uses is in SCHEMA."""
    seed = REPO_ROOT / "assets" / "content"
    for collection, rules in manifest_mod.SCHEMA.items():
        doc = json.loads((seed / f"{collection}.json").read_text(encoding="utf-8"))
        used = {name for rec in doc["records"] for name in rec} - {"id", "rev"}
        assert used <= set(rules), (collection, used - set(rules))
        for name, rule in rules.items():
            if rule.kind in ("text_list", "id_list", "attachments"):
                assert name.removesuffix("_en") in LIST_LIMITS, name
