"""Attack matrix against the in-memory repository simulator (tests/sync_helpers.MemoryRepository).

Each test: the terminal has verified content of version 1; the attacker serves something
else; the cycle must end in the expected outcome class with content.db exactly as before.
Attacks that need valid signatures (a compromised online key) use the real keys; foreign keys
are freshly generated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil

import pytest
from tuf.api.metadata import Metadata, MetaFile

from kiosk.core.manifest import Manifest
from kiosk.core.sync_outcome import SyncReason
from kiosk.store import content
from kiosk.sync import publish, trust
from kiosk.sync.client import SyncClient
from kiosk.sync.trust import OFFLINE, OK, REFUSED, SECURITY_ALERT, STALE
from tests.helpers import file_digest
from tests.sync_helpers import (
    ContentSource,
    MemoryRepository,
    Publisher,
    assert_invariants,
    content_snapshot,
    terminal_config,
)

ROLES = ("root", "timestamp", "snapshot", "targets")


class Attack:
    """Terminal synced to version 1 from the simulator; helpers to publish and to forge."""

    def __init__(self, tmp_path, data_dir):
        keys = tmp_path / "keys"
        trust.init_keys(keys)
        self.pub = Publisher(keys, tmp_path / "repo", ContentSource(tmp_path / "source"))
        self.pub.build()
        self.v1_files_dir = tmp_path / "repo-v1"
        shutil.copytree(self.pub.repo_dir, self.v1_files_dir)
        self.sim = MemoryRepository(self.pub.repo_dir)
        self.cfg = terminal_config(data_dir, MemoryRepository.BASE_URL, self.pub.root_path)
        from kiosk.store import station

        station.open_station_db(self.cfg.station_db_path)
        station.add_announcement("公告", "")
        station.station_db.close()
        self.station_digest = file_digest(self.cfg.station_db_path)
        assert self.sync().result == OK
        self.before = content_snapshot()

    def sync(self, **kwargs):
        return SyncClient(self.cfg, fetcher=self.sim, **kwargs).run_once()

    def publish_change(self) -> None:
        """Version 2: one news record changes. The simulator serves it."""
        news = self.pub.source.records("news")[0]["id"]
        self.pub.source.edit("news", news, title="第二版标题")
        self.pub.build()
        self.sim.load(self.pub.repo_dir)

    def keys(self) -> trust.KeyStore:
        return trust.KeyStore.load(self.pub.keys_dir)

    def signers(self, role: str):
        root = Metadata.from_bytes(self.keys().root_path.read_bytes()).signed
        return self.keys().signers_for(root, role)

    def md(self, name: str) -> Metadata:
        return Metadata.from_bytes(self.sim.files[f"metadata/{name}"])

    def put(self, name: str, md: Metadata, signers) -> bytes:
        data = trust.sign_metadata(md, signers)
        self.sim.files[f"metadata/{name}"] = data
        return data

    def current(self, role: str) -> str:
        ts = self.md("timestamp.json")
        if role == "timestamp":
            return "timestamp.json"
        snap_v = ts.signed.snapshot_meta.version
        if role == "snapshot":
            return f"{snap_v}.snapshot.json"
        return f"{self.md(f'{snap_v}.snapshot.json').signed.meta['targets.json'].version}.targets.json"

    def resign_chain_from(self, role: str, data: bytes) -> None:
        """After replacing ROLE, update the hashes above it with valid online keys (a compromised
        timestamp/snapshot key), so only ROLE's own fault is left to detect."""
        if role == "targets":
            name = self.current("snapshot")
            snap = self.md(name)
            snap.signed.meta["targets.json"] = MetaFile(snap.signed.meta["targets.json"].version, len(data),
                                                        {"sha256": hashlib.sha256(data).hexdigest()})
            data = self.put(name, snap, self.signers("snapshot"))
            role = "snapshot"
        if role == "snapshot":
            ts = self.md("timestamp.json")
            ts.signed.snapshot_meta = MetaFile(ts.signed.snapshot_meta.version, len(data),
                                               {"sha256": hashlib.sha256(data).hexdigest()})
            ts.signed.version += 1
            self.put("timestamp.json", ts, self.signers("timestamp"))

    def expect(self, result: str, code: SyncReason, **kwargs):
        """The cycle ends in outcome class RESULT for reason CODE, both recorded, and content is as before."""
        outcome = self.sync(**kwargs)
        assert (outcome.result, outcome.code) == (result, code), outcome.reason
        assert content_snapshot() == self.before
        assert_invariants(self.cfg, station_digest=self.station_digest, publisher=self.pub)
        status = content.status_dict()
        assert status["last_result"] == result and status["last_reason"] == outcome.reason
        assert status["last_reason_code"] == code and status["last_applied"] is None
        return outcome


@pytest.fixture
def attack(tmp_path, data_dir) -> Attack:
    return Attack(tmp_path, data_dir)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("how", ["unsigned", "foreign-key"])
def test_unsigned_or_foreign_key_metadata_is_refused(attack, role, how):
    attack.publish_change()
    if role == "root":
        root = Metadata.from_bytes(attack.pub.root_path.read_bytes())
        root.signed.version = 2
        signers = [] if how == "unsigned" else [trust.generate_signer()]
        attack.put("2.root.json", root, signers)
    else:
        name = attack.current(role)
        md = attack.md(name)
        signers = [] if how == "unsigned" else [trust.generate_signer()]
        data = attack.put(name, md, signers)
        attack.resign_chain_from(role, data)
    outcome = attack.expect(SECURITY_ALERT, SyncReason.BAD_SIGNATURE)
    assert "signature" in outcome.reason or "signed" in outcome.reason


@pytest.mark.parametrize("role", ["timestamp", "snapshot", "targets"])
def test_rollback_of_each_role_is_refused(attack, role):
    v1 = dict(attack.sim.files.items())
    attack.publish_change()
    assert attack.sync().result == OK
    attack.before = content_snapshot()
    if role == "timestamp":
        attack.sim.files["metadata/timestamp.json"] = v1["metadata/timestamp.json"]
    elif role == "snapshot":
        # A valid timestamp (compromised timestamp key) pointing at the old snapshot.
        ts = attack.md("timestamp.json")
        old = v1["metadata/1.snapshot.json"]
        ts.signed.snapshot_meta = MetaFile(1, len(old), {"sha256": hashlib.sha256(old).hexdigest()})
        ts.signed.version += 1
        attack.put("timestamp.json", ts, attack.signers("timestamp"))
    else:
        # A valid snapshot (compromised snapshot key) listing the old targets version.
        snap = attack.md("2.snapshot.json")
        old = v1["metadata/1.targets.json"]
        snap.signed.meta["targets.json"] = MetaFile(1, len(old), {"sha256": hashlib.sha256(old).hexdigest()})
        snap.signed.version = 3
        data = attack.put("3.snapshot.json", snap, attack.signers("snapshot"))
        ts = attack.md("timestamp.json")
        ts.signed.snapshot_meta = MetaFile(3, len(data), {"sha256": hashlib.sha256(data).hexdigest()})
        ts.signed.version += 1
        attack.put("timestamp.json", ts, attack.signers("timestamp"))
    outcome = attack.expect(SECURITY_ALERT, SyncReason.ROLLBACK)
    assert "rollback" in outcome.reason


@pytest.mark.parametrize("role", ["timestamp", "snapshot", "targets"])
def test_expired_metadata_is_stale(attack, role):
    attack.publish_change()
    name = attack.current(role)
    md = attack.md(name)
    md.signed.expires = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1)
    data = attack.put(name, md, attack.signers(role))
    attack.resign_chain_from(role, data)
    attack.expect(STALE, SyncReason.EXPIRED_METADATA)


def test_freeze_attack_with_old_valid_timestamp_becomes_stale_when_clock_passes_expiry(attack):
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    outcome = attack.expect(STALE, SyncReason.EXPIRED_METADATA, clock=lambda: later)
    assert "expired" in outcome.reason


def test_mix_and_match_is_refused(attack):
    v1_targets = attack.sim.files["metadata/1.targets.json"]
    attack.publish_change()
    # Version 2 snapshot/timestamp, but 2.targets.json is the (validly signed) version 1 file.
    attack.sim.files["metadata/2.targets.json"] = v1_targets
    attack.expect(SECURITY_ALERT, SyncReason.HASH_MISMATCH)


def _tamper(data: bytes, how: str) -> bytes:
    if how == "same-length":
        b = bytearray(data)
        b[len(b) // 2] ^= 0x20
        return bytes(b)
    if how == "longer":
        return data + b" "
    if how == "shorter":
        return data[:-1]
    return b""


@pytest.mark.parametrize("how", ["same-length", "longer", "shorter", "empty"])
def test_tampered_manifest_is_refused(attack, how):
    attack.publish_change()
    sha = attack.pub.published_states()["news"][1]
    key = next(k for k in attack.sim.files if k.startswith(f"targets/content/{sha}."))
    attack.sim.files[key] = _tamper(attack.sim.files[key], how)
    # Longer than its signed length: the download is cut there, before any hash is computed.
    attack.expect(SECURITY_ALERT, SyncReason.TOO_MUCH_DATA if how == "longer" else SyncReason.HASH_MISMATCH)


@pytest.mark.parametrize("how", ["same-length", "longer", "shorter", "empty"])
def test_tampered_blob_is_refused(attack, how):
    rid = attack.pub.source.records("policies")[0]["id"]
    sha = attack.pub.source.attach("policies", rid, "guide.pdf", b"%PDF-1.4 " + bytes(range(256)) * 40)
    attack.pub.build()
    attack.sim.load(attack.pub.repo_dir)
    key = f"blobs/sha256/{sha[:2]}/{sha}"
    attack.sim.files[key] = _tamper(attack.sim.files[key], how)
    attack.expect(SECURITY_ALERT, SyncReason.HASH_MISMATCH)
    assert not (attack.cfg.blobs_path / "sha256" / sha[:2] / sha).exists()
    assert not any((attack.cfg.blobs_path / "staging").glob("*"))


def test_endless_timestamp_is_cut_at_the_size_cap(attack):
    attack.sim.files["metadata/timestamp.json"] = b"{" + b" " * (10 * 1024 * 1024)
    outcome = attack.expect(SECURITY_ALERT, SyncReason.TOO_MUCH_DATA)
    assert "more data than allowed" in outcome.reason
    assert attack.sim.stats.body_bytes < 1024 * 1024


@pytest.mark.parametrize("body", [b"<!DOCTYPE html><html><body>Wi-Fi login</body></html>", b'{"hello": "world"}'])
def test_captive_portal_or_plain_json_instead_of_metadata(attack, body):
    attack.publish_change()
    attack.sim.files["metadata/timestamp.json"] = body
    outcome = attack.expect(OFFLINE, SyncReason.NOT_METADATA)
    assert "not repository metadata" in outcome.reason


def test_plain_unsigned_json_instead_of_a_manifest(attack):
    attack.publish_change()
    sha = attack.pub.published_states()["news"][1]
    key = next(k for k in attack.sim.files if k.startswith(f"targets/content/{sha}."))
    attack.sim.files[key] = json.dumps({"format": "ipkiosk-manifest/1", "collection": "news", "generation": 9,
                                        "records": []}).encode()
    attack.expect(SECURITY_ALERT, SyncReason.HASH_MISMATCH)


def test_replayed_old_repository_after_tuf_cache_deleted(attack):
    attack.publish_change()
    assert attack.sync().result == OK
    attack.before = content_snapshot()
    # The TUF cache is lost; an attacker (or a stale mirror) serves the old, still valid, version 1.
    shutil.rmtree(attack.cfg.data_path / "tuf")
    attack.sim.files.clear()
    attack.sim.load(attack.v1_files_dir)
    outcome = attack.expect(SECURITY_ALERT, SyncReason.ROLLBACK)
    assert "lower than the applied" in outcome.reason


def _publish_raw(attack: Attack, collection: str, records: list[dict]) -> None:
    """A compromised targets key signs an arbitrary manifest (bypassing the publisher's checks)."""
    writer = trust.RepositoryWriter(attack.pub.repo_dir, attack.keys())
    out = {}
    for c, t in writer.signed_targets().items():
        data = next((attack.pub.repo_dir / "targets" / "content").glob(f"{t.sha256}.{c}.json")).read_bytes()
        out[c] = (data, t.sha256, t.generation)
    gen = writer.targets_version() + 1
    data = Manifest(collection, gen, records).to_json_bytes()
    out[collection] = (data, hashlib.sha256(data).hexdigest(), gen)
    writer.publish(out, timestamp_expiry=dt.timedelta(hours=1))
    attack.sim.load(attack.pub.repo_dir)


def test_record_rev_going_down_is_refused(attack):
    target_id = sorted(r["id"] for r in attack.pub.source.records("services"))[2]
    # The publisher itself refuses a changed record whose rev did not go up ...
    attack.pub.source.edit("services", target_id, title="改")
    lowered = [dict(r, rev=1) if r["id"] == target_id else r for r in attack.pub.source.records("services")]
    attack.pub.source.write("services", lowered)
    with pytest.raises(publish.ManifestError, match="rev"):
        attack.pub.build()
    # ... and a terminal refuses it from a compromised publisher.
    records = sorted(attack.pub.source.records("services"), key=lambda r: r["id"])
    _publish_raw(attack, "services", [dict(r, rev=3) if r["id"] == target_id else r for r in records])
    assert attack.sync().result == OK  # a higher rev is fine
    assert content.get_record(target_id)["rev"] == 3
    attack.before = content_snapshot()
    _publish_raw(attack, "services", [dict(r, rev=2, title="回退") if r["id"] == target_id else r for r in records])
    outcome = attack.expect(SECURITY_ALERT, SyncReason.ROLLBACK)
    assert "lower than the applied rev" in outcome.reason


@pytest.mark.parametrize("field,value", [("id", "../../etc/passwd"), ("id", "Svc-UPPER"),
                                         ("attachment", "../../../etc/cron.d/x"), ("attachment", "sub/dir.pdf")])
def test_path_traversal_ids_and_attachment_names_are_refused(attack, field, value, tmp_path):
    records = attack.pub.source.records("news")
    rec = dict(records[0], rev=records[0]["rev"] + 1)
    if field == "id":
        rec["id"] = value
    else:
        rec["attachments"] = [{"name": value, "sha256": "a" * 64, "length": 3, "media_type": "text/plain"}]
        attack.sim.files[f"blobs/sha256/aa/{'a' * 64}"] = b"abc"
    _publish_raw(attack, "news", [rec] + records[1:])
    # Validly signed, so the publisher's rules were bypassed, not the trust chain: the collection is
    # REFUSED (content rule) and keeps its content; nothing is written under the hostile name.
    outcome = attack.expect(REFUSED, SyncReason.REFUSED_COLLECTIONS)
    assert "signed news generation" in outcome.reason
    assert f"field {field if field == 'id' else 'name'!r}" in outcome.reason
    assert not any(p.name in ("passwd", "x", "dir.pdf") for p in attack.cfg.data_path.rglob("*"))


def test_root_rotation_chain_is_walked(attack):
    trust.rotate_keys(attack.pub.keys_dir, ["root", "timestamp"])
    publish.republish(attack.pub.repo_dir, attack.pub.keys_dir)
    trust.rotate_keys(attack.pub.keys_dir, ["snapshot"])
    publish.republish(attack.pub.repo_dir, attack.pub.keys_dir)
    attack.publish_change()
    outcome = attack.sync()
    assert outcome.result == OK, outcome.reason
    assert "metadata/2.root.json" in attack.sim.requested and "metadata/3.root.json" in attack.sim.requested
    assert (attack.cfg.data_path / "tuf" / "root_history" / "3.root.json").exists()
    assert_invariants(attack.cfg, station_digest=attack.station_digest, publisher=attack.pub)


def test_root_rotation_with_a_skipped_version_is_refused(attack):
    trust.rotate_keys(attack.pub.keys_dir, ["timestamp"])
    trust.rotate_keys(attack.pub.keys_dir, ["timestamp"])
    publish.republish(attack.pub.repo_dir, attack.pub.keys_dir)
    attack.publish_change()
    del attack.sim.files["metadata/2.root.json"]  # version 2 is missing: 3 cannot be reached
    attack.expect(SECURITY_ALERT, SyncReason.BAD_SIGNATURE)


def test_root_rotation_badly_signed_is_refused(attack):
    trust.rotate_keys(attack.pub.keys_dir, ["root", "timestamp"])
    publish.republish(attack.pub.repo_dir, attack.pub.keys_dir)
    attack.publish_change()
    # 2.root.json signed only by the NEW root key: the old root's threshold is not met.
    root2 = Metadata.from_bytes(attack.sim.files["metadata/2.root.json"])
    new_root_signers = [s for s in attack.keys().signers.values()
                        if s.public_key.keyid in root2.signed.roles["root"].keyids]
    attack.put("2.root.json", root2, new_root_signers)
    attack.expect(SECURITY_ALERT, SyncReason.BAD_SIGNATURE)
