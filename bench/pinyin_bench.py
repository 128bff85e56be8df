"""Chinese input: what a keystroke, a start and the memory of the pinyin child cost.

    .venv/bin/python bench/pinyin_bench.py [--rounds 20] [--starts 5]

Runs the real `ipkiosk pinyin-service` child (kiosk/ime/client.py) on throw-away data dirs:

- start-up, STARTS times each: a first start (a new data dir: librime deploys the schema) and a warm start
  (deployed already), as the process start to its ready line, and the engine's own part (the child's start_ms);
- keystrokes, ROUNDS times over a list of station phrases typed letter by letter: each letter, a backspace,
  the next page and the final choice are one round trip each, timed wall-clock (median / p95, ms);
- the child's memory (PSS and RSS from /proc/PID/smaps_rollup) after the typing, next to a child of the
  same command line that has not loaded librime (the Python and `kiosk` part of it).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Announcement phrases a station writes, as pinyin, with the text the engine should offer first.
PHRASES = {
    "benzhanjinrixiuxi": "本站今日休息",
    "qingliangjie": "请谅解",
    "zhuanlishenqing": "专利申请",
    "zhishichanquan": "知识产权",
    "tingdianjianxiu": "停电检修",
    "zantingfuwu": "暂停服务",
    "shangbiaozhuce": "商标注册",
    "xiawusandian": "下午三点",
}


def memory_kb(pid: int) -> dict[str, int]:
    """PSS and RSS of process PID, kB (PSS shares library pages among the processes mapping them)."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if rest.strip().endswith("kB"):
            fields[name] = int(rest.split()[0])
    return {"pss": fields["Pss"], "rss": fields["Rss"]}


def percentiles(times_ms: list[float]) -> str:
    return f"median {statistics.median(times_ms):.2f} ms  p95 {statistics.quantiles(times_ms, n=20)[-1]:.2f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="times the phrase list is typed")
    parser.add_argument("--starts", type=int, default=5, help="first and warm starts each")
    args = parser.parse_args(argv)

    from kiosk.core import config as config_mod
    from kiosk.ime.client import PinyinChild

    with tempfile.TemporaryDirectory(prefix="ipkiosk-pinyin-bench-") as tmp:
        def config(name: str) -> config_mod.Config:
            return config_mod.from_mapping({"data_dir": str(Path(tmp) / name)})

        starts: dict[str, list[tuple[float, float]]] = {"first start (deploys)": [], "warm start": []}
        warm = config("warm")
        PinyinChild(warm).close()  # deploys into the warm data dir: not timed
        for i in range(args.starts):
            for label, cfg in (("first start (deploys)", config(f"first-{i}")), ("warm start", warm)):
                started = time.perf_counter()
                with PinyinChild(cfg) as child:
                    wall_ms = (time.perf_counter() - started) * 1000
                    assert child.ready["deployed_now"] == (cfg is not warm)
                    starts[label].append((wall_ms, child.ready["start_ms"]))
        for label, runs in starts.items():
            print(f"{label:22s} process to ready: median {statistics.median(w for w, _ in runs):.0f} ms; "
                  f"engine: median {statistics.median(e for _, e in runs):.0f} ms ({len(runs)} starts)")

        keystroke: list[float] = []
        other: dict[str, list[float]] = {"backspace": [], "next page": [], "choose": []}
        misses = 0
        with PinyinChild(warm) as child:
            def timed(bucket: list[float], method: str, *call_args):
                started = time.perf_counter()
                result = child.call(method, *call_args)
                bucket.append((time.perf_counter() - started) * 1000)
                return result

            for _ in range(args.rounds):
                for letters, expected in PHRASES.items():
                    for letter in letters:
                        state = timed(keystroke, "type", letter)
                    timed(other["next page"], "page", len(state["candidates"]))
                    timed(other["backspace"], "backspace")
                    state = child.call("type", letters[-1])
                    misses += state["candidates"][0] != expected
                    timed(other["choose"], "select", 0)
            typed = memory_kb(child.process.pid)

        print(f"{'keystroke (a letter)':22s} {percentiles(keystroke)}  ({len(keystroke)} keystrokes)")
        for label, times in other.items():
            print(f"{label:22s} {percentiles(times)}")
        print(f"phrases not offered first: {misses} of {args.rounds * len(PHRASES)}")

        bare = bare_child_memory_kb()
        print(f"pinyin child after typing: PSS {typed['pss'] / 1024:.1f} MB, RSS {typed['rss'] / 1024:.1f} MB; "
              f"the same Python child without librime: PSS {bare['pss'] / 1024:.1f} MB, RSS {bare['rss'] / 1024:.1f} MB")
    return 0


def bare_child_memory_kb() -> dict[str, int]:
    """Memory of a Python child that imported what `ipkiosk pinyin-service` imports, without loading librime."""

    code = ("import sys, kiosk.cli, kiosk.commands.ime, kiosk.ime.service, kiosk.ime.client; "
            "print('ready', flush=True); sys.stdin.readline()")
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        child.stdout.readline()
        return memory_kb(child.pid)
    finally:
        child.stdin.close()
        child.wait(10)


if __name__ == "__main__":
    sys.exit(main())
