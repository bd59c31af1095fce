"""Office documents to PDF at publish time, with LibreOffice headless (no Qt).

Most teaching-point PCs have no office suite, so the publisher ships a PDF rendering of every
PPT/PPTX/DOC/DOCX (and their OpenDocument and WPS cousins) next to the original; the app shows
the PDF. LibreOffice runs as ``soffice --headless --convert-to pdf`` with its own throw-away
profile (two conversions never share or lock the publisher's profile) and a timeout.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from teachpoint.publish.media import MediaError

log = logging.getLogger(__name__)

CONVERT_TIMEOUT = 300.0  # seconds for one document; a first start of LibreOffice takes ~5 s
CONVERTIBLE_EXTS = frozenset(
    ".ppt .pptx .pps .ppsx .pot .potx .odp .dps .doc .docx .dot .dotx .odt .rtf .wps".split())
PDF_MEDIA_TYPE = "application/pdf"
_PROGRAMS = ("soffice", "libreoffice")


class ConversionError(MediaError):
    """LibreOffice is missing, or it could not turn a document into a PDF."""


def needs_pdf(path: str | os.PathLike) -> bool:
    """True for the office documents the publisher ships a PDF of."""
    return Path(path).suffix.lower() in CONVERTIBLE_EXTS


def office_program() -> str | None:
    """The LibreOffice command on this machine, or None."""
    return next((found for name in _PROGRAMS if (found := shutil.which(name))), None)


def convert_to_pdf(source: str | os.PathLike, out_dir: str | os.PathLike,
                   timeout: float = CONVERT_TIMEOUT) -> Path:
    """Write ``out_dir/<stem>.pdf`` from an office document and return its path.

    Raises :class:`ConversionError` when LibreOffice is not installed, fails, times out or
    writes no PDF (a damaged or password-protected document).
    """
    src, out = Path(source), Path(out_dir)
    program = office_program()
    if program is None:
        raise ConversionError("LibreOffice is not installed (Debian: libreoffice-impress-nogui "
                              "libreoffice-writer-nogui); it turns PPT/DOC into PDF")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="teachpoint-soffice-") as profile:
        cmd = [program, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
               "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               "--convert-to", "pdf", "--outdir", str(out), str(src)]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL,
                                  env={**os.environ, "HOME": profile})
        except subprocess.TimeoutExpired:
            raise ConversionError(f"LibreOffice took longer than {timeout:g} s on {src.name}") from None
        except OSError as exc:
            raise ConversionError(f"LibreOffice could not run: {exc.strerror or exc}") from None
    target = out / f"{src.stem}.pdf"
    if done.returncode != 0 or not _is_pdf(target):
        said = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
        reason = said[-1][:200] if said else f"exit {done.returncode}, no PDF written"
        raise ConversionError(f"LibreOffice could not convert {src.name} to PDF ({reason})")
    log.info("converted %s to PDF (%d bytes)", src.name, target.stat().st_size)
    return target


def _is_pdf(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return path.stat().st_size > 0 and f.read(5) == b"%PDF-"
    except OSError:
        return False
