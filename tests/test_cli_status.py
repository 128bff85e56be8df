"""`ipkiosk status` in plain text names the last sync's reason code, as `ipkiosk sync` words a cycle.

Every case runs the real CLI as a child process on a real content.db; the outcomes are recorded by a real
`ipkiosk sync --once` or by the store call the sync client makes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from kiosk.core.sync_outcome import SyncReason
from kiosk.store import content
from kiosk.store.content import SyncStatus
from kiosk.store.seed import open_content
from tests.helpers import REPO_ROOT

CHINA_SECOND = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00"


def _ipkiosk(conf, *argv: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *argv, "--config", str(conf)], cwd=REPO_ROOT,
                          capture_output=True, text=True, env=env, timeout=120)


def _status(conf) -> tuple[str, dict]:
    plain, as_json = _ipkiosk(conf, "status"), _ipkiosk(conf, "status", "--json")
    assert plain.returncode == as_json.returncode == 0, plain.stderr + as_json.stderr
    return plain.stdout, json.loads(as_json.stdout)


def _last_sync(out: str) -> str:
    lines = [line for line in out.splitlines() if line.startswith("last sync:")]
    assert len(lines) == 1, out
    return lines[0]


def test_status_shows_the_code_that_sync_once_printed(tmp_path, data_dir):
    """A real cycle against a repository nobody answers at: the outcome, code and reason of its summary line
    are what `status` shows beside the time, and `status --json` has the same code."""
    from kiosk.sync import publish

    assert publish.main(["init", str(tmp_path / "keys")]) == 0
    conf = tmp_path / "kiosk.toml"
    conf.write_text(f'data_dir = "{data_dir}"\nrepository_url = "http://127.0.0.1:9/repo"\n'
                    f'trusted_root = "{tmp_path / "keys" / "1.root.json"}"\n', encoding="utf-8")
    cycle = _ipkiosk(conf, "sync", "--once")
    summary = re.search(r"^sync (\w+) \[(\w+)\]: (.*) \(\d+ requests, \d+ bytes\)$", cycle.stderr, flags=re.M)
    assert summary, cycle.stderr
    outcome, code, reason = summary.groups()
    assert outcome == "OFFLINE" and SyncReason(code) is not SyncReason.UNKNOWN

    out, doc = _status(conf)
    assert re.fullmatch(rf"last sync: {outcome} \[{code}\]: {re.escape(reason)} at {CHINA_SECOND}", _last_sync(out))
    assert (doc["last_result"], doc["last_reason_code"], doc["last_reason"]) == (outcome, code, reason)


def test_status_names_an_applied_cycle_and_one_recorded_before_codes(tmp_path, cfg):
    conf = tmp_path / "kiosk.toml"
    conf.write_text(f'data_dir = "{cfg.data_path}"\n', encoding="utf-8")
    out, doc = _status(conf)  # imports the seed: nothing synced yet
    assert _last_sync(out) == "last sync: never"
    assert doc["last_result"] is None and doc["last_reason_code"] is None

    open_content(cfg)
    content.record_sync_outcome("OK", "applied services (generation 2): 3 upserted, 0 deleted", SyncReason.APPLIED,
                                verified=True, applied=content.AppliedCounts((("services", 2),), 3, 0))
    content.content_db.close()
    out, doc = _status(conf)
    assert re.fullmatch(rf"last sync: OK \[APPLIED\]: applied services \(generation 2\): 3 upserted, 0 deleted "
                        rf"at {CHINA_SECOND}", _last_sync(out))
    assert doc["last_reason_code"] == "APPLIED"
    assert doc["last_applied"] == {"collections": [{"collection": "services", "generation": 2}], "upserted": 3,
                                   "deleted": 0}

    # An outcome a version before reason codes recorded (migration 0006 left its code NULL): no empty brackets.
    open_content(cfg)
    SyncStatus.update(last_result="OFFLINE", last_reason="connection refused", last_reason_code=None).execute()
    content.content_db.close()
    out, doc = _status(conf)
    assert re.fullmatch(rf"last sync: OFFLINE: connection refused at {CHINA_SECOND}", _last_sync(out))
    assert doc["last_reason_code"] is None


def test_a_code_from_a_newer_version_is_shown_as_recorded_and_escaped(tmp_path, cfg):
    """content.db may be written by a newer version (a code this one does not know) or be tampered with: the
    code is shown as recorded, with control characters escaped like every other text from the database."""
    conf = tmp_path / "kiosk.toml"
    conf.write_text(f'data_dir = "{cfg.data_path}"\n', encoding="utf-8")
    open_content(cfg)
    SyncStatus.update(last_result="OFFLINE", last_reason="proxy said no", last_reason_code="PROXY_AUTH\x1b[2J",
                      last_attempt_at="2026-12-07T02:00:00+00:00").execute()
    content.content_db.close()
    out, _doc = _status(conf)
    assert _last_sync(out) == r"last sync: OFFLINE [PROXY_AUTH\x1b[2J]: proxy said no at 2026-12-07 10:00:00 +08:00"
