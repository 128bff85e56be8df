"""Answer queries from stored search keys and report whether pypinyin got loaded (it must not: readings
are computed when content is applied, never while searching).

Usage: python -m tests.probes.search_without_pypinyin < {"docs": [...], "vocabulary": [...]}
Prints whether each of six queries found something (a JSON list), then whether pypinyin is loaded.
"""

import json
import sys

from kiosk.search.engine import SearchIndex

docs = json.loads(sys.stdin.read())
idx = SearchIndex([tuple(d) for d in docs["docs"]], [tuple(v) for v in docs["vocabulary"]])
found = [idx.search("zlsq"), idx.search("zhuanlish"), idx.search("专利申清"), idx.suggest("zl"),
         idx.zero_results("砖利").suggestions, idx.answer("zhaunli").hits]
print(json.dumps([bool(f) for f in found]), "pypinyin" in sys.modules)
