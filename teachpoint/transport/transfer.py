"""What every transport reports while it brings files into the store, and when it is done.

The files to bring are given as objects with ``sha256`` and ``size`` (the pipeline passes
:class:`teachpoint.sync.priority.WantedBlob`, most wanted first). A folder copy (stick, inbox,
mirror) and an HTTP download report the same
:class:`TransferProgress` and return the same :class:`TransferResult`, so the pipeline, the
command line and the app never care which transport moved the bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TransferProgress:
    repository: str
    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    speed_bps: float  # bytes/s
    eta_s: float | None
    streams: int = 1  # connections in use (HTTP); 1 for a folder
    current: str = ""  # sha256 of a file in flight
    in_flight: dict = field(default_factory=dict)  # sha256 -> bytes already there, files in flight


@dataclass
class TransferResult:
    files_copied: int = 0  # verified and stored
    bytes_copied: int = 0
    files_missing: int = 0  # wanted, but not on the source (a mirror may hold only some)
    files_unreadable: int = 0  # on the source but reading failed (stick pulled out?)
    rejected: list[str] = field(default_factory=list)  # sha256 of files with the wrong content
    problems: list[Exception] = field(default_factory=list)  # typed, one per file that failed
    source_lost: bool = False  # the source disappeared part way (stick removed)
    cancelled: bool = False
    # What it cost on the wire (HTTP sources; a folder copy reads exactly what it stores):
    bytes_received: int = 0  # body bytes read, including re-fetches
    bytes_wasted: int = 0  # received but not kept (Range ignored, a failed hash, had it already)
    streams_max: int = 0  # the most parallel streams the downloader ran
    seconds: float = 0.0  # time spent bringing the files

    def add(self, other: "TransferResult") -> None:
        """Fold another result (of the same import) into this one."""
        self.files_copied += other.files_copied
        self.bytes_copied += other.bytes_copied
        self.files_missing += other.files_missing
        self.files_unreadable += other.files_unreadable
        self.rejected += other.rejected
        self.problems += other.problems
        self.source_lost |= other.source_lost
        self.cancelled |= other.cancelled
        self.bytes_received += other.bytes_received
        self.bytes_wasted += other.bytes_wasted
        self.streams_max = max(self.streams_max, other.streams_max)
        self.seconds += other.seconds
