"""Real media for tests and benchmarks, made by ffmpeg (no Qt)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def make_video(path: Path, seconds: float = 1.0, pattern: str = "testsrc", size: str = "160x120",
               rate: int = 10, audio: bool = True, noise_seed: int | None = None,
               bitrate: str | None = None) -> Path:
    """A real H.264 (+ AAC) mp4 showing an ffmpeg test pattern.

    ``noise_seed`` adds per-frame noise so the video barely compresses (payloads for link tests);
    ``bitrate`` then sets its size, e.g. ``"3M"``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    video = f"{pattern}=size={size}:rate={rate}"
    if noise_seed is not None:
        video += f",noise=alls=80:allf=t+u:all_seed={noise_seed}"
    cmd = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", video]
    if audio:
        cmd += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050"]
    cmd += ["-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if bitrate:
        cmd += ["-b:v", bitrate]
    if audio:
        cmd += ["-c:a", "aac", "-b:a", "32k", "-shortest"]
    subprocess.run(cmd + [str(path)], check=True, timeout=120)
    return path
