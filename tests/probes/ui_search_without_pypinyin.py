"""A fresh UI process searches like a visitor and reports whether pypinyin got loaded (it must not: the UI
process reads readings computed when content was applied).

Usage: python -m tests.probes.ui_search_without_pypinyin DATA_DIR (a data dir with a seeded content.db)
"""

import sys

from PySide6.QtGui import QGuiApplication

from kiosk.core import config as config_mod
from kiosk.ui import app as ui_app

qapp = QGuiApplication(sys.argv[:1])
ctx = ui_app.build_context(config_mod.from_mapping({"data_dir": sys.argv[1]}))
window = ui_app.load_main(ctx, size_px=(1080, 1920))
search = next(vm for vm in ctx.view_models if type(vm).__name__ == "SearchController")
for query in ("zlsq", "zhuanli", "专利", "商标zc", "zhaunli", "qxqxqx"):
    search.query = query
    assert search.resultCount or search.noResults
print("pypinyin loaded" if "pypinyin" in sys.modules else "pypinyin not loaded")
ui_app.stop_context(ctx)
