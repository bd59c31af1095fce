"""Media inspection for the publisher: what a file is, what is inside it, a thumbnail of it.

Plain functions over files; ``ffprobe``/``ffmpeg`` run as subprocesses with timeouts (no Qt, no
libvlc). Kinds are the strings of ``teachpoint.library.model.KINDS``: video, audio, document,
image, slides, other.

* :func:`sniff_kind` looks at the file's first bytes (magic) and its extension;
  :func:`content_kind` asks ffprobe about what that cannot place (RM, VCD ``.DAT`` …).
* :func:`probe` asks ffprobe what streams a file has; :func:`looks_like_media` turns that into a
  one-line problem for the publisher ("not a video file (ffprobe: …)", "the file is cut short: …")
  or None; :func:`cut_short` is its check of a file's last seconds.
* :func:`make_thumbnail` grabs one JPEG frame with ffmpeg, non-square pixels squared first.
* :func:`media_type_for` and :func:`subtitle_language` name a file's MIME type and a subtitle's
  language from its name alone (deterministic: never the machine's ``/etc/mime.types``).

:func:`sniff_kind`, :func:`media_type_for`, :func:`subtitle_language`, the kind constants and
their tables live in :mod:`teachpoint.publish.media_types` (no subprocesses) and are re-exported
here; this module keeps what runs ffprobe/ffmpeg or checks a file's content against a kind.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from teachpoint.errors import TeachPointError
from teachpoint.publish.media_types import (
    _HEAD, AUDIO, DOCUMENT, IMAGE, OTHER, SLIDES, VIDEO, _magic_kind, media_type_for, sniff_kind,
    subtitle_language)

# The public names; the kinds, sniff_kind, media_type_for and subtitle_language are media_types'.
__all__ = ["AUDIO", "DOCUMENT", "IMAGE", "OTHER", "PROBE_TIMEOUT", "SLIDES", "THUMBNAIL_TIMEOUT", "VIDEO",
           "MediaError", "MediaInfo", "content_kind", "cut_short", "looks_like_media", "make_thumbnail", "media_type_for", "probe",
           "sniff_kind", "subtitle_language"]

log = logging.getLogger(__name__)

PROBE_TIMEOUT = 30.0
_TAIL_SECONDS = 4.0  # how much of a file's end cut_short reads  # seconds; ffprobe reads headers only, a stuck one means a broken file
THUMBNAIL_TIMEOUT = 60.0

# Extensions whose files must start with a given magic number (magic, format name for messages).
_REQUIRED_MAGIC = {
    ".pdf": (b"%PDF-", "PDF"),
    **dict.fromkeys((".docx", ".pptx", ".xlsx", ".ppsx", ".odt", ".odp", ".ods", ".epub", ".key"),
                    (b"PK\x03\x04", "zip-based Office")),
    **dict.fromkeys((".doc", ".ppt", ".xls", ".pps"), (b"\xd0\xcf\x11\xe0", "Office 97–2003")),
}
# ffprobe reads text files as "tty" (ANSI art) and Flash as "swf"; neither is a lesson to play.
_NOT_PLAYABLE_FORMATS = {"tty", "swf"}
# ffmpeg filter: stretch non-square pixels (PAL/NTSC DVD, VCD) to their true shape first.
SQUARE_PIXELS = "scale='trunc(iw*sar/2)*2':ih,setsar=1"
_IMAGE_FORMATS = {"image2", "png_pipe", "jpeg_pipe", "gif", "webp_pipe", "bmp_pipe", "gif_pipe"}


class MediaError(TeachPointError):
    """A file could not be inspected or converted as media (or ffprobe/ffmpeg is missing)."""


@dataclass(frozen=True)
class MediaInfo:
    """What ffprobe found in a file. ``has_video`` ignores cover art attached to audio."""

    duration: float | None
    has_video: bool
    has_audio: bool
    width: int | None = None
    height: int | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    format_name: str = ""
    sample_aspect: tuple[int, int] = (1, 1)  # pixel shape: 720×576 4:3 PAL is (16, 15)

    @property
    def display_width(self) -> int | None:
        """The picture's width once its pixels are square (720×576 4:3 → 768)."""
        if not self.width:
            return None
        num, den = self.sample_aspect
        return max(1, round(self.width * num / den))


# --------------------------------------------------------------------------- ffprobe / ffmpeg


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise MediaError(f"{name} is not installed (install ffmpeg: it provides ffprobe and ffmpeg)")
    return found


def probe(path: str | os.PathLike, timeout: float = PROBE_TIMEOUT) -> MediaInfo:
    """Run ``ffprobe -show_format -show_streams`` on a file; raises MediaError if it is not media."""
    p = Path(path)
    if not p.is_file():
        raise MediaError(f"file not found: {p}")
    cmd = [_tool("ffprobe"), "-v", "error", "-show_format", "-show_streams", "-of", "json", str(p)]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise MediaError(f"ffprobe took longer than {timeout:g} s on {p.name}") from None
    except OSError as e:
        raise MediaError(f"ffprobe could not run: {e.strerror or e}") from None
    err = _reason(done.stderr, p)
    if done.returncode != 0:
        raise MediaError(f"not a media file ({err or 'ffprobe exit ' + str(done.returncode)})")
    try:
        data = json.loads(done.stdout.decode("utf-8", "replace") or "{}")
    except ValueError:
        raise MediaError(f"ffprobe gave unreadable output for {p.name}") from None
    fmt = data.get("format") or {}
    streams = data.get("streams") or []
    if not fmt and not streams:
        raise MediaError(f"not a media file ({err or 'ffprobe found nothing'})")
    video = [s for s in streams if s.get("codec_type") == "video"
             and not (s.get("disposition") or {}).get("attached_pic")]
    audio = [s for s in streams if s.get("codec_type") == "audio"]
    durations = [_float(fmt.get("duration"))] + [_float(s.get("duration")) for s in video + audio]
    durations = [d for d in durations if d is not None and d > 0]
    v = video[0] if video else {}
    info = MediaInfo(
        duration=max(durations) if durations else None,
        has_video=bool(video),
        has_audio=bool(audio),
        width=v.get("width") or None,
        height=v.get("height") or None,
        video_codec=v.get("codec_name"),
        audio_codec=audio[0].get("codec_name") if audio else None,
        format_name=fmt.get("format_name", ""),
        sample_aspect=_ratio(v.get("sample_aspect_ratio")),
    )
    log.debug("probe %s: %s", p, info)
    return info


def content_kind(path: str | os.PathLike) -> str:
    """The kind of a file by its content: magic numbers first, then ffprobe for the rest.

    What :func:`sniff_kind` cannot place (``other``: a ``.dat``, an unknown extension, a format
    without a magic number we know) is video if ffprobe finds moving pictures in it and audio if
    it finds sound. Text (ffprobe's ``tty``), Flash and still images stay ``other``.
    """
    kind = sniff_kind(path)
    if kind != OTHER:
        return kind
    try:
        info = probe(path)
    except MediaError:
        return OTHER
    if set(info.format_name.split(",")) & (_IMAGE_FORMATS | _NOT_PLAYABLE_FORMATS):
        return OTHER
    if info.has_video and info.duration:
        return VIDEO
    return AUDIO if info.has_audio else OTHER


def looks_like_media(path: str | os.PathLike, kind: str) -> str | None:
    """None if the file can be what ``kind`` says, else a short problem for the publisher.

    Video must have a moving-picture stream (not a still image); audio an audio stream; images,
    documents and slides must not contradict their extension's magic number. Other kinds pass.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError:
        return "file not found"
    if not p.is_file():
        return "not a regular file"
    if size == 0:
        return "empty file"
    if kind in (VIDEO, AUDIO):
        try:
            info = probe(p)
        except MediaError as e:
            reason = str(e)
            if reason.startswith("not a media file (") and reason.endswith(")"):
                reason = reason[len("not a media file ("):-1]
            return f"not {'a video' if kind == VIDEO else 'an audio'} file (ffprobe: {reason})"
        if kind == VIDEO:
            if not info.has_video:
                return "not a video file (ffprobe: no video stream" + \
                    (", only audio)" if info.has_audio else ")")
            if set(info.format_name.split(",")) & _IMAGE_FORMATS or not info.duration:
                return f"not a video file (ffprobe: a still image, {info.format_name})"
        elif not info.has_audio:
            return "not an audio file (ffprobe: no audio stream)"
        return cut_short(p, info.duration)
    return _magic_problem(p, kind)


def cut_short(path: str | os.PathLike, duration: float | None, timeout: float = PROBE_TIMEOUT) -> str | None:
    """A problem if the file's packets stop well before the duration its header declares.

    A half-copied RMVB or AVI still probes as "20 s long"; ffprobe reads the packets of the last
    few seconds, and if the last one is far short of the end the file was cut. Files without
    timestamps, or that cannot be read from there, are not judged (None).
    """
    if not duration or duration < 2 * _TAIL_SECONDS:
        return None
    start = duration - _TAIL_SECONDS
    cmd = [_tool("ffprobe"), "-v", "error", "-show_entries", "packet=pts_time", "-of", "csv=p=0",
           "-read_intervals", f"{start:.3f}%", str(path)]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except (subprocess.TimeoutExpired, OSError):
        return None
    times = [t for t in (_float(x.strip().rstrip(",")) for x in done.stdout.decode("ascii", "replace").splitlines())
             if t is not None]
    if not times or max(times) >= duration * 0.9 - 1:
        return None
    return (f"the file is cut short: its last picture or sound is at {max(times):.1f} s but it says it "
            f"lasts {duration:.1f} s (copy it again from the original)")


def _magic_problem(p: Path, kind: str) -> str | None:
    """Images, documents and slides must not contradict their extension's magic number."""
    if kind in (IMAGE, DOCUMENT, SLIDES):
        ext = p.suffix.lower()
        try:
            with open(p, "rb") as f:
                magic = _magic_kind(f.read(_HEAD), ext, p)
        except OSError as e:
            return f"cannot read the file ({e.strerror or e})"
        if kind == IMAGE and magic != IMAGE:
            return f"not an image file (content looks like {magic or 'no known image format'})"
        if kind != IMAGE and magic not in (None, DOCUMENT, SLIDES):
            return f"not a {kind} file (content looks like {magic})"
        needs = _REQUIRED_MAGIC.get(ext)
        if needs and not _starts_with(p, needs[0]):
            return f"not a {needs[1]} file (its first bytes are not {needs[0]!r})"
    return None


def make_thumbnail(video_path: str | os.PathLike, out_path: str | os.PathLike,
                   at_seconds: float | None = None, width: int = 320,
                   timeout: float = THUMBNAIL_TIMEOUT) -> None:
    """Write one JPEG frame of a video, ``width`` pixels wide, to ``out_path`` (atomically).

    The frame is taken at ``at_seconds``, by default at 10 % of the duration (1 s if unknown);
    if nothing is there (too short a file) it falls back to the first frame.
    """
    src, out = Path(video_path), Path(out_path)
    if at_seconds is None:
        try:
            duration = probe(src).duration
        except MediaError as e:
            raise MediaError(f"cannot make a thumbnail of {src.name}: {e}") from None
        at_seconds = duration * 0.1 if duration else 1.0
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".thumb-", suffix=".jpg", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        last_error = ""
        for at in dict.fromkeys((max(0.0, float(at_seconds)), 0.0)):
            last_error = _grab_frame(src, tmp, at, width, timeout)
            if not last_error and tmp.stat().st_size > 0:
                os.replace(tmp, out)
                log.info("thumbnail %s at %.2f s → %s", src.name, at, out)
                return
        raise MediaError(f"cannot make a thumbnail of {src.name}: {last_error or 'no video frame'}")
    finally:
        tmp.unlink(missing_ok=True)


def _grab_frame(src: Path, out: Path, at: float, width: int, timeout: float) -> str:
    """Run ffmpeg for one frame; returns '' on success or the first line of its complaint."""
    cmd = [_tool("ffmpeg"), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
           "-ss", f"{at:.3f}", "-i", str(src), "-map", "0:v:0", "-an", "-sn", "-dn",
           "-frames:v", "1", "-vf", f"{SQUARE_PIXELS},scale={int(width)}:-2", "-q:v", "4",
           "-f", "image2", "-c:v", "mjpeg", "-update", "1", str(out)]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"ffmpeg took longer than {timeout:g} s"
    except OSError as e:
        return f"ffmpeg could not run: {e.strerror or e}"
    if done.returncode != 0:
        return _reason(done.stderr, src) or f"ffmpeg exit {done.returncode}"
    return ""


def _reason(raw: bytes, path: Path) -> str:
    """ffmpeg's last complaint as one short line, without ``[mov @ 0x…]`` and path prefixes."""
    lines = []
    for line in raw.decode("utf-8", "replace").splitlines():
        line = re.sub(r"^\[[^\]]* @ 0x[0-9a-fA-F]+\]\s*", "", line.strip()).replace(f"{path}: ", "")
        if line:
            lines.append(line)
    return lines[-1][:200] if lines else ""


def _ratio(text) -> tuple[int, int]:
    """ffprobe's ``"16:15"`` as (16, 15); unknown, ``0:1`` or nonsense as (1, 1)."""
    try:
        num, den = (int(x) for x in str(text).split(":"))
    except (TypeError, ValueError):
        return (1, 1)
    return (num, den) if num > 0 and den > 0 and 1 / 8 <= num / den <= 8 else (1, 1)


def _float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _starts_with(path: Path, magic: bytes) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(len(magic)) == magic
    except OSError:
        return False
