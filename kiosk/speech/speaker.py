"""Saying a text: aloud on the audio device (:func:`speak`) or into a WAV file (:func:`write_wav`).

Both start espeak-ng for the one utterance and pass its sound on as it comes, so the first sound is out
within milliseconds of the request however long the text (docs/benchmarks.md "Read-aloud").
"""

from __future__ import annotations

import os
import tempfile
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.speech import DEFAULT_RATE_WPM, mandarin
from kiosk.speech.alsa import DEFAULT_DEVICE, AlsaOutput
from kiosk.speech.espeak import Engine, Format, Synthesis, find_engine


@dataclass(frozen=True)
class Spoken:
    """What one utterance came to: its voice, its length and how soon its first sound was ready."""

    engine: str
    voice: str
    seconds: float  # of sound
    first_audio_ms: float  # from the request to the first sound handed to the device or the file


def prepare() -> Engine:
    """Find the engine and load the Mandarin readings now, so that the next utterance starts without waiting
    for either (a child started ahead of the visitor's tap calls this); SpeechUnavailable without an engine."""
    engine = find_engine()
    mandarin.readings("朗读")
    return engine


def _pcm_seconds(size: int, fmt: Format) -> float:
    return size / fmt.bytes_per_second


def speak(text: str, lang: str, *, volume: int, rate: int = DEFAULT_RATE_WPM, device: str = DEFAULT_DEVICE,
          engine: Engine | None = None, on_started: Callable[[Spoken], None] | None = None) -> Spoken:
    """Say TEXT in LANG on the audio device and return when it has been heard.

    ON_STARTED is called once the first sound is on the device. The device is opened as soon as the engine has
    said its sound format (milliseconds), so no device is an AudioUnavailable at once. To stop, end the process (the device stops within
    kiosk.speech.alsa.LATENCY_US); ValueError for a bad text, language, volume or rate."""
    started = time.monotonic()
    engine = engine or find_engine()
    with Synthesis(engine, text, lang, volume=volume, rate=rate) as synthesis, \
            AlsaOutput(synthesis.format.rate, synthesis.format.channels, device) as output:
        size = 0
        first_ms = 0.0
        for pcm in synthesis.chunks():
            output.write(pcm)
            if not size:
                first_ms = (time.monotonic() - started) * 1000
                if on_started is not None:
                    on_started(Spoken(engine.name, synthesis.voice, 0.0, first_ms))
            size += len(pcm)
        output.drain()
        return Spoken(engine.name, synthesis.voice, _pcm_seconds(size, synthesis.format), first_ms)


def write_wav(text: str, lang: str, path: Path, *, volume: int, rate: int = DEFAULT_RATE_WPM,
              engine: Engine | None = None, on_started: Callable[[Spoken], None] | None = None) -> Spoken:
    """Write what :func:`speak` would say to the WAV file PATH (replaced whole: a failure leaves no half file)."""
    started = time.monotonic()
    engine = engine or find_engine()
    with Synthesis(engine, text, lang, volume=volume, rate=rate) as synthesis:
        fd, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as raw, wave.open(raw, "wb") as wav:
                wav.setnchannels(synthesis.format.channels)
                wav.setsampwidth(2)
                wav.setframerate(synthesis.format.rate)
                size = 0
                first_ms = 0.0
                for pcm in synthesis.chunks():
                    wav.writeframes(pcm)
                    if not size:
                        first_ms = (time.monotonic() - started) * 1000
                        if on_started is not None:
                            on_started(Spoken(engine.name, synthesis.voice, 0.0, first_ms))
                    size += len(pcm)
            os.replace(partial, path)
        except BaseException:
            os.unlink(partial)
            raise
    return Spoken(engine.name, synthesis.voice, _pcm_seconds(size, synthesis.format), first_ms)
