"""Chinese text as the Mandarin voice reads it: every character's reading chosen by its word (多音字).

espeak-ng reads Chinese one character at a time from its dictionary, so a character with several readings is
read the same in every word: 银行 as "yin xing", 重新 as "zhong xin". pypinyin (already in the bundle for search)
picks each reading from its phrase dictionary (yin2 hang2, chong2 xin1), and the kiosk's Mandarin voice,
``cmn-latn-pinyin``, reads tone-numbered pinyin as the syllables it spells. Punctuation stays, so the clause
pauses stay; digits and Latin letters pass through unchanged (the voice reads digits as Mandarin numbers).

Loading pypinyin's phrase dictionary takes some 0.2–0.4 s and 50 MB in the speaking child, once per utterance
(docs/benchmarks.md "Read-aloud"); the UI process never loads it.
"""

from __future__ import annotations


def readings(text: str) -> str:
    """TEXT with its Han characters as tone-numbered pinyin syllables (neutral tone 5, ü as v), space-separated."""
    from pypinyin import Style, lazy_pinyin  # deferred: only speaking Chinese pays for loading it

    parts: list[str] = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, errors=lambda rest: rest)
    return " ".join(parts)
