"""What a long policy's outline costs the screen: opening the page (first 20 chips and 还有 N 个标题，点此显示) and the tap
that shows every heading's chip.

Builds a content.db once (the seed plus one policy of --headings ``## 第N条`` headings, each with a paragraph), starts
the whole UI offscreen (data service child, QML, software renderer) at 1080×1920, then --runs times: opens the
policy and waits until its page is built and drawn, taps that last chip (a real mouse click) and waits until every
chip exists and a frame is drawn. Prints the median and the largest of each step, and the longest time the GUI
thread went without drawing a frame during the tap (what a visitor would see as a freeze).

    .venv/bin/python bench/outline_bench.py --headings 200 --runs 7
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Offscreen with Qt's software renderer, as selftest and the other UI benches draw (a terminal's GPU draws faster).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

POLICY_ID = "pol-bench-outline"
SIZE_PX = (1080, 1920)


def build_content(data_dir: Path, headings: int) -> None:
    from kiosk.store import content, seed

    body = "\n\n".join(f"## 第{n}条\n\n第{n}条的正文，说明这一条的要求。" for n in range(1, headings + 1))
    policy = {"id": POLICY_ID, "rev": 1, "title": "很长的政策", "summary": "测试用的长政策。", "body": body}
    manifests = seed.load_source_dir(seed.SEED_DIR, seed.SEED_GENERATION)
    for m in manifests:
        if m.collection == "policies":
            m.records = sorted(m.records + [policy], key=lambda r: r["id"])
    content.open_content_db(data_dir / "content.db")
    content.apply_manifests(manifests, source="seed")
    content.content_db.close()


def run(data_dir: Path, runs: int) -> dict[str, list[float]]:
    from PySide6.QtCore import QEventLoop, QPoint, QPointF, Qt, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtQuick import QQuickWindow  # noqa: F401 - so that the window comes typed as a QQuickWindow
    from PySide6.QtTest import QTest

    from kiosk.core import config as config_mod
    from kiosk.ui import app as ui_app

    qapp = QGuiApplication([])
    cfg = config_mod.from_mapping({"data_dir": str(data_dir)})
    ctx = ui_app.build_context(cfg)
    window = ui_app.load_main(ctx, size_px=SIZE_PX)
    frames: list[float] = []
    window.frameSwapped.connect(lambda: frames.append(time.perf_counter()))
    window.show()

    def spin_until(done, timeout_s: float = 60.0) -> None:
        end = time.perf_counter() + timeout_s
        while not done():
            if time.perf_counter() > end:
                raise TimeoutError("the page did not come")
            loop = QEventLoop()
            QTimer.singleShot(5, loop.quit)
            loop.exec()

    def items(root):
        out, todo = [], [root]
        while todo:
            item = todo.pop()
            out.append(item)
            todo.extend(item.childItems())
        return out

    def chips():
        found = [i for i in items(window.contentItem()) if i.objectName() == "outlineChips" and i.isVisible()]
        if not found:
            return []
        return [c for c in found[0].childItems() if c.objectName() == "jumpChip" and c.isVisible()]

    def drawn_after(moment: float) -> bool:
        return any(f > moment for f in frames)

    def measure_once(out: dict[str, list[float]]) -> None:
        start = time.perf_counter()
        window.openRecord(POLICY_ID)
        spin_until(lambda: drawn_after(start) and len(chips()) > 0)
        out["open_ms"].append((time.perf_counter() - start) * 1000)
        spin_until(lambda: ctx.data.pending_calls == 0)
        QTest.qWait(300)
        # The last chip (lowest, then rightmost) is the one that shows the rest.
        more = max(chips(), key=lambda c: (c.mapToScene(QPointF(0, 0)).y(), c.mapToScene(QPointF(0, 0)).x()))
        centre = more.mapToScene(QPointF(more.width() / 2, more.height() / 2))
        shown_before = len(chips())
        frames.clear()
        start = time.perf_counter()
        QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         QPoint(int(centre.x()), int(centre.y())))
        spin_until(lambda: len(chips()) > shown_before)
        shown = time.perf_counter()
        spin_until(lambda: drawn_after(shown))
        out["show_all_ms"].append((time.perf_counter() - start) * 1000)
        out["longest_frame_gap_ms"].append(max(b - a for a, b in itertools.pairwise([start, *frames])) * 1000)
        out["chips_after"].append(float(len(chips())))
        window.goHome()
        spin_until(lambda: ctx.data.pending_calls == 0)
        QTest.qWait(300)

    spin_until(lambda: ctx.data.pending_calls == 0)
    results: dict[str, list[float]] = {"open_ms": [], "show_all_ms": [], "longest_frame_gap_ms": [], "chips_after": []}
    for _ in range(runs):
        measure_once(results)
    ui_app.stop_context(ctx)
    qapp.processEvents()
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--headings", type=int, default=200,
                    help="headings of the long policy (default 200; more than 20, so that some are left to show)")
    ap.add_argument("--runs", type=int, default=7, help="opens of the page (default 7)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="outline-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        build_content(data_dir, args.headings)
        results = run(data_dir, args.runs)
    print(f"policy of {args.headings} headings, {args.runs} runs, {SIZE_PX[0]}x{SIZE_PX[1]}")
    for name, values in results.items():
        print(f"  {name:24} median {statistics.median(values):8.1f}   max {max(values):8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
