"""The county's video profile and the one conversion to it (ffmpeg).

Profile: H.264 video + AAC audio in MP4, at most :data:`DEFAULT_MAX_BITRATE` bits per second
overall (1 Mbit/s: a 40-minute lesson is ~300 MB, a satellite link's night). A video that already
fits is published as it is (the school's own bytes: its PC then needs nothing new); only one that
does not is converted.
"""

from __future__ import annotations

import logging
import subprocess
from dataclasses import dataclass
from pathlib import Path

from teachpoint.publish import media

log = logging.getLogger(__name__)

DEFAULT_MAX_BITRATE = 1_000_000
AUDIO_BITRATE = 64_000
TIMEOUT_PER_SECOND = 10.0  # ffmpeg may take this long per second of video before it is stuck
MIN_TIMEOUT = 120.0


@dataclass(frozen=True)
class Profile:
    """What the county publishes: codecs, container and the largest overall bitrate."""

    max_bitrate: int = DEFAULT_MAX_BITRATE
    video_codec: str = "h264"
    audio_codec: str = "aac"
    container: str = "mp4"


def bitrate_of(path: Path, info: media.MediaInfo) -> int | None:
    """Overall bits per second (size over duration), None without a duration."""
    if not info.duration:
        return None
    return int(Path(path).stat().st_size * 8 / info.duration)


def misfits(path: Path, info: media.MediaInfo, profile: Profile) -> list[str]:
    """Why a video does not fit the profile (empty: it fits and is kept as it is)."""
    why = []
    if info.video_codec != profile.video_codec:
        why.append(f"video codec {info.video_codec} (not {profile.video_codec})")
    if info.has_audio and info.audio_codec != profile.audio_codec:
        why.append(f"audio codec {info.audio_codec} (not {profile.audio_codec})")
    if profile.container not in info.format_name.split(","):
        why.append(f"container {info.format_name} (not {profile.container})")
    rate = bitrate_of(path, info)
    if rate is not None and rate > profile.max_bitrate:
        why.append(f"{rate / 1e6:.2f} Mbit/s (more than {profile.max_bitrate / 1e6:.2f})")
    return why


RATE_STEPS = (0.85, 0.6, 0.4)  # of the video's share: x264 overshoots on short, noisy clips


def transcode(src: Path, out: Path, info: media.MediaInfo, profile: Profile) -> Path:
    """Convert ``src`` to the profile at ``out`` (an .mp4), lowering the target rate until the
    result fits (x264's rate control overshoots on short clips); raises MediaError otherwise."""
    share = max(100_000, profile.max_bitrate - AUDIO_BITRATE)
    for step in RATE_STEPS:
        _ffmpeg(src, out, info, int(share * step))
        made = media.probe(out)
        rate = bitrate_of(out, made)
        if rate is None or rate <= profile.max_bitrate:
            log.info("transcoded %s to the county profile (%s, %s bit/s)", src.name, out, rate)
            return out
        log.info("%s came out at %s bit/s; converting again at a lower rate", src.name, rate)
    out.unlink(missing_ok=True)
    raise media.MediaError(f"{src.name} does not fit {profile.max_bitrate} bit/s even at a low rate")


def _ffmpeg(src: Path, out: Path, info: media.MediaInfo, video_rate: int) -> None:
    cmd = [media._tool("ffmpeg"), "-v", "error", "-y", "-i", str(src), "-map", "0:v:0", "-map", "0:a:0?",
           "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
           "-b:v", str(video_rate), "-maxrate", str(video_rate), "-bufsize", str(video_rate),
           "-c:a", "aac", "-b:a", str(AUDIO_BITRATE), "-movflags", "+faststart", str(out)]
    timeout = max(MIN_TIMEOUT, (info.duration or 0) * TIMEOUT_PER_SECOND)
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        out.unlink(missing_ok=True)
        raise media.MediaError(f"ffmpeg took longer than {timeout:.0f} s converting {src.name}") from None
    if done.returncode != 0:
        out.unlink(missing_ok=True)
        raise media.MediaError(f"ffmpeg could not convert {src.name}: "
                               f"{done.stderr.decode('utf-8', 'replace').strip()[-300:]}")
