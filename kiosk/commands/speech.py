"""`ipkiosk speak`: read-aloud (朗读) from the command line, and the child the UI speaks through.

    ipkiosk speak TEXT [--lang zh|en] --wav FILE   → write what the kiosk would say (staff check the voice; tests)
    ipkiosk speak TEXT [--lang zh|en]              → say it on the audio device
    ipkiosk speak TEXT --lang zh --json            → the same, telling the UI what happens as JSON lines

The UI's contract (docs/speech.md): one child per utterance, started as ``ipkiosk speak TEXT --lang LANG --json``;
its stdout says, one JSON object a line::

    {"event": "started", "engine": "espeak-ng 1.51", "voice": "cmn-latn-pinyin", "first_audio_ms": 24.1}
    {"event": "finished", "seconds": 5.2}
    {"event": "failed", "reason": "no_audio_device", "message": "audio device 'default': No such file or directory"}

(exit status 0 after "finished", 1 after "failed"; the reasons are kiosk.speech.REASONS). To stop — navigation,
a second tap, the idle reset — the UI kills the child: SIGTERM ends it at once and the sound stops within the
card's 100 ms buffer, whatever the engine is doing. The UI never waits on it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.commands import EXIT_ERROR, EXIT_USAGE, CliError
from kiosk.core.safe_text import for_terminal
from kiosk.speech import DEFAULT_RATE_WPM, LANGS, MAX_RATE_WPM, MAX_TEXT_CHARS, MIN_RATE_WPM, SPEECH_OFF


def _event(doc: dict) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def cmd_speak(cfg, args) -> int:
    from kiosk.speech import SpeechError, speaker

    lang = args.lang or ("en" if cfg.locale.startswith("en") else "zh")
    if not cfg.speech:
        message = "read-aloud is off on this terminal (setting speech = false)"
        if args.json:
            _event({"event": "failed", "reason": SPEECH_OFF, "message": message})
            return EXIT_ERROR
        raise CliError(f"speak: {message}; nothing said or written")
    if args.wav is not None and not args.wav.parent.is_dir():
        raise CliError(f"speak: --wav {args.wav}: no such directory {args.wav.parent}", EXIT_USAGE)

    def started(spoken: speaker.Spoken) -> None:
        if args.json:
            _event({"event": "started", "engine": spoken.engine, "voice": spoken.voice,
                    "first_audio_ms": round(spoken.first_audio_ms, 1)})

    try:
        if args.wav is not None:
            spoken = speaker.write_wav(args.text, lang, args.wav, volume=cfg.speech_volume, rate=args.rate,
                                       on_started=started)
        else:
            spoken = speaker.speak(args.text, lang, volume=cfg.speech_volume, rate=args.rate, on_started=started)
    except ValueError as exc:
        raise CliError(f"speak: {exc}", EXIT_USAGE) from None
    except SpeechError as exc:
        if args.json:
            _event({"event": "failed", "reason": exc.reason, "message": str(exc)})
            return EXIT_ERROR
        raise CliError(f"speak: {exc}") from None
    if args.json:
        _event({"event": "finished", "seconds": round(spoken.seconds, 2)})
    elif args.wav is not None:
        print(for_terminal(f"speak: wrote {args.wav} ({spoken.seconds:.1f} s, {spoken.engine} voice {spoken.voice}, "
                           f"volume {cfg.speech_volume})"))
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
    p.add_argument("text", help=f"what to say (at most {MAX_TEXT_CHARS} characters)")
    p.add_argument("--lang", choices=LANGS,
                   help="zh: the Mandarin voice, en: the English voice (default: the locale setting's language)")
    p.add_argument("--wav", type=Path, metavar="FILE", help="write the speech to this WAV file instead of playing it")
    p.add_argument("--rate", type=_rate, default=DEFAULT_RATE_WPM, metavar="WPM",
                   help=f"speaking rate, words per minute ({MIN_RATE_WPM}–{MAX_RATE_WPM}, default {DEFAULT_RATE_WPM})")
    p.add_argument("--json", action="store_true",
                   help="say what happens as JSON lines: started, then finished or failed with a reason code")
    p.set_defaults(func=cmd_speak)
