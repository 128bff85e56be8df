"""Memory of a process and of its whole process tree, from /proc (Linux), for the UI benchmark.

PSS (proportional set size) charges each page to the processes mapping it in equal parts, so the
sum of PSS over a process tree is what that tree costs the machine, shared libraries included
once. It moves when other processes on the machine map the same files (other Qt or Python
processes share the Qt and Python libraries); RSS (each process's pages counted whole) bounds it
from above and USS (pages only this process maps) from below.

The footprint (tree_footprint_kb) does not move with the neighbours: it counts every physical
page any process of the tree has resident once, from /proc/PID/pagemap. It is what the tree
would cost on a machine of its own, as a terminal is. The page frame numbers need root (without
it the kernel reports them as 0 and the footprint is None).
"""

from __future__ import annotations

import os
from array import array
from pathlib import Path

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
_PRESENT = 1 << 63
_FRAME_MASK = (1 << 55) - 1
_CHUNK_PAGES = 1 << 16


def memory_kb(pid: int | str = "self") -> dict[str, int]:
    """PSS, its anonymous part, RSS and USS (private pages) of a process (this one), kB, from smaps_rollup.

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


def _parent_pids() -> dict[int, int]:
    """pid → parent pid of every process visible now."""
    parents = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        # The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
        parents[int(entry.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
    return parents


def descendants(pid: int) -> list[int]:
    """Every process below PID (children, their children, ...), in no particular order."""
    parents = _parent_pids()
    found: list[int] = []
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def command_line(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").rstrip("\0").split("\0")
    except OSError:
        return []


def tree_memory_kb(pid: int | str = "self") -> list[dict]:
    """PID and every process below it: [{"pid", "cmdline", "pss", "anon", "rss", "uss"}], PID first.
    Processes that exit while being read are left out."""
    root = os.getpid() if pid == "self" else int(pid)
    rows = []
    for member in (root, *descendants(root)):
        try:
            rows.append({"pid": member, "cmdline": command_line(member), **memory_kb(member)})
        except (OSError, KeyError):  # exited meanwhile (KeyError: a zombie's empty smaps_rollup)
            continue
    return rows


def _resident_frames(pid: int) -> set[int]:
    """Page frame numbers of every resident page of PID (mappings with resident pages only)."""
    frames: set[int] = set()
    ranges = []
    start = end = 0
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        head = line.split(maxsplit=1)[0]
        if "-" in head and not head.endswith(":"):
            low, high = head.split("-")
            start, end = int(low, 16), int(high, 16)
        elif head == "Rss:" and int(line.split()[1]) > 0:
            ranges.append((start, end))
    with open(f"/proc/{pid}/pagemap", "rb") as pagemap:
        for start, end in ranges:
            for first in range(start // PAGE_SIZE, end // PAGE_SIZE, _CHUNK_PAGES):
                count = min(_CHUNK_PAGES, end // PAGE_SIZE - first)
                pagemap.seek(first * 8)
                data = pagemap.read(count * 8)
                if not data.strip(b"\0"):  # nothing resident in this chunk (most of a reservation)
                    continue
                frames.update(entry & _FRAME_MASK for entry in array("Q", data) if entry & _PRESENT)
    return frames


def tree_footprint_kb(pids: list[int]) -> int | None:
    """kB of distinct physical pages resident in any of PIDS (shared pages counted once, however many of
    PIDS or of the other processes on the machine map them); None without the rights to read frames."""
    frames: set[int] = set()
    for pid in pids:
        try:
            frames |= _resident_frames(pid)
        except OSError:  # exited meanwhile
            continue
    frames.discard(0)
    return len(frames) * PAGE_SIZE // 1024 if frames else None
