"""The one wrapper around python-tuf: keys, signed repository metadata, and the verifying client.

Qt-free. Nothing else in the project imports ``tuf`` or ``securesystemslib``: the publisher
(kiosk/sync/publish.py) writes metadata through :class:`RepositoryWriter`, the terminal
(kiosk/sync/client.py) verifies through :class:`TrustedRepository`, and failures are mapped to the
sync outcome classes by :func:`classify_error`.

Repository layout (consistent snapshots)::

    metadata/N.root.json  metadata/N.targets.json  metadata/N.snapshot.json  metadata/timestamp.json
    targets/content/<sha256>.<collection>.json

Each collection manifest is the TUF target ``content/<collection>.json`` with
``custom = {"generation": G}``; attachments are pinned by sha256 + length inside the manifests
(kiosk/sync/blobs.py), so they need no TUF entries of their own.

Keys directory (``ipkiosk-publish init``): ``root-<i>.pem`` (keep offline), ``targets.pem``,
``snapshot.pem``, ``timestamp.pem`` (PKCS#8 PEM, Ed25519, mode 0600) and ``N.root.json``
(every signed root version; ``1.root.json`` is what terminals are given as ``trusted_root``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import load_pem_private_key
from securesystemslib.signer import CryptoSigner, Signer
from tuf.api import exceptions as tuf_exc
from tuf.api.metadata import (
    Metadata,
    MetaFile,
    Role,
    Root,
    Snapshot,
    TargetFile,
    Targets,
    Timestamp,
)
from tuf.api.serialization import DeserializationError
from tuf.api.serialization.json import JSONSerializer
from tuf.ngclient import FetcherInterface, Updater, UpdaterConfig

from kiosk.core.clock import utcnow
from kiosk.core.durable import write_atomic
from kiosk.core.sync_outcome import Outcome, SyncReason
from kiosk.sync.fetcher import CancelledError, NotMetadataError

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

TOP_LEVEL_ROLES = (Root.type, Targets.type, Snapshot.type, Timestamp.type)
MANIFEST_TARGET_PREFIX = "content/"
ROOT_EXPIRY = dt.timedelta(days=730)
TARGETS_EXPIRY = dt.timedelta(days=365)
SNAPSHOT_EXPIRY = dt.timedelta(days=365)
DEFAULT_TIMESTAMP_EXPIRY = dt.timedelta(hours=24)
_ROOT_FILE_RE = re.compile(r"^(\d+)\.root\.json\Z")  # \Z: $ would also match before a final newline

# Outcome classes of a sync cycle, defined once in kiosk.core.sync_outcome (the admin screen words them);
# plain strings here, as they are stored and printed.
OK, UNCHANGED, OFFLINE, STALE, SECURITY_ALERT, REFUSED = (
    Outcome.OK.value, Outcome.UNCHANGED.value, Outcome.OFFLINE.value, Outcome.STALE.value,
    Outcome.SECURITY_ALERT.value, Outcome.REFUSED.value)


class KeyStoreError(RuntimeError):
    """The keys directory is missing, incomplete or inconsistent with the repository."""


def _now() -> dt.datetime:
    """The signing time: whole seconds, the precision TUF writes expiry dates with."""
    return utcnow().replace(microsecond=0)


def _serializer() -> JSONSerializer:
    return JSONSerializer(compact=True)


# ---------------------------------------------------------------- keys


def generate_signer() -> CryptoSigner:
    return CryptoSigner.generate_ed25519()


def save_signer(signer: CryptoSigner, path: Path) -> None:
    write_atomic(path, signer.private_bytes, mode=0o600)


def load_signer(path: Path) -> CryptoSigner:
    try:
        return CryptoSigner(load_pem_private_key(path.read_bytes(), password=None))
    except (OSError, ValueError, TypeError) as exc:
        raise KeyStoreError(f"{path}: cannot load an Ed25519 private key ({exc})") from None


def root_versions(directory: Path) -> dict[int, Path]:
    """{version: path} of every N.root.json in DIRECTORY."""
    if not directory.is_dir():
        return {}
    out = {}
    for p in directory.iterdir():
        m = _ROOT_FILE_RE.match(p.name)
        if m:
            out[int(m.group(1))] = p
    return out


def sign_metadata(md: Metadata[Any], signers: Iterable[Signer]) -> bytes:
    md.signatures.clear()
    for signer in signers:
        md.sign(signer, append=True)
    return md.to_bytes(_serializer())


def init_keys(keys_dir: Path, *, root_threshold: int = 1, root_key_count: int | None = None,
              now: dt.datetime | None = None) -> Path:
    """Create Ed25519 keys for every role and sign 1.root.json. Returns the root.json path."""
    root_key_count = root_key_count or root_threshold
    if root_threshold < 1 or root_key_count < root_threshold:
        raise KeyStoreError(f"root threshold {root_threshold} with {root_key_count} root keys: need 1 ≤ threshold ≤ keys")
    keys_dir.mkdir(parents=True, exist_ok=True)
    if any(keys_dir.glob("*.pem")) or root_versions(keys_dir):
        raise KeyStoreError(f"{keys_dir}: already holds keys; refusing to overwrite them")
    now = now or _now()
    root = Root(expires=now + ROOT_EXPIRY, consistent_snapshot=True)
    root_signers = []
    for i in range(1, root_key_count + 1):
        signer = generate_signer()
        save_signer(signer, keys_dir / f"root-{i}.pem")
        root.add_key(signer.public_key, Root.type)
        root_signers.append(signer)
    root.roles[Root.type].threshold = root_threshold
    for role in (Targets.type, Snapshot.type, Timestamp.type):
        signer = generate_signer()
        save_signer(signer, keys_dir / f"{role}.pem")
        root.add_key(signer.public_key, role)
    path = keys_dir / "1.root.json"
    write_atomic(path, sign_metadata(Metadata(root), root_signers))
    return path


def rotate_keys(keys_dir: Path, roles: Iterable[str], *, now: dt.datetime | None = None) -> Path:
    """Replace the keys of ROLES by new ones and sign root version N+1 with the old root keys
    (threshold) and, if root itself rotates, the new ones too. Returns the new N.root.json.
    Old private keys are renamed *.pem.retired so they are no longer used for signing."""
    keys = KeyStore.load(keys_dir)
    old_root = Metadata.from_bytes(keys.root_path.read_bytes())
    root: Root = old_root.signed
    old_root_signers = keys.signers_for(root, Root.type)
    new_signers: dict[str, list[CryptoSigner]] = {}
    for role in roles:
        if role not in TOP_LEVEL_ROLES:
            raise KeyStoreError(f"unknown role {role!r}, expected one of {', '.join(TOP_LEVEL_ROLES)}")
        count = len(root.roles[role].keyids)
        for keyid in list(root.roles[role].keyids):
            root.revoke_key(keyid, role)
        new_signers[role] = [generate_signer() for _ in range(count)]
        for signer in new_signers[role]:
            root.add_key(signer.public_key, role)
    root.version += 1
    root.expires = (now or _now()) + ROOT_EXPIRY
    signers = list(old_root_signers) + list(new_signers.get(Root.type, []))
    path = keys_dir / f"{root.version}.root.json"
    write_atomic(path, sign_metadata(Metadata(root), signers))
    for role, role_signers in new_signers.items():
        for pem in keys_dir.glob(f"{role}*.pem"):
            pem.rename(pem.with_name(pem.name + ".retired"))
        for i, signer in enumerate(role_signers, start=1):
            save_signer(signer, keys_dir / (f"{role}-{i}.pem" if role == Root.type else f"{role}.pem"))
    return path


@dataclass
class KeyStore:
    """Signers found in a keys directory, keyed by keyid, and the newest signed root there."""

    signers: dict[str, Signer]
    root_path: Path

    @classmethod
    def load(cls, keys_dir: Path) -> KeyStore:
        versions = root_versions(keys_dir)
        if not versions:
            raise KeyStoreError(f"{keys_dir}: no N.root.json (run `ipkiosk-publish init {keys_dir}` first)")
        signers: dict[str, Signer] = {}
        for pem in sorted(keys_dir.glob("*.pem")):
            signer = load_signer(pem)
            signers[signer.public_key.keyid] = signer
        return cls(signers=signers, root_path=versions[max(versions)])

    def signers_for(self, root: Root, role: str) -> list[Signer]:
        role_def: Role = root.roles[role]
        found = [self.signers[k] for k in role_def.keyids if k in self.signers]
        if len(found) < role_def.threshold:
            raise KeyStoreError(f"role {role!r} needs {role_def.threshold} key(s), the keys directory holds {len(found)}")
        return found[: max(role_def.threshold, 1)]


# ---------------------------------------------------------------- repository (publisher side)


@dataclass(frozen=True)
class SignedTarget:
    """A collection manifest as listed in signed targets metadata."""

    collection: str
    path: str
    sha256: str
    length: int
    generation: int


def manifest_target_path(collection: str) -> str:
    return f"{MANIFEST_TARGET_PREFIX}{collection}.json"


def _signed_target(tf: TargetFile) -> SignedTarget | None:
    if not tf.path.startswith(MANIFEST_TARGET_PREFIX) or not tf.path.endswith(".json"):
        return None
    generation = (tf.custom or {}).get("generation")
    if not isinstance(generation, int) or isinstance(generation, bool) or "sha256" not in tf.hashes:
        return None
    collection = tf.path[len(MANIFEST_TARGET_PREFIX):-len(".json")]
    return SignedTarget(collection, tf.path, tf.hashes["sha256"], tf.length, generation)


class RepositoryWriter:
    """Reads and writes the metadata/ and targets/ trees of one repository directory."""

    def __init__(self, repo_dir: Path, keys: KeyStore, *, now: Callable[[], dt.datetime] = _now):
        self.repo_dir = repo_dir
        self.metadata_dir = repo_dir / "metadata"
        self.targets_dir = repo_dir / "targets"
        self.keys = keys
        self.now = now
        self._import_roots()
        self.root: Metadata[Root] = self._load_latest_root()

    def _import_roots(self) -> None:
        """Copy every signed root version from the keys directory into the repository (immutable files)."""
        for version, path in root_versions(self.keys.root_path.parent).items():
            dest = self.metadata_dir / f"{version}.root.json"
            if not dest.exists():
                write_atomic(dest, path.read_bytes())

    def _load_latest_root(self) -> Metadata[Root]:
        versions = root_versions(self.metadata_dir)
        return Metadata.from_bytes(versions[max(versions)].read_bytes())

    def _load(self, role: str) -> Metadata[Any] | None:
        """The current signed metadata of ROLE, None when the repository has none yet."""
        if role == Timestamp.type:
            path = self.metadata_dir / "timestamp.json"
        else:
            ts = self._load(Timestamp.type)
            if ts is None:
                return None
            if role == Snapshot.type:
                version = ts.signed.snapshot_meta.version
            else:
                snapshot = self._load(Snapshot.type)
                if snapshot is None:  # the timestamp names it: the repository folder lost a file
                    raise tuf_exc.RepositoryError(f"{self.metadata_dir}: the snapshot timestamp.json names is missing")
                version = snapshot.signed.meta[f"{role}.json"].version
            path = self.metadata_dir / f"{version}.{role}.json"
        if not path.exists():
            return None
        return Metadata.from_bytes(path.read_bytes())

    def signed_targets(self) -> dict[str, SignedTarget]:
        """{collection: SignedTarget} currently published (empty for a new repository)."""
        md = self._load(Targets.type)
        if md is None:
            return {}
        out = {}
        for tf in md.signed.targets.values():
            st = _signed_target(tf)
            if st is not None:
                out[st.collection] = st
        return out

    def targets_version(self) -> int:
        md = self._load(Targets.type)
        version: int = md.signed.version if md is not None else 0
        return version

    def write_target_file(self, path: str, data: bytes, sha256: str) -> None:
        dirname, _, basename = path.rpartition("/")
        dest = self.targets_dir / dirname / f"{sha256}.{basename}"
        if not dest.exists():
            write_atomic(dest, data)

    def publish(self, manifests: dict[str, tuple[bytes, str, int]], *, timestamp_expiry: dt.timedelta) -> int:
        """Sign a new targets version listing MANIFESTS ({collection: (bytes, sha256, generation)}),
        then snapshot, then timestamp (the only mutable file, written last). Returns the targets version."""
        old = self._load(Targets.type)
        version = (old.signed.version if old is not None else 0) + 1
        targets = Targets(version=version, expires=self.now() + TARGETS_EXPIRY)
        for collection, (data, sha256, generation) in sorted(manifests.items()):
            path = manifest_target_path(collection)
            self.write_target_file(path, data, sha256)
            targets.targets[path] = TargetFile(len(data), {"sha256": sha256}, path,
                                               unrecognized_fields={"custom": {"generation": generation}})
        targets_bytes = sign_metadata(Metadata(targets), self.keys.signers_for(self.root.signed, Targets.type))
        write_atomic(self.metadata_dir / f"{version}.targets.json", targets_bytes)

        old_snapshot = self._load(Snapshot.type)
        snapshot = Snapshot(version=(old_snapshot.signed.version if old_snapshot is not None else 0) + 1,
                            expires=self.now() + SNAPSHOT_EXPIRY)
        snapshot.meta["targets.json"] = MetaFile(version=version, length=len(targets_bytes),
                                                 hashes={"sha256": hashlib.sha256(targets_bytes).hexdigest()})
        snapshot_bytes = sign_metadata(Metadata(snapshot), self.keys.signers_for(self.root.signed, Snapshot.type))
        write_atomic(self.metadata_dir / f"{snapshot.version}.snapshot.json", snapshot_bytes)
        self._write_timestamp(snapshot.version, snapshot_bytes, timestamp_expiry)
        return version

    def refresh_timestamp(self, *, timestamp_expiry: dt.timedelta) -> int:
        ts = self._load(Timestamp.type)
        if ts is None:
            raise KeyStoreError(f"{self.repo_dir}: no timestamp.json yet (run `ipkiosk-publish build` first)")
        version = ts.signed.snapshot_meta.version
        snapshot_bytes = (self.metadata_dir / f"{version}.snapshot.json").read_bytes()
        return self._write_timestamp(version, snapshot_bytes, timestamp_expiry)

    def _write_timestamp(self, snapshot_version: int, snapshot_bytes: bytes, expiry: dt.timedelta) -> int:
        old = self._load(Timestamp.type)
        ts = Timestamp(version=(old.signed.version if old is not None else 0) + 1, expires=self.now() + expiry,
                       snapshot_meta=MetaFile(version=snapshot_version, length=len(snapshot_bytes),
                                              hashes={"sha256": hashlib.sha256(snapshot_bytes).hexdigest()}))
        data = sign_metadata(Metadata(ts), self.keys.signers_for(self.root.signed, Timestamp.type))
        write_atomic(self.metadata_dir / "timestamp.json", data)
        version: int = ts.version
        return version


# ---------------------------------------------------------------- client (terminal side)


class TrustedRootError(ValueError):
    """The trusted root file (``trusted_root`` in the config) is one the TUF client would refuse."""


def load_trusted_root(path: Path) -> Root:
    """The root metadata in PATH, checked the way the TUF client checks its trusted root before it
    trusts anything: it parses as TUF root metadata, and valid signatures from its own root keys
    meet its own root threshold. An expired root passes, as in the client (only the newest root's
    expiry counts, after the chain of newer roots is walked). Raises :class:`TrustedRootError`
    with one line naming the problem; a tampered byte in the signed part fails the signatures."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TrustedRootError(exc.strerror or str(exc)) from None
    try:
        md = Metadata.from_bytes(data)
    except DeserializationError as exc:
        cause = exc.__cause__ or exc
        raise TrustedRootError(f"not TUF metadata ({type(cause).__name__}: {cause})") from None
    if md.signed.type != Root.type:
        raise TrustedRootError(f"not root metadata (signed._type is {md.signed.type!r})")
    root: Root = md.signed
    result = root.get_verification_result(Root.type, md.signed_bytes, md.signatures)
    if not result.verified:
        raise TrustedRootError(f"root metadata version {root.version} is not signed by its own root keys: "
                               f"{len(result.signed)} valid signature(s), threshold {result.threshold} "
                               "(the file was changed after signing, or is not the published root)")
    return root



class TrustedRepository:
    """python-tuf's ngclient Updater behind the few calls a sync cycle needs.

    ``bootstrap`` is the trusted root.json from config; newer roots already verified are taken
    from the local cache (``metadata_dir/root_history``), so a rotated root chain is walked once.
    """

    def __init__(self, metadata_dir: Path, repository_url: str, bootstrap: bytes, fetcher: FetcherInterface,
                 *, reference_time: dt.datetime | None = None):
        metadata_dir.mkdir(parents=True, exist_ok=True)
        base = repository_url.rstrip("/")
        self._updater = Updater(
            str(metadata_dir), f"{base}/metadata/", target_base_url=f"{base}/targets/", fetcher=fetcher,
            config=UpdaterConfig(timestamp_max_length=16 * 1024, snapshot_max_length=1024 * 1024,
                                 targets_max_length=4 * 1024 * 1024),
            bootstrap=bootstrap,
        )
        if reference_time is not None:
            # WORKAROUND: ngclient reads the wall clock itself and has no clock parameter; the
            # injected clock (tests: ±2 days, frozen repositories) replaces its reference time.
            # Pinned by tuf>=7.0.1,<8 in pyproject.toml.
            self._updater._trusted_set.reference_time = reference_time

    def refresh(self) -> None:
        self._updater.refresh()

    def collection_targets(self, collections: Iterable[str]) -> dict[str, SignedTarget]:
        """{collection: SignedTarget} for the COLLECTIONS listed in the verified targets metadata."""
        out = {}
        for collection in collections:
            tf = self._updater.get_targetinfo(manifest_target_path(collection))
            st = _signed_target(tf) if tf is not None else None
            if st is not None:
                out[collection] = st
        return out

    def download(self, target: SignedTarget, dest: Path) -> Path:
        """Download TARGET into DEST, verified against the signed length and sha256."""
        info = self._updater.get_targetinfo(target.path)
        if info is None:  # cannot happen after refresh() listed it; keep the failure explicit
            raise tuf_exc.RepositoryError(f"target {target.path} vanished from signed metadata")
        return Path(self._updater.download_target(info, str(dest)))


def classify_error(exc: BaseException) -> tuple[str, SyncReason, str]:
    """(outcome class, reason code, one-line reason in English) for an exception raised during refresh or download.

    The line between the classes: OFFLINE is whatever a broken or intercepting network produces
    (no answer, HTTP errors, a captive portal's page, a proxy's JSON error, a deadline); an attacker
    on the path can always cause it anyway by dropping packets, so calling garbage OFFLINE hides
    nothing. SECURITY_ALERT is what only a forger or a compromised repository produces: metadata
    that looks signed but fails verification or is malformed, rollbacks, too much data for a file
    that starts like metadata.
    """
    if isinstance(exc, CancelledError):  # the process was told to stop (SIGTERM of `sync --loop`)
        return OFFLINE, SyncReason.STOPPED, f"stopped before the cycle finished ({exc})"
    if isinstance(exc, tuf_exc.ExpiredMetadataError):
        return STALE, SyncReason.EXPIRED_METADATA, f"expired metadata: {exc} (repository frozen or terminal clock wrong)"
    if isinstance(exc, NotMetadataError):
        # An HTML captive portal, a proxy's error page, a gateway's JSON error, of whatever length.
        return (OFFLINE, SyncReason.NOT_METADATA,
                "the server answered with something that is not repository metadata (captive portal or proxy?)")
    if isinstance(exc, DeserializationError):
        # The fetcher let it through because it has the shape of signed metadata: a file that looks
        # signed but breaks the format (e.g. duplicate signatures or key ids to fake a threshold).
        cause = exc.__cause__ or exc
        return (SECURITY_ALERT, SyncReason.MALFORMED_METADATA,
                f"malformed signed metadata refused: {type(cause).__name__}: {cause}")
    if isinstance(exc, tuf_exc.DownloadLengthMismatchError):
        return SECURITY_ALERT, SyncReason.TOO_MUCH_DATA, f"server sent more data than allowed: {exc}"
    if isinstance(exc, tuf_exc.DownloadHTTPError):
        return OFFLINE, SyncReason.HTTP_ERROR, f"HTTP {exc.status_code} from the repository"
    if isinstance(exc, tuf_exc.SlowRetrievalError):
        return OFFLINE, SyncReason.DOWNLOAD_SLOW, f"download too slow or timed out ({exc})"
    if isinstance(exc, tuf_exc.DownloadError):
        underlying = exc.__cause__ or exc.__context__
        return OFFLINE, SyncReason.DOWNLOAD_FAILED, f"download failed: {underlying or exc}"
    if isinstance(exc, tuf_exc.BadVersionNumberError):
        return SECURITY_ALERT, SyncReason.ROLLBACK, f"rollback refused: {exc}"
    if isinstance(exc, tuf_exc.UnsignedMetadataError):
        return SECURITY_ALERT, SyncReason.BAD_SIGNATURE, f"bad signature: {exc}"
    if isinstance(exc, tuf_exc.LengthOrHashMismatchError):
        return SECURITY_ALERT, SyncReason.HASH_MISMATCH, f"hash or length mismatch: {exc}"
    if isinstance(exc, tuf_exc.RepositoryError):
        return SECURITY_ALERT, SyncReason.METADATA_REFUSED, f"metadata refused: {exc}"
    raise exc
