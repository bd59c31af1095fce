"""``teachpoint preseed`` and a preseeded bundle, as IT staff use them (real subprocesses)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from teachpoint.paths import DataPaths
from teachpoint.site.config import ENV_SITE_CONFIG, FILE_NAME
from teachpoint.transport.sources import FolderSource
from teachpoint.workspace import Workspace

from helpers import assert_installed_lessons_play

DOCS = Path(__file__).resolve().parent.parent / "docs"
BUNDLE_CONFIG = """# 县里的安装包 / the county's bundle
language = "zh_CN"
lock = ["sources", "trust", "bandwidth"]

[[sources]]
name = "自带课程"
location = "content"

[[trust]]
key_file = "keys/county.pub"
repositories = ["county"]

[bandwidth]
limit_kbit = 2048
"""
# Runs TeachPoint as a frozen bundle would: sys.executable is the bundle's teachpoint program.
FAKE_FROZEN = ("import sys; sys.frozen = True; sys.executable = sys.argv[1]; "
               "from teachpoint.cli import main; sys.exit(main(sys.argv[2:]))")


def tp(*args, data=None, env=None, check=True, frozen_exe=None, user=None):
    base = [sys.executable, "-c", FAKE_FROZEN, str(frozen_exe)] if frozen_exe else \
        [sys.executable, "-m", "teachpoint"]
    cmd = base + (["--data-dir", str(data)] if data else []) + list(args)
    if user:
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"] + cmd
    full_env = {k: v for k, v in os.environ.items() if k != ENV_SITE_CONFIG}
    full_env.update(env or {})
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=full_env)
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


@pytest.fixture
def bundle(tmp_path, publisher_key, published_repo) -> Path:
    """A bundle folder: fake program, teachpoint-site.toml, keys/county.pub, content/."""
    folder = tmp_path / "TeachPoint"
    (folder / "keys").mkdir(parents=True)
    shutil.copy(publisher_key.with_suffix(".pub"), folder / "keys" / "county.pub")
    shutil.copytree(published_repo, folder / "content")
    (folder / FILE_NAME).write_text(BUNDLE_CONFIG, encoding="utf-8")
    return folder


def test_check_valid_and_invalid_files_changes_nothing(tmp_path, bundle):
    data = tmp_path / "never-created"
    ok = tp("preseed", "--check", str(bundle / FILE_NAME), data=data)
    assert ok.stdout.strip().endswith(f"{bundle / FILE_NAME}: OK")
    assert "sources: 自带课程 = " in ok.stdout and "locked: sources, trust, bandwidth" in ok.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('language = "zh_CN"\nbandwith = 256\n[[trust]]\nkey_file = "county.key"\n',
                   encoding="utf-8")
    before = bad.stat().st_mtime_ns
    proc = tp("preseed", "--check", str(bad), data=data, check=False)
    assert proc.returncode == 1
    assert "problem: line 2: unknown key 'bandwith' (did you mean 'bandwidth'?)" in proc.stdout
    assert "problem: line 4: public key file" in proc.stdout and "does not exist" in proc.stdout
    assert "2 problem(s)" in proc.stdout and "language: zh_CN" in proc.stdout
    as_json = json.loads(tp("preseed", "--check", str(bad), "--json", data=data,
                            check=False).stdout)
    assert as_json["ok"] is False and len(as_json["problems"]) == 2
    missing = tp("preseed", "--check", str(tmp_path / "nope.toml"), data=data, check=False)
    assert missing.returncode == 1 and "the file does not exist" in missing.stdout
    assert not data.exists() and bad.stat().st_mtime_ns == before


def test_shipped_example_checks_clean_in_a_bundle(tmp_path, bundle):
    shutil.copy(DOCS / "teachpoint-site.example.toml", bundle / FILE_NAME)
    proc = tp("preseed", "--check", str(bundle / FILE_NAME))
    assert proc.stdout.strip().endswith(": OK")


def test_preseeded_bundle_syncs_a_fresh_data_dir_with_no_other_command(tmp_path, bundle):
    """The bundle's program finds teachpoint-site.toml beside itself: source and key are set."""
    exe = bundle / "teachpoint"
    data = tmp_path / "fresh-data"
    listing = tp("preseed", frozen_exe=exe, data=data).stdout
    assert f"{bundle / FILE_NAME}  (found)" in listing
    run = tp("sync", "--once", frozen_exe=exe, data=data)
    assert "自带课程: updated" in run.stdout, run.stdout
    trusted = json.loads(tp("trust", "list", "--json", data=data).stdout)
    assert {t["name"]: t["repositories"] for t in trusted}["某某县资源中心"] == ["county"]
    ws = Workspace(DataPaths(data, explicit=True), apply_site=False)
    try:
        assert json.loads(ws.setting("site.locked")) == ["bandwidth", "sources", "trust"]
        assert_installed_lessons_play(ws, expect_at_least=3)
    finally:
        ws.close()


def test_a_locked_setting_changed_on_the_command_line_is_put_back(tmp_path, bundle):
    env = {ENV_SITE_CONFIG: str(bundle / FILE_NAME)}
    data = tmp_path / "data"
    changed = tp("bandwidth", "--limit-kbit", "99999", data=data, env=env).stdout
    assert "99999 kbit/s" in changed
    assert "default cap: 2048 kbit/s" in tp("bandwidth", data=data, env=env).stdout
    tp("source", "remove", "自带课程", data=data, env=env)
    assert "自带课程" in tp("source", "list", data=data, env=env).stdout
    applied = tp("preseed", "--apply", data=data, env=env).stdout
    assert "nothing to change" in applied and "locked: sources, trust, bandwidth" in applied


def test_apply_reports_problems_and_still_applies_the_rest(tmp_path, bundle):
    config = bundle / FILE_NAME
    config.write_text(BUNDLE_CONFIG + '\n[subscriptions]\ngrades = ["三年纪"]\n', encoding="utf-8")
    env = {ENV_SITE_CONFIG: str(config)}
    data = tmp_path / "data"
    proc = tp("preseed", "--apply", data=data, env=env, check=False)
    assert proc.returncode == 1
    assert "added source 自带课程" in proc.stdout and "trusted publisher" in proc.stdout
    assert f"problem: {config}: line 17: unknown grade '三年纪' (did you mean 三年级?)" in proc.stdout
    shown = tp("preseed", env=env, check=False)
    assert shown.returncode == 1 and "unknown grade" in shown.stdout


def test_read_only_data_dir_is_reported_not_a_crash(bundle, published_repo):
    """As an unprivileged user (root ignores permissions), on a data dir it cannot write."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root to switch to an unprivileged user")
    base = Path(tempfile.mkdtemp(prefix="tp-ro-site-"))
    try:
        data = base / "data"
        ws = Workspace(DataPaths(data, explicit=True), install_demo=False, apply_site=False)
        ws.trust.add(bundle / "keys" / "county.pub")
        ws.install(FolderSource(published_repo))
        ws.close()
        shutil.copytree(bundle, base / "bundle", ignore=shutil.ignore_patterns("content"))
        os.chmod(base, 0o755)
        for p in [data, *data.rglob("*"), base / "bundle", *(base / "bundle").rglob("*")]:
            os.chmod(p, 0o555 if p.is_dir() else 0o444)
        env = {ENV_SITE_CONFIG: str(base / "bundle" / FILE_NAME), "HOME": "/tmp"}
        proc = tp("preseed", "--apply", data=data, env=env, user=65534, check=False)
        assert proc.returncode == 1 and "read-only: the site configuration was not applied" \
            in proc.stdout, proc.stdout + proc.stderr
        status = json.loads(tp("status", "--json", data=data, env=env, user=65534).stdout)
        assert status["read_only"] and status["resources"]["installed"] >= 3
    finally:
        for p in [base, *base.rglob("*")]:
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        shutil.rmtree(base)
