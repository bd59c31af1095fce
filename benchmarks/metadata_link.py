"""First metadata install of a large catalogue over the satellite link (a), against its bytes' time.

    .venv/bin/python benchmarks/metadata_link.py [--resources 100000] [--keep DIR] [--without-packs]

Publishes the synthetic repository of benchmarks/catalogue_install.py (the rows of
metadata_delta.py; with metadata packs, as the publisher writes them now; ``--keep DIR`` reuses
it), serves it with real nginx (the bench log format of sync_link.py: header and body bytes per
request) behind the link emulator of scenario (a) in a process of its own (2 Mbit/s, 300 ms one
way, 200 kbit/s per TCP connection), and installs its metadata into a fresh workspace through the
one pipeline (``import_repository(ws, HttpSource, METADATA_ONLY)``), with the GUI-like reader of
catalogue_install.py running. Reported:

* the install time, the requests (metadata files) and bytes that entered the link downstream;
* the peer: the time those bytes need at the link rate (2 Mbit/s) — the physical limit — and the
  ratio install time / that (goal <= 1.5x);
* the longest wait of the GUI's reader (goal <= 50 ms).

``--without-packs`` also publishes the same rows without packs (as publishers before them did)
and installs that too, for the round-trip-bound figure (about ten minutes at 100k).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalogue_install import gui_reader, load, published, worst_read  # noqa: E402
from sync_link import SCENARIOS, BenchNginx  # noqa: E402
from teachpoint.paths import DataPaths  # noqa: E402
from teachpoint.repo import prefetch  # noqa: E402
from teachpoint.sync.pipeline import METADATA_ONLY, import_repository  # noqa: E402
from teachpoint.testing.linkemu_process import LinkEmulatorProcess  # noqa: E402
from teachpoint.transport.http_source import HttpSource  # noqa: E402
from teachpoint.workspace import Workspace  # noqa: E402

GOAL_RATIO, GOAL_STALL_S = 1.5, 0.05


def install_over_link(srv: BenchNginx, folder: str, pub: Path, client: Path) -> dict:
    """Install ``folder`` (served by ``srv``) over link (a) into a fresh workspace; the figures."""
    sc = SCENARIOS["a"]
    ws = Workspace(DataPaths(client, explicit=True), install_demo=False)
    ws.trust.add(pub)
    gui, stop = {}, threading.Event()
    try:
        with LinkEmulatorProcess(("127.0.0.1", srv.port), rate_bps=sc["rate_bps"], delay_s=sc["delay_s"],
                                 per_conn_bps=sc["per_conn_bps"], outages=None) as link:
            offset = srv.log_size()
            reader = gui_reader(ws, stop, gui)
            lead = time.perf_counter()
            time.sleep(0.5)
            t0 = time.monotonic()
            lead = time.perf_counter() - lead
            outcome = import_repository(ws, HttpSource(f"{link.url}/{folder}/"), METADATA_ONLY)
            seconds = time.monotonic() - t0
            stop.set()
            reader.join(30)
            link.stats()
            entered = link.bytes_entered
            requests = srv.requests_since(offset)
        outcome.raise_problem()
        return {"seconds": seconds, "added": outcome.added, "requests": len(requests),
                "bodies": sum(body for *_, body in requests), "entered": entered,
                "bytes_s": entered * 8 / sc["rate_bps"], "probe_lead_s": lead, **gui}
    finally:
        ws.close()


def report(label: str, r: dict) -> None:
    ratio = r["seconds"] / max(r["bytes_s"], 1e-6)
    print(f"\n{label}: {r['added']:,} resources in {r['seconds']:.1f} s over link (a)")
    print(f"  {r['requests']:,} requests, {r['bodies'] / 1e6:.2f} MB of metadata bodies, "
          f"{r['entered'] / 1e6:.2f} MB entered the link downstream")
    print(f"  peer: those bytes at the link rate need {r['bytes_s']:.1f} s; ratio {ratio:.2f}x "
          f"(goal <= {GOAL_RATIO}x: {'MET' if ratio <= GOAL_RATIO else 'NOT MET'})")
    print(f"  the GUI's reader ({r['reads']} reads) waited for the lock at most "
          f"{r['worst_lock_s'] * 1000:.1f} ms, lock + query at most {r['worst_read_s'] * 1000:.1f} ms "
          f"(goal <= {GOAL_STALL_S * 1000:.0f} ms: {'MET' if r['worst_read_s'] <= GOAL_STALL_S else 'NOT MET'}; "
          f"{worst_read(r)}; the install began {r['probe_lead_s']:.1f} s after it)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--resources", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, help="keep the published repository here (and reuse it)")
    ap.add_argument("--without-packs", action="store_true",
                    help="also install the same rows published without packs (slow: round trips)")
    ap.add_argument("--prefetch-streams", type=int, default=None,
                    help=f"pack reads in flight (default teachpoint.repo.prefetch.PACK_STREAMS = {prefetch.PACK_STREAMS})")
    args = ap.parse_args(argv)
    if args.prefetch_streams:
        prefetch.PACK_STREAMS = args.prefetch_streams
    print(f"pack reads in flight: {prefetch.PACK_STREAMS}, single nodes: {prefetch.NODE_STREAMS}")
    with tempfile.TemporaryDirectory(prefix="tp-metalink-") as tmp:
        root = args.keep or Path(tmp) / "published"
        repo, pub = published(root, args.resources)
        if args.without_packs:
            plain_repo(root)
        with BenchNginx(root) as srv:
            print(load(), flush=True)
            results = {"with packs": install_over_link(srv, repo.name, pub, Path(tmp) / "client")}
            if args.without_packs:
                results["without packs"] = install_over_link(srv, "plain", pub, Path(tmp) / "client2")
            print(load())
    for label, r in results.items():
        report(label, r)
    return 0


def plain_repo(root: Path) -> Path:
    """The same rows published without packs into ``root/plain`` (reused)."""
    from teachpoint.publish.publisher import publish

    plain = root / "plain"
    if not (plain / "root.json").exists():
        print("publishing the same rows without packs (not timed) …", flush=True)
        publish(root / "src", root / "bench.key", plain, progress=lambda *_: None, packs=False)
    return plain


if __name__ == "__main__":
    raise SystemExit(main())
