"""Real USB sticks for the USB UI tests: folders built by the project's own publish/export/inventory.

A "stick" here is a plain folder: the app treats a watched folder exactly like a mounted drive,
and everything on it is written by :func:`teachpoint.publish.publisher.publish`,
:func:`teachpoint.sneakernet.export.export` or :func:`teachpoint.sneakernet.inventory.write_inventory` from
real ffmpeg media (the conftest ``source_dir``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from helpers import make_versions  # noqa: F401 - the USB tests import it from here
from teachpoint.paths import DataPaths
from teachpoint.repo import keys
from teachpoint.workspace import Workspace



def quiet(*_):
    pass


def t(source: str, context: str = "UsbMessages") -> str:
    """A UI string as the running app shows it (Chinese once the translations are merged).

    The dialog's problem sentences live in :class:`teachpoint.ui.problems.ProblemTexts`.
    """
    shown = QCoreApplication.translate(context, source)
    return shown if shown != source else QCoreApplication.translate("ProblemTexts", source)


def open_ws(path: Path, publisher_key: Path) -> Workspace:
    """A fresh data directory (no demo) that trusts the test publisher."""
    ws = Workspace(DataPaths(path, explicit=True), install_demo=False)
    ws.trust.add(publisher_key.with_suffix(".pub"))
    return ws


def stick_of(tmp_path: Path, repo: Path, name: str = "U盘") -> Path:
    stick = tmp_path / name
    shutil.copytree(repo, stick)
    return stick


def resign(repo: Path, key_file: Path, **changes) -> None:
    """Re-sign a stick's root.json with another key (a stranger's stick)."""
    private = keys.load_private_key(key_file)
    payload = json.loads(json.loads((repo / "root.json").read_text("utf-8"))["payload"])
    payload.update(changes, key_id=keys.public_key_of(private).key_id)
    text = json.dumps(payload, ensure_ascii=False)
    envelope = {"payload": text, "signatures": [
        {"key_id": payload["key_id"], "sig": keys.sign(private, text.encode("utf-8"))}]}
    (repo / "root.json").write_text(json.dumps(envelope), encoding="utf-8")


def installed_titles(ws: Workspace) -> set[str]:
    return {r[0] for r in ws.catalogue.db.execute(
        "SELECT r.title FROM resources r JOIN resource_state s ON s.resource_id = r.id "
        "WHERE s.state = 'installed'")}


def subscribe(ws: Workspace, grades=(), subjects=()) -> None:
    ws.set_setting("sync.subscriptions", json.dumps({"grades": list(grades), "subjects": list(subjects)}))


def blobs_of(ws: Workspace, subject: str) -> set[str]:
    return {r[0] for r in ws.catalogue.db.execute(
        "SELECT f.sha256 FROM files f JOIN resources r ON r.id = f.resource_id "
        "JOIN lessons l ON l.id = r.lesson_id WHERE l.subject = ?", [subject])}


def stick_blobs(stick: Path, repo: str = "county") -> set[str]:
    return {p.name for p in (stick / repo / "blobs").rglob("*") if p.is_file()}
