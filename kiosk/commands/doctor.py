"""`ipkiosk doctor`: what is wrong with this terminal, each finding with a one-line remedy.

Read-only: both databases are opened with SQLite ``mode=ro`` (station.db is
precious and content.db belongs to the sync process), nothing is created or migrated; on a full
disk, where even ``mode=ro`` fails, they are read ``immutable``. Each fault class is named in
its own words: a damaged file, damaged rows, a full disk, loose permissions.
Every outside fact (clock, disk, printer, network, fonts) comes from a collaborator in
:class:`Probes`, so tests pass fakes and the packaged build uses the defaults.

Font coverage is asked of Qt's font engine, the one that draws the screens, on the offscreen
platform (no display needed); that is the only part that loads Qt.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit
from urllib.request import url2pathname

from peewee import DatabaseError, SqliteDatabase

from kiosk import __version__
from kiosk.commands import INSTALLED_DOCS, china_time
from kiosk.core import config as config_mod
from kiosk.core import kinds, logo
from kiosk.core.clock import utcnow
from kiosk.core.durable import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE
from kiosk.printer_status import PrinterState, PrinterStatus, printer_status
from kiosk.store import backup, content, station
from kiosk.store.db import (
    DISK_FULL_BELOW_BYTES,
    KioskDatabase,
    integrity_ok,
    open_read_only,
    pending_migrations,
    storage_problem,
)

if TYPE_CHECKING:
    from tuf.api.metadata import Root

OK, WARN, FAIL = "ok", "warn", "fail"

DISK_FAIL_BELOW_BYTES = 100 * 1024 * 1024
DISK_WARN_BELOW_BYTES = 500 * 1024 * 1024
# The clock may lag a verified metadata time by this much before we call it wrong
# (the repository's clock and ours are never exactly equal).
CLOCK_TOLERANCE = dt.timedelta(minutes=10)
# A configured repository not verified for this long means sync is not running or failing.
SYNC_VERIFIED_WARN_AFTER = dt.timedelta(days=2)
REPOSITORY_TIMEOUT_S = 5.0
CUPS_TIMEOUT_S = 5.0
FC_MATCH_TIMEOUT_S = 5.0
MISSING_GLYPHS_SHOWN = 12

ASSETS_DIR = Path(__file__).resolve().parent.parent.parent / "assets"
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")



@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok | warn | fail
    detail: str
    remedy: str = ""


# ---------------------------------------------------------------- collaborators


def _http_status(url: str, timeout_s: float) -> int:
    import requests

    headers = {"User-Agent": f"ipkiosk/{__version__} doctor"}
    with requests.get(url, timeout=timeout_s, headers=headers, stream=True) as response:
        return response.status_code


# A signed root.json is a few kilobytes; more than this from the repository is not one.
ROOT_FETCH_LIMIT_BYTES = 1024 * 1024


def _fetch_small(url: str, timeout_s: float) -> bytes:
    """The body of URL (http(s) or file://), at most ROOT_FETCH_LIMIT_BYTES. Raises OSError or
    requests.RequestException when it cannot be had, ValueError when it is larger."""
    if url.startswith("file:"):
        with open(url2pathname(urlsplit(url).path), "rb") as fh:
            data = fh.read(ROOT_FETCH_LIMIT_BYTES + 1)
    else:
        import requests

        headers = {"User-Agent": f"ipkiosk/{__version__} doctor"}
        with requests.get(url, timeout=timeout_s, headers=headers, stream=True) as response:
            response.raise_for_status()
            data = response.raw.read(ROOT_FETCH_LIMIT_BYTES + 1, decode_content=True)
    if len(data) > ROOT_FETCH_LIMIT_BYTES:
        raise ValueError(f"more than {ROOT_FETCH_LIMIT_BYTES} bytes")
    return data


def _system_cjk_fonts() -> list[Path]:
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}", "sans-serif:lang=zh-cn"], capture_output=True,
                             text=True, timeout=FC_MATCH_TIMEOUT_S, check=False).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [Path(out)] if out and Path(out).is_file() else []


def bundled_fonts(assets_dir: Path = ASSETS_DIR) -> list[Path]:
    fonts_dir = assets_dir / "fonts"
    if not fonts_dir.is_dir():
        return []
    return sorted(p for p in fonts_dir.rglob("*") if p.suffix.lower() in FONT_SUFFIXES)


@dataclass
class Probes:
    """The outside world as seen by the checks; production defaults."""

    now: Callable[[], dt.datetime] = utcnow
    disk_usage: Callable[[str], tuple] = shutil.disk_usage
    printer_status: Callable[[str], PrinterStatus] = printer_status
    http_status: Callable[[str, float], int] = _http_status
    fetch: Callable[[str, float], bytes] = _fetch_small
    bundled_fonts: Callable[[], list[Path]] = bundled_fonts
    system_fonts: Callable[[], list[Path]] = _system_cjk_fonts


# ---------------------------------------------------------------- font coverage (Qt's font engine)


class FontFileError(ValueError):
    """A font file that cannot be read: ``path`` names it, the message says why."""

    def __init__(self, path: Path, reason: str):
        super().__init__(reason)
        self.path = path


@contextlib.contextmanager
def _font_engine() -> Iterator[None]:
    """Qt's font engine for the length of the font check, without a screen.

    Qt reads fonts only inside a QGuiApplication. One that already exists is used as it is;
    otherwise a temporary one on the offscreen platform is created and shut down again, so the
    doctor needs no display and leaves no Qt application behind in its process."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is not None:
        yield
        return
    platform = os.environ.get("QT_QPA_PLATFORM")
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        app = QGuiApplication(["ipkiosk-doctor"])
    finally:
        if platform is None:
            del os.environ["QT_QPA_PLATFORM"]
        else:
            os.environ["QT_QPA_PLATFORM"] = platform
    try:
        yield
    finally:
        app.shutdown()


def undrawable(fonts: list[Path], chars: Iterable[str]) -> set[str]:
    """The characters of CHARS that none of FONTS (the first face of a collection) has a glyph for,
    as the kiosk's own renderer reads the fonts. Raises FontFileError for the first unreadable font."""
    with _font_engine():
        from PySide6.QtCore import QByteArray
        from PySide6.QtGui import QRawFont

        loaded: list[QRawFont] = []
        for path in fonts:
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise FontFileError(path, str(exc)) from None
            raw = QRawFont(QByteArray(data), 12)
            if not raw.isValid():
                raise FontFileError(path, f"{path}: truncated or not a font file")
            loaded.append(raw)
        missing = {ch for ch in chars if not any(raw.supportsCharacter(ord(ch)) for raw in loaded)}
        loaded.clear()  # before the application that owns the font engine goes away
        return missing


def _visible(ch: str) -> bool:
    # Spaces and control/format characters are never drawn as glyphs.
    return not ch.isspace() and not unicodedata.category(ch).startswith("C")


def _strings(value) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


# ---------------------------------------------------------------- database access (read-only)


def _read_only(path: Path) -> tuple[SqliteDatabase, str | None]:
    """PATH opened without writing; on a full or failing disk read ``immutable`` → (db, why)."""
    db = KioskDatabase(f"file:{quote(str(path))}?mode=ro", uri=True, pragmas={"query_only": 1})
    try:
        db.connect()
        db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
        return db, None
    except DatabaseError as exc:
        db.close()
        reason = storage_problem(exc, path.parent)
        if reason is None:
            raise
    return open_read_only(KioskDatabase(None), path), reason


@dataclass
class _Facts:
    """What the database checks learned, for the later checks."""

    content_ok: bool = False
    texts: dict[str, str] = field(default_factory=dict)  # where → text (for font coverage)
    newest_published: str | None = None
    sync: dict | None = None


def _check_content_db(cfg: config_mod.Config, facts: _Facts) -> Check:
    path = cfg.content_db_path
    if not path.exists():
        return Check("content_db", WARN, f"{path} does not exist yet",
                     "start the kiosk (or run `ipkiosk import-seed`): it is built from the bundled content")
    db = None
    try:
        db, read_only = _read_only(path)
        with db.bind_ctx(content.MODELS):
            ok, detail = integrity_ok(db)
            if not ok:
                return Check("content_db", WARN, f"{path} is damaged ({detail[:120]})",
                             "restart the kiosk: a damaged content.db is moved aside and rebuilt from seed and sync")
            upgrades = pending_migrations(db, content.MIGRATIONS)
            if upgrades:
                return Check("content_db", WARN, f"{path}: intact, written by an earlier version (not yet upgraded: "
                             f"{', '.join(upgrades)})",
                             "restart the kiosk (`sudo systemctl restart ipkiosk`): its first start upgrades content.db")
            damage = content.damaged_rows()
            damaged = content.damage_by_collection(damage) if damage else ""
            pending = content.refetch_pending()
            counts = content.counts_by_kind()
            for kind in kinds.DISPLAY_ORDER:
                for rec in content.list_records(kind):
                    facts.texts[f"{kind}/{rec['id']}"] = "".join(_strings(rec))
                    if rec.get("published_at"):
                        facts.newest_published = max(facts.newest_published or "", rec["published_at"])
            facts.sync = content.status_dict()
    except DatabaseError as exc:
        return Check("content_db", WARN, f"{path} cannot be read ({exc})",
                     "restart the kiosk: an unreadable content.db is moved aside and rebuilt")
    finally:
        if db is not None:
            db.close()
    facts.content_ok = True
    total = sum(counts.values())
    if damaged:
        return Check("content_db", WARN, f"content.db: {damaged}; those records are not shown",
                     "restart the kiosk or run `ipkiosk sync --once`: damaged rows are removed and re-fetched")
    if pending:
        return Check("content_db", WARN, f"content.db: damaged rows were removed from {', '.join(pending)}; "
                     "waiting for a clean re-fetch", "run `ipkiosk sync --once` (check network and repository_url)")
    if read_only:
        return Check("content_db", FAIL, f"{path}: intact, {total} records, but only readable: {read_only}",
                     "free space on the data disk: the kiosk shows this content but cannot update it")
    if total == 0:
        return Check("content_db", WARN, f"{path}: intact but empty", "run `ipkiosk import-seed` or `ipkiosk sync --once`")
    return Check("content_db", OK, f"{path}: intact, {total} records")


def _check_station_db(cfg: config_mod.Config, facts: _Facts) -> Check:
    path = cfg.station_db_path
    if not path.exists():
        return Check("station_db", OK, f"{path} does not exist yet (created at first start; no station data to lose)")
    restore = (f"restore the newest backup: `ipkiosk station restore FILE` (see {INSTALLED_DOCS['guide']}; the "
               "current file is preserved first)")
    db = None
    try:
        db, read_only = _read_only(path)
        with db.bind_ctx(station.MODELS):
            ok, detail = integrity_ok(db)
            if not ok:
                raise DatabaseError(detail[:120])
            damage = station.damaged_rows()
            announcements = station.list_announcements()
    except DatabaseError as exc:
        return Check("station_db", FAIL, f"{path} is damaged or unreadable ({exc})",
                     "stop the kiosk, copy station.db* aside and " + restore)
    finally:
        if db is not None:
            db.close()
    for a in announcements:
        facts.texts[f"announcement/{a['id']}"] = a["title"] + a["body"]
    if damage:
        summary = station.damage_summary(damage, remedy=False)
        return Check("station_db", FAIL, f"station.db: {summary}; the rest is shown", restore)
    if read_only:
        return Check("station_db", FAIL, f"{path}: intact, {len(announcements)} announcements, but only readable: "
                     f"{read_only}", "free space on the data disk: staff changes are refused until then")
    return Check("station_db", OK, f"{path}: intact, {len(announcements)} announcements")


# ---------------------------------------------------------------- the checks


TRUSTED_ROOT_REMEDY = ("install the 1.root.json the central office gave you at this path (trusted_root in the config): "
                       f"`sudo install -m 0644 1.root.json {{path}}` (see {INSTALLED_DOCS['guide']}); "
                       "if it was changed by someone, tell the central office")


def _check_config(cfg: config_mod.Config) -> list[Check]:
    demo = config_mod.demo_values(cfg) if config_mod.is_production(cfg) else []
    if demo:
        why = "repository_url is set" if cfg.repository_url else f"the config is in {config_mod.PRODUCTION_CONFIG_DIR}"
        checks = [Check("config", FAIL, f"{cfg.source}: a production config ({why}) with demo values: {'; '.join(demo)}",
                        f"set these in {cfg.source} to this station's own values (see {INSTALLED_DOCS['configuration']}), "
                        "then `sudo systemctl restart ipkiosk`")]
    else:
        checks = [Check("config", OK, f"{cfg.source}: valid (station {cfg.station_id})")]
    missing = config_mod.missing_contacts(cfg) if config_mod.is_production(cfg) else []
    if missing:
        # Not a failure: the hotline still reaches a person, but a visitor at this station is better off with its own.
        checks.append(Check("contact", WARN, f"{cfg.source}: {' and '.join(missing)} empty: visitors see no "
                            "phone or desk of this station on the booking, search and ask-staff screens",
                            f"set {' and '.join(missing)} in {cfg.source} (see {INSTALLED_DOCS['configuration']}), "
                            "then `sudo systemctl restart ipkiosk`"))
    if cfg.repository_url:
        root_path = Path(cfg.trusted_root)
        try:
            root = _trusted_root(cfg)
            checks.append(Check("trusted_root", OK, f"{root_path}: root metadata version {root.version}, "
                                                    "signed by its own threshold of root keys"))
        except ValueError as exc:  # kiosk.sync.trust.TrustedRootError
            checks.append(Check("trusted_root", FAIL, f"{root_path}: {exc} (this terminal's root is at fault, not "
                                "the repository)", TRUSTED_ROOT_REMEDY.format(path=root_path)))
    logo_path = logo.configured_path(cfg.logo_path, cfg.source)
    if logo_path is not None:
        problem = logo.logo_problem(logo_path)
        if problem:
            checks.append(Check("logo", FAIL, f"{problem}; the home screen shows the bundled logo instead",
                                f"put a PNG or SVG of at most {logo.MAX_LOGO_BYTES // 1024} KB at {logo_path}, or set "
                                f"logo_path in {cfg.source} to one (see {INSTALLED_DOCS['configuration']})"))
        else:
            checks.append(Check("logo", OK, f"{logo_path}: a valid logo"))
    return checks


def _trusted_root(cfg: config_mod.Config) -> Root:
    """The trusted root checked exactly as sync checks it (kiosk.sync.trust.load_trusted_root), so doctor
    never calls a root fine that sync refuses. Raises kiosk.sync.trust.TrustedRootError."""
    from kiosk.sync import trust  # tuf and cryptography: loaded only when a repository is configured

    return trust.load_trusted_root(Path(cfg.trusted_root))


def _existing_parent(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _check_disk(cfg: config_mod.Config, probes: Probes) -> Check:
    where = _existing_parent(cfg.data_path)
    free = probes.disk_usage(str(where))[2]
    detail = f"{free / 1024 / 1024:.0f} MB free on {where}"
    if free < DISK_FULL_BELOW_BYTES:
        return Check("disk", FAIL, f"disk full: {free} bytes free on {where}",
                     "free space now: content is shown read-only and sync, staff changes, backups and logs "
                     "stop until then (nothing is moved or lost)")
    if free < DISK_FAIL_BELOW_BYTES:
        return Check("disk", FAIL, detail, "free space: remove old files or enlarge the disk (sync and logs need room)")
    if free < DISK_WARN_BELOW_BYTES:
        return Check("disk", WARN, detail, "free some space soon (sync needs room for new content)")
    return Check("disk", OK, detail)


def _private_paths(cfg: config_mod.Config) -> list[tuple[Path, int]]:
    """What must be private (kiosk/core/durable.py) and the most each may allow."""
    data = cfg.data_path
    paths = [(data, PRIVATE_DIR_MODE), (cfg.logs_path, PRIVATE_DIR_MODE), (backup.backups_dir(data), PRIVATE_DIR_MODE)]
    paths += [(Path(f"{cfg.station_db_path}{suffix}"), PRIVATE_FILE_MODE) for suffix in ("", "-wal", "-shm")]
    for folder in (cfg.logs_path, backup.backups_dir(data)):
        if folder.is_dir():
            paths += [(p, PRIVATE_FILE_MODE) for p in sorted(folder.iterdir()) if p.is_file()]
    present = [(p, allowed) for p, allowed in paths if p.exists()]
    # Folders only matter once they hold something private (a fresh, empty data dir is no fault).
    if not any(p.is_file() for p, _ in present):
        return []
    return present


def _check_permissions(cfg: config_mod.Config) -> Check:
    loose = []
    for path, allowed in _private_paths(cfg):
        mode = path.stat().st_mode & 0o777
        if mode & ~allowed:
            name = "data dir" if path == cfg.data_path else str(path.relative_to(cfg.data_path))
            loose.append(f"{name} {mode:04o} (at most {allowed:04o})")
    if not loose:
        return Check("permissions", OK, f"{cfg.data_path} and its private files are private "
                     f"(dirs ≤ {PRIVATE_DIR_MODE:04o}, files ≤ {PRIVATE_FILE_MODE:04o})")
    return Check("permissions", FAIL, f"loose permissions in {cfg.data_path}: {'; '.join(loose[:6])}"
                 + (f"; … {len(loose) - 6} more" if len(loose) > 6 else ""),
                 "start the kiosk or run any `ipkiosk` command as the kiosk user (it tightens them), "
                 f"or chmod {PRIVATE_DIR_MODE:o} the folders and {PRIVATE_FILE_MODE:o} the files "
                 f"(see {INSTALLED_DOCS['admin']})")


def _check_fonts(cfg: config_mod.Config, facts: _Facts, probes: Probes) -> Check:
    fonts = probes.bundled_fonts()
    origin = "bundled"
    if not fonts:
        fonts, origin = probes.system_fonts(), "system"
    if not fonts:
        return Check("fonts", FAIL, "no bundled font and no system CJK font found",
                     "reinstall the package (assets/fonts) or install fonts-noto-cjk")
    texts = dict(facts.texts)
    texts["config/station"] = cfg.station_name + cfg.station_address + cfg.station_hours
    try:
        lacking = undrawable(fonts, {ch for text in texts.values() for ch in text if _visible(ch)})
    except FontFileError as exc:
        return Check("fonts", FAIL, f"{exc.path}: unreadable ({exc})", "reinstall the package")
    missing: dict[str, list[str]] = {}
    for where, text in texts.items():
        for ch in set(text):
            if ch in lacking:
                missing.setdefault(ch, []).append(where)
    names = ", ".join(f.name for f in fonts)
    if not missing:
        if not facts.content_ok and cfg.content_db_path.exists():
            # Not "no content yet": content.db is there but was not read (damaged, or from another version).
            counted = f"{len(texts) - 1} announcements; the content was not checked (see content_db)"
        else:
            counted = f"{len(texts) - 1} content records and announcements" if len(texts) > 1 else "no content yet"
        return Check("fonts", OK, f"{origin} font(s) {names} draw every character of the station's config and "
                                  f"{counted}")
    shown = sorted(missing)[:MISSING_GLYPHS_SHOWN]
    sample = " ".join(f"{ch}(U+{ord(ch):04X} in {missing[ch][0]})" for ch in shown)
    return Check("fonts", WARN, f"{len(missing)} characters not in {origin} font(s) {names}: {sample}",
                 "replace those characters in the content/announcement or ship a font that has them")


def _check_printer(cfg: config_mod.Config, probes: Probes) -> Check:
    # A missing printer only costs the printed slip (visitors are told to scan the QR), so it
    # is a warning; a configured printer that does not exist is a configuration error.
    severity = FAIL if cfg.printer_name else WARN
    status = _printer_status_within(probes.printer_status, cfg.printer_name, CUPS_TIMEOUT_S)
    if status is None:
        return Check("printer", severity, f"CUPS did not answer within {CUPS_TIMEOUT_S:.0f} s",
                     "check that the CUPS service is running (systemctl status cups)")
    name = status.name
    if status.state is PrinterState.NO_LIBCUPS:
        return Check("printer", severity, status.problem or "", "apt-get install libcups2 cups")
    if status.state is PrinterState.NO_DEFAULT:
        return Check("printer", WARN, f"no default printer ({status.cups_error or 'CUPS names none'})",
                     "set printer_name in the config or make a CUPS queue the default (lpadmin -d QUEUE)")
    if status.state is PrinterState.NO_QUEUE:
        return Check("printer", severity, f"printer {name!r} not available ({status.cups_error or 'no such queue'})",
                     "check the queue name (lpstat -p) and that CUPS is running")
    if status.state is PrinterState.STOPPED:
        return Check("printer", WARN, f"printer {name} is stopped (disabled or in error)",
                     f"enable the queue: cupsenable {name}")
    return Check("printer", OK, f"printer {name} is {status.activity}")


def _printer_status_within(probe: Callable[[str], PrinterStatus], printer_name: str,
                           timeout_s: float) -> PrinterStatus | None:
    """The probe's answer, or None when CUPS did not answer within timeout_s.

    libcups has no timeout of its own for a scheduler that accepts the connection and then hangs; the
    asking thread is then left behind (a daemon thread, so the doctor still exits)."""
    answer: list[PrinterStatus | Exception] = []

    def ask() -> None:
        try:
            answer.append(probe(printer_name))
        except Exception as exc:  # handed to the doctor's thread below
            answer.append(exc)

    thread = threading.Thread(target=ask, name="doctor-cups", daemon=True)
    thread.start()
    thread.join(timeout_s)
    if not answer:
        return None
    if isinstance(answer[0], Exception):
        raise answer[0]
    return answer[0]


def _parse_instant(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _check_clock(facts: _Facts, probes: Probes) -> Check:
    now = probes.now()
    verified = _parse_instant((facts.sync or {}).get("last_verified_at"))
    if verified is not None and now < verified - CLOCK_TOLERANCE:
        return Check("clock", FAIL, f"clock {china_time(now)} is before the last verified metadata "
                     f"({china_time(verified)})",
                     "set the time: timedatectl set-ntp true (or timedatectl set-time …)")
    if facts.newest_published:
        newest = dt.datetime.fromisoformat(facts.newest_published).replace(tzinfo=dt.UTC)
        if now < newest - dt.timedelta(days=1):
            return Check("clock", FAIL, f"clock {china_time(now)} is before content published {facts.newest_published}",
                         "set the time: timedatectl set-ntp true (or timedatectl set-time …)")
    against = f"last verified metadata {china_time(verified)}" if verified else "newest content date"
    return Check("clock", OK, f"{china_time(now)}, not before the {against}")


def _timestamp_url(repository_url: str) -> str:
    return repository_url.rstrip("/") + "/metadata/timestamp.json"


def _check_repository(cfg: config_mod.Config, probes: Probes) -> Check:
    if not cfg.repository_url:
        return Check("repository", OK, "no repository configured: bundled content only")
    url = _timestamp_url(cfg.repository_url)
    if url.startswith("file:"):
        path = Path(url2pathname(urlsplit(url).path))
        if path.is_file():
            return Check("repository", OK, f"{path} readable")
        return Check("repository", WARN, f"{path} not found", "check repository_url (mounted USB stick or directory?)")
    import requests

    try:
        status = probes.http_status(url, REPOSITORY_TIMEOUT_S)
    except requests.RequestException as exc:
        return Check("repository", WARN, f"{url}: unreachable ({type(exc).__name__})",
                     "check the network, DNS and repository_url; the kiosk keeps showing its stored content")
    if status != 200:
        return Check("repository", WARN, f"{url}: HTTP {status}", "check repository_url and the web server")
    return Check("repository", OK, f"{url}: HTTP 200")


def _key_set(root_doc: object) -> tuple | None:
    """Which keys a root names and what each role needs (key ids and thresholds), from its JSON; None if
    ROOT_DOC is not root metadata. Two roots with the same key set trust the same signers."""
    try:
        signed = root_doc["signed"]  # type: ignore[index]
        if signed["_type"] != "root":
            return None
        roles = {name: (tuple(sorted(role["keyids"])), role["threshold"]) for name, role in signed["roles"].items()}
        return tuple(sorted(signed["keys"])), tuple(sorted(roles.items()))
    except (KeyError, TypeError, AttributeError):
        return None


def _verified_timestamp_signers(cfg: config_mod.Config) -> set[str]:
    """Key ids that signed the newest timestamp this terminal verified (the TUF cache in the data dir keeps only
    verified metadata); empty when it never verified one. The cached roots tell nothing here: the TUF client
    writes the configured root into its cache on every run, verified or not."""
    try:
        doc = json.loads((cfg.data_path / "tuf" / "timestamp.json").read_bytes())
        return {sig["keyid"] for sig in doc["signatures"]}
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def _timestamp_keys(key_set: tuple) -> set[str]:
    return set(dict(key_set[1]).get("timestamp", ((), 0))[0])


def _odd_one_out(cfg: config_mod.Config, probes: Probes) -> tuple[str, str]:
    """After signatures failed: (finding, remedy) saying whether this terminal's trusted root or the repository
    differs. The trusted root (already checked to be validly self-signed) is compared with the repository's root
    of the same version, key by key, and, where they differ, with the one this terminal verified before."""
    local = json.loads(Path(cfg.trusted_root).read_bytes())
    version = local["signed"]["version"]
    url = cfg.repository_url.rstrip("/") + f"/metadata/{version}.root.json"
    import requests

    try:
        remote = json.loads(probes.fetch(url, REPOSITORY_TIMEOUT_S))
    except (OSError, ValueError, requests.RequestException) as exc:
        return (f"roots not compared: the repository's {version}.root.json cannot be read ({type(exc).__name__})",
                "check the network, then run `sudo ipkiosk doctor` again; report the alert to the central office")
    local_keys, remote_keys = _key_set(local), _key_set(remote)
    central = "tell the central office"
    if remote_keys is None:
        return (f"the repository's {version}.root.json is not root metadata: the repository is the odd one out",
                f"{central}; keep this terminal's root.json")
    assert local_keys is not None  # the trusted root was checked to be valid root metadata before this runs
    if remote_keys == local_keys:
        return (f"this terminal's trusted root and the repository's {version}.root.json have the same keys: the "
                "repository is the odd one out (its newer metadata is not signed as its roots require)",
                f"{central} that {cfg.repository_url} fails its own root; keep this terminal's root.json")
    verified_with = _verified_timestamp_signers(cfg)
    reinstall = (f"install the 1.root.json the central office published for this repository: "
                 f"`sudo install -m 0644 1.root.json {cfg.trusted_root}` (see {INSTALLED_DOCS['guide']})")
    if verified_with & _timestamp_keys(remote_keys) and not verified_with & _timestamp_keys(local_keys):
        return (f"this terminal's trusted root has other keys than the repository's {version}.root.json, whose keys "
                "this terminal verified before: the terminal's root.json was replaced, it is the odd one out", reinstall)
    if verified_with & _timestamp_keys(local_keys):
        return (f"the repository's {version}.root.json has other keys than the root this terminal verified it with "
                "before: the repository was re-keyed or replaced, it is the odd one out",
                f"{central}; replace this terminal's root.json only with a file the central office hands over, "
                "never one taken from the repository")
    return (f"this terminal's trusted root and the repository's {version}.root.json have different keys, and this "
            "terminal never verified this repository: its root.json is most likely another repository's or an old "
            "one, the odd one out", reinstall)


def _check_signature(cfg: config_mod.Config, facts: _Facts, probes: Probes) -> Check:
    if not cfg.repository_url:
        return Check("signature", OK, "no repository configured: nothing to verify")
    try:
        _trusted_root(cfg)
    except ValueError as exc:  # kiosk.sync.trust.TrustedRootError: the last recorded outcome no longer tells the truth
        return Check("signature", FAIL, f"sync refuses to verify anything: trusted root {cfg.trusted_root}: {exc}",
                     TRUSTED_ROOT_REMEDY.format(path=cfg.trusted_root))
    sync = facts.sync or {}
    result, reason, at = sync.get("last_result"), sync.get("last_reason") or "", sync.get("last_attempt_at")
    if result is None:
        return Check("signature", WARN, "no sync attempted yet", "run `ipkiosk sync --once` and look at its output")
    summary = f"last sync {result} at {china_time(at)}" + (f": {reason}" if reason else "")
    if result == "SECURITY_ALERT":
        finding, remedy = _odd_one_out(cfg, probes)
        return Check("signature", FAIL, f"{summary}; {finding}",
                     f"{remedy}; do not bypass: content stays at the last verified version (see {INSTALLED_DOCS['sync']})")
    if result == "REFUSED":
        return Check("signature", WARN, summary,
                     "the central office published content that breaks the content rules; this terminal keeps the "
                     "last good version of that collection. Tell the central office: the reason names the "
                     f"collection, record and field (content rules: {INSTALLED_DOCS['sync']})")
    if result == "STALE":
        return Check("signature", WARN, summary, "check the clock; if it is right, the repository stopped publishing (tell the central office)")
    if result == "OFFLINE":
        return Check("signature", WARN, summary, "check network and repository_url; stored content is still shown")
    verified = _parse_instant(sync.get("last_verified_at"))
    if verified is None or probes.now() - verified > SYNC_VERIFIED_WARN_AFTER:
        since = china_time(verified) if verified else "ever"
        return Check("signature", WARN, f"{summary}; nothing verified since {since}",
                     "check that sync runs: ipkiosk logs --tail 50, or run `ipkiosk sync --once`")
    return Check("signature", OK, summary)


def _check_pinyin(cfg: config_mod.Config, library: str | None = None, shared_dir: Path | None = None) -> Check:
    """The on-screen keyboard's Chinese input: librime and its schema data installed, the schema deployed in the
    data dir. Without it staff can type only English and digits (visitors never need it): a warning.
    LIBRARY and SHARED_DIR default to the Debian ones (kiosk.ime.rime)."""
    from kiosk.ime import rime, service

    install = f"apt-get install {' '.join(rime.DEBIAN_PACKAGES)}"
    try:
        version = rime.library_version(library)
    except rime.ImeUnavailable as exc:
        return Check("pinyin", WARN, f"no Chinese input on the keyboard: {exc}", install)
    missing = rime.missing_data(shared_dir)
    if missing:
        return Check("pinyin", WARN, f"no Chinese input on the keyboard: librime {version} is installed but its "
                     f"pinyin schema data is not ({rime.SCHEMA_ID}: no {', '.join(missing)})", install)
    user_dir = service.user_dir(cfg)
    if not rime.is_deployed(user_dir):
        return Check("pinyin", WARN, f"librime {version}: schema {rime.SCHEMA_ID} not deployed in {user_dir} "
                     "(the first Chinese input will deploy it)", "sudo ipkiosk pinyin --deploy")
    return Check("pinyin", OK, f"librime {version}: schema {rime.SCHEMA_ID} deployed in {user_dir}")


def _check_speech(cfg: config_mod.Config, program: str | None = None) -> Check:
    """Read-aloud (朗读): espeak-ng and its Mandarin and English voices installed. Without it the 朗读 button says
    read-aloud is unavailable and everything else works: a warning. PROGRAM defaults to espeak-ng on PATH."""
    from kiosk.speech import SpeechUnavailable, espeak

    if not cfg.speech:
        return Check("speech", OK, "read-aloud is off (setting speech = false)")
    try:
        engine = espeak.find_engine(program)
    except SpeechUnavailable as exc:
        return Check("speech", WARN, f"no read-aloud: {exc}", espeak.INSTALL)
    voices = ", ".join(f"{lang} {voice}" for lang, voice in espeak.VOICES.items())
    return Check("speech", OK, f"{engine.name}: voices {voices}; volume {cfg.speech_volume}")


def run_checks(cfg: config_mod.Config, probes: Probes | None = None) -> list[Check]:
    probes = probes or Probes()
    facts = _Facts()
    checks = _check_config(cfg)
    checks.append(_check_content_db(cfg, facts))
    checks.append(_check_station_db(cfg, facts))
    checks.append(_check_disk(cfg, probes))
    checks.append(_check_permissions(cfg))
    checks.append(_check_fonts(cfg, facts, probes))
    checks.append(_check_printer(cfg, probes))
    checks.append(_check_clock(facts, probes))
    checks.append(_check_repository(cfg, probes))
    checks.append(_check_signature(cfg, facts, probes))
    checks.append(_check_pinyin(cfg))
    checks.append(_check_speech(cfg))
    return checks


def config_failure(error: Exception) -> list[Check]:
    """The report when the config file itself is broken (the other checks need it)."""
    return [Check("config", FAIL, str(error),
                  f"fix the named setting in the config file (see {INSTALLED_DOCS['configuration']})")]


def exit_code(checks: list[Check]) -> int:
    return 1 if any(c.status == FAIL for c in checks) else 0


def as_json(checks: list[Check]) -> dict:
    worst = FAIL if any(c.status == FAIL for c in checks) else WARN if any(c.status == WARN for c in checks) else OK
    return {"status": worst, "version": __version__, "checks": [asdict(c) for c in checks]}
