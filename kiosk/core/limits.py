"""Limits the UI and the data layer share: one number each, importable from both processes.

Dependency-free: the UI process imports it (through kiosk.dataservice.api) and must not load the
data layer or the search engine.
"""

# The longest query that counts (the touch field's length too): the search engine cuts anything longer.
MAX_QUERY_CHARS = 40
