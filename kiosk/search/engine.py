"""Answer queries from pre-computed keys (first version: substring + pinyin prefix/initials)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

KIND_ORDER = {"services": 0, "policies": 1, "events": 2, "notices": 3, "news": 4, "booking_types": 5}


def normalise(query: str) -> str:
    q = unicodedata.normalize("NFKC", query).lower()
    return "".join(ch for ch in q if ch.isalnum() or ch == " ").strip()


@dataclass(frozen=True)
class Hit:
    id: str
    kind: str
    title: str
    score: float
    matched: str


class SearchIndex:
    def __init__(self, docs: list[tuple[str, str, str, dict]]):
        self.docs = docs

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        q = normalise(query)
        if not q:
            return []
        hits = []
        for rid, kind, title, keys in self.docs:
            best, matched = 0.0, ""
            if q in keys["title"]:
                best, matched = (100.0 if keys["title"].startswith(q) else 80.0), "title"
            elif any(q in k for k in keys["keywords"]):
                best, matched = 60.0, "keywords"
            elif q in keys["summary"]:
                best, matched = 40.0, "summary"
            elif q in keys["body"]:
                best, matched = 20.0, "body"
            elif q.isascii():
                full, initials = keys["py_title"]
                if full.startswith(q) or initials.startswith(q):
                    best, matched = 70.0, "pinyin"
                elif q in full or q in initials:
                    best, matched = 50.0, "pinyin"
                elif any(q in f or q in i for f, i in keys["py_keywords"]):
                    best, matched = 45.0, "pinyin"
            if best:
                best += 5.0 if keys.get("hot") else 0.0
                hits.append(Hit(rid, kind, title, best, matched))
        hits.sort(key=lambda h: (-h.score, KIND_ORDER.get(h.kind, 9), h.id))
        return hits[:limit]
