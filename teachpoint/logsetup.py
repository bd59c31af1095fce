"""Logging into a size-bounded rotating file."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FILE = "teachpoint.log"
MAX_BYTES = 1 << 20  # 1 MiB a file
BACKUPS = 5  # so logs never exceed ~6 MiB


def setup_logging(log_dir: Path, level: int = logging.INFO) -> Path | None:
    """Send the root logger to ``log_dir/teachpoint.log``; returns the file, or None if unwritable.

    A log directory that cannot be written must never stop the app: logging then stays off.
    """
    root = logging.getLogger()
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return None
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            log_dir / LOG_FILE, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError:
        # No log file: keep warnings off the terminal too (commands print their own errors).
        root.addHandler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    return log_dir / LOG_FILE
