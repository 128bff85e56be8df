"""GUI-thread stall benchmark: the longest time the kiosk's window cannot react while its data is busy.

    .venv/bin/python bench/ui_stall_bench.py [--records 100000] [--sync-records 10000] [--content-cache DIR]

A heartbeat QTimer fires every HEARTBEAT_MS on the UI's main thread and records the gap between
its firings; a gap much longer than HEARTBEAT_MS is time in which no touch, no idle timer and no
frame could be handled. Meanwhile a scripted visitor (one step every STEP_MS) opens the service
catalogue and a category, the events list, the policies list (the kind the synthetic content grows),
service pages, the page of a record with the most related records (LIST_LIMITS["related_ids"]), and types searches letter by letter, in two phases:

1. **rebuild**: the UI starts on a content.db of the seed plus RECORDS synthetic records in the search
   bench's style (policies, notices and news: the kinds that grow), so the data service child builds
   a search index over all of them while the visitor searches;
2. **sync**: a separate process (as the sync child does) applies a new generation of the news
   collection in which SYNC_RECORDS records changed; the UI notices the new apply, every page
   refreshes and the search index is rebuilt, while the visitor goes on.

Before them, "start" is the window's loading up to its first frame: no visitor can touch the screen yet,
so it is reported but not held to the target. Each phase lasts until its work is done plus SETTLE_S.
Each gap over the target is split into where the main thread's time went (SHARES: the step, answers,
rows, Python's collector, the frame's polish / sync / render; Heartbeat.attribute tells which of those
a threaded render loop would move off the GUI thread). Reported per phase: the number of heartbeats,
median and max gap in ms. Target (issue 16): max gap <= 50 ms.

The synthetic content is built once (41 s at 100k on an idle machine, docs/benchmarks.md, Search);
--content-cache keeps it between runs. The UI and the data service run exactly as on a terminal
(`ipkiosk data-service` as a child); only the window is offscreen.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
try:  # the code under test may come from PYTHONPATH (to measure another version); else this checkout
    import kiosk  # noqa: F401
except ImportError:
    sys.path.insert(0, str(REPO_ROOT))

HEARTBEAT_MS = 5
STEP_MS = 250
SETTLE_S = 8.0
REBUILD_PHASE_MIN_S = 45.0
STALL_TARGET_MS = 50.0
# A stall this long is explained: a watchdog thread samples what the main thread was running.
EXPLAIN_STALL_MS = 40
EXPLAIN_SAMPLE_S = 0.01
RELATED_ID = "pol-stall-most-related"
SYNC_KIND = "news"
SIZE_PX = (1080, 1920)
# The shares of a long gap the bench tells apart (ms of main-thread time inside each): the visitor's step itself
# (a page asked for), the data service's answers being read and decoded, their results handed to the pages
# ("delivered", of which "rows": list models taking new rows), Python's garbage collector, and the frame's
# polish / sync / render stages. The rest ("other") is Qt's own work between them (QML incubating a page,
# JavaScript's collector) or time the thread did not run at all: see "cpu" and "faults" in Heartbeat._beat.
SHARES = ("step", "answers", "delivered", "rows", "gc", "polish", "sync", "render")
# The kinds the synthetic content adds to (the service catalogue and events stay the seed's).
SYNTHETIC_KIND_WEIGHTS = {"policies": 3, "notices": 3, "news": 4}


def _search_bench():
    sys.path.insert(0, str(REPO_ROOT / "bench"))
    import search_bench

    search_bench.KIND_WEIGHTS = SYNTHETIC_KIND_WEIGHTS
    return search_bench


def build_content(data_dir: Path, records: int) -> None:
    """content.db in DATA_DIR: the seed plus RECORDS synthetic records and one record with the most related ids."""
    from kiosk.core.manifest import LIST_LIMITS, validate_manifest
    from kiosk.store import content, seed

    bench = _search_bench()
    manifests = bench.synthetic_manifests(records, random.Random(bench.RANDOM_SEED))
    content.open_content_db(data_dir / "content.db")
    seed.import_seed()
    out = []
    for m in manifests:
        recs = list(m.records)
        if m.collection == "policies":
            related = [r["id"] for r in recs[: LIST_LIMITS["related_ids"]]]
            recs.append({"id": RELATED_ID, "rev": 1, "title": "关联最多的政策", "summary": "关联记录最多的一条",
                         "body": "正文。", "published_at": "2026-01-01", "related_ids": related})
        out.append(validate_manifest({"format": "ipkiosk-manifest/1", "collection": m.collection,
                                      "generation": 2, "records": sorted(recs, key=lambda r: r["id"]),
                                      "tombstones": []}))
    content.apply_manifests(out, source="sync")
    content.content_db.close()


def apply_sync(data_dir: str, count: int) -> None:
    """Child process: a new generation of SYNC_KIND in which COUNT records changed, applied as the sync child does."""
    from kiosk.core.manifest import validate_manifest
    from kiosk.store import content

    content.open_content_db(Path(data_dir) / "content.db")
    records = content.list_records(SYNC_KIND)
    generation = content.collection_states()[SYNC_KIND].generation + 1
    for rec in records[:count]:
        rec["rev"] = rec.get("rev", 1) + 1
        rec["title"] = rec["title"] + "（修订）"
    clean = sorted(({k: v for k, v in rec.items() if k not in ("kind", "is_demo")} for rec in records),
                   key=lambda r: r["id"])
    manifest = validate_manifest({"format": "ipkiosk-manifest/1", "collection": SYNC_KIND, "generation": generation,
                                  "records": clean, "tombstones": []})
    t0 = time.perf_counter()
    content.apply_manifests([manifest], source="sync")
    print(json.dumps({"applied": count, "of": len(records), "apply_s": round(time.perf_counter() - t0, 2)}),
          flush=True)


# ---------------------------------------------------------------- the UI process


class Heartbeat:
    """Gaps between firings of a HEARTBEAT_MS timer on the main thread, per phase."""

    def __init__(self):
        from PySide6.QtCore import Qt, QTimer

        self.gaps_ms: dict[str, list[float]] = {}
        self.search_ms: dict[str, list[float]] = {}  # keystroke → results shown, per phase
        # (gap ms, phase, the visitor step before it, {share of the gap: ms})
        self.longest: list[tuple[float, str, str, dict[str, float]]] = []
        # Where the main thread's time went, accumulated (ms) and split per gap: see attribute().
        self.spent: dict[str, float] = dict.fromkeys(SHARES, 0.0)
        self._spent_at_beat = dict(self.spent)
        self._cpu_at_beat = time.thread_time()
        self._faults_at_beat = resource.getrusage(resource.RUSAGE_THREAD).ru_majflt
        self._marks: dict[str, float] = {}
        self.frames: dict[str, list[float]] = {}  # per frame: ms in polish / sync / render
        self.step = "start"
        self.phase = "start"
        self._last = time.perf_counter()
        self._timer = QTimer(interval=HEARTBEAT_MS)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._beat)
        self._timer.start()

    def _beat(self) -> None:
        now = time.perf_counter()
        gap = (now - self._last) * 1000
        self.gaps_ms.setdefault(self.phase, []).append(gap)
        cpu = time.thread_time()
        if gap > STALL_TARGET_MS:
            shares = {k: round(self.spent[k] - self._spent_at_beat[k], 1) for k in SHARES}
            # CPU time this thread got in the gap: far below the gap, the thread was waiting (for a core
            # the other processes held, or in a blocking call), not working.
            shares["cpu"] = round((cpu - self._cpu_at_beat) * 1000, 1)
            # Major page faults: the thread waited for the disk (font or library pages read back in).
            shares["faults"] = resource.getrusage(resource.RUSAGE_THREAD).ru_majflt - self._faults_at_beat
            self.longest.append((round(gap, 1), self.phase, self.step, shares))
        self._spent_at_beat = dict(self.spent)
        self._cpu_at_beat = cpu
        self._faults_at_beat = resource.getrusage(resource.RUSAGE_THREAD).ru_majflt
        self._last = now

    def timed(self, share: str, fn):
        """FN wrapped so that the time inside it counts as SHARE."""
        def run(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.spent[share] += (time.perf_counter() - t0) * 1000
        return run

    def time_gc(self) -> None:
        """Count Python's garbage collections as the share "gc"."""
        started: list[float] = []

        def on_gc(event: str, _info: dict) -> None:
            if event == "start":
                started[:] = [time.perf_counter()]
            elif started:
                self.spent["gc"] += (time.perf_counter() - started.pop()) * 1000

        gc.callbacks.append(on_gc)

    def attribute(self, window) -> None:
        """Split each frame the window draws on the main thread into its stages, from the window's own signals
        (connected directly, so they run where the render loop runs; with the offscreen platform and the
        software backend that is this thread, as it is for a terminal without GPU):

        - polish: from the UpdateRequest that starts the frame to afterAnimating: layouts, and the delegates
          a ListView creates for rows that arrived (a real cost on every render loop);
        - sync: beforeSynchronizing → afterSynchronizing, items copied into the scene graph (the GUI thread
          waits for it with the threaded loop too);
        - render: beforeRendering → frameSwapped, rasterising and flushing the frame: the part the threaded
          render loop (GPU) moves off the GUI thread.
        """
        from PySide6.QtCore import Qt

        def mark(name):
            return lambda: self._marks.__setitem__(name, time.perf_counter())

        def until(start, share):
            def end():
                t0 = self._marks.pop(start, None)
                if t0 is not None:
                    ms = (time.perf_counter() - t0) * 1000
                    self.spent[share] += ms
                    self.frames.setdefault(share, []).append(ms)
            return end

        direct = Qt.ConnectionType.DirectConnection
        window.afterAnimating.connect(until("frame", "polish"), direct)
        window.beforeSynchronizing.connect(mark("sync"), direct)
        window.afterSynchronizing.connect(until("sync", "sync"), direct)
        window.beforeRendering.connect(mark("render"), direct)
        window.frameSwapped.connect(until("render", "render"), direct)

        self._frame_filter = frame_start_filter(mark("frame"))
        window.installEventFilter(self._frame_filter)

    def enter(self, phase: str) -> None:
        self.phase = phase

    def watch(self) -> dict[str, int]:
        """Start a thread that, whenever the heartbeat is late by EXPLAIN_STALL_MS, takes the main thread's
        Python stack (its innermost frames of kiosk or PySide code); the counts of each stack seen."""
        main_id = threading.main_thread().ident
        seen: dict[str, int] = {}

        def sample() -> None:
            while True:
                time.sleep(EXPLAIN_SAMPLE_S)
                if self.phase == "teardown" or (time.perf_counter() - self._last) * 1000 < EXPLAIN_STALL_MS:
                    continue
                frame = sys._current_frames().get(main_id)
                if frame is None:
                    continue
                stack = [f"{Path(fs.filename).name}:{fs.lineno} {fs.name}" for fs in traceback.extract_stack(frame)]
                key = " < ".join(reversed(stack[-4:]))
                seen[key] = seen.get(key, 0) + 1

        threading.Thread(target=sample, name="stall-watchdog", daemon=True).start()
        return seen


def frame_start_filter(on_frame):
    """An event filter calling ON_FRAME when a window starts a frame (its UpdateRequest)."""
    from PySide6.QtCore import QEvent, QObject

    class Filter(QObject):
        def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.UpdateRequest:
                on_frame()
            return False

    return Filter()


def visitor_steps(ctx, window, beat: Heartbeat) -> list:
    """One round of the scripted visitor, as callables; searches are typed one letter per step."""
    from PySide6.QtCore import Q_ARG, QMetaObject

    search = next(vm for vm in ctx.view_models if type(vm).__name__ == "SearchController")
    typed_at: list[float] = []

    def answered() -> None:  # keystroke → results shown (the old synchronous client emits inside typeText)
        if typed_at:
            beat.search_ms.setdefault(beat.phase, []).append((time.perf_counter() - typed_at.pop()) * 1000)

    search.resultsChanged.connect(answered)

    def type_letter(letter: str) -> None:
        typed_at[:] = [time.perf_counter()]
        search.typeText(letter)

    def call(method, *args):
        return (f"{method} {' '.join(str(a) for a in args)}".strip(),
                lambda: QMetaObject.invokeMethod(window, method, *[Q_ARG("QVariant", a) for a in args]))

    def typing(word):
        steps = [call("openPage", "SearchPage.qml", {}), ("search clear", search.clear)]
        steps += [(f"type {letter}", lambda letter=letter: type_letter(letter)) for letter in word]
        return steps

    return [
        call("goHome"),
        call("openPage", "CatalogPage.qml", {}),
        call("openPage", "RecordListPage.qml", {"kind": "services", "category": "专利"}),
        call("openRecord", "svc-patent-application"),
        call("goHome"),
        *typing("zlsq"),
        call("openRecord", RELATED_ID),
        call("goHome"),
        call("openPage", "RecordListPage.qml", {"kind": "events"}),
        call("goHome"),
        call("openPage", "RecordListPage.qml", {"kind": "policies"}),  # the kind the synthetic content grew
        *typing("商标"),
        call("goHome"),
        *typing("zhuanli"),
        call("openRecord", "svc-trademark-registration"),
    ]


def run_ui(data_dir: str, sync_records: int) -> dict:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QGuiApplication

    from kiosk.core import config as config_mod
    from kiosk.ui import app as ui_app
    from kiosk.ui import content_models, data_client

    qapp = QGuiApplication([])
    cfg = config_mod.from_mapping({"data_dir": data_dir})
    beat = Heartbeat()
    # Every answer of the data service is read and delivered by this one method, and every list model (records,
    # categories, search results) takes its rows through this other one.
    data_client.DataClient._read_answers = beat.timed("answers", data_client.DataClient._read_answers)
    data_client.PendingCall._deliver = beat.timed("delivered", data_client.PendingCall._deliver)
    content_models.RowListModel.set_rows = beat.timed("rows", content_models.RowListModel.set_rows)
    beat.time_gc()
    stacks = beat.watch()
    # "start": from loading the window to its first frame, before any visitor (reported apart from the phases).
    beat.enter("start")
    started = time.perf_counter()
    ctx = ui_app.build_context(cfg)
    window = ui_app.load_main(ctx, size_px=SIZE_PX)
    beat.attribute(window)
    first_frame = [False]

    def on_first_frame() -> None:
        if not first_frame[0]:
            first_frame[0] = True
            beat.enter("rebuild")

    window.frameSwapped.connect(on_first_frame)
    window.show()
    steps = visitor_steps(ctx, window, beat)
    done_steps = [0]

    def step() -> None:
        beat.step, action = steps[done_steps[0] % len(steps)]
        beat.timed("step", action)()
        done_steps[0] += 1

    driver = QTimer(interval=STEP_MS)
    driver.timeout.connect(step)
    driver.start()

    def run_for(seconds: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()

    run_for(REBUILD_PHASE_MIN_S)
    beat.enter("sync")
    sync = subprocess.Popen([sys.executable, __file__, "--apply-sync", data_dir, "--sync-records", str(sync_records)],
                            stdout=subprocess.PIPE, text=True)
    while sync.poll() is None:
        run_for(0.5)
    applied = json.loads(sync.stdout.read().strip().splitlines()[-1])
    # The UI notices the apply within its poll interval; then lists refresh and the index is rebuilt.
    run_for(SETTLE_S + 20.0)
    driver.stop()
    total_s = time.perf_counter() - started
    # Stopping waits for the children to end (a blocking wait by design): not visitor time.
    beat.enter("teardown")
    ui_app.stop_context(ctx)
    qapp.processEvents()
    phases = {}
    for phase, gaps in beat.gaps_ms.items():
        if phase == "teardown":
            continue
        searches = beat.search_ms.get(phase) or [0.0]
        phases[phase] = {"beats": len(gaps), "median_ms": round(statistics.median(gaps), 1),
                         "max_ms": round(max(gaps), 1), "over_50ms": sum(g > STALL_TARGET_MS for g in gaps),
                         "searches": len(beat.search_ms.get(phase, [])),
                         "search_median_ms": round(statistics.median(searches), 1),
                         "search_max_ms": round(max(searches), 1)}
    return {"phases": phases, "steps": done_steps[0], "sync": applied, "run_s": round(total_s, 1),
            "longest": sorted((g for g in beat.longest if g[1] != "teardown"), key=lambda g: -g[0])[:20],
            "frame_ms": frame_stats(beat),
            "stall_stacks": sorted(stacks.items(), key=lambda kv: -kv[1])[:6]}


def frame_stats(beat: Heartbeat) -> dict[str, dict[str, float]]:
    """Median and max ms per frame stage, over the whole run."""
    return {stage: {"frames": len(ms), "median_ms": round(statistics.median(ms), 1), "max_ms": round(max(ms), 1)}
            for stage, ms in beat.frames.items() if ms}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--sync-records", type=int, default=10_000)
    parser.add_argument("--content-cache", help="keep the synthetic content.db here between runs")
    parser.add_argument("--apply-sync", metavar="DATA_DIR", help=argparse.SUPPRESS)
    parser.add_argument("--ui", metavar="DATA_DIR", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.apply_sync:
        apply_sync(args.apply_sync, args.sync_records)
        return 0
    if args.ui:
        print(json.dumps(run_ui(args.ui, args.sync_records)), flush=True)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        cached = Path(args.content_cache) / f"content-{args.records}.db" if args.content_cache else None
        if cached is not None and cached.exists():
            shutil.copyfile(cached, data_dir / "content.db")
        else:
            t0 = time.perf_counter()
            build_content(data_dir, args.records)
            print(f"built content.db with {args.records} synthetic records in {time.perf_counter() - t0:.0f} s",
                  file=sys.stderr)
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(data_dir / "content.db", cached)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software",
                   QML_DISK_CACHE_PATH=str(Path(tmp) / "qmlcache"))
        out = subprocess.run([sys.executable, __file__, "--ui", str(data_dir), "--sync-records",
                              str(args.sync_records)], env=env, capture_output=True, text=True, timeout=1800)
        if out.returncode != 0:
            print(out.stderr[-4000:], file=sys.stderr)
            return out.returncode
        report = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{machine()}; {args.records} synthetic records, a sync changing {args.sync_records}")
    for phase, r in report["phases"].items():
        print(f"  {phase:8} heartbeats {r['beats']:6}  median gap {r['median_ms']:6.1f} ms  max gap {r['max_ms']:8.1f} ms"
              f"  gaps > {STALL_TARGET_MS:.0f} ms: {r['over_50ms']}")
        print(f"  {'':8} keystroke → results: {r['searches']} searches, median {r['search_median_ms']} ms, "
              f"max {r['search_max_ms']} ms")
    print(f"  visitor steps {report['steps']}, sync apply {report['sync']}, run {report['run_s']} s")
    for gap, phase, step, shares in report["longest"]:
        cpu, faults = shares.pop("cpu"), shares.pop("faults")
        split = ", ".join(f"{k} {v:.0f}" for k, v in shares.items())
        other = gap - sum(v for k, v in shares.items() if k != "rows")  # rows are part of delivered
        print(f"  gap {gap:8.1f} ms in {phase} after step {step!r}: {split}, other {other:.0f} ms;"
              f" main thread on a CPU {cpu:.0f} ms, {faults} major page faults")
    for stack, samples in report["stall_stacks"]:
        print(f"  main thread during stalls ({samples * EXPLAIN_SAMPLE_S * 1000:.0f} ms sampled): {stack}")
    for stage, r in report["frame_ms"].items():
        print(f"  frame {stage:7} {r['frames']} frames, median {r['median_ms']} ms, max {r['max_ms']} ms")
    # The start (building the window and its first page, before anyone can touch it) is shown, not judged.
    worst = max(r["max_ms"] for phase, r in report["phases"].items() if phase != "start")
    print(f"longest stall while the visitor uses the screen {worst:.1f} ms (target <= {STALL_TARGET_MS:.0f} ms): "
          f"{'met' if worst <= STALL_TARGET_MS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
