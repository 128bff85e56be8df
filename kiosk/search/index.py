"""Search keys computed at apply time, in the sync/import process.

This is the only module of kiosk.search that loads pypinyin; the engine answers every
query (A–Z or hanzi) from the keys written here, so the UI process never pays for the
pinyin dictionaries.

A record's keys (stored as JSON in ``SearchDoc.keys``)::

    {"v": KEYS_VERSION,
     "title": normalised title, "keywords": [normalised keyword, ...],
     "summary": normalised summary, "body": normalised body,
     "title_slots": "|专 zhuan|利 li|申 shen|请 qing", "keyword_slots": [...],
     "title_py": PINYIN, "keyword_py": [PINYIN, ...],
     "pinyin": "zhuanlishenqing",       # title, first reading of each unit
     "ascii": ["tisc"],                 # ASCII words of title and keywords
     "refs": ["郑市监文2022140号", "140", ...],  # forms of the 文号 and index number (reference_forms)
     "hot": bool, "date": "YYYY-MM-DD" or "", "stale_at": UTC ISO instant or null,
     "category": str or null}

A *slot string* has one slot per unit of the normalised text: ``|`` + the unit + one
`` reading`` per pronunciation kept (the reading in context first, then the most common
other reading of a polyphone such as 行 hang/xing). A unit is one hanzi, or one run of
ASCII letters/digits whose only "reading" is itself.

PINYIN is what the engine scans for A–Z queries: ``[readings, initials, [[from_start,
readings, initials], ...]]`` where ``readings`` is ``|zhuan|li|shen|qing`` (first
readings), ``initials`` is ``zlsq``, and each extra triple is a window of up to
POLYPHONE_WINDOW units around one polyphone read the other way (``from_start``: the
window begins at the first unit). So polyphones need no pinyin at query time either.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from kiosk.core.clock import iso, naive_as_china

# Bump when the key shape changes; the engine refuses keys of another version.
KEYS_VERSION = 4

#: The search keys of one record (see the module docstring), a JSON object as stored in content.db.
SearchKeys = dict[str, Any]
#: [readings, initials, windows] of a slot string, a JSON list as stored: windows are [from_start, readings, initials].
PinyinKeys = list[Any]

# Hanzi, or a run of ASCII letters/digits: the units of a slot string.
_UNIT_RE = re.compile(r"[a-z0-9]+|[^a-z0-9]")
# A unit keeps its reading in context plus the most common other one: enough for the
# polyphones visitors meet (行 hang/xing, 重 zhong/chong, 长 chang/zhang) without the rare
# readings (提 shi, 受 dao) that would make initials match almost anything.
MAX_READINGS_PER_UNIT = 2
# Units on each side of a polyphone in its alternative-reading window: a query spanning a
# polyphone read the other way matches if it covers at most this many units on either side.
POLYPHONE_WINDOW = 5


def normalise_text(text: str) -> str:
    """NFKC (full-width → half-width), lower case, only letters and digits kept.

    The engine's query normalisation is the same function applied per word, so every
    normalised title or keyword is found again by searching for it.
    """
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in folded if ch.isalnum())


@lru_cache(maxsize=1)
def _pinyin() -> ModuleType:
    import pypinyin  # deferred: only the apply path pays for loading it

    return pypinyin


@lru_cache(maxsize=65536)
def _char_readings(ch: str) -> tuple[str, ...]:
    """Every reading pypinyin knows for one hanzi (tone-less), most common first."""
    py = _pinyin()
    readings = py.pinyin(ch, style=py.Style.NORMAL, heteronym=True, errors="ignore")
    out: list[str] = []
    for reading in readings[0] if readings else ():
        if reading.isascii() and reading.isalpha() and reading not in out:
            out.append(reading)
    return tuple(out)


def units(normalised: str) -> list[str]:
    return _UNIT_RE.findall(normalised)


@lru_cache(maxsize=65536)  # keywords repeat across records: each is converted once per apply process
def slot_string(normalised: str) -> str:
    """The slot string of already normalised text (see the module docstring)."""
    if not normalised:
        return ""
    py = _pinyin()
    text_units = units(normalised)
    # Readings in context: lazy_pinyin knows phrases (银行 → yin hang), one entry per hanzi;
    # ASCII runs come back unchanged as one entry, like our units.
    in_context = py.lazy_pinyin(normalised, style=py.Style.NORMAL)
    in_context = [r for r in in_context if r]
    aligned = len(in_context) == len(text_units)
    slots = []
    for i, unit in enumerate(text_units):
        if unit.isascii():
            readings: list[str] = [unit]
        else:
            readings = list(_char_readings(unit))
            first = in_context[i] if aligned else None
            if first and first.isascii() and first.isalpha():
                readings = [first] + [r for r in readings if r != first]
            readings = readings[:MAX_READINGS_PER_UNIT]
        slots.append("|" + unit + "".join(" " + r for r in readings))
    return "".join(slots)


def slot_readings(slots: str) -> list[list[str]]:
    """Readings of each unit of a slot string: '|行 hang xing|长 zhang chang' → [['hang', 'xing'], ...]."""
    out = []
    for slot in slots.split("|")[1:]:
        parts = slot.split(" ")
        out.append(parts[1:] or [parts[0]])
    return out


def pinyin_keys(slots: str) -> PinyinKeys:
    """[readings, initials, windows] of a slot string (see the module docstring)."""
    units_readings = slot_readings(slots)
    first = [r[0] for r in units_readings]
    windows: list[list[bool | str]] = []
    for i, readings in enumerate(units_readings):
        for other in readings[1:]:
            lo, hi = max(0, i - POLYPHONE_WINDOW), min(len(first), i + POLYPHONE_WINDOW + 1)
            window = first[lo:i] + [other] + first[i + 1 : hi]
            windows.append([lo == 0, "|" + "|".join(window), "".join(r[0] for r in window)])
    return ["|" + "|".join(first) if first else "", "".join(r[0] for r in first), windows]


def first_reading_pinyin(slots: str) -> str:
    """Full pinyin (first reading of each unit) of a slot string: '|专 zhuan|利 li' → 'zhuanli'."""
    out = []
    for slot in slots.split("|")[1:]:
        parts = slot.split(" ")
        out.append(parts[1] if len(parts) > 1 else parts[0])
    return "".join(out)


# A reference number with more parts than this is not a 文号 or index number: only its whole form is kept.
MAX_REFERENCE_PARTS = 8
_REFERENCE_PART_RE = re.compile(r"[0-9]+|[^0-9]+")
_YEAR_RE = re.compile(r"(?:19|20)[0-9]{2}")


def reference_forms(number: str | None) -> list[str]:
    """The forms a visitor may type of a 文号 or index number, normalised.

    郑市监文〔2022〕140号 (normalised 郑市监文2022140号, parts 郑市监文 / 2022 / 140 / 号) gives every run of
    consecutive parts (郑市监文2022140号, 2022140, 140号, 140, 郑市监文, ...), the whole without its year
    (郑市监文140号), and digit parts without leading zeros (00041 → 41). The engine matches a digit word
    against whole forms only, so 14 does not find 140; other words also match a form's start.
    """
    folded = unicodedata.normalize("NFKC", number or "").lower()
    # Split at the brackets and dashes first: in 〔2022〕140 they are all that separates the year from the number.
    chunks = "".join(ch if ch.isalnum() else " " for ch in folded).split()
    parts = [part for chunk in chunks for part in _REFERENCE_PART_RE.findall(chunk)]
    whole = "".join(parts)
    if not whole:
        return []
    if len(parts) > MAX_REFERENCE_PARTS:
        return [whole]
    forms = {"".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)}
    without_year = [p for p in parts if not _YEAR_RE.fullmatch(p)]
    if without_year and len(without_year) < len(parts):
        forms.add("".join(without_year))
    forms.update(p.lstrip("0") for p in parts if p.isdigit() and p.lstrip("0"))
    # A lone 号 or 第 would find every numbered record.
    return sorted((f for f in forms if len(f) > 1 or f.isdigit()), key=lambda f: (-len(f), f))


def _utc_iso(value: str | None) -> str | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:  # rows written before the publisher checked calendars: no expiry rather than a crash
        return None
    return iso(naive_as_china(moment))


def stale_at(kind: str, rec: Mapping[str, Any]) -> str | None:
    """The instant after which a record is past: a notice's valid_until, an event's end."""
    if kind == "notices":
        return _utc_iso(rec.get("valid_until"))
    if kind == "events":
        return _utc_iso(rec.get("ends_at") or rec.get("starts_at"))
    return None


def index_record(kind: str, rec: Mapping[str, Any]) -> SearchKeys:
    """The search keys of one record (see the module docstring)."""
    title = normalise_text(rec.get("title", ""))
    keywords = [k for k in (normalise_text(k) for k in rec.get("keywords") or ()) if k]
    title_slots = slot_string(title)
    keyword_slots = [slot_string(k) for k in keywords]
    return {
        "v": KEYS_VERSION,
        "title": title,
        "keywords": keywords,
        "summary": normalise_text(rec.get("summary", "")),
        "body": normalise_text(rec.get("body", "")),
        "title_slots": title_slots,
        "keyword_slots": keyword_slots,
        "title_py": pinyin_keys(title_slots),
        "keyword_py": [pinyin_keys(k) for k in keyword_slots],
        "pinyin": first_reading_pinyin(title_slots),
        "ascii": sorted({u for u in units(title + "".join(keywords)) if u.isascii() and u.isalpha()}),
        "refs": sorted({form for field in ("doc_number", "index_number") for form in reference_forms(rec.get(field))}),
        "hot": bool(rec.get("hot", False)),
        "date": (rec.get("published_at") or rec.get("starts_at") or "")[:10],
        "stale_at": stale_at(kind, rec),
        "category": rec.get("category"),
    }


# ---------------------------------------------------------------- candidate bar

# A hot record's words are asked for more often: they weigh more in the candidate bar.
HOT_WORD_WEIGHT = 3
# Titles longer than this are too long for a candidate chip.
MAX_TITLE_WORD_CHARS = 8


def vocabulary_entries(docs: Iterable[SearchKeys]) -> list[dict[str, Any]]:
    """Candidate-bar rows {word, keys, weight} from (kind, keys) pairs of every record.

    Words are keywords and short titles; ``keys`` is {"slots", "py", "pinyin"} of the word
    (``py`` as a record's PINYIN keys).
    Every word is a normalised title or keyword, so searching it finds its record.
    """
    weights: dict[str, int] = {}
    slots: dict[str, str] = {}
    for doc in docs:
        gain = HOT_WORD_WEIGHT if doc.get("hot") else 1
        words = list(zip(doc["keywords"], doc["keyword_slots"], strict=True))
        if doc["title"] and len(doc["title"]) <= MAX_TITLE_WORD_CHARS:
            words.append((doc["title"], doc["title_slots"]))
        for word, word_slots in words:
            weights[word] = weights.get(word, 0) + gain
            slots[word] = word_slots
    return [
        {"word": w, "keys": json.dumps({"slots": slots[w], "py": pinyin_keys(slots[w]),
                                        "pinyin": first_reading_pinyin(slots[w])},
                                       ensure_ascii=False), "weight": weights[w]}
        for w in sorted(weights)
    ]


def rebuild_vocabulary(db: Any, vocabulary_model: Any, record_model: Any, searchdoc_model: Any) -> None:
    """Refill the candidate-bar table from the stored search keys (inside the apply transaction)."""
    docs = (json.loads(raw) for (raw,) in searchdoc_model.select(searchdoc_model.keys).tuples())
    rows = vocabulary_entries(docs)
    vocabulary_model.delete().execute()
    for i in range(0, len(rows), 500):
        vocabulary_model.insert_many(rows[i : i + 500]).execute()


def keys_are_current(searchdoc_model: Any) -> bool:
    """True when every stored record's keys have this KEYS_VERSION (cheap: one row is read)."""
    row = searchdoc_model.select(searchdoc_model.keys).limit(1).tuples().first()
    return row is None or json.loads(row[0]).get("v") == KEYS_VERSION


def reindex_all(db: Any, vocabulary_model: Any, record_model: Any, searchdoc_model: Any) -> int:
    """Recompute every record's keys and the vocabulary in one transaction (after an upgrade
    that changed KEYS_VERSION); returns the number of records."""
    with db.atomic():
        rows = list(record_model.select(record_model.id, record_model.kind, record_model.data).tuples())
        for rid, kind, data in rows:
            keys = json.dumps(index_record(kind, json.loads(data)), ensure_ascii=False)
            searchdoc_model.replace(record=rid, kind=kind, keys=keys).execute()
        rebuild_vocabulary(db, vocabulary_model, record_model, searchdoc_model)
    return len(rows)


# ---------------------------------------------------------------- hanzi readings table

READINGS_MODULE = Path(__file__).with_name("char_readings.py")


def char_readings_table() -> dict[str, tuple[str, ...]]:
    """Readings of every GB2312 hanzi: what a visitor can type on a hardware keyboard.

    The engine uses it for homophone typos (专利申清 → 专利申请) and zero-result
    suggestions of hanzi queries, without loading pypinyin.
    """
    table = {}
    for code in range(0x4E00, 0xA000):
        ch = chr(code)
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        readings = _char_readings(ch)
        if readings:
            table[ch] = readings
    return table


def render_char_readings_module(table: dict[str, tuple[str, ...]]) -> str:
    lines = "\n".join(f"{ch}{','.join(r)}" for ch, r in sorted(table.items()))
    return (
        '"""Readings of GB2312 hanzi, generated from pypinyin by\n'
        "``python -m kiosk.search.index --write-char-readings`` (do not edit by hand).\n\n"
        "One line per hanzi: the character, then its tone-less readings separated by commas.\n"
        '"""\n\n'
        f'CHAR_READINGS = """\\\n{lines}\n"""\n'
    )


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="search index maintenance")
    parser.add_argument("--write-char-readings", action="store_true",
                        help=f"regenerate {READINGS_MODULE.name} from the installed pypinyin")
    args = parser.parse_args(argv)
    if args.write_char_readings:
        READINGS_MODULE.write_text(render_char_readings_module(char_readings_table()), encoding="utf-8")
        print(f"wrote {READINGS_MODULE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
