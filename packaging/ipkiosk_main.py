"""Entry point of the packaged `ipkiosk` binary (PyInstaller runs this file)."""

import sys

from kiosk.cli import main

if __name__ == "__main__":
    sys.exit(main())
