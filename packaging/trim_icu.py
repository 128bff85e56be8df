#!/usr/bin/env python3
"""Shrink the ICU data library of the bundle to what a zh_CN/en_US kiosk can use.

Qt Core links ICU, and the ICU data in PySide6's libicudata.so.N is 32 MB: every locale,
every legacy converter, break dictionaries for Thai/Khmer/Burmese/CJK, transliterators.
Qt uses ICU for collation, locale-aware case mapping and time-zone names; its own CLDR
tables, UTF-8/16 and text layout do not need the data package. Kept: the core items
(properties, normalisation, aliases, Unicode names, collation base), and the root, en and
zh locales of every tree. Removed: other locales, the converter tables (*.cnv), break
dictionaries and transliterators. ICU falls back to root for anything asked for that is gone.

The data is cut out of the library (symbol icudtNN_dat), trimmed with ICU's own icupkg
(Debian: icu-devtools) and linked back into a data-only shared library with the same
soname (gcc). Usage: python packaging/trim_icu.py PATH/TO/libicudata.so.NN
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

KEPT_LOCALE = re.compile(r"^(root|en|en_US|en_001|zh|zh_Hans|zh_Hans_CN|zh_CN|pool|res_index)\.res$")
LOCALE_NAME = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]*)*\.res$")
LOCALE_TREES = {"brkitr", "coll", "curr", "lang", "rbnf", "region", "unit", "zone"}
# Core data items that live in the top level but look like locale names.
KEPT_TOP_LEVEL = {"root.res", "en.res", "zh.res", "zh_Hans.res", "zh_Hans_CN.res", "zh_CN.res", "pool.res", "res_index.res"}


def removable(item: str) -> bool:
    """Whether one item of the ICU package (e.g. 'coll/ko.res', 'gb18030.cnv') can go."""
    if item.endswith((".cnv", ".dict")) or item.startswith("translit/"):
        return True
    if "/" in item:
        tree, name = item.split("/", 1)
        return tree in LOCALE_TREES and bool(LOCALE_NAME.match(name)) and not KEPT_LOCALE.match(name)
    return bool(LOCALE_NAME.match(item)) and item not in KEPT_TOP_LEVEL


def _data_symbol(library: Path) -> tuple[str, int, int]:
    out = subprocess.run(["nm", "-D", "--defined-only", "-S", str(library)], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and re.fullmatch(r"icudt\d+_dat", parts[3]):
            return parts[3], int(parts[0], 16), int(parts[1], 16)
    raise SystemExit(f"trim_icu: {library}: no icudtNN_dat symbol")


def _section_file_offset(library: Path, address: int) -> int:
    """File offset of a virtual address, from the section table (readelf -S)."""
    out = subprocess.run(["readelf", "-S", "-W", str(library)], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        m = re.search(r"\]\s+\S+\s+\S+\s+([0-9a-f]{16})\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if m:
            vaddr, offset, size = (int(g, 16) for g in m.groups())
            if vaddr <= address < vaddr + size:
                return offset + (address - vaddr)
    raise SystemExit(f"trim_icu: {library}: address {address:#x} is in no section")


def trim(library: Path) -> tuple[int, int]:
    """Rewrite LIBRARY in place; returns (bytes before, bytes after)."""
    for tool in ("icupkg", "gcc", "nm", "readelf"):
        if shutil.which(tool) is None:
            raise SystemExit(f"trim_icu: {tool} not found (packaging/system-deps.sh test installs icu-devtools and gcc)")
    symbol, address, size = _data_symbol(library)
    raw = library.read_bytes()
    start = _section_file_offset(library, address)
    data = raw[start:start + size]
    if data[2:4] != b"\xda\x27" or data[12:16] != b"CmnD":
        raise SystemExit(f"trim_icu: {library}: {symbol} is not an ICU common data package")
    soname = library.name
    # icupkg insists that the file name is the package name (icudt73l.dat: version 73, little-endian).
    package = f"{symbol.removesuffix('_dat')}l.dat"
    with tempfile.TemporaryDirectory(prefix="trim-icu-") as tmp:
        work = Path(tmp)
        (work / "in").mkdir()
        (work / "out").mkdir()
        (work / "in" / package).write_bytes(data)
        listing = subprocess.run(["icupkg", "-l", str(work / "in" / package)], capture_output=True, text=True,
                                 check=True).stdout.split()
        gone = [item for item in listing if removable(item)]
        (work / "remove.txt").write_text("\n".join(gone) + "\n")
        # --ignore-deps: root's break rules name the dictionaries removed here; ICU then breaks
        # those scripts without a dictionary (Qt does its own text breaking anyway).
        subprocess.run(["icupkg", "--ignore-deps", "-r", str(work / "remove.txt"), str(work / "in" / package), str(work / "out" / package)],
                       check=True, capture_output=True)
        (work / "data.S").write_text(
            f'.section .rodata\n.globl {symbol}\n.type {symbol}, @object\n.balign 16\n{symbol}:\n'
            f'.incbin "{work / "out" / package}"\n.size {symbol}, .-{symbol}\n'
            '.section .note.GNU-stack,"",@progbits\n')
        subprocess.run(["gcc", "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-o", str(work / soname),
                        str(work / "data.S")], check=True)
        before = library.stat().st_size
        shutil.copyfile(work / soname, library)
    print(f"trim_icu: {library.name}: {before / 1e6:.1f} MB → {library.stat().st_size / 1e6:.1f} MB "
          f"({len(gone)} of {len(listing)} data items removed)")
    return before, library.stat().st_size


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: trim_icu.py PATH/TO/libicudata.so.NN", file=sys.stderr)
        sys.exit(2)
    trim(Path(sys.argv[1]))
