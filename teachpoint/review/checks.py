"""What ``review show ID`` checks for the reviewer: per file its duration, resolution, bitrate and
fit to the county profile (ffprobe), each subtitle's encoding, and duplicates by content hash
against the other queue entries and the county repository."""

from __future__ import annotations

from pathlib import Path

from teachpoint.errors import RepositoryError
from teachpoint.library import review_queue
from teachpoint.library.subtitles import MAX_SUBTITLE_BYTES, SubtitleError, decode_subtitle
from teachpoint.publish import media
from teachpoint.repo.format import ROOT_NAME, parse_pin
from teachpoint.repo.node_reader import NodeReader
from teachpoint.repo.tree import diff_trees
from teachpoint.repo.untrusted import peek_payload
from teachpoint.review.transcode import Profile, bitrate_of, misfits
from teachpoint.transport.sources import FolderSource


def entry_checks(conn, store, entry, county_repo: Path | None = None,
                 profile: Profile = Profile()) -> dict:
    """The checks of one entry as a JSON-ready dict (``files``, ``duplicates``)."""
    files = []
    for res in entry.resources:
        for f in res.files:
            if f.role == "main":
                files.append(_main_check(store, res, f, profile))
            elif f.role == "subtitle":
                files.append(_subtitle_check(store, f))
    return {"files": files, "duplicates": _duplicates(conn, entry, county_repo)}


def _main_check(store, res, f, profile: Profile) -> dict:
    out = {"role": "main", "name": f.name, "kind": res.kind, "size": f.size, "sha256": f.sha256}
    if res.kind not in ("video", "audio"):
        return out
    path = store.path_of(f.sha256)
    try:
        info = media.probe(path)
    except media.MediaError as exc:
        return {**out, "problem": str(exc)}
    rate = bitrate_of(path, info)
    out.update(duration=info.duration, width=info.width, height=info.height,
               video_codec=info.video_codec, audio_codec=info.audio_codec, bitrate=rate)
    if res.kind == "video":
        out["transcode"] = misfits(path, info, profile)
    return out


def _subtitle_check(store, f) -> dict:
    out = {"role": "subtitle", "name": f.name, "size": f.size, "language": f.language}
    try:
        with open(store.path_of(f.sha256), "rb") as fh:
            _, encoding = decode_subtitle(fh.read(MAX_SUBTITLE_BYTES + 1))
        out["encoding"] = encoding
    except (SubtitleError, OSError) as exc:
        out["problem"] = str(exc)
    return out


def _duplicates(conn, entry, county_repo: Path | None) -> dict:
    """Other entries and county resources with the same main file (by SHA-256)."""
    shas = {r.main.sha256 for r in entry.resources if r.main}
    queue = sorted({i for sha in shas for i in review_queue.same_content(conn, sha, entry.id)})
    county = sorted(rid for rid, sha in county_mains(county_repo).items() if sha in shas) \
        if county_repo else []
    return {"queue": queue, "county": county}


def county_mains(repo: Path) -> dict[str, str]:
    """Resource id → main file SHA-256 of a county repository folder (nodes checked against
    their pins; the root is only read, the reviewer's own repository)."""
    root = peek_payload(FolderSource(repo).read_root()) if (Path(repo) / ROOT_NAME).is_file() else {}
    grades = root.get("grades") if isinstance(root.get("grades"), dict) else {}
    try:
        pins = {int(g): parse_pin(p) for g, p in grades.items()}
        found = diff_trees(None, pins, NodeReader(source=FolderSource(repo), keep=False)).upserts
    except (RepositoryError, ValueError):
        return {}
    return {r.rid: r.main.sha256 for r in found if r.main}
