"""Self-check of the link emulator with real peers: curl (one stream) and aria2c -x8 -s8.

Serves a file of random bytes with real nginx (teachpoint.testing.nginx), puts the userspace link
emulator (teachpoint.testing.linkemu) in front of it in scenario (a) of the sync benchmark —
2 Mbit/s link, 300 ms one-way delay, 200 kbit/s per TCP connection — and prints each tool's
goodput as a fraction of the link. Expected: curl ~10 % (one capped stream), aria2c up to ~80 %
(8 streams x 200 kbit/s = 1.6 Mbit/s) minus start-up and tail losses.

    .venv/bin/python benchmarks/linkemu_selfcheck.py [--size-mb 4] [--tools curl,aria2c,aria2c-k1M]

Note: aria2c does not split a range smaller than 2 x --min-split-size (default 20M), so with
a 4 MB file plain ``-x8 -s8`` uses a single connection; ``aria2c-k1M`` adds ``-k1M`` (aria2c's
minimum), which lets it open up to 4.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from teachpoint.testing.linkemu import LinkEmulator  # noqa: E402
from teachpoint.testing.nginx import NginxServer  # noqa: E402

SCENARIO_A = dict(rate_bps=2_000_000, delay_s=0.3, per_conn_bps=200_000)


def command(tool: str, url: str, out: Path, max_s: int) -> list[str]:
    if tool == "curl":
        return ["curl", "-sS", "--fail", "--max-time", str(max_s), "-o", str(out), url]
    if tool.startswith("aria2c"):
        cmd = ["aria2c", "-x8", "-s8", "-q", "--allow-overwrite=true", "--auto-file-renaming=false",
               "--file-allocation=none", "--max-tries=3", "--connect-timeout=10", "--timeout=30",
               f"--stop={max_s}", "-d", str(out.parent), "-o", out.name]
        if tool == "aria2c-k1M":
            cmd.append("-k1M")
        return cmd + [url]
    raise ValueError(f"unknown tool {tool}")


def run_tool(tool: str, upstream_port: int, name: str, digest: str, size: int, work: Path,
             max_s: int) -> dict:
    out = work / f"{tool}.out"
    out.unlink(missing_ok=True)
    with LinkEmulator(("127.0.0.1", upstream_port), **SCENARIO_A) as link:
        t0 = time.monotonic()
        proc = subprocess.run(command(tool, link.url_for(name), out, max_s),
                              capture_output=True, text=True, timeout=max_s + 30)
        seconds = time.monotonic() - t0
        conns = [c for c in link.connections if c.bytes_down > 0]
        down = link.bytes_down
    ok = (proc.returncode == 0 and out.exists()
          and hashlib.sha256(out.read_bytes()).hexdigest() == digest)
    if not ok:
        logging.warning("%s failed (rc=%s): %s", tool, proc.returncode, proc.stderr.strip()[-500:])
    goodput = size * 8 / seconds
    return dict(tool=tool, ok=ok, seconds=seconds, goodput=goodput,
                fraction=goodput / SCENARIO_A["rate_bps"], connections=len(conns),
                overhead=down / size - 1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size-mb", type=float, default=4.0)
    ap.add_argument("--tools", default="curl,aria2c,aria2c-k1M")
    ap.add_argument("--max-s", type=int, default=600, help="per-tool time limit")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    tools = [t for t in args.tools.split(",") if t]
    for t in {t.split("-")[0] for t in tools}:
        if not shutil.which(t):
            sys.exit(f"{t} not found: apt-get install {t.replace('aria2c', 'aria2')}")
    size = int(args.size_mb * 1024 * 1024)
    with tempfile.TemporaryDirectory(prefix="tp-selfcheck-") as tmp:
        work = Path(tmp)
        site = work / "site"
        site.mkdir()
        payload = os.urandom(size)
        (site / "payload.bin").write_bytes(payload)
        digest = hashlib.sha256(payload).hexdigest()
        print(f"scenario (a): link {SCENARIO_A['rate_bps'] / 1e6:g} Mbit/s, one-way delay "
              f"{SCENARIO_A['delay_s'] * 1000:g} ms, per connection "
              f"{SCENARIO_A['per_conn_bps'] / 1e3:g} kbit/s; payload {size / 2**20:g} MiB")
        results = []
        with NginxServer(site) as srv:
            for tool in tools:
                r = run_tool(tool, srv.port, "payload.bin", digest, size, work, args.max_s)
                results.append(r)
                print(f"  {tool:<11} {'ok ' if r['ok'] else 'BAD'} {r['seconds']:7.1f} s  "
                      f"{r['goodput'] / 1e6:5.3f} Mbit/s  {r['fraction']:6.1%} of link  "
                      f"{r['connections']} conn  wire overhead {r['overhead']:.2%}", flush=True)
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
