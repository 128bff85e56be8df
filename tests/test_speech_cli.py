"""`ipkiosk speak` and doctor's speech check: real child processes running the real espeak-ng and real ALSA.

This machine has no sound card, which is exactly the case the no-device tests need: ALSA itself answers that
there is nothing to play on, and the child must say so promptly instead of hanging.
"""

from __future__ import annotations

import array
import json
import math
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from kiosk.commands import doctor
from kiosk.core import config as config_mod
from kiosk.speech import ENGINE_MISSING, NO_AUDIO_DEVICE, SPEECH_OFF, espeak
from tests.helpers import REPO_ROOT

# A child whose espeak-ng cannot be found: the package cannot be removed for a test, so the child's Python names a
# program that does not exist before running the real command (the same lookup failure).
NO_ESPEAK = ("import sys; import kiosk.speech.espeak as e; e.PROGRAM = 'espeak-ng-not-installed'; "
             "from kiosk.cli import main; sys.exit(main(sys.argv[1:]))")
# Loud enough to be heard: espeak-ng speech at volume 80 has an RMS of some 3 000 (of 32 767); silence is 0.
RMS_FLOOR = 500

SHORT = {"zh": "专利申请。", "en": "Patent application."}
LONG = {"zh": "专利申请：请携带身份证和申请材料，到二号窗口办理，费用为零元，一般十五个工作日内办结。",
        "en": "Patent application: bring your identity card and the application documents to window two. "
              "There is no fee, and it is usually done within fifteen working days."}


def _config(tmp_path: Path, data_dir: Path, **settings: object) -> Path:
    path = tmp_path / "kiosk.toml"
    lines = [f'data_dir = "{data_dir}"'] + [f"{k} = {config_mod.toml_literal(v)}" for k, v in settings.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def config_file(tmp_path, data_dir):
    return _config(tmp_path, data_dir)


def ipkiosk(config_file, *args, code: str | None = None) -> subprocess.CompletedProcess:
    program = ["-c", code] if code else ["-m", "kiosk.cli"]
    return subprocess.run([sys.executable, *program, *args, "--config", str(config_file)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60, check=False)


def wav_facts(path: Path) -> tuple[float, float]:
    """The WAV's duration in seconds and the RMS of its samples."""
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        samples = array.array("h", wav.readframes(wav.getnframes()))
        return wav.getnframes() / wav.getframerate(), math.sqrt(sum(s * s for s in samples) / len(samples))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_speak_writes_audible_speech_that_grows_with_the_text(config_file, tmp_path, lang):
    durations = []
    for name, text in (("short", SHORT[lang]), ("long", LONG[lang])):
        wav = tmp_path / f"{name}.wav"
        out = ipkiosk(config_file, "speak", text, "--lang", lang, "--wav", str(wav))
        assert out.returncode == 0, out.stderr
        duration, rms = wav_facts(wav)
        assert rms > RMS_FLOOR, f"{name} {lang}: RMS {rms:.0f}"
        assert f"wrote {wav}" in out.stdout and f"voice {espeak.VOICES[lang]}" in out.stdout
        durations.append(duration)
    short, long = durations
    assert short > 0.5 and long > 3 * short


def test_the_mandarin_voice_reads_characters_as_mandarin_not_spelled_pinyin():
    # espeak-ng 1.51's plain `cmn` voice reads 费 as the English "fay four"; the kiosk's voice must not.
    engine = espeak.find_engine()
    phonemes = subprocess.run([engine.program, "-v", espeak.VOICES["zh"], "-q", "-x", "费用为零元"],
                              capture_output=True, text=True, timeout=10, check=True).stdout
    assert "(en)" not in phonemes and "f'ei51" in phonemes


def test_volume_setting_scales_the_speech(tmp_path, data_dir):
    levels = {}
    for volume in (0, 40, 80):
        conf = _config(tmp_path, data_dir, speech_volume=volume)
        wav = tmp_path / f"v{volume}.wav"
        out = ipkiosk(conf, "speak", LONG["zh"], "--lang", "zh", "--wav", str(wav))
        assert out.returncode == 0, out.stderr
        levels[volume] = wav_facts(wav)[1]
    assert levels[0] < 1 and 0.4 < levels[40] / levels[80] < 0.6


def test_speech_off_says_so_and_writes_nothing(tmp_path, data_dir):
    conf = _config(tmp_path, data_dir, speech=False)
    wav = tmp_path / "off.wav"
    out = ipkiosk(conf, "speak", SHORT["zh"], "--wav", str(wav))
    assert out.returncode == 1 and "read-aloud is off" in out.stderr and "speech = false" in out.stderr
    assert not wav.exists()
    out = ipkiosk(conf, "speak", SHORT["zh"], "--json")
    assert out.returncode == 1 and json.loads(out.stdout)["reason"] == SPEECH_OFF


def _has_sound_card() -> bool:
    cards = Path("/proc/asound/cards")
    return cards.exists() and "no soundcards" not in cards.read_text(encoding="utf-8")


@pytest.mark.skipif(_has_sound_card(), reason="this machine has a sound card: the no-device case cannot happen")
def test_no_audio_device_is_a_reason_code_promptly(config_file):
    out = ipkiosk(config_file, "speak", LONG["zh"], "--lang", "zh", "--json")
    assert out.returncode == 1
    events = [json.loads(line) for line in out.stdout.splitlines()]
    assert [e["event"] for e in events] == ["failed"]
    assert events[0]["reason"] == NO_AUDIO_DEVICE and "no audio device" in events[0]["message"]
    assert "ALSA lib" not in out.stderr  # alsa-lib's own diagnostics are silenced: the event says it all
    plain = ipkiosk(config_file, "speak", SHORT["en"], "--lang", "en")
    assert plain.returncode == 1 and plain.stderr.strip().splitlines()[-1].startswith("ipkiosk: speak: no audio device")


def test_json_events_for_a_wav_are_started_then_finished(config_file, tmp_path):
    out = ipkiosk(config_file, "speak", SHORT["en"], "--lang", "en", "--wav", str(tmp_path / "x.wav"), "--json")
    assert out.returncode == 0, out.stderr
    started, finished = (json.loads(line) for line in out.stdout.splitlines())
    assert started["event"] == "started" and started["voice"] == "en-us" and started["engine"].startswith("espeak-ng")
    assert finished["event"] == "finished" and finished["seconds"] == pytest.approx(wav_facts(tmp_path / "x.wav")[0],
                                                                                   abs=0.01)


def test_missing_engine_is_one_line_with_the_apt_command(config_file, tmp_path):
    out = ipkiosk(config_file, "speak", SHORT["zh"], "--wav", str(tmp_path / "x.wav"), code=NO_ESPEAK)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "espeak-ng-not-installed is not installed" in out.stderr and "apt-get install espeak-ng" in out.stderr
    out = ipkiosk(config_file, "speak", SHORT["zh"], "--json", code=NO_ESPEAK)
    assert json.loads(out.stdout)["reason"] == ENGINE_MISSING


@pytest.mark.parametrize(("args", "message"), [
    (["speak", "  \n "], "nothing to say"),
    (["speak", "字" * 4001], "at most 4000"),
    (["speak", "hello", "--rate", "20"], "expected 80 to 450"),
    (["speak", "hello", "--wav", "/nonexistent-dir/x.wav"], "no such directory"),
    (["speak"], "give TEXT or --from-stdin"),
    (["speak", "hello", "--from-stdin"], "give TEXT or --from-stdin"),
])
def test_usage_errors_exit_2(config_file, args, message):
    out = ipkiosk(config_file, *args)
    assert out.returncode == 2 and message in out.stderr


def test_doctor_speech_check(cfg):
    assert doctor._check_speech(cfg).status == "ok"
    check = doctor._check_speech(cfg, program="espeak-ng-not-installed")
    assert check.status == "warn" and check.remedy == "apt-get install espeak-ng"
    off = doctor._check_speech(config_mod.from_mapping(dict(cfg.values, speech=False)))
    assert off.status == "ok" and "off" in off.detail


def _child(config_file, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kiosk.cli", "speak", "--json", "--from-stdin", *args,
                             "--config", str(config_file)], cwd=REPO_ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_the_ui_child_gets_ready_ahead_then_says_one_utterance(config_file, tmp_path):
    wav = tmp_path / "ui.wav"
    child = _child(config_file, "--wav", str(wav))
    ready = json.loads(child.stdout.readline())
    assert ready == {"event": "ready", "engine": ready["engine"]} and ready["engine"].startswith("espeak-ng")
    out, _ = child.communicate(json.dumps({"text": LONG["en"], "lang": "en"}) + "\n", timeout=60)
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["event"] for e in events] == ["started", "finished"] and events[0]["voice"] == "en-us"
    assert child.returncode == 0 and wav_facts(wav)[1] > RMS_FLOOR


def test_the_ui_child_ends_quietly_when_the_ui_closes_its_stdin_or_kills_it(config_file):
    child = _child(config_file)
    assert json.loads(child.stdout.readline())["event"] == "ready"
    out, err = child.communicate("", timeout=30)
    assert (child.returncode, out, "Traceback" in err) == (0, "", False)
    child = _child(config_file)
    assert json.loads(child.stdout.readline())["event"] == "ready"
    child.terminate()
    assert child.wait(timeout=10) == -15
    child.stdout.close()
    child.stderr.close()
    child.stdin.close()


@pytest.mark.parametrize(("request_line", "message"), [
    ("not json", "bad request"),
    ('{"lang": "zh"}', "bad request"),
    ('{"text": "你好", "lang": "fr"}', "language 'fr'"),
    ('{"text": ""}', "nothing to say"),
])
def test_the_ui_child_refuses_a_bad_request(config_file, request_line, message):
    child = _child(config_file)
    out, _ = child.communicate(request_line + "\n", timeout=30)
    ready, failed = (json.loads(line) for line in out.splitlines())
    assert ready["event"] == "ready" and failed["reason"] == "bad_request" and message in failed["message"]
    assert child.returncode == 2
