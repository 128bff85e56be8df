"""kiosk.printer_status: the one answer to "can slips be printed?", asked of the real CUPS scheduler
(packaging/ci-cups-setup.sh starts it and adds the cups-pdf queue) and worded for the admin screen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from kiosk.printer_status import PrinterState, PrinterStatus, printer_problem, printer_status
from tests import cups_helpers
from tests.conftest import REPO_ROOT


@pytest.fixture
def cups_queue() -> cups_helpers.CupsPdfQueue:
    return cups_helpers.cups_pdf_queue()


@pytest.fixture
def stopped_queue(cups_queue) -> Iterator[str]:
    """A second cups-pdf queue, disabled (as `cupsdisable` leaves a queue), removed after the test."""
    if os.geteuid() != 0:
        pytest.skip("adding a CUPS queue needs root")
    name = "ipkiosk-stopped"
    driver = subprocess.run(["lpinfo", "-m"], capture_output=True, text=True, timeout=60, check=True).stdout
    ppd = next(line.split()[0] for line in driver.splitlines() if "CUPS-PDF" in line)
    subprocess.run(["lpadmin", "-p", name, "-v", "cups-pdf:/", "-m", ppd], capture_output=True, timeout=60, check=True)
    try:
        subprocess.run(["cupsdisable", name], timeout=60, check=True)
        yield name
    finally:
        subprocess.run(["lpadmin", "-x", name], timeout=60, check=False)


def test_an_enabled_queue_is_ready(cups_queue):
    status = printer_status(cups_queue.name)
    assert (status.name, status.state, status.problem) == (cups_queue.name, PrinterState.READY, None)
    assert status.activity in ("idle", "printing")
    assert printer_problem(cups_queue.name) is None


def test_a_queue_that_does_not_exist_is_named(cups_queue):
    status = printer_status("ipkiosk-no-such-queue")
    assert status.state is PrinterState.NO_QUEUE and status.cups_error
    assert printer_problem("ipkiosk-no-such-queue") == "printer queue 'ipkiosk-no-such-queue' does not exist"


def test_a_disabled_queue_is_stopped(stopped_queue):
    status = printer_status(stopped_queue)
    assert (status.name, status.state) == (stopped_queue, PrinterState.STOPPED)
    assert status.problem == f"printer {stopped_queue!r} is stopped or in error"


def test_the_printer_status_command_gives_both_answers(cups_queue, tmp_path):
    # What the UI's child runs: `ipkiosk printer-status --printer Q --json`, exit 0 when slips can print.
    def ask(queue: str) -> tuple[int, dict]:
        proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "printer-status", "--printer", queue, "--json"],
                              cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
        return proc.returncode, json.loads(proc.stdout)

    assert ask(cups_queue.name) == (0, {"printer": cups_queue.name, "problem": None})
    assert ask("ipkiosk-no-such-queue") == (1, {"printer": "ipkiosk-no-such-queue",
                                                "problem": "printer queue 'ipkiosk-no-such-queue' does not exist"})


@pytest.mark.parametrize(("status", "problem"), [
    (PrinterStatus("receipt", PrinterState.READY, activity="idle"), None),
    (PrinterStatus("receipt", PrinterState.STOPPED), "printer 'receipt' is stopped or in error"),
    (PrinterStatus("", PrinterState.NO_DEFAULT), "no printer_name configured and no system default printer"),
    (PrinterStatus("receipt", PrinterState.NO_LIBCUPS), "the CUPS library (libcups) is not installed"),
])
def test_each_state_is_worded_as_the_admin_screen_shows_it(status, problem):
    assert status.problem == problem
