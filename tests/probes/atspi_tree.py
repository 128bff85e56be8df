"""Probe: the accessibility tree of one running application as a screen reader sees it, read over AT-SPI.

    /usr/bin/python3 tests/probes/atspi_tree.py PID [--timeout S]

Runs under the system Python (pyatspi is a Debian package, python3-pyatspi; it is not on PyPI) on the session
bus of the application. Waits until the application with process id PID has registered on the accessibility
bus, then prints one JSON document: {"app": name, "nodes": [{"role", "name", "description", "states",
"actions", "extents": [x, y, w, h]}, …]} for every node that is showing on screen. Exit 1 (with the reason on
stderr) when the application does not appear in time.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import pyatspi

MAX_NODES = 20_000  # a page has a few hundred; far more means a cycle or a runaway tree


def find_application(pid: int, timeout_s: float):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            app = desktop.getChildAtIndex(i)
            try:
                if app is not None and app.get_process_id() == pid:
                    return app
            except Exception:  # an application that went away meanwhile
                continue
        time.sleep(0.2)
    return None


def describe(node) -> dict:
    states = node.getState()
    try:
        action = node.queryAction()
        actions = [action.getName(i) for i in range(action.nActions)]
    except NotImplementedError:
        actions = []
    try:
        box = node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
        extents = [box.x, box.y, box.width, box.height]
    except NotImplementedError:
        extents = None
    return {"role": node.getRoleName(), "name": node.name or "", "description": node.description or "",
            "states": sorted(pyatspi.stateToString(s) for s in states.getStates()), "actions": actions,
            "extents": extents}


def walk(app) -> list[dict]:
    nodes, todo = [], [app]
    while todo and len(nodes) < MAX_NODES:
        node = todo.pop()
        try:
            info = describe(node)
            children = [node.getChildAtIndex(i) for i in range(node.childCount)]
        except Exception:  # a node destroyed while it was read
            continue
        if node is not app and "showing" not in info["states"]:
            continue  # hidden, with everything below it
        nodes.append(info)
        todo.extend(c for c in reversed(children) if c is not None)
    return nodes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pid", type=int)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    app = find_application(args.pid, args.timeout)
    if app is None:
        print(f"atspi_tree: no application with process id {args.pid} on the accessibility bus within "
              f"{args.timeout:.0f} s", file=sys.stderr)
        return 1
    json.dump({"app": app.name, "nodes": walk(app)}, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
