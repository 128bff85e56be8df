"""Read-aloud in the UI: time from a tap on 朗读 to the first sound handed to the audio device.

    .venv/bin/python bench/read_aloud_bench.py [--repeat 10] [--lang zh|en] [--cold]

The whole kiosk UI runs offscreen in this process on the bundled content (a throw-away data dir), with its real
`ipkiosk speak` children. A test machine has no sound card, so ALSA's own configuration (an ~/.asoundrc in a
throw-away HOME, which the children inherit) makes the default device a "file" device writing raw PCM into a
FIFO; a thread here reads the FIFO and notes when the first bytes of each utterance arrive. That is the moment
the child's ALSA write of its first period returned, the same moment a card would start to play it (then heard
after the card's buffer, at most 100 ms: kiosk.speech.alsa.LATENCY_US).

On the service page (svc-patent-application, title and key facts) the bench taps the rendered 朗读 button REPEAT
times with real mouse events, each time after the next child started ahead has said it is ready (as when a
visitor reads for a moment before tapping), and reports the median and maximum of:

- tap → first PCM at the device (the FIFO's first bytes): what a visitor waits for;
- tap → the UI learns the sound started (the child's "started" line read by the UI's event loop);
- the second tap → the child gone (the stop).

``--cold`` ends the child started ahead before each tap, so the tap starts a child and waits for it (Python start,
the engine found, for Chinese pypinyin's phrase dictionary loaded): what a tap would cost if the UI did not keep a
child ready (saving that child's memory, about 67 MB PSS, while a readable page is shown).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SERVICE_ID = "svc-patent-application"
TIMEOUT_S = 60  # a hang detector only


class FifoSpeaker:
    """The read end of the FIFO behind ALSA's default device: notes when each utterance's first bytes come."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.first_bytes: list[float] = []  # time.monotonic() of each writer's first bytes
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while True:
            with open(self.path, "rb", buffering=0) as fifo:  # blocks until a child opens the device
                if fifo.read(65536):
                    self.first_bytes.append(time.monotonic())
                while fifo.read(65536):
                    pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="taps (utterances) to time")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="the visitor's language")
    parser.add_argument("--cold", action="store_true", help="no child waits ready: each tap starts one")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="read-aloud-bench-"))
    home = tmp / "home"
    home.mkdir()
    fifo = tmp / "speaker.raw"
    os.mkfifo(fifo)
    (home / ".asoundrc").write_text(
        f'pcm.!default {{ type file; slave.pcm "null"; file "{fifo}"; format "raw" }}\n', encoding="utf-8")
    os.environ["HOME"] = str(home)
    os.environ["XDG_DATA_HOME"] = str(tmp / "xdg")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_QUICK_BACKEND", "software")
    speaker = FifoSpeaker(fifo)

    from PySide6.QtCore import QObject, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtQuick import QQuickItem  # noqa: F401 - lets QML items cross into Python
    from PySide6.QtTest import QTest

    from kiosk.core import config as config_mod
    from kiosk.ui import app as ui_app
    from kiosk.ui.qml_types import qml_types

    app = QGuiApplication(sys.argv[:1])
    qml_types.prepare()
    cfg = config_mod.from_mapping({"data_dir": str(tmp / "data")})
    ctx = ui_app.build_context(cfg)
    window = ui_app.load_main(ctx, size_px=(1080, 1920))
    window.show()
    read_aloud = ctx.singletons["ReadAloud"]

    readies: list[float] = []
    starts: list[float] = []

    class ReadyLines(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().startswith("read-aloud child ready"):
                readies.append(time.monotonic())

    logger = logging.getLogger("kiosk.ui.read_aloud")
    logger.setLevel(logging.INFO)
    logger.addHandler(ReadyLines())
    read_aloud.audioStarted.connect(lambda: starts.append(time.monotonic()))

    def wait_for(condition, what: str) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit(f"read_aloud_bench: no {what} within {TIMEOUT_S} s")
            app.processEvents()
            time.sleep(0.002)

    stack = window.findChild(QObject, "pageStack")
    wait_for(lambda: not ctx.data.pending_calls and not stack.property("loading"), "home page")
    ctx.shell.setProperty("language", args.lang)
    window.openRecord(SERVICE_ID)
    wait_for(lambda: stack.property("currentItem").objectName() == "serviceDetailPage"
             and not stack.property("loading"), "service page")
    button = window.findChild(QObject, "readAloudButton")

    def tap() -> None:
        app.processEvents()  # the bar lays the button out
        centre = button.mapToScene(button.boundingRect().center()).toPoint()
        QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)

    to_device: list[float] = []
    to_ui: list[float] = []
    to_stop: list[float] = []

    def measure() -> None:
        for n in range(args.repeat):
            if args.cold:
                read_aloud.setOffered(False)  # no child waits (nor is started after a stop): the tap starts its own
            else:
                wait_for(lambda n=n: len(readies) > n, "ready child")
            time.sleep(0.2)  # the visitor reads a moment
            heard, seen = len(speaker.first_bytes), len(starts)
            tapped = time.monotonic()
            tap()
            wait_for(lambda heard=heard, seen=seen: len(speaker.first_bytes) > heard and len(starts) > seen,
                     "first sound")
            to_device.append((speaker.first_bytes[heard] - tapped) * 1000)
            to_ui.append((starts[seen] - tapped) * 1000)
            if read_aloud.property("speaking"):
                speaking_pid = read_aloud.child.pid
                stopping = time.monotonic()
                tap()
                wait_for(lambda pid=speaking_pid: not Path(f"/proc/{pid}").exists(), "stop")
                to_stop.append((time.monotonic() - stopping) * 1000)

    try:
        measure()
    finally:
        ui_app.stop_context(ctx)

    def line(what: str, values: list[float]) -> str:
        return f"  {what:<40} median {statistics.median(values):7.1f} ms  max {max(values):7.1f} ms  (n={len(values)})"

    print(f"read-aloud from the UI ({args.lang}, service page, {'cold' if args.cold else 'ready'} child), "
          f"{os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(line("tap → first PCM at the device", to_device))
    print(line("tap → UI sees 'started'", to_ui))
    if to_stop:
        print(line("second tap → child gone", to_stop))
    else:
        print("  (every utterance ended before the second tap: the null device plays faster than real time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
