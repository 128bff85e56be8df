"""JSON lines over a child's pipes: the one encoding, the bounded line reader and the serve loop of the UI's
request/answer children (`ipkiosk data-service`, `ipkiosk pinyin-service`).

One request per line, one answer per line, in order. A line longer than the child's limit is skipped in
limit-sized pieces (memory stays bounded whatever the sender writes) and answered as a bad request, as is a
line that is not a JSON object; the child serves on.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import IO, Any


class LineTooLong(ValueError):
    """A line of the pipe exceeded the reader's limit (the over-long line has been skipped)."""


def encode_line(doc: dict[str, Any]) -> bytes:
    """One line of the pipe: DOC as compact JSON (UTF-8, not escaped) and a newline."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def decode_line(line: bytes) -> dict[str, Any]:
    """The JSON object on LINE; ValueError when it is not JSON or not an object."""
    doc = json.loads(line)
    if not isinstance(doc, dict):
        raise ValueError(f"expected a JSON object, got {type(doc).__name__}")
    return doc


def read_line(stream: IO[bytes], limit: int) -> bytes | None:
    """The next line of STREAM (without its newline), None at the end, or LineTooLong once LIMIT bytes
    were read without a newline. The rest of an over-long line is skipped in LIMIT-sized pieces."""
    line = stream.readline(limit + 1)
    if not line:
        return None
    if line.endswith(b"\n"):
        return line[:-1]
    if len(line) <= limit:
        return line  # the last line, without a newline
    while True:
        rest = stream.readline(limit)
        if not rest or rest.endswith(b"\n"):
            raise LineTooLong(f"a line longer than {limit} bytes")


def serve_lines(requests: IO[bytes], answers: IO[bytes], answer: Callable[[dict[str, Any]], dict[str, Any]],
                refuse: Callable[[str], dict[str, Any]], limit: int) -> None:
    """Answer request lines until REQUESTS ends (the UI closed the pipe or went away): ANSWER(request) for
    a JSON object, REFUSE(why) for an over-long line or one that is not a JSON object."""
    while True:
        try:
            line = read_line(requests, limit)
            if line is None:
                return
            request = decode_line(line)
        except ValueError as exc:  # LineTooLong, not JSON (or not UTF-8), not an object
            reply = refuse(str(exc))
        else:
            reply = answer(request)
        answers.write(encode_line(reply))
        answers.flush()
