"""Home, the disk banner and the locked settings on a real X server at the two classroom sizes
(1024×768 projectors, 1366×768 laptops), photographed into test-artifacts/ for people to look at."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from teachpoint.library import teaching
from teachpoint.library.settings import set_it_pin
from teachpoint.testing.xvfb import XvfbError, app_env, xvfb_display
from uihelpers import build_library

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent.parent / "test-artifacts"


@pytest.mark.parametrize("size", ["1024x768", "1366x768"])
def test_home_banner_and_locked_settings_fit_the_screen(tmp_path, media, size):
    ws = build_library(tmp_path / "data", media)
    teaching.add_class(ws.catalogue, 3, "音乐", "人音版")
    teaching.add_class(ws.catalogue, 2, "语文", "统编版")  # 小马过河: not downloaded
    set_it_pin(ws.catalogue, "0427")
    ws.close()
    for kind in ("home", "disk-banner", "settings-locked"):
        (ARTIFACTS / f"{kind}-{size}.png").unlink(missing_ok=True)
    try:
        with xvfb_display(f"{size}x24") as display:
            proc = subprocess.run(
                [sys.executable, str(HERE / "home_states_scenario.py"), str(tmp_path / "data"),
                 str(ARTIFACTS), size], env=app_env(display), cwd=HERE, capture_output=True,
                text=True, timeout=300)
    except XvfbError as exc:
        pytest.skip(str(exc))
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert proc.returncode == 0 and line, proc.stdout[-3000:] + proc.stderr[-3000:]
    r = json.loads(line[len("RESULT "):])
    assert "error" not in r, (r.get("error"), r.get("traceback"))
    assert r["platform"] == "xcb" and r["step"] == "done"
    assert r["screen"] == [int(n) for n in size.split("x")]
    assert any("小雨沙沙" in t for t in r["cards"]) and r["card_buttons_on_screen"], r
    assert r["banner_hidden_at_first"]
    assert "磁盘空间不够" in r["banner_text"] and r["banner_on_screen"], r
    assert any("磁盘满了" in w for w in r["card_warnings"]), r
    assert r["guarded_hidden"] == [True] * 4 and "管理密码" in r["lock_text"], r
    assert r["display_enabled"] and r["window_on_screen"], r
    for kind in ("home", "disk-banner", "settings-locked"):
        assert (ARTIFACTS / f"{kind}-{size}.png").stat().st_size > 10_000
