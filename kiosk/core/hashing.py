"""hashlib without OpenSSL, for the processes that do no TLS: the UI and its data service."""

from __future__ import annotations

import sys


def import_hashing_without_openssl() -> None:
    """Import hashlib and hmac with their OpenSSL backend hidden, before anything else does.

    hashlib loads OpenSSL's libcrypto when it can: 3.3 MB of a process for the sha256 of booking
    links and manifests, which hashlib's built-in code computes as well. The staff PIN's scrypt,
    which only OpenSSL offers, loads it when staff unlock (kiosk/store/pin.py). Where hashlib is
    already imported (tests, other entry points) this changes nothing.
    """
    if "hashlib" in sys.modules or "hmac" in sys.modules:
        return
    sys.modules["_hashlib"] = None  # type: ignore[assignment] # None is how sys.modules blocks an import: makes `import _hashlib` fail: hashlib and hmac fall back
    try:
        import hashlib  # noqa: F401
        import hmac  # noqa: F401
    finally:
        del sys.modules["_hashlib"]
