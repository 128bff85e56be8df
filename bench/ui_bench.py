"""UI benchmark: cold start to the first frame of home, and UI-process memory over many visits.

    .venv/bin/python bench/ui_bench.py [--starts 10] [--visits 1000] [--json]

Both parts run offscreen (QT_QPA_PLATFORM=offscreen, QT_QUICK_BACKEND=software) on the
bundled content in a throw-away data dir that is seeded once beforehand, so the timed
start-ups open an existing content.db like a terminal after its first boot.

1. Cold start: ``--starts`` separate processes. Each is timed from just before the parent
   spawns it to the first frameSwapped of the home page inside it (interpreter start,
   imports, opening the stores, the QML engine, loading Main, rendering). Median reported.
   The QML disk cache is private to the run and filled by one untimed start first (a
   terminal keeps it between starts); the OS file cache is warm (not a reboot).
2. Memory: one process opens the app and makes ``--visits`` scripted page visits. A visit
   opens one page the way a visitor does (home tiles, lists, details, search with typed
   letters and a candidate pick, booking, attract) cycling through every page; every
   VISITS_PER_VISITOR visits the idle reset runs (attract screen, visitor state cleared) and
   the loop waits for the memory release the kiosk makes a second later: on a terminal the
   next visitor comes at least idle_timeout_s + the countdown (100 s) after the last touch.
   After every visit the window renders a frame. PSS is read from /proc/self/smaps_rollup
   every SAMPLE_EVERY visits; growth = PSS at the end minus PSS after half the visits. The UI's
   data service child (`ipkiosk data-service`, which answers every data request) is reported
   apart, at the end.

Targets (issue 5): first frame <= 0.55 s median; PSS <= 100 MB after 1,000 visits with
<= 5 MB growth over the last 500.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

FIRST_FRAME_TARGET_S = 0.55
PSS_TARGET_MB = 100.0
PSS_GROWTH_TARGET_MB = 5.0
SAMPLE_EVERY = 50
VISITS_PER_VISITOR = 12
FRAME_TIMEOUT_MS = 5000
SIZE_PX = (1080, 1920)

OFFSCREEN_ENV = {"QT_QPA_PLATFORM": "offscreen", "QT_QUICK_BACKEND": "software"}


def memory_kb(pid: int | str = "self") -> dict[str, int]:
    """PSS, its anonymous part and USS (private pages) of a process (this one), kB, from smaps_rollup.

    PSS splits shared library pages among the processes mapping them, so it moves when other Qt
    processes on the machine come and go; Pss_Anon (the heap) does not, and shows real growth.
    On a terminal the UI is the only Qt process, so there PSS is close to RSS (reported too).
    """
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if rest.strip().endswith("kB"):
            fields[name] = int(rest.split()[0])
    return {"pss": fields["Pss"], "anon": fields["Pss_Anon"], "rss": fields["Rss"],
            "uss": fields["Private_Clean"] + fields["Private_Dirty"]}


def bench_config(data_dir: str):
    from kiosk.core import config as config_mod

    return config_mod.from_mapping({"data_dir": data_dir})


def prepare_data_dir(data_dir: str) -> None:
    """Seed content.db once (this loads pypinyin; the timed children must not pay for it)."""
    from kiosk.commands import open_station
    from kiosk.store.seed import open_content

    cfg = bench_config(data_dir)
    cfg.data_path.mkdir(parents=True, exist_ok=True)
    open_content(cfg)
    open_station(cfg)


# ---------------------------------------------------------------- child: first frame


def child_first_frame(data_dir: str) -> None:
    """Start the app the way `ipkiosk run --windowed` does and print the wall time of the first frame."""
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
            print(json.dumps({"first_frame_at": time.time()}), flush=True)
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
    return dict(os.environ, **OFFSCREEN_ENV, QML_DISK_CACHE_PATH=str(Path(data_dir) / "qmlcache"))


def measure_cold_starts(data_dir: str, runs: int) -> list[float]:
    env = child_env(data_dir)
    seconds = []
    # One untimed start fills the QML disk cache, as the first boot of a terminal does.
    subprocess.run([sys.executable, __file__, "--child-first-frame", data_dir], env=env, capture_output=True,
                   timeout=120, check=True)
    for _ in range(runs):
        spawned_at = time.time()
        out = subprocess.run([sys.executable, __file__, "--child-first-frame", data_dir], env=env,
                             capture_output=True, text=True, timeout=120, check=True)
        report = json.loads(out.stdout.strip().splitlines()[-1])
        seconds.append(report["first_frame_at"] - spawned_at)
    return seconds


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


def child_visits(data_dir: str, visits: int) -> None:
    from PySide6.QtCore import QMetaObject
    from PySide6.QtGui import QGuiApplication

    from kiosk.ui import app as ui_app
    from kiosk.ui.memory import RELEASE_MEMORY_DELAY_MS
    from kiosk.ui.qt_log import route_qt_messages

    qapp = QGuiApplication(sys.argv[:1])
    messages = route_qt_messages()
    ctx = ui_app.build_context(bench_config(data_dir))
    window = ui_app.load_main(ctx, size_px=SIZE_PX)
    window.show()
    wait_for_frame(window, qapp)
    keystroke_ms: list[float] = []
    steps = [(name, action) for name, action in visit_script(ctx, keystroke_ms) if _page_installed(ctx, name)]
    samples: list[tuple[int, dict[str, int]]] = [(0, memory_kb())]
    started = time.perf_counter()
    for visit in range(1, visits + 1):
        name, action = steps[(visit - 1) % len(steps)]
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
    print(json.dumps({"samples": samples, "data_service": data_service, "elapsed_s": elapsed_s,
                      "pages": [n for n, _ in steps],
                      "keystroke_ms": keystroke_ms,
                      "qt_warnings": messages.warnings[:10]}), flush=True)
    ui_app.stop_context(ctx)


_PAGE_OF_STEP = {"booking": "BookingPage.qml", "station notices": "StationNoticesPage.qml",
                 "services": "CatalogPage.qml", "policies": "RecordListPage.qml", "notices": "RecordListPage.qml",
                 "news": "RecordListPage.qml", "events": "RecordListPage.qml"}


def _page_installed(ctx, step_name: str) -> bool:
    page = _PAGE_OF_STEP.get(step_name)
    return page is None or ctx.shell.hasPage(page)


def measure_visits(data_dir: str, visits: int) -> dict:
    env = child_env(data_dir)
    out = subprocess.run([sys.executable, __file__, "--child-visits", data_dir, "--visits", str(visits)], env=env,
                         capture_output=True, text=True, timeout=3600, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=10, help="cold starts to time (median reported)")
    parser.add_argument("--visits", type=int, default=1000, help="scripted page visits for the memory part")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--child-first-frame", metavar="DATA_DIR", help=argparse.SUPPRESS)
    parser.add_argument("--child-visits", metavar="DATA_DIR", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child_first_frame:
        child_first_frame(args.child_first_frame)
        return 0
    if args.child_visits:
        child_visits(args.child_visits, args.visits)
        return 0

    with tempfile.TemporaryDirectory(prefix="ipkiosk-ui-bench-") as data_dir:
        prepare_data_dir(data_dir)
        starts_s = measure_cold_starts(data_dir, args.starts)
        visits = measure_visits(data_dir, args.visits)

    samples = visits["samples"]
    final = samples[-1][1]
    half = min(samples, key=lambda s: abs(s[0] - args.visits // 2))[1]

    def mb(kb: int) -> float:
        return round(kb / 1024, 1)

    result = {
        "first_frame_median_s": round(statistics.median(starts_s), 3),
        "first_frame_min_s": round(min(starts_s), 3),
        "first_frame_runs_s": [round(s, 3) for s in starts_s],
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
        "visit_loop_s": round(visits["elapsed_s"], 1),
        "keystroke_to_frame_median_ms": round(statistics.median(visits["keystroke_ms"]), 1),
        "keystroke_to_frame_p95_ms": round(statistics.quantiles(visits["keystroke_ms"], n=20)[-1], 1),
        "pages": visits["pages"],
        "qt_warnings": visits["qt_warnings"],
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(f"first frame of home: median {result['first_frame_median_s']:.3f} s over {args.starts} cold starts "
              f"(target <= {FIRST_FRAME_TARGET_S} s), fastest {result['first_frame_min_s']:.3f} s; "
              f"runs {result['first_frame_runs_s']}; load average {result['load_average']:.1f}")
        print(f"PSS after {args.visits} visits: {result['pss_final_mb']} MB (start {result['pss_start_mb']} MB, "
              f"target <= {PSS_TARGET_MB:.0f} MB); growth over the last half: "
              f"{result['pss_growth_last_half_mb']} MB (target <= {PSS_GROWTH_TARGET_MB:.0f} MB)")
        print(f"  of which anonymous (heap): {result['anon_final_mb']} MB, growth over the last half "
              f"{result['anon_growth_last_half_mb']} MB; USS {result['uss_final_mb']} MB; RSS {result['rss_final_mb']} MB "
              f"(growth over the last half {result['rss_growth_last_half_mb']} MB)")
        print(f"the data service child after the visits: PSS {result['data_service_pss_final_mb']} MB, "
              f"RSS {result['data_service_rss_final_mb']} MB (not part of the UI process's figures above)")
        print(f"search keystroke to rendered frame: median {result['keystroke_to_frame_median_ms']} ms, "
              f"p95 {result['keystroke_to_frame_p95_ms']} ms")
        print(f"visit loop: {result['visit_loop_s']} s; pages: {', '.join(result['pages'])}")
        if result["qt_warnings"]:
            print(f"Qt warnings during the visits: {result['qt_warnings']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
