"""Names for assistive technology: the visitor pages as a screen reader (Orca) hears them, over AT-SPI.

The whole kiosk runs on a real X display (Xvfb) with Qt's AT-SPI bridge switched on, on its own session bus
(dbus-run-session, which activates at-spi2-core's accessibility bus); tests/probes/accessibility_kiosk.py opens
home, a service page, the search page, the booking page, the catalogue, the policy list and a policy, and reads
each page's live accessibility tree with
pyatspi (tests/probes/atspi_tree.py, under the system Python: pyatspi is a Debian package). A page fails when
a control a screen reader can reach has no name, or when a point a visitor can tap (a MouseArea or text field
on screen) is covered by no named control, so a blind visitor could not find it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.helpers import REPO_ROOT, x_display

SERVICE_ID = "svc-patent-application"
POLICY_ID = "pol-zz-2022-140-notice"
PAGES = ["home", f"record:{SERVICE_ID}", "search", "booking:bk-patent-consult", "catalog", "list:policies",
         f"record:{POLICY_ID}"]
SYSTEM_PYTHON = "/usr/bin/python3"
# Every page takes a few seconds to build and read on a loaded 2-core machine; this only detects a hang.
PROBE_TIMEOUT_S = 600


def control_nodes(nodes: list[dict]) -> list[dict]:
    """The nodes a screen reader offers to act on: those with an action, and editable text."""
    return [n for n in nodes if n["extents"] and ([a for a in n["actions"] if a != "SetFocus"]
                                                  or "editable" in n["states"])]


def problems(page: dict) -> list[str]:
    """What makes PAGE (one page of the probe's output) fail: unnamed controls, taps no named control covers."""
    found = []
    controls = control_nodes(page["atspi"]["nodes"])
    for node in controls:
        if not node["name"].strip():
            found.append(f"{page['page']}: unnamed {node['role']} at {node['extents']}")
    for target in page["targets"]:
        x, y = target["x"], target["y"]
        covering = [n for n in controls
                    if n["extents"][0] <= x < n["extents"][0] + n["extents"][2]
                    and n["extents"][1] <= y < n["extents"][1] + n["extents"][3]]
        if not any(n["name"].strip() for n in covering):
            found.append(f"{page['page']}: {target['what']} at ({x}, {y}) has no named accessible control")
    return found


def names(page: dict, role: str) -> set[str]:
    return {n["name"] for n in page["atspi"]["nodes"] if n["role"] == role}


def test_the_check_catches_an_unnamed_control_and_an_unexposed_tap_target():
    page = {"page": "home", "atspi": {"nodes": [
        {"role": "push button", "name": "", "actions": ["Press"], "states": [], "extents": [0, 0, 100, 100]},
        {"role": "push button", "name": "服务事项", "actions": ["Press"], "states": [], "extents": [0, 200, 100, 100]},
        {"role": "label", "name": "", "actions": [], "states": [], "extents": [0, 400, 100, 100]},
    ]}, "targets": [{"what": "MouseArea in tile", "x": 50, "y": 250},
                    {"what": "MouseArea in bare", "x": 50, "y": 450}]}
    assert problems(page) == ["home: unnamed push button at [0, 0, 100, 100]",
                              "home: MouseArea in bare at (50, 450) has no named accessible control"]


def _missing_tools() -> str:
    for tool in ("Xvfb", "dbus-run-session"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (packaging/system-deps.sh test)"
    check = subprocess.run([SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, text=True)
    if check.returncode != 0:
        return "pyatspi is not installed for the system Python (packaging/system-deps.sh test: python3-pyatspi)"
    return ""


@pytest.fixture(scope="module", params=["1080x1920", "1920x1080"])
def screen_reader_view(request, tmp_path_factory):
    """The probe's output at one window size: every page's accessibility tree as AT-SPI reads it, and its tap
    targets."""
    missing = _missing_tools()
    if missing:
        pytest.skip(missing)
    tmp = tmp_path_factory.mktemp("a11y")
    with x_display("1920x1920x24") as display:
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
                   PYTHONPATH=str(REPO_ROOT), XDG_DATA_HOME=str(tmp / "xdg"))
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        probe = subprocess.run(
            ["dbus-run-session", "--", sys.executable, "-m", "tests.probes.accessibility_kiosk",
             "--data-dir", str(tmp / "data"), "--size", request.param, "--out", str(tmp / "tree.json"),
             *PAGES],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S)
    assert probe.returncode == 0, probe.stderr[-3000:]
    return {page["page"]: page for page in json.loads((tmp / "tree.json").read_text(encoding="utf-8"))["pages"]}


@pytest.mark.slow
def test_every_control_on_the_visitor_pages_has_a_name(screen_reader_view):
    assert list(screen_reader_view) == PAGES
    found = [p for page in screen_reader_view.values() for p in problems(page)]
    assert found == []
    # The probe really saw the pages' controls (not an empty tree that would pass by saying nothing).
    for page in screen_reader_view.values():
        assert len(page["targets"]) >= 3 and len(control_nodes(page["atspi"]["nodes"])) >= 3, page["page"]


@pytest.mark.slow
def test_the_names_are_what_a_visitor_sees(screen_reader_view):
    home = screen_reader_view["home"]
    assert {"服务事项", "政策法规", "通知公告", "搜索"} <= names(home, "push button")
    service = screen_reader_view[f"record:{SERVICE_ID}"]
    assert {"返回", "首页", "朗读"} <= names(service, "push button")
    assert "预约二维码" in names(service, "image")
    search = screen_reader_view["search"]
    assert "搜索" in names(search, "text")
    assert {"Q", "空格", "退格", "清空", "数字键盘"} <= names(search, "push button")
    booking = screen_reader_view["booking:bk-patent-consult"]
    chosen = [n for n in booking["atspi"]["nodes"] if n["role"] == "radio button" and "checked" in n["states"]]
    assert [n["name"] for n in chosen] == ["专利申请咨询"]
    assert len(names(booking, "radio button")) == 8
    assert {"朗读", "预约二维码"} <= names(booking, "push button") | names(booking, "image")
    catalog = screen_reader_view["catalog"]
    chosen = [n["name"] for n in catalog["atspi"]["nodes"] if "checked" in n["states"]]
    assert len(chosen) == 1 and chosen[0].startswith("专利"), chosen  # the category chips say which is chosen
    assert "list item" in {n["role"] for n in catalog["atspi"]["nodes"]}
    policies = screen_reader_view["list:policies"]
    assert "郑州市市场监督管理局（知识产权局）关于印发郑州市知识产权公共服务体系建设实施方案的通知" in names(policies, "list item")
    assert "朗读" in names(screen_reader_view[f"record:{POLICY_ID}"], "push button")
