"""Chinese input of the staff keyboard: QML singleton ``Pinyin`` (KioskBackend), the UI side of `ipkiosk pinyin-service`.

The engine (librime) runs in its own child process (kiosk/ime/service.py has the protocol): a fault in it
never takes the UI down, and its dictionaries stay out of the visitor-facing UI process. The child is
started when a staff keyboard first asks for Chinese (:meth:`PinyinInput.activate`), not at UI start:
most days nobody types at the kiosk. It then runs until the UI ends.

Everything here is asynchronous: a key writes one request line, the answer is read when the child's
output is ready, and the state it carries (letters, pre-edit, one page of candidates, committed text)
replaces what the keyboard shows. The GUI thread never waits on the child. A child that cannot start,
says ``"ready": false``, dies or does not answer in time leaves the keyboard in 英文/数字 with the reason
(``unavailableReason``); letters it had not turned into hanzi yet are committed as typed, so nothing the
clerk typed is lost. Tapping 中 again tries a new child.

Text reaches the field through ``committed(text)``: the staff keyboard (StaffKeyboard.qml) inserts it at
the cursor. Outside 中 mode keys are committed directly, without the child.
"""

from __future__ import annotations

import json
import logging

from PySide6.QtCore import Property, QObject, QProcess, QTimer, Signal, Slot

from kiosk.core import config as config_mod
from kiosk.core.self_command import self_command
from kiosk.ui.children import ChildOutcome, ChildProcess

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# KioskBackend singletons this module registers (kiosk.ui.qml_types declares them before any QML engine).
QML_SINGLETONS = ("Pinyin",)

CHILD_NAME = "pinyin service"
MODE_CHINESE, MODE_ENGLISH, MODE_DIGITS = "zh", "en", "digits"
MODES = (MODE_CHINESE, MODE_ENGLISH, MODE_DIGITS)
# The child's first start deploys the schema when the data dir is new (about 3 s on a slow terminal);
# a start that takes longer than this is a hung engine.
START_TIMEOUT_MS = 30_000
# One keystroke is a few milliseconds in the child (docs/benchmarks.md); no answer in this long is a hung child.
ANSWER_TIMEOUT_MS = 3000
# The keyboard's Chinese punctuation keys (the engine's PUNCTUATION).
PUNCTUATION = "，。：；？！、“”（）"
# Longest answer line read: a page of candidates is well under 1 KB.
MAX_ANSWER_BYTES = 64 * 1024

REASON_DIED = "拼音输入意外退出（{}），已改用英文/数字键盘；点“中”重新启动"
REASON_SILENT = "拼音输入没有响应，已改用英文/数字键盘；点“中”重新启动"
REASON_START_FAILED = "拼音输入无法启动（{}），已改用英文/数字键盘"
REASON_UNAVAILABLE = "拼音输入不可用，只能输入英文和数字；请技术人员运行 sudo ipkiosk doctor 检查：{}"
NOTICE_TOO_LONG = "拼音字母太多，请先选词"


class PinyinInput(QObject):
    """The staff keyboard's input state and its engine child (see the module docstring)."""

    modeChanged = Signal()
    stateChanged = Signal()  # letters, pre-edit, candidates, paging
    statusChanged = Signal()  # available, starting, unavailableReason, notice
    committed = Signal(str)  # text for the field, inserted at its cursor

    def __init__(self, cfg: config_mod.Config, parent: QObject | None = None, *,
                 command: tuple[str, list[str]] | None = None, start_timeout_ms: int = START_TIMEOUT_MS,
                 answer_timeout_ms: int = ANSWER_TIMEOUT_MS) -> None:
        """COMMAND is the child's program and arguments (default: `ipkiosk pinyin-service` with CFG)."""
        super().__init__(parent)
        self._start_timeout_ms, self._answer_timeout_ms = start_timeout_ms, answer_timeout_ms
        program, args = command or self_command(cfg, "pinyin-service")
        # Its log lines (stderr) go where the UI's logs go; stdout carries the answers only.
        self._child = ChildProcess(CHILD_NAME, program, args, self,
                                   channels=QProcess.ProcessChannelMode.ForwardedErrorChannel)
        self._child.finished.connect(self._child_finished)
        self._child.process.readyReadStandardOutput.connect(self._read_answers)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._no_answer)
        self._buffer = b""
        self._ready = False
        self._queue: list[dict] = []  # requests made while the child starts
        self._pending: dict[int, str] = {}  # id → method, in the order sent
        self._next_id = 0
        self._mode = MODE_ENGLISH
        self._want_chinese = True  # 中 once the engine is ready (the clerk's default)
        self._reason = ""
        self._notice = ""
        self._page_size = 1  # the engine's page size, learnt from its first full page
        self._clear_state()

    # ------------------------------------------------------------ properties for QML

    @Property(str, notify=modeChanged)
    def mode(self) -> str:
        """"zh" (letters go to the engine), "en" (letters as typed) or "digits" (digits and punctuation page)."""
        return self._mode

    def _engine_ready(self) -> bool:
        return self._ready and self._child.running

    @Property(bool, notify=statusChanged)
    def available(self) -> bool:
        """The engine answered ready and its child runs."""
        return self._engine_ready()

    @Property(bool, notify=statusChanged)
    def starting(self) -> bool:
        return self._child.running and not self._ready

    @Property(str, notify=statusChanged)
    def unavailableReason(self) -> str:
        """Why 中 is not offered ("" when it is, or while it starts)."""
        return self._reason

    @Property(str, notify=statusChanged)
    def notice(self) -> str:
        """A one-off word for the clerk about the last key (too many letters); cleared by the next answer."""
        return self._notice

    @Property(str, notify=stateChanged)
    def letters(self) -> str:
        """The pinyin letters typed and not yet turned into hanzi."""
        return self._letters

    @Property(bool, notify=stateChanged)
    def composing(self) -> bool:
        """Letters wait for a choice (or are on their way to the engine): backspace, space and Enter act on
        them, not on the field."""
        return self._composing()

    @Property(str, notify=stateChanged)
    def preedit(self) -> str:
        """The letters as the engine splits them ("qing liang jie"), hanzi already chosen in front."""
        return self._preedit

    @Property(list, notify=stateChanged)
    def candidates(self) -> list[str]:
        """One page of candidates, best first."""
        return self._candidates

    @Property(bool, notify=stateChanged)
    def hasPreviousPage(self) -> bool:
        return self._offset > 0

    @Property(bool, notify=stateChanged)
    def hasNextPage(self) -> bool:
        return self._more

    # ------------------------------------------------------------ keys

    @Slot()
    def activate(self) -> None:
        """A staff keyboard is shown: start the engine when Chinese is wanted and it is not running."""
        if self._want_chinese:
            self._start_child()

    @Slot(str)
    def setMode(self, mode: str) -> None:
        """Switch the keyboard page. 中 starts the engine when needed (the page follows once it is ready);
        leaving 中 while letters wait commits them as typed."""
        if mode not in MODES:
            raise ValueError(f"unknown keyboard mode {mode!r}")
        if mode == MODE_CHINESE:
            self._want_chinese = True
            if self._engine_ready():
                self._set_mode(MODE_CHINESE)
            else:
                self._start_child()
            return
        self._want_chinese = False
        if self._mode == MODE_CHINESE and self._composing():
            self._request("enter")
        self._set_mode(mode)

    @Slot(str)
    def typeText(self, text: str) -> None:
        """A letter or digit key: to the engine in 中 mode (letters only), else straight into the field."""
        if self._mode == MODE_CHINESE and text.isascii() and text.isalpha():
            self._request("type", text.lower())
        elif self._mode == MODE_CHINESE and self._composing() and text.isdigit() and text != "0":
            self.select(int(text) - 1)  # a hardware keyboard's 1–9 choose like a desktop input method
        else:
            self._commit_plain(text)

    @Slot(str)
    def punctuate(self, mark: str) -> None:
        """A punctuation key (，。：；？！、“”（）, or a hardware keyboard's ASCII key for one): in 中 mode the
        engine commits the best candidate first, then the mark; otherwise the mark goes in as it is."""
        if self._mode == MODE_CHINESE:
            self._request("punctuate", mark)
        else:
            self._commit_plain(mark)

    @Slot(int)
    def select(self, index: int) -> None:
        """Choose candidate INDEX of the page shown."""
        if self._mode == MODE_CHINESE and 0 <= index < len(self._candidates):
            self._request("select", self._offset + index)

    @Slot(result=bool)
    def backspace(self) -> bool:
        """Take back the last letter (or a partial choice) while composing; False when nothing is composed
        (then the field deletes a character)."""
        if not self._composing():
            return False
        self._request("backspace")
        return True

    @Slot()
    def space(self) -> None:
        """While composing, space chooses the best candidate of the page (as desktop input methods do);
        else a space."""
        if self._mode == MODE_CHINESE and self._composing():
            self._request("select", self._offset)
        else:
            self._commit_plain(" ")

    @Slot(result=bool)
    def enter(self) -> bool:
        """While composing, Enter commits the letters as typed (an English word, an abbreviation); False when
        nothing is composed (then Enter is the field's)."""
        if not self._composing():
            return False
        self._request("enter")
        return True

    @Slot()
    def nextPage(self) -> None:
        if self._more:
            self._request("page", self._offset + len(self._candidates))

    @Slot()
    def previousPage(self) -> None:
        if self._offset > 0:
            self._request("page", max(0, self._offset - self._page_size))

    @Slot()
    def discard(self) -> None:
        """Drop the letters (the field changed, the editor closed)."""
        if self._letters or self._queue:
            self._queue = [r for r in self._queue if r["method"] not in ("type", "select", "page", "backspace")]
            self._request("reset")
        self._set_notice("")

    def reset(self) -> None:
        """Idle timeout (the admin session ended): no letters left over, and 中 for the next clerk."""
        self.discard()
        self._want_chinese = True
        if self._engine_ready():
            self._set_mode(MODE_CHINESE)

    def stop(self) -> None:
        """The UI is stopping: end the child (closing its stdin ends it)."""
        self._timer.stop()
        self._child.stop()

    # ------------------------------------------------------------ the child

    def _start_child(self) -> None:
        if self._child.running:
            return
        self._ready = False
        self._buffer = b""
        self._pending.clear()
        self._reason = ""
        self._timer.start(self._start_timeout_ms)
        self._child.start()
        self.statusChanged.emit()

    def _request(self, method: str, *args: object) -> None:
        was_composing = self._composing()
        self._next_id += 1
        request = {"id": self._next_id, "method": method, "args": list(args)}
        if self._ready:
            self._send(request)
        elif self._child.running:
            self._queue.append(request)
        else:
            log.warning("pinyin %s without a running engine; ignored", method)
        if self._composing() != was_composing:
            self.stateChanged.emit()

    def _send(self, request: dict) -> None:
        line = json.dumps(request, ensure_ascii=False, separators=(",", ":")) + "\n"
        self._pending[request["id"]] = request["method"]
        self._child.process.write(line.encode())
        if not self._timer.isActive():
            self._timer.start(self._answer_timeout_ms)

    def _read_answers(self) -> None:
        self._buffer += bytes(self._child.process.readAllStandardOutput().data())
        while b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            try:
                doc = json.loads(line)
            except ValueError:
                log.warning("pinyin service said something that is not an answer: %r", line[:200])
                continue
            if not isinstance(doc, dict):
                continue
            if not self._ready and "ready" in doc:
                self._on_ready(doc)
            else:
                self._on_answer(doc)
        if len(self._buffer) > MAX_ANSWER_BYTES:
            self._give_up(REASON_SILENT)

    def _on_ready(self, doc: dict) -> None:
        self._timer.stop()
        if not doc.get("ready"):
            message = str((doc.get("error") or {}).get("message") or "the engine did not start")
            log.warning("pinyin input unavailable: %s", message)
            self._give_up(REASON_UNAVAILABLE.format(message), stop=False)  # the child exits by itself
            return
        log.info("pinyin service ready: %s, %s in %s ms", doc.get("engine"), doc.get("schema"), doc.get("start_ms"))
        self._ready = True
        self._reason = ""
        queued, self._queue = self._queue, []
        for request in queued:
            self._send(request)
        if self._want_chinese:
            self._set_mode(MODE_CHINESE)
        self.statusChanged.emit()

    def _on_answer(self, doc: dict) -> None:
        method = self._pending.pop(doc.get("id"), None)  # type: ignore[arg-type]
        if self._pending:
            self._timer.start(self._answer_timeout_ms)
        else:
            self._timer.stop()
        error = doc.get("error")
        if error:
            log.info("pinyin %s: %s: %s", method, error.get("type"), error.get("message"))
            if method == "type" and error.get("type") == "ValueError":
                self._set_notice(NOTICE_TOO_LONG)
            self.stateChanged.emit()  # composing may have ended with the refused letters
            return
        result = doc.get("result")
        if not isinstance(result, dict):
            return
        self._set_notice("")
        self._apply(result)
        if result.get("commit"):
            self.committed.emit(str(result["commit"]))

    def _apply(self, state: dict) -> None:
        self._letters = str(state.get("input", ""))
        self._preedit = str(state.get("preedit", ""))
        self._candidates = [str(c) for c in state.get("candidates", [])]
        self._offset = int(state.get("offset", 0))
        self._more = bool(state.get("more", False))
        if self._offset == 0 and self._candidates:
            self._page_size = max(self._page_size, len(self._candidates))
        self.stateChanged.emit()

    def _no_answer(self) -> None:
        if not self._ready:
            log.warning("pinyin service did not say it was ready within %d ms", self._start_timeout_ms)
        else:
            log.warning("pinyin service did not answer %s within %d ms", list(self._pending.values()),
                        self._answer_timeout_ms)
        self._give_up(REASON_SILENT)

    def _child_finished(self, outcome: ChildOutcome) -> None:
        if outcome.stopped or self._reason:
            return  # the UI ended it, or it already said why it cannot serve
        if outcome.ok and not self._ready:
            self._give_up(REASON_START_FAILED.format("没有回答"), stop=False)
        elif outcome.ok:
            self._give_up(REASON_DIED.format("已结束"), stop=False)
        elif not self._ready:
            self._give_up(REASON_START_FAILED.format(outcome.describe()), stop=False)
        else:
            self._give_up(REASON_DIED.format(outcome.describe()), stop=False)

    def _give_up(self, reason: str, *, stop: bool = True) -> None:
        """Fall back to English: the reason for the clerk, the waiting letters into the field as typed."""
        self._timer.stop()
        waiting = self._letters + "".join(str(r["args"][0]) for r in self._queue if r["method"] == "type")
        self._ready = False
        self._queue.clear()
        self._pending.clear()
        self._reason = reason
        if stop and self._child.running:
            self._child.kill()
        self._clear_state()
        self.stateChanged.emit()
        if self._mode == MODE_CHINESE:
            self._set_mode(MODE_ENGLISH)
        self.statusChanged.emit()
        if waiting:
            self.committed.emit(waiting)

    # ------------------------------------------------------------ helpers

    def _composing(self) -> bool:
        """Letters wait, or will once the answers on their way arrive: fast taps must not act on the field
        while the engine still holds a letter typed before them."""
        return bool(self._letters) or any(method == "type" for method in self._pending.values()) or any(
            request["method"] == "type" for request in self._queue)

    def _clear_state(self) -> None:
        self._letters = self._preedit = ""
        self._candidates = []
        self._offset = 0
        self._more = False

    def _commit_plain(self, text: str) -> None:
        if text:
            self.committed.emit(text)

    def _set_mode(self, mode: str) -> None:
        if mode != self._mode:
            self._mode = mode
            self.modeChanged.emit()

    def _set_notice(self, notice: str) -> None:
        if notice != self._notice:
            self._notice = notice
            self.statusChanged.emit()


def register(ctx) -> PinyinInput:
    pinyin = PinyinInput(ctx.cfg, parent=ctx.engine)
    ctx.register_singleton("Pinyin", pinyin)
    return pinyin
