"""Subtitle text in any common encoding, handed on as UTF-8 (no Qt, no libvlc).

Chinese PCs write subtitles in GBK/GB18030; others arrive as UTF-16 or UTF-8 with a BOM. libvlc
reads subtitle files as UTF-8 unless told otherwise and shows anything else as mojibake, so:

* the publisher calls :func:`to_utf8` and ships UTF-8 (:func:`decode_subtitle` says which
  encoding it found, or raises :class:`SubtitleError` for a file that is not text at all);
* the player calls :func:`playable_subtitle` for every subtitle it loads: a UTF-8 file (without
  BOM) is used as it is; anything else is converted once into a cached UTF-8 copy named after the
  blob's hash, under ``<data dir>/subtitles-utf8/`` (or the temporary folder when the data
  directory is read-only or the file is not a store blob).

Detection: BOMs first (UTF-8/16/32), then strict UTF-8, then ``charset-normalizer`` (a maintained
detector). Its guesses from the GB family are read as GB18030, a superset of GBK and GB2312, so a
rare character that GBK lacks still decodes. A few words of Chinese are too little for any
detector (两个字 GBK look like Big5 or Korean to it), so where it guesses another East Asian
multi-byte encoding and the bytes are valid GB18030, GB18030 wins: that is what Chinese PCs write.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path

from charset_normalizer import from_bytes

from teachpoint.errors import TeachPointError
from teachpoint.fsutil import atomic_write

log = logging.getLogger(__name__)

MAX_SUBTITLE_BYTES = 16 * 1024 * 1024  # a film's subtitles are well under 1 MiB
CACHE_FOLDER = "subtitles-utf8"
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936", "euc_cn"}
# Multi-byte encodings a detector confuses with GBK on short texts; Chinese PCs write GBK.
_EAST_ASIAN = {"big5", "big5hkscs", "cp950", "cp949", "euc_kr", "johab", "shift_jis", "cp932",
               "euc_jp", "iso2022_jp"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SHA_NAME = re.compile(r"^[0-9a-f]{64}$")


class SubtitleError(TeachPointError):
    """A subtitle file is not text in any encoding we can read (binary, empty, too large)."""


def decode_subtitle(data: bytes) -> tuple[str, str]:
    """The text of a subtitle file and the encoding it was in (``utf-8``, ``gb18030`` …)."""
    if not data.strip():
        raise SubtitleError("the subtitle file is empty")
    if len(data) > MAX_SUBTITLE_BYTES:
        raise SubtitleError(f"the subtitle file is larger than {MAX_SUBTITLE_BYTES >> 20} MiB")
    encoding = _encoding_of(data)
    if encoding is None:
        raise SubtitleError("the subtitle file is not text in any known encoding")
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise SubtitleError(f"the subtitle file cannot be read as {encoding}: {exc}") from None
    if len(_CONTROL.findall(text)) > len(text) // 100 + 2:
        raise SubtitleError("the subtitle file is not text (it holds binary data)")
    return text.lstrip("\ufeff"), encoding


def _encoding_of(data: bytes) -> str | None:
    """BOM, else strict UTF-8, else charset-normalizer's best guess (GB family → gb18030)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[: 1 << 20]).best()
    if best is None:
        return None
    encoding = best.encoding.lower().replace("-", "_")
    if encoding in _GB_FAMILY or (encoding in _EAST_ASIAN and _decodes(data, "gb18030")):
        return "gb18030"  # a few Chinese words look like Big5/Korean to any detector
    return best.encoding


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def to_utf8(data: bytes) -> tuple[bytes, str]:
    """UTF-8 bytes (no BOM, line ends kept) of a subtitle file, and the encoding it was in."""
    text, encoding = decode_subtitle(data)
    return text.encode("utf-8"), encoding


def is_plain_utf8(data: bytes) -> bool:
    """True if libvlc can read these bytes as they are: UTF-8 without a BOM."""
    if data.startswith(codecs.BOM_UTF8):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def playable_subtitle(path: Path, data_dir: Path | None = None) -> Path:
    """``path`` itself if it is plain UTF-8, else a cached UTF-8 copy of it.

    Never raises: a file that cannot be read or converted is returned unchanged (libvlc then
    shows what it can, and the reason is logged).
    """
    path = Path(path)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_SUBTITLE_BYTES + 1)
        if is_plain_utf8(data):
            return path
        key = path.name if _SHA_NAME.match(path.name) else hashlib.sha256(data).hexdigest()
        for folder in _cache_folders(path, data_dir):
            target = folder / f"{key}.utf8"
            if target.is_file():
                return target
            try:
                utf8, encoding = to_utf8(data)
                atomic_write(target, utf8)
            except OSError as exc:
                log.info("cannot cache a UTF-8 subtitle in %s: %s", folder, exc)
                continue
            log.info("subtitle %s converted from %s to UTF-8 → %s", path.name, encoding, target)
            return target
    except (OSError, SubtitleError) as exc:
        log.warning("subtitle %s left as it is: %s", path, exc)
    return path


def _cache_folders(path: Path, data_dir: Path | None) -> list[Path]:
    """Where converted copies go: the data directory (a store blob tells where it is), then temp."""
    folders = []
    if data_dir is None and _SHA_NAME.match(path.name) and path.parent.parent.name == "sha256":
        data_dir = path.parents[3]  # <data>/store/sha256/ab/<sha>
    if data_dir is not None:
        folders.append(Path(data_dir) / CACHE_FOLDER)
    folders.append(Path(tempfile.gettempdir()) / f"teachpoint-{CACHE_FOLDER}-{os.getuid() if hasattr(os, 'getuid') else 0}")
    return folders
