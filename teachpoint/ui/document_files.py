"""Which file of a document lesson to show, and how: worker-side helpers of :class:`DocumentView`.

Stored files carry no extension (the store names them by hash), so what a file is comes from its
first bytes (:func:`sniff`). An office document published with its PDF (an ``attachment`` of type
``application/pdf``, made by the publisher with LibreOffice; see docs/repository-format.md) is
shown as that PDF (:func:`shown_file`): most teaching-point PCs have no office suite. Flash is
never handed on (no program plays it any more). Anything else is copied, under its original
name, to a temporary folder and given to the PC's own program; on Linux ``xdg-open``'s exit
status says whether that worked (:func:`open_with_xdg`), because Qt's ``openUrl`` only says
that the opener started.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QImage, QImageReader

from teachpoint.publish.media_types import AUDIO, VIDEO, sniff_kind
from teachpoint.ui.queries import LessonInfo

log = logging.getLogger(__name__)

PDF, IMAGE, EXTERNAL, FLASH = "pdf", "image", "external", "flash"
PDF_TYPE = "application/pdf"
OFFICE_KINDS = ("slides", "document")
OPEN_FOLDER = "teachpoint-open"
XDG_WAIT_S = 5.0  # an opener still running after this has handed the file to a program
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")
_FLASH_MAGIC = (b"FWS", b"CWS", b"ZWS")


def sniff(path: Path, kind_hint: str = "", name: str = "") -> str:
    """:data:`PDF`, :data:`IMAGE`, :data:`FLASH` or :data:`EXTERNAL`, from the file's first bytes.

    A lesson of kind ``image`` is treated as a picture whatever its bytes (so a damaged picture
    gives the "cannot open" message rather than being handed to another program).
    """
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(b"%PDF-"):
        return PDF
    if kind_hint == "image" or head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return IMAGE
    if head.startswith(_FLASH_MAGIC) or Path(name).suffix.lower() == ".swf":
        return FLASH
    if Path(name or path).suffix.lower() == ".pdf":
        return PDF  # a damaged PDF: QtPdf says so
    return EXTERNAL


def is_media(path: Path) -> bool:
    """True if the file's first bytes say video or sound (RealMedia, RIFF/CDXA, MPEG, …)."""
    return sniff_kind(path) in (VIDEO, AUDIO)  # a stored blob has no extension: magic only


def shown_file(ws, info: LessonInfo) -> tuple[Path | None, str]:
    """(path, original name) of the file to show: the main file, or an office document's PDF."""
    with ws.catalogue.write_lock:
        res = ws.catalogue.resource(info.resource_id)
    if res is None or res.main is None:
        return info.main_path, ""
    pdf = next((f for f in res.files if f.role == "attachment" and f.media_type == PDF_TYPE
                and ws.store.has(f.sha256)), None)
    if pdf is not None and info.kind in OFFICE_KINDS and res.main.media_type != PDF_TYPE:
        return ws.store.path_of(pdf.sha256), pdf.name
    return info.main_path, res.main.name


def external_copy(source: Path, name: str, folder: Path | None = None) -> Path:
    """A copy of ``source`` named ``name`` (its original file name) in a temporary folder."""
    safe = Path(name).name or source.name
    target_dir = (folder or Path(tempfile.gettempdir()) / OPEN_FOLDER) / source.name[:16]
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / safe
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        shutil.copyfile(source, target)
    return target


def open_with_xdg(path: Path, wait_s: float = XDG_WAIT_S) -> bool | None:
    """Linux: run ``xdg-open`` and read its answer (True opened, False failed); None elsewhere
    or without xdg-open (the caller then asks Qt). Runs in a worker: it may wait ``wait_s``."""
    opener = shutil.which("xdg-open") if sys.platform.startswith("linux") else None
    if opener is None:
        return None
    try:
        proc = subprocess.Popen([opener, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        log.warning("xdg-open could not start: %s", exc)
        return False
    try:
        code = proc.wait(timeout=wait_s)
    except subprocess.TimeoutExpired:
        threading.Thread(target=proc.wait, name="xdg-open-wait", daemon=True).start()
        log.info("xdg-open still running after %.0f s: %s is open in a program", wait_s, path)
        return True
    log.info("xdg-open %s exited %s", path, code)
    return code == 0


def read_image(path: Path) -> QImage:
    """Decode a picture (turned the way the camera says); raises ValueError if it cannot."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    image = reader.read()
    if image.isNull():
        raise ValueError(f"not a picture Qt can read: {reader.errorString()}")
    return image


@dataclass
class Prepared:
    """What a worker found out about a file, for the GUI thread to show."""

    kind: str
    path: Path
    image: QImage | None = None
    opened: bool | None = None  # EXTERNAL: did the PC's program take it (None: ask Qt)


def prepare(path: Path, kind_hint: str = "", original_name: str = "") -> Prepared:
    """Worker side: decide how to show ``path``; decode a picture; hand a file to another program."""
    kind = sniff(path, kind_hint, original_name)
    if kind == IMAGE:
        return Prepared(IMAGE, path, read_image(path))
    if kind == EXTERNAL:
        copy = external_copy(path, original_name or path.name)
        return Prepared(EXTERNAL, copy, opened=open_with_xdg(copy))
    return Prepared(kind, path)
