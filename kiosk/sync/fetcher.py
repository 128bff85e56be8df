"""Fetchers for the sync client: HTTP(S) through requests, and file:/// for USB sticks and image seeds.

Qt-free. Both are python-tuf ``FetcherInterface`` implementations, so metadata, manifests and
blobs all go through the same verification, whatever carries them. They enforce a per-read
timeout (HTTP), an overall wall-clock deadline for the cycle, a size cap per request (the
caller's ``max_length``), and can be cancelled between chunks (SIGTERM of ``sync --loop``).
They count requests and body bytes, and remember the server's Retry-After.

The deadline covers everything a server can stretch: connecting, the TLS handshake, the
response headers and the body. A per-read timeout cannot do that (it restarts with every
byte, so a server dribbling one byte a second never trips it); a watchdog timer shuts the
cycle's sockets down when the deadline passes, which ends any read in progress at once.

Answers for metadata and manifests (``*.json``) must be JSON, and metadata must have the shape
of signed TUF metadata; anything else (a captive portal's login page, a proxy's error page) is
:class:`NotMetadataError`, a network problem, however long it is. What has the shape of signed
metadata is left to TUF to verify, and a refusal there is a security alert (kiosk/sync/trust.py).
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import logging
import socket
import threading
import time
import urllib.parse
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import requests
import urllib3
from tuf.api import exceptions as tuf_exc
from tuf.ngclient import FetcherInterface

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

CHUNK_BYTES = 64 * 1024
DEFAULT_CONNECT_TIMEOUT_S = 10.0
DEFAULT_READ_TIMEOUT_S = 30.0
DEFAULT_DEADLINE_S = 900.0


class CancelledError(tuf_exc.DownloadError):
    """The sync process was asked to stop while downloading."""


class NotMetadataError(tuf_exc.DownloadError):
    """A metadata or manifest URL answered with something that is not repository metadata
    (a captive portal's login page, a proxy's error page): the network is in the way."""


_JSON_WHITESPACE = b" \t\r\n"


def _is_metadata_url(url: str) -> bool:
    """TUF metadata lives in the repository's metadata/ directory (``<repository>/metadata/N.root.json``);
    manifests are ``<repository>/targets/content/<sha256>.<collection>.json``. Only the last directory
    counts: the repository's own URL may contain anything."""
    return url.endswith(".json") and url.rsplit("/", 2)[-2:-1] == ["metadata"]


def _is_signed_metadata_shape(body: bytes) -> bool:
    """True when BODY is a JSON object with a ``signed`` object naming its ``_type``: what every
    TUF metadata file looks like, whether or not its signatures and fields are valid."""
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested beyond reason
        return False
    return isinstance(doc, dict) and isinstance(doc.get("signed"), dict) and "_type" in doc["signed"]


@dataclass
class FetchStats:
    requests: int = 0
    body_bytes: int = 0

    def reset(self) -> None:
        self.requests = 0
        self.body_bytes = 0


def parse_retry_after(value: str | None, *, now_s: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now_s)


class BaseFetcher(FetcherInterface):
    def __init__(self, *, deadline_s: float = DEFAULT_DEADLINE_S, monotonic: Callable[[], float] = time.monotonic,
                 should_stop: Callable[[], bool] = lambda: False):
        self.deadline_s = deadline_s
        self.monotonic = monotonic
        self.should_stop = should_stop
        self.stats = FetchStats()
        self.retry_after_s: float | None = None
        self._deadline_at = monotonic() + deadline_s

    def start_cycle(self) -> None:
        """Reset counters and the overall deadline at the start of a sync cycle."""
        self.stats.reset()
        self.retry_after_s = None
        self._deadline_at = self.monotonic() + self.deadline_s

    def _deadline_error(self, url: str) -> tuf_exc.SlowRetrievalError:
        return tuf_exc.SlowRetrievalError(f"overall deadline of {self.deadline_s:.0f} s passed while fetching {url}")

    def _check_budget(self, url: str) -> None:
        if self.should_stop():
            raise CancelledError(f"stopped while fetching {url}")
        if self.monotonic() > self._deadline_at:
            raise self._deadline_error(url)

    def _counted(self, url: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
        """Every response body passes through here: budget checks between chunks, byte counts,
        and for metadata and manifests the checks that the answer is repository metadata at all."""
        counted = self._count(url, chunks)
        if not url.endswith(".json"):
            return counted  # blobs: any bytes, verified against their pinned sha256 + length
        starts_as_json = self._starts_as_json(url, counted)
        return self._shaped_as_metadata(url, starts_as_json) if _is_metadata_url(url) else starts_as_json

    def _count(self, url: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            self._check_budget(url)
            self.stats.body_bytes += len(chunk)
            yield chunk

    @staticmethod
    def _starts_as_json(url: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
        """Stop at the first significant byte when it cannot start a JSON object: an HTML page longer
        than the metadata size cap would otherwise be cut by TUF as "more data than allowed", which
        is what an endless-data attack looks like, not what a captive portal is."""
        for chunk in chunks:
            significant = chunk.lstrip(_JSON_WHITESPACE)
            if significant and not significant.startswith(b"{"):
                # The server's bytes stay out of the message: it is recorded and shown to staff.
                raise NotMetadataError(f"{url}: the answer is not JSON")
            yield chunk
            if significant:
                yield from chunks
                return

    @staticmethod
    def _shaped_as_metadata(url: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
        """After the whole body (TUF caps its length): JSON that is not shaped like signed metadata
        (a gateway's {"error": ...}) is not metadata; what is shaped like it goes on to TUF."""
        body = bytearray()
        for chunk in chunks:
            body += chunk
            yield chunk
        if not _is_signed_metadata_shape(bytes(body)):
            raise NotMetadataError(f"{url}: the answer is JSON but not signed TUF metadata")


class _DeadlineWatchdog:
    """Shuts down every socket of a cycle once the cycle's deadline has passed.

    A shut-down socket ends a read blocked in another thread at once (it sees end of stream), so
    connect, TLS handshake, headers and body all stop at the deadline, however slowly the server
    sends. Each watched socket is a duplicate of the connection's file descriptor, owned here and
    closed when the connection closes: shutting it down stops the connection even after TLS wrapped
    (and detached) the original socket object, and it never touches a descriptor someone else reuses.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._timer: threading.Timer | None = None
        self._armed = 0  # which arming the running timer belongs to: a late one from a past cycle is ignored
        self.expired = False

    def arm(self, seconds: float) -> None:
        """Start a new cycle that must end within SECONDS."""
        self.disarm()
        with self._lock:
            self._armed += 1
            self.expired = False
            if not seconds < threading.TIMEOUT_MAX:  # inf, nan or centuries: no deadline (a timer would overflow)
                return
            # A daemon thread: it must never keep a finished `sync --once` process alive.
            self._timer = threading.Timer(max(seconds, 0.0), self._expire, args=(self._armed,))
            self._timer.daemon = True
            self._timer.start()

    def disarm(self) -> None:
        """Stop the timer: its thread ends now instead of sleeping until a deadline nobody waits for."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

    def watch(self, sock: socket.socket) -> socket.socket:
        """Watch the newly connected SOCK until :meth:`release`; returns the handle to release."""
        with self._lock:
            handle = sock.dup()
            self._sockets.add(handle)
            if self.expired:
                self._shut(handle)
        return handle

    def release(self, handle: socket.socket) -> None:
        """The connection closed: stop watching it (the duplicate must not keep the connection open)."""
        with self._lock:
            self._sockets.discard(handle)
        handle.close()

    def _expire(self, armed: int) -> None:
        with self._lock:
            if armed != self._armed:
                return
            self.expired = True
            for handle in self._sockets:
                self._shut(handle)

    @staticmethod
    def _shut(handle: socket.socket) -> None:
        with contextlib.suppress(OSError):  # the peer already went away
            handle.shutdown(socket.SHUT_RDWR)


if TYPE_CHECKING:  # the mixin's super() is the urllib3 connection it is mixed into
    _ConnectionBase = urllib3.connection.HTTPConnection
else:
    _ConnectionBase = object


class _WatchedConnection(_ConnectionBase):
    """Mixin for urllib3 connections: the socket is watched from the moment it is connected
    (before any TLS handshake) until the connection closes."""

    watchdog: _DeadlineWatchdog
    _watch_handle: socket.socket | None = None

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self._watch_handle = self.watchdog.watch(sock)
        return sock

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._watch_handle is not None:
                self.watchdog.release(self._watch_handle)
                self._watch_handle = None


def _watched_adapter(watchdog: _DeadlineWatchdog) -> requests.adapters.HTTPAdapter:
    """A requests adapter whose connections are watched by WATCHDOG."""

    class WatchedHTTPConnection(_WatchedConnection, urllib3.connection.HTTPConnection):
        pass

    class WatchedHTTPSConnection(_WatchedConnection, urllib3.connection.HTTPSConnection):
        pass

    WatchedHTTPConnection.watchdog = WatchedHTTPSConnection.watchdog = watchdog

    class WatchedHTTPConnectionPool(urllib3.HTTPConnectionPool):
        ConnectionCls = WatchedHTTPConnection

    class WatchedHTTPSConnectionPool(urllib3.HTTPSConnectionPool):
        ConnectionCls = WatchedHTTPSConnection

    adapter = requests.adapters.HTTPAdapter()
    # urllib3's PoolManager keeps its pool classes per instance so that they can be replaced like this.
    adapter.poolmanager.pool_classes_by_scheme = {"http": WatchedHTTPConnectionPool,
                                                  "https": WatchedHTTPSConnectionPool}
    return adapter


class HttpFetcher(BaseFetcher):
    """requests-based fetcher with timeouts, a wall-clock deadline, and the kiosk's User-Agent."""

    def __init__(self, *, user_agent: str, session: requests.Session | None = None,
                 connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S, read_timeout_s: float = DEFAULT_READ_TIMEOUT_S,
                 wall_clock: Callable[[], float] = time.time, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session or requests.Session()
        # Never pick up proxies or credentials from the environment (.netrc): the repository is public.
        self.session.trust_env = False
        self.session.headers["User-Agent"] = user_agent
        self._watchdog = _DeadlineWatchdog()
        adapter = _watched_adapter(self._watchdog)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.connect_timeout_s = connect_timeout_s
        self.read_timeout_s = read_timeout_s
        self.wall_clock = wall_clock
        # timestamp.json is the only mutable file: a long-running process revalidates it
        # (If-None-Match / If-Modified-Since) instead of downloading it again. {url: (etag, last_modified, body)}
        self._revalidate: dict[str, tuple[str | None, str | None, bytes]] = {}
        self._watchdog.arm(self.deadline_s)
        weakref.finalize(self, self._watchdog.disarm)  # a discarded fetcher leaves no timer thread behind

    def start_cycle(self) -> None:
        super().start_cycle()
        # Connections kept alive since the previous cycle may have been shut down by its deadline.
        self.session.close()
        self._watchdog.arm(self.deadline_s)

    def _check_budget(self, url: str) -> None:
        super()._check_budget(url)
        if self._watchdog.expired:  # the timer and the monotonic clock may disagree by a hair
            raise self._deadline_error(url)

    def _timeouts(self) -> tuple[float, float]:
        """(connect, read) timeouts, never longer than what is left of the deadline."""
        left_s = max(self._deadline_at - self.monotonic(), 0.001)
        return min(self.connect_timeout_s, left_s), min(self.read_timeout_s, left_s)

    def _fetch(self, url: str) -> Iterator[bytes]:
        self._check_budget(url)
        self.stats.requests += 1
        mutable = url.endswith("/timestamp.json")
        headers = {}
        cached = self._revalidate.get(url) if mutable else None
        if cached is not None:
            etag, last_modified, _ = cached
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
        try:
            response = self.session.get(url, stream=True, timeout=self._timeouts(), allow_redirects=True,
                                        headers=headers)
        except requests.exceptions.RequestException as exc:
            if self._watchdog.expired:  # the watchdog shut the socket while we waited for the answer
                raise self._deadline_error(url) from exc
            if isinstance(exc, requests.exceptions.Timeout):
                raise tuf_exc.SlowRetrievalError(f"timed out connecting to {url}") from exc
            raise
        if response.status_code == 304 and cached is not None:
            response.close()
            return iter([cached[2]])  # verified again by TUF like any download
        if response.status_code in (429, 503):
            self.retry_after_s = parse_retry_after(response.headers.get("Retry-After"), now_s=self.wall_clock())
        if response.status_code != 200:
            response.close()
            raise tuf_exc.DownloadHTTPError(f"HTTP {response.status_code} for {url}", response.status_code)
        chunks = self._counted(url, self._chunks(url, response))
        if mutable and (response.headers.get("ETag") or response.headers.get("Last-Modified")):
            return self._remember(url, response.headers.get("ETag"), response.headers.get("Last-Modified"), chunks)
        return chunks

    def _remember(self, url: str, etag: str | None, last_modified: str | None, chunks: Iterator[bytes]) -> Iterator[bytes]:
        self._revalidate.pop(url, None)
        body = bytearray()
        for chunk in chunks:
            body += chunk
            yield chunk
        self._revalidate[url] = (etag, last_modified, bytes(body))

    def _chunks(self, url: str, response: requests.Response) -> Iterator[bytes]:
        # read1() returns whatever has arrived, so a server dripping one byte at a time still
        # reaches the deadline check between reads (iter_content would block until a chunk is full).
        try:
            while chunk := response.raw.read1(CHUNK_BYTES, decode_content=True):
                yield chunk
            if self._watchdog.expired:  # a shut-down socket may read as a clean end of stream
                raise self._deadline_error(url)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            if self._watchdog.expired:
                raise self._deadline_error(url) from exc
            if isinstance(exc, urllib3.exceptions.ReadTimeoutError):
                raise tuf_exc.SlowRetrievalError(f"no data for {self.read_timeout_s:.0f} s from {url}") from exc
            raise tuf_exc.DownloadError(f"connection broken while fetching {url}: {exc}") from exc
        finally:
            response.close()


class LocalDirectoryFetcher(BaseFetcher):
    """file:/// repositories (USB stick, image seed): same caps and verification as HTTP."""

    def _fetch(self, url: str) -> Iterator[bytes]:
        self._check_budget(url)
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
            raise tuf_exc.DownloadError(f"not a local file URL: {url}")
        path = Path(urllib.parse.unquote(parsed.path))
        self.stats.requests += 1
        try:
            f = open(path, "rb")  # noqa: SIM115 - closed by the generator below
        except (FileNotFoundError, NotADirectoryError):
            # Behave like a web server, so TUF's root-version probing stops at the newest root.
            raise tuf_exc.DownloadHTTPError(f"no such file {path}", 404) from None
        except OSError as exc:
            raise tuf_exc.DownloadError(f"cannot read {path}: {exc.strerror}") from exc
        return self._counted(url, self._read(f))

    @staticmethod
    def _read(f: BinaryIO) -> Iterator[bytes]:
        with f:
            while chunk := f.read(CHUNK_BYTES):
                yield chunk


def make_fetcher(repository_url: str, *, user_agent: str, **kwargs: Any) -> BaseFetcher:
    if repository_url.startswith("file:///"):
        return LocalDirectoryFetcher(**{k: v for k, v in kwargs.items() if k in ("deadline_s", "monotonic", "should_stop")})
    return HttpFetcher(user_agent=user_agent, **kwargs)
