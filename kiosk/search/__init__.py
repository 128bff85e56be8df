"""Qt-free search: query normalisation, hanzi substring and pinyin matching, ranking.

``index`` runs at apply time (in the sync/import process) and is the only module that
loads pypinyin; ``engine`` answers queries from the pre-computed keys and the generated
``char_readings`` table. See docs/search.md.
"""

# The longest query that counts (the touch field's length too): the engine cuts anything longer, and the UI
# imports this number from here without loading the engine.
MAX_QUERY_CHARS = 40
