"""kiosk.speech in this process: the Mandarin readings, the espeak-ng process of one utterance, the ALSA device.

All real: espeak-ng runs, ALSA answers for devices that do not exist (no fake sound card is needed for that).
"""

from __future__ import annotations

import subprocess

import pytest

from kiosk.speech import (
    AUDIO_FAILED,
    MAX_TEXT_CHARS,
    NO_AUDIO_DEVICE,
    AudioUnavailable,
    SpeechUnavailable,
    alsa,
    espeak,
    mandarin,
)


def phonemes(text: str, lang: str = "zh") -> str:
    """What the kiosk's voice for LANG says for TEXT, as espeak-ng's phoneme mnemonics."""
    engine = espeak.find_engine()
    said = mandarin.readings(text) if lang == "zh" else text
    return subprocess.run([engine.program, "-v", espeak.VOICES[lang], "-q", "-x", said],
                          capture_output=True, text=True, timeout=10, check=True).stdout


def test_readings_follow_the_word_for_characters_with_several():
    assert mandarin.readings("银行重新办理") == "yin2 hang2 chong2 xin1 ban4 li3"
    assert mandarin.readings("行政，重要。") == "xing2 zheng4 ， zhong4 yao4 。"
    assert mandarin.readings("第3号窗口PCT") == "di4 3 hao4 chuang1 kou3 PCT"


def test_the_mandarin_voice_says_the_chosen_readings():
    said = phonemes("银行")
    assert "X'a35N" in said and "S;'i35N" not in said  # hang2, not xing2
    # espeak-ng 1.51's plain `cmn` voice reads 费 as the English "fay four"; the kiosk's voice reads Mandarin.
    assert "(en)" not in phonemes("费用为零元") and "f'ei51" in phonemes("费用为零元")


def test_english_text_gets_the_english_voice():
    # "application" as English says it; the Mandarin voice would read the letters as pinyin syllables.
    assert "aplI2k'eIS@n" in phonemes("Patent application", "en")
    assert "aplI2k'eIS@n" not in phonemes("Patent application", "zh")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"lang": "fr"}, "language 'fr'"),
    ({"volume": 101}, "volume 101"),
    ({"rate": 10}, "rate 10"),
    ({"text": "\x1b\x07 \n"}, "nothing to say"),
    ({"text": "字" * (MAX_TEXT_CHARS + 1)}, f"at most {MAX_TEXT_CHARS}"),
])
def test_a_bad_request_starts_no_engine(kwargs, message):
    args = {"text": "你好", "lang": "zh", "volume": 80, "rate": 150} | kwargs
    with pytest.raises(ValueError, match=message):
        espeak.Synthesis(espeak.find_engine(), args.pop("text"), args.pop("lang"), **args)


def test_controls_are_read_as_spaces():
    assert espeak.clean_text(" 专利\x1b[31m申请\u202e\n") == "专利 [31m申请"


def test_closing_an_utterance_midway_ends_the_engine():
    # The engine fills the pipe and waits: closing the synthesis (a stop) must end it, not leave it behind.
    synthesis = espeak.Synthesis(espeak.find_engine(), "专利申请需要提交请求书。" * 300, "zh", volume=80, rate=150)
    first = next(synthesis.chunks())
    assert first and len(first) % 2 == 0
    assert synthesis.process.poll() is None
    synthesis.close()
    assert synthesis.process.returncode is not None


def test_missing_engine_names_the_package():
    with pytest.raises(SpeechUnavailable, match="apt-get install espeak-ng") as raised:
        espeak.find_engine("espeak-ng-not-installed")
    assert raised.value.reason == "engine_missing"


def test_a_device_that_is_not_there_is_no_audio_device():
    with pytest.raises(AudioUnavailable, match="no audio device") as raised:
        alsa.AlsaOutput(22050, 1, device="hw:99")
    assert raised.value.reason == NO_AUDIO_DEVICE


def test_missing_alsa_library_names_the_package():
    with pytest.raises(AudioUnavailable, match="libasound2") as raised:
        alsa.AlsaOutput(22050, 1, library="libasound-not-installed.so.2")
    assert raised.value.reason == AUDIO_FAILED
