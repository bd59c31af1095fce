"""A repository published with defaults, hosted on ordinary servers as a county would (issue 12).

Real nginx, lighttpd and Apache on 127.0.0.1 run as an unprivileged account when the tests run as
root (``www-data`` like Debian's stock servers), real squid sits in front of nginx as a caching
proxy that ignores what the client asks for, and servers label ``.gz`` files (and blobs)
``Content-Encoding: gzip`` (nginx ``add_header``, Apache ``AddEncoding x-gzip .gz``).
Publishing and exporting happen under ``umask 077``: what they write must still be readable.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import time
from pathlib import Path

import pytest
import requests

from helpers import NEW_ROW, ROWS, assert_installed_lessons_play, make_video, write_csv
from teachpoint.publish.publisher import publish
from teachpoint.sneakernet.export import export, give_plan
from teachpoint.sync import engine as eng
from teachpoint.library.source_list import add_source, get_source
from teachpoint.testing.apache import ApacheServer
from teachpoint.testing.lighttpd import LighttpdServer
from teachpoint.testing.nginx import NginxServer
from teachpoint.testing.squid import SquidProxy
from teachpoint.transport.sources import FolderSource

pytestmark = pytest.mark.nginx
TIMEOUT = 15


@pytest.fixture
def strict_umask():
    """umask 077 for the test: a careful admin's shell, the case that made files 0600."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def publish_into(src: Path, repo: Path, publisher_key: Path) -> None:
    publish(src, publisher_key.with_suffix(".key"), repo, name="county", title="某某县教学资源",
            progress=lambda *_: None)


@pytest.fixture
def www(tmp_path, source_dir, publisher_key, strict_umask) -> Path:
    """``www/county``: version 1 published with defaults under umask 077."""
    src = tmp_path / "src"
    shutil.copytree(source_dir, src)
    www = tmp_path / "www"
    publish_into(src, www / "county", publisher_key)
    return www


def add_lesson_and_republish(www: Path, publisher_key: Path) -> None:
    """Version 2: the publisher adds 春晓 (:data:`helpers.NEW_ROW`) and publishes in place."""
    src = www.parent / "src"
    make_video(src / "音乐/三年级/春晓.mp4", colour="rgbtestsrc")
    write_csv(src, ROWS + [NEW_ROW])
    publish_into(src, www / "county", publisher_key)


def sync(ws, url: str) -> eng.SyncResult:
    if get_source(ws.catalogue, "county") is None:
        add_source(ws.catalogue, url, "county")
    return eng.SyncEngine(ws).sync_once()


def accepted_version(ws) -> int:
    return ws.catalogue.db.execute("SELECT version FROM repositories WHERE id = 'county'").fetchone()[0]


def modes(folder: Path) -> tuple[set[int], set[int]]:
    """(file modes, folder modes) of everything under ``folder``, the folder itself included."""
    files, dirs = set(), {stat.S_IMODE(folder.stat().st_mode)}
    for path in folder.rglob("*"):
        (dirs if path.is_dir() else files).add(stat.S_IMODE(path.stat().st_mode))
    return files, dirs


def worker_users(server) -> set[str]:
    """Accounts that the server's processes (its process group) run as."""
    pgid = server.pid
    users = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    users.add(pwd.getpwuid(entry.stat().st_uid).pw_name)
            except (OSError, KeyError):
                continue
    return users


def unprivileged_workers(server, wait_s: float = 10.0) -> set[str]:
    """The non-root accounts the server's processes run as, once its children are up (bounded)."""
    deadline = time.monotonic() + wait_s
    while not (users := worker_users(server) - {"root"}) and time.monotonic() < deadline:
        time.sleep(0.05)
    return users


# ---- permissions ------------------------------------------------------------------------------

def test_publish_and_export_write_world_readable_files_whatever_the_umask(www, tmp_path, workspace):
    files, dirs = modes(www / "county")
    assert files == {0o644} and dirs == {0o755}, "a web server's account must read every file"
    assert stat.S_IMODE(www.stat().st_mode) == 0o755
    workspace.install(FolderSource(www / "county"))
    stick = tmp_path / "stick"
    export(workspace, give_plan(workspace), stick)
    files, dirs = modes(stick)
    assert files == {0o644} and dirs == {0o755}
    assert (stick / "county" / "root.json").is_file()


def test_private_key_stays_private_under_a_loose_umask(tmp_path):
    from teachpoint.repo import keys
    old = os.umask(0)
    try:
        keys.generate_keypair(tmp_path / "k", name="县")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "k.key").stat().st_mode) == 0o600


# ---- ordinary web servers ---------------------------------------------------------------------

@pytest.mark.parametrize("server_cls", [NginxServer, LighttpdServer, ApacheServer],
                         ids=["nginx", "lighttpd", "apache"])
def test_fresh_publish_syncs_from_a_server_running_unprivileged(www, workspace, server_cls):
    with server_cls(www) as srv:
        if os.geteuid() == 0:
            assert unprivileged_workers(srv), f"{srv.name} serves as an unprivileged account"
            secret = www / "county" / "not-for-the-web.txt"
            secret.write_text("0600\n")  # the umask-077 file of the field report
            assert requests.get(srv.url + "/county/not-for-the-web.txt", timeout=TIMEOUT).status_code == 403
            secret.unlink()
        result = sync(workspace, srv.url + "/county/")
    assert result.outcome == eng.UPDATED, result
    assert workspace.catalogue.status()["resources"]["installed"] == 3
    assert_installed_lessons_play(workspace, 3)


GZIP_LABELLERS = {
    # nginx labels every .gz file and every blob (a bucket whose objects say ContentEncoding=gzip)
    "nginx-add_header": lambda www: NginxServer(www, label_encoding=r"(\.gz$|/blobs/)"),
    # Apache with the line many servers carry: AddEncoding x-gzip .gz
    "apache-AddEncoding": lambda www: ApacheServer(www, gzip_encoding=True),
}


@pytest.mark.parametrize("labeller", sorted(GZIP_LABELLERS))
def test_metadata_and_blobs_labelled_gzip_are_read_raw(www, workspace, publisher_key, labeller):
    """The server says ``Content-Encoding: gzip`` for bytes that are the file; they are read raw."""
    workspace.install(FolderSource(www / "county"))  # something installed that must keep playing
    add_lesson_and_republish(www, publisher_key)
    with GZIP_LABELLERS[labeller](www) as srv:
        node = next((www / "county" / "meta").iterdir()).name
        head = requests.get(f"{srv.url}/county/meta/{node}", stream=True, timeout=TIMEOUT)
        assert head.headers.get("Content-Encoding") in ("gzip", "x-gzip")
        head.close()
        result = sync(workspace, srv.url + "/county/")
    assert result.outcome == eng.UPDATED, result
    assert accepted_version(workspace) == 2
    assert workspace.catalogue.status()["resources"]["installed"] == 4
    assert_installed_lessons_play(workspace, 4)


# ---- a caching proxy that ignores the client ------------------------------------------------

def test_republish_is_seen_through_a_cache_that_ignores_no_cache(www, workspace, publisher_key,
                                                                  monkeypatch):
    with NginxServer(www) as srv, SquidProxy(hostile=True) as squid:
        for name in ("no_proxy", "NO_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("http_proxy", squid.url)
        if os.geteuid() == 0:
            assert worker_users(squid) == {"proxy"}, "squid runs as Debian's proxy account"
        root_url = srv.url + "/county/root.json"
        assert sync(workspace, srv.url + "/county/").outcome == eng.UPDATED
        assert accepted_version(workspace) == 1
        stale = requests.get(root_url, timeout=TIMEOUT)  # through squid: now cached

        add_lesson_and_republish(www, publisher_key)
        # The proxy really is hostile: asked politely, it still answers with the old root.
        again = requests.get(root_url, headers={"Cache-Control": "no-cache", "Pragma": "no-cache"},
                             timeout=TIMEOUT)
        assert again.content == stale.content != (www / "county" / "root.json").read_bytes()
        assert any("/county/root.json " in line for line in squid.hits(expect="/county/root.json "))

        result = sync(workspace, srv.url + "/county/")
        assert result.outcome == eng.UPDATED, result
        assert accepted_version(workspace) == 2
        hits = squid.hits()
    assert workspace.catalogue.status()["resources"]["installed"] == 4
    assert_installed_lessons_play(workspace, 4)
    assert not any("root.json?" in line for line in hits), "the root never comes from the cache"
