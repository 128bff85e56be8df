"""Read-aloud (朗读): text → Mandarin or English speech, offline. Qt-free: speaking never runs in the UI process.

The engine is espeak-ng, a separate program from its Debian package (kiosk/speech/espeak.py; why this engine:
docs/speech.md); the sound goes to the audio device through ALSA (kiosk/speech/alsa.py) or into a WAV file
(kiosk/speech/speaker.py). The UI speaks through one `ipkiosk speak --json --from-stdin` child per utterance,
started ahead of the tap, and kills it to stop (kiosk/commands/speech.py has the child's contract).

Everything here that fails says why in a reason code the UI words for the visitor (:data:`REASONS`).
The constants below are what the engine and the command line share; they live here so `ipkiosk --help`
and `ipkiosk run` (which build the whole parser) load none of the engine's code.
"""

from __future__ import annotations

# The languages read aloud: Chinese pages in Mandarin, English pages in English.
LANGS = ("zh", "en")
# The longest text one utterance takes: a detail page's title and key facts are a few hundred characters.
MAX_TEXT_CHARS = 4000
# Speaking rate in words per minute (espeak-ng's unit; for Mandarin about syllables per minute). espeak-ng's own
# default is 175; the kiosk speaks a little slower for its older visitors.
DEFAULT_RATE_WPM = 150
MIN_RATE_WPM = 80
MAX_RATE_WPM = 450

# Why speaking failed, as a code the UI turns into a visitor's sentence (the message is for the log).
ENGINE_MISSING = "engine_missing"  # espeak-ng or one of its voices is not installed
ENGINE_FAILED = "engine_failed"  # espeak-ng ran and failed
NO_AUDIO_DEVICE = "no_audio_device"  # 本机没有音箱: no sound card, or none ALSA can open
AUDIO_DEVICE_BUSY = "audio_device_busy"  # another program holds the sound card
AUDIO_FAILED = "audio_failed"  # the sound card refused the sound or failed while playing
SPEECH_OFF = "speech_off"  # the station turned read-aloud off (setting speech = false)
BAD_REQUEST = "bad_request"  # no text, too long, an unknown language: a fault of the caller
REASONS = (ENGINE_MISSING, ENGINE_FAILED, NO_AUDIO_DEVICE, AUDIO_DEVICE_BUSY, AUDIO_FAILED, SPEECH_OFF, BAD_REQUEST)


class SpeechError(RuntimeError):
    """Speaking failed; REASON is one of :data:`REASONS`."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


class SpeechUnavailable(SpeechError):
    """No speech engine: espeak-ng or the voice for a language is not installed (the message has the apt line)."""

    def __init__(self, message: str, reason: str = ENGINE_MISSING):
        super().__init__(message, reason)


class AudioUnavailable(SpeechError):
    """The audio device cannot play: none there (NO_AUDIO_DEVICE), held by another program, or failing."""
