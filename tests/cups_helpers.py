"""Helpers for the printing tests: poppler (pdftoppm/pdftotext/pdfinfo), zxing-cpp, a real CUPS queue."""

from __future__ import annotations

import getpass
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

REPO_ROOT = Path(__file__).resolve().parent.parent
CUPS_SETUP_SCRIPT = REPO_ROOT / "packaging" / "ci-cups-setup.sh"
CUPS_PDF_CONF = Path("/etc/cups/cups-pdf.conf")
TEST_QUEUE = "ipkiosk-pdf"
PT_PER_MM = 72 / 25.4


def require_poppler() -> None:
    missing = [t for t in ("pdftoppm", "pdftotext", "pdfinfo") if shutil.which(t) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: install poppler-utils (packaging/system-deps.sh test)")


def rasterise(pdf: Path, out_dir: Path, dpi: int = 200) -> Path:
    """First page of the PDF as a PNG in out_dir."""
    require_poppler()
    stem = out_dir / pdf.stem
    subprocess.run(["pdftoppm", "-q", "-r", str(dpi), "-png", "-singlefile", str(pdf), str(stem)], check=True)
    return stem.with_suffix(".png")


def decode_qr(png: Path) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(png), formats=zxingcpp.BarcodeFormat.QRCode)]


def pdf_text(pdf: Path) -> str:
    require_poppler()
    out = subprocess.run(["pdftotext", "-q", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True)
    return out.stdout


def pdf_page_size_mm(pdf: Path) -> tuple[float, float]:
    require_poppler()
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    match = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert match, f"no page size in pdfinfo output: {info}"
    return float(match.group(1)) / PT_PER_MM, float(match.group(2)) / PT_PER_MM


@dataclass(frozen=True)
class CupsPdfQueue:
    name: str
    output_dir: Path  # where cups-pdf writes this user's PDFs

    def pdfs(self) -> dict[Path, int]:
        """PDFs in the output dir with their mtimes (cups-pdf overwrites a file of the same title)."""
        if not self.output_dir.is_dir():
            return {}
        return {p: p.stat().st_mtime_ns for p in self.output_dir.glob("*.pdf")}

    def wait_for_new_pdf(self, before: dict[Path, int], timeout_s: float = 30) -> Path:
        """The PDF cups-pdf wrote after ``before`` was taken (fully written: size stable)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            new = sorted((p for p, mtime in self.pdfs().items() if before.get(p) != mtime),
                         key=lambda p: p.stat().st_mtime_ns)
            if new:
                pdf = new[-1]
                size = pdf.stat().st_size
                time.sleep(0.2)
                if size > 0 and pdf.stat().st_size == size:
                    return pdf
            time.sleep(0.1)
        jobs = subprocess.run(["lpstat", "-W", "all", "-o", self.name], capture_output=True, text=True).stdout
        raise AssertionError(f"cups-pdf wrote no PDF into {self.output_dir} within {timeout_s} s; jobs:\n{jobs}")


def _scheduler_running() -> bool:
    out = subprocess.run(["lpstat", "-r"], capture_output=True, text=True)
    return "is running" in out.stdout


def _queue_exists(name: str) -> bool:
    return subprocess.run(["lpstat", "-v", name], capture_output=True, text=True).returncode == 0


def _cups_pdf_output_dir() -> Path:
    out = "${HOME}/PDF"  # cups-pdf's built-in default
    for line in CUPS_PDF_CONF.read_text(encoding="utf-8").splitlines():
        if line.startswith("Out "):
            out = line[4:].strip()
    user = getpass.getuser()
    home = os.path.expanduser(f"~{user}")
    return Path(out.replace("${USER}", user).replace("${HOME}", home))


def cups_pdf_queue() -> CupsPdfQueue:
    """The cups-pdf test queue, set up by packaging/ci-cups-setup.sh (run here if needed).

    Skips only when cupsd cannot be started here (not root, CUPS not installed, or the
    scheduler refuses to start); the reason is in the skip message.
    """
    if shutil.which("lpstat") is None or not CUPS_PDF_CONF.is_file():
        pytest.skip("CUPS or cups-pdf not installed (packaging/system-deps.sh test installs them)")
    if not (_scheduler_running() and _queue_exists(TEST_QUEUE)):
        if os.geteuid() != 0:
            pytest.skip(f"cupsd not running with queue {TEST_QUEUE} and not root: run packaging/ci-cups-setup.sh as root")
        result = subprocess.run([str(CUPS_SETUP_SCRIPT), TEST_QUEUE], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            pytest.skip(f"cupsd cannot start here: {result.stderr.strip() or result.stdout.strip()}")
    return CupsPdfQueue(TEST_QUEUE, _cups_pdf_output_dir())
