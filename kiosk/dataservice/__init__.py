"""The data service: what the kiosk UI reads and writes, answered by the `ipkiosk data-service` child.

Importing this package loads nothing: the UI process imports only what it needs of it, never the
service (kiosk.dataservice.service), which carries peewee, SQLite, the stores and the search engine."""
