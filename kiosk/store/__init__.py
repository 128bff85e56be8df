"""Qt-free persistence: content.db (synced, disposable) and station.db (local, precious)."""
