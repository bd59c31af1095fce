"""Media inspection for the publisher: what a file is, what is inside it, a thumbnail of it.

Plain functions over files; ``ffprobe``/``ffmpeg`` run as subprocesses with timeouts (no Qt, no
libvlc). Kinds are the strings of ``teachpoint.library.model.KINDS``: video, audio, document,
image, slides, other.

* :func:`sniff_kind` looks at the file's first bytes (magic) and its extension.
* :func:`probe` asks ffprobe what streams a file has; :func:`looks_like_media` turns that into a
  one-line problem for the publisher ("not a video file (ffprobe: …)") or None.
* :func:`make_thumbnail` grabs one JPEG frame with ffmpeg.
* :func:`media_type_for` and :func:`subtitle_language` name a file's MIME type and a subtitle's
  language from its name alone (deterministic: never the machine's ``/etc/mime.types``).
"""

from __future__ import annotations

import json
import logging
import mimetypes
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from teachpoint.errors import TeachPointError

log = logging.getLogger(__name__)

VIDEO, AUDIO, DOCUMENT, IMAGE, SLIDES, OTHER = "video", "audio", "document", "image", "slides", "other"

PROBE_TIMEOUT = 30.0  # seconds; ffprobe reads headers only, a stuck one means a broken file
THUMBNAIL_TIMEOUT = 60.0
_HEAD = 64  # bytes read for magic numbers

_EXT_KIND = {
    **dict.fromkeys(
        ".mp4 .m4v .mkv .webm .avi .flv .f4v .ts .m2ts .mts .mov .mpg .mpeg .vob .wmv .3gp .ogv"
        .split(), VIDEO),
    **dict.fromkeys(".mp3 .m4a .m4b .aac .ogg .oga .opus .wav .flac .wma .amr .mka .weba".split(), AUDIO),
    **dict.fromkeys(".pdf .doc .docx .odt .rtf .txt .md .xls .xlsx .ods .wps .epub".split(), DOCUMENT),
    **dict.fromkeys(".png .jpg .jpeg .gif .webp .bmp".split(), IMAGE),
    **dict.fromkeys(".ppt .pptx .pps .ppsx .odp .key .dps".split(), SLIDES),
}
_AUDIO_CONTAINER_EXTS = {".m4a", ".m4b", ".mka", ".weba", ".ogg", ".oga", ".opus", ".wma"}
_VIDEO_CONTAINER_EXTS = {".ogv"}

# Explicit MIME types first: mimetypes' tables differ between machines and Python versions, and a
# published repository must name the same type wherever it is built.
_MEDIA_TYPES = {
    ".mp4": "video/mp4", ".m4v": "video/mp4", ".mkv": "video/x-matroska", ".webm": "video/webm",
    ".avi": "video/x-msvideo", ".flv": "video/x-flv", ".f4v": "video/mp4", ".ts": "video/mp2t",
    ".m2ts": "video/mp2t", ".mts": "video/mp2t", ".mov": "video/quicktime", ".mpg": "video/mpeg",
    ".mpeg": "video/mpeg", ".vob": "video/mpeg", ".wmv": "video/x-ms-wmv", ".3gp": "video/3gpp",
    ".ogv": "video/ogg",
    ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".m4b": "audio/mp4", ".aac": "audio/aac",
    ".ogg": "audio/ogg", ".oga": "audio/ogg", ".opus": "audio/opus", ".wav": "audio/wav",
    ".flac": "audio/flac", ".wma": "audio/x-ms-wma", ".amr": "audio/amr", ".mka": "audio/x-matroska",
    ".weba": "audio/webm",
    ".srt": "application/x-subrip", ".vtt": "text/vtt", ".ass": "text/x-ssa", ".ssa": "text/x-ssa",
    ".pdf": "application/pdf", ".txt": "text/plain", ".md": "text/markdown", ".rtf": "application/rtf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".ppt": "application/vnd.ms-powerpoint", ".pps": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".ppsx": "application/vnd.openxmlformats-officedocument.presentationml.slideshow",
    ".odp": "application/vnd.oasis.opendocument.presentation", ".key": "application/vnd.apple.keynote",
    ".epub": "application/epub+zip",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".bmp": "image/bmp", ".svg": "image/svg+xml",
    ".csv": "text/csv", ".json": "application/json", ".zip": "application/zip",
}
_BUILTIN_MIME = mimetypes.MimeTypes()  # Python's own table only, not the system's files

# Subtitle name suffix (lower-cased, '_' → '-') → language code.
_LANGUAGES = {
    **dict.fromkeys(
        "zh zh-cn zh-hans zh-sg chs sc chi zho cn gb chinese 中文 简体 简中 汉语 国语 普通话".split(), "zh"),
    **dict.fromkeys("zh-tw zh-hk zh-mo zh-hant cht tc big5 繁体 繁中 粤语".split(), "zh-Hant"),
    **dict.fromkeys("en en-us en-gb eng english 英文 英语".split(), "en"),
    **dict.fromkeys("ja jp jpn 日文 日语".split(), "ja"),
    **dict.fromkeys("ru rus 俄文 俄语".split(), "ru"),
    **dict.fromkeys("ko kor 韩文 韩语".split(), "ko"),
    **dict.fromkeys("fr fre fra".split(), "fr"),
    **dict.fromkeys("de ger deu".split(), "de"),
    **dict.fromkeys("es spa".split(), "es"),
    # Languages of China's minority regions that bilingual lessons are made in.
    **dict.fromkeys("bo bod tib 藏文 藏语".split(), "bo"),
    **dict.fromkeys("ug uig 维吾尔文 维吾尔语".split(), "ug"),
    **dict.fromkeys("mn mon 蒙古文 蒙古语 蒙文".split(), "mn"),
    **dict.fromkeys("ii iii 彝文 彝语".split(), "ii"),
    **dict.fromkeys("za zha 壮文 壮语".split(), "za"),
    **dict.fromkeys("kk kaz 哈萨克文 哈萨克语".split(), "kk"),
}
_SUBTITLE_EXTS = {".srt", ".vtt", ".ass", ".ssa", ".sub", ".lrc"}
# Extensions whose files must start with a given magic number (magic, format name for messages).
_REQUIRED_MAGIC = {
    ".pdf": (b"%PDF-", "PDF"),
    **dict.fromkeys((".docx", ".pptx", ".xlsx", ".ppsx", ".odt", ".odp", ".ods", ".epub", ".key"),
                    (b"PK\x03\x04", "zip-based Office")),
    **dict.fromkeys((".doc", ".ppt", ".xls", ".pps"), (b"\xd0\xcf\x11\xe0", "Office 97–2003")),
}
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


# --------------------------------------------------------------------------- kinds and names


def sniff_kind(path: str | os.PathLike) -> str:
    """The kind of a file, from its content's magic number first and its extension second.

    Content wins where it is conclusive (a PNG named ``.mp4`` is an image). Where the content only
    says "an MP4/Matroska/Ogg container" the extension picks audio or video. Where the content has
    no magic at all (plain text, an unknown format) the extension decides, so a text file renamed
    ``.mp4`` sniffs as video — :func:`looks_like_media` is what rejects it. An unreadable file is
    judged by its extension alone.
    """
    p = Path(path)
    ext = p.suffix.lower()
    by_ext = _EXT_KIND.get(ext, OTHER)
    try:
        with open(p, "rb") as f:
            head = f.read(_HEAD)
    except OSError:
        return by_ext
    by_magic = _magic_kind(head, ext, p)
    return by_magic or by_ext


def _magic_kind(head: bytes, ext: str, path: Path) -> str | None:
    """The kind that a file's first bytes prove, or None when they prove nothing."""
    def container(default: str) -> str:
        if ext in _AUDIO_CONTAINER_EXTS:
            return AUDIO
        if ext in _VIDEO_CONTAINER_EXTS:
            return VIDEO
        return _EXT_KIND.get(ext) if _EXT_KIND.get(ext) in (AUDIO, VIDEO) else default

    if head.startswith(b"%PDF-"):
        return DOCUMENT
    if head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff") \
            or head[:6] in (b"GIF87a", b"GIF89a") or (head[:4] == b"RIFF" and head[8:12] == b"WEBP") \
            or (head[:2] == b"BM" and len(head) >= 26 and ext == ".bmp"):
        return IMAGE
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B ", b"M4P "):
            return AUDIO
        return container(VIDEO)
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free") and ext in (".mov", ".mp4", ".m4v", ".m4a"):
        return container(VIDEO)
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: Matroska / WebM
        return container(VIDEO)
    if head[:4] == b"RIFF":
        return {b"AVI ": VIDEO, b"WAVE": AUDIO}.get(head[8:12])
    if head.startswith(b"FLV\x01"):
        return VIDEO
    if head.startswith(b"\x00\x00\x01\xba") or head.startswith(b"\x00\x00\x01\xb3"):
        return VIDEO  # MPEG program / elementary stream
    if head.startswith(b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"):  # ASF: wmv / wma
        return container(VIDEO)
    if head.startswith(b"OggS"):
        return container(AUDIO)
    if head.startswith(b"fLaC") or head.startswith(b"#!AMR") or head.startswith(b"ID3"):
        return AUDIO
    if len(head) >= 3 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0 \
            and head[1] not in (0xFE, 0xFF) and head[2] >> 4 != 0xF:
        return AUDIO  # MPEG audio frame sync (mp3) or ADTS (aac); FF FE is a UTF-16 text BOM
    if head[:1] == b"\x47" and _is_mpeg_ts(path):
        return VIDEO
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: .ppt .doc .xls .wps .dps
        return SLIDES if _EXT_KIND.get(ext) == SLIDES else DOCUMENT
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path, ext)
    if head.startswith(b"{\\rtf"):
        return DOCUMENT
    return None


def _is_mpeg_ts(path: Path) -> bool:
    """True if sync bytes 0x47 repeat every 188 bytes (MPEG transport stream)."""
    try:
        with open(path, "rb") as f:
            data = f.read(188 * 3 + 1)
    except OSError:
        return False
    return len(data) > 188 * 2 and all(data[i] == 0x47 for i in (0, 188, 376))


def _zip_kind(path: Path, ext: str) -> str | None:
    """Office Open XML / OpenDocument / Keynote by the names inside the zip; else by extension."""
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            if "mimetype" in names:
                mime = z.read("mimetype")[:100].decode("ascii", "replace")
                if "presentation" in mime:
                    return SLIDES
                if "opendocument" in mime or "epub" in mime:
                    return DOCUMENT
    except (OSError, zipfile.BadZipFile, KeyError, RuntimeError):
        return None
    if any(n.startswith("ppt/") for n in names) or any(n.startswith("Index/") for n in names):
        return SLIDES
    if any(n.startswith(("word/", "xl/")) for n in names):
        return DOCUMENT
    kind = _EXT_KIND.get(ext)
    return kind if kind in (SLIDES, DOCUMENT) else OTHER


def media_type_for(path: str | os.PathLike) -> str:
    """The MIME type of a file by its name: ``video/mp4``, ``application/x-subrip``, …

    Our explicit table first, then Python's built-in table (not the machine's), else
    ``application/octet-stream``.
    """
    name = Path(path).name
    ext = Path(name).suffix.lower()
    if ext in _MEDIA_TYPES:
        return _MEDIA_TYPES[ext]
    guessed, _ = _BUILTIN_MIME.guess_type(name.lower(), strict=False)
    return guessed or "application/octet-stream"


def subtitle_language(path: str | os.PathLike) -> str:
    """The language of a subtitle file from its name: ``课.zh-CN.vtt`` → zh, ``x.en.srt`` → en.

    Simplified Chinese names (zh, zh-CN, chs, 中文 …) give ``zh``; traditional (zh-TW, cht, 繁体 …)
    ``zh-Hant``; a few other languages their ISO 639-1 code. No or an unknown tag gives ``zh``.
    """
    name = Path(path).name
    stem = name
    if Path(name).suffix.lower() in _SUBTITLE_EXTS:
        stem = name[: -len(Path(name).suffix)]
    # The tag is the last dot-part of the stem (课.zh-CN) or, failing that, a bracketed/underscored
    # tail people also use (课[英文], 课_en).
    candidates = []
    if "." in stem:
        candidates.append(stem.rsplit(".", 1)[1])
    m = re.search(r"[\[(（【_\-]([^\[\]()（）【】_ .]+)[\])）】]?$", stem)
    if m:
        candidates.append(m.group(1))
    for tag in candidates:
        key = tag.strip().lower().replace("_", "-")
        if key in _LANGUAGES:
            return _LANGUAGES[key]
        primary, *rest = key.split("-")
        if rest and primary in _LANGUAGES:
            if _LANGUAGES[primary] == "zh" and set(rest) & {"tw", "hk", "mo", "hant"}:
                return "zh-Hant"
            return _LANGUAGES[primary]
    return "zh"


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
    )
    log.debug("probe %s: %s", p, info)
    return info


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
        return None
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
           "-frames:v", "1", "-vf", f"scale={int(width)}:-2", "-q:v", "4",
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
