"""Search keys computed at apply time (pypinyin is loaded here, never in the UI process)."""

from __future__ import annotations

import json
from functools import lru_cache

# Fields that are searched, strongest first.
TEXT_FIELDS = ("title", "keywords", "summary", "body")


@lru_cache(maxsize=1)
def _pinyin():
    import pypinyin  # deferred: only the apply path pays for loading it

    return pypinyin


def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin without spaces, initials) of TEXT; non-hanzi characters are kept lowercased."""
    py = _pinyin()
    syllables = py.lazy_pinyin(text, style=py.Style.NORMAL, errors=lambda chars: list(chars.lower()))
    return "".join(syllables), "".join(s[0] for s in syllables if s)


def index_record(kind: str, rec: dict) -> dict:
    keywords = rec.get("keywords") or []
    title_full, title_initials = pinyin_keys(rec.get("title", ""))
    kw_keys = [pinyin_keys(k) for k in keywords]
    return {
        "title": rec.get("title", ""),
        "keywords": keywords,
        "summary": rec.get("summary", ""),
        "body": rec.get("body", "") or "",
        "py_title": [title_full, title_initials],
        "py_keywords": [list(k) for k in kw_keys],
        "hot": bool(rec.get("hot", False)),
        "date": rec.get("published_at") or rec.get("starts_at") or "",
    }


def rebuild_vocabulary(db, vocabulary_model, record_model, searchdoc_model) -> None:
    """Candidate-bar words: every title keyword with its pinyin keys, weighted by use."""
    weights: dict[str, int] = {}
    keys: dict[str, list] = {}
    for raw in searchdoc_model.select(searchdoc_model.keys).tuples():
        doc = json.loads(raw[0])
        for word, k in zip(doc["keywords"], doc["py_keywords"], strict=True):
            weights[word] = weights.get(word, 0) + (3 if doc["hot"] else 1)
            keys[word] = k
    vocabulary_model.delete().execute()
    rows = [{"word": w, "keys": json.dumps(keys[w]), "weight": weights[w]} for w in weights]
    for i in range(0, len(rows), 500):
        vocabulary_model.insert_many(rows[i : i + 500]).execute()
