"""The data service: what the kiosk UI reads and writes, answered by the `ipkiosk data-service` child.

Importing this package loads nothing. ``kiosk.dataservice.api`` declares the service once (its methods
with typed arguments and results, its error kinds, the encoding on the pipe) and is all the UI process
imports of it; ``kiosk.dataservice.service`` answers those methods in the child and carries peewee,
SQLite, the stores and the search engine, which the UI process never imports."""
