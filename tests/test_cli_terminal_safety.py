"""Text from content, station.db and the network never drives the technician's terminal.

Every command runs as a real `python -m kiosk.cli` child on a real data dir. The hostile strings
are written into the SQLite files directly: the publisher and the apply refuse them, so a row like
this comes from an older version, a hand-edited file or damage — exactly what the CLI must still
print safely (escaped, one record per line), never as a live escape sequence.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from tests.helpers import REPO_ROOT

# An OSC sequence that retitles the terminal window (ESC ] 0 ; … BEL), a bidi override that
# reverses what follows, a C1 CSI and DEL.
HOSTILE = "专利\x1b]0;pwned\x07申请\u202eevil\x9b31m\x7f"
RAW = ("\x1b", "\x07", "\u202e", "\x9b", "\x7f")
RECORD_ID = "svc-patent-application"


@pytest.fixture
def conf(tmp_path, data_dir):
    path = tmp_path / "kiosk.toml"
    path.write_text(f'data_dir = "{data_dir}"\n', encoding="utf-8")
    return path


def ipkiosk(conf, *argv) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "kiosk.cli", *argv, "--config", str(conf)], cwd=REPO_ROOT,
                            capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def hostile_data(conf, data_dir):
    """Seeded content.db and a station.db whose texts carry HOSTILE (see the module docstring)."""
    assert ipkiosk(conf, "status").returncode == 0  # imports the seed
    assert ipkiosk(conf, "announce", "list").returncode == 0  # creates station.db
    db = sqlite3.connect(data_dir / "content.db")
    (data,) = db.execute("SELECT data FROM record WHERE id = ?", (RECORD_ID,)).fetchone()
    record = json.loads(data) | {"title": HOSTILE, "issuer": HOSTILE, "summary": f"第一行\n{HOSTILE}",
                                 "materials": [HOSTILE], "body": f"正文\n\n{HOSTILE}"}
    db.execute("UPDATE record SET title = ?, data = ? WHERE id = ?", (HOSTILE, json.dumps(record), RECORD_ID))
    db.execute("UPDATE syncstatus SET last_result = 'OFFLINE', last_reason = ?", (f"HTTP 503 from proxy: {HOSTILE}",))
    db.commit()
    db.close()
    db = sqlite3.connect(data_dir / "station.db")
    db.execute("INSERT INTO announcement (title, body, pinned, created_at, updated_at) VALUES (?, ?, 0, ?, ?)",
               (HOSTILE, HOSTILE, "2026-12-01T01:00:00+00:00", "2026-12-01T01:00:00+00:00"))
    db.execute("INSERT INTO auditlog (at, actor, action, object, detail) VALUES (?, ?, ?, ?, ?)",
               ("2026-12-01T01:00:00+00:00", "admin-screen", "announcement.add", HOSTILE, HOSTILE))
    db.commit()
    db.close()


def assert_escaped(text: str) -> None:
    assert not [ch for ch in RAW if ch in text], repr(text)
    assert r"\x1b]0;pwned\x07" in text and r"\u202e" in text, "the characters are shown escaped, not dropped"


@pytest.mark.parametrize("argv", [
    ("list", "services"),
    ("show", RECORD_ID),
    ("search", "zlsq"),
    ("announce", "list"),
    ("admin", "audit"),
    ("status",),
])
def test_plain_output_escapes_control_and_bidi_characters(hostile_data, conf, argv):
    result = ipkiosk(conf, *argv)
    assert result.returncode == 0, result.stderr
    assert_escaped(result.stdout)


def test_a_record_stays_on_its_own_lines(hostile_data, conf):
    listed = ipkiosk(conf, "list", "services").stdout.splitlines()
    [line] = [x for x in listed if x.startswith(f"{RECORD_ID}\t")]
    assert line.count("\t") == 1
    shown = ipkiosk(conf, "show", RECORD_ID).stdout
    assert "第一行\n专利" in shown, "a summary's own line breaks are kept"


JSON_COMMANDS = [("list", "services", "--json"), ("show", RECORD_ID, "--json"), ("search", "zlsq", "--json"),
                 ("announce", "list", "--json"), ("admin", "audit", "--json"), ("status", "--json")]


def _strings(doc) -> list[str]:
    if isinstance(doc, str):
        return [doc]
    if isinstance(doc, dict):
        return [s for v in doc.values() for s in _strings(v)]
    if isinstance(doc, list):
        return [s for v in doc for s in _strings(v)]
    return []


@pytest.mark.parametrize("argv", JSON_COMMANDS)
def test_json_output_keeps_the_exact_text_and_runs_no_escape_sequence(hostile_data, conf, argv):
    result = ipkiosk(conf, *argv)
    assert result.returncode == 0, result.stderr
    # json.dumps writes C0 controls (ESC, BEL) as \u001b, \u0007: no sequence runs, and a program reading
    # the document gets the stored text exactly.
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert any(HOSTILE in s for s in _strings(json.loads(result.stdout)))


@pytest.mark.parametrize("argv", JSON_COMMANDS[:1])
def test_json_output_escapes_c1_and_bidi_controls_too(hostile_data, conf, argv):
    result = ipkiosk(conf, *argv)
    assert not [ch for ch in RAW if ch in result.stdout], repr(result.stdout)


def test_error_lines_escape_what_the_user_gave(conf):
    result = ipkiosk(conf, "show", "svc-\x1b]0;pwned\x07")
    assert result.returncode == 1 and "no record with id" in result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
