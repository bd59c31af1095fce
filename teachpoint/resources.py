"""Locating files shipped with TeachPoint (assets/), in a source checkout or a PyInstaller bundle."""

from __future__ import annotations

import os
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


def use_bundled_libvlc() -> None:
    """In a PyInstaller bundle, point python-vlc at the bundled libvlc and its plugin folder.

    PyInstaller copies libvlc but cannot know about VLC's plugins; pyinstaller.spec adds them as
    ``vlc/plugins`` (DESIGN §6). Without this the player fails at run time on a PC without VLC.
    Call it before ``import vlc``; outside a bundle it does nothing. (Only environment variables:
    this module imports neither Qt nor vlc.)
    """
    bundle = getattr(sys, "_MEIPASS", None)
    if not bundle:
        return
    lib = "libvlc.dll" if sys.platform.startswith("win") else "libvlc.so.5"
    if os.path.exists(os.path.join(bundle, lib)):
        os.environ.setdefault("PYTHON_VLC_LIB_PATH", os.path.join(bundle, lib))
    plugins = os.path.join(bundle, "vlc", "plugins")
    if os.path.isdir(plugins):
        os.environ.setdefault("VLC_PLUGIN_PATH", plugins)
        os.environ.setdefault("PYTHON_VLC_MODULE_PATH", plugins)
