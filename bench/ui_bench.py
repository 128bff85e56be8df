"""UI benchmark: cold start to the first frame of home, and the whole terminal's memory over many visits.

    .venv/bin/python bench/ui_bench.py [--starts 10] [--visits 1000] [--memory-runs 1]
                                       [--chromium] [--tricks | --disable TRICK ...] [--json]

Both parts run offscreen (QT_QPA_PLATFORM=offscreen, QT_QUICK_BACKEND=software) on the
bundled content in a throw-away data dir that is seeded once beforehand, so the timed
start-ups open an existing content.db like a terminal after its first boot.

1. Cold start: ``--starts`` separate processes. Each is timed from just before the parent
   spawns it to the first frameSwapped of the home page inside it (interpreter start,
   imports, opening the stores, the QML engine, loading Main, rendering). Median reported,
   with the CPU time the UI process (all its threads) spent up to that frame, which moves
   much less than the wall time with the load of a shared machine.
   The QML disk cache and the Python bytecode cache are private to the run and filled by
   one untimed start first (a terminal keeps both between starts: the packaged build ships
   compiled bytecode); the OS file cache is warm (not a reboot).
2. Memory of the whole terminal: one UI process with its children: the data service
   (`ipkiosk data-service`) and, for each sync cycle, a sync child (`ipkiosk sync --once`, which
   the UI runs because a repository is configured: the bundled content published with
   `ipkiosk-publish` to a signed repository served over HTTP on 127.0.0.1). The UI waits for the
   first cycle to end (its child is gone by then, as between any two cycles), then makes ``--visits`` scripted page visits. A visit opens one page the way
   a visitor does (home tiles, lists, details, search with typed letters and a candidate
   pick, booking, attract) cycling through every page; every VISITS_PER_VISITOR visits the
   idle reset runs (attract screen, visitor state cleared) and the loop waits for the
   memory release the kiosk makes a second later: on a terminal the next visitor comes at
   least idle_timeout_s + the countdown (100 s) after the last touch. After every visit the
   window renders a frame. The UI's PSS is read from /proc/self/smaps_rollup every
   SAMPLE_EVERY visits (growth = PSS at the end minus PSS after half the visits); after the
   last visit the PSS of the UI and every process below it is read (bench/proc_memory.py)
   and reported per process and summed. Each run starts with the font files just written
   (copied afresh into the data dir), as after a package upgrade. ``--memory-runs`` repeats
   the part; medians are reported.

   ``--chromium`` also runs bench/chromium_kiosk.py side by side (one Chromium run after
   each kiosk run): ``chromium --kiosk`` on Xvfb at 1080x1920 showing the same 40 services,
   its whole process tree's PSS. Skipped with a message when chromium or Xvfb is missing.

   ``--disable TRICK`` switches one of the UI's memory tricks off from the bench side
   (bench/memory_tricks.py); ``--tricks`` measures all tricks on, then each present trick
   off in turn, interleaved round by round.

Targets (issue 5): first frame <= 0.55 s median; UI PSS <= 100 MB after 1,000 visits with
<= 5 MB growth over the last 500. Issue 16: the whole terminal (tree PSS) <= 0.25x Chromium;
a memory trick stays only if switching it off costs >= 2 MB of the whole terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import memory_tricks  # noqa: E402 - bench/ helpers, beside this file
from proc_memory import memory_kb, tree_footprint_kb, tree_memory_kb  # noqa: E402

FIRST_FRAME_TARGET_S = 0.55
PSS_TARGET_MB = 100.0
PSS_GROWTH_TARGET_MB = 5.0
CHROMIUM_RATIO_TARGET = 0.25
TRICK_PAYS_MB = 2.0
SYNC_FIRST_CYCLE_TIMEOUT_S = 180
SAMPLE_EVERY = 50
VISITS_PER_VISITOR = 12
FRAME_TIMEOUT_MS = 5000
SIZE_PX = (1080, 1920)

OFFSCREEN_ENV = {"QT_QPA_PLATFORM": "offscreen", "QT_QUICK_BACKEND": "software"}


TERMINAL_SETTINGS = "bench-terminal.json"  # in the data dir: the repository settings of the run


def bench_config(data_dir: str):
    from kiosk.core import config as config_mod

    settings_path = Path(data_dir) / TERMINAL_SETTINGS
    settings = json.loads(settings_path.read_text(encoding="utf-8")) if settings_path.is_file() else {}
    return config_mod.from_mapping({"data_dir": data_dir, **settings})


def prepare_data_dir(data_dir: str) -> None:
    """Seed content.db once (this loads pypinyin; the timed children must not pay for it)."""
    from kiosk.commands import open_station
    from kiosk.store.seed import open_content

    cfg = bench_config(data_dir)
    cfg.data_path.mkdir(parents=True, exist_ok=True)
    open_content(cfg)
    open_station(cfg)


def publish_repository(work_dir: Path) -> tuple[Path, Path]:
    """The bundled content as a signed repository, made by the publisher's own commands.
    Returns (repository directory, trusted root.json)."""
    keys, repo = work_dir / "keys", work_dir / "repo"
    for args in (["init", str(keys)], ["build", "--keys", str(keys), str(REPO_ROOT / "assets" / "content"), str(repo)]):
        subprocess.run([sys.executable, "-m", "kiosk.sync.publish", *args], cwd=REPO_ROOT, check=True,
                       capture_output=True, timeout=300)
    return repo, keys / "1.root.json"


@contextlib.contextmanager
def serve_repository(repo_dir: Path) -> Iterator[str]:
    """Serve REPO_DIR over HTTP on 127.0.0.1 (a plain static server, as nginx or a CDN would); yields its URL."""
    # Imported here: this file is also the UI process of the runs, which must not carry http.server.
    import http.server

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(repo_dir), **kwargs)

        def log_message(self, format, *args):  # keep the bench's output to its results
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- child: first frame


def child_first_frame(data_dir: str) -> None:
    """Start the app the way `ipkiosk run --windowed` does and print the wall time of the first frame."""
    import resource

    from PySide6.QtCore import QObject, Slot
    from PySide6.QtGui import QGuiApplication

    from kiosk.ui import app as ui_app

    class FirstFrameProbe(QObject):
        # A slot of a main-thread object: frameSwapped may come from the render thread, and the
        # queued call keeps quit() and the printing on the main thread.
        @Slot()
        def on_frame(self) -> None:
            if self.seen:
                return
            self.seen = True
            usage = resource.getrusage(resource.RUSAGE_SELF)
            print(json.dumps({"first_frame_at": time.time(), "cpu_s": usage.ru_utime + usage.ru_stime}), flush=True)
            # exit(), not quit(): the kiosk's lockdown refuses the window close that quit() asks for.
            QGuiApplication.exit(0)

    qapp = QGuiApplication(sys.argv[:1])
    ctx = ui_app.build_context(bench_config(data_dir))
    window = ui_app.load_main(ctx, size_px=SIZE_PX)
    probe = FirstFrameProbe()
    probe.seen = False
    window.frameSwapped.connect(probe.on_frame)
    window.show()
    qapp.exec()
    ui_app.stop_context(ctx)
    qapp.processEvents()


def child_env(data_dir: str) -> dict[str, str]:
    # A private QML disk cache: a terminal keeps its compiled QML between starts, and other
    # processes on this machine rewriting a shared cache must not disturb (or crash) the runs.
    # A private Python bytecode cache too, written even where the environment says not to: a terminal
    # never compiles the kiosk's modules at start (the packaged build ships their bytecode), and without
    # the cache every start spent 35-60 ms of its CPU compiling them, more with every line of code.
    env = dict(os.environ, **OFFSCREEN_ENV, QML_DISK_CACHE_PATH=str(Path(data_dir) / "qmlcache"),
               PYTHONPYCACHEPREFIX=str(Path(data_dir) / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def first_frame_command(data_dir: str) -> list[str]:
    # As a module (-m), not as a script, so this file's own bytecode comes from the cache too.
    return [sys.executable, "-m", Path(__file__).stem, "--child-first-frame", data_dir]


def fill_start_caches(data_dir: str) -> None:
    """One untimed start fills the QML disk cache and the bytecode cache, as the first boot of a terminal does."""
    subprocess.run(first_frame_command(data_dir), cwd=Path(__file__).parent, env=child_env(data_dir),
                   capture_output=True, timeout=120, check=True)


def measure_cold_starts(data_dir: str, runs: int) -> list[tuple[float, float]]:
    """(wall seconds from the spawn to the first frame, CPU seconds of the UI process up to it) per start."""
    env = child_env(data_dir)
    starts = []
    for _ in range(runs):
        spawned_at = time.time()
        out = subprocess.run(first_frame_command(data_dir), cwd=Path(__file__).parent, env=env,
                             capture_output=True, text=True, timeout=120, check=True)
        report = json.loads(out.stdout.strip().splitlines()[-1])
        starts.append((report["first_frame_at"] - spawned_at, report["cpu_s"]))
    return starts


# ---------------------------------------------------------------- child: visits


def visit_script(ctx, keystroke_ms: list[float]) -> list:
    """One visitor's tour, as (description, action(window)) pairs covering every page.
    Search steps append their keystroke-to-frame times (ms) to KEYSTROKE_MS."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtGui import QGuiApplication

    def records(kind: str) -> list[dict]:
        rows: list[dict] = []
        loop = QEventLoop()
        ctx.data.list_records(kind).then(lambda found: (rows.extend(found), loop.quit()), lambda exc: loop.quit())
        loop.exec()
        return rows

    services, policies, notices, news, events = (records(kind) for kind in
                                                 ("services", "policies", "notices", "news", "events"))
    search = next(vm for vm in ctx.view_models if type(vm).__name__ == "SearchController")

    def call(method, *args):
        from PySide6.QtCore import Q_ARG, QMetaObject

        return lambda window: QMetaObject.invokeMethod(window, method, *[Q_ARG("QVariant", a) for a in args])

    def search_visit(letters):
        def run(window):
            call("openPage", "SearchPage.qml", {})(window)
            wait_for_frame(window, QGuiApplication.instance())
            for letter in letters:
                # Keystroke to rendered frame: the search, the candidate bar and the list update.
                pressed = time.perf_counter()
                search.typeText(letter)
                wait_for_frame(window, QGuiApplication.instance())
                keystroke_ms.append((time.perf_counter() - pressed) * 1000)
            words = search.candidates.rows()
            if words:
                search.pickCandidate(words[0]["word"])
            hits = search.results.rows()
            if hits:
                call("openRecord", hits[0]["recordId"])(window)
        return run

    steps = [
        ("home", call("goHome")),
        ("services", call("openPage", "CatalogPage.qml", {})),
        ("policies", call("openPage", "RecordListPage.qml", {"kind": "policies"})),
        ("notices", call("openPage", "RecordListPage.qml", {"kind": "notices"})),
        ("news", call("openPage", "RecordListPage.qml", {"kind": "news"})),
        ("events", call("openPage", "RecordListPage.qml", {"kind": "events"})),
        ("search zlsq", search_visit("zlsq")),
        ("search sbzc", search_visit("sbzc")),
        ("booking", call("openPage", "BookingPage.qml", {})),
        ("station notices", call("openPage", "StationNoticesPage.qml", {})),
    ]
    for records in (services, policies, notices, news, events):
        steps += [(f"detail {rec['id']}", call("openRecord", rec["id"])) for rec in records[:3]]
    return steps


def wait_for_frame(window, qapp) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    window.frameSwapped.connect(loop.quit)
    QTimer.singleShot(FRAME_TIMEOUT_MS, loop.quit)
    window.update()
    loop.exec()
    window.frameSwapped.disconnect(loop.quit)
    qapp.processEvents()


def wait_ms(ms: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def child_visits(data_dir: str, visits: int, disabled: list[str], font_dir: str | None) -> None:
    memory_tricks.disable_before_import(disabled)
    from PySide6.QtCore import QMetaObject
    from PySide6.QtGui import QGuiApplication

    from kiosk.ui import app as ui_app
    from kiosk.ui.memory import RELEASE_MEMORY_DELAY_MS
    from kiosk.ui.qt_log import route_qt_messages

    memory_tricks.disable_after_import(disabled)
    if font_dir:
        use_font_dir(Path(font_dir))
    qapp = QGuiApplication(sys.argv[:1])
    messages = route_qt_messages()
    ctx = ui_app.build_context(bench_config(data_dir))
    window = ui_app.load_main(ctx, size_px=SIZE_PX)
    window.show()
    wait_for_frame(window, qapp)
    sync_result = None
    if ctx.sync_cycles is not None:  # a repository is configured: the UI runs its sync cycles, as `run` does
        ctx.sync_cycles.start()
        sync_result = wait_for_first_sync(ctx)
    keystroke_ms: list[float] = []
    steps = [(name, action) for name, action in visit_script(ctx, keystroke_ms) if _page_installed(ctx, name)]
    samples: list[tuple[int, dict[str, int]]] = [(0, memory_kb())]
    started = time.perf_counter()
    for visit in range(1, visits + 1):
        _name, action = steps[(visit - 1) % len(steps)]
        action(window)
        wait_for_frame(window, qapp)
        if visit % VISITS_PER_VISITOR == 0:
            QMetaObject.invokeMethod(window, "resetToAttract")
            wait_for_frame(window, qapp)
            wait_ms(RELEASE_MEMORY_DELAY_MS + 200)
        if visit % SAMPLE_EVERY == 0:
            samples.append((visit, memory_kb()))
    elapsed_s = time.perf_counter() - started
    data_service = memory_kb(ctx.data.pid)
    tree = [dict(row, role=process_role(row)) for row in tree_memory_kb()]
    footprint = tree_footprint_kb([row["pid"] for row in tree])
    during_cycle = peak_during_sync_cycle(ctx) if ctx.sync_cycles is not None else None
    print(json.dumps({"samples": samples, "data_service": data_service, "tree": tree, "footprint_kb": footprint,
                      "sync_result": sync_result, "during_cycle": during_cycle,
                      "disabled": disabled, "elapsed_s": elapsed_s,
                      "pages": [n for n, _ in steps],
                      "keystroke_ms": keystroke_ms,
                      "qt_warnings": messages.warnings[:10]}), flush=True)
    ui_app.stop_context(ctx)


def peak_during_sync_cycle(ctx) -> dict[str, int]:
    """Run one more sync cycle (the repository has not changed: the common cycle) and sample the whole tree
    while its child runs: the highest total PSS and footprint seen, in KiB. Between cycles the terminal is
    what the visits measured; this is what it briefly is every sync_interval_s."""
    peak = {"pss": 0, "footprint": 0, "samples": 0}
    ctx.sync_cycles.run_now()
    deadline = time.monotonic() + SYNC_FIRST_CYCLE_TIMEOUT_S
    while ctx.sync_cycles.running and time.monotonic() < deadline:
        rows = tree_memory_kb()
        if len(rows) > 2:  # the sync child is up (UI and data service are always there)
            peak["pss"] = max(peak["pss"], sum(row["pss"] for row in rows))
            peak["footprint"] = max(peak["footprint"], tree_footprint_kb([row["pid"] for row in rows]) or 0)
            peak["samples"] += 1
        wait_ms(50)
    return peak


def use_font_dir(font_dir: Path) -> None:
    """Register the fonts from FONT_DIR (the bench's fresh copy) instead of assets/fonts: every kiosk.ui
    module holding the font directory gets this one."""
    replaced = 0
    for name, module in list(sys.modules.items()):
        if name.startswith("kiosk.ui") and isinstance(getattr(module, "FONT_DIR", None), Path):
            module.FONT_DIR = font_dir
            replaced += 1
    if not replaced:
        raise RuntimeError("no kiosk.ui module has FONT_DIR: the bench cannot point the UI at its font copy")


def wait_for_first_sync(ctx) -> str:
    """Process events until the first sync cycle has ended and the next is scheduled; returns how its child
    ended (its summary line: "sync OK [APPLIED]: …")."""
    cycles = ctx.sync_cycles
    summary: list[str] = []
    cycles.cycleFinished.connect(lambda outcome, line: summary.append(line))
    deadline = time.monotonic() + SYNC_FIRST_CYCLE_TIMEOUT_S
    while time.monotonic() < deadline:
        if summary and cycles.next_attempt_at is not None:
            return summary[0].split(":", 1)[0].removeprefix("sync ").split(" ")[0]
        wait_ms(200)
    raise RuntimeError(f"the first sync cycle did not end within {SYNC_FIRST_CYCLE_TIMEOUT_S} s")


def process_role(row: dict) -> str:
    """Which part of the terminal a process of the UI's tree is."""
    if row["pid"] == os.getpid():
        return "ui"
    args = row["cmdline"]
    if "data-service" in args:
        return "data service"
    if "sync" in args:
        return "sync child"
    return "other: " + " ".join(args)[:80]


_PAGE_OF_STEP = {"booking": "BookingPage.qml", "station notices": "StationNoticesPage.qml",
                 "services": "CatalogPage.qml", "policies": "RecordListPage.qml", "notices": "RecordListPage.qml",
                 "news": "RecordListPage.qml", "events": "RecordListPage.qml"}


def _page_installed(ctx, step_name: str) -> bool:
    page = _PAGE_OF_STEP.get(step_name)
    return page is None or ctx.shell.hasPage(page)


def measure_visits(pristine_dir: str, scratch_dir: Path, visits: int, disabled: list[str]) -> dict:
    """One memory run in a fresh copy of PRISTINE_DIR (content.db, station.db, the QML disk cache),
    with the font files written just now, and the tricks DISABLED switched off."""
    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=scratch_dir))
    shutil.copytree(pristine_dir, run_dir, dirs_exist_ok=True)
    font_dir = run_dir / "fonts"
    font_dir.mkdir()
    for path in (REPO_ROOT / "assets" / "fonts").glob("*.otf"):
        shutil.copyfile(path, font_dir / path.name)
    env = child_env(str(run_dir))
    command = [sys.executable, __file__, "--child-visits", str(run_dir), "--visits", str(visits),
               "--font-dir", str(font_dir)]
    for name in disabled:
        command += ["--disable", name]
    try:
        out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600, check=True)
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"the UI run failed ({' '.join(command[2:])}):\n{exc.stderr[-3000:]}") from None
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def by_role_kb(tree: list[dict]) -> dict[str, dict[str, int]]:
    """The tree's processes summed per role (ui, data service, sync child, ...) and in total."""
    roles: dict[str, dict[str, int]] = {}
    for row in tree:
        for role in (row["role"], "total"):
            sums = roles.setdefault(role, {"pss": 0, "rss": 0, "uss": 0, "anon": 0})
            for key in sums:
                sums[key] += row[key]
    return roles


def median_mb(values_kb: list[int]) -> float:
    return round(statistics.median(values_kb) / 1024, 1)


def median_or_none(values_kb: list[int | None]) -> float | None:
    """Median in MB of the footprints, None when they could not be read (no root)."""
    return None if None in values_kb else median_mb(values_kb)


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=10, help="cold starts to time (median reported)")
    parser.add_argument("--visits", type=int, default=1000, help="scripted page visits for the memory part")
    parser.add_argument("--memory-runs", type=int, default=1, help="runs of the memory part (medians reported)")
    parser.add_argument("--chromium", action="store_true",
                        help="also measure chromium --kiosk showing the 40 services, one run after each kiosk run")
    parser.add_argument("--tricks", nargs="*", metavar="TRICK",
                        help="measure all memory tricks on, then each named trick (default: each present one) "
                             "off in turn")
    parser.add_argument("--disable", action="append", default=[], metavar="TRICK",
                        help=f"switch a memory trick off (bench side): {', '.join(memory_tricks.TRICKS)}")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--child-first-frame", metavar="DATA_DIR", help=argparse.SUPPRESS)
    parser.add_argument("--child-visits", metavar="DATA_DIR", help=argparse.SUPPRESS)
    parser.add_argument("--font-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    memory_tricks.check_names(args.disable + (args.tricks or []))

    if args.child_first_frame:
        child_first_frame(args.child_first_frame)
        return 0
    if args.child_visits:
        child_visits(args.child_visits, args.visits, args.disable, args.font_dir)
        return 0

    base = "all tricks on" if not args.disable else "off: " + ", ".join(args.disable)
    variants = [(base, args.disable)]
    absent: list[str] = []
    if args.tricks is not None:
        present = memory_tricks.present_tricks()
        absent = [name for name in args.tricks or memory_tricks.TRICKS if name not in present]
        variants += [(f"{name} off", [*args.disable, name]) for name in args.tricks or present
                     if name in present and name not in args.disable]
    chromium_missing: list[str] = []
    if args.chromium:
        import chromium_kiosk

        chromium_missing = chromium_kiosk.missing_parts()
    runs: dict[str, list[dict]] = {label: [] for label, _ in variants}
    chromium_runs: list[dict] = []

    with tempfile.TemporaryDirectory(prefix="ipkiosk-ui-bench-") as scratch:
        scratch_dir = Path(scratch)
        repo_dir, trusted_root = publish_repository(scratch_dir)
        with serve_repository(repo_dir) as repository_url:
            pristine = scratch_dir / "pristine"
            pristine.mkdir()
            (pristine / TERMINAL_SETTINGS).write_text(json.dumps({
                "repository_url": repository_url + "/", "trusted_root": str(trusted_root)}), encoding="utf-8")
            prepare_data_dir(str(pristine))
            fill_start_caches(str(pristine))
            starts = measure_cold_starts(str(pristine), args.starts)
            # Round by round, so that a change in the machine's load touches every variant alike.
            for _ in range(args.memory_runs):
                for label, disabled in variants:
                    runs[label].append(measure_visits(str(pristine), scratch_dir, args.visits, disabled))
                    if label == base and args.chromium and not chromium_missing:
                        chromium_runs.append(chromium_kiosk.measure_chromium())

    result = summarise(args, starts, runs, base, chromium_runs, chromium_missing, absent)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print_report(args, result)
    return 0


def mb(kb: int) -> float:
    return round(kb / 1024, 1)


def summarise(args, starts: list[tuple[float, float]], runs: dict[str, list[dict]], base: str,
              chromium_runs: list[dict], chromium_missing: list[str], absent: list[str]) -> dict:
    starts_s = [wall for wall, _ in starts]
    cpu_s = [cpu for _, cpu in starts]
    visits = runs[base][0]
    samples = visits["samples"]
    final = samples[-1][1]
    half = min(samples, key=lambda s: abs(s[0] - args.visits // 2))[1]
    result = {
        "first_frame_median_s": round(statistics.median(starts_s), 3) if starts_s else None,
        "first_frame_min_s": round(min(starts_s), 3) if starts_s else None,
        "first_frame_runs_s": [round(s, 3) for s in starts_s],
        "first_frame_cpu_median_s": round(statistics.median(cpu_s), 3) if cpu_s else None,
        "first_frame_cpu_runs_s": [round(s, 3) for s in cpu_s],
        "load_average": os.getloadavg()[0],
        "visits": args.visits,
        "pss_start_mb": mb(samples[0][1]["pss"]),
        "pss_final_mb": mb(final["pss"]),
        "pss_growth_last_half_mb": mb(final["pss"] - half["pss"]),
        "anon_final_mb": mb(final["anon"]),
        "anon_growth_last_half_mb": mb(final["anon"] - half["anon"]),
        "uss_final_mb": mb(final["uss"]),
        "rss_final_mb": mb(final["rss"]),
        "rss_growth_last_half_mb": mb(final["rss"] - half["rss"]),
        "pss_samples_mb": [(visit, mb(m["pss"])) for visit, m in samples],
        "data_service_pss_final_mb": mb(visits["data_service"]["pss"]),
        "data_service_rss_final_mb": mb(visits["data_service"]["rss"]),
        "sync_first_cycle": visits["sync_result"],
        "visit_loop_s": round(visits["elapsed_s"], 1),
        "keystroke_to_frame_median_ms": round(statistics.median(visits["keystroke_ms"]), 1),
        "keystroke_to_frame_p95_ms": round(statistics.quantiles(visits["keystroke_ms"], n=20)[-1], 1),
        "pages": visits["pages"],
        "qt_warnings": visits["qt_warnings"],
        "memory_runs": args.memory_runs,
        "terminal": {},
    }
    for label, label_runs in runs.items():
        per_run = [by_role_kb(run["tree"]) for run in label_runs]
        roles = sorted({role for run in per_run for role in run}, key=lambda r: (r == "total", r))
        result["terminal"][label] = {
            "disabled": label_runs[0]["disabled"],
            "median_mb": {role: {key: median_mb([run.get(role, {}).get(key, 0) for run in per_run])
                                 for key in ("pss", "rss", "uss")} for role in roles},
            "total_pss_runs_mb": [mb(run["total"]["pss"]) for run in per_run],
            "footprint_median_mb": median_or_none([run["footprint_kb"] for run in label_runs]),
            "footprint_runs_mb": [mb(run["footprint_kb"]) if run["footprint_kb"] else None for run in label_runs],
            "sync_first_cycle": sorted({run["sync_result"] for run in label_runs}, key=str),
            # None (not measured) when a run has no repository or its cycle ended before a sample.
            "during_cycle_pss_median_mb": median_or_none([(run.get("during_cycle") or {}).get("pss") or None
                                                          for run in label_runs]),
            "during_cycle_footprint_median_mb": median_or_none([(run.get("during_cycle") or {}).get("footprint")
                                                                or None for run in label_runs]),
        }
    base_total = result["terminal"][base]["median_mb"]["total"]["pss"]
    base_footprint = result["terminal"][base]["footprint_median_mb"]
    if len(runs) > 1:
        result["tricks"] = [
            {"trick": name, "what": memory_tricks.TRICKS[name].what,
             "off_total_pss_mb": entry["median_mb"]["total"]["pss"],
             "pays_mb": round(entry["median_mb"]["total"]["pss"] - base_total, 1),
             "pays_footprint_mb": (round(entry["footprint_median_mb"] - base_footprint, 1)
                                   if entry["footprint_median_mb"] and base_footprint else None),
             "pays_uss_mb": round(entry["median_mb"]["total"]["uss"]
                                  - result["terminal"][base]["median_mb"]["total"]["uss"], 1),
             "pays_per_role_mb": {role: round(entry["median_mb"].get(role, {"pss": 0})["pss"]
                                              - result["terminal"][base]["median_mb"][role]["pss"], 1)
                                  for role in result["terminal"][base]["median_mb"]},
             # Judged by the footprint where it can be read: PSS moves with the neighbours' processes.
             "keep": ((entry["footprint_median_mb"] - base_footprint) if entry["footprint_median_mb"] and base_footprint
                      else (entry["median_mb"]["total"]["pss"] - base_total)) >= TRICK_PAYS_MB}
            for label, entry in result["terminal"].items() if label != base
            for name in [label.removesuffix(" off")]]
        result["tricks_absent"] = absent
    if args.chromium:
        result["chromium"] = {"missing": chromium_missing}
        if chromium_runs:
            types = sorted({row["type"] for run in chromium_runs for row in run["processes"]})
            totals = [sum(row["pss"] for row in run["processes"]) for run in chromium_runs]
            result["chromium"].update({
                "runs": len(chromium_runs),
                "total_pss_median_mb": median_mb(totals),
                "total_pss_runs_mb": [mb(total) for total in totals],
                "total_rss_median_mb": median_mb([sum(r["rss"] for r in run["processes"]) for run in chromium_runs]),
                "processes_median": statistics.median(len(run["processes"]) for run in chromium_runs),
                "pss_per_type_median_mb": {kind: median_mb([sum(r["pss"] for r in run["processes"] if r["type"] == kind)
                                                            for run in chromium_runs]) for kind in types},
                "load_s_median": round(statistics.median(run["load_s"] for run in chromium_runs), 2),
                "ratio_kiosk_to_chromium": round(base_total / median_mb(totals), 3),
                "footprint_median_mb": median_or_none([run["footprint_kb"] for run in chromium_runs]),
                "footprint_ratio_kiosk_to_chromium": (
                    round(base_footprint / median_or_none([run["footprint_kb"] for run in chromium_runs]), 3)
                    if base_footprint and chromium_runs[0]["footprint_kb"] else None),
                "ratio_target": CHROMIUM_RATIO_TARGET,
            })
    return result


def print_report(args, result: dict) -> None:
    if result["first_frame_median_s"] is not None:
        print(f"first frame of home: median {result['first_frame_median_s']:.3f} s over {args.starts} cold starts "
              f"(target <= {FIRST_FRAME_TARGET_S} s), fastest {result['first_frame_min_s']:.3f} s; "
              f"runs {result['first_frame_runs_s']}; load average {result['load_average']:.1f}")
        print(f"  CPU time of the UI process up to that frame: median {result['first_frame_cpu_median_s']:.3f} s, "
              f"runs {result['first_frame_cpu_runs_s']}")
    print(f"UI process PSS after {args.visits} visits: {result['pss_final_mb']} MB (start {result['pss_start_mb']} MB, "
          f"target <= {PSS_TARGET_MB:.0f} MB); growth over the last half: "
          f"{result['pss_growth_last_half_mb']} MB (target <= {PSS_GROWTH_TARGET_MB:.0f} MB)")
    print(f"  of which anonymous (heap): {result['anon_final_mb']} MB, growth over the last half "
          f"{result['anon_growth_last_half_mb']} MB; USS {result['uss_final_mb']} MB; RSS {result['rss_final_mb']} MB "
          f"(growth over the last half {result['rss_growth_last_half_mb']} MB)")
    print(f"search keystroke to rendered frame: median {result['keystroke_to_frame_median_ms']} ms, "
          f"p95 {result['keystroke_to_frame_p95_ms']} ms")
    print(f"visit loop: {result['visit_loop_s']} s; pages: {', '.join(result['pages'])}")
    print(f"whole terminal after the visits (UI and every process below it), median of {args.memory_runs} run(s), "
          "PSS / RSS / USS MB:")
    for label, entry in result["terminal"].items():
        print(f"  {label}: total PSS runs {entry['total_pss_runs_mb']}; footprint (distinct resident pages of the "
              f"tree) median {entry['footprint_median_mb']} MB, runs {entry['footprint_runs_mb']}; "
              f"first sync cycle {entry['sync_first_cycle']}")
        if entry["during_cycle_pss_median_mb"]:
            print(f"    while a sync cycle's child runs (peak): total PSS {entry['during_cycle_pss_median_mb']} MB, "
                  f"footprint {entry['during_cycle_footprint_median_mb']} MB")
        for role, sums in entry["median_mb"].items():
            print(f"    {role:<14} {sums['pss']:>7} / {sums['rss']:>7} / {sums['uss']:>7}")
    for trick in result.get("tricks", []):
        verdict = "pays" if trick["keep"] else f"does not pay (< {TRICK_PAYS_MB} MB)"
        print(f"  {trick['trick']}: off costs {trick['pays_mb']:+.1f} MB whole-terminal PSS "
              f"(per process {trick['pays_per_role_mb']}), footprint {trick['pays_footprint_mb']} MB, "
              f"USS {trick['pays_uss_mb']:+.1f} MB: {verdict}")
    if result.get("tricks_absent"):
        print(f"  not in this tree: {', '.join(result['tricks_absent'])}")
    chromium = result.get("chromium")
    if chromium is not None and chromium["missing"]:
        print(f"Chromium comparison skipped: missing {', '.join(chromium['missing'])}")
    elif chromium is not None:
        print(f"chromium --kiosk, 40 services at 1080x1920 on Xvfb: tree PSS median {chromium['total_pss_median_mb']} MB "
              f"(runs {chromium['total_pss_runs_mb']}; {chromium['processes_median']} processes; "
              f"{chromium['pss_per_type_median_mb']}); kiosk / chromium = {chromium['ratio_kiosk_to_chromium']} "
              f"(target <= {chromium['ratio_target']}); footprint {chromium['footprint_median_mb']} MB, "
              f"kiosk / chromium by footprint = {chromium['footprint_ratio_kiosk_to_chromium']}")
    if result["qt_warnings"]:
        print(f"Qt warnings during the visits: {result['qt_warnings']}")


if __name__ == "__main__":
    sys.exit(main())
