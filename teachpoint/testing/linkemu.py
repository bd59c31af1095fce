"""A userspace satellite-link emulator: an asyncio TCP proxy on 127.0.0.1 (DESIGN §4).

    with NginxServer(root) as srv, LinkEmulator(("127.0.0.1", srv.port), rate_bps=2_000_000,
                                                delay_s=0.3, per_conn_bps=200_000) as link:
        requests.get(link.url_for("/big.bin"), timeout=30)

The model, per TCP connection accepted on ``link.port`` (one connection to the upstream each):

* **one-way delay**: every chunk of data, in both directions, is held ``delay_s`` after it has
  crossed the link; a new connection also pays one RTT (``2 * delay_s``) before its first bytes
  go upstream, standing in for the TCP handshake the proxy itself completes instantly;
* **link rate**: downstream (server -> client) data is paced by one shared pacer for the whole
  link (``rate_bps``); upstream (requests) is only delayed, not rate limited;
* **per-connection cap** (``per_conn_bps``): a pacer per connection, standing in for what loss
  at this RTT leaves a single TCP stream; the link and connection pacers apply together;
* **outages** (``Outage(every_s, duration_s)`` or go_down()/come_up()): every open connection is
  cut (both sides reset, queued data dropped) and new connections are reset on accept until the
  outage ends;
* **counting**: downstream bytes as they enter the link (``bytes_entered``) and as they are
  delivered (``bytes_down``); the difference is what outages lost in flight.

:class:`~teachpoint.testing.linkemu_process.LinkEmulatorProcess` runs the same emulator in a
process of its own (benchmarks: every tool, TeachPoint included, then shares no interpreter with it).

Pacing is a virtual-clock token bucket (GCRA) with a burst of two chunks and data moves in chunks
of at most ``chunk_bytes`` (1400 by default), so the rate is smooth and does not drift; a
backlogged stream is paced from its previous chunk, so late wake-ups on a loaded machine do not
lose link time. The proxy
runs its own event loop in a daemon thread; ``stop()`` cancels every task and joins the thread.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

UP_CHUNK = 65536
CONNECT_TIMEOUT_S = 5.0
THREAD_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Outage:
    """A repeating outage: ``duration_s`` down, starting ``first_s`` after start, every ``every_s``."""

    every_s: float
    duration_s: float
    first_s: float | None = None  # default: every_s

    def __post_init__(self) -> None:
        if not 0 < self.duration_s < self.every_s:
            raise ValueError("an outage needs 0 < duration_s < every_s")


@dataclass
class ConnStats:
    """What one emulated connection carried (times are time.monotonic())."""

    id: int
    opened: float
    closed: float | None = None
    bytes_down: int = 0  # delivered to the client
    bytes_up: int = 0
    bytes_entered: int = 0  # server -> client bytes that entered the link (lost at a cut, or delivered)
    cut: bool = False
    error: str | None = None

    @property
    def duration(self) -> float:
        return (self.closed or time.monotonic()) - self.opened


class _Pacer:
    """Virtual-clock token bucket: ``reserve(n, now)`` returns when n bytes have crossed."""

    def __init__(self, rate_bps: float, burst_bytes: int) -> None:
        self.sec_per_byte = 8.0 / rate_bps
        self.burst_s = burst_bytes * self.sec_per_byte
        self.tat = 0.0  # theoretical time the link is free again

    def reserve(self, n: int, now: float) -> float:
        start = max(self.tat, now - self.burst_s)
        self.tat = start + n * self.sec_per_byte
        return self.tat


@dataclass
class _Conn:
    stats: ConnStats
    task: asyncio.Task
    pacer: _Pacer | None
    writers: list = field(default_factory=list)


class LinkEmulator:
    """A TCP proxy on 127.0.0.1 that behaves like a slow, long, flaky link (context manager)."""

    def __init__(self, upstream: tuple[str, int], rate_bps: float | None, delay_s: float = 0.0,
                 per_conn_bps: float | None = None, outages: Outage | None = None,
                 chunk_bytes: int = 1400, port: int = 0, handshake_rtt: bool = True) -> None:
        if rate_bps is not None and rate_bps <= 0 or per_conn_bps is not None and per_conn_bps <= 0:
            raise ValueError("rates must be positive (or None for unlimited)")
        self.upstream = upstream
        self.rate_bps = rate_bps
        self.delay_s = float(delay_s)
        self.per_conn_bps = per_conn_bps
        self.outages = outages
        self.chunk = int(chunk_bytes)
        self.handshake_rtt = handshake_rtt
        self.port = port
        self.bytes_down = 0  # delivered to clients
        self.bytes_up = 0
        self.bytes_entered = 0  # server -> client bytes that entered the link: delivered + lost in flight
        self.refused = 0
        self.cuts = 0  # connections cut by outages
        self.outage_count = 0
        self.connections: list[ConnStats] = []
        self._ids = itertools.count(1)
        self._down = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self._conns: dict[int, _Conn] = {}
        self._link: _Pacer | None = None
        self._schedule_task: asyncio.Task | None = None

    # -- public API ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url_for(self, path: str) -> str:
        return f"{self.url}/{path.lstrip('/')}"

    @property
    def is_down(self) -> bool:
        return self._down

    @property
    def open_connections(self) -> int:
        return len(self._conns)

    def start(self) -> "LinkEmulator":
        """Start the loop thread and listen; returns once ``.port`` accepts."""
        if self._thread is not None:
            return self
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="linkemu", daemon=True)
        self._thread.start()
        try:
            self._call(self._astart())
        except BaseException:
            self.stop()
            raise
        log.debug("link emulator on %s -> %s:%d (%s bit/s, %.3fs, per-conn %s)", self.url,
                  *self.upstream, self.rate_bps, self.delay_s, self.per_conn_bps)
        return self

    def stop(self) -> None:
        """Cut everything, stop listening, stop the loop and join its thread (bounded)."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        try:
            if loop.is_running():
                self._call(self._astop())
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(THREAD_TIMEOUT_S)
            if thread.is_alive():
                log.error("link emulator thread did not stop within %ss", THREAD_TIMEOUT_S)
            else:
                loop.close()
            self._loop = self._thread = None

    def go_down(self) -> None:
        """Begin an outage now: cut all connections, reset new ones until come_up()."""
        self._call(self._aoutage(True))

    def come_up(self) -> None:
        """End an outage begun by go_down()."""
        self._call(self._aoutage(False))

    def __enter__(self) -> "LinkEmulator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- loop side ----------------------------------------------------------------------------

    def _call(self, coro, timeout: float = THREAD_TIMEOUT_S):
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    async def _astart(self) -> None:
        if self.rate_bps:
            self._link = _Pacer(self.rate_bps, 2 * self.chunk)
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        if self.outages:
            self._schedule_task = asyncio.create_task(self._run_schedule(self.outages))

    async def _astop(self) -> None:
        if self._schedule_task:
            self._schedule_task.cancel()
        if self._server:
            self._server.close()
        await self._cut_all(cut=False)
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=2.0)

    async def _run_schedule(self, o: Outage) -> None:
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        nxt = t0 + (o.every_s if o.first_s is None else o.first_s)
        while True:
            await asyncio.sleep(max(0.0, nxt - loop.time()))
            await self._aoutage(True)
            await asyncio.sleep(o.duration_s)
            await self._aoutage(False)
            nxt += o.every_s

    async def _aoutage(self, down: bool) -> None:
        if down and not self._down:
            self.outage_count += 1
            log.info("link down: cutting %d connection(s)", len(self._conns))
        elif not down and self._down:
            log.info("link up")
        self._down = down
        if down:
            await self._cut_all(cut=True)

    async def _cut_all(self, cut: bool) -> None:
        conns = list(self._conns.values())
        for c in conns:
            if cut and not c.stats.cut:
                c.stats.cut = True
                self.cuts += 1
            for w in c.writers:
                w.transport.abort()
            c.task.cancel()
        if conns:
            await asyncio.wait([c.task for c in conns], timeout=2.0)

    async def _handle(self, creader: asyncio.StreamReader, cwriter: asyncio.StreamWriter) -> None:
        if self._down:
            self.refused += 1
            cwriter.transport.abort()
            return
        loop = asyncio.get_running_loop()
        stats = ConnStats(next(self._ids), time.monotonic())
        self.connections.append(stats)
        pacer = _Pacer(self.per_conn_bps, 2 * self.chunk) if self.per_conn_bps else None
        conn = _Conn(stats, asyncio.current_task(), pacer, [cwriter])
        self._conns[stats.id] = conn
        tasks: list[asyncio.Task] = []
        try:
            ureader, uwriter = await asyncio.wait_for(
                asyncio.open_connection(*self.upstream), CONNECT_TIMEOUT_S)
            conn.writers.append(uwriter)
            opened = loop.time()
            first_up = opened + (2 * self.delay_s if self.handshake_rtt else 0.0)
            qsize = self._queue_items()
            up_q: asyncio.Queue = asyncio.Queue(64)
            down_q: asyncio.Queue = asyncio.Queue(qsize)
            tasks = [asyncio.create_task(self._read_up(creader, up_q, first_up)),
                     asyncio.create_task(self._release(up_q, uwriter, stats, False)),
                     asyncio.create_task(self._read_down(ureader, down_q, pacer, stats)),
                     asyncio.create_task(self._release(down_q, cwriter, stats, True))]
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for t in done:
                if not t.cancelled() and t.exception() is not None:
                    raise t.exception()
            for w in conn.writers:
                w.close()
        except asyncio.CancelledError:
            pass  # outage cut or emulator stop: transports already aborted
        except Exception as e:  # noqa: BLE001 - one connection's failure must not stop the proxy
            stats.error = f"{type(e).__name__}: {e}"
            level = logging.DEBUG if isinstance(e, (OSError, asyncio.TimeoutError)) else logging.WARNING
            log.log(level, "connection %d: %s", stats.id, stats.error)
        finally:
            for t in tasks:
                t.cancel()
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
            for w in conn.writers:
                if not w.transport.is_closing():
                    w.transport.abort()
            stats.closed = time.monotonic()
            self._conns.pop(stats.id, None)

    def _queue_items(self) -> int:
        rate = min(r for r in (self.rate_bps, self.per_conn_bps, 1e12) if r)
        bdp_bytes = rate / 8 * max(self.delay_s, 0.01)
        return max(16, int(2 * bdp_bytes / self.chunk) + 8)

    async def _read_up(self, reader, q: asyncio.Queue, first_up: float) -> None:
        """Client -> server: delay only (plus one RTT for the handshake)."""
        loop = asyncio.get_running_loop()
        while True:
            data = await reader.read(UP_CHUNK)
            crossed = max(loop.time(), first_up)
            await q.put((crossed + self.delay_s, data))
            if not data:
                return

    async def _read_down(self, reader, q: asyncio.Queue, pacer: _Pacer | None, stats: ConnStats) -> None:
        """Server -> client: paced by the link and the connection, then delayed.

        Bytes are counted as they enter the link (``bytes_entered``): an outage that cuts the
        connection loses what is still in flight, which a client must fetch again.

        When the next chunk was already buffered (read() returned without waiting), the stream
        was backlogged and the link was never idle: the chunk is paced from the previous one's
        crossing time, not from "now", so a late wake-up of this thread (a loaded machine) does
        not lose link time.
        """
        loop = asyncio.get_running_loop()
        last = None
        while True:
            asked = loop.time()
            buffered = getattr(reader, "_buffer", None)  # CPython StreamReader internals
            backlogged = buffered is not None and len(buffered) > 0
            data = await reader.read(self.chunk)
            now = loop.time()
            if buffered is None:  # fallback: read() returned at once
                backlogged = now - asked < 0.001
            earliest = last if last is not None and backlogged else now
            crossed = now
            if data:
                stats.bytes_entered += len(data)
                self.bytes_entered += len(data)
                done = earliest  # when the chunk has crossed the link, on the link's clock
                if self._link is not None:
                    done = max(done, self._link.reserve(len(data), earliest))
                if pacer is not None:
                    done = max(done, pacer.reserve(len(data), earliest))
                if done > now:
                    await asyncio.sleep(done - now)
                crossed = max(done, now)
                last = done
            await q.put((crossed + self.delay_s, data))
            if not data:
                return

    async def _release(self, q: asyncio.Queue, writer: asyncio.StreamWriter, stats: ConnStats,
                       down: bool) -> None:
        """Write each chunk once its delay has passed; EOF is passed on as a half-close."""
        loop = asyncio.get_running_loop()
        while True:
            due, data = await q.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()
            if down:
                stats.bytes_down += len(data)
                self.bytes_down += len(data)
            else:
                stats.bytes_up += len(data)
                self.bytes_up += len(data)
