"""Locating files shipped with TeachPoint (assets/), in a source checkout or a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def assets_dir() -> Path:
    """The ``assets`` folder: beside the package in a checkout, inside the bundle when frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "assets"
    return Path(__file__).resolve().parent.parent / "assets"


def demo_repository() -> Path:
    """The built-in demo channel: a signed repository."""
    return assets_dir() / "demo"


DEMO_REPOSITORY_ID = "teachpoint-demo"
DEMO_KEY_NAME = "TeachPoint demo channel"
