"""`ipkiosk search` / `ipkiosk suggest` round trips through kiosk.cli.main on a seeded temp data dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main


@pytest.fixture
def run(cfg, data_dir, capsys, tmp_path):
    config_path = tmp_path / "kiosk.toml"
    config_path.write_text(f'data_dir = "{data_dir}"\n', encoding="utf-8")

    def _run(*argv):
        code = main([*argv, "--config", str(config_path)])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def test_search_json_is_a_ranked_list_with_the_matched_characters(run):
    code, out, _ = run("search", "zlsq", "--json", "--limit", "3")
    answer = json.loads(out)
    hits = answer["hits"]
    assert code == 0 and answer["corrected_to"] is None and 0 < len(hits) <= 3
    assert all(set(h) == {"id", "kind", "title", "score", "matched", "spans"} for h in hits)
    assert hits[0]["id"] == "svc-patent-application" and hits[0]["matched"] == "title:initials"
    assert hits[0]["title"] == "专利申请受理" and hits[0]["spans"] == [[0, 4]]
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_search_text_output_and_zero_result_hints(run):
    code, out, _ = run("search", "商标续展")
    assert code == 0 and out.splitlines()[0].split()[2] == "svc-trademark-renewal"
    code, out, err = run("search", "qqqq")
    assert code == 0 and out == ""
    assert "no results" in err and "browse: services" in err and "已为您显示" not in err


def test_search_corrects_a_one_letter_typo_and_says_so(run):
    code, out, err = run("search", "shangbaio")
    assert code == 0 and "已为您显示「商标」的结果（原词 shangbaio）" in err and "no results" not in err
    assert out.splitlines()[0].split()[2].startswith("svc-trademark-")
    code, out, _ = run("search", "shangbaio", "--json")
    answer = json.loads(out)
    assert answer["corrected_to"] == {"query": "shangbiao", "display": "商标", "literal": "shangbaio"}
    assert answer["hits"][0]["title"].startswith("商标") and answer["hits"][0]["spans"][0] == [0, 2]
    # The literal query stays available: what the touch screen's way back to the typed word shows.
    code, out, err = run("search", "shangbaio", "--literal")
    assert code == 0 and out == "" and "no results" in err and "did you mean:" in err and "商标" in err
    code, out, _ = run("search", "shangbaio", "--literal", "--json")
    assert json.loads(out) == {"corrected_to": None, "hits": []}


CORRECTED_CASES = [c for c in json.loads((Path(__file__).with_name("search-cases.json")).read_text(encoding="utf-8"))
                   if c.get("expect_corrected_to")]


@pytest.mark.parametrize("case", CORRECTED_CASES, ids=[c["query"] for c in CORRECTED_CASES])
def test_search_shows_the_same_corrections_as_the_public_cases(run, case):
    expected = case["expect_corrected_to"]
    code, out, _ = run("search", case["query"], "--json", "--limit", "3")
    answer = json.loads(out)
    assert code == 0 and answer["corrected_to"] == {**expected, "literal": case["query"]}
    assert {h["id"] for h in answer["hits"]} & set(case["expect_top3_any_of"])
    code, out, err = run("search", case["query"], "--limit", "3")
    assert f"已为您显示「{expected['display']}」的结果（原词 {case['query']}）" in err
    assert [line.split()[2] for line in out.splitlines()] == [h["id"] for h in answer["hits"]]


def test_search_finds_a_document_number_by_its_digits(run):
    code, out, _ = run("search", "2022 140", "--json")
    ids = [h["id"] for h in json.loads(out)["hits"]]
    assert code == 0 and ids[:2] == ["pol-zz-2022-140-notice", "pol-zz-2022-140-plan"]


def test_search_refuses_a_limit_below_one(run):
    code, _, err = run("search", "专利", "--limit", "0")
    assert code == 2 and "--limit" in err


def test_suggest_json_lists_words_that_find_results(run):
    code, out, _ = run("suggest", "zl", "--json")
    words = json.loads(out)
    assert code == 0 and 0 < len(words) <= 8 and "专利申请" in words
    for word in words:
        code, out, _ = run("search", word, "--json", "--limit", "1")
        assert len(json.loads(out)["hits"]) == 1, word
    code, out, _ = run("suggest", "zl")
    assert out.split() == words


# ---------------------------------------------------------------- hostile queries, through the real entry point


def _ipkiosk(config_path, *argv):
    import subprocess
    import sys

    from tests.helpers import REPO_ROOT

    return subprocess.run([sys.executable, "-m", "kiosk.cli", *argv, "--config", str(config_path)], cwd=REPO_ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)


@pytest.fixture
def conf(data_dir, tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text(f'data_dir = "{data_dir}"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("query", ["a" * 1000, "zl" * 50_000, "专" * 1000, "zhuanli " * 200,
                                   "\x1b[2J\x07\u202e" * 300 + "zlsq", "\ud800" * 1000],
                         ids=["1000-letters", "100000-letters", "1000-hanzi", "200-words", "controls", "surrogates"])
@pytest.mark.parametrize("command", ["search", "suggest"])
def test_a_long_or_strange_query_is_cut_to_its_first_40_characters(conf, command, query):
    """Before, 1,000 letters overflowed the pinyin segmenter (RecursionError traceback, exit 1). Now the first
    MAX_QUERY_CHARS characters are searched, as the touch keyboard's field allows, and stderr says so."""
    from kiosk.search import MAX_QUERY_CHARS

    if query.startswith("\ud800"):
        query = "\udcff" * 1000  # what Python makes of invalid UTF-8 bytes on the command line
    long = _ipkiosk(conf, command, query, "--json")
    assert long.returncode == 0 and "Traceback" not in long.stderr, long.stderr
    assert long.stderr.strip().splitlines()[0] == (f"{command}: only the first {MAX_QUERY_CHARS} of {len(query)} "
                                                   "characters are used")
    cut = _ipkiosk(conf, command, query[:MAX_QUERY_CHARS], "--json")
    assert json.loads(long.stdout) == json.loads(cut.stdout), "the same answer as for the first 40 characters"


def test_a_query_within_the_cap_is_searched_whole(conf):
    hits = json.loads(_ipkiosk(conf, "search", "专利申请", "--json").stdout)["hits"]
    assert hits and hits[0]["id"] == "svc-patent-application"
