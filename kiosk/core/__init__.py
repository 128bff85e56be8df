"""The kiosk's vocabulary and plain utilities, imported by every layer and importing none of them:
time, content kinds, the content manifest format, text rules, configuration, logging, durable files."""
