"""Where TeachPoint keeps its files.

The data directory holds the catalogue, the content store and settings. It comes from, in order:
``--data-dir`` on the command line, the ``TEACHPOINT_DATA_DIR`` environment variable, or the
platformdirs user data directory. Logs go to the platformdirs user log directory, or to
``TEACHPOINT_LOG_DIR`` when that is set (tests use it to keep the home folder clean).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from teachpoint.errors import DataDirError

APP_NAME = "TeachPoint"
ENV_DATA_DIR = "TEACHPOINT_DATA_DIR"
ENV_LOG_DIR = "TEACHPOINT_LOG_DIR"


@dataclass(frozen=True)
class DataPaths:
    """All paths derived from one data directory."""

    root: Path
    explicit: bool = False

    @property
    def catalogue(self) -> Path:
        return self.root / "catalogue.sqlite"

    @property
    def store(self) -> Path:
        return self.root / "store"

    @property
    def metadata(self) -> Path:
        """Verified repository metadata kept for incremental updates."""
        return self.root / "metadata"

    @property
    def trust(self) -> Path:
        return self.root / "trusted-keys"

    @property
    def logs(self) -> Path:
        override = os.environ.get(ENV_LOG_DIR)
        if override:
            return Path(override)
        return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))

    def ensure(self) -> "DataPaths":
        """Create the data directory (and store) or raise :class:`DataDirError`."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self.store.mkdir(exist_ok=True)
        except OSError as exc:
            raise DataDirError(f"cannot create data directory {self.root}: {exc.strerror or exc}") from exc
        return self


def resolve_data_dir(cli_value: str | os.PathLike | None = None) -> DataPaths:
    """Pick the data directory from the command line, the environment or platformdirs."""
    if cli_value:
        return DataPaths(Path(cli_value).expanduser().resolve(), explicit=True)
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return DataPaths(Path(env).expanduser().resolve(), explicit=True)
    return DataPaths(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))
