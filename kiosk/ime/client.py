"""A blocking client of `ipkiosk pinyin-service` (kiosk/ime/service.py has the protocol) for tools and tests.

    with PinyinChild(cfg) as child:
        child.call("type", "qingliangjie")["candidates"][0]   → "请谅解"

It starts the real child process and waits for each answer (at most TIMEOUT_S: a hung engine is an
error, not a hang). The kiosk UI does not use it: its keyboard talks to the same child through the
UI's asynchronous child-process handling, so the GUI thread never waits on it.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import subprocess
import time

from kiosk.core import config as config_mod
from kiosk.core.self_command import self_command

START_TIMEOUT_S = 60.0  # a first start deploys the schema (under a second here, more on a slow terminal)
CALL_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0


class PinyinServiceError(RuntimeError):
    """The child did not start, died, answered nothing in time, or answered an error (TYPE names it)."""

    def __init__(self, message: str, error_type: str = "ChildFailed"):
        super().__init__(message)
        self.type = error_type


class PinyinChild:
    """`ipkiosk pinyin-service` for CFG, started at construction; READY is its first line (see the protocol)."""

    def __init__(self, cfg: config_mod.Config, timeout_s: float = START_TIMEOUT_S):
        program, args = self_command(cfg, "pinyin-service")
        self.process = subprocess.Popen([program, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.process.stdin is not None and self.process.stdout is not None  # both are pipes
        self._requests, self._answers = self.process.stdin, self.process.stdout
        self._buffer = b""
        self._next_id = 0
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._answers, selectors.EVENT_READ)
        self.ready = json.loads(self._read_line(timeout_s))
        if not self.ready.get("ready"):
            error = self.ready.get("error", {})
            self.close()
            raise PinyinServiceError(error.get("message", "the pinyin service did not start"),
                                     error.get("type", "ChildFailed"))

    def call(self, method: str, *args, timeout_s: float = CALL_TIMEOUT_S):
        """The result of METHOD(*ARGS) in the child; PinyinServiceError for an error answer or no answer."""
        self._next_id += 1
        request = {"id": self._next_id, "method": method, "args": list(args)}
        try:
            self._requests.write((json.dumps(request, ensure_ascii=False) + "\n").encode())
            self._requests.flush()
        except OSError as exc:
            raise PinyinServiceError(f"the pinyin service is gone: {exc}") from None
        reply = json.loads(self._read_line(timeout_s))
        if reply.get("id") != self._next_id:
            raise PinyinServiceError(f"answer {reply.get('id')} to request {self._next_id}")
        if "error" in reply:
            raise PinyinServiceError(reply["error"]["message"], reply["error"]["type"])
        return reply["result"]

    def _read_line(self, timeout_s: float) -> bytes:
        deadline = time.monotonic() + timeout_s
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._selector.select(remaining):
                raise PinyinServiceError(f"the pinyin service did not answer in {timeout_s:g} s")
            chunk = os.read(self._answers.fileno(), 65536)
            if not chunk:
                raise PinyinServiceError(f"the pinyin service ended (exit status {self.process.wait()})")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def close(self) -> None:
        """Close its stdin (the child ends on that) and wait for it; kill it if it does not end."""
        self._selector.close()
        if not self._requests.closed:
            with contextlib.suppress(OSError):
                self._requests.close()
        try:
            self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._answers.close()

    def __enter__(self) -> PinyinChild:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
