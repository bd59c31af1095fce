"""Shared fixtures: real media made with ffmpeg, a real publisher key, a real signed repository.

Helpers that tests import live in ``helpers.py`` (a module name of its own, unlike conftest)."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from teachpoint.paths import DataPaths
from teachpoint.repo import keys
from teachpoint.publish.publisher import publish
from teachpoint.workspace import Workspace

from helpers import ROWS, make_video, write_csv

# Logs of every teachpoint process the tests start stay in one temp folder, not in $HOME.
os.environ.setdefault("TEACHPOINT_LOG_DIR", tempfile.mkdtemp(prefix="teachpoint-test-logs-"))

# Test web servers run as www-data (teachpoint.testing.daemon) and must reach tmp_path. pytest
# makes /tmp/pytest-of-<user> 0700 again at the start of every session, which would cut off the
# servers of any other session running at the same time on this machine, so this checkout's
# sessions keep their temp folders under a root of their own.
os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", str(Path(tempfile.gettempdir()) / (
    "teachpoint-tests-" + hashlib.sha256(str(Path(__file__).resolve()).encode()).hexdigest()[:10])))
os.makedirs(os.environ["PYTEST_DEBUG_TEMPROOT"], exist_ok=True)


@pytest.fixture(scope="session")
def source_dir(tmp_path_factory) -> Path:
    """A publisher's source folder with Chinese names and a GB18030 catalogue.csv."""
    src = tmp_path_factory.mktemp("source") / "县资源中心"
    make_video(src / "音乐/三年级/小雨沙沙.mp4")
    (src / "音乐/三年级/小雨沙沙.zh.srt").write_text(
        "1\n00:00:00,000 --> 00:00:01,000\n小雨沙沙沙\n", encoding="utf-8")
    make_video(src / "语文/一年级/小马过河.mp4", colour="testsrc2")
    make_video(src / "数学/三年级/认识时间.mp4", colour="smptebars")
    write_csv(src, ROWS)
    return src


@pytest.fixture(scope="session")
def publisher_key(tmp_path_factory) -> Path:
    prefix = tmp_path_factory.mktemp("keys") / "county"
    keys.generate_keypair(prefix, name="某某县资源中心")
    return prefix


@pytest.fixture(scope="session")
def published_repo(tmp_path_factory, source_dir, publisher_key) -> Path:
    """A signed repository (version 1) published from ``source_dir``; copy it before changing it."""
    out = tmp_path_factory.mktemp("published") / "repo"
    publish(source_dir, publisher_key.with_suffix(".key"), out, name="county",
            title="某某县教学资源", progress=lambda *_: None)
    return out


@pytest.fixture
def repo_copy(tmp_path, published_repo) -> Path:
    target = tmp_path / "stick" / "repo"
    shutil.copytree(published_repo, target)
    return target


@pytest.fixture
def workspace(tmp_path, publisher_key):
    """A fresh data dir (no demo) that trusts the test publisher."""
    ws = Workspace(DataPaths(tmp_path / "data", explicit=True), install_demo=False)
    ws.trust.add(publisher_key.with_suffix(".pub"))
    yield ws
    ws.close()


