"""What the courseware conversions cost, against named peers in the same run.

    .venv/bin/python benchmarks/courseware_conversion.py [--cues N] [--repeat R]

* subtitles: :func:`teachpoint.library.subtitles.to_utf8` (detect + convert) on a GBK SRT of N
  cues, against ``iconv -f GB18030 -t UTF-8`` (which is told the encoding), and the player's
  :func:`playable_subtitle` first call (convert + cache) and later calls (cache hit), all in ms;
* office: :func:`teachpoint.publish.office.convert_to_pdf` on a two-page PPTX, against a bare
  ``soffice --headless --convert-to pdf`` with the same throw-away profile; and
  :func:`~teachpoint.publish.office.convert_many` on 8 PPTX against 8 single conversions;
* probing: :func:`teachpoint.publish.media.content_kind` on a file no magic number places (a
  NUT file), against a bare ``ffprobe``.

Prints one line per measurement with the ratio to its peer; nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from teachpoint.library.subtitles import playable_subtitle, to_utf8  # noqa: E402
from teachpoint.publish import media, office  # noqa: E402
from teachpoint.testing import courseware_media as cm  # noqa: E402


def timed(work, repeat: int) -> float:
    """Median wall time of ``work()`` in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def report(name: str, ours: float, peer_name: str, peer: float) -> None:
    print(f"{name:<34} {ours:9.1f} ms   {peer_name:<28} {peer:9.1f} ms   ratio {ours / peer:5.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cues", type=int, default=800)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        lines = [f"第{i}句：同学们好，我们一起来唱歌，春天在哪里呀" for i in range(args.cues)]
        srt = base / "lesson.srt"
        srt.write_bytes(cm.subtitle_text(lines, seconds_each=3.0).encode("gbk"))
        data = srt.read_bytes()
        print(f"GBK SRT: {args.cues} cues, {len(data) / 1024:.0f} KiB")
        report("to_utf8 (detect + convert)", timed(lambda: to_utf8(data), args.repeat),
               "iconv -f GB18030 (told)", timed(lambda: subprocess.run(
                   ["iconv", "-f", "GB18030", "-t", "UTF-8", str(srt)], capture_output=True, check=True),
                   args.repeat))
        cache = base / "data"
        first = timed(lambda: playable_subtitle(srt, cache), 1)
        again = timed(lambda: playable_subtitle(srt, cache), args.repeat)
        report("playable_subtitle first / cached", first, "cached call", again)

        pptx = cm.make_pptx(base / "slides.pptx")
        ours = timed(lambda: office.convert_to_pdf(pptx, base / "ours"), args.repeat)

        def bare():
            with tempfile.TemporaryDirectory() as profile:
                subprocess.run([office.office_program(), f"-env:UserInstallation={Path(profile).as_uri()}",
                                "--headless", "--convert-to", "pdf", "--outdir", str(base / "bare"), str(pptx)],
                               capture_output=True, check=True)
        report("convert_to_pdf (2-page PPTX)", ours, "bare soffice --convert-to", timed(bare, args.repeat))
        many = {f"{i:064x}": pptx for i in range(8)}
        batch = timed(lambda: office.convert_many(many, base / "many"), 1)
        report("convert_many, 8 PPTX in one run", batch, "8 × convert_to_pdf", ours * 8)

        raw = base / "lesson.xyz"  # a NUT file: ffmpeg reads it, no magic number of ours places it
        subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10",
                        "-t", "2", "-c:v", "mpeg4", "-f", "nut", str(raw)], check=True)
        report("content_kind (no magic: ffprobe)", timed(lambda: media.content_kind(raw), args.repeat),
               "bare ffprobe", timed(lambda: subprocess.run(
                   ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(raw)],
                   capture_output=True, check=True), args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
