"""Unit tests of kiosk.search, one group per matching and ranking rule, on small record
sets indexed by the real apply-time code (kiosk.search.index)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest

from kiosk.search import index
from kiosk.search.engine import (
    Correction,
    KeysVersionError,
    SearchIndex,
    normalise,
    prefix_edit_distance,
    query_words,
)
from kiosk.store import content
from tests.helpers import REPO_ROOT, probe_command
from tests.test_foundation_store import manifest

NOW = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)


def rec(rid: str, title: str, **fields) -> dict:
    return {"id": rid, "rev": 1, "title": title, "summary": fields.pop("summary", "摘要"), **fields}


def build(records: dict[str, list[dict]], now=lambda: NOW) -> SearchIndex:
    docs = [(r["id"], kind, r["title"], index.index_record(kind, r)) for kind, rs in records.items() for r in rs]
    vocabulary = [(row["word"], json.loads(row["keys"]), row["weight"])
                  for row in index.vocabulary_entries(keys for _id, _kind, _title, keys in docs)]
    return SearchIndex(docs, vocabulary, now=now)


def ids(index_: SearchIndex, query: str, limit: int = 50) -> list[str]:
    return [h.id for h in index_.search(query, limit=limit)]


# ---------------------------------------------------------------- normalisation


def test_query_normalisation_folds_width_case_and_punctuation():
    assert normalise("  ＺＬＳＱ ") == "zlsq"
    assert normalise("ShangBiao") == "shangbiao"
    assert query_words("专利，申请！") == ["专利", "申请"]
    assert query_words("（十四五）") == ["十四五"]
    assert query_words("  ，。 ") == []


def test_indexed_text_is_normalised_the_same_way():
    idx = build({"services": [rec("svc-a", "ＴＩＳＣ服务，网点")]})
    assert ids(idx, "tisc服务网点") == ["svc-a"]
    assert ids(idx, "服务 网点") == ["svc-a"]


def test_an_empty_query_or_limit_finds_nothing():
    idx = build({"services": [rec("svc-a", "专利申请")]})
    assert idx.search("", limit=5) == []
    assert idx.search("，", limit=5) == []
    assert idx.search("专利", limit=0) == []


# ---------------------------------------------------------------- matching rules


def test_hanzi_substring_of_any_length_in_every_field():
    idx = build({"services": [
        rec("svc-title", "商标注册申请受理"),
        rec("svc-kw", "其他事项", keywords=["品牌注册"]),
        rec("svc-summary", "另一事项", summary="可以办理注册手续"),
        rec("svc-body", "第三事项", body="## 说明\n\n**注册**以后"),
    ]})
    assert ids(idx, "注") == ["svc-title", "svc-kw", "svc-summary", "svc-body"]
    assert ids(idx, "注册") == ["svc-title", "svc-kw", "svc-summary", "svc-body"]
    assert ids(idx, "商标注册申请受理") == ["svc-title"]
    assert ids(idx, "注册以后") == ["svc-body"]  # Markdown markers do not split words
    assert ids(idx, "鬼") == []


def test_pinyin_initials_full_partial_and_mixed():
    idx = build({"services": [rec("svc-a", "专利申请受理"), rec("svc-b", "商标续展")]})
    for query in ("zlsq", "zhuanli", "zhuanlish", "zhuanlisq", "zlshenq", "zhuanlishenqingshouli", "sqsl", "shouli"):
        assert ids(idx, query) == ["svc-a"], query
    assert ids(idx, "zhuanlisx") == []
    assert ids(idx, "zhaunli") == []  # not a spelling of the title


def test_letters_cannot_skip_a_unit():
    idx = build({"services": [rec("svc-a", "专利申请")]})
    assert ids(idx, "zs") == []  # 专 then 申 skips 利
    assert ids(idx, "zls") == ["svc-a"]


def test_hanzi_mixed_with_letters():
    idx = build({"services": [rec("svc-a", "注册商标转让"), rec("svc-b", "商标注册")]})
    assert ids(idx, "商标zr") == ["svc-a"]
    assert ids(idx, "zc商标") == ["svc-a"]
    assert ids(idx, "商标zhuc") == ["svc-b"]
    assert ids(idx, "商标zx") == []
    idx = build({"services": [rec("svc-a", "专利申请受理"), rec("svc-b", "银行贷款")]})
    assert ids(idx, "专利sq") == ["svc-a"]  # a candidate-bar word, then more letters
    assert ids(idx, "专利shenq") == ["svc-a"]
    assert ids(idx, "银xing") == ["svc-b"] and ids(idx, "银hd") == ["svc-b"]
    assert ids(idx, "专利dk") == []


@pytest.mark.parametrize(
    ("title", "queries"),
    [
        ("银行对接会", ["yinhang", "yinxing", "yhdj", "yxdj"]),
        ("重庆专场", ["chongqing", "zhongqing", "cqzc", "zqzc"]),
        ("行政长官", ["xingzheng", "hangzheng", "zhangguan", "changguan"]),
    ],
)
def test_polyphones_match_either_reading(title, queries):
    idx = build({"services": [rec("svc-a", title)]})
    for query in queries:
        assert ids(idx, query) == ["svc-a"], query


def test_homophone_typo_through_pinyin_ranks_below_literal_matches():
    idx = build({"services": [rec("svc-a", "专利申请受理")], "news": [rec("nws-b", "关于专利申清的说明")]})
    # A word found literally is taken as typed.
    assert ids(idx, "专利申清") == ["nws-b"]
    idx = build({"services": [rec("svc-a", "专利申请受理")]})
    hits = idx.search("专利申清")
    assert [h.id for h in hits] == ["svc-a"] and hits[0].matched == "title:homophone"
    assert ids(idx, "专利伸请") == ["svc-a"]
    idx = build({"services": [rec("svc-c", "专利申请")]})  # the typo on the last character of the title
    assert [(h.id, h.matched) for h in idx.search("专利申清")] == [("svc-c", "title:homophone")]
    assert ids(idx, "专利神经") == []


def test_ascii_words_in_titles_keywords_and_bodies():
    idx = build({"services": [rec("svc-a", "TISC网点", body="网址 cponline.cnipa.gov.cn")]})
    assert ids(idx, "tisc") == ["svc-a"]
    assert ids(idx, "ti") == ["svc-a"]
    assert ids(idx, "cponline") == ["svc-a"]


def test_all_words_must_match():
    idx = build({"services": [rec("svc-a", "专利质押", keywords=["借钱"]), rec("svc-b", "专利申请")]})
    assert ids(idx, "借钱 专利") == ["svc-a"]
    assert ids(idx, "zl jieqian") == ["svc-a"]
    assert ids(idx, "专利 商标") == []


def test_partial_match_when_nothing_else_matches():
    idx = build({"services": [rec("svc-a", "维权援助", keywords=["被抄袭"]), rec("svc-b", "其他")]})
    hits = idx.search("被抄袭了")
    assert [h.id for h in hits] == ["svc-a"] and hits[0].matched == "partial"
    assert ids(idx, "抄了") == []  # two characters: no guessing


# ---------------------------------------------------------------- ranking


def test_exact_then_prefix_title_then_substring_then_keywords_summary_body():
    idx = build({"news": [
        rec("nws-body", "甲", body="讲座"),
        rec("nws-summary", "乙", summary="讲座"),
        rec("nws-kw", "丙", keywords=["讲座"]),
        rec("nws-sub", "海外讲座"),
        rec("nws-prefix", "讲座安排"),
        rec("nws-exact", "讲座"),
    ]})
    assert ids(idx, "讲座") == ["nws-exact", "nws-prefix", "nws-sub", "nws-kw", "nws-summary", "nws-body"]
    scores = [h.score for h in idx.search("讲座")]
    assert scores == sorted(scores, reverse=True)


def test_full_pinyin_before_initials_and_title_start_before_inside():
    idx = build({"news": [rec("nws-inside", "关于商标"), rec("nws-start", "商标须知"), rec("nws-other", "素不相识")]})
    full = [(h.id, h.matched) for h in idx.search("shangbiao")]
    assert full == [("nws-start", "title:pinyin"), ("nws-inside", "title:pinyin")]
    initials = idx.search("sb")
    assert [(h.id, h.matched) for h in initials] == [
        ("nws-other", "title:initials"), ("nws-start", "title:initials"), ("nws-inside", "title:initials")]
    scores = {h.id: h.score for h in idx.search("shangbiao")} | {h.id + "/sb": h.score for h in initials}
    # full at start > initials at start > full inside > initials inside
    assert scores["nws-start"] > scores["nws-start/sb"] > scores["nws-inside"] > scores["nws-inside/sb"]


def test_kinds_order_hot_and_recency_break_ties():
    idx = build({
        "news": [rec("nws-old", "专利快讯", published_at="2026-01-01"), rec("nws-new", "专利快讯", published_at="2026-10-01")],
        "notices": [rec("ntc-a", "专利快讯", published_at="2026-05-01")],
        "events": [rec("evt-a", "专利快讯", starts_at="2027-01-10T09:00:00+08:00", ends_at="2027-01-10T11:00:00+08:00")],
        "policies": [rec("pol-a", "专利快讯", body="正文", published_at="2020-01-01")],
        "services": [rec("svc-a", "专利快讯", category="专利"), rec("svc-hot", "专利快讯", category="专利", hot=True)],
    })
    assert ids(idx, "专利快讯") == ["svc-hot", "svc-a", "pol-a", "evt-a", "ntc-a", "nws-new", "nws-old"]


def test_expired_notices_and_past_events_sink_and_the_clock_moves_them():
    clock = {"now": NOW}
    idx = build({
        "notices": [
            rec("ntc-expiring", "培训通知", published_at="2026-11-20", valid_until="2026-11-30T23:59:00+08:00"),
            rec("ntc-current", "培训通知", published_at="2026-11-01", valid_until="2027-01-31T23:59:00+08:00"),
        ],
        "events": [
            rec("evt-past", "培训通知", starts_at="2026-10-01T09:00:00+08:00", ends_at="2026-10-01T11:00:00+08:00"),
            rec("evt-next", "培训通知", starts_at="2026-12-01T09:00:00+08:00", ends_at="2026-12-01T11:00:00+08:00"),
        ],
    }, now=lambda: clock["now"])
    assert ids(idx, "培训") == ["evt-next", "ntc-expiring", "ntc-current", "evt-past"]
    clock["now"] = dt.datetime(2026, 12, 5, tzinfo=dt.UTC)  # the notice expired, the event is over
    assert ids(idx, "培训") == ["ntc-current", "evt-next", "evt-past", "ntc-expiring"]


def test_limit_keeps_the_best():
    idx = build({"news": [rec(f"nws-{i:02d}", f"讲座{i:02d}", published_at=f"2026-01-{i + 1:02d}") for i in range(20)]
                 + [rec("nws-exact", "讲座")]})
    assert ids(idx, "讲座", limit=3) == ["nws-exact", "nws-19", "nws-18"]
    # Letters: every title starts with j z, so the newest win.
    assert ids(idx, "jz", limit=3) == ["nws-19", "nws-18", "nws-17"]


# ---------------------------------------------------------------- candidate bar and zero results


def test_suggest_returns_at_most_eight_words_that_each_find_results():
    idx = build({"services": [rec(f"svc-{i}", f"专利事项{i}", keywords=["专利申请", "专利贷款", "知识产权", f"专利{i}号"])
                              for i in range(12)]})
    words = idx.suggest("zl")
    assert 0 < len(words) <= 8
    assert "专利申请" in words
    for word in words:
        assert idx.search(word, limit=1), word
    assert idx.suggest("zhuanlishen") == ["专利申请"]
    assert idx.suggest("zhis")[0] == "知识产权"
    assert idx.suggest("专利") and all(w.startswith("专利") for w in idx.suggest("专利"))
    assert idx.suggest("qqq") == []


def test_suggest_prefers_heavier_words():
    idx = build({"services": [rec("svc-a", "甲", keywords=["商标"], hot=True), rec("svc-b", "乙", keywords=["社保"])]})
    assert idx.suggest("sb") == ["商标", "社保"]


def test_zero_results_offer_near_words_and_categories():
    idx = build({"services": [rec("svc-a", "商标注册", category="商标", keywords=["商标续展"]),
                              rec("svc-b", "专利申请", category="专利")],
                 "news": [rec("nws-a", "快讯")]})
    assert idx.search("shangbaio") == []
    nothing = idx.zero_results("shangbaio")
    assert "商标注册" in nothing.suggestions or "商标续展" in nothing.suggestions
    for word in nothing.suggestions:
        assert idx.search(word, limit=1)
    assert {(c.kind, c.category, c.count) for c in nothing.categories} >= {
        ("services", None, 2), ("news", None, 1), ("services", "商标", 1), ("services", "专利", 1)}
    # A hanzi query is spelled through the bundled readings table.
    assert "专利申请" in idx.zero_results("砖利申").suggestions


def test_prefix_edit_distance():
    assert prefix_edit_distance("shangbiao", "shangbiaozhuce", 2) == 0
    assert prefix_edit_distance("shangbaio", "shangbiaozhuce", 2) == 2
    assert prefix_edit_distance("xyz", "shangbiao", 1) == 2


# ---------------------------------------------------------------- reference numbers (文号, index numbers)


def _numbered() -> SearchIndex:
    return build({"policies": [
        rec("pol-plan", "郑州市知识产权公共服务体系建设实施方案", doc_number="郑市监文〔2022〕140号",
            index_number="MB1821951/2022-00041", published_at="2022-05-16"),
        rec("pol-other", "另一个方案", doc_number="国知发服字〔2021〕39号", published_at="2021-01-01"),
        rec("pol-titled", "第140期简报", published_at="2020-01-01"),
        rec("pol-body", "正文里有编号", summary="编号1402和年份2022都在正文", published_at="2020-01-01"),
    ]})


@pytest.mark.parametrize("query", ["140", "2022 140", "郑市监文140", "郑市监文〔2022〕140号", "郑市监文 140号",
                                   "郑市监", "MB1821951/2022-00041", "00041", "41", "mb1821951"])
def test_a_document_number_is_found_whole_or_by_its_parts(query):
    hits = _numbered().search(query)
    assert "pol-plan" in [h.id for h in hits], query
    assert [h.matched for h in hits if h.id == "pol-plan"] == ["reference"]


def test_reference_numbers_rank_below_titles_and_a_digit_part_matches_whole():
    idx = _numbered()
    assert ids(idx, "140")[:2] == ["pol-titled", "pol-plan"]  # the title holds 140: it comes first
    assert "pol-plan" not in ids(idx, "14") and "pol-plan" not in ids(idx, "1")  # 14 is not 140
    assert ids(idx, "39") == ["pol-other"] and ids(idx, "2021 39") == ["pol-other"]


def test_a_short_number_does_not_scan_summaries_and_bodies():
    idx = _numbered()
    assert "pol-body" in ids(idx, "1402") and "pol-body" in ids(idx, "140")  # three digits and more: everywhere
    assert ids(idx, "14") == ["pol-titled"]  # the title only: 14 is in every other long text
    assert index.reference_forms("国知发服字〔2021〕39号") == sorted(
        ["国知发服字2021", "国知发服字202139号", "国知发服字202139", "国知发服字39号", "202139号", "202139",
         "39号", "2021", "国知发服字", "39"], key=lambda f: (-len(f), f))
    assert index.reference_forms(None) == [] and index.reference_forms("〔〕") == []


# ---------------------------------------------------------------- typo correction


def _typos() -> SearchIndex:
    return build({"services": [rec("svc-tm", "商标注册申请", keywords=["商标"]),
                               rec("svc-pat", "专利申请受理", keywords=["专利"], hot=True),
                               rec("svc-renew", "商标续展", keywords=["续展"])]})


@pytest.mark.parametrize(("typed", "fixed", "display"), [
    ("shangbaio", "shangbiao", "商标"),  # two letters swapped
    ("zhaunli", "zhuanli", "专利"),
    ("zhuanlii", "zhuanli", "专利"),  # one letter too many
    ("zhuanl", None, None),  # a syllable started: it finds 专利 as typed, nothing to correct
    ("shengbiao", "shangbiao", "商标"),  # one letter wrong
    ("shangbao", "shangbiao", "商标"),  # one letter missing
    ("xuzhna", "xuzhan", "续展"),
    ("sbzcqs", "sbzcsq", "商标注册申请"),  # initials: a swapped pair only
    ("zhaunlishen", "zhuanlishen", "zhuanlishen"),  # the start of a word's pinyin: shown as letters
    ("shangbaio 申请", "shangbiao 申请", "商标 申请"),  # only the word that finds nothing is corrected
])
def test_a_one_edit_typo_is_answered_with_the_corrected_query(typed, fixed, display):
    idx = _typos()
    answer = idx.answer(typed)
    if fixed is None:
        assert answer.corrected_to is None and answer.hits == idx.search(typed) != []
        return
    assert idx.search(typed) == []
    assert answer.corrected_to == Correction(fixed, display, normalise(typed))
    assert answer.hits == idx.search(fixed) != []
    assert idx.answer(typed, correct=False).hits == [] and idx.answer(typed, correct=False).corrected_to is None


@pytest.mark.parametrize("typed", [
    "qqqq", "xyzzy", "zzzz",  # nothing near
    "sbzv", "wxyz",  # one letter from some initials: another abbreviation, not a typo
    "sbzcsz",  # one letter from initials: another abbreviation
    "shangbaioshangbiao",  # two typos away
    "商标主页", "999", "shangbaio 海外",  # hanzi and digits are not corrected; 海外 finds nothing
])
def test_no_wild_corrections(typed):
    answer = _typos().answer(typed)
    assert answer.corrected_to is None and answer.hits == []


def test_correcting_a_long_query_is_bounded():
    """The longest query (40 letters) has about 2,000 one-edit variants, each one lookup: it answers without
    a hang (bench/search_bench.py measures how fast)."""
    idx = _typos()
    assert idx.answer("q" * 40).corrected_to is None
    assert idx.answer("shangbaio" * 4 + "zhua").corrected_to is None


def test_the_syllable_split_returns_the_fewest_pieces_first_without_exhausting_its_walk():
    from kiosk.search.engine import MAX_SEGMENTATIONS, _Segmenter

    seg = _Segmenter()
    assert seg.split("zhuanlishenqing", full=True)[0] == ("zhuan", "li", "shen", "qing")
    assert seg.split("xian", full=True)[0] == ("xian",) and ("xi", "an") in seg.split("xian", full=True)
    # Every letter starts some reading: thousands of splits. The fewest-piece ones still come back, in order.
    letters = "shangbiao" * 4 + "zhua"
    splits = seg.split(letters, full=False)
    assert len(splits) == MAX_SEGMENTATIONS and all("".join(p) == letters for p in splits)
    assert splits[0] == ("shang", "biao") * 4 + ("zhua",)
    assert [len(p) for p in splits] == sorted(len(p) for p in splits)
    assert seg.split("vvvv", full=True) == []


# ---------------------------------------------------------------- why a result matched


@pytest.mark.parametrize(("query", "title", "spans"), [
    ("专利", "专利申请受理", [(0, 2)]),
    ("受理", "专利申请、受理", [(5, 7)]),  # offsets into the title as shown, punctuation included
    ("zlsq", "专利申请受理", [(0, 4)]),
    ("zhuanlish", "专利申请受理", [(0, 3)]),
    ("sqsl", "专利申请、受理", [(2, 7)]),  # the pause mark sits inside the matched run
    ("zl申请", "专利申请受理", [(0, 4)]),
    ("专利申清", "专利申请受理", [(0, 4)]),  # a homophone typo highlights what it stands for
    ("tisc", "TISC 服务网点", [(0, 4)]),
    ("ＴＩＳＣ服务", "ＴＩＳＣ服务网点", [(0, 6)]),  # full width: offsets count the characters as shown
    ("申请 专利", "专利申请受理", [(0, 4)]),  # several words: the union, merged
    ("专", "专利与专用", [(0, 1), (3, 4)]),  # every occurrence
    ("yinxing", "银行服务", [(0, 2)]),  # 行 read xing, its other reading
    ("zl申q", "专利申请受理", [(0, 4)]),
])
def test_hits_carry_the_title_characters_that_matched(query, title, spans):
    idx = build({"services": [rec("svc-a", title, keywords=["别的"])]})
    (hit,) = idx.search(query)
    assert list(hit.spans) == spans
    assert hit.as_dict()["spans"] == [list(s) for s in spans]


def test_a_match_outside_the_title_has_no_spans():
    idx = build({"services": [rec("svc-a", "专利申请受理", keywords=["发明"], summary="说明书")]})
    assert [(h.matched, h.spans) for h in idx.search("发明")] == [("keywords", ())]
    assert [(h.matched, h.spans) for h in idx.search("fm")] == [("keywords:initials", ())]
    assert [(h.matched, h.spans) for h in idx.search("说明书")] == [("summary", ())]


# ---------------------------------------------------------------- keys and process boundaries


def test_keys_of_another_version_are_refused_with_a_clear_error():
    keys = index.index_record("services", rec("svc-a", "专利"))
    keys["v"] = index.KEYS_VERSION - 1
    with pytest.raises(KeysVersionError, match="svc-a"):
        SearchIndex([("svc-a", "services", "专利", keys)])


def test_keys_are_written_at_apply_time(content_store):
    content.apply_manifests([manifest("services", 1, [rec("svc-a", "银行对接", category="质押融资", keywords=["贷款"])])])
    (_rid, _kind, _title, keys), = content.search_docs()
    assert keys["title_py"][0] == "|yin|hang|dui|jie" and keys["title_py"][1] == "yhdj"
    assert [True, "|yin|xing|dui|jie", "yxdj"] in keys["title_py"][2]
    assert {w for w, _k, _weight in content.vocabulary_rows()} == {"银行对接", "贷款"}
    idx = SearchIndex(content.search_docs(), content.vocabulary_rows(), now=lambda: NOW)
    assert [h.id for h in idx.search("yxdj")] == ["svc-a"]


def test_answering_queries_does_not_load_pypinyin():
    docs = [("svc-a", "services", "专利申请", index.index_record("services", rec("svc-a", "专利申请", keywords=["专利"])))]
    vocabulary = [(r["word"], json.loads(r["keys"]), r["weight"]) for r in index.vocabulary_entries([docs[0][3]])]
    out = subprocess.run(probe_command("search_without_pypinyin"), input=json.dumps({"docs": docs, "vocabulary": vocabulary}),
                         capture_output=True, text=True, cwd=REPO_ROOT, check=True)
    assert out.stdout.split() == ["[true,", "true,", "true,", "true,", "true,", "true]", "False"]


def test_bundled_readings_table_matches_pypinyin():
    from kiosk.search.char_readings import CHAR_READINGS

    assert index.render_char_readings_module(index.char_readings_table()).split('"""\\\n', 1)[1] == \
        CHAR_READINGS + '"""\n', "regenerate with: python -m kiosk.search.index --write-char-readings"


def test_readings_are_looked_up_in_the_bundled_table_text():
    from kiosk.search.char_readings import CHAR_READINGS
    from kiosk.search.engine import readings_of

    lines = CHAR_READINGS.splitlines()
    assert len(lines) == 6763  # every GB2312 hanzi, the first and the last line included
    for line in lines:
        assert readings_of(line[0]) == tuple(line[1:].split(",")), line
    for not_a_hanzi in ("", "a", "1", ",", "\n", "一丁", "㐀"):
        assert readings_of(not_a_hanzi) == ()


def test_keys_of_an_older_version_are_rebuilt_by_reindex_all(seeded):
    content.SearchDoc.update(keys='{"v": 1}').execute()
    assert not index.keys_are_current(content.SearchDoc)
    with pytest.raises(KeysVersionError):
        SearchIndex(content.search_docs())
    count = index.reindex_all(content.content_db, content.Vocabulary, content.Record, content.SearchDoc)
    assert count == sum(content.counts_by_kind().values())
    assert index.keys_are_current(content.SearchDoc)
    idx = SearchIndex(content.search_docs(), content.vocabulary_rows(), now=lambda: NOW)
    assert idx.search("zlsq")[0].id == "svc-patent-application"


def test_suggest_puts_words_spelled_exactly_first():
    idx = build({"services": [rec("svc-a", "甲", keywords=["专利贷款"], hot=True), rec("svc-b", "乙", keywords=["专利贷款"]),
                              rec("svc-c", "丙", keywords=["专利"])]})
    assert idx.suggest("zl") == ["专利", "专利贷款"]
    assert idx.suggest("zhuanli") == ["专利", "专利贷款"]
    assert idx.suggest("zhuanl") == ["专利贷款", "专利"]  # a partial syllable spells nothing exactly: weight wins
