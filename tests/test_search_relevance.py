"""Relevance suite: the public cases (tests/search-cases.json) and our own, one group per
matching rule, over the real seed imported into a temporary content.db."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kiosk.core.clock import CHINA_TZ
from kiosk.search.engine import SearchIndex
from kiosk.store import content

CASES = json.loads((Path(__file__).with_name("search-cases.json")).read_text(encoding="utf-8"))
# The seed is written for a "today" of 2026-11-24 (China time).
SEED_NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=CHINA_TZ)

# Our own cases, per rule: (query, ids of which at least one must be in the top 3).
OWN_CASES = [
    # hanzi substring, 1 character included
    ("押", ["svc-patent-pledge-registration", "svc-trademark-pledge-registration", "svc-ip-pledge-financing-consult"]),
    ("马德里商标国际注册", ["svc-trademark-madrid-application"]),
    # full-width and upper-case input
    ("ＺＬＳＱ", ["svc-patent-application"]),
    ("ShangBiao", ["svc-trademark-registration", "svc-trademark-consult", "svc-trademark-search"]),
    # full pinyin with a partial last syllable, and mixed full/initials
    ("zhuanlish", ["svc-patent-application"]),
    ("zhuanlisq", ["svc-patent-application"]),
    ("shangbiaoxuzh", ["svc-trademark-renewal"]),
    ("dilibiaoz", ["svc-gi-collective-certification-mark", "svc-gi-product-search"]),
    # initials
    ("sbxz", ["svc-trademark-renewal"]),
    ("jcdl", ["svc-ic-layout-registration"]),
    # hanzi mixed with letters
    ("商标xz", ["svc-trademark-renewal"]),
    ("jc电路", ["svc-ic-layout-registration"]),
    # homophone typos through pinyin
    ("专利申清", ["svc-patent-application"]),
    ("集成电陆", ["svc-ic-layout-registration"]),
    # ASCII words in the content
    ("tisc", ["svc-ip-info-service-points"]),
    # several words: every one must match
    ("商标 借钱", ["svc-trademark-pledge-registration"]),
]


@pytest.fixture
def seed_index(seeded) -> SearchIndex:
    return SearchIndex(content.search_docs(), content.vocabulary_rows(), now=lambda: SEED_NOW)


def _top3(index: SearchIndex, query: str) -> list[str]:
    return [h.id for h in index.search(query, limit=3)]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['kind']}:{c['query']}" for c in CASES])
def test_public_case(seed_index, case):
    """Through ``answer``, as the touch screen asks: a case names the correction it expects (none if absent),
    and a case expecting nothing (kind no_result) must find nothing, corrected or not."""
    answer = seed_index.answer(case["query"], limit=3)
    top3 = [h.id for h in answer.hits]
    expected = case.get("expect_corrected_to")
    fixed = answer.corrected_to
    assert (fixed and {"query": fixed.query, "display": fixed.display}) == (expected or None), case["query"]
    if case["expect_top3_any_of"]:
        assert set(top3) & set(case["expect_top3_any_of"]), f"{case['query']!r} → {top3}"
    else:
        assert top3 == [], f"{case['query']!r} should find nothing → {top3}"


@pytest.mark.parametrize(("query", "expected"), OWN_CASES, ids=[q for q, _ in OWN_CASES])
def test_own_case(seed_index, query, expected):
    top3 = _top3(seed_index, query)
    assert set(top3) & set(expected), f"{query!r} → {top3}"


def test_every_keyword_and_title_of_the_seed_finds_its_record(seed_index):
    missing = []
    for rid, _kind, title, keys in content.search_docs():
        for word in [title, *keys["keywords"]]:
            if rid not in {h.id for h in seed_index.search(word, limit=200)}:
                missing.append((rid, word))
    assert missing == []


def test_initials_of_every_service_title_find_it(seed_index):
    missing = []
    for rid, kind, title, keys in content.search_docs():
        if kind != "services":
            continue
        initials = keys["title_py"][1]
        if rid not in {h.id for h in seed_index.search(initials, limit=50)}:
            missing.append((rid, title, initials))
    assert missing == []


def test_past_events_and_expired_notices_rank_below_current_ones(seed_index):
    hits = seed_index.search("培训", limit=50)
    kinds_and_ids = [(h.kind, h.id) for h in hits if h.kind in ("events", "notices")]
    records = {r["id"]: r for kind in ("events", "notices") for r in content.list_records(kind)}

    def is_past(rid: str) -> bool:
        rec = records[rid]
        end = rec.get("ends_at") or rec.get("valid_until")
        return end is not None and dt.datetime.fromisoformat(end) <= SEED_NOW

    flags = [is_past(rid) for _kind, rid in kinds_and_ids]
    assert True in flags and False in flags, "the seed has current and past training records"
    # Within the same tier every current record comes before every past one.
    by_score: dict[float, list[bool]] = {}
    for h in hits:
        if h.kind in ("events", "notices"):
            by_score.setdefault(h.score, []).append(is_past(h.id))
    for flags_in_tier in by_score.values():
        assert flags_in_tier == sorted(flags_in_tier)
