"""The sync commands as IT staff run them (subprocesses, real nginx on 127.0.0.1)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from teachpoint.testing.nginx import NginxServer

pytestmark = pytest.mark.nginx


def tp(data, *args, check=True, timeout=300):
    proc = subprocess.run([sys.executable, "-m", "teachpoint", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=timeout)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_source_bandwidth_subscribe_commands(tmp_path):
    data = tmp_path / "data"
    tp(data, "source", "add", "http://127.0.0.1:9/县/", "--name", "县服务器")
    listed = json.loads(tp(data, "source", "list", "--json").stdout)
    assert listed[0]["name"] == "县服务器" and listed[0]["location"].endswith("/")
    bad = tp(data, "source", "add", "ftp://nowhere/", check=False)
    assert bad.returncode == 2 and bad.stderr.startswith("error: ")
    out = tp(data, "bandwidth", "--limit-kbit", "512", "--window", "mon-fri 08:00-17:00 256").stdout
    assert "512 kbit/s" in out and "mon,tue,wed,thu,fri 08:00-17:00 256" in out
    bad = tp(data, "bandwidth", "--window", "weekdays 8-5", check=False)
    assert bad.returncode == 2 and "bad time window" in bad.stderr
    assert "grades: 3, 7; subjects: 音乐" in tp(data, "subscribe", "--grade", "三年级", "--grade", "初一",
                                                "--subject", "音乐").stdout
    assert "everything" in tp(data, "subscribe", "--all").stdout
    tp(data, "source", "remove", "县服务器")
    assert "(no sources)" in tp(data, "source", "list").stdout


def test_sync_once_exit_codes_and_json_progress(tmp_path, published_repo, publisher_key):
    data = tmp_path / "data"
    tp(data, "trust", "add", str(publisher_key.with_suffix(".pub")))
    tp(data, "source", "add", "http://127.0.0.1:9/county/", "--name", "gone")
    offline = tp(data, "sync", "--once", check=False)
    assert offline.returncode == 3 and "offline" in offline.stdout
    tp(data, "source", "remove", "gone")
    with NginxServer(published_repo.parent) as nginx:
        tp(data, "source", "add", nginx.url + "/repo/", "--name", "county")
        run = tp(data, "sync", "--once", "--json-progress")
        events = [json.loads(line) for line in run.stdout.splitlines()]
        assert events[-1] == {"event": "done", "outcome": "updated"}
        assert any(e["event"] == "progress" for e in events)
        again = tp(data, "sync", "--once")
        assert "up to date" in again.stdout
        human = tmp_path / "data2"  # the same sync as a person sees it on a terminal
        tp(human, "trust", "add", str(publisher_key.with_suffix(".pub")))
        tp(human, "source", "add", nginx.url + "/repo/", "--name", "county")
        printed = tp(human, "sync", "--once").stdout
        assert "ready to play: 小雨沙沙" in printed and "county: updated" in printed
    status = json.loads(tp(data, "status", "--json").stdout)
    assert status["resources"]["not_downloaded"] == 0 and status["resources"]["installed"] >= 11


def test_service_stops_cleanly_on_sigterm(tmp_path):
    data = tmp_path / "data"
    tp(data, "source", "add", "http://127.0.0.1:9/county/", "--name", "gone")
    proc = subprocess.Popen([sys.executable, "-m", "teachpoint", "--data-dir", str(data), "sync"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # wait until it has tried the (offline) source once
            listed = json.loads(tp(data, "source", "list", "--json").stdout)
            if listed[0]["last_attempt"]:
                break
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "sync service stopped" in err
