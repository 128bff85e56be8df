"""Search benchmark (not a test): synthetic content in the seed's style, then query latency.

    .venv/bin/python bench/search_bench.py                 # 20k and 100k records
    .venv/bin/python bench/search_bench.py --records 20000 --queries 100

For each size: the seed plus N synthetic records (fixed random seed) are applied through
``content.apply_manifests`` into a fresh content.db in a temporary folder (that is where
search keys are computed, so "apply" is the index build the issue asks about); then a
``SearchIndex`` is built from the stored keys, as the UI does, and queries are timed one
by one with cold pattern caches: 1–6-letter A–Z queries (initials and full-pinyin
prefixes of catalogue words), 1–6-hanzi queries (pieces of titles and keywords, plus
strings found nowhere, which scan every tier), the typed sequence ``zhuanlishenqing``
(every prefix), hanzi followed by initials (``专利sq``, as after a candidate-bar pick),
``suggest`` for the letter queries, and ``answer`` (search with typo correction) for full pinyin of
catalogue words with two neighbouring letters swapped and for random 40-letter strings (the longest
query, which finds nothing and has the most one-edit variants). Results: median / p95 / p99 in ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from kiosk.core.clock import CHINA_TZ  # noqa: E402
from kiosk.core.manifest import validate_manifest  # noqa: E402
from kiosk.search import engine  # noqa: E402
from kiosk.search.engine import SearchIndex  # noqa: E402
from kiosk.store import content, seed  # noqa: E402

RANDOM_SEED = 20261124
TYPED_SEQUENCE = "zhuanlishenqing"
PREFIX = {"services": "svc", "policies": "pol", "notices": "ntc", "news": "nws", "events": "evt"}
# Share of each kind in the synthetic content (roughly the seed's mix, services first).
KIND_WEIGHTS = {"services": 4, "policies": 1, "notices": 2, "news": 2, "events": 1}
TITLE_SUFFIXES = ["申请受理", "办理", "咨询", "登记", "查询", "服务", "备案", "培训", "宣讲会", "通知", "指南"]


def seed_records() -> dict[str, list[dict]]:
    out = {}
    for kind in PREFIX:
        doc = json.loads((seed.SEED_DIR / f"{kind}.json").read_text(encoding="utf-8"))
        out[kind] = doc["records"]
    return out


def synthetic_manifests(count: int, rng: random.Random) -> list:
    """COUNT records recombined from the seed: titles of 2–3 seed words + a suffix, seed keywords,
    summaries and body excerpts, dates spread over 2025–2027."""
    templates = seed_records()
    words = sorted({k for recs in templates.values() for r in recs for k in r.get("keywords", ()) if len(k) <= 6})
    kinds = list(KIND_WEIGHTS)
    by_kind: dict[str, list[dict]] = {k: [] for k in kinds}
    start = dt.datetime(2025, 1, 1, 9, tzinfo=CHINA_TZ)
    for i in range(count):
        kind = rng.choices(kinds, weights=[KIND_WEIGHTS[k] for k in kinds])[0]
        template = rng.choice(templates[kind])
        moment = start + dt.timedelta(days=rng.randrange(0, 3 * 365), hours=rng.randrange(0, 9))
        body = template.get("body") or template["summary"]
        cut = rng.randrange(0, max(1, len(body) - 400))
        rec = {
            "id": f"{PREFIX[kind]}-syn-{i:06d}",
            "rev": 1,
            "title": "".join(rng.sample(words, rng.randint(2, 3))) + rng.choice(TITLE_SUFFIXES),
            "summary": template["summary"],
            "body": body[cut : cut + rng.randint(150, 400)],
            "keywords": rng.sample(words, rng.randint(3, 7)),
            "published_at": moment.date().isoformat(),
        }
        if kind == "services":
            del rec["body"]  # a service has no body: its guide is in structured fields the search does not read
            rec["category"] = template["category"]
            rec["hot"] = rng.random() < 0.05
        elif kind == "notices":
            rec["valid_until"] = (moment + dt.timedelta(days=rng.randrange(10, 120))).isoformat()
        elif kind == "events":
            rec["starts_at"] = moment.isoformat()
            rec["ends_at"] = (moment + dt.timedelta(hours=2)).isoformat()
        by_kind[kind].append(rec)
    return [validate_manifest({"format": "ipkiosk-manifest/1", "collection": kind, "generation": 1,
                               "records": recs, "tombstones": []}) for kind, recs in by_kind.items()]


def letter_queries(index: SearchIndex, rng: random.Random, n: int) -> list[str]:
    words = index._words  # the candidate-bar vocabulary: what visitors look for
    out = []
    while len(out) < n:
        i = rng.randrange(len(words))
        source = index._word_initials[i] if rng.random() < 0.5 else index._word_pinyin[i]
        length = rng.randint(1, 6)
        if source.isalpha() and len(source) >= length:
            out.append(source[:length])
    return out


def hanzi_queries(index: SearchIndex, rng: random.Random, n: int) -> list[str]:
    texts = [d.keys["title"] for d in index._ranked] + index._words
    common = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
    out = []
    while len(out) < n:
        if rng.random() < 0.1:  # found nowhere (or only as a homophone): every tier is scanned
            out.append("".join(rng.choice(common) for _ in range(rng.randint(1, 6))))
            continue
        text = rng.choice(texts)
        length = rng.randint(1, 6)
        if len(text) >= length:
            at = rng.randrange(len(text) - length + 1)
            out.append(text[at : at + length])
    return out


def mixed_queries(index: SearchIndex, rng: random.Random, n: int) -> list[str]:
    """Hanzi then letters, as after picking a candidate-bar word and typing on (专利 + sq)."""
    out = []
    while len(out) < n:
        keys = rng.choice(index._ranked).keys
        title, initials = keys["title"], keys["title_py"][1]
        if len(title) != len(initials) or len(title) < 3:  # ASCII runs: units are not characters
            continue
        at = rng.randrange(len(title) - 2)
        hanzi = rng.randint(1, min(3, len(title) - at - 1))
        letters = rng.randint(1, min(3, len(title) - at - hanzi))
        out.append(title[at : at + hanzi] + initials[at + hanzi : at + hanzi + letters])
    return out


def typo_queries(index: SearchIndex, rng: random.Random, n: int) -> list[str]:
    """Full pinyin of catalogue words (5+ letters) with two neighbouring letters swapped (shangbaio)."""
    out = []
    while len(out) < n:
        pinyin = index._word_pinyin[rng.randrange(len(index._words))]
        if not pinyin.isalpha() or len(pinyin) < 5:
            continue
        at = rng.randrange(len(pinyin) - 1)
        if pinyin[at] != pinyin[at + 1]:
            out.append(pinyin[:at] + pinyin[at + 1] + pinyin[at] + pinyin[at + 2 :])
    return out


def long_letter_queries(rng: random.Random, n: int) -> list[str]:
    """Random strings of MAX_QUERY_CHARS letters: nothing found, every one-edit variant looked up."""
    from kiosk.search import MAX_QUERY_CHARS

    return ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(MAX_QUERY_CHARS)) for _ in range(n)]


def timed_ms(index: SearchIndex, fn, queries: list[str]) -> tuple[list[float], list[float]]:
    """(wall-clock ms, CPU ms) per query. CPU time is reported too because the benchmark
    machine is shared: wall-clock includes time spent waiting for a core."""
    wall, cpu = [], []
    for q in queries:
        # A visitor's next keystroke is a new query: nothing cached from the last run.
        engine._prefix_pattern.cache_clear()
        engine._mixed_pattern.cache_clear()
        index._segmenter.split.cache_clear()
        t0, c0 = time.perf_counter(), time.process_time()
        fn(q)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
    return wall, cpu


def summary(timings: tuple[list[float], list[float]]) -> dict:
    wall, cpu = timings
    qs = statistics.quantiles(wall, n=100, method="inclusive")
    cpu_qs = statistics.quantiles(cpu, n=100, method="inclusive")
    return {"n": len(wall), "median_ms": round(statistics.median(wall), 2), "p95_ms": round(qs[94], 2),
            "p99_ms": round(qs[98], 2), "max_ms": round(max(wall), 2),
            "cpu_median_ms": round(statistics.median(cpu), 2), "cpu_p95_ms": round(cpu_qs[94], 2),
            "cpu_p99_ms": round(cpu_qs[98], 2)}


def run(records: int, n_queries: int, limit: int) -> dict:
    rng = random.Random(RANDOM_SEED)
    manifests = synthetic_manifests(records, rng)
    with tempfile.TemporaryDirectory() as tmp:
        content.open_content_db(Path(tmp) / "content.db")
        seed.import_seed()
        t0, c0 = time.perf_counter(), time.process_time()
        content.apply_manifests(manifests, source="sync")
        apply_s, apply_cpu_s = time.perf_counter() - t0, time.process_time() - c0
        t0 = time.perf_counter()
        docs, vocabulary = content.search_docs(), content.vocabulary_rows()
        load_s = time.perf_counter() - t0
        content.content_db.close()
    t0, c0 = time.perf_counter(), time.process_time()
    index = SearchIndex(docs, vocabulary)
    build_s, build_cpu_s = time.perf_counter() - t0, time.process_time() - c0
    letters = letter_queries(index, rng, n_queries)
    hanzi = hanzi_queries(index, rng, n_queries)
    mixed = mixed_queries(index, rng, n_queries)
    typed = [TYPED_SEQUENCE[:i] for i in range(1, len(TYPED_SEQUENCE) + 1)] * 5
    typos = typo_queries(index, rng, n_queries)
    long_letters = long_letter_queries(rng, max(20, n_queries // 10))
    corrected = sum(index.answer(q, limit).corrected_to is not None for q in typos)
    return {
        "records": records + sum(len(r) for r in seed_records().values()),
        "apply_with_index_s": round(apply_s, 2),
        "apply_with_index_cpu_s": round(apply_cpu_s, 2),
        "load_keys_s": round(load_s, 2),
        "engine_build_s": round(build_s, 2),
        "engine_build_cpu_s": round(build_cpu_s, 2),
        "vocabulary_words": len(index._words),
        "letters": summary(timed_ms(index, lambda q: index.search(q, limit), letters)),
        "hanzi": summary(timed_ms(index, lambda q: index.search(q, limit), hanzi)),
        "mixed": summary(timed_ms(index, lambda q: index.search(q, limit), mixed)),
        "typed_zhuanlishenqing": summary(timed_ms(index, lambda q: index.search(q, limit), typed)),
        "suggest": summary(timed_ms(index, index.suggest, letters)),
        "answer_typo": summary(timed_ms(index, lambda q: index.answer(q, limit), typos)),
        "answer_typo_corrected": corrected,
        "answer_40_letters": summary(timed_ms(index, lambda q: index.answer(q, limit), long_letters)),
    }


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
            f"{platform.system()} {platform.release()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[20_000, 100_000], help="synthetic record counts")
    parser.add_argument("--queries", type=int, default=300, help="queries per class (default 300)")
    parser.add_argument("--limit", type=int, default=50, help="results per query (default 50, the UI's page)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    results = {"machine": machine(), "date": dt.date.today().isoformat(), "runs": []}
    for n in args.records:
        results["runs"].append(run(n, args.queries, args.limit))
        if not args.json:
            r = results["runs"][-1]
            print(f"{r['records']} records: apply+index {r['apply_with_index_s']} s "
                  f"(CPU {r['apply_with_index_cpu_s']} s), load keys {r['load_keys_s']} s, "
                  f"engine build {r['engine_build_s']} s (CPU {r['engine_build_cpu_s']} s), "
                  f"{r['vocabulary_words']} vocabulary words")
            print(f"  answer_typo: {r['answer_typo_corrected']} of {r['answer_typo']['n']} corrected "
                  "(the others found results as typed)")
            for cls in ("letters", "hanzi", "mixed", "typed_zhuanlishenqing", "suggest", "answer_typo",
                        "answer_40_letters"):
                s = r[cls]
                print(f"  {cls:22} n={s['n']:4d} median {s['median_ms']:6.2f} ms  p95 {s['p95_ms']:6.2f} ms  "
                      f"p99 {s['p99_ms']:6.2f} ms  max {s['max_ms']:6.2f} ms   "
                      f"(CPU: median {s['cpu_median_ms']:.2f}  p95 {s['cpu_p95_ms']:.2f}  p99 {s['cpu_p99_ms']:.2f})")
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        load_1min = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(results["machine"], results["date"], f"load average at the end {load_1min:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
