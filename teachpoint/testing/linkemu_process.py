"""The link emulator in a process of its own, for benchmarks that compare tools fairly.

    with LinkEmulatorProcess(("127.0.0.1", srv.port), rate_bps=2_000_000, delay_s=0.3,
                             per_conn_bps=200_000) as link:
        subprocess.run(["aria2c", link.url_for("/x")])   # or TeachPoint in this process
    link.bytes_entered, link.bytes_down, link.connections  # read after the ``with`` (or stats())

In-process, the emulator's event loop shares the GIL with whatever else runs there: TeachPoint's
downloader threads would slow its pacing while aria2c or curl (other processes) would not. Here
the emulator (:class:`~teachpoint.testing.linkemu.LinkEmulator`) runs in a child Python process
for every tool alike. The child prints its port, then answers ``stats`` on stdin with one JSON
line (the counters and every connection) and exits on ``stop`` (or when stdin closes).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys

from teachpoint.testing.linkemu import ConnStats, LinkEmulator, Outage

START_TIMEOUT_S = 20.0
COUNTERS = ("bytes_down", "bytes_up", "bytes_entered", "refused", "cuts", "outage_count")


class LinkEmulatorProcess:
    """A :class:`LinkEmulator` run by a child process; same constructor, counters read by :meth:`stats`."""

    def __init__(self, upstream: tuple[str, int], rate_bps: float | None, delay_s: float = 0.0,
                 per_conn_bps: float | None = None, outages: Outage | None = None,
                 chunk_bytes: int = 1400) -> None:
        self.options = {"upstream": list(upstream), "rate_bps": rate_bps, "delay_s": delay_s,
                        "per_conn_bps": per_conn_bps, "chunk_bytes": chunk_bytes,
                        "outages": dataclasses.asdict(outages) if outages else None}
        self.port = 0
        self.connections: list[ConnStats] = []
        self.bytes_down = self.bytes_up = self.bytes_entered = 0
        self.refused = self.cuts = self.outage_count = 0
        self._proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs."""
        return self._proc.pid if self._proc is not None else None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url_for(self, path: str) -> str:
        return f"{self.url}/{path.lstrip('/')}"

    def start(self) -> "LinkEmulatorProcess":
        """Start the child and wait for its port."""
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "teachpoint.testing.linkemu_process", json.dumps(self.options)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        line = self._proc.stdout.readline()
        if not line:
            self._proc.kill()
            raise RuntimeError("the link emulator process did not start")
        self.port = json.loads(line)["port"]
        return self

    def stats(self) -> None:
        """Refresh the counters and connections from the child (it keeps running)."""
        self._ask("stats")

    def stop(self) -> None:
        """Read the final counters and end the child (bounded)."""
        if self._proc is None:
            return
        try:
            self._ask("stop")
        finally:
            try:
                self._proc.wait(timeout=START_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=START_TIMEOUT_S)
            self._proc = None

    def _ask(self, command: str) -> None:
        self._proc.stdin.write(command + "\n")
        self._proc.stdin.flush()
        answer = json.loads(self._proc.stdout.readline())
        for name in COUNTERS:
            setattr(self, name, answer[name])
        self.connections = [ConnStats(**c) for c in answer["connections"]]

    def __enter__(self) -> "LinkEmulatorProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _serve(options: dict) -> None:
    """The child: run the emulator, answer ``stats``/``stop`` on stdin with JSON lines."""
    outages = Outage(**options.pop("outages")) if options.get("outages") else None
    options.pop("outages", None)
    upstream = tuple(options.pop("upstream"))
    with LinkEmulator(upstream, outages=outages, **options) as link:
        print(json.dumps({"port": link.port}), flush=True)
        for line in sys.stdin:
            # ConnStats times are time.monotonic(): the same clock in every process of this boot.
            answer = {name: getattr(link, name) for name in COUNTERS}
            answer["connections"] = [dataclasses.asdict(c) for c in list(link.connections)]
            print(json.dumps(answer), flush=True)
            if line.strip() == "stop":
                return


def main() -> None:
    parser = argparse.ArgumentParser(description="run a LinkEmulator (used by LinkEmulatorProcess)")
    parser.add_argument("options", help="JSON: the LinkEmulator arguments")
    _serve(json.loads(parser.parse_args().options))


if __name__ == "__main__":
    main()
