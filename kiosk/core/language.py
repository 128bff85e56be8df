"""The visitor's language ("zh" or "en") and content in it.

Content is written in Chinese; a record may carry an English twin ``<field>_en`` of any text field
(kiosk.core.manifest accepts them). The UI's chrome is translated through Qt (kiosk.ui.translation)."""

from __future__ import annotations

from typing import Any

from kiosk.core.safe_text import is_blank

# The language the content and the UI's source strings are written in.
SOURCE_LANGUAGE = "zh"
VISITOR_LANGUAGES = ("zh", "en")


def language_of(locale: str) -> str:
    """The visitor language code of a configured locale such as "zh_CN" ("zh")."""
    return locale.split("_", 1)[0]


def _has_text(value: object) -> bool:
    """A text that shows something, or a list holding at least one: a blank twin ("   ", a zero-width space) would
    replace the Chinese text with nothing, so the Chinese stays."""
    if isinstance(value, str):
        return not is_blank(value)
    return isinstance(value, list) and any(isinstance(item, str) and not is_blank(item) for item in value)


def in_language(rec: dict[str, Any], language: str) -> dict[str, Any]:
    """REC (a content record, or a title row with ``title_en``) as a visitor reads it in LANGUAGE.

    In English each field whose twin ``<field>_en`` holds text shows the twin; every other field stays
    Chinese (the fallback is per field: a record with only ``title_en`` still shows its Chinese summary).
    REC itself is not changed."""
    if language == SOURCE_LANGUAGE:
        return rec
    twins = {name[:-3]: value for name, value in rec.items() if name.endswith("_en") and _has_text(value)}
    return {**rec, **twins} if twins else rec
