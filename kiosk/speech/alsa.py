"""The audio device, through ALSA's library (libasound2, LGPL-2.1, loaded with ctypes in the speaking child).

ALSA is what every Linux sound path ends in: its "default" device is the sound card itself (through dmix, so
other programs may play too) or, where a sound server runs, the server through ALSA's plugin. Opening is
non-blocking, so a card held by another program is a prompt AUDIO_DEVICE_BUSY, never a wait; no card is a
prompt NO_AUDIO_DEVICE (本机没有音箱). Writes block until the card has room: this runs in its own process.
"""

from __future__ import annotations

import ctypes
import errno
from types import TracebackType

from kiosk.speech import AUDIO_DEVICE_BUSY, AUDIO_FAILED, NO_AUDIO_DEVICE, AudioUnavailable

LIBRARY_NAME = "libasound.so.2"
DEFAULT_DEVICE = "default"
# The card's buffer: a stop (the child killed) cuts the sound at most this long after the kill.
LATENCY_US = 100_000

_STREAM_PLAYBACK = 0
_OPEN_NONBLOCK = 1
_FORMAT_S16_LE = 2
_ACCESS_RW_INTERLEAVED = 3

# alsa-lib prints its own diagnostics ("ALSA lib confmisc.c:855: cannot find card '0'") on stderr for every failed
# open; the exception below says the same in one line. Its handler is variadic in C; the fixed arguments are
# all this no-op reads.
_ErrorHandler = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p)
_quiet_handler = _ErrorHandler(lambda *_args: None)


def _load(name: str) -> ctypes.CDLL:
    try:
        lib = ctypes.CDLL(name)
    except OSError as exc:
        raise AudioUnavailable(f"ALSA's library is not installed ({exc}; apt-get install libasound2)",
                               AUDIO_FAILED) from None
    lib.snd_strerror.restype = ctypes.c_char_p
    lib.snd_strerror.argtypes = [ctypes.c_int]
    lib.snd_pcm_open.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p, ctypes.c_int, ctypes.c_int]
    lib.snd_pcm_nonblock.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.snd_pcm_set_params.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
                                       ctypes.c_int, ctypes.c_uint]
    lib.snd_pcm_writei.restype = ctypes.c_long
    lib.snd_pcm_writei.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_ulong]
    lib.snd_pcm_recover.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
    for name_ in ("snd_pcm_drain", "snd_pcm_drop", "snd_pcm_close"):
        getattr(lib, name_).argtypes = [ctypes.c_void_p]
    lib.snd_lib_error_set_handler.argtypes = [_ErrorHandler]
    lib.snd_lib_error_set_handler(_quiet_handler)
    return lib


class AlsaOutput:
    """An open playback device for 16-bit PCM at RATE Hz with CHANNELS channels; AudioUnavailable if it cannot be.

    ``with AlsaOutput(22050, 1) as out: out.write(pcm); out.drain()``
    """

    def __init__(self, rate: int, channels: int, device: str = DEFAULT_DEVICE, library: str = LIBRARY_NAME):
        self.device = device
        self._lib = _load(library)
        self._pcm = ctypes.c_void_p()
        self._frame_bytes = 2 * channels
        err = self._lib.snd_pcm_open(ctypes.byref(self._pcm), device.encode(), _STREAM_PLAYBACK, _OPEN_NONBLOCK)
        if err < 0:
            if err == -errno.EBUSY:
                raise AudioUnavailable(f"audio device {device!r} is in use by another program", AUDIO_DEVICE_BUSY)
            raise AudioUnavailable(f"no audio device (ALSA {device!r}: {self._strerror(err)})", NO_AUDIO_DEVICE)
        try:
            self._check(self._lib.snd_pcm_nonblock(self._pcm, 0), "blocking mode")  # writes wait for room from here
            self._check(self._lib.snd_pcm_set_params(self._pcm, _FORMAT_S16_LE, _ACCESS_RW_INTERLEAVED, channels,
                                                     rate, 1, LATENCY_US), f"{rate} Hz × {channels} 16-bit")
        except AudioUnavailable:
            self.close()
            raise

    def _strerror(self, err: int) -> str:
        message: bytes = self._lib.snd_strerror(err)
        return message.decode("utf-8", "replace")

    def _check(self, err: int, what: str) -> None:
        if err < 0:
            raise AudioUnavailable(f"audio device {self.device!r}: {what}: {self._strerror(err)}", AUDIO_FAILED)

    def write(self, pcm: bytes) -> None:
        """Play PCM (whole frames), waiting while the card's buffer is full; an underrun is recovered from."""
        view = memoryview(pcm)
        while view:
            frames = len(view) // self._frame_bytes
            written = self._lib.snd_pcm_writei(self._pcm, bytes(view[: frames * self._frame_bytes]), frames)
            if written < 0:
                self._check(self._lib.snd_pcm_recover(self._pcm, written, 1), "playing")
                continue
            view = view[written * self._frame_bytes:]

    def drain(self) -> None:
        """Wait until everything written has been heard."""
        self._check(self._lib.snd_pcm_drain(self._pcm), "draining")

    def close(self) -> None:
        if self._pcm.value:
            self._lib.snd_pcm_close(self._pcm)
            self._pcm = ctypes.c_void_p()

    def __enter__(self) -> AlsaOutput:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
