"""Terminal side of the content channel: one verified sync cycle, and the polling loop.

Qt-free. One cycle (DESIGN.md "Sync protocol")::

    lock → TUF refresh (trusted_root from config) → compare each signed collection target with
    content.db's high-water marks → download changed manifests (verified by TUF) and missing blobs
    (verified against the sha256 + length pinned in the manifest; fsync + rename) → apply all
    changed collections in ONE transaction → collect unreferenced blobs → record the outcome.

A validly signed manifest that breaks the content rules (kiosk/core/manifest.py, docs/sync.md) is REFUSED:
its collection keeps its last good generation, every other changed collection still applies, and the
refusal is remembered (content.RefusedTarget) so the same target is not downloaded again each cycle and
status keeps naming it until the publisher signs a fixed generation.

Only ``OK`` and ``REFUSED`` change content; every failure leaves content.db as it was, and the next cycle starts
from the trusted state again (never from an unverified shortcut). Collaborators (fetcher,
clock, sleep) are injected so tests drive faults and time.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import logging
import os
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import peewee
from tuf.api import exceptions as tuf_exc

from kiosk import __version__
from kiosk.core.clock import iso, utcnow
from kiosk.core.config import Config
from kiosk.core.manifest import COLLECTIONS, Manifest, ManifestError, parse_manifest
from kiosk.core.sync_outcome import EXIT_CODES, SyncReason, failures_after, next_delay_s
from kiosk.store import content
from kiosk.store import seed as seed_mod
from kiosk.store.recovery import StorageError, open_content_db_recovering
from kiosk.sync import trust
from kiosk.sync.blobs import BlobMismatchError, BlobStore, blob_relpath
from kiosk.sync.fetcher import BaseFetcher, CancelledError, make_fetcher
from kiosk.sync.trust import OFFLINE, OK, REFUSED, SECURITY_ALERT, UNCHANGED

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


class SyncConfigError(ValueError):
    """Sync is not configured (no repository_url) or the trusted root cannot be used."""


@dataclass
class SyncOutcome:
    """How a cycle ended: its outcome class (RESULT), why as a machine CODE, and why in English (REASON, the
    technical detail for the log, stderr and `ipkiosk status`)."""

    result: str
    code: SyncReason
    reason: str
    changed_collections: list[str] = field(default_factory=list)
    requests: int = 0
    body_bytes: int = 0
    retry_after_s: float | None = None
    # True when another sync process held the lock: nothing was done or recorded.
    busy: bool = False
    # Set when the cycle compared every signed collection: the refusals standing after it (maybe none).
    refusals: list[content.Refusal] | None = None
    # Set when the cycle applied content: which collections, and how many records.
    applied: content.AppliedCounts | None = None

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.result]

    @property
    def verified(self) -> bool:
        """The signed metadata was verified as current (REFUSED too: the trust chain held, content did not)."""
        return self.result in (OK, UNCHANGED, REFUSED) and not self.busy

    def summary(self) -> str:
        """The one line `ipkiosk sync` prints per cycle (docs/cli.md): the staff screen reads its outcome class,
        its reason code and its counts, never the English reason."""
        return f"sync {self.result} [{self.code}]: {self.reason} ({self.requests} requests, {self.body_bytes} bytes)"


class _Failure(Exception):
    """Ends a cycle early with an outcome class, reason code and reason."""

    def __init__(self, result: str, code: SyncReason, reason: str):
        super().__init__(reason)
        self.result = result
        self.code = code
        self.reason = reason


class _Refused(Exception):
    """One signed manifest breaks the content rules: its collection is refused, the cycle goes on."""


class SyncLock:
    """Non-blocking exclusive lock on data_dir/sync.lock (released by the kernel if the process dies)."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def user_agent(cfg: Config) -> str:
    return f"ipkiosk/{__version__} (station {cfg.station_id})"


class SyncClient:
    def __init__(self, cfg: Config, *, fetcher: BaseFetcher | None = None, clock: Callable[[], dt.datetime] = utcnow,
                 should_stop: Callable[[], bool] = lambda: False, deadline_s: float = 900.0):
        if not cfg.repository_url:
            raise SyncConfigError("repository_url is not set: this terminal shows bundled content only")
        self.cfg = cfg
        self.repository_url = cfg.repository_url.rstrip("/")
        self.clock = clock
        self.metadata_dir = cfg.data_path / "tuf"
        self.lock = SyncLock(cfg.data_path / "sync.lock")
        self.staging_dir = cfg.data_path / "sync-staging"
        self.blobs = BlobStore(cfg.blobs_path)
        self.fetcher = fetcher or make_fetcher(self.repository_url, user_agent=user_agent(cfg),
                                               should_stop=should_stop, deadline_s=deadline_s)

    def _bootstrap(self) -> bytes:
        try:
            return Path(self.cfg.trusted_root).read_bytes()
        except OSError as exc:
            raise SyncConfigError(f"trusted_root {self.cfg.trusted_root}: cannot read ({exc.strerror})") from None

    # ------------------------------------------------------------ one cycle

    def run_once(self, *, schedule: Callable[[SyncOutcome], float | None] = lambda o: None) -> SyncOutcome:
        """One cycle under the lock. SCHEDULE(outcome) → seconds until the next attempt (recorded in status)."""
        bootstrap = self._bootstrap()
        if not self.lock.acquire():
            return SyncOutcome(UNCHANGED, SyncReason.LOCK_BUSY, "another sync process is running; nothing done",
                               busy=True)
        try:
            try:
                open_content_db_recovering(self.cfg.content_db_path)
            except StorageError as exc:
                # A full or failing disk: content.db was kept as it is and cannot take the outcome either,
                # so it is only reported (stderr, the log) and the loop backs off like any OFFLINE cycle.
                outcome = SyncOutcome(OFFLINE, SyncReason.LOCAL_STORAGE, f"local storage error: {exc.strerror}")
                log.info("sync %s: %s", outcome.result, outcome.reason)
                schedule(outcome)
                return outcome
            outcome = self._cycle(bootstrap)
            delay_s = schedule(outcome)
            next_at = iso(utcnow() + dt.timedelta(seconds=delay_s)) if delay_s is not None else None
            try:
                content.record_sync_outcome(outcome.result, outcome.reason, outcome.code, verified=outcome.verified,
                                            next_attempt_at=next_at, refusals=outcome.refusals,
                                            applied=outcome.applied)
            except peewee.DatabaseError as exc:  # the disk filled up during the cycle: report, do not crash
                log.warning("sync outcome %s not recorded: content.db: %s", outcome.result, exc)
            return outcome
        finally:
            self.lock.release()

    def _cycle(self, bootstrap: bytes) -> SyncOutcome:
        self.fetcher.start_cycle()
        try:
            if not content.has_content():  # first boot, or content.db was rebuilt: show the seed meanwhile
                seed_mod.import_seed()
            outcome = self._verified_update(bootstrap)
        except _Failure as failure:
            outcome = SyncOutcome(failure.result, failure.code, failure.reason)
        except CancelledError:
            outcome = SyncOutcome(OFFLINE, SyncReason.STOPPED, "stopped before the cycle finished")
        except OSError as exc:
            # Local storage (ENOSPC, EIO): transient like the network; content.db is untouched.
            outcome = SyncOutcome(OFFLINE, SyncReason.LOCAL_STORAGE,
                                  f"local storage error: {os.strerror(exc.errno or errno.EIO)}")
        except peewee.DatabaseError as exc:
            # e.g. "database or disk is full" during apply: the transaction was rolled back.
            outcome = SyncOutcome(OFFLINE, SyncReason.LOCAL_STORAGE, f"local storage error: content.db: {exc}")
        finally:
            self._clean_staging()
        # INFO, not WARNING: the command prints the one summary line on stderr itself.
        log.info("sync %s [%s]: %s", outcome.result, outcome.code, outcome.reason)
        outcome.requests, outcome.body_bytes = self.fetcher.stats.requests, self.fetcher.stats.body_bytes
        outcome.retry_after_s = self.fetcher.retry_after_s
        return outcome

    def _verified_update(self, bootstrap: bytes) -> SyncOutcome:
        """The cycle from the TUF refresh to the apply; its outcome without the traffic counts. A failure that
        ends it early is raised (_Failure); refusals (REFUSED) and the applied counts are set when there are any."""
        try:
            repo = trust.TrustedRepository(self.metadata_dir, self.repository_url, bootstrap, self.fetcher,
                                           reference_time=self.clock())
        except tuf_exc.RepositoryError as exc:
            raise SyncConfigError(f"trusted_root {self.cfg.trusted_root}: not a valid signed root ({exc})") from None
        try:
            repo.refresh()
            targets = repo.collection_targets(COLLECTIONS)
        except (tuf_exc.RepositoryError, tuf_exc.DownloadError) as exc:
            raise _Failure(*trust.classify_error(exc)) from None

        wanted = self._changed_targets(targets)
        signed_set = _signed_set(targets)
        standing = content.refused_targets()
        manifests: list[Manifest] = []
        refusals: dict[str, content.Refusal] = {}
        for target in wanted:
            known = standing.get(target.collection)
            if known is not None and known.sha256 == target.sha256 and known.signed_set in (None, signed_set):
                refusals[target.collection] = known  # refused before and unchanged since: not fetched again
                continue
            try:
                manifests.append(self._fetch_manifest(repo, target))
            except _Refused as exc:
                refusals[target.collection] = content.Refusal(target.collection, target.generation, target.sha256,
                                                              str(exc))
        for collection, reason in content.id_clashes(manifests).items():
            target = targets[collection]
            refusals[collection] = content.Refusal(collection, target.generation, target.sha256, reason, signed_set)
        manifests = [m for m in manifests if m.collection not in refusals]
        self._fetch_missing_blobs(manifests)
        parts = []
        changed: list[str] = []
        counts = None
        if manifests:
            try:
                applied = content.apply_manifests(manifests, source="sync")
            except content.ApplyError as exc:
                raise _Failure(SECURITY_ALERT, exc.code, str(exc)) from None
            described = ", ".join(f"{m.collection} (generation {m.generation})" for m in manifests)
            parts.append(f"applied {described}: {applied.upserted} upserted, {applied.deleted} deleted")
            changed = applied.changed_collections
            counts = content.AppliedCounts(tuple((m.collection, m.generation) for m in manifests),
                                           applied.upserted, applied.deleted)
        # Also without an apply: a process killed after its commit but before its collection left orphans.
        self.blobs.collect_garbage(content.referenced_blob_hashes())
        ordered = [refusals[c] for c in sorted(refusals)]
        parts += [f"signed {r.collection} generation {r.generation} refused, keeping the last good content: "
                  f"{r.reason}" for r in ordered]
        if refusals:
            return SyncOutcome(REFUSED, SyncReason.REFUSED_COLLECTIONS, "; ".join(parts), changed, refusals=ordered,
                               applied=counts)
        if manifests:
            return SyncOutcome(OK, SyncReason.APPLIED, parts[0], changed, refusals=[], applied=counts)
        return SyncOutcome(UNCHANGED, SyncReason.CONTENT_CURRENT, "content is current", refusals=[])

    def _changed_targets(self, targets: dict[str, trust.SignedTarget]) -> list[trust.SignedTarget]:
        states = content.collection_states()
        wanted = []
        for collection, target in sorted(targets.items()):
            state = states.get(collection)
            if state is not None:
                if target.generation < state.generation:
                    raise _Failure(SECURITY_ALERT, SyncReason.ROLLBACK,
                                   f"collection {collection!r}: signed generation {target.generation} "
                                   f"is lower than the applied {state.generation} (rollback)")
                if target.generation == state.generation:
                    if target.sha256 != state.manifest_sha256:
                        raise _Failure(SECURITY_ALERT, SyncReason.EQUIVOCATION,
                                       f"collection {collection!r}: generation {target.generation} "
                                       "signed with a different hash than applied (equivocation)")
                    continue
            wanted.append(target)
        return wanted

    def _fetch_manifest(self, repo: trust.TrustedRepository, target: trust.SignedTarget) -> Manifest:
        self.staging_dir.mkdir(parents=True, exist_ok=True)
        dest = self.staging_dir / f"{target.collection}.json"
        try:
            repo.download(target, dest)
        except (tuf_exc.RepositoryError, tuf_exc.DownloadError) as exc:
            raise _Failure(*trust.classify_error(exc)) from None
        data = dest.read_bytes()
        try:
            manifest = parse_manifest(data, expected_collection=target.collection)
        except ManifestError as exc:
            # Validly signed, so the publisher made it: a content rule broken, not an attack.
            raise _Refused(str(exc)) from None
        if manifest.generation != target.generation or manifest.sha256() != target.sha256:
            raise _Failure(SECURITY_ALERT, SyncReason.HASH_MISMATCH,
                           f"collection {target.collection!r}: manifest does not match its signed "
                           f"target (generation {manifest.generation} vs {target.generation}, or not canonical)")
        try:
            content.check_manifest_against_state(manifest)
        except content.ApplyError as exc:
            raise _Failure(SECURITY_ALERT, exc.code, str(exc)) from None
        return manifest

    def _fetch_missing_blobs(self, manifests: list[Manifest]) -> None:
        """Blobs of the incoming manifests, plus any referenced blob that went missing locally."""
        needed = {a.sha256: a.length for m in manifests for a in m.attachments()}
        for row in content.Attachment.select(content.Attachment.sha256, content.Attachment.length).distinct():
            needed.setdefault(row.sha256, row.length)
        for sha256, length in sorted(needed.items()):
            if self.blobs.has_valid(sha256, length):
                continue
            url = f"{self.repository_url}/blobs/{blob_relpath(sha256)}"
            try:
                self.blobs.write_verified(sha256, length, self.fetcher.fetch(url))
            except BlobMismatchError as exc:
                raise _Failure(SECURITY_ALERT, SyncReason.HASH_MISMATCH, str(exc)) from None
            except tuf_exc.DownloadError as exc:
                raise _Failure(*trust.classify_error(exc)) from None

    def _clean_staging(self) -> None:
        if self.staging_dir.is_dir():
            for leftover in self.staging_dir.iterdir():
                leftover.unlink(missing_ok=True)


def _signed_set(targets: dict[str, trust.SignedTarget]) -> str:
    """Fingerprint of every signed collection target: a refusal that depends on other collections
    (an id listed twice) is decided again whenever any of them changes."""
    lines = "".join(f"{c} {t.sha256}\n" for c, t in sorted(targets.items()))
    return hashlib.sha256(lines.encode()).hexdigest()


# ---------------------------------------------------------------- the loop


class Backoff:
    """Counts consecutive failures and turns an outcome into the delay before the next cycle
    (kiosk.core.sync_outcome.next_delay_s). FAILURES: the failed cycles just before the first one."""

    def __init__(self, interval_s: float, rng: random.Random, failures: int = 0):
        self.interval_s = interval_s
        self.rng = rng
        self.failures = failures
        self.last_delay_s: float | None = None

    def forget_delay(self) -> None:
        """Before a cycle: one that ends on a busy lock records no outcome, so no delay."""
        self.last_delay_s = None

    def __call__(self, outcome: SyncOutcome) -> float:
        self.failures = failures_after(outcome.result, self.failures)
        self.last_delay_s = next_delay_s(self.failures, self.interval_s, self.rng, outcome.retry_after_s)
        return self.last_delay_s


def run_loop(client: SyncClient, interval_s: float, *, stop: threading.Event, wake: threading.Event | None = None,
             rng: random.Random | None = None, on_outcome: Callable[[SyncOutcome], None] = lambda o: None) -> None:
    """Cycle until STOP is set (SIGTERM). WAKE (SIGUSR1, the UI's "sync now") ends the current wait early;
    whoever sets STOP must set WAKE too. A cycle in flight notices STOP between download chunks."""
    wake = wake or stop
    backoff = Backoff(interval_s, rng or random.Random())
    while not stop.is_set():
        backoff.forget_delay()
        outcome = client.run_once(schedule=backoff)
        on_outcome(outcome)
        # A busy lock (another sync running) records nothing: wait one jittered interval.
        wake.wait(backoff.last_delay_s if backoff.last_delay_s is not None else next_delay_s(0, interval_s, backoff.rng))
        if wake is not stop:
            wake.clear()
