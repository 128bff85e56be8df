"""Answer search queries from the keys pre-computed at apply time. Qt-free, no pypinyin.

API used by the UI (keep it stable)::

    index = SearchIndex(content.search_docs(), content.vocabulary_rows(), now=clock)
    index.search("zlsq", limit=50)  -> [Hit(id, kind, title, score, matched), ...]  best first
    index.suggest("zl")             -> ["专利申请", ...]  at most 8 candidate-bar words
    index.zero_results("zhuanlj")   -> ZeroResults(suggestions=[...], categories=[Category, ...])

Build a new SearchIndex whenever content.db's apply_serial changes; construction is
the expensive part (about a second per 100k records), queries take milliseconds.

What matches (a query is split into words at spaces and punctuation; every word must match):

* hanzi (or digits): substring of title, keywords, summary or body, any length from 1;
* A–Z letters: pinyin of title and keywords, each hanzi consuming a prefix of one of its
  readings, so initials (``zlsq``), full pinyin (``zhuanli``), a partial last syllable
  (``zhuanlish``) and mixtures (``zhuanlisq``) all match; every reading of a polyphone
  counts (行 hang/xing, 重 zhong/chong, 长 chang/zhang). ASCII words in the text
  (``TISC``) match letter by letter too;
* hanzi mixed with letters (``zl申请``, ``商标zr``): hanzi literally, letters as pinyin;
* a hanzi word of 3+ characters with a homophone typo (``专利申清``): through its readings, ranked below
  every literal match;
* if nothing matched, a hanzi word of 3+ characters matches records containing at least
  half of its character pairs (``被抄袭了`` → 被抄袭).

Ranking: a hit's *tier* comes from where and how it matched (exact title, title prefix,
title substring, keywords, summary, body; full pinyin before initials; homophones and
partial matches last). Among equals: current before past, then services, policies,
events, notices, news; hot items; newest first; id. Past means a notice whose
``valid_until`` or an event whose end is before ``now()``: such records stay findable
(time filters are display filters, not deletions) but sink below every current record
of the same tier. The ``now`` clock is injected; the order is refreshed when it crosses
the next expiry.

Speed: every field is one long string in static rank order, so a tier is one C-level
``str.find`` or regex scan, and the scan stops as soon as ``limit`` hits are known.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from kiosk.search.index import KEYS_VERSION, first_reading_pinyin

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

KIND_ORDER = {"services": 0, "policies": 1, "events": 2, "notices": 3, "news": 4, "booking_types": 5}
SUGGEST_LIMIT = 8

# Tier scores: higher is better; the gaps leave room for new tiers.
SCORE_TITLE_EXACT = 100.0
SCORE_TITLE_PREFIX = 95.0
SCORE_TITLE_PINYIN_PREFIX = 94.0
SCORE_TITLE_INITIALS_PREFIX = 92.0
SCORE_TITLE = 90.0
SCORE_TITLE_PINYIN = 88.0
SCORE_TITLE_INITIALS = 85.0
SCORE_KEYWORD_EXACT = 80.0
SCORE_KEYWORD_PREFIX = 76.0
SCORE_KEYWORD_PINYIN_PREFIX = 75.0
SCORE_KEYWORD_INITIALS_PREFIX = 74.0
SCORE_KEYWORD = 72.0
SCORE_KEYWORD_PINYIN = 71.0
SCORE_KEYWORD_INITIALS = 70.0
SCORE_TITLE_HOMOPHONE = 62.0
SCORE_KEYWORD_HOMOPHONE = 58.0
SCORE_SUMMARY = 50.0
SCORE_BODY = 30.0
SCORE_PARTIAL = 20.0  # plus up to 9 for the share of character pairs found

_WORD_SPLIT_RE = re.compile(r"[^0-9a-z\u3400-\u9fff\uf900-\ufaff]+")
_LETTERS_RE = re.compile(r"[a-z]+")
_QUERY_TOKEN_RE = re.compile(r"[a-z]|[0-9]+|[^a-z0-9]")
_HANZI_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_UNIT_RE = re.compile(r"\|[^ |\n]+")

# Regex pieces over slot strings ("|专 zhuan|利 li"; the readings-only corpus drops the unit).
# Move to the next unit, from anywhere inside the current one, to the start of any of its readings:
_NEXT_UNIT_ANY = r"(?:[^|\n]*\|[^ |\n]*(?: [a-z0-9]+)*? )"
# The same, but only once the current reading is complete (full pinyin):
_NEXT_UNIT_FULL = r"(?:(?: [a-z0-9]+)*\|[^ |\n]*(?: [a-z0-9]+)*? )"
_READING_END = r"(?=[ |\n]|\Z)"


def normalise(query: str) -> str:
    """NFKC, full-width → half-width, lower case; words separated by one space."""
    return " ".join(query_words(query))


def query_words(query: str) -> list[str]:
    folded = normalise_text_keep_breaks(query)
    return [w for w in _WORD_SPLIT_RE.split(folded) if w]


def normalise_text_keep_breaks(query: str) -> str:
    # Like index.normalise_text, but separators are kept: in a query they split words.
    return unicodedata.normalize("NFKC", query or "").lower()


@dataclass(frozen=True)
class Hit:
    id: str
    kind: str
    title: str
    score: float
    matched: str  # "<field>" or "<field>:<how>": title, keywords, summary, body; pinyin, initials, homophone, partial

    def as_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "title": self.title, "score": self.score, "matched": self.matched}


@dataclass(frozen=True)
class Category:
    kind: str
    category: str | None  # None: the whole kind
    count: int


@dataclass(frozen=True)
class ZeroResults:
    suggestions: list[str]  # words that do find something, nearest first
    categories: list[Category]  # what to browse instead


class KeysVersionError(ValueError):
    """content.db holds search keys of another format: re-import or re-sync to rebuild them."""


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class _Corpus:
    """One field of every record as one string, records in rank order.

    Each segment (a title, one keyword, ...) is preceded by a newline; a record's
    segments are contiguous, so a match position maps back to its record by bisection.
    """

    def __init__(self, segments_by_rank: Iterable[Sequence[str]]):
        parts: list[str] = []
        self.starts: list[int] = []
        self.seg_rank: list[int] = []
        self.rank_end: list[int] = []
        offset = 0
        for rank, segments in enumerate(segments_by_rank):
            for seg in segments:
                self.starts.append(offset)
                self.seg_rank.append(rank)
                parts.append("\n")
                parts.append(seg)
                offset += 1 + len(seg)
            self.rank_end.append(offset)
        parts.append("\n")
        self.text = "".join(parts)


Finder = Callable[[str, int], int]


def _literal(needle: str) -> Finder:
    return lambda text, start: text.find(needle, start)


def _regex(pattern: re.Pattern) -> Finder:
    def find(text: str, start: int) -> int:
        m = pattern.search(text, start)
        return m.start() if m else -1

    return find


@lru_cache(maxsize=256)
def _pinyin_pattern(letters: str, full: bool, at_start: bool) -> re.Pattern:
    """Letters as pinyin over the readings-only corpus: each unit consumes a prefix of a reading
    (``full``: every reading but the last consumed whole)."""
    step = _NEXT_UNIT_FULL if full else _NEXT_UNIT_ANY
    head = r"\n\|(?: [a-z0-9]+)*? " if at_start else " "
    body = re.escape(letters[0]) + "".join(f"{step}?{re.escape(c)}" for c in letters[1:])
    return re.compile(head + body)


@lru_cache(maxsize=256)
def _mixed_pattern(word: str, at_start: bool) -> re.Pattern:
    """Hanzi/digits literally, letters as pinyin prefixes, over a unit slot string."""
    tokens = _QUERY_TOKEN_RE.findall(word)
    out = [r"\A" if at_start else ""]
    prev_letter = False
    for i, tok in enumerate(tokens):
        is_letter = len(tok) == 1 and "a" <= tok <= "z"
        if i == 0:
            out.append(f" {tok}" if is_letter and not at_start else
                       (rf"\|[^ |\n]*(?: [a-z0-9]+)*? {tok}" if is_letter else rf"\|{re.escape(tok)}{_READING_END}"))
        elif is_letter:
            out.append(f"{_NEXT_UNIT_ANY}?{tok}" if prev_letter else f"{_NEXT_UNIT_ANY}{tok}")
        else:
            out.append(rf"[^|\n]*\|{re.escape(tok)}{_READING_END}")
        prev_letter = is_letter
    return re.compile("".join(out))


def _homophone_pattern(readings: Sequence[Sequence[str]], at_start: bool) -> re.Pattern:
    """Each query hanzi as any of its readings, whole, over the readings-only corpus."""
    alts = ["(?:" + "|".join(re.escape(r) for r in rs) + ")" + _READING_END for rs in readings]
    head = r"\n\|(?: [a-z0-9]+)*? " if at_start else " "
    return re.compile(head + alts[0] + "".join(f"{_NEXT_UNIT_FULL}{a}" for a in alts[1:]))


@lru_cache(maxsize=1)
def _char_readings() -> dict[str, tuple[str, ...]]:
    from kiosk.search.char_readings import CHAR_READINGS

    return {line[0]: tuple(line[1:].split(",")) for line in CHAR_READINGS.splitlines() if line}


def readings_of(ch: str) -> tuple[str, ...]:
    """Tone-less readings of one hanzi from the bundled table (empty if unknown)."""
    return _char_readings().get(ch, ())


def prefix_edit_distance(query: str, target: str, max_distance: int) -> int:
    """Edit distance between QUERY and the closest prefix of TARGET; max_distance + 1 if larger."""
    previous = list(range(len(target) + 1))
    for i, qc in enumerate(query, 1):
        current = [i] + [0] * len(target)
        for j, tc in enumerate(target, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (qc != tc))
        if min(current) > max_distance:
            return max_distance + 1
        previous = current
    return min(min(previous), max_distance + 1)


@dataclass
class _Doc:
    id: str
    kind: str
    title: str
    keys: dict
    stale_at: dt.datetime | None


class SearchIndex:
    def __init__(
        self,
        docs: Iterable[tuple[str, str, str, dict]],
        vocabulary: Iterable[tuple[str, dict, int]] = (),
        *,
        now: Callable[[], dt.datetime] = _utcnow,
    ):
        self._now = now
        self._docs: list[_Doc] = []
        for rid, kind, title, keys in docs:
            if keys.get("v") != KEYS_VERSION:
                raise KeysVersionError(
                    f"search keys of record {rid!r} have version {keys.get('v')!r}, this engine reads "
                    f"{KEYS_VERSION}: rebuild them (kiosk.search.index.reindex_all)")
            stale = dt.datetime.fromisoformat(keys["stale_at"]) if keys.get("stale_at") else None
            self._docs.append(_Doc(rid, kind, title, keys, stale))
        # Candidate-bar words, strongest first: weight, then the shorter word.
        words = sorted(vocabulary, key=lambda row: (-row[2], len(row[0]), row[0]))
        self._words = [w for w, _keys, _weight in words]
        self._word_weight = {w: weight for w, _keys, weight in words}
        self._word_pinyin = [keys.get("pinyin", "") for _w, keys, _weight in words]
        self._word_initials = [_initials(keys.get("slots", "")) for _w, keys, _weight in words]
        self._word_text = _Corpus([w] for w in self._words)
        self._word_readings = _Corpus([_UNIT_RE.sub("|", keys.get("slots", ""))] for _w, keys, _weight in words)
        self._categories = self._count_categories()
        self._build_order()

    # ------------------------------------------------------------ building

    def _build_order(self) -> None:
        moment = self._now()
        docs = self._docs
        order = sorted(range(len(docs)), key=lambda i: docs[i].id)
        order.sort(key=lambda i: docs[i].keys.get("date") or "", reverse=True)
        order.sort(key=lambda i: (self._is_stale(docs[i], moment), KIND_ORDER.get(docs[i].kind, 9),
                                  not docs[i].keys.get("hot")))
        self._ranked = [docs[i] for i in order]
        future = [d.stale_at for d in docs if d.stale_at is not None and d.stale_at > moment]
        self._order_valid_until = min(future) if future else None
        ranked_keys = [d.keys for d in self._ranked]
        self._title = _Corpus([k["title"]] for k in ranked_keys)
        self._keywords = _Corpus(k["keywords"] for k in ranked_keys)
        self._summary = _Corpus([k["summary"]] for k in ranked_keys)
        self._body = _Corpus([k["body"]] for k in ranked_keys)
        self._title_readings = _Corpus([_UNIT_RE.sub("|", k["title_slots"])] for k in ranked_keys)
        self._keyword_readings = _Corpus([_UNIT_RE.sub("|", s) for s in k["keyword_slots"]] for k in ranked_keys)

    @staticmethod
    def _is_stale(doc: _Doc, moment: dt.datetime) -> bool:
        return doc.stale_at is not None and doc.stale_at <= moment

    def _refresh_if_time_moved(self) -> None:
        if self._order_valid_until is not None and self._now() >= self._order_valid_until:
            self._build_order()

    def _count_categories(self) -> list[Category]:
        kinds: dict[str, int] = {}
        service_categories: dict[str, int] = {}
        for d in self._docs:
            kinds[d.kind] = kinds.get(d.kind, 0) + 1
            if d.kind == "services" and d.keys.get("category"):
                service_categories[d.keys["category"]] = service_categories.get(d.keys["category"], 0) + 1
        out = [Category(k, None, n) for k, n in sorted(kinds.items(), key=lambda kv: KIND_ORDER.get(kv[0], 9))
               if k != "booking_types"]
        out += [Category("services", c, n) for c, n in sorted(service_categories.items(), key=lambda kv: -kv[1])]
        return out

    # ------------------------------------------------------------ search

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        words = query_words(query)
        if not words or limit <= 0:
            return []
        self._refresh_if_time_moved()
        if len(words) == 1:
            found = self._match_word(words[0], limit)
            ranked = list(found.items())
        else:
            per_word = [self._match_word(w, None) for w in words]
            common = set(per_word[0]).intersection(*per_word[1:])
            ranked = sorted(((rank, (sum(f[rank][0] for f in per_word) / len(words), per_word[0][rank][1]))
                             for rank in common), key=lambda item: (-item[1][0], item[0]))
        hits = []
        for rank, (score, matched) in ranked[:limit]:
            d = self._ranked[rank]
            hits.append(Hit(d.id, d.kind, d.title, score, matched))
        return hits

    def _match_word(self, word: str, limit: int | None) -> dict[int, tuple[float, str]]:
        """rank → (score, matched) of the records WORD matches, best tier first, at most LIMIT."""
        found: dict[int, tuple[float, str]] = {}
        has_letters = bool(_LETTERS_RE.search(word))
        if has_letters and word.isascii() and word.isalpha():
            tiers = self._letter_tiers(word)
        elif has_letters:
            self._mixed(word, found, limit)
            return found
        else:
            tiers = self._literal_tiers(word)
        for corpus, find, score, matched in tiers:
            if self._collect(corpus, find, score, matched, found, limit):
                return found
        if not found and len(word) >= 3 and all(_HANZI_RE.match(c) for c in word):
            self._partial(word, found, limit)
        return found

    @staticmethod
    def _collect(corpus: _Corpus, find: Finder, score: float, matched: str,
                 found: dict[int, tuple[float, str]], limit: int | None) -> bool:
        """Add the records FIND hits in CORPUS, in rank order; True once LIMIT are known."""
        if limit is not None and len(found) >= limit:
            return True
        text, starts, seg_rank, rank_end = corpus.text, corpus.starts, corpus.seg_rank, corpus.rank_end
        position = 0
        while True:
            hit_at = find(text, position)
            if hit_at < 0:
                return False
            rank = seg_rank[bisect_right(starts, hit_at) - 1]
            if rank not in found:
                found[rank] = (score, matched)
                if limit is not None and len(found) >= limit:
                    return True
            position = rank_end[rank]  # one hit per record is enough

    def _literal_tiers(self, word: str):
        tiers = [
            (self._title, _literal(f"\n{word}\n"), SCORE_TITLE_EXACT, "title"),
            (self._title, _literal(f"\n{word}"), SCORE_TITLE_PREFIX, "title"),
            (self._title, _literal(word), SCORE_TITLE, "title"),
            (self._keywords, _literal(f"\n{word}\n"), SCORE_KEYWORD_EXACT, "keywords"),
            (self._keywords, _literal(f"\n{word}"), SCORE_KEYWORD_PREFIX, "keywords"),
            (self._keywords, _literal(word), SCORE_KEYWORD, "keywords"),
        ]
        homophones = self._homophone_readings(word)
        if homophones:
            tiers += [
                (self._title_readings, _regex(_homophone_pattern(homophones, True)), SCORE_TITLE_HOMOPHONE,
                 "title:homophone"),
                (self._title_readings, _regex(_homophone_pattern(homophones, False)), SCORE_TITLE_HOMOPHONE,
                 "title:homophone"),
                (self._keyword_readings, _regex(_homophone_pattern(homophones, False)), SCORE_KEYWORD_HOMOPHONE,
                 "keywords:homophone"),
            ]
        tiers += [
            (self._summary, _literal(word), SCORE_SUMMARY, "summary"),
            (self._body, _literal(word), SCORE_BODY, "body"),
        ]
        return tiers

    @staticmethod
    def _homophone_readings(word: str) -> list[tuple[str, ...]] | None:
        # One or two hanzi have too many homophones to be a useful guess.
        if len(word) < 3 or not all(_HANZI_RE.match(c) for c in word):
            return None
        readings = [readings_of(c) for c in word]
        return readings if all(readings) else None

    def _letter_tiers(self, letters: str):
        tr, kr = self._title_readings, self._keyword_readings
        return [
            (tr, _regex(_pinyin_pattern(letters, True, True)), SCORE_TITLE_PINYIN_PREFIX, "title:pinyin"),
            (tr, _regex(_pinyin_pattern(letters, False, True)), SCORE_TITLE_INITIALS_PREFIX, "title:initials"),
            (tr, _regex(_pinyin_pattern(letters, True, False)), SCORE_TITLE_PINYIN, "title:pinyin"),
            (tr, _regex(_pinyin_pattern(letters, False, False)), SCORE_TITLE_INITIALS, "title:initials"),
            (kr, _regex(_pinyin_pattern(letters, True, True)), SCORE_KEYWORD_PINYIN_PREFIX, "keywords:pinyin"),
            (kr, _regex(_pinyin_pattern(letters, False, True)), SCORE_KEYWORD_INITIALS_PREFIX, "keywords:initials"),
            (kr, _regex(_pinyin_pattern(letters, True, False)), SCORE_KEYWORD_PINYIN, "keywords:pinyin"),
            (kr, _regex(_pinyin_pattern(letters, False, False)), SCORE_KEYWORD_INITIALS, "keywords:initials"),
            # ASCII words inside summaries and bodies (web addresses, "TISC").
            (self._summary, _literal(letters), SCORE_SUMMARY, "summary"),
            (self._body, _literal(letters), SCORE_BODY, "body"),
        ]

    def _mixed(self, word: str, found: dict[int, tuple[float, str]], limit: int | None) -> None:
        """Hanzi and letters: find records holding the longest literal run, then check the pinyin."""
        literal_runs = re.findall(r"[^a-z]+", word)
        anchor = max(literal_runs, key=len)
        candidates: dict[int, None] = {}
        for corpus in (self._title, self._keywords):
            self._collect(corpus, _literal(anchor), 0.0, "", candidates, None)
        at_start, anywhere = _mixed_pattern(word, True), _mixed_pattern(word, False)
        scored: list[tuple[float, int, str]] = []
        for rank in candidates:
            keys = self._ranked[rank].keys
            title_slots, keyword_slots = keys["title_slots"], keys["keyword_slots"]
            if at_start.search(title_slots):
                scored.append((SCORE_TITLE_INITIALS_PREFIX, rank, "title:initials"))
            elif anywhere.search(title_slots):
                scored.append((SCORE_TITLE_INITIALS, rank, "title:initials"))
            elif any(at_start.search(s) for s in keyword_slots):
                scored.append((SCORE_KEYWORD_INITIALS_PREFIX, rank, "keywords:initials"))
            elif any(anywhere.search(s) for s in keyword_slots):
                scored.append((SCORE_KEYWORD_INITIALS, rank, "keywords:initials"))
        scored.sort(key=lambda item: (-item[0], item[1]))
        for score, rank, matched in scored[:limit]:
            found[rank] = (score, matched)

    def _partial(self, word: str, found: dict[int, tuple[float, str]], limit: int | None) -> None:
        """Records holding at least half of WORD's character pairs (a colloquial query with extra words)."""
        pairs = sorted({word[i : i + 2] for i in range(len(word) - 1)})
        counts: dict[int, int] = {}
        for pair in pairs:
            holders: dict[int, tuple[float, str]] = {}
            for corpus in (self._title, self._keywords, self._summary):
                self._collect(corpus, _literal(pair), 0.0, "", holders, None)
            for rank in holders:
                counts[rank] = counts.get(rank, 0) + 1
        needed = (len(pairs) + 1) // 2
        good = sorted((rank for rank, n in counts.items() if n >= needed), key=lambda r: (-counts[r], r))
        for rank in good[:limit]:
            found[rank] = (SCORE_PARTIAL + round(9 * counts[rank] / len(pairs), 1), "partial")

    # ------------------------------------------------------------ candidate bar

    def suggest(self, letters: str, limit: int = SUGGEST_LIMIT) -> list[str]:
        """Up to LIMIT vocabulary words for what was typed so far; each one finds results."""
        words = query_words(letters)
        if not words:
            return []
        word = words[-1]  # the word being typed
        found: dict[int, tuple[float, str]] = {}
        if word.isascii() and word.isalpha():
            tiers = [(self._word_readings, _regex(_pinyin_pattern(word, True, True))),
                     (self._word_readings, _regex(_pinyin_pattern(word, False, True))),
                     (self._word_readings, _regex(_pinyin_pattern(word, False, False)))]
        else:
            tiers = [(self._word_text, _literal(f"\n{word}")), (self._word_text, _literal(word))]
        for corpus, find in tiers:
            if self._collect(corpus, find, 0.0, "", found, limit):
                break
        return [self._words[rank] for rank in found]

    # ------------------------------------------------------------ zero results

    def zero_results(self, query: str, limit: int = SUGGEST_LIMIT) -> ZeroResults:
        """Nearest candidate words by pinyin edit distance, and the categories to browse."""
        spelled = "".join(_spell(w) for w in query_words(query))
        suggestions: list[str] = []
        if spelled:
            max_distance = 1 if len(spelled) <= 4 else 2
            scored = []
            for i, (pinyin, initials) in enumerate(zip(self._word_pinyin, self._word_initials, strict=True)):
                distance = min(prefix_edit_distance(spelled, pinyin, max_distance),
                               prefix_edit_distance(spelled, initials, max_distance) if spelled.isalpha() else 99)
                if distance <= max_distance:
                    scored.append((distance, i))
            scored.sort()
            for _distance, i in scored:
                word = self._words[i]
                if self.search(word, limit=1):
                    suggestions.append(word)
                if len(suggestions) >= limit:
                    break
        return ZeroResults(suggestions, list(self._categories))


def _spell(word: str) -> str:
    """A query word as letters: hanzi by their first reading (bundled table), letters and digits as typed."""
    return "".join(c if c.isascii() else (readings_of(c) or ("",))[0] for c in word)


def _initials(slots: str) -> str:
    return "".join(reading[0] for reading in (slot.split(" ")[1] for slot in slots.split("|")[1:] if " " in slot)
                   if reading)


__all__ = ["Category", "Hit", "KeysVersionError", "SearchIndex", "ZeroResults", "first_reading_pinyin", "normalise",
           "prefix_edit_distance", "query_words", "readings_of"]
