"""Answer search queries from the keys pre-computed at apply time. Qt-free, no pypinyin.

API used by the UI (keep it stable)::

    index = SearchIndex(content.search_docs(), content.vocabulary_rows(), now=clock)
    index.search("zlsq", limit=50)  -> [Hit(id, kind, title, score, matched, spans), ...]  best first
    index.answer("shangbaio")       -> Answer(hits, corrected_to=Correction("shangbiao", "商标", "shangbaio"))
    index.suggest("zl")             -> ["专利申请", ...]  at most 8 candidate-bar words
    index.zero_results("zhuanlj")   -> ZeroResults(suggestions=[...], categories=[Category, ...])

Build a new SearchIndex (off the UI thread) whenever content.db's apply_serial changes;
construction is the expensive part (about 1.5 s of CPU for 20k records, 7 s for 100k,
milliseconds for the seed); queries take milliseconds.

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
* if nothing matched, a hanzi word of 3+ characters matches records whose title or
  keywords contain at least half of its character pairs (``被抄袭了`` → 被抄袭);
* 文号 and index numbers by their parts (``140``, ``2022 140``, ``郑市监文140``);
* ``answer`` only: a letter word that finds nothing is corrected by one edit to a spelling that does.

Ranking: a hit's *tier* comes from where and how it matched (exact title, title prefix,
title substring, keywords, summary, body; full pinyin before initials; homophones and
partial matches last). Among equals: current before past, then services, policies,
events, notices, news; hot items; newest first; id. Past means a notice whose
``valid_until`` or an event whose end is before ``now()``: such records stay findable
(time filters are display filters, not deletions) but sink below every current record
of the same tier. The ``now`` clock is injected; the order is refreshed when it crosses
the next expiry.

Speed: every field is one long string in static rank order, so a tier is a C-level
``str.find`` that stops as soon as ``limit`` hits are known; titles have a bitset index of
consecutive initials for A–Z queries, keywords are scanned once per distinct keyword, and
long texts are split into blocks with their character sets (details in docs/search.md).
"""

from __future__ import annotations

import datetime as dt
import heapq
import logging
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any, TypeVar

from kiosk.core import kinds
from kiosk.core.clock import utcnow
from kiosk.search import MAX_QUERY_CHARS
from kiosk.search.index import KEYS_VERSION, PinyinKeys, SearchKeys, slot_readings, units

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

_V = TypeVar("_V")

SUGGEST_LIMIT = 8
# The most characters of a query that count; the rest is ignored. The touch keyboard's field holds as
# many (SearchPage.qml, kiosk/ui/search_model.py), so only a pasted or scripted query is ever cut.
# Without a cap a query of 1,000 letters overflowed the pinyin segmenter's recursion (a traceback), and
# every further word of a long query is one more scan of all records. 40 is more than any real query needs.

# Tier scores: higher is better; the gaps leave room for new tiers.
SCORE_TITLE_EXACT = 100.0
SCORE_TITLE_PREFIX = 95.0
SCORE_TITLE_PINYIN_PREFIX = 94.0
SCORE_TITLE_INITIALS_PREFIX = 92.0
SCORE_TITLE = 90.0
SCORE_TITLE_PINYIN = 88.0
SCORE_TITLE_INITIALS = 85.0
# A 文号 or index number typed whole or by its parts (140, 2022 140, 郑市监文140): below any title match, above
# keywords, so the numbered documents lead but a title that holds the digits still comes first.
SCORE_REFERENCE_EXACT = 82.0
SCORE_REFERENCE_PREFIX = 81.0
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

# Segmentations of a letter query tried per tier: enough for the real ambiguities
# (xian / xi'an, zh / z-h) without scanning dozens of unlikely splits.
MAX_SEGMENTATIONS = 6
# A letter query matching at most this many titles (or distinct keywords) is ranked from
# one scan; above it, tier by tier, each scan stopping at the limit.
ONE_PASS_MAX_CANDIDATES = 300
# Above this many pair-index candidates, scanning the initials is cheaper than checking each.
DENSE_CANDIDATES = 3000
# Blocks whose character sets let a hanzi scan skip text lacking one of its characters;
# measured at 100k records: 4 KB blocks cost more Python overhead than they save.
TEXT_BLOCK_CHARS = 65536
# A digit word shorter than this matches titles, keywords and reference numbers only: "1" or "20" in every
# summary and body would flood the results.
MIN_DIGITS_IN_TEXT = 3
# Typo correction: only words of at least this many letters are corrected (shorter ones nearly always match
# something, and a two- or three-letter guess would be wild).
MIN_CORRECTION_LETTERS = 4
# A corrected spelling that is only the start of a word's pinyin must be this long: shorter starts are so
# dense that almost any string is one edit from one.
MIN_CORRECTED_PINYIN_START = 6
# Readings without a vowel (嗯 ng, 呒 m) would split almost any letter run: not used to segment.
_VOWELS = frozenset("aeiouv")

_LETTERS_RE = re.compile(r"[a-z]+")
_QUERY_TOKEN_RE = re.compile(r"[a-z]|[0-9]+|[^a-z0-9]")
_NOT_ASCII_RUN_RE = re.compile(r"[^a-z0-9]+")
_HANZI_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_READING_END = r"(?=[ |\n\t]|\Z)"
# Over a unit slot string ("|专 zhuan|利 li"): from anywhere in a unit to the start of a
# reading of the next unit.
_NEXT_SLOT_READING = r"(?:[^|]*\|[^ |]*(?: [a-z0-9]+)*? )"


def normalise(query: str) -> str:
    """NFKC, full-width → half-width, lower case; words separated by one space."""
    return " ".join(query_words(query))


def query_words(query: str) -> list[str]:
    """The words of a query, normalised like the indexed text (kiosk.search.index.normalise_text).

    Only the first MAX_QUERY_CHARS characters count, cut again after NFKC (which can lengthen text:
    one ligature becomes several letters)."""
    folded = unicodedata.normalize("NFKC", (query or "")[:MAX_QUERY_CHARS]).lower()[:MAX_QUERY_CHARS]
    return "".join(ch if ch.isalnum() else " " for ch in folded).split()


@dataclass(frozen=True)
class Hit:
    id: str
    kind: str
    title: str
    score: float
    # "<field>" or "<field>:<how>"; field: title, keywords, summary, body;
    # how: pinyin (full), initials (any syllable prefixes), homophone; "reference" (文号 or index number);
    # or "partial".
    matched: str
    # The characters of the title that the query matched, for highlighting: [start, end) offsets into
    # ``title`` as shown (not normalised), ascending and disjoint. Empty when the title holds no match
    # (the record matched by keyword, summary, body or reference number).
    spans: tuple[tuple[int, int], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "title": self.title, "score": self.score, "matched": self.matched,
                "spans": [list(span) for span in self.spans]}


@dataclass(frozen=True)
class Correction:
    """A query that found nothing, answered as the nearest spelling that does (shangbaio → shangbiao)."""

    query: str  # what was searched instead, normalised: "shangbiao"
    display: str  # how to name it to the visitor: "商标" (the candidate word), or the letters
    literal: str  # the query as typed, normalised: "shangbaio"

    def as_dict(self) -> dict[str, str]:
        return {"query": self.query, "display": self.display, "literal": self.literal}


@dataclass(frozen=True)
class Answer:
    """What ``SearchIndex.answer`` returns: the hits, and the correction they were found by, if any."""

    hits: list[Hit]
    corrected_to: Correction | None

    def as_dict(self) -> dict[str, Any]:
        return {"corrected_to": self.corrected_to.as_dict() if self.corrected_to else None,
                "hits": [h.as_dict() for h in self.hits]}


@dataclass(frozen=True)
class Category:
    kind: str
    category: str | None  # None: the whole kind
    count: int


@dataclass(frozen=True)
class ZeroResults:
    suggestions: list[str]  # candidate words that do find something, nearest first
    categories: list[Category]  # what to browse instead


class KeysVersionError(ValueError):
    """content.db holds search keys of another format: re-import or re-sync to rebuild them."""


class _Corpus:
    """One field of every record as one string, records in rank order.

    Every segment (a title, one keyword, a polyphone window, ...) starts with a separator:
    a newline where the field's text starts, a tab for a window starting mid-text. A
    *group*'s segments are contiguous, so a position maps back to its group by bisection.
    A group is a record's rank, or, with ``postings``, one distinct value (a keyword) that
    ``postings[group]`` lists the ranks of: keywords repeat across records, so scanning
    each distinct keyword once is much cheaper than scanning them per record.
    """

    def __init__(self, segments_by_group: Iterable[Iterable[str]], postings: list[list[int]] | None = None,
                 *, block_chars: int | None = None):
        parts: list[str] = []
        self.starts: list[int] = []
        self.seg_group: list[int] = []
        self.group_end: list[int] = []
        self.postings = postings
        offset = 0
        for group, segments in enumerate(segments_by_group):
            for seg in segments:
                self.starts.append(offset)
                self.seg_group.append(group)
                parts.append(seg)
                offset += len(seg)
            self.group_end.append(offset)
        parts.append("\n")
        self.text = "".join(parts)
        # Blocks of whole groups with the set of characters each holds: a needle with a
        # character a block lacks cannot be in it, so long texts (bodies) are scanned only
        # where a hit is possible.
        self.blocks: list[tuple[int, int, frozenset[str]]] = []
        if block_chars:
            block_start = 0
            for end in self.group_end:
                if end - block_start >= block_chars:
                    self.blocks.append((block_start, end, frozenset(self.text[block_start:end])))
                    block_start = end
            if block_start < len(self.text):
                self.blocks.append((block_start, len(self.text), frozenset(self.text[block_start:])))

    def _spans(self, needle: str) -> list[tuple[int, int]]:
        if not self.blocks:
            return [(0, len(self.text))]
        chars = set(needle)
        return [(start, end) for start, end, held in self.blocks if chars <= held]

    def contains(self, needle: str) -> bool:
        return any(self.text.find(needle, start, end) >= 0 for start, end in self._spans(needle))

    def groups(self, needle: str) -> Iterator[int]:
        """Groups whose segments contain NEEDLE, ascending."""
        text, starts, seg_group, group_end = self.text, self.starts, self.seg_group, self.group_end
        for start, end in self._spans(needle):
            position = text.find(needle, start, end)
            while position >= 0:
                group = seg_group[bisect_right(starts, position) - 1]
                yield group
                position = text.find(needle, group_end[group], end)  # one hit per group is enough

    def groups_any(self, needles: Iterable[str]) -> Iterator[int]:
        """Groups whose segments contain any of NEEDLES, ascending.

        Scans region by region (growing), so a rare needle does not have to run to the end
        of the text before a common one has produced the first hits."""
        needles = sorted(set(needles))
        if len(needles) == 1:
            yield from self.groups(needles[0])
            return
        text, starts, seg_group, group_end = self.text, self.starts, self.seg_group, self.group_end
        resume = dict.fromkeys(needles, 0)
        region_start, region_size, last = 0, 1 << 16, -1
        while region_start < len(text):
            region_end = region_start + region_size
            found: set[int] = set()
            for needle in needles:
                position = text.find(needle, resume[needle], region_end + len(needle) - 1)
                while position >= 0:
                    group = seg_group[bisect_right(starts, position) - 1]
                    found.add(group)
                    position = text.find(needle, group_end[group], region_end + len(needle) - 1)
                resume[needle] = max(resume[needle], region_end)
            for group in sorted(found):
                if group > last:
                    yield group
                    last = group
            region_start, region_size = region_end, region_size * 2

    def of_group(self, group: int) -> str:
        return self.text[self.group_end[group - 1] if group else 0 : self.group_end[group]]

    def to_ranks(self, groups: Iterable[int]) -> Iterator[int]:
        if self.postings is None:
            return iter(groups)
        return _merge(iter(self.postings[g]) for g in groups)

    def ranks(self, needle: str) -> Iterator[int]:
        """Ranks of the records whose field contains NEEDLE, ascending."""
        return self.to_ranks(self.groups(needle))


def _distinct(items_by_rank: Iterable[Iterable[tuple[str, _V]]]) -> tuple[list[_V], list[list[int]]]:
    """(distinct values, postings: the ascending ranks holding each) of (key, value) items per rank."""
    index: dict[str, int] = {}
    values: list[_V] = []
    postings: list[list[int]] = []
    for rank, items in enumerate(items_by_rank):
        for key, value in items:
            group = index.get(key)
            if group is None:
                group = index[key] = len(values)
                values.append(value)
                postings.append([])
            if not postings[group] or postings[group][-1] != rank:
                postings[group].append(rank)
    return values, postings


def _text_corpus(texts_by_rank: Iterable[Iterable[str]], *, distinct: bool = False,
                 block_chars: int | None = None) -> _Corpus:
    if distinct:
        values, postings = _distinct(((t, t) for t in texts) for texts in texts_by_rank)
        return _Corpus((["\n" + t] for t in values), postings)
    return _Corpus((["\n" + t for t in texts] for texts in texts_by_rank), block_chars=block_chars)


class _PinyinField:
    """First readings (``|zhuan|li``) and initials (``zl``) of one field of every record,
    plus the polyphone windows, as two corpora with the same groups and segments."""

    def __init__(self, pinyin_keys_by_group: Iterable[Iterable[PinyinKeys]], postings: list[list[int]] | None = None,
                 *, pair_index: bool = False):
        readings, initials = [], []
        for keys in pinyin_keys_by_group:
            group_readings, group_initials = [], []
            for first, first_initials, windows in keys:
                group_readings.append("\n" + first)
                group_initials.append("\n" + first_initials)
                for from_start, window, window_initials in windows:
                    sep = "\n" if from_start else "\t"
                    group_readings.append(sep + window)
                    group_initials.append(sep + window_initials)
            readings.append(group_readings)
            initials.append(group_initials)
        self.readings = _Corpus(readings, postings)
        self.initials = _Corpus(initials, postings)
        self.pairs = _PairIndex(self.initials) if pair_index else None

    def ranks(self, letters: str, segmenter: _Segmenter, *, full: bool, at_start: bool) -> Iterator[int]:
        """Ranks matching LETTERS as pinyin, ascending.

        full: every syllable but the last typed whole (``zhuanlish``); otherwise each unit
        consumes any prefix of its reading (``zlsq``, ``zhuanlisq``).
        """
        if full:
            splits = segmenter.split(letters, full=True)
            sep = "\n" if at_start else ""
            needles = [sep + "|" + "|".join(pieces) for pieces in splits]
            bits = (self.pairs.candidates({"".join(p[0] for p in pieces) for pieces in splits}, at_start=at_start)
                    if self.pairs is not None else None)
            if bits is None or bits.bit_count() > DENSE_CANDIDATES:
                return self.readings.to_ranks(self.readings.groups_any(needles))
            groups = _bits_ascending(bits)
            return self.readings.to_ranks(g for g in groups if any(n in self.readings.of_group(g) for n in needles))
        sequences = {"".join(p[0] for p in pieces) for pieces in segmenter.split(letters, full=False)}
        return self.checked_ranks(sequences, _prefix_pattern(letters, at_start), at_start=at_start)

    def tiers(self, letters: str, segmenter: _Segmenter, cap: int) -> list[list[int]] | None:
        """Ranks of [full pinyin at start, prefixes at start, full pinyin, prefixes] in one pass,
        or None when more than CAP groups are candidates (then per-tier scans that stop early
        are cheaper)."""
        sequences = {"".join(p[0] for p in pieces) for pieces in segmenter.split(letters, full=False)}
        bits = self.pairs.candidates(sequences, at_start=False) if self.pairs is not None else None
        if bits is not None and bits.bit_count() > cap:
            return None
        groups = _bits_ascending(bits) if bits is not None else self.initials.groups_any(sequences)
        candidates = []
        for group in groups:
            candidates.append(group)
            if len(candidates) > cap:
                return None
        full_needles = ["|" + "|".join(pieces) for pieces in segmenter.split(letters, full=True)]
        prefix_start, prefix_any = _prefix_pattern(letters, True), _prefix_pattern(letters, False)
        out: list[list[int]] = [[], [], [], []]
        for group in candidates:
            text = self.readings.of_group(group)
            if any("\n" + n in text for n in full_needles):
                out[0].append(group)
            elif prefix_start.search(text):
                out[1].append(group)
            elif any(n in text for n in full_needles):
                out[2].append(group)
            elif prefix_any.search(text):
                out[3].append(group)
        return [list(self.readings.to_ranks(tier)) for tier in out]

    def candidate_groups(self, sequences: set[str], *, at_start: bool) -> Iterator[int]:
        """Groups (ascending) whose initials may hold one of SEQUENCES: from the pair index when
        it can narrow them down, else by scanning the initials."""
        bits = self.pairs.candidates(sequences, at_start=at_start) if self.pairs is not None else None
        # Many candidates: a scan for the whole initials sequence rejects them faster.
        if bits is not None and bits.bit_count() <= DENSE_CANDIDATES:
            return _bits_ascending(bits)
        sep = "\n" if at_start else ""
        return self.initials.groups_any(sep + seq for seq in sequences)

    def checked_ranks(self, sequences: set[str], check: re.Pattern[str], *, at_start: bool = False) -> Iterator[int]:
        """Ranks whose initials hold one of SEQUENCES and whose readings CHECK matches."""
        groups = self.candidate_groups(sequences, at_start=at_start)
        return self.readings.to_ranks(g for g in groups if check.search(self.readings.of_group(g)))


class _PairIndex:
    """Bitsets (Python ints, bit = group) of the groups whose units have initials X then Y
    next to each other (``any``), or as their first two units (``start``).

    A letter query split into pieces p1..pk (k >= 2) can only match a group holding every
    pair of consecutive piece initials, so ANDing a few bitsets leaves a handful of
    candidates to check instead of a scan over every title."""

    def __init__(self, initials: _Corpus):
        any_pairs: dict[str, list[int]] = {}
        start_pairs: dict[str, list[int]] = {}
        text = initials.text
        bounds = initials.starts + [len(text) - 1]
        for seg_index, group in enumerate(initials.seg_group):
            seg = text[bounds[seg_index] : bounds[seg_index + 1]]
            for pair in {seg[i : i + 2] for i in range(1, len(seg) - 1)}:
                any_pairs.setdefault(pair, []).append(group)
            if seg[0] == "\n" and len(seg) >= 3:
                start_pairs.setdefault(seg[1:3], []).append(group)
        self.any = {pair: _bitset(groups) for pair, groups in any_pairs.items()}
        self.start = {pair: _bitset(groups) for pair, groups in start_pairs.items()}

    def candidates(self, initials_sequences: Iterable[str], *, at_start: bool) -> int | None:
        """Bitset of the groups that may hold one of the sequences; None if one is a single letter
        (nothing to narrow down)."""
        out = 0
        for seq in initials_sequences:
            if len(seq) < 2:
                return None
            bits = self.start.get(seq[:2], 0) if at_start else -1
            for i in range(len(seq) - 1):
                bits &= self.any.get(seq[i : i + 2], 0)
                if not bits:
                    break
            out |= bits
        return out


def _bitset(groups: Iterable[int]) -> int:
    buffer = bytearray()
    for g in groups:
        byte = g >> 3
        if byte >= len(buffer):
            buffer.extend(bytes(byte + 1 - len(buffer)))
        buffer[byte] |= 1 << (g & 7)
    return int.from_bytes(buffer, "little")


def _bits_ascending(bits: int) -> Iterator[int]:
    """Positions of the set bits of a non-negative int, ascending (lazily)."""
    digits = bin(bits)[:1:-1]  # least significant first: index = bit position
    position = digits.find("1")
    while position >= 0:
        yield position
        position = digits.find("1", position + 1)


def _merge(iterators: Iterable[Iterator[int]]) -> Iterator[int]:
    last = -1
    for rank in heapq.merge(*iterators):
        if rank != last:
            yield rank
            last = rank


class _Segmenter:
    """Splits a letter query into pieces that are (prefixes of) pinyin readings."""

    def __init__(self, extra_readings: Iterable[str] = ()):
        self.readings = {r for r in _all_readings() if _VOWELS.intersection(r)} | set(extra_readings)
        self.prefixes = {r[:i] for r in self.readings for i in range(1, len(r) + 1)}

    @lru_cache(maxsize=512)  # noqa: B019 - one segmenter per index, queries repeat while typing
    def split(self, letters: str, *, full: bool) -> list[tuple[str, ...]]:
        """Up to MAX_SEGMENTATIONS splits, fewest pieces first; splits of as many pieces in depth-first order,
        longest first piece first.

        The fewest and most pieces that can cover each suffix are computed first, so the walk only enters a
        piece that leads to a split of the count it is after: a long query with thousands of splits (every
        letter is the start of some reading) costs as much as the splits it returns."""
        n = len(letters)
        # pieces[i]: the ends j of the pieces letters[i:j] allowed at i, longest first.
        pieces: list[list[int]] = []
        for i in range(n):
            allowed = []
            for j in range(n, i, -1):
                piece = letters[i:j]
                if piece in (self.prefixes if j == n or not full else self.readings):
                    allowed.append(j)
            pieces.append(allowed)
        unreachable = n + 1
        fewest = [unreachable] * n + [0]
        most = [-1] * n + [0]
        for i in range(n - 1, -1, -1):
            for j in pieces[i]:
                if fewest[j] < unreachable:
                    fewest[i] = min(fewest[i], fewest[j] + 1)
                    most[i] = max(most[i], most[j] + 1)
        out: list[tuple[str, ...]] = []
        if fewest[0] == unreachable:
            return out
        # A suffix that takes 1 or 3 pieces may not take 2: the walk can still meet a dead end, so it is capped.
        budget = [4096]

        def walk(i: int, left: int, done: tuple[str, ...]) -> None:
            budget[0] -= 1
            if budget[0] < 0:
                return
            if i == n:
                out.append(done)
                return
            for j in pieces[i]:
                if fewest[j] <= left - 1 <= most[j]:
                    walk(j, left - 1, done + (letters[i:j],))
                    if len(out) >= MAX_SEGMENTATIONS:
                        return

        for count in range(fewest[0], most[0] + 1):
            walk(0, count, ())
            if len(out) >= MAX_SEGMENTATIONS:
                break
        return out[:MAX_SEGMENTATIONS]


@lru_cache(maxsize=256)
def _prefix_pattern(letters: str, at_start: bool) -> re.Pattern[str]:
    """Each unit of ``|zhuan|li`` consumes a non-empty prefix of its reading."""
    head = r"\n\|" if at_start else r"\|"
    step = r"(?:[a-z0-9]*+\|)?"
    return re.compile(head + re.escape(letters[0]) + "".join(step + re.escape(c) for c in letters[1:]))


@lru_cache(maxsize=256)
def _mixed_pattern(word: str, at_start: bool) -> re.Pattern[str]:
    """Hanzi/digits literally, letters as reading prefixes, over a unit slot string."""
    out = [r"\A" if at_start else ""]
    prev_letter = None
    for i, tok in enumerate(_QUERY_TOKEN_RE.findall(word)):
        is_letter = len(tok) == 1 and "a" <= tok <= "z"
        if is_letter:
            if i == 0:
                out.append(rf"\|[^ |]*(?: [a-z0-9]+)*? {tok}" if at_start else f" {tok}")
            else:
                out.append(f"{_NEXT_SLOT_READING}?{tok}" if prev_letter else f"{_NEXT_SLOT_READING}{tok}")
        else:
            out.append(("" if i == 0 else r"[^|]*") + rf"\|{re.escape(tok)}{_READING_END}")
        prev_letter = is_letter
    return re.compile("".join(out))


# The bundled table stays the text it is shipped as: a dict of its 7,000 hanzi would hold
# 1.5 MB of small objects in the UI process for the few characters a query ever looks up.
@lru_cache(maxsize=1)
def _readings_text() -> str:
    """The table with a newline before every line, so "\n" + hanzi finds that hanzi's line."""
    from kiosk.search.char_readings import CHAR_READINGS

    return "\n" + CHAR_READINGS


def _all_readings() -> set[str]:
    """Every reading in the table (a few hundred syllables)."""
    return set(re.findall(r"[a-z]+", _readings_text()))


@lru_cache(maxsize=1024)
def readings_of(ch: str) -> tuple[str, ...]:
    """Tone-less readings of one hanzi from the bundled table (empty if unknown)."""
    if len(ch) != 1 or ch.isascii():
        return ()
    table = _readings_text()
    start = table.find("\n" + ch)
    if start < 0:
        return ()
    return tuple(table[start + 2:table.find("\n", start + 2)].split(","))


_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def _one_edit_variants(word: str) -> Iterator[tuple[int, str]]:
    """(edit order, variant) of every spelling one edit from WORD: swaps of neighbours (0), replacements (1),
    deletions (2), insertions (3), in that order; a variant may repeat."""
    for i in range(len(word) - 1):
        if word[i] != word[i + 1]:
            yield 0, word[:i] + word[i + 1] + word[i] + word[i + 2:]
    for i, ch in enumerate(word):
        for c in _ALPHABET:
            if c != ch:
                yield 1, word[:i] + c + word[i + 1:]
    for i in range(len(word)):
        yield 2, word[:i] + word[i + 1:]
    for i in range(len(word) + 1):
        for c in _ALPHABET:
            yield 3, word[:i] + c + word[i:]


def title_spans(title: str, keys: SearchKeys, words: Iterable[str]) -> tuple[tuple[int, int], ...]:
    """[start, end) offsets into TITLE (as shown) of the characters the query WORDS match, merged.

    A hanzi or digit word is highlighted wherever the normalised title holds it, else through the readings of
    its characters (a homophone typo); a letter or mixed word where its letters spell the units (initials,
    full pinyin, or both mixed, each unit by a prefix of one of its readings; hanzi literally)."""
    normalised = keys["title"]
    shown_at = _shown_offsets(title, normalised)
    if shown_at is None:
        return ()
    marked: list[tuple[int, int]] = []  # in normalised offsets
    for word in words:
        if not _LETTERS_RE.search(word) and word in normalised:
            at = normalised.find(word)
            while at >= 0:
                marked.append((at, at + len(word)))
                at = normalised.find(word, at + len(word))
            continue
        if _LETTERS_RE.search(word):
            # The engine's own pattern, at C speed: for letters over the first readings (|zhuan|li|shen|qing),
            # for mixed words over the slot string (|专 zhuan|利 li). Every unit starts with a "|".
            if _LETTERS_RE.fullmatch(word):
                text, pattern = keys["title_py"][0], _prefix_pattern(word, False)
            else:
                text, pattern = keys["title_slots"], _mixed_pattern(word, False)
            unit_start = _unit_starts(normalised)
            spelled = False
            for m in pattern.finditer(text):
                first_unit = text.count("|", 0, m.start() + 1) - 1
                end_unit = text.count("|", 0, m.end())
                if end_unit < len(unit_start):
                    marked.append((unit_start[first_unit], unit_start[end_unit]))
                    spelled = True
            if spelled:
                continue
        # Homophones, and letters spelling a polyphone's other reading: unit by unit.
        layout = _unit_layout(normalised, keys["title_slots"])
        if layout is None:
            continue
        title_units, unit_start, readings, units_by_letter = layout
        homophone = not _LETTERS_RE.search(word) and len(word) >= 3  # as the engine: 1–2 hanzi are no typo
        memo: dict[tuple[int, int], int | None] = {}
        # Only units with a reading starting with the word's first letter can start a letter word.
        starts = units_by_letter.get(word[0], ()) if "a" <= word[0] <= "z" else range(len(title_units))
        taken_until = 0
        for u in starts:
            if u < taken_until:
                continue
            end = _spell_units(word, 0, title_units, readings, u, homophone, memo)
            if end is not None:
                marked.append((unit_start[u], unit_start[end]))
                taken_until = end
    merged: list[list[int]] = []
    for start, end in sorted(marked):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((shown_at[start], shown_at[end - 1] + 1) for start, end in merged)


# Both caches: a visitor typing on asks about the same titles keystroke after keystroke.
@lru_cache(maxsize=4096)
def _shown_offsets(title: str, normalised: str) -> list[int] | None:
    """The offset in TITLE of each character of its normalised form (normalisation drops punctuation), or
    None when they do not line up (a character whose NFKC form only exists in context: no spans rather
    than wrong ones)."""
    if unicodedata.is_normalized("NFKC", title):  # most titles: a character stays one character
        shown_at = [i for i, ch in enumerate(title) if ch.isalnum()]
    else:
        shown_at = [i for i, ch in enumerate(title) for c in unicodedata.normalize("NFKC", ch).lower() if c.isalnum()]
    return shown_at if len(shown_at) == len(normalised) else None


_UnitLayout = tuple[list[str], list[int], list[list[str]], dict[str, list[int]]]


@lru_cache(maxsize=4096)
def _unit_starts(normalised: str) -> list[int]:
    """The normalised offset where each unit of a normalised text starts, and the end."""
    starts = [0]
    for unit in units(normalised):
        starts.append(starts[-1] + len(unit))
    return starts


@lru_cache(maxsize=4096)
def _unit_layout(normalised: str, slots: str) -> _UnitLayout | None:
    """(units, each unit's first normalised offset and the end, each unit's readings, the units whose
    readings start with each letter) of a normalised title and its slot string; None if they disagree."""
    title_units = units(normalised)
    readings = slot_readings(slots)
    if len(readings) != len(title_units):
        return None
    units_by_letter: dict[str, list[int]] = {}
    for u, unit_readings in enumerate(readings):
        for letter in {r[0] for r in unit_readings if r}:
            units_by_letter.setdefault(letter, []).append(u)
    return title_units, _unit_starts(normalised), readings, units_by_letter


def _spell_units(word: str, at: int, title_units: list[str], readings: list[list[str]], u: int, homophone: bool,
                 memo: dict[tuple[int, int], int | None]) -> int | None:
    """The unit after the last one that WORD[at:] spells from unit U on, or None. Letters consume a non-empty
    prefix of one of a unit's readings (longest first: full pinyin is preferred); a hanzi is the unit itself, or
    with HOMOPHONE a unit sharing one of its readings; digits are an ASCII unit's start."""
    if at == len(word):
        return u
    if u == len(title_units):
        return None
    if (at, u) in memo:
        return memo[at, u]
    memo[at, u] = None  # cut cycles while this state is being answered
    ch, unit = word[at], title_units[u]
    result = None
    if "a" <= ch <= "z":
        rest = word[at:]
        lengths = sorted({_common_prefix(rest, r) for r in readings[u]}, reverse=True)
        for n in lengths:
            for k in range(n, 0, -1):
                result = _spell_units(word, at + k, title_units, readings, u + 1, homophone, memo)
                if result is not None:
                    break
            if result is not None:
                break
    elif ch.isdigit():
        digits = re.match(r"[0-9]+", word[at:])
        run = digits.group() if digits else ch
        if unit.startswith(run) or run.startswith(unit):
            step = min(len(run), len(unit))
            result = _spell_units(word, at + step, title_units, readings, u + 1, homophone, memo)
    elif unit == ch or (homophone and set(readings_of(ch)) & set(readings[u])):
        result = _spell_units(word, at + 1, title_units, readings, u + 1, homophone, memo)
    memo[at, u] = result
    return result


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


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
    keys: SearchKeys
    stale_at: dt.datetime | None


Tier = tuple[float, str, Callable[[], Iterator[int]]]


class SearchIndex:
    def __init__(
        self,
        docs: Iterable[tuple[str, str, str, SearchKeys]],
        vocabulary: Iterable[tuple[str, SearchKeys, int]] = (),
        *,
        now: Callable[[], dt.datetime] = utcnow,
    ):
        self._now = now
        self._docs: list[_Doc] = []
        ascii_words: set[str] = set()
        for rid, kind, title, keys in docs:
            if keys.get("v") != KEYS_VERSION:
                raise KeysVersionError(
                    f"search keys of record {rid!r} have version {keys.get('v')!r}, this engine reads "
                    f"{KEYS_VERSION}: rebuild them with kiosk.search.index.reindex_all")
            stale = dt.datetime.fromisoformat(keys["stale_at"]) if keys.get("stale_at") else None
            self._docs.append(_Doc(rid, kind, title, keys, stale))
            ascii_words.update(keys["ascii"])
        self._segmenter = _Segmenter(ascii_words)
        # Candidate-bar words, strongest first: weight, then the shorter word.
        words = sorted(vocabulary, key=lambda row: (-row[2], len(row[0]), row[0]))
        self._words = [w for w, _keys, _weight in words]
        self._word_pinyin = [keys["pinyin"] for _w, keys, _weight in words]
        self._word_initials = [keys["py"][1] for _w, keys, _weight in words]
        self._word_text = _text_corpus([w] for w in self._words)
        # Spellings for typo correction: full pinyin and initials → the strongest word spelled so.
        self._by_pinyin: dict[str, int] = {}
        self._by_initials: dict[str, int] = {}
        for i, (pinyin, initials) in enumerate(zip(self._word_pinyin, self._word_initials, strict=True)):
            if pinyin.isalpha():
                self._by_pinyin.setdefault(pinyin, i)
            if initials.isalpha():
                self._by_initials.setdefault(initials, i)
        self._pinyin_sorted = sorted(self._by_pinyin)
        self._word_py = _PinyinField([keys["py"]] for _w, keys, _weight in words)
        self._categories = self._count_categories()
        self._build_order()

    # ------------------------------------------------------------ building

    def _build_order(self) -> None:
        moment = self._now()
        docs = self._docs
        order = sorted(range(len(docs)), key=lambda i: docs[i].id)
        order.sort(key=lambda i: docs[i].keys.get("date") or "", reverse=True)
        order.sort(key=lambda i: (self._is_stale(docs[i], moment), kinds.display_rank(docs[i].kind),
                                  not docs[i].keys.get("hot")))
        self._ranked = [docs[i] for i in order]
        future = [d.stale_at for d in docs if d.stale_at is not None and d.stale_at > moment]
        self._order_valid_until = min(future) if future else None
        ranked_keys = [d.keys for d in self._ranked]
        self._title = _text_corpus(([k["title"]] for k in ranked_keys), block_chars=TEXT_BLOCK_CHARS)
        self._keywords = _text_corpus((k["keywords"] for k in ranked_keys), distinct=True)
        self._refs = _text_corpus(k["refs"] for k in ranked_keys)
        self._summary = _text_corpus(([k["summary"]] for k in ranked_keys), block_chars=TEXT_BLOCK_CHARS)
        self._body = _text_corpus(([k["body"]] for k in ranked_keys), block_chars=TEXT_BLOCK_CHARS)
        # The ASCII words of summaries and bodies alone: what a letter query can find there.
        self._summary_ascii = _text_corpus([_NOT_ASCII_RUN_RE.sub(" ", k["summary"])] for k in ranked_keys)
        self._body_ascii = _text_corpus([_NOT_ASCII_RUN_RE.sub(" ", k["body"])] for k in ranked_keys)
        self._title_py = _PinyinField(([k["title_py"]] for k in ranked_keys), pair_index=True)
        keyword_py, postings = _distinct(zip(k["keywords"], ([py] for py in k["keyword_py"]), strict=True)
                                         for k in ranked_keys)
        self._keyword_py = _PinyinField(keyword_py, postings)
        # Unit slot strings of the distinct keywords, in the same group order as _keywords.
        self._keyword_slots, _ = _distinct(zip(k["keywords"], k["keyword_slots"], strict=True) for k in ranked_keys)

    @staticmethod
    def _is_stale(doc: _Doc, moment: dt.datetime) -> bool:
        return doc.stale_at is not None and doc.stale_at <= moment

    def _refresh_if_time_moved(self) -> None:
        if self._order_valid_until is not None and self._now() >= self._order_valid_until:
            self._build_order()

    def _count_categories(self) -> list[Category]:
        by_kind: dict[str, int] = {}
        service_categories: dict[str, int] = {}
        for d in self._docs:
            by_kind[d.kind] = by_kind.get(d.kind, 0) + 1
            if d.kind == "services" and d.keys.get("category"):
                service_categories[d.keys["category"]] = service_categories.get(d.keys["category"], 0) + 1
        out = [Category(k, None, n) for k, n in sorted(by_kind.items(), key=lambda kv: kinds.display_rank(kv[0]))
               if k in kinds.VISITOR_KINDS]
        out += [Category("services", c, n) for c, n in sorted(service_categories.items(), key=lambda kv: -kv[1])]
        return out

    # ------------------------------------------------------------ search

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        """Records matching every word of QUERY, best first, at most LIMIT."""
        words = query_words(query)
        if not words or limit <= 0:
            return []
        self._refresh_if_time_moved()
        if len(words) == 1:
            ranked = list(self._match_word(words[0], limit).items())
        else:
            per_word = [self._match_word(w, None) for w in words]
            common = set(per_word[0]).intersection(*per_word[1:])
            ranked = sorted(((rank, (round(sum(f[rank][0] for f in per_word) / len(words), 1), per_word[0][rank][1]))
                             for rank in common), key=lambda item: (-item[1][0], item[0]))
        hits = []
        for rank, (score, matched) in ranked[:limit]:
            d = self._ranked[rank]
            hits.append(Hit(d.id, d.kind, d.title, score, matched, title_spans(d.title, d.keys, words)))
        return hits

    def answer(self, query: str, limit: int = 50, *, correct: bool = True) -> Answer:
        """``search``, and when that finds nothing, the results of the nearest spelling (see ``_correction``),
        if that finds any.

        ``correct=False`` is the literal query only: the UI's way back to what the visitor typed."""
        hits = self.search(query, limit)
        if hits or not correct or limit <= 0:
            return Answer(hits, None)
        fixed = self._correction(query_words(query))
        hits = self.search(fixed.query, limit) if fixed is not None else []
        return Answer(hits, fixed if hits else None)

    def _correction(self, words: list[str]) -> Correction | None:
        """WORDS (a query that found nothing) with each letter word that finds nothing replaced by the nearest
        spelling, or None. The caller checks that the corrected query finds something.

        A word is corrected by one edit (a letter inserted, deleted, replaced, or two neighbours swapped) to
        the full pinyin of a candidate-bar word (shangbaio → shangbiao, 商标), else by a swapped pair to its
        initials (lzsq → zlsq), else to the start of a word's full pinyin of at least
        MIN_CORRECTED_PINYIN_START letters (zhaunlish → zhuanlish). Hanzi, digits and words of fewer than
        MIN_CORRECTION_LETTERS letters are never corrected. A word has at most 26·(2n+1) + n variants, each
        one dictionary or bisection lookup, so a 40-letter word costs about 2,000 lookups.
        """
        fixed, shown, changed = [], [], False
        for word in words:
            # A query of one word found nothing: so did the word, no need to ask again.
            if len(words) == 1 or not self._match_word(word, 1):
                better = self._nearest_spelling(word)
                if better is None:
                    return None
                fixed.append(better[0])
                shown.append(better[1])
                changed = True
            else:
                fixed.append(word)
                shown.append(word)
        if not changed:
            return None
        return Correction(" ".join(fixed), " ".join(shown), " ".join(words))

    def _nearest_spelling(self, word: str) -> tuple[str, str] | None:
        """(corrected letters, display word) one edit from WORD, best first: full pinyin of a word, then
        initials, then a pinyin start; within each, swaps before replacements, deletions, insertions; then the
        heavier word."""
        if not _LETTERS_RE.fullmatch(word) or len(word) < MIN_CORRECTION_LETTERS:
            return None
        best: tuple[int, int, int, str] | None = None
        for edit_order, variant in _one_edit_variants(word):
            if best is not None and best[0] == 0 and best[1] <= edit_order:
                break  # variants come in edit order: nothing later can beat a full-pinyin match
            found = None
            if variant in self._by_pinyin:
                found = (0, edit_order, self._by_pinyin[variant], variant)
            elif edit_order == 0 and variant in self._by_initials:
                # Initials only by a swapped pair: one other letter makes another abbreviation, not a typo
                # (wxyz is one letter from wqyz, 维权援助).
                found = (1, edit_order, self._by_initials[variant], variant)
            elif len(variant) >= MIN_CORRECTED_PINYIN_START:
                at = bisect_left(self._pinyin_sorted, variant)
                if at < len(self._pinyin_sorted) and self._pinyin_sorted[at].startswith(variant):
                    found = (2, edit_order, self._by_pinyin[self._pinyin_sorted[at]], variant)
            if found is not None and (best is None or found < best):
                best = found
        if best is None:
            return None
        kind, _order, word_index, variant = best
        return variant, (self._words[word_index] if kind < 2 else variant)

    def _match_word(self, word: str, limit: int | None) -> dict[int, tuple[float, str]]:
        """rank → (score, matched) of the records WORD matches, best tier first, at most LIMIT."""
        found: dict[int, tuple[float, str]] = {}
        if _LETTERS_RE.fullmatch(word):
            tiers = self._letter_tiers(word)
        elif _LETTERS_RE.search(word):
            tiers = self._mixed_tiers(word)
        else:
            tiers = self._literal_tiers(word, found)
        for score, matched, ranks in tiers:
            if _take(ranks(), score, matched, found, limit):
                break
        if not found and len(word) >= 3 and all(_HANZI_RE.match(c) for c in word):
            self._partial(word, found, limit)
        return found

    def _literal_tiers(self, word: str, found: dict[int, tuple[float, str]]) -> Iterator[Tier]:
        # Skip a field's three scans at once when the word is nowhere in it.
        if self._title.contains(word):
            yield SCORE_TITLE_EXACT, "title", lambda: self._title.ranks(f"\n{word}\n")
            yield SCORE_TITLE_PREFIX, "title", lambda: self._title.ranks(f"\n{word}")
            yield SCORE_TITLE, "title", lambda: self._title.ranks(word)
        yield from self._reference_tiers(word)
        if self._keywords.contains(word):
            yield SCORE_KEYWORD_EXACT, "keywords", lambda: self._keywords.ranks(f"\n{word}\n")
            yield SCORE_KEYWORD_PREFIX, "keywords", lambda: self._keywords.ranks(f"\n{word}")
            yield SCORE_KEYWORD, "keywords", lambda: self._keywords.ranks(word)
        # A word found literally in titles or keywords is not a typo.
        if not found:
            homophones = self._homophone_readings(word)
            if homophones:
                yield SCORE_TITLE_HOMOPHONE, "title:homophone", lambda: self._homophone_ranks(self._title_py, homophones)
                yield (SCORE_KEYWORD_HOMOPHONE, "keywords:homophone",
                       lambda: self._homophone_ranks(self._keyword_py, homophones))
        if word.isdigit() and len(word) < MIN_DIGITS_IN_TEXT:
            return
        yield SCORE_SUMMARY, "summary", lambda: self._summary.ranks(word)
        yield SCORE_BODY, "body", lambda: self._body.ranks(word)

    def _reference_tiers(self, word: str) -> Iterator[Tier]:
        """文号 and index numbers by their forms (kiosk.search.index.reference_forms): a digit word whole only
        (14 must not find 140), other words also at a form's start (郑市监 → 郑市监文140号)."""
        if not self._refs.contains(word):
            return
        yield SCORE_REFERENCE_EXACT, "reference", lambda: self._refs.ranks(f"\n{word}\n")
        if not word.isdigit():
            yield SCORE_REFERENCE_PREFIX, "reference", lambda: self._refs.ranks(f"\n{word}")

    @staticmethod
    def _homophone_readings(word: str) -> list[tuple[str, ...]] | None:
        # One or two hanzi have too many homophones for a useful guess.
        if len(word) < 3 or not all(_HANZI_RE.match(c) for c in word):
            return None
        readings = [tuple(r for r in readings_of(c) if _VOWELS.intersection(r)) for c in word]
        return readings if all(readings) else None

    @staticmethod
    def _homophone_ranks(field: _PinyinField, readings: list[tuple[str, ...]]) -> Iterator[int]:
        sequences = [""]
        for rs in readings:  # most common readings first: the cap keeps the likeliest spellings
            choices = list(dict.fromkeys(r[0] for r in rs))
            sequences = [seq + c for seq in sequences for c in choices][:MAX_SEGMENTATIONS]
        check = re.compile("".join(r"\|(?:" + "|".join(rs) + r")(?=[|\n\t]|\Z)" for rs in readings))
        return field.checked_ranks(set(sequences), check)

    def _letter_tiers(self, letters: str) -> Iterator[Tier]:
        seg = self._segmenter
        for field, name, scores in (
            (self._title_py, "title", (SCORE_TITLE_PINYIN_PREFIX, SCORE_TITLE_INITIALS_PREFIX,
                                       SCORE_TITLE_PINYIN, SCORE_TITLE_INITIALS)),
            (self._keyword_py, "keywords", (SCORE_KEYWORD_PINYIN_PREFIX, SCORE_KEYWORD_INITIALS_PREFIX,
                                            SCORE_KEYWORD_PINYIN, SCORE_KEYWORD_INITIALS)),
        ):
            full_start, initials_start, full_any, initials_any = scores
            in_one_pass = field.tiers(letters, seg, ONE_PASS_MAX_CANDIDATES)
            if in_one_pass is not None:
                for score, how, ranks in zip(scores, ("pinyin", "initials", "pinyin", "initials"), in_one_pass,
                                             strict=True):
                    yield score, f"{name}:{how}", ranks.__iter__
                continue
            yield full_start, f"{name}:pinyin", partial(field.ranks, letters, seg, full=True, at_start=True)
            yield initials_start, f"{name}:initials", partial(field.ranks, letters, seg, full=False, at_start=True)
            yield full_any, f"{name}:pinyin", partial(field.ranks, letters, seg, full=True, at_start=False)
            yield initials_any, f"{name}:initials", partial(field.ranks, letters, seg, full=False, at_start=False)
        # ASCII words inside summaries and bodies (web addresses, "TISC").
        yield SCORE_SUMMARY, "summary", lambda: self._summary_ascii.ranks(letters)
        yield SCORE_BODY, "body", lambda: self._body_ascii.ranks(letters)

    def _mixed_tiers(self, word: str) -> Iterator[Tier]:
        """Hanzi with letters (``zl申请``, ``专利sq`` after a candidate-bar pick): hanzi literally,
        letters as reading prefixes."""
        at_start, anywhere = _mixed_pattern(word, True), _mixed_pattern(word, False)
        anchor = max(re.findall(r"[^a-z]+", word), key=len)
        sequences = self._mixed_initials(word)

        def titles(pattern: re.Pattern[str], start: bool) -> Iterator[int]:
            # Narrow down by the pair index (hanzi by the initials of their readings), else by
            # scanning for the longest literal run.
            pairs = self._title_py.pairs
            bits = pairs.candidates(sequences, at_start=start) if sequences and pairs is not None else None
            ranks = _bits_ascending(bits) if bits is not None else self._title.ranks(anchor)
            return (r for r in ranks if pattern.search(self._ranked[r].keys["title_slots"]))

        def keywords(pattern: re.Pattern[str]) -> Iterator[int]:
            groups = self._keywords.groups(anchor)
            return self._keywords.to_ranks(g for g in groups if pattern.search(self._keyword_slots[g]))

        yield SCORE_TITLE_INITIALS_PREFIX, "title:initials", lambda: titles(at_start, True)
        yield SCORE_TITLE_INITIALS, "title:initials", lambda: titles(anywhere, False)
        yield from self._reference_tiers(word)  # index numbers with letters: MB1821951
        yield SCORE_KEYWORD_INITIALS_PREFIX, "keywords:initials", lambda: keywords(at_start)
        yield SCORE_KEYWORD_INITIALS, "keywords:initials", lambda: keywords(anywhere)

    def _mixed_initials(self, word: str) -> set[str] | None:
        """The initials sequences a mixed word can stand for (None when a part has no pinyin)."""
        sequences = [""]
        for part in re.findall(r"[a-z]+|[^a-z]", word):
            if part[0].isascii() and part[0].isalpha():
                choices = list(dict.fromkeys("".join(p[0] for p in pieces)
                                             for pieces in self._segmenter.split(part, full=False)))
            else:
                choices = list(dict.fromkeys(r[0] for r in readings_of(part)))
            if not choices:
                return None
            sequences = [seq + c for seq in sequences for c in choices][: 4 * MAX_SEGMENTATIONS]
        return set(sequences)

    def _partial(self, word: str, found: dict[int, tuple[float, str]], limit: int | None) -> None:
        """Records whose title or keywords hold at least half of WORD's character pairs
        (a colloquial query with extra words: 被抄袭了 → 被抄袭)."""
        pairs = sorted({word[i : i + 2] for i in range(len(word) - 1)})
        counts: dict[int, int] = {}
        for pair in pairs:
            holders: set[int] = set()
            for corpus in (self._title, self._keywords):
                holders.update(corpus.ranks(pair))
            for rank in holders:
                counts[rank] = counts.get(rank, 0) + 1
        needed = (len(pairs) + 1) // 2
        good = sorted((rank for rank, n in counts.items() if n >= needed), key=lambda r: (-counts[r], r))
        for rank in good[:limit]:
            found[rank] = (SCORE_PARTIAL + round(9 * counts[rank] / len(pairs), 1), "partial")

    # ------------------------------------------------------------ candidate bar

    def suggest(self, letters: str, limit: int = SUGGEST_LIMIT) -> list[str]:
        """Up to LIMIT candidate-bar words for what is typed so far; each one finds results.

        Order: words spelled exactly by the letters (initials or whole pinyin), then words whose
        pinyin starts with them, then syllable prefixes at the start, then anywhere; heavier
        and shorter words first within each."""
        words = query_words(letters)
        if not words:
            return []
        word = words[-1]  # the word being typed
        found: dict[int, tuple[float, str]] = {}
        seg, py = self._segmenter, self._word_py
        tiers: list[Callable[[], Iterator[int]]]
        if _LETTERS_RE.fullmatch(word):
            tiers = [lambda: self._spelled_exactly(word),
                     lambda: py.ranks(word, seg, full=True, at_start=True),
                     lambda: py.ranks(word, seg, full=False, at_start=True),
                     lambda: py.ranks(word, seg, full=False, at_start=False)]
        else:
            tiers = [lambda: self._word_text.ranks(f"\n{word}"), lambda: self._word_text.ranks(word)]
        for ranks in tiers:
            if _take(ranks(), 0.0, "", found, limit):
                break
        return [self._words[rank] for rank in found]

    def _spelled_exactly(self, letters: str) -> Iterator[int]:
        """Candidate words whose initials or whole pinyin are exactly LETTERS (zl → 专利)."""
        py = self._word_py
        complete = [p for p in self._segmenter.split(letters, full=True) if p[-1] in self._segmenter.readings]
        readings = ["\n|" + "|".join(pieces) + end for pieces in complete for end in ("\n", "\t")]
        initials = ["\n" + letters + end for end in ("\n", "\t")]
        return _merge([py.readings.groups_any(readings), py.initials.groups_any(initials)])

    # ------------------------------------------------------------ zero results

    def zero_results(self, query: str, limit: int = SUGGEST_LIMIT) -> ZeroResults:
        """Nearest candidate words by pinyin edit distance, and the categories to browse."""
        spelled = "".join(_spell(w) for w in query_words(query))
        suggestions: list[str] = []
        if spelled:
            max_distance = 1 if len(spelled) <= 4 else 2
            scored = []
            for i, (pinyin, initials) in enumerate(zip(self._word_pinyin, self._word_initials, strict=True)):
                distance = prefix_edit_distance(spelled, pinyin, max_distance)
                if spelled.isalpha() and distance > 0:
                    distance = min(distance, prefix_edit_distance(spelled, initials, max_distance))
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


def _take(ranks: Iterator[int], score: float, matched: str, found: dict[int, tuple[float, str]],
          limit: int | None) -> bool:
    """Add RANKS not yet found; True once LIMIT records are known (no lower tier can enter)."""
    if limit is not None and len(found) >= limit:
        return True
    for rank in ranks:
        if rank not in found:
            found[rank] = (score, matched)
            if limit is not None and len(found) >= limit:
                return True
    return False


def _spell(word: str) -> str:
    """A query word as letters: hanzi by their first reading (bundled table), letters and digits as typed."""
    return "".join(c if c.isascii() else (readings_of(c) or ("",))[0] for c in word)
