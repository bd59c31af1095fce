"""The courseware that sits on rural school PCs, made for real by ffmpeg and LibreOffice (no Qt).

* :func:`make_rmvb` — RealMedia (RV20 video + AC-3 sound), what ``-f rm`` in Debian's ffmpeg writes.
* :func:`make_vcd_dat` — a VCD's ``MPEGAV/AVSEQ01.DAT``: ``RIFF``/``CDXA`` header, then raw
  2352-byte CD-ROM XA Mode 2 Form 2 sectors (sync, header, subheader, 2324 bytes of an MPEG-1
  program stream made with ``-target pal-vcd``, EDC left zero as ripping tools often do).
* :func:`make_pal_4x3` — 720×576 MPEG-2 with 16:15 pixels (a 4:3 picture stored 1.25:1) and a
  white square that is square only when the pixels are shown at their true shape.
* :func:`make_dark_video`, :func:`make_swf` — a plain lesson to read subtitles on; Flash's header.
* :func:`make_pptx` — a two-page presentation written by LibreOffice from a flat ODP.
* :func:`subtitle_text` — a short Chinese SRT to save in GBK, UTF-8, UTF-16 …
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

SECTOR_DATA = 2324  # user bytes of a Mode 2 Form 2 sector (a VCD's MPEG packs are this long)
SUBTITLE_LINES = ("同学们好，我们一起来唱歌", "春天在哪里呀，春天在哪里")
SLIDE_TEXTS = ("第一页 春天在哪里", "第二页 小燕子")


def _ffmpeg(args: list[str], out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args, str(out)], check=True, timeout=120)
    return out


def make_rmvb(path: Path, seconds: float = 2.0, size: str = "320x240") -> Path:
    """A real RealMedia file (``.rmvb``): RealVideo 2.0 and AC-3 sound."""
    return _ffmpeg(["-f", "lavfi", "-i", f"testsrc=size={size}:rate=10", "-f", "lavfi",
                    "-i", "sine=frequency=440:sample_rate=44100", "-t", str(seconds),
                    "-c:v", "rv20", "-b:v", "300k", "-c:a", "ac3", "-b:a", "64k", "-f", "rm"], path)


def make_dark_video(path: Path, seconds: float = 20.0, size: str = "640x360") -> Path:
    """A plain dark-blue H.264 + AAC mp4: subtitles drawn on it are easy to tell apart."""
    return _ffmpeg(["-f", "lavfi", "-i", f"color=c=0x203040:size={size}:rate=5", "-f", "lavfi",
                    "-i", "sine=frequency=330:sample_rate=22050", "-t", str(seconds), "-c:v", "libx264",
                    "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "32k",
                    "-shortest"], path)


def make_swf(path: Path) -> Path:
    """The first bytes of an uncompressed Flash movie (``FWS``): enough to be taken for Flash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"FWS\x0a" + struct.pack("<I", 64) + b"\x78\x00\x05\x5f\x00\x00\x0f\xa0\x00"
                     + b"\x00\x18\x01\x00" + b"\x00" * 43)
    return path


def make_pal_4x3(path: Path, seconds: float = 1.0) -> Path:
    """720×576 MPEG-2 with 16:15 pixels: a blue 4:3 picture with a white square in the middle.

    Drawn at 768×576 square pixels, then stored 720 wide, so shown right the whole picture is
    4:3 and the square is square; shown wrong (1.25:1) the square is 6 % too narrow.
    """
    picture = ("color=c=0x3070c0:size=768x576:rate=25,"
               "drawbox=x=234:y=138:w=300:h=300:color=white:t=fill,scale=720:576,setsar=16/15")
    return _ffmpeg(["-f", "lavfi", "-i", picture, "-t", str(seconds), "-c:v", "mpeg2video",
                    "-an", "-f", "mpeg"], path)


def make_vcd_dat(path: Path, seconds: float = 2.0) -> Path:
    """A VCD ``AVSEQ01.DAT``: a PAL VCD MPEG-1 stream in RIFF/CDXA-wrapped XA sectors."""
    with tempfile.TemporaryDirectory() as tmp:
        mpg = _ffmpeg(["-f", "lavfi", "-i", "testsrc=size=352x288:rate=25", "-f", "lavfi",
                       "-i", "sine=frequency=440:sample_rate=44100", "-t", str(seconds),
                       "-target", "pal-vcd"], Path(tmp) / "vcd.mpg")
        program = mpg.read_bytes()
    sectors = [_xa_sector(i, program[i * SECTOR_DATA:(i + 1) * SECTOR_DATA])
               for i in range((len(program) + SECTOR_DATA - 1) // SECTOR_DATA)]
    body = b"".join(sectors)
    fmt = struct.pack("<HHH2sB7s", 0, 0, 0x1555, b"XA", 1, b"\0" * 7)  # owner, attributes, 'XA'
    riff = b"CDXA" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(body)) + body
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"RIFF" + struct.pack("<I", len(riff)) + riff)
    return path


def _xa_sector(index: int, data: bytes) -> bytes:
    """One raw 2352-byte Mode 2 Form 2 sector at CD address 00:02:00 + ``index``."""
    lba = index + 150
    bcd = [((n // 10) << 4) | (n % 10) for n in (lba // 4500, (lba // 75) % 60, lba % 75)]
    header = b"\x00" + b"\xff" * 10 + b"\x00" + bytes(bcd + [2])
    subheader = bytes([1, 1, 0x62, 0x1F]) * 2  # file 1, channel 1, Form 2 real-time video
    return header + subheader + data.ljust(SECTOR_DATA, b"\0") + b"\0" * 4


def subtitle_text(lines=SUBTITLE_LINES, seconds_each: float = 30.0) -> str:
    """An SRT (CRLF, as Windows tools write it) showing each line for ``seconds_each``."""
    cues = []
    for i, line in enumerate(lines):
        start, end = i * seconds_each, (i + 1) * seconds_each
        cues.append(f"{i + 1}\r\n{_clock(start)} --> {_clock(end)}\r\n{line}\r\n")
    return "\r\n".join(cues)


def _clock(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


_FODP = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.presentation">
 <office:automatic-styles><style:style style:name="big" style:family="paragraph">
  <style:text-properties fo:font-size="54pt" fo:color="#c00000"/></style:style></office:automatic-styles>
 <office:body><office:presentation>{pages}</office:presentation></office:body>
</office:document>
"""
_PAGE = ('<draw:page draw:name="p{n}"><draw:frame svg:x="2cm" svg:y="4cm" svg:width="24cm" '
         'svg:height="6cm"><draw:text-box><text:p text:style-name="big">{text}</text:p>'
         '</draw:text-box></draw:frame></draw:page>')


def make_pptx(path: Path, texts=SLIDE_TEXTS) -> Path:
    """A real PowerPoint 2007 file with one page per text, written by LibreOffice."""
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed")
    pages = "".join(_PAGE.format(n=i + 1, text=t) for i, t in enumerate(texts))
    with tempfile.TemporaryDirectory(prefix="teachpoint-pptx-") as tmp:
        src = Path(tmp) / f"{path.stem}.fodp"
        src.write_text(_FODP.format(pages=pages), encoding="utf-8")
        subprocess.run([program, f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}",
                        "--headless", "--norestore", "--convert-to", "pptx", "--outdir", tmp,
                        str(src)], check=True, capture_output=True, timeout=300)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(Path(tmp) / f"{path.stem}.pptx"), path)
    return path
