"""Office documents to PDF at publish time, with LibreOffice headless (no Qt).

Most teaching-point PCs have no office suite, so the publisher ships a PDF rendering of every
PPT/PPTX/DOC/DOCX (and their OpenDocument and WPS cousins) next to the original; the app shows
the PDF. LibreOffice runs as ``soffice --headless --convert-to pdf`` with its own throw-away
profile (two conversions never share or lock the publisher's profile) and a timeout.
:func:`convert_many` converts a whole catalogue's documents in runs of :data:`BATCH` (LibreOffice
takes ~2 s to start and well under 1 s per small document once running).
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
BATCH = 40  # documents per LibreOffice run
PER_DOCUMENT_TIMEOUT = 60.0  # added to CONVERT_TIMEOUT for each document of a run
_PROGRAMS = ("soffice", "libreoffice")


class ConversionError(MediaError):
    """LibreOffice is missing, or it could not turn a document into a PDF."""


class ConversionTimeout(ConversionError):
    """LibreOffice did not finish in time (a hanging document, or a machine far too busy)."""


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
    said = _run_soffice([src], out, timeout)
    target = out / f"{src.stem}.pdf"
    if not _is_pdf(target):
        raise ConversionError(f"LibreOffice could not convert {src.name} to PDF ({said or 'no PDF written'})")
    log.info("converted %s to PDF (%d bytes)", src.name, target.stat().st_size)
    return target


def convert_many(sources: dict[str, Path], out_dir: str | os.PathLike) -> dict[str, Path | ConversionError]:
    """Convert documents given as ``{key: path}`` (keys: safe file names such as a sha256).

    Each key maps to its PDF or to the :class:`ConversionError` for that document. A run that
    times out is retried one document at a time, so one hanging file costs only itself.
    """
    out = Path(out_dir)
    inbox = out / "in"
    inbox.mkdir(parents=True, exist_ok=True)
    results: dict[str, Path | ConversionError] = {}
    keys = list(sources)
    for start in range(0, len(keys), BATCH):
        chunk = keys[start:start + BATCH]
        links = [_linked(sources[key], inbox / f"{key}{sources[key].suffix.lower()}") for key in chunk]
        try:
            said = _run_soffice(links, out, CONVERT_TIMEOUT + PER_DOCUMENT_TIMEOUT * len(links))
        except ConversionTimeout:
            said = ""
            for link in links:  # one by one: a hanging document costs only itself
                try:
                    _run_soffice([link], out, CONVERT_TIMEOUT)
                except ConversionError as one:
                    results[link.stem] = one
        except ConversionError as exc:
            results.update((key, exc) for key in chunk)
            continue
        for key in chunk:
            pdf = out / f"{key}.pdf"
            if _is_pdf(pdf):
                results[key] = pdf
            elif key not in results:
                results[key] = ConversionError(f"LibreOffice could not convert {sources[key].name} to PDF "
                                               f"(damaged, or protected by a password?{' ' + said if said else ''})")
    return results


def _linked(source: Path, link: Path) -> Path:
    """``link`` pointing at ``source`` (a copy where symlinks are not allowed)."""
    link.unlink(missing_ok=True)
    try:
        link.symlink_to(source.resolve())
    except OSError:
        shutil.copyfile(source, link)
    return link


def _run_soffice(files: list[Path], out: Path, timeout: float) -> str:
    """Run LibreOffice on ``files`` into ``out``; its last complaint ('' if none)."""
    program = office_program()
    if program is None:
        raise ConversionError("LibreOffice is not installed (Debian: libreoffice-impress-nogui "
                              "libreoffice-writer-nogui); it turns PPT/DOC into PDF")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="teachpoint-soffice-") as profile:
        cmd = [program, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
               "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               "--convert-to", "pdf", "--outdir", str(out), *map(str, files)]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise ConversionTimeout(f"LibreOffice took longer than {timeout:g} s on "
                                  f"{', '.join(f.name for f in files[:3])}") from None
        except OSError as exc:
            raise ConversionError(f"LibreOffice could not run: {exc.strerror or exc}") from None
    lines = [ln for ln in (done.stderr or b"").decode("utf-8", "replace").splitlines() if ln.strip()]
    return lines[-1][:200] if lines else ("" if done.returncode == 0 else f"exit {done.returncode}")


def _is_pdf(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return path.stat().st_size > 0 and f.read(5) == b"%PDF-"
    except OSError:
        return False
