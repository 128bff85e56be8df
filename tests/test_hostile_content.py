"""The standing hostile-content harness: generated content sources, mostly valid with one hostile field,
through the real pipeline.

1. ``python -m kiosk.sync.publish build SRC REPO --keys KEYS`` refuses (exit 1/2, one stderr line naming the
   file, the record and the field, no traceback) or accepts; what the content rules forbid
   (tests/hostile_strategies.py ``must_refuse``) it must refuse, and what they allow it must accept.
2. Accepted content is served by a real HTTP server on 127.0.0.1 to ``python -m kiosk.cli sync --once``
   on a fresh terminal: the terminal applies it (the publisher and the terminal keep the same rules), the
   outcome is recorded (``status --json``), station.db is untouched, ``show`` prints no raw control
   character. Content signed without the publisher's checks (a "hand-signed" manifest) must be refused
   by the terminal with REFUSED (exit 13) when the rules forbid it (a terminal tolerates a small, clean
   unknown field), and applied when they allow it, while the other collections of the same version
   still apply.
3. The pages that show the records are rendered offscreen (tests/probes/hostile_render.py): no QML warning,
   no network request, no file opened because content named it (a FIFO the test watches; the probe's
   stdin carries a canary that must stay unread), no GUI-thread stall over 1 s, and the hostile text is
   visible as plain text.

Profiles (environment variable HOSTILE_PROFILE): ``fast`` (default; derandomized, a handful of examples:
what `make test` runs) and ``fuzz`` (`make fuzz`: thousands of examples at the publisher/sync level, fewer
renders; HOSTILE_EXAMPLES overrides the publisher-level count). Examples hypothesis found are kept in
tests/hostile-corpus.json and run first in every profile. With HOSTILE_SURVEY=FILE.jsonl the tests record
every problem they find in FILE instead of stopping at the first one (for a survey of failure classes).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings

from kiosk.core import config as config_mod
from kiosk.core.manifest import COLLECTIONS, FORMAT, Manifest
from kiosk.core.safe_text import content_problem, for_display
from kiosk.sync import publish, trust
from kiosk.sync.client import EXIT_CODES
from tests import hostile_strategies as hs
from tests.helpers import file_digest
from tests.sync_helpers import RepoServer, write_config_file

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS = json.loads((Path(__file__).resolve().parent / "hostile-corpus.json").read_text(encoding="utf-8"))

PROFILE = os.environ.get("HOSTILE_PROFILE", "fast")
if PROFILE not in ("fast", "fuzz"):
    raise ValueError(f"HOSTILE_PROFILE: got {PROFILE!r}, expected fast or fuzz")
FUZZ_EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "2000"))
SURVEY = os.environ.get("HOSTILE_SURVEY")

# Every example is several subprocesses: no deadline, no shrinking in the fast profile (an example is
# one to three mutations already, and a shrink would rerun the whole pipeline dozens of times).
# The module's fixtures are made once (workshop); the autouse ones of conftest only isolate the environment.
_SLOW_IS_EXPECTED = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                     HealthCheck.function_scoped_fixture, HealthCheck.large_base_example]
_COMMON = {"deadline": None, "suppress_health_check": _SLOW_IS_EXPECTED, "print_blob": True}
FAST = settings(derandomize=True, database=None, phases=[Phase.explicit, Phase.generate], **_COMMON)
FUZZ = settings(**_COMMON)


def profile(fast_examples: int, fuzz_examples: int) -> settings:
    """The settings of one property in the chosen profile (applied per test, never loaded globally, so
    the other hypothesis tests of the suite keep theirs)."""
    if PROFILE == "fast":
        return settings(FAST, max_examples=fast_examples)
    return settings(FUZZ, max_examples=fuzz_examples)


def selected_for_render(mutations: list[dict]) -> bool:
    """Every kept regression case, and a stable one in RENDER_EVERY of the generated examples."""
    if any(case["mutations"] == mutations for cases in CORPUS.values() for case in cases):
        return True
    digest = hashlib.sha256(json.dumps(mutations, sort_keys=True, ensure_ascii=True).encode()).digest()
    return digest[0] % RENDER_EVERY == 0


def corpus(name: str):
    """Apply the kept regression cases of tests/hostile-corpus.json as explicit examples."""
    def decorate(test):
        for case in reversed(CORPUS[name]):
            test = example(case["mutations"])(test)
        return test
    return decorate


# Accepted examples of the publisher-level test are also rendered: every kept regression case, and one
# in RENDER_EVERY generated ones (a render costs several seconds; the render test covers the screen).
RENDER_EVERY = {"fast": 4, "fuzz": 10}[PROFILE]
SUBPROCESS_TIMEOUT_S = 120  # a hang detector, not a speed assertion
HUNG = -1  # the return code run() reports for a process that did not exit in time
STALL_S = 1.0
TERMINAL_OUTCOMES = {code: name for name, code in EXIT_CODES.items()}


# ---------------------------------------------------------------- problems


class Problems:
    """What one example broke, each as (class, detail). The class is what a survey counts."""

    def __init__(self, mutations: list[dict]):
        self.mutations = mutations
        self.found: list[tuple[str, str]] = []

    def add(self, kind: str, detail: str) -> None:
        self.found.append((kind, detail[:2000]))

    def check(self) -> None:
        if SURVEY:
            if self.found:
                with open(SURVEY, "a", encoding="utf-8") as out:
                    out.write(json.dumps({"mutations": _short(self.mutations), "problems": self.found}) + "\n")
            return
        assert not self.found, "\n".join(f"{k}: {d}" for k, d in self.found)


def _short(value):
    if isinstance(value, str):
        return value if len(value) <= 300 else value[:300] + f"…({len(value)} chars)"
    if isinstance(value, list):
        return [_short(v) for v in value[:20]]
    if isinstance(value, dict):
        return {k: _short(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------- real processes


def run(argv: list[str], *, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
               QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software")
    env.pop("IPKIOSK_CONFIG", None)
    try:
        return subprocess.run([sys.executable, *argv], cwd=REPO_ROOT, env=env, stdin=stdin, capture_output=True,
                              text=True, errors="backslashreplace", timeout=SUBPROCESS_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="backslashreplace") if isinstance(exc.stdout, bytes) else exc.stdout or ""
        return subprocess.CompletedProcess(argv, HUNG, out, f"no exit within {SUBPROCESS_TIMEOUT_S} s")


TRACEBACK = "Traceback (most recent call last)"


def _has_traceback(proc: subprocess.CompletedProcess) -> bool:
    return TRACEBACK in (proc.stdout or "") + (proc.stderr or "")


def _traceback_of(proc: subprocess.CompletedProcess) -> str:
    """The first traceback in PROC's output (its start and its end, where the exception is), or ""."""
    text = (proc.stderr or "") + (proc.stdout or "")
    at = text.find(TRACEBACK)
    if at < 0:
        return ""
    found = text[at:]
    return found if len(found) <= 1500 else f"{found[:300]} … {found[-1200:]}"


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    """Made once per module: signing keys, the seed published as version 1 (the base of hand-signed
    versions), and a station.db holding one announcement (every terminal gets a copy)."""
    base = tmp_path_factory.mktemp("hostile")
    keys = base / "keys"
    assert publish.main(["init", str(keys)]) == 0
    seed_repo = base / "seed-repo"
    proc = run(["-m", "kiosk.sync.publish", "build", str(hs.SEED_DIR), str(seed_repo), "--keys", str(keys)])
    assert proc.returncode == 0, proc.stderr
    station_dir = base / "station"
    station_dir.mkdir()
    proc = run(["-m", "kiosk.cli", "--config", str(_config(station_dir, "", "")), "announce", "add",
                "--title", "本站公告", "--body", "周五下午闭馆"])
    assert proc.returncode == 0, proc.stderr
    return {"keys": keys, "seed_repo": seed_repo, "station_db": station_dir / "data" / "station.db"}


def _config(folder: Path, url: str, root: Path | str) -> Path:
    """FOLDER/kiosk.toml for a terminal whose data dir is FOLDER/data ("" url and root: no repository)."""
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    cfg = config_mod.from_mapping({"data_dir": str(data), "repository_url": url, "trusted_root": str(root),
                                   "station_id": "zz-test-07"})
    return write_config_file(folder / "kiosk.toml", cfg)


class Marker:
    """A FIFO whose path hostile strings name (file://…/marker.fifo). Opening a FIFO for reading blocks
    until a writer comes, so a watcher thread keeps offering one: if a reader ever opens it, the opening
    is recorded and the reader gets end-of-file at once (no hang)."""

    def __init__(self, folder: Path):
        self.path = folder / "marker.fifo"
        os.mkfifo(self.path)
        self.opened = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno != errno.ENXIO:  # ENXIO: no reader has it open
                    raise
                time.sleep(0.005)
                continue
            self.opened += 1
            os.close(fd)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class StdinCanary:
    """A pipe for a child's stdin holding a few bytes and then end-of-file: a child that reads its stdin
    (an <img src="file:///dev/stdin"> followed) consumes them, which FIONREAD on our copy shows."""

    CANARY = b"canary"

    def __init__(self):
        self.read_fd, write_fd = os.pipe()
        os.write(write_fd, self.CANARY)
        os.close(write_fd)

    def was_read(self) -> bool:
        left = bytearray(4)
        fcntl.ioctl(self.read_fd, termios.FIONREAD, left)
        return int.from_bytes(left, sys.byteorder) < len(self.CANARY)

    def close(self) -> None:
        os.close(self.read_fd)


# ---------------------------------------------------------------- the stages


def stage_publish(mutations: list[dict], source: Path, repo: Path, keys: Path, marker: Marker,
                  problems: Problems) -> bool:
    """Stage 1: build. True when the publisher accepted the source."""
    proc = run(["-m", "kiosk.sync.publish", "build", str(source), str(repo), "--keys", str(keys)])
    if _has_traceback(proc) or proc.returncode not in (0, 1, 2):
        detail = _traceback_of(proc) or proc.stderr[-1500:]
        problems.add("publish: traceback or crash", f"exit {proc.returncode}: {detail}")
        return False
    reason = hs.must_refuse(mutations, str(marker.path), publisher=True)
    if proc.returncode == 0:
        if reason:
            problems.add(f"publish: accepted content the rules refuse ({reason})", proc.stdout.strip())
        return True
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    if not reason:
        problems.add("publish: refused content the rules allow", proc.stderr[-600:])
        return False
    if len(lines) != 1:
        problems.add("publish: refusal is not one line", proc.stderr[-1500:])
        return False
    line = lines[0]
    if not any(hs.names_all(line, m) for m in mutations):
        needs = " or ".join(" + ".join("|".join(alts) for alts in hs.expected_names(m)) for m in mutations)
        problems.add("publish: refusal does not name file, record and field", f"{line[:600]} (expected {needs})")
    return False


def terminal_sync(folder: Path, repo: Path, keys: Path, station_db: Path, problems: Problems,
                  *, stage: str) -> tuple[int, Path, dict | None]:
    """A fresh terminal (bundled seed, a station.db with an announcement) syncs once from REPO served over
    HTTP. Returns (exit code, config path, status document)."""
    with RepoServer(repo) as server:
        config = _config(folder, server.url, keys / "1.root.json")
        shutil.copy(station_db, folder / "data" / "station.db")
        before = file_digest(folder / "data" / "station.db")
        proc = run(["-m", "kiosk.cli", "--config", str(config), "sync", "--once", "--deadline-s", "60"])
    if _has_traceback(proc) or proc.returncode not in TERMINAL_OUTCOMES:
        problems.add(f"{stage}: sync traceback or unexpected exit",
                     f"exit {proc.returncode}: {_traceback_of(proc) or proc.stderr[-1500:]}")
    status_proc = run(["-m", "kiosk.cli", "--config", str(config), "status", "--json"])
    status = None
    if status_proc.returncode != 0 or _has_traceback(status_proc):
        problems.add(f"{stage}: status fails after sync", _traceback_of(status_proc) or status_proc.stderr[-1500:])
    else:
        status = json.loads(status_proc.stdout)
        expected = TERMINAL_OUTCOMES.get(proc.returncode)
        if expected is not None and status["last_result"] != expected:
            problems.add(f"{stage}: outcome not recorded",
                         f"sync exit {proc.returncode} ({expected}) but status last_result={status['last_result']!r}, "
                         f"reason={status['last_reason']!r}")
    if file_digest(folder / "data" / "station.db") != before:
        problems.add(f"{stage}: station.db changed by sync", str(folder))
    return proc.returncode, config, status


def cli_show_is_clean(config: Path, mutations: list[dict], problems: Problems) -> None:
    """`ipkiosk show ID` for every changed record: no traceback, no raw control or bidi character."""
    for rid in sorted({hs.record_id(m) for m in mutations}):
        proc = run(["-m", "kiosk.cli", "--config", str(config), "show", rid])
        if _has_traceback(proc):
            problems.add("cli show: traceback", _traceback_of(proc))
            continue
        for line in proc.stdout.splitlines():
            if content_problem(line.replace("\t", " ")) is not None:
                problems.add("cli show: raw control character reaches the terminal",
                             f"{rid}: {content_problem(line)}: {line[:200]!r}")
                break


def hand_sign(mutations: list[dict], repo: Path, keys: Path, marker: str) -> str:
    """Sign the mutated collections as the next version WITHOUT the publisher's checks (what a broken or
    compromised publishing workflow could ship), plus a valid change to one untouched collection.
    Returns that untouched collection's name."""
    records, raw = hs.apply(mutations, marker)
    writer = trust.RepositoryWriter(repo, trust.KeyStore.load(keys))
    generation = writer.targets_version() + 1
    out = {}
    for collection, target in writer.signed_targets().items():
        data = (repo / "targets" / "content" / f"{target.sha256}.{collection}.json").read_bytes()
        out[collection] = (data, target.sha256, target.generation)
    touched = {m["collection"] for m in mutations} | {m["into"] for m in mutations if m["op"] == "dup"}
    benign = next(c for c in reversed(COLLECTIONS) if c not in touched)
    for collection in sorted(touched):
        recs = sorted(records[collection], key=lambda r: str(r.get("id")) if isinstance(r, dict) else "")
        doc = {"format": FORMAT, "collection": collection, "generation": generation, "records": recs,
               "tombstones": []}
        data = hs.dump_json(doc, raw, canonical=True)
        out[collection] = (data, hashlib.sha256(data).hexdigest(), generation)
    changed = [dict(r) for r in hs.SEED[benign]]
    changed[0] = {**changed[0], "rev": changed[0].get("rev", 1) + 1, "summary": changed[0].get("summary", "") + "（已更新）"}
    manifest = Manifest(benign, generation, sorted(changed, key=lambda r: r["id"]))
    data = manifest.to_json_bytes()
    out[benign] = (data, manifest.sha256(), generation)
    writer.publish(out, timestamp_expiry=trust.DEFAULT_TIMESTAMP_EXPIRY)
    return benign


def render_pages(mutations: list[dict]) -> list[str]:
    """The pages that show the changed records: their detail pages, their lists, home, search, attract."""
    pages = ["home"]
    list_page = {"services": "services", "policies": "policies", "notices": "notices", "news": "news",
                 "events": "events", "booking_types": "booking"}
    for m in mutations:
        seed = hs.SEED[m["collection"]][m["index"] % len(hs.SEED[m["collection"]])]
        pages += [list_page[m["collection"]], f"record:{seed['id']}", f"search:{seed['title'][:2]}"]
        if m["collection"] in ("events", "notices"):
            pages.append("attract")
    return list(dict.fromkeys(pages))


def expected_visible(mutations: list[dict], marker: str) -> dict[str, list[str]]:
    """{page: [text a visitor must see there as plain text]}: a hostile plain one-line field on its
    record's detail page, as the display rules show it (for_display), whitespace runs as one space."""
    out: dict[str, list[str]] = {}
    for m in mutations:
        if m["op"] == "set" and m["field"] in hs.PLAIN_SHOWN_FIELDS and isinstance(m["value"], str):
            value = for_display(m["value"].replace(hs.MARKER, marker))
            if value.strip() and len(value) <= 500:
                out.setdefault(f"record:{hs.record_id(m)}", []).append(_squash(value))
    return out


def _squash(text: str) -> str:
    return " ".join(text.split())


def stage_render(folder: Path, config: Path, mutations: list[dict], marker: Marker, problems: Problems) -> None:
    """Stage 3: render every page that shows the records, in a fresh UI process on the terminal's data."""
    pages = render_pages(mutations)
    canary = StdinCanary()
    try:
        proc = run(["-m", "tests.probes.hostile_render", "--data-dir", str(folder / "data"),
                    *[arg for p in pages for arg in ("--page", p)]], stdin=canary.read_fd)
        stdin_read = canary.was_read()
    finally:
        canary.close()
    if marker.opened:
        problems.add("render: a file named by content was opened", f"{marker.path} opened ({marker.opened} times)")
    if stdin_read:
        problems.add("render: the UI read its stdin (file:///dev/stdin in content)", "")
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode == HUNG:
        where = [d["visiting"] for d in lines if "visiting" in d][-1:] or ["start-up"]
        problems.add("render: the UI hung", f"no exit within {SUBPROCESS_TIMEOUT_S} s, on page {where[0]}")
    elif proc.returncode != 0:
        problems.add("render: the UI process failed", f"exit {proc.returncode}: {proc.stderr[-1500:]}")
    if _has_traceback(proc):
        problems.add("render: traceback from the UI process", _traceback_of(proc))
    startup = [d["startup_warnings"] for d in lines if "startup_warnings" in d]
    if startup and startup[0]:
        problems.add("render: QML warning", f"start-up: {startup[0][:3]}")
    want = expected_visible(mutations, str(marker.path))
    for page in (d["page"] for d in lines if "page" in d):
        spec = page["spec"]
        if page["warnings"]:
            problems.add("render: QML warning", f"{spec}: {page['warnings'][:3]}")
        if page["refused_urls"]:
            problems.add("render: the UI tried network access", f"{spec}: {page['refused_urls'][:3]}")
        if page["max_gap_s"] > STALL_S:
            problems.add("render: GUI thread stalled over 1 s", f"{spec}: {page['max_gap_s']} s")
        texts = [_squash(t) for t in page["texts"]]
        for needed in want.get(spec, []):
            if not any(needed in t for t in texts):
                # What is left of the text when its markup is interpreted: the likeliest rendering of it.
                bare = _squash(re.sub(r"<[^>]*>", " ", needed))
                shown = [t for t in texts if bare and any(word in t for word in bare.split())][:3]
                problems.add("render: hostile text not visible as plain text",
                             f"{spec}: expected {needed[:200]!r}; closest shown {shown!r}")


# ---------------------------------------------------------------- the properties


@profile(fast_examples=8, fuzz_examples=FUZZ_EXAMPLES)
@corpus("publish")
@given(hs.examples())
def test_publisher_and_terminal_keep_the_content_rules(workshop, mutations):
    """Publish → (accepted) sync → status → show → (some) render: refusals are one clear line; accepted
    content applies and shows."""
    problems = Problems(mutations)
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        tmp = Path(tmp)
        marker = Marker(tmp)
        try:
            hs.write_source(mutations, tmp / "source", str(marker.path))
            if stage_publish(mutations, tmp / "source", tmp / "repo", workshop["keys"], marker, problems):
                code, config, status = terminal_sync(tmp / "terminal", tmp / "repo", workshop["keys"],
                                                     workshop["station_db"], problems, stage="sync")
                if code not in (EXIT_CODES[trust.OK], EXIT_CODES[trust.UNCHANGED]):
                    problems.add("sync: the terminal refused what the publisher accepted",
                                 f"exit {code}: {status and status['last_reason']}")
                else:
                    cli_show_is_clean(config, mutations, problems)
                    if selected_for_render(mutations):
                        stage_render(tmp / "terminal", config, mutations, marker, problems)
        finally:
            marker.close()
    problems.check()


@profile(fast_examples=4, fuzz_examples=max(FUZZ_EXAMPLES // 4, 1))
@corpus("hand_signed")
@given(hs.examples())
def test_terminal_refuses_signed_content_that_breaks_the_rules(workshop, mutations):
    """Hand-signed versions: what the rules forbid ends as REFUSED (exit 13) with the outcome recorded,
    the collection keeps its content, and the valid collection of the same version still applies."""
    problems = Problems(mutations)
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        tmp = Path(tmp)
        marker = Marker(tmp)
        try:
            repo = tmp / "repo"
            shutil.copytree(workshop["seed_repo"], repo)
            benign = hand_sign(mutations, repo, workshop["keys"], str(marker.path))
            code, config, status = terminal_sync(tmp / "terminal", repo, workshop["keys"], workshop["station_db"],
                                                 problems, stage="terminal")
            reason = hs.must_refuse(mutations, str(marker.path), publisher=False)
            if reason and code != EXIT_CODES[trust.REFUSED]:
                problems.add(f"terminal: signed content the rules refuse was not REFUSED ({reason})",
                             f"exit {code} ({TERMINAL_OUTCOMES.get(code)}): {status and status['last_reason']}")
            if not reason and code != EXIT_CODES[trust.OK]:
                problems.add("terminal: signed content within the rules was not applied",
                             f"exit {code} ({TERMINAL_OUTCOMES.get(code)}): {status and status['last_reason']}")
            if status is not None and code in (EXIT_CODES[trust.OK], EXIT_CODES[trust.REFUSED]):
                info = status["collections"][benign]
                if info["source"] != "sync":
                    problems.add("terminal: a refused collection stopped the valid ones of the same version",
                                 f"{benign}: {info}")
            if code == EXIT_CODES[trust.OK]:
                cli_show_is_clean(config, mutations, problems)
        finally:
            marker.close()
    problems.check()


@profile(fast_examples=1, fuzz_examples=max(FUZZ_EXAMPLES // 50, 1))
@corpus("render")
@given(hs.display_examples())
def test_accepted_hostile_content_renders_as_plain_text(workshop, mutations):
    """Content within the rules but hostile to a screen, published, synced and rendered offscreen."""
    problems = Problems(mutations)
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        tmp = Path(tmp)
        marker = Marker(tmp)
        try:
            hs.write_source(mutations, tmp / "source", str(marker.path))
            repo = tmp / "repo"
            published = stage_publish(mutations, tmp / "source", repo, workshop["keys"], marker, problems)
            if not published:
                # Refused by the publisher (stage_publish judged whether rightly): the screen must still
                # show such content plainly if it arrives signed, so the example goes on hand-signed.
                shutil.rmtree(repo, ignore_errors=True)
                shutil.copytree(workshop["seed_repo"], repo)
                hand_sign(mutations, repo, workshop["keys"], str(marker.path))
            code, config, status = terminal_sync(tmp / "terminal", repo, workshop["keys"], workshop["station_db"],
                                                 problems, stage="sync")
            reason = hs.must_refuse(mutations, str(marker.path), publisher=False)
            if code == EXIT_CODES[trust.OK]:
                if reason:
                    problems.add(f"sync: applied content the rules refuse ({reason})", "")
                stage_render(tmp / "terminal", config, mutations, marker, problems)
            elif not (reason and code == EXIT_CODES[trust.REFUSED]):
                # Refused by both sides is right for content the rules forbid (a text over its limit);
                # anything else means content within the rules never reaches the screen.
                problems.add("sync: content within the rules was not applied",
                             f"exit {code}: {status and status['last_reason']}")
        finally:
            marker.close()
    problems.check()


# ---------------------------------------------------------------- the harness's own controls


def test_the_detectors_catch_what_they_watch_for(tmp_path):
    """A reader of the marker FIFO and a reader of a child's stdin are both seen (so a clean render
    report means nothing was opened, not that the detectors were blind)."""
    marker = Marker(tmp_path)
    try:
        with open(marker.path, "rb") as fifo:  # blocks until the watcher offers a writer
            assert fifo.read() == b""
        deadline = time.monotonic() + 10
        while not marker.opened and time.monotonic() < deadline:
            time.sleep(0.01)
        assert marker.opened >= 1
    finally:
        marker.close()
    canary = StdinCanary()
    try:
        assert not canary.was_read()
        subprocess.run([sys.executable, "-c", "import sys; sys.stdin.buffer.read()"], stdin=canary.read_fd,
                       check=True, timeout=SUBPROCESS_TIMEOUT_S)
        assert canary.was_read()
    finally:
        canary.close()


def test_the_unchanged_seed_goes_through_every_stage_clean(workshop, tmp_path):
    """The control: the bundled seed itself is published, synced and rendered without a single problem,
    so what the properties report comes from the hostile field and not from the harness."""
    problems = Problems([])
    marker = Marker(tmp_path)
    try:
        hs.write_source([], tmp_path / "source", str(marker.path))
        assert stage_publish([], tmp_path / "source", tmp_path / "repo", workshop["keys"], marker, problems)
        code, config, status = terminal_sync(tmp_path / "terminal", tmp_path / "repo", workshop["keys"],
                                             workshop["station_db"], problems, stage="sync")
        assert code == EXIT_CODES[trust.OK] and status["last_result"] == trust.OK
        stage_render(tmp_path / "terminal", config, [], marker, problems)
    finally:
        marker.close()
    assert not problems.found, problems.found
