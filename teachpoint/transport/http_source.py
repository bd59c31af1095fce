"""A repository on a web server, CDN, bucket or LAN peer: the HTTP source.

Metadata comes through :mod:`teachpoint.transport.http_get` (raw bytes, retries, the root past
every cache); files through the parallel resumable downloader. The source interface is described
in :mod:`teachpoint.transport.sources`; this module is imported only when a source is a URL, so
commands that never touch the network do not pay for ``requests``.
"""

from __future__ import annotations

import threading

import requests

from teachpoint.errors import NotOnSource
from teachpoint.repo.format import MAX_ROOT_BYTES, ROOT_NAME, blob_path, meta_path
from teachpoint.transport import http_get
from teachpoint.transport.sources import COLLECTION_NAME, parse_collection
from teachpoint.transport.transfer import TransferProgress, TransferResult



WARM_SESSIONS = 4  # as many as the downloader's first streams (stream_sizer.START_STREAMS)


class HttpSource:
    """A repository on a web server. (The resumable parallel downloader builds on this.)"""

    def __init__(self, url: str, session: "requests.Session | None" = None):
        self.base = url if url.endswith("/") else url + "/"
        self.location = self.base
        self.key_folder = None
        self.described_as = f"the server {self.base}'s"
        self._given = session
        self._local = threading.local()  # requests sessions are not shared between threads
        self._sessions: list = []  # sessions threads are using (handed back by release_connections)
        self._warm: list = []  # idle sessions with a connection open, for the next reads/streams
        self._sessions_lock = threading.Lock()

    @property
    def session(self) -> "requests.Session":
        """This thread's session: a warm one (a connection already open) if any is idle."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._take_warm()
            if session is None:
                session = self._given if self._given is not None and \
                    threading.current_thread() is threading.main_thread() else http_get.new_session()
                session.headers.update(http_get.SESSION_HEADERS)
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def release_connections(self) -> None:
        """Metadata reads are done for now: keep up to :data:`WARM_SESSIONS` of their sessions
        warm and close the rest. The next reads and the file downloader's first streams take the
        warm ones, so their keep-alive connections carry on with no new handshake (a satellite
        round trip or two each) and the server never sees the old and new connections at once."""
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
            self._local = threading.local()  # every thread takes (and tracks) one afresh if asked
            pool = self._warm + [s for s in sessions if s not in self._warm]
            self._warm, extra = pool[:WARM_SESSIONS], pool[WARM_SESSIONS:]
        for session in extra:
            session.close()

    def _take_warm(self) -> "requests.Session | None":
        with self._sessions_lock:
            return self._warm.pop() if self._warm else None

    def _close_warm(self) -> None:
        with self._sessions_lock:
            warm, self._warm = self._warm, []
        for session in warm:
            session.close()

    def _get(self, rel: str, limit: int) -> bytes:
        """A whole metadata file, raw, retried (:func:`http_get.fetch_bytes`); the root and the
        collection index, which change in place, are asked for past every cache."""
        url, headers = self.base + rel, None
        if rel in (ROOT_NAME, COLLECTION_NAME):
            url, headers = http_get.fresh(url)
        try:
            return http_get.fetch_bytes(self.session, url, limit, headers=headers)
        except NotOnSource as exc:
            raise NotOnSource(f"{self.base} has no {rel} (not a TeachPoint repository?)") from exc

    prefetched_root: bytes | None = None

    def expand(self) -> list["HttpSource"]:
        """This repository, or each repository of the collection at this address."""
        try:
            self.prefetched_root = self._get(ROOT_NAME, MAX_ROOT_BYTES)
            return [self]
        except NotOnSource:
            pass  # no root.json here: perhaps a collection
        names = parse_collection(self._get(COLLECTION_NAME, MAX_ROOT_BYTES))
        return [HttpSource(self.base + rel, self.session) for rel in names.values()]

    def read_root(self) -> bytes:
        data, self.prefetched_root = self.prefetched_root, None
        return data if data is not None else self._get(ROOT_NAME, MAX_ROOT_BYTES)

    def read_node(self, sha256: str, size: int) -> bytes:
        return self._get(meta_path(sha256), size)

    def iter_blob(self, sha256: str, size: int, chunk: int = 1 << 20):
        """The blob's bytes in chunks, raw, never more than ``size`` + 1 in all (to spot size lies)."""
        with http_get.open_ok(self.session, self.base + blob_path(sha256)) as resp:
            yield from http_get.read_raw(resp, size + 1, chunk)


    # ---- files ---------------------------------------------------------------------------

    _downloader = None

    def boost(self, sha256: str) -> None:
        """Download this file next (also while a download runs)."""
        downloader = self._downloader
        if downloader is not None:
            downloader.boost(sha256)

    def fetch_blobs(self, store, todo: list, *, on_stored, repository: str = "", progress=None,
                    cancel=None, limiter=None, max_streams: int = 8) -> TransferResult:
        """Download the wanted files with the parallel resumable downloader, most wanted first.

        A file this server does not have is counted missing (a mirror or LAN peer may hold only
        some); a file that failed otherwise is a typed problem in the result. Raises
        :class:`SourceUnreachable` when the server cannot be reached at all, and
        :class:`Cancelled` when ``cancel`` is set (partial files are kept for the next round).
        """
        from teachpoint.transport.download import BlobJob, Downloader
        from teachpoint.transport.http_range import new_stream_session

        res = TransferResult()
        jobs = [BlobJob(b.sha256, b.size, self.base + blob_path(b.sha256), priority=i)
                for i, b in enumerate(todo)]
        total = sum(b.size for b in todo)

        def stored(sha256: str, size: int) -> None:
            res.files_copied += 1
            res.bytes_copied += size
            on_stored(sha256, size)

        def report(p) -> None:
            if progress is not None:
                progress(TransferProgress(repository, res.files_copied, len(todo), p.bytes_done,
                                          total, p.speed_bps, p.eta_s, p.streams, p.current,
                                          downloader.active_blobs()))

        def stream_session():
            return self._take_warm() or new_stream_session()

        downloader = self._downloader = Downloader(store, max_streams=max_streams, limiter=limiter,
                                                   on_progress=report, on_blob_done=stored,
                                                   session_factory=stream_session)
        try:
            stats = self._downloader.run(jobs, cancel=cancel)
        finally:
            self._downloader = None
            self._close_warm()  # warm sessions no stream took
        res.bytes_received, res.bytes_wasted = stats.bytes_received, stats.bytes_wasted
        res.streams_max, res.seconds = stats.streams_max, stats.elapsed
        for sha, failure in stats.blobs_failed.items():
            if isinstance(failure, NotOnSource):
                res.files_missing += 1
            else:
                res.problems.append(failure)
        return res
