"""USB stick speed: export onto a folder, then import from it, against plain ``cp -r`` + ``sync``.

Publishes a repository with a handful of large files (random bytes from /dev/urandom, kind
"other") plus the normal tiny video lessons, installs it on a "connected" data dir, then measures
in one run, on one filesystem, each step starting from a cold page cache
(``sync; echo 3 > /proc/sys/vm/drop_caches``, needs root; otherwise all runs are warm and the
report says so):

* export: ``export(give_plan(ws), STICK)`` — copy + SHA-256 of every blob + fsync;
* import: ``Workspace.install`` over ``expand_sources(STICK)`` into a fresh data dir — the real
  import path (verify root and nodes, catalogue transaction, copy + hash + fsync every blob);
* peers: ``cp -r STICK/<repo>/blobs DEST`` then ``sync`` (a global sync: on a shared machine it
  also waits for other processes' dirty data), and the fair one, ``cp -r`` followed by an fsync
  of each copied file only (``find DEST -type f -exec sync {} +``: coreutils ``sync FILE...``
  fsyncs each file), which is what the import itself does per blob.

    .venv/bin/python benchmarks/usb_import.py [--files 7] [--file-mb 300] [--repeat 3] [--dir TMP]

Import and the cp peers alternate ``--repeat`` times, in an order that rotates each time (each
step takes each place in turn; cp alone varied 2.96–3.54 s between runs here); the table shows medians, every run's seconds and CPU seconds (user + system, the step's
own process or ``cp``/``sync``) are printed, and the load average before and after. The CPU
seconds show a cost of this machine (a VM): memory the guest frees goes back to the host (virtio
balloon free page reporting) about 2 s later, and a page taken from it again costs ~10 µs, so a
step that needs fresh page cache right after others freed theirs pays system time the next
step may not; see benchmarks/README.md. Goal (issue 17): import ≥ 0.9× the throughput of cp with
per-file fsync, on 2 GB (the default: 7 × 300 MiB). Needs ~5× the media size free (source, repository,
store, stick, import, cp); checks ``df`` first and cleans up.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from helpers import CSV_HEADER, ROWS, make_video  # noqa: E402
from teachpoint.paths import DataPaths  # noqa: E402
from teachpoint.repo import keys  # noqa: E402
from teachpoint.sneakernet.export import export, give_plan  # noqa: E402
from teachpoint.publish.publisher import publish  # noqa: E402
from teachpoint.transport.sources import FolderSource, expand_sources  # noqa: E402
from teachpoint.workspace import Workspace  # noqa: E402

GOAL = 0.9  # of cp with per-file fsync
CP_PEERS = {
    "cp -r blobs && sync": "cp -r '{src}' '{dest}' && sync",
    "cp -r blobs + fsync of each file": "cp -r '{src}' '{dest}' && find '{dest}' -type f -exec sync {{}} +",
}


def drop_caches() -> bool:
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def make_source(src: Path, files: int, file_mb: int) -> None:
    make_video(src / "音乐/三年级/小雨沙沙.mp4")
    (src / "音乐/三年级/小雨沙沙.zh.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\n小雨沙沙沙\n", "utf-8")
    make_video(src / "语文/一年级/小马过河.mp4", colour="testsrc2")
    make_video(src / "数学/三年级/认识时间.mp4", colour="smptebars")
    rows = list(ROWS)
    (src / "big").mkdir()
    for i in range(files):
        path = src / "big" / f"素材{i + 1}.bin"
        subprocess.run(f"head -c {file_mb}M /dev/urandom > '{path}'", shell=True, check=True)
        rows.append(f"big/素材{i + 1}.bin,大文件 {i + 1},四年级,音乐,人音版,上册,第一单元,{i + 1},其他,,,")
    (src / "catalogue.csv").write_text(CSV_HEADER + "\n".join(rows) + "\n", "utf-8")


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and its waited-for children so far."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


CPU: list[float] = []  # CPU seconds of each timed step, in order


def timed(fn) -> float:
    cpu, start = cpu_seconds(), time.perf_counter()
    fn()
    CPU.append(cpu_seconds() - cpu)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, default=7)
    ap.add_argument("--file-mb", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3, help="import and cp runs (medians are shown)")
    ap.add_argument("--dir", default=None, help="temp folder (default: the system temp dir)")
    args = ap.parse_args()
    media = args.files * args.file_mb << 20
    base = Path(tempfile.mkdtemp(prefix="tp-usb-", dir=args.dir))
    free = shutil.disk_usage(base).free
    if free < 6 * media:
        print(f"need ~{6 * media >> 30} GiB free in {base}, have {free >> 30} GiB: use fewer/smaller files")
        shutil.rmtree(base)
        return 2
    try:
        return run(base, args, media)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def run(base: Path, args, media: int) -> int:
    print("load average before: %.2f %.2f %.2f" % os.getloadavg())
    print(f"work dir {base} ({shutil.disk_usage(base).free >> 30} GiB free); "
          f"{args.files} × {args.file_mb} MiB random files + 3 video lessons")
    make_source(base / "src", args.files, args.file_mb)
    keys.generate_keypair(base / "key", name="bench")
    publish(base / "src", base / "key.key", base / "repo", name="county", progress=lambda *_: None)
    shutil.rmtree(base / "src")

    def open_ws(name):
        ws = Workspace(DataPaths(base / name, explicit=True), install_demo=False)
        ws.trust.add(base / "key.pub")
        ws.set_floor(0)
        return ws

    connected = open_ws("connected")
    connected.install(FolderSource(base / "repo"))
    shutil.rmtree(base / "repo")
    stick = base / "stick"

    cold = drop_caches()
    plan = give_plan(connected)
    t_export = timed(lambda: export(connected, plan, stick))
    total = plan.bytes
    connected.close()

    t_imports, t_cps = [], {name: [] for name in CP_PEERS}
    cpu_imports, cpu_cps = [], {name: [] for name in CP_PEERS}

    def import_once(n):
        offline = open_ws(f"offline{n}")
        reports = []
        drop_caches()
        t_imports.append(timed(lambda: reports.extend(offline.install(s) for s in expand_sources(str(stick)))))
        cpu_imports.append(CPU[-1])
        assert sum(r.bytes_copied for r in reports) == total and not any(r.problems for r in reports)
        offline.close()
        shutil.rmtree(base / f"offline{n}")

    def cp_once(name):
        drop_caches()
        shell = CP_PEERS[name].format(src=f"{stick}/county/blobs", dest=f"{base}/cp-dest")
        t_cps[name].append(timed(lambda: subprocess.run(["sh", "-c", shell], check=True)))
        cpu_cps[name].append(CPU[-1])
        shutil.rmtree(base / "cp-dest")

    steps = [("import", import_once)] + [(name, lambda n, name=name: cp_once(name)) for name in CP_PEERS]
    for n in range(args.repeat):
        # Alternate, so drifts of the disk hit all alike, and rotate the order: the step after one
        # that freed a lot of memory gets its page cache for free on this VM (README), so each
        # takes each place in turn (with --repeat 3, once each).
        order = steps[n % len(steps):] + steps[:n % len(steps)]
        print(f"run {n + 1}: " + " → ".join(name for name, _ in order), flush=True)
        for _, step in order:
            step(n)
    print("runs (s): import " + " ".join(f"{t:.2f}" for t in t_imports) + "".join(
        f"; {name}: " + " ".join(f"{t:.2f}" for t in ts) for name, ts in t_cps.items()))
    print("CPU seconds: import " + " ".join(f"{t:.2f}" for t in cpu_imports) + "".join(
        f"; {name}: " + " ".join(f"{t:.2f}" for t in ts) for name, ts in cpu_cps.items()))
    t_import = statistics.median(t_imports)
    t_peers = {name: statistics.median(ts) for name, ts in t_cps.items()}
    t_cp = t_peers["cp -r blobs + fsync of each file"]

    def mbs(t):
        return total / t / 1e6

    print(f"\npage cache: {'dropped before each run' if cold else 'NOT dropped (no permission): all runs warm'}")
    print(f"data: {plan.blobs} files, {total / 1e9:.2f} GB\n")
    print(f"{'step':<50}{'seconds':>10}{'MB/s':>10}{'vs cp+fsync':>12}")
    for name, t in (("export (copy + hash + fsync onto the stick)", t_export),
                    ("import (verify, catalogue, copy + hash), median", t_import),
                    *((f"{peer}, median", tp) for peer, tp in t_peers.items())):
        print(f"{name:<50}{t:>10.2f}{mbs(t):>10.0f}{t_cp / t:>12.2f}")
    ratio = t_cp / t_import
    print(f"\nimport throughput = {ratio:.2f}× cp with per-file fsync (goal ≥ {GOAL}): "
          f"{'MET' if ratio >= GOAL else 'MISSED'}; "
          f"{t_peers['cp -r blobs && sync'] / t_import:.2f}× cp && sync")
    print("load average after: %.2f %.2f %.2f" % os.getloadavg())
    return 0


if __name__ == "__main__":
    sys.exit(main())
