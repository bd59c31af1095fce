"""What a file is, by its name and first bytes alone: its kind, MIME type and subtitle language.

Plain functions over files, no subprocesses (ffprobe and ffmpeg are in :mod:`teachpoint.publish.media`,
which re-exports everything public here). Kinds are the strings of
``teachpoint.library.model.KINDS``: video, audio, document, image, slides, other.

* :func:`sniff_kind` looks at the file's first bytes (magic) and its extension.
* :func:`media_type_for` and :func:`subtitle_language` name a file's MIME type and a subtitle's
  language from its name alone (deterministic: never the machine's ``/etc/mime.types``).
"""

from __future__ import annotations

import mimetypes
import os
import re
import zipfile
from pathlib import Path


VIDEO, AUDIO, DOCUMENT, IMAGE, SLIDES, OTHER = "video", "audio", "document", "image", "slides", "other"

_HEAD = 64  # bytes read for magic numbers

_EXT_KIND = {
    **dict.fromkeys(
        ".mp4 .m4v .mkv .webm .avi .flv .f4v .ts .m2ts .mts .mov .mpg .mpeg .vob .wmv .3gp .ogv"
        " .rm .rmvb .asf .dv .m2v .divx .xvid".split(), VIDEO),
    **dict.fromkeys(".mp3 .m4a .m4b .aac .ogg .oga .opus .wav .flac .wma .amr .mka .weba .ra .ape .ac3"
                    .split(), AUDIO),
    **dict.fromkeys(".pdf .doc .docx .odt .rtf .txt .md .xls .xlsx .ods .wps .epub".split(), DOCUMENT),
    **dict.fromkeys(".png .jpg .jpeg .gif .webp .bmp".split(), IMAGE),
    **dict.fromkeys(".ppt .pptx .pps .ppsx .odp .key .dps".split(), SLIDES),
}
_AUDIO_CONTAINER_EXTS = {".m4a", ".m4b", ".mka", ".weba", ".ogg", ".oga", ".opus", ".wma", ".ra"}
_VIDEO_CONTAINER_EXTS = {".ogv"}

# Explicit MIME types first: mimetypes' tables differ between machines and Python versions, and a
# published repository must name the same type wherever it is built.
_MEDIA_TYPES = {
    ".mp4": "video/mp4", ".m4v": "video/mp4", ".mkv": "video/x-matroska", ".webm": "video/webm",
    ".avi": "video/x-msvideo", ".flv": "video/x-flv", ".f4v": "video/mp4", ".ts": "video/mp2t",
    ".m2ts": "video/mp2t", ".mts": "video/mp2t", ".mov": "video/quicktime", ".mpg": "video/mpeg",
    ".mpeg": "video/mpeg", ".vob": "video/mpeg", ".wmv": "video/x-ms-wmv", ".3gp": "video/3gpp",
    ".ogv": "video/ogg", ".rm": "application/vnd.rn-realmedia",
    ".rmvb": "application/vnd.rn-realmedia-vbr", ".ra": "audio/x-pn-realaudio",
    ".swf": "application/x-shockwave-flash", ".asf": "video/x-ms-asf",
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
    if head[:4] == b"RIFF":  # CDXA: a VCD's AVSEQ01.DAT (MPEG-1 in CD-XA sectors)
        return {b"AVI ": VIDEO, b"WAVE": AUDIO, b"CDXA": VIDEO}.get(head[8:12])
    if head.startswith(b".RMF"):  # RealMedia: .rm / .rmvb video, .ra audio
        return container(VIDEO)
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
