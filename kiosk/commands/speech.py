"""`ipkiosk speak`: read-aloud (朗读) from the command line, and the child the UI speaks through.

    ipkiosk speak TEXT [--lang zh|en] --wav FILE   → write what the kiosk would say (staff check the voice; tests)
    ipkiosk speak TEXT [--lang zh|en]              → say it on the audio device
    ipkiosk speak --json --from-stdin              → the UI's child: ready ahead, one utterance, JSON lines

The UI's contract (docs/speech.md): one child per utterance. The UI starts ``ipkiosk speak --json --from-stdin``
before the visitor taps (when a page that can be read opens, and again after each utterance); the child finds
the engine, loads the Mandarin readings and says so, then waits for one request line on stdin::

    {"event": "ready", "engine": "espeak-ng 1.51"}
    ← {"text": "发明专利申请。费用……", "lang": "zh"}
    {"event": "started", "engine": "espeak-ng 1.51", "voice": "cmn-latn-pinyin", "first_audio_ms": 24.1}
    {"event": "finished", "seconds": 5.2}
    {"event": "failed", "reason": "no_audio_device", "message": "no audio device (ALSA 'default': …)"}

(exit status 0 after "finished", 1 after "failed", 2 for a bad request; the reasons are kiosk.speech.REASONS;
stdin closed without a request ends the child quietly). To stop — navigation, a second tap, the idle reset —
the UI kills the child: SIGTERM ends it at once and the sound stops within the card's 100 ms buffer, whatever
the engine is doing. The UI never waits on it. `ipkiosk speak TEXT --json` is the same without the waiting.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.commands import EXIT_ERROR, EXIT_USAGE, CliError
from kiosk.core.safe_text import for_terminal
from kiosk.speech import (
    BAD_REQUEST,
    DEFAULT_RATE_WPM,
    LANGS,
    MAX_RATE_WPM,
    MAX_TEXT_CHARS,
    MIN_RATE_WPM,
    SPEECH_OFF,
)

# One request line: the text (at most MAX_TEXT_CHARS characters, 3 bytes each in UTF-8, or 6 as \\u escapes).
MAX_REQUEST_BYTES = 6 * MAX_TEXT_CHARS + 256


def _event(doc: dict) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n")
    sys.stdout.flush()


class _Failed(Exception):
    """Speaking cannot go on: REASON, MESSAGE and the exit status, said as an event or as a CLI error."""

    def __init__(self, reason: str, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.reason, self.code = reason, code


def _read_request(default_lang: str) -> tuple[str, str] | None:
    """The one request line on stdin as (text, lang); None when stdin closes without one."""
    line = sys.stdin.buffer.readline(MAX_REQUEST_BYTES + 1)
    if not line:
        return None
    try:
        if len(line) > MAX_REQUEST_BYTES:
            raise ValueError(f"request longer than {MAX_REQUEST_BYTES} bytes")
        request = json.loads(line)
        if not isinstance(request, dict) or not isinstance(request.get("text"), str):
            raise ValueError('a request is {"text": "…", "lang": "zh"}')
    except ValueError as exc:  # not JSON, not UTF-8, not a request
        raise _Failed(BAD_REQUEST, f"bad request: {exc}", EXIT_USAGE) from None
    return request["text"], request.get("lang", default_lang)


def _speak(cfg, args) -> None:
    from kiosk.speech import SpeechError, speaker
    from kiosk.speech.espeak import find_engine

    def started(spoken: speaker.Spoken) -> None:
        if args.json:
            _event({"event": "started", "engine": spoken.engine, "voice": spoken.voice,
                    "first_audio_ms": round(spoken.first_audio_ms, 1)})

    lang = args.lang or ("en" if cfg.locale.startswith("en") else "zh")
    try:
        if not cfg.speech:
            raise _Failed(SPEECH_OFF, "read-aloud is off on this terminal (setting speech = false); "
                                      "nothing said or written")
        # A child started ahead loads everything first; one started for a text loads only what that text needs.
        engine = speaker.prepare() if args.from_stdin else find_engine()
        text = args.text
        if args.from_stdin:
            _event({"event": "ready", "engine": engine.name})
            request = _read_request(lang)
            if request is None:
                return
            text, lang = request
            if lang not in LANGS:
                raise _Failed(BAD_REQUEST, f"language {lang!r}, expected one of {', '.join(LANGS)}", EXIT_USAGE)
        if args.wav is not None:
            spoken = speaker.write_wav(text, lang, args.wav, volume=cfg.speech_volume, rate=args.rate,
                                       engine=engine, on_started=started)
        else:
            spoken = speaker.speak(text, lang, volume=cfg.speech_volume, rate=args.rate, engine=engine,
                                   on_started=started)
    except ValueError as exc:
        raise _Failed(BAD_REQUEST, str(exc), EXIT_USAGE) from None
    except SpeechError as exc:
        raise _Failed(exc.reason, str(exc)) from None
    if args.json:
        _event({"event": "finished", "seconds": round(spoken.seconds, 2)})
    elif args.wav is not None:
        print(for_terminal(f"speak: wrote {args.wav} ({spoken.seconds:.1f} s, {spoken.engine} voice {spoken.voice}, "
                           f"volume {cfg.speech_volume})"))


def cmd_speak(cfg, args) -> int:
    if (args.text is None) == (not args.from_stdin):
        raise CliError("speak: give TEXT or --from-stdin (one of them)", EXIT_USAGE)
    if args.wav is not None and not args.wav.parent.is_dir():
        raise CliError(f"speak: --wav {args.wav}: no such directory {args.wav.parent}", EXIT_USAGE)
    try:
        _speak(cfg, args)
    except _Failed as exc:
        if not args.json:
            raise CliError(f"speak: {exc}", exc.code) from None
        _event({"event": "failed", "reason": exc.reason, "message": str(exc)})
        return exc.code
    return 0


def _rate(value: str) -> int:
    try:
        rate = int(value)
    except ValueError:
        rate = 0
    if not MIN_RATE_WPM <= rate <= MAX_RATE_WPM:
        raise argparse.ArgumentTypeError(f"{value!r}: expected {MIN_RATE_WPM} to {MAX_RATE_WPM} words per minute")
    return rate


def register(sub, common) -> None:
    p = sub.add_parser("speak", help="read a text aloud as the kiosk's 朗读 button does, or write it to a WAV file",
                       parents=[common])
    p.add_argument("text", nargs="?", help=f"what to say (at most {MAX_TEXT_CHARS} characters)")
    p.add_argument("--lang", choices=LANGS,
                   help="zh: the Mandarin voice, en: the English voice (default: the locale setting's language)")
    p.add_argument("--wav", type=Path, metavar="FILE", help="write the speech to this WAV file instead of playing it")
    p.add_argument("--rate", type=_rate, default=DEFAULT_RATE_WPM, metavar="WPM",
                   help=f"speaking rate, words per minute ({MIN_RATE_WPM}–{MAX_RATE_WPM}, default {DEFAULT_RATE_WPM})")
    p.add_argument("--json", action="store_true",
                   help="say what happens as JSON lines: started, then finished or failed with a reason code")
    p.add_argument("--from-stdin", action="store_true",
                   help='get ready, say {"event": "ready"}, then take the one utterance from stdin as '
                        '{"text": …, "lang": …} (how the UI starts the child ahead of the tap)')
    p.set_defaults(func=cmd_speak)
