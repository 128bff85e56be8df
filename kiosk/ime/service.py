"""The pinyin service: `ipkiosk pinyin-service`, the child process the kiosk keyboard types Chinese through.

librime runs here and never in the UI process: a fault in the engine ends at most this process (the
keyboard falls back to 英文/数字 and starts a new child), and its memory (librime and its dictionaries, about 16 MB,
docs/benchmarks.md "Chinese input") stays out of the visitor-facing UI.

Protocol: one JSON document per line on stdin and stdout, one answer per request, in order.
The child first says whether the engine runs::

    {"ready": true, "engine": "librime 1.8.5", "schema": "luna_pinyin_simp", "deployed_now": false, "start_ms": 14.2}
    {"ready": false, "error": {"type": "ImeUnavailable", "message": "librime1 is not installed (…)"}}

(after ``"ready": false`` it exits with status 1). Then::

    request   {"id": 3, "method": "type", "args": ["qingliangjie"]}
    answer    {"id": 3, "result": {"input": "qingliangjie", "preedit": "qing liang jie",
                                    "candidates": ["请谅解", "轻量级", …], "offset": 0, "more": true, "commit": ""}}
    failure   {"id": 3, "error": {"type": "ValueError", "message": "pinyin input takes letters a-z …"}}

Methods (kiosk.ime.rime.RimeEngine's; each answers the keyboard's state as above, COMMIT being the text
to insert into the field): ``type(letters)``, ``backspace()``, ``select(index)`` (counted from the best
candidate, across pages), ``page(offset)``, ``punctuate(mark)`` (one of ，。：；？！、“”（）, or a hardware
keyboard's ASCII key for one), ``enter()`` (commit the letters as typed), ``reset()``; and
``candidates(letters, limit)``, which answers a plain list (what `ipkiosk pinyin` prints). Error types:
ValueError (bad letters, index or limit), LookupError (no such candidate), BadRequest (not a request),
InternalError (a fault of this code, logged with its traceback).
The child ends when stdin closes.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import IO

from kiosk.core import config as config_mod
from kiosk.core.json_lines import encode_line, serve_lines
from kiosk.ime.rime import LOG_LEVEL_ERROR, ImeUnavailable, RimeEngine, State

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# Requests are a method name and a few letters; a longer line is refused unread.
MAX_LINE_BYTES = 4096
USER_DIR_NAME = "rime"

METHODS = ("type", "backspace", "select", "page", "punctuate", "enter", "reset", "candidates")


class BadRequest(ValueError):
    """A JSON object that is not a request: no known method, wrong arguments."""


def user_dir(cfg: config_mod.Config) -> Path:
    """The engine's user data dir: its compiled schema and the station's user dictionary."""
    return cfg.data_path / USER_DIR_NAME


def open_engine(cfg: config_mod.Config, *, full_check: bool = False, log_level: int = LOG_LEVEL_ERROR) -> RimeEngine:
    """The kiosk's engine on CFG's data dir (deployed first when needed); ImeUnavailable when it cannot run."""
    return RimeEngine(user_dir(cfg), log_dir=cfg.logs_path, log_level=log_level, full_check=full_check)


def answer(engine: RimeEngine, request: dict) -> dict:
    """The answer document to one REQUEST."""
    request_id = request.get("id")
    try:
        method, args = request.get("method"), request.get("args", [])
        if method not in METHODS:
            raise BadRequest(f"unknown method {method!r} (one of {', '.join(METHODS)})")
        if not isinstance(args, list):
            raise BadRequest("args is a list")
        try:
            result = getattr(engine, method)(*args)
        except (TypeError, AttributeError) as exc:  # wrong number or kind of arguments
            raise BadRequest(f"{method}: {exc}") from None
    except (ValueError, LookupError) as exc:
        return {"id": request_id, "error": {"type": type(exc).__name__, "message": str(exc)}}
    except Exception as exc:  # a fault of ours: said to the keyboard, the traceback to the log, the child serves on
        log.exception("pinyin service: %s failed", request.get("method"))
        return {"id": request_id, "error": {"type": "InternalError", "message": f"{type(exc).__name__}: {exc}"}}
    return {"id": request_id, "result": result.as_dict() if isinstance(result, State) else result}


def _write(answers: IO[bytes], doc: dict) -> None:
    answers.write(encode_line(doc))
    answers.flush()


def serve(engine: RimeEngine, requests: IO[bytes], answers: IO[bytes]) -> None:
    """Answer request lines until REQUESTS ends (the keyboard closed the pipe or went away)."""
    serve_lines(requests, answers, lambda request: answer(engine, request),
                lambda why: {"id": None, "error": {"type": "BadRequest", "message": why}}, MAX_LINE_BYTES)


def main(cfg: config_mod.Config) -> int:
    """`ipkiosk pinyin-service`: start the engine, say whether it is ready, then serve stdin → stdout."""
    answers = sys.stdout.buffer
    # stdout carries answers only: anything else printed in this process (librime's log too) goes to stderr.
    sys.stdout = sys.stderr
    started = time.monotonic()
    try:
        engine = open_engine(cfg)
    except ImeUnavailable as exc:
        log.warning("pinyin service: %s", exc)
        _write(answers, {"ready": False, "error": {"type": "ImeUnavailable", "message": str(exc)}})
        return 1
    with engine:
        _write(answers, {"ready": True, "engine": f"librime {engine.version}", "schema": engine.schema,
                         "deployed_now": engine.deployed_now,
                         "start_ms": round((time.monotonic() - started) * 1000, 1)})
        serve(engine, sys.stdin.buffer, answers)
    return 0
