"""Read-aloud (朗读) for visitors: QML singleton ``ReadAloud`` (KioskBackend), the UI side of `ipkiosk speak`.

Speaking never runs in the UI process: every utterance is one `ipkiosk speak --json --from-stdin` child
(kiosk/commands/speech.py has its contract, docs/speech.md the reasons). While a page that offers text is shown
(``setOffered(true)``, from ReadAloudButton.qml) a child is started ahead (AHEAD_DELAY_MS after the page came) and
waits, with its engine and the Mandarin readings loaded, so that a tap waits only for the first sound. The tap writes the one request line;
a second tap, navigation, the language toggle and the idle reset kill the child, which is the one stop that
always works at once. Then the next child is started ahead.

``state`` is "idle" (the button offers 朗读), "speaking" (it offers 停止) or "unavailable" with ``message`` for
the visitor (本机没有声音输出, …): the child said why it cannot speak. A tap in "unavailable" tries again, so a
speaker that was busy is used once it is free. Nothing here waits on the child: its lines are read when they
arrive, and a child that says nothing in START_TIMEOUT_MS is killed and counts as unavailable.
"""

from __future__ import annotations

import json
import logging
import re

from PySide6.QtCore import Property, QCoreApplication, QObject, QProcess, QTimer, Signal, Slot

from kiosk.core import config as config_mod
from kiosk.core.self_command import self_command
from kiosk.speech import AUDIO_DEVICE_BUSY, ENGINE_FAILED, LANGS, MAX_TEXT_CHARS, NO_AUDIO_DEVICE
from kiosk.ui.children import ChildOutcome, ChildProcess, StopBy

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# KioskBackend singletons this module registers (kiosk.ui.qml_types declares them before any QML engine).
QML_SINGLETONS = ("ReadAloud",)

CHILD_NAME = "read aloud"
STATE_IDLE, STATE_SPEAKING, STATE_UNAVAILABLE = "idle", "speaking", "unavailable"
# A child is ready in 0.1–0.4 s and its first sound follows a request in tens of ms (docs/benchmarks.md);
# saying nothing for this long (ready, then started, after a tap) is a hung child.
START_TIMEOUT_MS = 15_000
# A page must stay this long before a child is started ahead for it: the page is built first (the child's start
# would take a core from it), and pages a visitor passes through start none. A tap before then starts the child
# itself and waits for it (docs/benchmarks.md: a cold tap).
AHEAD_DELAY_MS = 500
# SIGTERM ends the child at once (it installs no handler); this only bounds a child that ignores it.
STOP_TIMEOUT_MS = 1000
# Longest event line read: the child's lines are short JSON.
MAX_EVENT_BYTES = 64 * 1024

# What the page offers is StyledText (kiosk/ui/text.py: escaped, with <b>…</b>); the voice gets the words only.
_TAG = re.compile(r"</?b>")
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))
_SPACES = re.compile(r"\s+")
# Pages join their parts with "。"; a part that ends in a stop of its own keeps only that one.
_DOUBLE_STOP = re.compile(r"([。！？；：，、.!?;:])\s*。")


def spoken_text(styled: str) -> str:
    """The words of STYLED (a page's speechText, which may carry StyledText escapes and <b> tags), on one line
    and cut to what one utterance takes."""
    text = _TAG.sub("", styled)
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return _DOUBLE_STOP.sub(r"\1", _SPACES.sub(" ", text)).strip()[:MAX_TEXT_CHARS]


def visitor_message(reason: str) -> str:
    """What the button says when the child could not speak for REASON (one of kiosk.speech.REASONS)."""
    if reason == NO_AUDIO_DEVICE:
        return QCoreApplication.translate("ReadAloud", "本机没有声音输出")
    if reason == AUDIO_DEVICE_BUSY:
        return QCoreApplication.translate("ReadAloud", "音箱正忙，请稍后再试")
    return QCoreApplication.translate("ReadAloud", "朗读暂不可用")


class ReadAloud(QObject):
    """The 朗读 button's state and its `ipkiosk speak` children (see the module docstring)."""

    stateChanged = Signal()
    # The child said its first sound is out (on the device, or in the WAV file of a bench); for measurements.
    audioStarted = Signal()

    def __init__(self, cfg: config_mod.Config, parent: QObject | None = None, *,
                 command: tuple[str, list[str]] | None = None, start_timeout_ms: int = START_TIMEOUT_MS) -> None:
        """COMMAND is the child's program and arguments (default: `ipkiosk speak --json --from-stdin` with CFG,
        which carries the station's speech_volume to the child)."""
        super().__init__(parent)
        self._enabled = cfg.speech
        self._start_timeout_ms = start_timeout_ms
        program, args = command or self_command(cfg, "speak", "--json", "--from-stdin")
        # Its log lines (stderr) go where the UI's logs go; stdout carries the events only.
        self._child = ChildProcess(CHILD_NAME, program, args, self,
                                   channels=QProcess.ProcessChannelMode.ForwardedErrorChannel,
                                   stop_by=StopBy.TERMINATE, stop_timeout_ms=STOP_TIMEOUT_MS,
                                   answer_exit_codes=(0, 1))  # 1: it said why it could not speak (logged below)
        self._child.finished.connect(self._child_finished)
        self._child.process.readyReadStandardOutput.connect(self._read_events)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._silent)
        # Children are started ahead from this timer (AHEAD_DELAY_MS after a page offers text, and after a stop):
        # when a stop came with a page change, the new page has said by then whether it offers text.
        self._ahead_timer = QTimer(self, singleShot=True, interval=AHEAD_DELAY_MS)
        self._ahead_timer.timeout.connect(self._start_ahead)
        self._buffer = b""
        self._asked = False  # this run of the child got its request
        self._offered = False  # the page on top offers text: keep a child ready
        self._state = STATE_IDLE
        self._message = ""

    # ------------------------------------------------------------ properties for QML

    @Property(bool, constant=True)
    def enabled(self) -> bool:
        """The station lets visitors have pages read (setting ``speech``); false: no button at all."""
        return self._enabled

    @Property(str, notify=stateChanged)
    def state(self) -> str:
        """"idle", "speaking" or "unavailable"."""
        return self._state

    @Property(bool, notify=stateChanged)
    def speaking(self) -> bool:
        return self._state == STATE_SPEAKING

    @Property(str, notify=stateChanged)
    def message(self) -> str:
        """Why nothing can be heard, for the visitor ("" unless ``state`` is "unavailable")."""
        return self._message

    @property
    def child(self) -> ChildProcess:
        """The speaking (or waiting) child, for tests and benchmarks."""
        return self._child

    # ------------------------------------------------------------ what QML calls

    @Slot(bool)
    def setOffered(self, offered: bool) -> None:
        """The page on top offers text to read (true) or not: a child waits ready only while it does."""
        self._offered = offered and self._enabled
        if self._offered:
            if not self._child.running:
                self._ahead_timer.start()
        else:
            self._ahead_timer.stop()
            if not self._asked:
                self._end_child()

    @Slot(str, str)
    def toggle(self, text: str, lang: str) -> None:
        """The 朗读 button: read TEXT (a page's speechText) in LANG ("zh" or "en"), or stop when speaking."""
        if self._state == STATE_SPEAKING:
            self.stopSpeaking()
            return
        words = spoken_text(text)
        if not self._enabled or not words:
            return
        if lang not in LANGS:
            log.warning("read-aloud in %r is not offered; reading in zh", lang)
            lang = "zh"
        if self._asked:  # a child that spoke (or failed) has not ended yet: a fresh one takes the request
            self._end_child()
        self._ahead_timer.stop()
        if not self._child.running:
            self._start_child()
        request = json.dumps({"text": words, "lang": lang}, ensure_ascii=False, separators=(",", ":")) + "\n"
        # The child reads its request once it is ready; what is written before waits in the pipe.
        self._child.process.write(request.encode())
        self._child.process.closeWriteChannel()
        self._asked = True
        self._timer.start(self._start_timeout_ms)
        self._set_state(STATE_SPEAKING)

    @Slot()
    def stopSpeaking(self) -> None:
        """Silence now (a second tap, a page change, the language toggle); the next child is started ahead."""
        if self._state != STATE_SPEAKING:
            return
        self._end_child()
        self._set_state(STATE_IDLE)
        if self._offered:
            self._ahead_timer.start()

    def reset(self) -> None:
        """The idle reset: silence, and the next visitor starts with an unclouded button."""
        self._offered = False
        self._end_child()
        self._set_state(STATE_IDLE)

    def stop(self) -> None:
        """The UI is stopping: end the child."""
        self._offered = False
        self._end_child()

    # ------------------------------------------------------------ the child

    def _start_ahead(self) -> None:
        if self._offered and not self._child.running:
            self._start_child()

    def _start_child(self) -> None:
        self._buffer = b""
        self._asked = False
        self._timer.start(self._start_timeout_ms)
        self._child.start()

    def _end_child(self) -> None:
        self._timer.stop()
        self._ahead_timer.stop()
        self._child.stop()
        self._asked = False

    def _read_events(self) -> None:
        self._buffer += bytes(self._child.process.readAllStandardOutput().data())
        while b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            try:
                event = json.loads(line)
            except ValueError:
                log.warning("read-aloud child said something that is not an event: %r", line[:200])
                continue
            if isinstance(event, dict):
                self._on_event(event)
        if len(self._buffer) > MAX_EVENT_BYTES:
            log.warning("read-aloud child wrote %d bytes without an end of line; ending it", len(self._buffer))
            self._give_up(ENGINE_FAILED)

    def _on_event(self, event: dict) -> None:
        kind = event.get("event")
        if kind == "ready":
            log.info("read-aloud child ready: %s", event.get("engine"))
            if not self._asked:
                self._timer.stop()
        elif kind == "started":
            self._timer.stop()
            log.info("reading aloud: %s voice %s, first sound after %s ms", event.get("engine"), event.get("voice"),
                     event.get("first_audio_ms"))
            self.audioStarted.emit()
        elif kind == "finished":
            self._timer.stop()
            if self._asked:
                self._set_state(STATE_IDLE)
        elif kind == "failed":
            reason = str(event.get("reason", ""))
            log.warning("read-aloud unavailable: %s: %s", reason, event.get("message"))
            self._timer.stop()
            self._set_state(STATE_UNAVAILABLE, visitor_message(reason))

    def _child_finished(self, outcome: ChildOutcome) -> None:
        if outcome.stopped:
            return  # ended here: the caller set the state
        self._read_events()  # its last lines may come with its end
        self._timer.stop()
        asked, self._asked = self._asked, False
        if self._state == STATE_SPEAKING or (not asked and self._state != STATE_UNAVAILABLE):
            # It ended without saying finished or failed, or a child started ahead ended by itself.
            log.warning("read-aloud child ended unexpectedly: %s", outcome.describe())
            self._set_state(STATE_UNAVAILABLE, visitor_message(ENGINE_FAILED))
        if asked and self._offered:  # it served its one request; one that failed before any would fail again
            self._ahead_timer.start()

    def _silent(self) -> None:
        log.warning("read-aloud child said nothing within %d ms; ending it", self._start_timeout_ms)
        self._give_up(ENGINE_FAILED)

    def _give_up(self, reason: str) -> None:
        self._end_child()
        self._set_state(STATE_UNAVAILABLE, visitor_message(reason))

    def _set_state(self, state: str, message: str = "") -> None:
        if (state, message) != (self._state, self._message):
            self._state, self._message = state, message
            self.stateChanged.emit()


def register(ctx) -> ReadAloud:
    """The ``ReadAloud`` singleton (called by kiosk.ui.app.build_context); the idle reset silences it through
    reset() (Shell.resetVisitor resets every view-model), the language toggle through stopSpeaking()."""
    read_aloud = ReadAloud(ctx.cfg, parent=ctx.engine)
    ctx.shell.languageChanged.connect(read_aloud.stopSpeaking)
    ctx.register_singleton("ReadAloud", read_aloud)
    return read_aloud
