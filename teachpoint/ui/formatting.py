"""Numbers for people: clock times, lesson lengths, disk sizes (translated units)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from teachpoint.library.model import STATE_DAMAGED, STATE_INSTALLED, STATE_NOT_DOWNLOADED

def format_clock(ms: int | float | None) -> str:
    """``83_000`` → ``"01:23"``; an hour or more → ``"1:02:03"``."""
    total = max(0, int((ms or 0) // 1000))
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes:02d}:{seconds:02d}"


def format_duration(seconds: float | None) -> str:
    """A lesson's length in words: ``"3 min 20 s"`` / ``"3分20秒"``; unknown → ``""``."""
    if seconds is None or seconds <= 0:
        return ""
    total = int(round(seconds))
    minutes, secs = divmod(total, 60)
    if minutes and secs:
        return QCoreApplication.translate("Formatting", "{m} min {s} s").format(m=minutes, s=secs)
    if minutes:
        return QCoreApplication.translate("Formatting", "{m} min").format(m=minutes)
    return QCoreApplication.translate("Formatting", "{s} s").format(s=secs)


def format_size(n: int) -> str:
    """Bytes as ``"512 KB"``, ``"3.4 MB"``, ``"1.2 GB"`` (powers of 1024, one decimal)."""
    n = max(0, int(n))
    if n >= 1 << 30:
        return QCoreApplication.translate("Formatting", "{n} GB").format(n=f"{n / (1 << 30):.1f}")
    if n >= 1 << 20:
        return QCoreApplication.translate("Formatting", "{n} MB").format(n=f"{n / (1 << 20):.1f}")
    return QCoreApplication.translate("Formatting", "{n} KB").format(n=f"{(n + 1023) // 1024}")


def state_text(state: str | None) -> str:
    """A resource's local state as the teacher reads it (installed → empty)."""
    if state == STATE_NOT_DOWNLOADED:
        return QCoreApplication.translate("Formatting", "Not downloaded")
    if state == STATE_DAMAGED:
        return QCoreApplication.translate("Formatting", "Damaged")
    if state == STATE_INSTALLED:
        return ""
    return QCoreApplication.translate("Formatting", "Unknown")
