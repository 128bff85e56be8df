"""Print the Debian packages that own the OS libraries a bundle loads (for the .deb Depends).

Runs ldd on every ELF file in the bundle, keeps what resolves outside it, and asks dpkg
which package owns each file. With merged /usr a file may be registered under /lib or
/usr/lib, so both spellings are tried. Fails on a library ldd cannot find or dpkg does not
know. Usage: python packaging/deb_depends.py dist/ipkiosk
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ELF_MAGIC = b"\x7fELF"


def elf_files(bundle: Path) -> list[Path]:
    out = []
    for p in sorted(bundle.rglob("*")):
        if p.is_file() and not p.is_symlink():
            with p.open("rb") as fh:
                if fh.read(4) == ELF_MAGIC:
                    out.append(p)
    return out


def system_libraries(bundle: Path) -> tuple[set[str], set[str]]:
    """(resolved OS library paths, 'lib => not found' lines)."""
    found, missing = set(), set()
    bundle = bundle.resolve()
    for elf in elf_files(bundle):
        result = subprocess.run(["ldd", str(elf)], capture_output=True, text=True, check=False)
        for line in result.stdout.splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[1] == "=>":
                if parts[2] == "not":
                    missing.add(parts[0])
                elif not Path(parts[2]).resolve().is_relative_to(bundle):
                    found.add(parts[2])
    return found, missing


def _spellings(path: str) -> list[str]:
    candidates = [path, str(Path(path).resolve())]
    for p in list(candidates):
        if p.startswith("/usr/lib/"):
            candidates.append(p[len("/usr"):])
        elif p.startswith("/lib"):
            candidates.append("/usr" + p)
    return list(dict.fromkeys(candidates))


def owner(path: str) -> str | None:
    for candidate in _spellings(path):
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return result.stdout.split(":", 1)[0].strip()
    return None


def main(argv: list[str]) -> int:
    bundle = Path(argv[0])
    libraries, missing = system_libraries(bundle)
    if missing:
        print(f"deb_depends: libraries not found on the build machine: {', '.join(sorted(missing))}", file=sys.stderr)
        return 1
    packages, unowned = set(), []
    for lib in sorted(libraries):
        pkg = owner(lib)
        if pkg is None:
            unowned.append(lib)
        else:
            packages.add(pkg.split(",")[0].strip())
    if unowned:
        print(f"deb_depends: no Debian package owns: {', '.join(unowned)}", file=sys.stderr)
        return 1
    print(", ".join(sorted(packages)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
