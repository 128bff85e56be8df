"""Read-aloud: how soon the first sound of an utterance is ready, per utterance length.

    .venv/bin/python bench/speech_bench.py [--repeat 5]

For a title, a service's key facts and a whole page, in Mandarin and in English, REPEAT times each:

- engine: in this process, the request to espeak-ng's first PCM (kiosk.speech.espeak.Synthesis: the program
  started, the text written, the first chunk read), and to the whole utterance synthesized;
- ready child: what a tap costs, `ipkiosk speak --json --from-stdin --wav FILE` started ahead as the UI starts
  it and waited for until "ready"; then the request line written to its "started" line (the first sound handed
  on), and to its exit with the whole WAV written;
- cold child: `ipkiosk speak TEXT --lang LANG --json --wav FILE`, process start to "started" (a tap when no child
  was started ahead);
- the memory of a ready child (PSS and RSS from /proc/PID/smaps_rollup), what a child started ahead costs
  while it waits.

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


def memory_kb(pid: int) -> dict[str, int]:
    """PSS and RSS of process PID, kB."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if rest.strip().endswith("kB"):
            fields[name] = int(rest.split()[0])
    return {"pss": fields["Pss"], "rss": fields["Rss"]}


def expect(line: str, event: str) -> None:
    doc = json.loads(line)
    if doc.get("event") != event:
        raise SystemExit(f"ipkiosk speak said {doc}, expected {event!r}")


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
        speak = [sys.executable, "-m", "kiosk.cli", "speak", "--json", "--wav", str(Path(tmp) / "bench.wav"),
                 "--config", str(config)]
        for lang, texts in TEXTS.items():
            for name, text in texts.items():
                first, whole, child_first, child_whole, cold_first = [], [], [], [], []
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

                    child = subprocess.Popen([*speak, "--from-stdin"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                             text=True, env=env, cwd=repo)
                    assert child.stdin is not None and child.stdout is not None
                    expect(child.stdout.readline(), "ready")
                    started = time.monotonic()
                    child.stdin.write(json.dumps({"text": text, "lang": lang}) + "\n")
                    child.stdin.close()
                    expect(child.stdout.readline(), "started")
                    child_first.append(ms(time.monotonic() - started))
                    child.stdout.read()
                    if child.wait() != 0:
                        raise SystemExit(f"ipkiosk speak exited {child.returncode}")
                    child_whole.append(ms(time.monotonic() - started))

                    started = time.monotonic()
                    cold = subprocess.Popen([*speak, text, "--lang", lang], stdout=subprocess.PIPE, text=True, env=env,
                                            cwd=repo)
                    assert cold.stdout is not None
                    expect(cold.stdout.readline(), "started")
                    cold_first.append(ms(time.monotonic() - started))
                    cold.stdout.read()
                    cold.wait()
                print(f"\n{lang} {name}: {len(text)} characters, {seconds:.1f} s of speech")
                print(f"  engine → first sound             {summary(first)}")
                print(f"  engine → whole utterance         {summary(whole)}")
                print(f"  ready child: tap → first sound   {summary(child_first)}")
                print(f"  ready child: tap → WAV written   {summary(child_whole)}")
                print(f"  cold child: start → first sound  {summary(cold_first)}")
        child = subprocess.Popen([*speak, "--from-stdin"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                 env=env, cwd=repo)
        assert child.stdin is not None and child.stdout is not None
        expect(child.stdout.readline(), "ready")
        memory = memory_kb(child.pid)
        child.stdin.close()
        child.wait()
        print(f"\nready child waiting: PSS {memory['pss'] / 1024:.1f} MB, RSS {memory['rss'] / 1024:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
