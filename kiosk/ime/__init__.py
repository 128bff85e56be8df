"""Chinese input for the kiosk's own keyboard: the librime engine (rime.py) and the child process that
runs it (service.py). Qt-free: the engine never runs in the UI process.

The limits below are what the engine and the command line share; they live here so `ipkiosk --help` and
`ipkiosk run` (which build the whole parser) do not import the engine's ctypes layer.
"""

# The longest pinyin input taken at once: a phrase of some ten syllables; the keyboard commits long
# before (librime's sentence search grows with the input).
MAX_INPUT_LETTERS = 48
# Candidates on one page of the keyboard's candidate bar, and the most one request may ask for.
PAGE_SIZE = 8
MAX_LIMIT = 100
