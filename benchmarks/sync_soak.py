"""Soak: the sync service running for a long time over a flaky emulated link while content changes.

    .venv/bin/python benchmarks/sync_soak.py [--minutes 60] [--republish-s 180] [--sample-s 10]

Real nginx serves a repository built by the real publisher (ffmpeg noise videos, .zh.srt
subtitles); the userspace link emulator sits in front (default 2 Mbit/s, 300 ms one-way delay,
200 kbit/s per connection, an outage of 5 s every 20 s). ``run_service`` (short ServiceTimes) runs
in a thread of this process, syncing through the emulator, while the publisher republishes a small
change every ``--republish-s`` (a new ~300 KB lesson and an edited subtitle), in a child process
so its memory does not count here.

Every ``--sample-s`` this process samples its RSS (VmRSS from /proc/self/status), its thread count
(/proc/self/status Threads) and open file descriptors. At the end it stops publishing, gives the
service up to ``--settle-s`` to catch up, then reports first/last/max RSS, the linear-fit slope of
RSS in MB per hour (all samples, and the second half only, after warm-up), thread and fd ranges,
whether the catalogue matches the latest published version with every lesson installed, and stops
the service (stop event) and checks that its thread ends within 60 s.

Note: the link emulator runs in this process too (its per-connection ``connections`` list grows by
one small record per TCP connection); its count is printed.

Goals: no memory growth (slope ~ 0 MB/h after warm-up), bounded threads and fds, catalogue at the
latest version, a clean stop.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TEACHPOINT_LOG_DIR", tempfile.mkdtemp(prefix="tp-soak-logs-"))

from teachpoint.paths import DataPaths  # noqa: E402
from teachpoint.sync import engine as eng  # noqa: E402
from teachpoint.repo import keys  # noqa: E402
from teachpoint.sync.service import ServiceTimes, run_service  # noqa: E402
from teachpoint.library.source_list import add_source  # noqa: E402
from teachpoint.testing.linkemu import LinkEmulator, Outage  # noqa: E402
from teachpoint.testing.nginx import NginxServer  # noqa: E402
from teachpoint.workspace import Workspace  # noqa: E402

from sync_link import CSV_HEADER, LESSONS, make_video, srt  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PUBLISH_PY = ("import sys; from pathlib import Path; from teachpoint.publish.publisher import publish; "
              "r = publish(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), name='county', "
              "progress=lambda *_: None); print(r.version)")


def proc_status() -> dict:
    out = {}
    with open("/proc/self/status", encoding="ascii", errors="replace") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "Threads"):
                out[key] = int(value.split()[0])
    out["fds"] = len(os.listdir("/proc/self/fd"))
    return out


def slope_per_hour(samples: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of value over time, per hour."""
    if len(samples) < 3:
        return None
    n = len(samples)
    mt = sum(t for t, _ in samples) / n
    mv = sum(v for _, v in samples) / n
    den = sum((t - mt) ** 2 for t, _ in samples)
    if den == 0:
        return None
    return sum((t - mt) * (v - mv) for t, v in samples) / den * 3600


class Publisher:
    """The publisher's source folder; each change() adds one lesson and edits a subtitle."""

    def __init__(self, src: Path, key: Path, repo: Path, big_mb: float, lessons: int):
        self.src, self.key, self.repo = src, key, repo
        self.rows: list[str] = []
        self.subs: list[Path] = []
        self.version = 0
        self.changes = 0
        make_video(src / "专题/长视频.mp4", int(big_mb * 1e6), seed=500)
        self.rows.append("专题/长视频.mp4,长视频,五年级,科学,人教版,上册,第一单元,1,video,,噪声视频,基准")
        for i in range(lessons):
            self._add_lesson(i, 300_000 + 200_000 * (i % 3))

    def _add_lesson(self, i: int, size: int) -> None:
        subject, grade, title = LESSONS[i % len(LESSONS)]
        rel = f"{subject}/{grade}/{title}{i}.mp4"
        make_video(self.src / rel, size, seed=i + 1)
        sub = rel[:-4] + ".zh.srt"
        (self.src / sub).write_text(srt(title), encoding="utf-8")
        self.subs.append(self.src / sub)
        self.rows.append(f"{rel},{title}{i},{grade},{subject},人教版,上册,第{i % 4 + 1}单元,{i + 1},,{sub},,{title}")

    def publish(self) -> int:
        (self.src / "catalogue.csv").write_text(CSV_HEADER + "\n".join(self.rows) + "\n", encoding="utf-8")
        done = subprocess.run([sys.executable, "-c", PUBLISH_PY, str(self.src), str(self.key), str(self.repo)],
                              cwd=ROOT, capture_output=True, text=True, timeout=300, check=True)
        self.version = int(done.stdout.strip().splitlines()[-1])
        return self.version

    def change(self) -> int:
        self.changes += 1
        self._add_lesson(len(self.rows) - 1 + 1000, 300_000)
        victim = self.subs[self.changes % len(self.subs)]
        victim.write_text(victim.read_text(encoding="utf-8") + f"\n2\n00:00:01,000 --> 00:00:02,000\n修订{self.changes}\n",
                          encoding="utf-8")
        return self.publish()

    @property
    def resources(self) -> int:
        return len(self.rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--republish-s", type=float, default=180.0)
    ap.add_argument("--sample-s", type=float, default=10.0)
    ap.add_argument("--settle-s", type=float, default=180.0, help="longest wait for the last version")
    ap.add_argument("--big-mb", type=float, default=4.0, help="one bigger video, so outages hit transfers")
    ap.add_argument("--lessons", type=int, default=6)
    ap.add_argument("--rate-kbit", type=int, default=2000)
    ap.add_argument("--outage", default="20,5", help="EVERY,DURATION seconds ('' = none)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(message)s")
    outage = None
    if args.outage:
        every, dur = (float(x) for x in args.outage.split(","))
        outage = Outage(every_s=every, duration_s=dur)
    with tempfile.TemporaryDirectory(prefix="tp-soak-") as tmp:
        work = Path(tmp)
        prefix = work / "keys" / "soak"
        prefix.parent.mkdir()
        keys.generate_keypair(prefix, name="浸泡测试")
        www = work / "www"
        www.mkdir()
        pub = Publisher(work / "src", prefix.with_suffix(".key"), www / "county", args.big_mb, args.lessons)
        pub.publish()
        print(f"published version {pub.version}: {pub.resources} resources", flush=True)
        ws = Workspace(DataPaths(work / "data", explicit=True), install_demo=False)
        ws.trust.add(prefix.with_suffix(".pub"))
        stop = threading.Event()
        samples: list[tuple[float, dict]] = []
        worker = None
        try:
            with NginxServer(www) as srv, LinkEmulator(
                    ("127.0.0.1", srv.port), rate_bps=args.rate_kbit * 1000, delay_s=0.3,
                    per_conn_bps=200_000, outages=outage) as link:
                add_source(ws.catalogue, link.url + "/county/", "county")
                engine = eng.SyncEngine(ws, cancel=stop)
                times = ServiceTimes(interval=15.0, first_backoff=2.0, max_backoff=20.0, tick=5.0)
                worker = threading.Thread(target=run_service, args=(engine, stop, times),
                                          name="sync-service", daemon=True)
                t0 = time.monotonic()
                samples.append((0.0, proc_status()))
                worker.start()
                end = t0 + args.minutes * 60
                next_pub = t0 + args.republish_s
                next_sample = t0 + args.sample_s
                while time.monotonic() < end and worker.is_alive():
                    now = time.monotonic()
                    if now >= next_sample:
                        st = proc_status()
                        samples.append((now - t0, st))
                        status = ws.catalogue.status()["resources"]
                        info = ws.catalogue.repository("county")
                        print(f"  {now - t0:6.0f} s  RSS {st['VmRSS'] / 1024:6.1f} MB  threads {st['Threads']:3d}"
                              f"  fds {st['fds']:3d}  client v{info.version if info else '-'} / published "
                              f"v{pub.version}  installed {status['installed']}/{pub.resources}"
                              f"  outages {link.outage_count}", flush=True)
                        next_sample += args.sample_s
                    if now >= next_pub:
                        pub.change()
                        print(f"  {time.monotonic() - t0:6.0f} s  republished: version {pub.version}, "
                              f"{pub.resources} resources", flush=True)
                        next_pub += args.republish_s
                    time.sleep(min(1.0, max(0.05, min(next_sample, next_pub, end) - time.monotonic())))
                # settle: the service should reach the latest version by itself
                settle_end = time.monotonic() + args.settle_s
                caught_up = False
                while time.monotonic() < settle_end and worker.is_alive():
                    info = ws.catalogue.repository("county")
                    status = ws.catalogue.status()["resources"]
                    if info and info.version == pub.version and status["installed"] == pub.resources \
                            and status["not_downloaded"] == 0:
                        caught_up = True
                        break
                    time.sleep(1.0)
                settle = time.monotonic() - (settle_end - args.settle_s)
                samples.append((time.monotonic() - t0, proc_status()))
                t_stop = time.monotonic()
                stop.set()
                worker.join(timeout=60)
                stop_s = time.monotonic() - t_stop
                stopped = not worker.is_alive()
                conns, outages, down = len(link.connections), link.outage_count, link.bytes_down
        finally:
            stop.set()
            if worker is not None:
                worker.join(timeout=60)
            info = ws.catalogue.repository("county")
            status = ws.catalogue.status()
            ws.close()
        rss = [(t, s["VmRSS"] / 1024) for t, s in samples]
        half = [x for x in rss if x[0] >= rss[-1][0] / 2]
        thr = [s["Threads"] for _, s in samples]
        fds = [s["fds"] for _, s in samples]
        slope_all, slope_half = slope_per_hour(rss), slope_per_hour(half)
        print()
        print(f"ran {rss[-1][0] / 60:.1f} min; {len(samples)} samples; {outages} outages; "
              f"{pub.changes} republishes (latest version {pub.version}); {conns} TCP connections "
              f"through the emulator; {down / 1e6:.1f} MB down")
        print(f"RSS: first {rss[0][1]:.1f} MB, after start-up {rss[1][1] if len(rss) > 1 else rss[0][1]:.1f} MB, "
              f"last {rss[-1][1]:.1f} MB, max {max(v for _, v in rss):.1f} MB")
        fmt = lambda s: "n/a" if s is None else f"{s:+.2f} MB/h"  # noqa: E731
        print(f"RSS slope (least squares): all samples {fmt(slope_all)}, second half {fmt(slope_half)}")
        print(f"threads: min {min(thr)}, max {max(thr)}, last {thr[-1]}; fds: min {min(fds)}, "
              f"max {max(fds)}, last {fds[-1]}")
        grew = slope_half is not None and slope_half > 5.0
        print(f"memory grew: {'YES' if grew else 'no'} (threshold +5 MB/h on the second half)")
        print(f"catalogue: client at version {info.version if info else None}, published {pub.version}; "
              f"resources installed {status['resources']['installed']}/{pub.resources}, not downloaded "
              f"{status['resources']['not_downloaded']} -> {'MATCHES' if caught_up else 'DOES NOT MATCH'} "
              f"(settled {settle:.0f} s after the last change window)")
        print(f"service stop: {'clean' if stopped else 'DID NOT STOP'} in {stop_s:.1f} s")
        return 0 if caught_up and stopped and not grew else 1


if __name__ == "__main__":
    sys.exit(main())
