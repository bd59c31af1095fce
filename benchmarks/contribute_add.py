"""Adding a teacher's lesson (``add_contribution``) against the floor of copying the file.

    .venv/bin/python benchmarks/contribute_add.py [--seconds 20] [--bitrate 40M] [--runs 3]

Makes a real H.264 + AAC video with ffmpeg (noisy, so it barely compresses; not timed), then per
run adds it to a fresh data directory (checks with ffprobe, hash, store copy, thumbnail, publish
into the contribution repository, import) and, in the same run, copies it with ``cp`` followed by
``sync`` (the peer: one read and one durable write). Prints both times and their ratio; the
difference is what the checks, the hash pass and the publisher cost. Page cache: the source file
is hot for both (it was just written or read).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from teachpoint.contrib import add_contribution  # noqa: E402
from teachpoint.paths import DataPaths  # noqa: E402
from teachpoint.testing import media  # noqa: E402
from teachpoint.workspace import Workspace  # noqa: E402


def one_add(video: Path, base: Path) -> float:
    ws = Workspace(DataPaths(base / "data", explicit=True), install_demo=False)
    try:
        start = time.perf_counter()
        add_contribution(ws, [video], title="课堂实录", grade=3, subject="音乐")
        return time.perf_counter() - start
    finally:
        ws.close()


def one_copy(video: Path, base: Path) -> float:
    start = time.perf_counter()
    subprocess.run(["cp", str(video), str(base / "copy.mp4")], check=True)
    subprocess.run(["sync"], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--bitrate", default="40M")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tp-contribute-") as tmp:
        tmp = Path(tmp)
        video = media.make_video(tmp / "lesson.mp4", args.seconds, size="640x360", rate=25,
                                 noise_seed=1, bitrate=args.bitrate)
        size = video.stat().st_size
        adds, copies = [], []
        for n in range(args.runs):
            run = tmp / f"run{n}"
            run.mkdir()
            copies.append(one_copy(video, run))
            adds.append(one_add(video, run))
            shutil.rmtree(run)
        best_add, best_copy = min(adds), min(copies)
        print(f"file: {size / 1e6:.1f} MB, {args.seconds:g} s of video; {args.runs} run(s)")
        print(f"add_contribution: best {best_add:.2f} s ({size / best_add / 1e6:.0f} MB/s), "
              f"all {', '.join(f'{t:.2f}' for t in adds)}")
        print(f"cp + sync (peer): best {best_copy:.2f} s ({size / best_copy / 1e6:.0f} MB/s), "
              f"all {', '.join(f'{t:.2f}' for t in copies)}")
        print(f"ratio add / cp: {best_add / best_copy:.2f}")


if __name__ == "__main__":
    main()
