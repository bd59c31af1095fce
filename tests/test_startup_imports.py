"""Start-up pays only for what it uses (issue 17): what each command imports, in a fresh interpreter.

No timing here (benchmarks/startup.py measures it); these tests pin the cause: a command does
not import the modules of other commands, pypinyin, requests or Qt.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HEAVY = ["pypinyin", "requests", "PySide6", "vlc", "teachpoint.cli.repo_cmds",
         "teachpoint.cli.sync_cmds", "teachpoint.transport.download", "teachpoint.publish.publisher"]
PROBE = """
import contextlib, io, json, sys
from teachpoint.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"code": code, "out": out.getvalue(), "loaded": sorted(sys.modules)}))
"""


def run_probe(tmp_path, *argv: str) -> dict:
    env = dict(os.environ, TEACHPOINT_DATA_DIR=str(tmp_path / "data"),
               TEACHPOINT_LOG_DIR=str(tmp_path / "logs"))
    env.pop("DISPLAY", None)
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("argv", [["--version"], ["status"], ["--data-dir", "{data}", "status"]])
def test_command_imports_only_what_it_uses(tmp_path, argv):
    argv = [a.format(data=tmp_path / "data") for a in argv]
    run_probe(tmp_path, "status")  # the first run installs the demo lessons (and indexes them)
    result = run_probe(tmp_path, *argv)
    assert result["code"] == 0
    loaded = set(result["loaded"])
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    if "status" in argv:
        assert "resources:" in result["out"] and "teachpoint.cli.library_cmds" in loaded


def test_search_loads_pypinyin_and_finds_the_demo(tmp_path):
    result = run_probe(tmp_path, "search", "xmgh")
    assert result["code"] == 0
    assert "pypinyin" in result["loaded"] and "requests" not in result["loaded"]


def test_help_lists_every_command(tmp_path):
    from teachpoint.cli import COMMAND_MODULES

    result = run_probe(tmp_path, "--help")
    assert result["code"] == 0
    for command in COMMAND_MODULES:
        assert f"    {command} " in result["out"], command


def test_the_main_window_does_not_load_what_only_a_command_uses():
    """The window's first paint must not wait for boto3 (~130 ms: county uploads and buckets);
    it came in through the 本校/审核 modules."""
    code = ("import json, sys; import teachpoint.ui.main_window; "
            "print(json.dumps(sorted(sys.modules)))")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert not loaded & {"boto3", "botocore", "teachpoint.publish.bucket", "teachpoint.transport.s3"}
