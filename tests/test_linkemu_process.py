"""The link emulator in its own process (benchmarks): same link, counters read back over a pipe,
and bytes counted as they enter the link as well as when delivered (an outage loses the difference)."""

from __future__ import annotations

import os
import time

import pytest
import requests

from teachpoint.testing.linkemu import Outage
from teachpoint.testing.linkemu_process import LinkEmulatorProcess
from test_testing_infra import KB, TIMEOUT, server, site  # noqa: F401 - fixtures

assert server and site


def test_a_fetch_through_the_process_is_delayed_and_counted(server):
    with LinkEmulatorProcess(("127.0.0.1", server.port), rate_bps=4_000_000, delay_s=0.1) as link:
        assert link.port and link.pid != os.getpid()
        t0 = time.monotonic()
        body = requests.get(link.url_for("128k.bin"), timeout=TIMEOUT).content
        took = time.monotonic() - t0
        link.stats()
        assert len(body) == 128 * KB and took >= 0.4  # handshake RTT + request + response delays
        assert link.bytes_entered == link.bytes_down > 128 * KB
        assert len(link.connections) == 1 and link.connections[0].bytes_down == link.bytes_down


def test_an_outage_loses_bytes_in_flight_and_they_are_counted(server):
    outage = Outage(every_s=30, duration_s=1.0, first_s=1.0)
    with LinkEmulatorProcess(("127.0.0.1", server.port), rate_bps=1_000_000, delay_s=0.3,
                             outages=outage) as link:
        with pytest.raises(requests.RequestException):
            with requests.get(link.url_for("256k.bin"), stream=True, timeout=TIMEOUT) as r:
                got = sum(len(chunk) for chunk in r.iter_content(16 * KB))
                if got < 256 * KB:
                    raise requests.ConnectionError(f"short read: {got}")
    assert link.outage_count == 1 and link.cuts == 1 and link.connections[0].cut
    # 0.3 s in flight at 1 Mbit/s: ~37 kB had entered the link and never arrived
    assert link.bytes_entered - link.bytes_down > 10 * KB
