"""The comparison for the UI benchmark's memory part: Chromium in --kiosk mode showing the kiosk's 40 services.

One static HTML page is generated from the seed's services (assets/content/services.json: title,
category, summary), laid out like the kiosk's services page (a title bar, the category chips with
counts, one row per service) in the bundled font (assets/fonts/*.otf through @font-face). It is
served from 127.0.0.1 and shown by ``chromium --kiosk`` on an Xvfb display of 1080x1920, the
kiosk's portrait screen. Xvfb rather than ``--headless=new``: a kiosk browser runs with a window
on a display, and headless mode leaves out the browser window and its compositor path, so it would
understate what a browser kiosk costs. Xvfb itself is not counted (the kiosk needs a display
server too: cage on a terminal).

When the page has loaded and its fonts are ready, it asks the server for /loaded; the bench then
waits SETTLE_S and sums the PSS of Chromium's whole process tree (browser, zygotes, renderer,
GPU and utility processes).

Debian packages: chromium and xvfb. For the benchmark only; the kiosk neither needs nor installs them.
"""

from __future__ import annotations

import contextlib
import html
import http.server
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from proc_memory import tree_footprint_kb, tree_memory_kb

REPO_ROOT = Path(__file__).resolve().parent.parent
SERVICES_JSON = REPO_ROOT / "assets" / "content" / "services.json"
FONT_DIR = REPO_ROOT / "assets" / "fonts"
SIZE_PX = (1080, 1920)
LOAD_TIMEOUT_S = 90
SETTLE_S = 5.0


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def missing_parts() -> list[str]:
    """What this machine lacks for the comparison (empty when it can run)."""
    missing = [] if chromium_path() else ["chromium (Debian package chromium)"]
    return missing + ([] if shutil.which("Xvfb") else ["Xvfb (Debian package xvfb)"])


def services_page() -> str:
    """The 40 services as one static page: title bar, category chips with counts, a row per service."""
    records = json.loads(SERVICES_JSON.read_text(encoding="utf-8"))["records"]
    counts: dict[str, int] = {}
    for rec in records:
        counts[rec["category"]] = counts.get(rec["category"], 0) + 1
    chips = "".join(f'<span class="chip">{html.escape(name)}&nbsp;&nbsp;{count}</span>'
                    for name, count in counts.items())
    rows = "".join(f'<li><div class="title">{html.escape(rec["title"])}</div>'
                   f'<div class="sub">{html.escape(rec["category"])} · {html.escape(rec.get("summary", ""))}</div></li>'
                   for rec in records)
    faces = "".join(f'@font-face {{ font-family: "Kiosk Sans SC"; src: url("fonts/{path.name}"); '
                    f'font-weight: {700 if "Bold" in path.name else 400}; }}\n'
                    for path in sorted(FONT_DIR.glob("*.otf")))
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>服务事项</title>
<style>
{faces}
html, body {{ margin: 0; background: #f5f6f8; color: #1a1c1e; font-family: "Kiosk Sans SC"; font-size: 28px; }}
header {{ background: #0b4f9c; color: #fff; font-size: 44px; font-weight: 700; padding: 28px 40px; }}
.chips {{ display: flex; flex-wrap: wrap; gap: 12px; padding: 24px 40px; }}
.chip {{ background: #fff; border: 1px solid #d0d4da; border-radius: 12px; padding: 16px 24px; }}
ul {{ list-style: none; margin: 0; padding: 0 40px 40px; }}
li {{ background: #fff; border: 1px solid #d0d4da; border-radius: 12px; margin-bottom: 12px; padding: 20px 24px; }}
.title {{ font-size: 34px; font-weight: 700; }}
.sub {{ color: #5a6068; margin-top: 8px; }}
</style></head>
<body><header>服务事项</header><div class="chips">{chips}</div><ul>{rows}</ul>
<script>
window.addEventListener("load", () => document.fonts.ready.then(() => fetch("/loaded")));
</script></body></html>
"""


@contextlib.contextmanager
def serve_page(site_dir: Path) -> Iterator[tuple[str, threading.Event]]:
    """Serve SITE_DIR on 127.0.0.1; yields (page URL, event set when the page reports /loaded)."""
    loaded = threading.Event()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(site_dir), **kwargs)

        def do_GET(self):
            if self.path == "/loaded":
                loaded.set()
                self.send_response(204)
                self.end_headers()
                return
            super().do_GET()

        def log_message(self, format, *args):  # keep the bench's output to its results
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/services.html", loaded
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def xvfb_display() -> Iterator[str]:
    """An Xvfb server with one 1080x1920 screen; yields its DISPLAY."""
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{SIZE_PX[0]}x{SIZE_PX[1]}x24",
                             "-nolisten", "tcp"], pass_fds=(write_fd,), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as reader:
            number = reader.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not report its display number")
        yield f":{number}"
    finally:
        xvfb.terminate()
        xvfb.wait(10)


def chromium_arguments(profile_dir: Path, url: str) -> list[str]:
    args = [chromium_path(), "--kiosk", f"--window-size={SIZE_PX[0]},{SIZE_PX[1]}", "--window-position=0,0",
            f"--user-data-dir={profile_dir}", "--no-first-run", "--no-default-browser-check", "--noerrdialogs",
            "--password-store=basic"]
    if os.geteuid() == 0:
        # Chromium refuses to start as root with its sandbox; a terminal would run it as a user.
        args.append("--no-sandbox")
    return [*args, url]


def measure_chromium() -> dict:
    """One run: start Xvfb and chromium --kiosk on the page, wait for the page and SETTLE_S, read the tree.
    Returns {"processes": [{"pid", "type", "pss", "anon", "rss", "uss"} ...], "footprint_kb": distinct resident
    pages of the tree (None without root), "load_s": ...}."""
    with tempfile.TemporaryDirectory(prefix="ipkiosk-chromium-bench-") as scratch:
        site = Path(scratch) / "site"
        (site / "fonts").mkdir(parents=True)
        for path in FONT_DIR.glob("*.otf"):
            shutil.copyfile(path, site / "fonts" / path.name)
        (site / "services.html").write_text(services_page(), encoding="utf-8")
        with serve_page(site) as (url, loaded), xvfb_display() as display:
            started = time.perf_counter()
            browser = subprocess.Popen(chromium_arguments(Path(scratch) / "profile", url),
                                       env=dict(os.environ, DISPLAY=display), stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, start_new_session=True)
            try:
                if not loaded.wait(LOAD_TIMEOUT_S):
                    raise RuntimeError(f"chromium did not load the page within {LOAD_TIMEOUT_S} s")
                load_s = time.perf_counter() - started
                time.sleep(SETTLE_S)
                rows = tree_memory_kb(browser.pid)
                footprint = tree_footprint_kb([row["pid"] for row in rows])
            finally:
                browser.terminate()
                try:
                    browser.wait(15)
                except subprocess.TimeoutExpired:
                    browser.kill()
                    browser.wait(5)
                # Its own session: whatever of the tree outlived the browser goes with it.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(browser.pid, signal.SIGKILL)
    for row in rows:
        # Chromium rewrites its child processes' argv into one space-separated string.
        args = " ".join(row.pop("cmdline")).split()
        kind = next((arg.split("=", 1)[1] for arg in args if arg.startswith("--type=")), "browser")
        if kind == "utility":
            kind = next((arg.split("=", 1)[1] for arg in args if arg.startswith("--utility-sub-type=")), kind)
        row["type"] = kind
    return {"processes": rows, "footprint_kb": footprint, "load_s": load_s}
