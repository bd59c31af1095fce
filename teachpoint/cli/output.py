"""Small helpers for printing command results: JSON for scripts, readable text for people."""

from __future__ import annotations

import json
import sys


def print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=1, default=str))


def human_size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def progress_line(text: str) -> None:
    """A progress message on a terminal (stderr, so stdout stays clean for --json)."""
    if sys.stderr.isatty():
        print("\r" + text[:100].ljust(100), end="", file=sys.stderr, flush=True)
    else:
        print(text, file=sys.stderr)


def progress_done() -> None:
    if sys.stderr.isatty():
        print(file=sys.stderr)
