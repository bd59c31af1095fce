"""Real pixels on Xvfb (1024×768, a classroom projector) for the courseware of issue 13.

The GBK lesson's subtitle blob is rewritten in GBK, as a repository published before the
publisher converted subtitles would have it; the player must show exactly what the UTF-8 lesson
shows, and the same file handed to libvlc untouched must not (that is the mojibake).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from courseware_library import install_courseware, publish_courseware, rid_of
from teachpoint.publish import office
from teachpoint.testing import courseware_media as cm
from teachpoint.testing import xvfb

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent.parent / "test-artifacts"


@pytest.mark.xvfb
@pytest.mark.skipif(shutil.which("Xvfb") is None or office.office_program() is None,
                    reason="needs Xvfb and LibreOffice")
def test_gbk_subtitles_rmvb_and_pptx_on_a_real_screen(tmp_path):
    repo, key = publish_courseware(tmp_path / "publish")
    ws = install_courseware(tmp_path / "data", repo, key)
    ids = {name: rid_of(ws, name) for name in ("utf8", "gbk", "rmvb", "pal", "pptx")}
    sub = next(f for f in ws.catalogue.resource(ids["gbk"]).files if f.role == "subtitle")
    blob = ws.store.path_of(sub.sha256)
    os.chmod(blob, 0o644)
    blob.write_bytes(cm.subtitle_text().encode("gbk"))  # published before conversion existed
    ws.close()
    with xvfb.xvfb_display("1024x768x24") as display:
        proc = subprocess.run(
            [sys.executable, str(HERE / "courseware_xvfb_scenario.py"), str(tmp_path / "data"),
             str(ARTIFACTS), json.dumps(ids)],
            env=xvfb.app_env(display), cwd=HERE, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-4000:]
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert line, proc.stdout[-2000:] + proc.stderr[-2000:]
    result = json.loads(line[len("RESULT "):])
    print("courseware on Xvfb:", json.dumps(result, ensure_ascii=False))  # the figures, for the log

    assert result["platform"] == "xcb" and result["opened"] and result["same_size"]
    assert result["subtitle_points"] > 150, result  # the UTF-8 subtitle is on the screen
    assert result["gbk_vs_utf8"] < 0.05, result  # converted GBK: the same characters
    assert result["raw_vs_utf8"] > 0.3, result  # unconverted GBK: other glyphs (mojibake)
    assert result["rmvb_playing"] and result["rmvb_mode"] == "window", result
    assert result["rmvb_lit_share"] > 0.3, result
    square_w, square_h = result["pal_square"]
    assert square_h > 100 and abs(square_w - square_h) <= 0.03 * square_h, result  # 1.25:1 → 6 % narrow
    picture_w, picture_h = result["pal_picture"]
    assert abs(picture_w / picture_h - 4 / 3) < 0.03, result
    assert result["pptx_state_ok"] and result["pptx_pages"] == 2 and result["pptx_red"] > 50, result
    assert result["pptx_fullscreen"] and result["left_fullscreen"], result
    for name in ("courseware-subtitles-utf8.png", "courseware-subtitles-gbk.png",
                 "courseware-subtitles-gbk-unconverted.png", "courseware-rmvb.png", "courseware-pal-4x3-window.png",
                 "courseware-pptx-in-app.png", "courseware-pptx-fullscreen.png"):
        assert (ARTIFACTS / name).stat().st_size > 3_000, name
