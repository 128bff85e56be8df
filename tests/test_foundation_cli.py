"""`ipkiosk` round trips through the real entry point, and the docs agree with the parser."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import pytest

from kiosk.cli import build_parser, main
from tests.helpers import REPO_ROOT, probe_command


@pytest.fixture
def cli(tmp_path, capsys):
    conf = tmp_path / "kiosk.toml"
    conf.write_text(f'data_dir = "{tmp_path / "data"}"\n', encoding="utf-8")

    def run(*argv):
        code = main([*argv, "--config", str(conf)])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_first_status_imports_the_seed(cli):
    code, out, _ = cli("status", "--json")
    assert code == 0
    doc = json.loads(out)
    assert {k: v["count"] for k, v in doc["collections"].items()} == {
        "services": 40, "policies": 8, "events": 6, "notices": 8, "news": 8, "booking_types": 8}
    assert all(v["generation"] == 0 for v in doc["collections"].values())
    assert set(doc) >= {"last_result", "last_reason", "last_reason_code", "last_applied", "last_attempt_at",
                        "last_verified_at"}
    assert doc["last_reason_code"] is None and doc["last_applied"] is None, "no sync yet"


def test_import_seed_is_idempotent(cli):
    assert cli("import-seed")[1].startswith("imported seed content")
    assert cli("import-seed")[1].startswith("seed not imported")


def test_list_and_show(cli):
    code, out, _ = cli("list", "policies", "--json")
    assert code == 0 and "pol-zz-2022-140-plan" in [r["id"] for r in json.loads(out)]
    code, out, _ = cli("show", "pol-zz-2022-140-plan")
    assert code == 0
    assert "郑市监文〔2022〕140号" in out and "郑州市知识产权公共服务体系建设实施方案" in out
    assert len(out) > 5000  # the full plan, not a summary
    code, out, _ = cli("show", "svc-patent-application", "--json")
    assert json.loads(out)["kind"] == "services"
    code, _, err = cli("show", "no-such-id")
    assert code == 1 and "no-such-id" in err


def test_search_returns_ranked_json(cli):
    code, out, _ = cli("search", "专利申请", "--json", "--limit", "5")
    hits = json.loads(out)["hits"]
    assert code == 0 and 0 < len(hits) <= 5
    assert set(hits[0]) >= {"id", "kind", "title", "score"}
    assert hits[0]["id"] == "svc-patent-application"


def test_announce_round_trip(cli):
    code, out, _ = cli("announce", "add", "--title", "本周六照常开放", "--body", "欢迎来访", "--pinned",
                       "--starts", "2026-11-28T09:00", "--ends", "2026-11-29")
    assert code == 0
    ann_id = int(out.strip())
    items = json.loads(cli("announce", "list", "--json")[1])
    assert items == [{**items[0], "id": ann_id, "title": "本周六照常开放", "pinned": True,
                      "starts_at": "2026-11-28T01:00:00+00:00", "ends_at": "2026-11-28T16:00:00+00:00"}]
    assert cli("announce", "edit", str(ann_id), "--unpinned")[0] == 0
    assert json.loads(cli("announce", "list", "--json")[1])[0]["pinned"] is False
    code, _, err = cli("announce", "add", "--title", "x", "--starts", "next week")
    assert code == 2 and "starts_at" in err
    assert cli("announce", "remove", str(ann_id))[0] == 0
    code, _, err = cli("announce", "remove", str(ann_id))
    assert code == 2 and "not found" in err
    assert json.loads(cli("announce", "list", "--json")[1]) == []


def test_console_script_runs_as_a_process(tmp_path):
    env_conf = tmp_path / "k.toml"
    env_conf.write_text(f'data_dir = "{tmp_path / "d"}"\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(env_conf), "status"],
                          capture_output=True, text=True, timeout=60, cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "services" in proc.stdout and "40 records" in proc.stdout


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path):
    """`ipkiosk search zl | head -1`: the reader has what it wanted and has gone; the command stops without a
    traceback or an error line (here the pipe's reader is gone before the first line, so every write fails)."""
    conf = tmp_path / "k.toml"
    conf.write_text(f'data_dir = "{tmp_path / "d"}"\n', encoding="utf-8")
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(conf), "search", "zl"],
                              stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60, cwd=REPO_ROOT)
    finally:
        os.close(write_end)
    assert (proc.returncode, proc.stderr) == (0, "")


def _subcommands(parser: argparse.ArgumentParser, prefix=()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                path = (*prefix, name)
                nested = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]
                if nested:
                    yield from _subcommands(sub, path)
                else:
                    yield path, sub


def test_every_subcommand_and_option_is_documented_in_docs_cli():
    doc = (REPO_ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for path, sub in _subcommands(build_parser()):
        heading = f"### `ipkiosk {' '.join(path)}`"
        assert heading in doc, f"docs/cli.md lacks {heading}"
        section = doc.split(heading, 1)[1].split("\n### ", 1)[0]
        for action in sub._actions:
            for opt in action.option_strings:
                if opt not in ("-h", "--help", "--config"):
                    assert f"`{opt}" in section, f"docs/cli.md: {heading} does not mention {opt}"


def test_core_import_does_not_load_qt_at_runtime():
    out = subprocess.run(probe_command("core_without_qt"), capture_output=True, text=True, cwd=REPO_ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_an_unwritable_data_dir_is_one_clear_line_not_a_traceback(tmp_path, capsys):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data dir should be", encoding="utf-8")
    conf = tmp_path / "kiosk.toml"
    conf.write_text(f'data_dir = "{blocker / "data"}"\n', encoding="utf-8")
    assert main(["announce", "list", "--config", str(conf)]) == 1
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert last.startswith("ipkiosk: announce: NotADirectoryError") and str(blocker / "data") in last
    assert "Traceback" not in err
