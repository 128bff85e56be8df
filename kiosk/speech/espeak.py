"""espeak-ng, the speech engine: a separate program (GPL-3, Debian package espeak-ng) that this module runs
and reads PCM from. It is never linked into the kiosk: the bundle stays LGPL-clean (docs/speech.md).

Voices: Mandarin is espeak-ng's ``cmn-latn-pinyin``, not the plain ``cmn``: in espeak-ng 1.51 (Debian 12) the
plain voice reads every character whose dictionary entry is pinyin with a tone digit as English letters and an
English number (费 "fei4" as "fay four"); ``cmn-latn-pinyin`` reads those entries as Mandarin syllables.
The price: Latin letters inside Chinese text are read as pinyin too. Chinese text reaches the voice as pinyin
with tone digits, each character's reading chosen by its word (kiosk/speech/mandarin.py).
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from kiosk.speech import (
    ENGINE_FAILED,
    LANGS,
    MAX_RATE_WPM,
    MAX_TEXT_CHARS,
    MIN_RATE_WPM,
    SpeechError,
    SpeechUnavailable,
    mandarin,
)

PROGRAM = "espeak-ng"
DEBIAN_PACKAGE = "espeak-ng"
INSTALL = f"apt-get install {DEBIAN_PACKAGE}"
# The voice for each language, and the voice's file under the engine's data dir (checked before speaking).
VOICES = {"zh": "cmn-latn-pinyin", "en": "en-us"}
VOICE_FILES = {"zh": ("lang/sit/cmn-Latn-pinyin", "cmn_dict"), "en": ("lang/gmw/en-US", "en_dict")}
VERSION_TIMEOUT_S = 10.0
# How much PCM one read takes from the engine: about 90 ms at its 22 050 Hz, 16-bit mono.
CHUNK_BYTES = 4096
WAV_HEADER_BYTES = 44
# Controls (but line breaks) become spaces: the engine reads plain text, nothing in it is markup.
_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Engine:
    """An installed espeak-ng: the program's path, its version and its data dir."""

    program: str
    version: str
    data_dir: Path

    @property
    def name(self) -> str:
        return f"espeak-ng {self.version}"


def find_engine(program: str | None = None) -> Engine:
    """The installed engine (PROGRAM defaults to espeak-ng on PATH) with a voice for every language in LANGS;
    SpeechUnavailable naming what is missing and the apt line otherwise."""
    path = shutil.which(program or PROGRAM)
    if path is None:
        raise SpeechUnavailable(f"{program or PROGRAM} is not installed (read-aloud needs it: {INSTALL})")
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=VERSION_TIMEOUT_S,
                             check=True).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise SpeechUnavailable(f"{path} does not run ({exc}); reinstall it: {INSTALL}") from None
    # "eSpeak NG text-to-speech: 1.51  Data at: /usr/lib/x86_64-linux-gnu/espeak-ng-data"
    match = re.search(r"text-to-speech:\s*(\S+)\s+Data at:\s*(.+)", out)
    if match is None:
        raise SpeechUnavailable(f"{path} --version said {out.strip()!r}, not espeak-ng's banner ({INSTALL})")
    engine = Engine(path, match.group(1), Path(match.group(2).strip()))
    missing = [name for lang in LANGS for name in VOICE_FILES[lang] if not (engine.data_dir / name).exists()]
    if missing:
        raise SpeechUnavailable(f"{engine.name} lacks voice data in {engine.data_dir}: {', '.join(missing)} "
                                f"(reinstall: {INSTALL} espeak-ng-data)")
    return engine


def clean_text(text: str) -> str:
    """TEXT as the engine is given it: controls as spaces, surrounding blanks trimmed; ValueError when nothing
    is left to say or it is longer than MAX_TEXT_CHARS."""
    cleaned = _CONTROLS.sub(" ", text).strip()
    if not cleaned:
        raise ValueError("nothing to say: the text is empty")
    if len(cleaned) > MAX_TEXT_CHARS:
        raise ValueError(f"text of {len(cleaned)} characters, at most {MAX_TEXT_CHARS} are read aloud at once")
    return cleaned


@dataclass(frozen=True)
class Format:
    """The PCM the engine writes: signed 16-bit little-endian, interleaved."""

    rate: int
    channels: int

    @property
    def bytes_per_second(self) -> int:
        return self.rate * self.channels * 2


class Synthesis:
    """One utterance in the making: an espeak-ng process, its sound read as it comes (:meth:`chunks`).

    ``with Synthesis(engine, "业务办理请到二号窗口", "zh", volume=80, rate=150) as s: for pcm in s.chunks(): ...``
    Leaving the block ends the process, finished or not.
    """

    def __init__(self, engine: Engine, text: str, lang: str, *, volume: int, rate: int):
        if lang not in LANGS:
            raise ValueError(f"language {lang!r}, expected one of {', '.join(LANGS)}")
        if not 0 <= volume <= 100:
            raise ValueError(f"volume {volume}, expected 0 to 100")
        if not MIN_RATE_WPM <= rate <= MAX_RATE_WPM:
            raise ValueError(f"rate {rate} words per minute, expected {MIN_RATE_WPM} to {MAX_RATE_WPM}")
        text = clean_text(text)
        if lang == "zh":
            text = mandarin.readings(text)
        self.voice = VOICES[lang]
        # Volume 100 is espeak-ng's amplitude 100, its default and full undistorted level (above it the engine
        # compresses the peaks); the text goes in on stdin, so nothing in it can be taken for an option.
        argv = [engine.program, "-v", self.voice, "-a", str(volume), "-s", str(rate), "--stdout", "--stdin"]
        self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
        assert self.process.stdin is not None and self.process.stdout is not None
        self._stdout = self.process.stdout
        # At most MAX_TEXT_CHARS × 8 bytes (a pinyin syllable and a space a character): within the pipe's 64 KiB
        # buffer, so this write does not wait for the engine.
        self.process.stdin.write(text.encode("utf-8"))
        self.process.stdin.close()
        self.format = self._read_header()

    def _read_exactly(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = os.read(self._stdout.fileno(), size - len(data))
            if not chunk:
                break
            data += chunk
        return data

    def _failure(self, what: str) -> SpeechError:
        self.process.kill()
        self.process.wait()
        assert self.process.stderr is not None
        said = self.process.stderr.read().decode("utf-8", "replace").strip()
        return SpeechError(f"espeak-ng {what} (exit status {self.process.returncode}"
                           f"{': ' + said if said else ''})", ENGINE_FAILED)

    def _read_header(self) -> Format:
        # espeak-ng streams a WAV: a 44-byte header (its sizes left at their maximum), then PCM as synthesized.
        header = self._read_exactly(WAV_HEADER_BYTES)
        if len(header) < WAV_HEADER_BYTES or header[:4] != b"RIFF" or header[8:16] != b"WAVEfmt ":
            raise self._failure("wrote no sound")
        audio_format, channels, rate = struct.unpack_from("<HHI", header, 20)
        (bits,) = struct.unpack_from("<H", header, 34)
        if audio_format != 1 or bits != 16:
            raise self._failure(f"wrote PCM format {audio_format} with {bits} bits, expected 16-bit PCM")
        return Format(rate, channels)

    def chunks(self) -> Iterator[bytes]:
        """The sound, in pieces of whole samples as the engine makes them; SpeechError if the engine fails."""
        frame = 2 * self.format.channels
        rest = b""
        while True:
            chunk = os.read(self._stdout.fileno(), CHUNK_BYTES)
            if not chunk:
                break
            chunk = rest + chunk
            whole = len(chunk) - len(chunk) % frame
            rest = chunk[whole:]
            if whole:
                yield chunk[:whole]
        if self.process.wait() != 0:
            raise self._failure("failed")

    def close(self) -> None:
        """End the engine if it still runs (a stop), and release its pipes."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> Synthesis:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
