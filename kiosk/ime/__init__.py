"""Chinese input for the kiosk's own keyboard: the librime engine (rime.py) and the child process that
runs it (service.py). Qt-free: the engine never runs in the UI process."""
