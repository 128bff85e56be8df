"""Qt-free search: query normalisation, hanzi substring and pinyin matching, ranking.

``index`` runs at apply time (in the sync/import process) and is the only module that
loads pypinyin; ``engine`` answers queries from the pre-computed keys and the generated
``char_readings`` table. See docs/search.md.
"""

from kiosk.core.limits import MAX_QUERY_CHARS

__all__ = ["MAX_QUERY_CHARS"]
