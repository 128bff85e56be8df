"""Read-aloud: how soon the first sound of an utterance is ready, per utterance length.

    .venv/bin/python bench/speech_bench.py [--repeat 5]

For a title, a service's key facts and a whole page, in Mandarin and in English, REPEAT times each:

- engine: in this process, the request to espeak-ng's first PCM (kiosk.speech.espeak.Synthesis: the program
  started, the text written, the first chunk read), and to the whole utterance synthesized;
- child: what a tap costs, `ipkiosk speak TEXT --lang LANG --json --wav FILE` started as the UI starts it, to its
  "started" line (the first sound handed on), and to its exit with the whole WAV written.

The child writes a WAV because a test machine has no sound card; on a terminal the first sound goes to ALSA at
the same moment, and is heard after the card's buffer (kiosk.speech.alsa.LATENCY_US, at most 100 ms).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TEXTS = {
    "zh": {
        "title": "发明专利申请",
        "key facts": "发明专利申请。费用：申请费九百元，可申请减缴。办理时限：初审约三个月。"
                     "办理方式：到二号窗口或在网上提交请求书、说明书和权利要求书。",
        "page": "发明专利申请。" + "申请人应当提交请求书、说明书及其摘要和权利要求书等文件，"
                "说明书应当对发明作出清楚、完整的说明，以所属技术领域的技术人员能够实现为准。" * 4,
    },
    "en": {
        "title": "Invention patent application",
        "key facts": "Invention patent application. Fee: 900 yuan, reductions available. Time limit: about three "
                     "months for the preliminary examination. Apply at window two or online.",
        "page": "Invention patent application. " + "The applicant files a request, a description with its abstract "
                "and the claims; the description must disclose the invention clearly and completely. " * 4,
    },
}


def ms(seconds: float) -> float:
    return seconds * 1000


def summary(times_ms: list[float]) -> str:
    return f"median {statistics.median(times_ms):7.1f} ms  max {max(times_ms):7.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each text")
    args = parser.parse_args(argv)

    from kiosk.speech import DEFAULT_RATE_WPM
    from kiosk.speech.espeak import Synthesis, find_engine

    engine = find_engine()
    print(f"{engine.name}, {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    repo = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(repo))
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "kiosk.toml"
        config.write_text(f'data_dir = "{Path(tmp) / "data"}"\n', encoding="utf-8")
        for lang, texts in TEXTS.items():
            for name, text in texts.items():
                first, whole, child_first, child_whole = [], [], [], []
                seconds = 0.0
                for _ in range(args.repeat):
                    started = time.monotonic()
                    with Synthesis(engine, text, lang, volume=80, rate=DEFAULT_RATE_WPM) as synthesis:
                        size = 0
                        for pcm in synthesis.chunks():
                            if not size:
                                first.append(ms(time.monotonic() - started))
                            size += len(pcm)
                        whole.append(ms(time.monotonic() - started))
                        seconds = size / synthesis.format.bytes_per_second

                    started = time.monotonic()
                    child = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "speak", text, "--lang", lang,
                                              "--json", "--wav", str(Path(tmp) / "bench.wav"), "--config", str(config)],
                                             stdout=subprocess.PIPE, text=True, env=env, cwd=repo)
                    assert child.stdout is not None
                    event = json.loads(child.stdout.readline())
                    if event["event"] != "started":
                        raise SystemExit(f"ipkiosk speak: {event}")
                    child_first.append(ms(time.monotonic() - started))
                    child.stdout.read()
                    if child.wait() != 0:
                        raise SystemExit(f"ipkiosk speak exited {child.returncode}")
                    child_whole.append(ms(time.monotonic() - started))
                print(f"\n{lang} {name}: {len(text)} characters, {seconds:.1f} s of speech")
                print(f"  engine → first sound       {summary(first)}")
                print(f"  engine → whole utterance   {summary(whole)}")
                print(f"  child  → first sound (tap) {summary(child_first)}")
                print(f"  child  → exit, WAV written {summary(child_whole)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
