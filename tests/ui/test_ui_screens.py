"""Every main screen on a real X server, photographed for people to look at (test-artifacts/).

One run of the real app (``screens_scenario.py`` in a subprocess on its own Xvfb, like
test_ui_xvfb.py) walks what a teacher does on a 1366×768 laptop: first-run class picker, browse,
a lesson full screen with Chinese subtitles, a real sync from nginx on 127.0.0.1 (capped through
the ``sync.bandwidth`` setting, so 同步 is photographed mid-download), home, a USB stick (a folder
the drive watcher watches), settings, large text and English. Pictures are screen grabs
(``QScreen.grabWindow``), so video pixels are real.

The pictures, with stable names: first-run-classes.png, browse.png, player-subtitles.png,
sync.png, sync-done.png, home.png, usb.png, settings.png, settings-large-text.png,
home-large-text.png, english-home.png.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from helpers import write_csv
from teachpoint.sync.schedule import SETTING_BANDWIDTH
from teachpoint.publish.publisher import publish
from teachpoint.testing import media as test_media
from teachpoint.testing.nginx import NginxServer
from teachpoint.testing.xvfb import XvfbError, app_env, xvfb_display
from uihelpers import build_library, make_mp4

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent.parent / "test-artifacts"
SCREEN = "1366x768x24"  # the commonest school laptop / projector resolution
SUBTITLE = "小雨沙沙沙，种子说：我要发芽"
SYNC_ROWS = [  # what the county publishes over the network: four new lessons for "my classes"
    "音乐/三年级/劳动最光荣.mp4,劳动最光荣,三年级,音乐,人音版,上册,第三单元 劳动,1,,,,",
    "音乐/三年级/小红帽.mp4,小红帽,三年级,音乐,人音版,上册,第三单元 劳动,2,,,,",
    "语文/二年级/坐井观天.mp4,坐井观天,二年级,语文,统编版,上册,第五单元,12,,,,",
    "语文/二年级/寒号鸟.mp4,寒号鸟,二年级,语文,统编版,上册,第五单元,13,,,,",
]
STICK_ROWS = [  # what a colleague brings on a USB stick: three lessons
    "数学/四年级/亿以内数的认识.mp4,亿以内数的认识,四年级,数学,人教版,上册,第一单元 大数的认识,1,,,,",
    "数学/四年级/角的度量.mp4,角的度量,四年级,数学,人教版,上册,第三单元 角的度量,1,,,,",
    "数学/四年级/三位数乘两位数.mp4,三位数乘两位数,四年级,数学,人教版,上册,第四单元,1,,,,",
]
SHOTS = ("first-run-classes.png", "browse.png", "player-subtitles.png", "sync.png", "sync-done.png",
         "home.png", "usb.png", "settings.png", "settings-large-text.png", "home-large-text.png",
         "english-home.png")


def t(source: str, context: str) -> str:
    """A UI string as the app shows it in Chinese (the UI conftest installs zh_CN)."""
    return QCoreApplication.translate(context, source)


def publish_lessons(folder: Path, rows: list[str], key: Path, out: Path, name: str, title: str,
                    seconds: float, noisy: bool) -> Path:
    """Real ffmpeg lessons published into ``out`` by our own publisher (signed by ``key``)."""
    for i, row in enumerate(rows):
        if noisy:  # barely compresses: ~1 MB per lesson, so a capped download takes a while
            test_media.make_video(folder / row.split(",")[0], seconds, pattern="testsrc2",
                                  size="320x240", rate=25, audio=False, noise_seed=i + 1,
                                  bitrate="3M")
        else:
            test_media.make_video(folder / row.split(",")[0], seconds, pattern="smptebars")
    write_csv(folder, rows)
    publish(folder, key.with_suffix(".key"), out, name=name, title=title, progress=lambda *_: None)
    return out


def prepare_library(root: Path, tmp_path: Path, media: dict, publisher_key: Path) -> None:
    """The test library, with 小雨沙沙 as a 20 s red/green/blue-striped video (no white pixels,
    so white ones are the subtitle) and subtitles for its whole first minute."""
    video = make_mp4(tmp_path / "long" / "xiaoyu.mp4", seconds=20.0, source="rgbtestsrc")
    subtitle = tmp_path / "long" / "xiaoyu.zh.srt"
    subtitle.write_text(f"1\n00:00:00,000 --> 00:01:00,000\n{SUBTITLE}\n", encoding="utf-8")
    ws = build_library(root, dict(media, video=video, subtitle=subtitle))
    ws.trust.add(publisher_key.with_suffix(".pub"))
    ws.set_setting(SETTING_BANDWIDTH, json.dumps({"limit_kbit": 2400, "windows": []}))  # 300 KB/s
    ws.close()


@pytest.mark.xvfb
@pytest.mark.nginx
def test_main_screens_photographed_with_real_pixels(tmp_path, media, publisher_key):
    prepare_library(tmp_path / "data", tmp_path, media, publisher_key)
    www = tmp_path / "www"
    publish_lessons(tmp_path / "sync-src", SYNC_ROWS, publisher_key, www / "shiji", "shiji",
                    "市教育资源中心", 3.0, noisy=True)
    stick = publish_lessons(tmp_path / "stick-src", STICK_ROWS, publisher_key, tmp_path / "U盘",
                            "zhenxiao", "某某镇中心校", 1.0, noisy=False)
    for name in SHOTS:
        (ARTIFACTS / name).unlink(missing_ok=True)  # only this run's pictures count

    try:
        with NginxServer(www) as nginx, xvfb_display(SCREEN) as display:
            proc = subprocess.run(
                [sys.executable, str(HERE / "screens_scenario.py"), str(tmp_path / "data"),
                 str(ARTIFACTS), nginx.url + "/shiji/", str(stick)],
                env=app_env(display), cwd=HERE, capture_output=True, text=True, timeout=400)
    except XvfbError as exc:
        pytest.skip(str(exc))
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert proc.returncode == 0 and line, proc.stdout[-3000:] + proc.stderr[-4000:]
    r = json.loads(line[len("RESULT "):])
    assert "error" not in r, (r.get("error"), r.get("traceback"), proc.stderr[-3000:])
    (ARTIFACTS / "screens-result.json").write_text(json.dumps(r, ensure_ascii=False, indent=1),
                                                   encoding="utf-8")  # what each screen showed
    assert r["platform"] == "xcb" and r["step"] == "done"

    # first run: the class picker greets the teacher; then two classes are saved
    assert r["picker_title"] == t("Welcome! Which classes do you teach?", "ClassPicker")
    # browse: the lesson with its thumbnail
    assert r["browse_title"] == "小雨沙沙"
    # player: the video is lit, and the subtitle is bright text at the bottom only while it is on
    assert r["video_lit_share"] > 0.3, r
    assert r["subtitle_bright"] >= 150, r  # hundreds of white text pixels in the bottom band
    assert r["no_subtitle_bright"] * 5 < r["subtitle_bright"], r  # gone when switched off
    assert r["top_bright"] * 5 < r["subtitle_bright"], r  # and not an overall bright picture
    assert r["subtitles_switch_off"] and r["state_after_grabs"] == "playing", r
    assert r["back_to_library"]  # where the lesson was started
    # sync: photographed mid-download, then everything arrived and a new lesson plays
    before, after, bar_visible = r["sync_bar_at_shot"]
    assert bar_visible and 0 < before < 1000 and 0 < after < 1000, r["sync_bar_at_shot"]
    assert r["sync_file_rows"] >= 1 and "%" in r["sync_overall_text"], r
    assert len(r["sync_ready"]) == len(SYNC_ROWS) and not r["sync_problems"], r
    # home: two classes, 小雨沙沙 continues where it stopped, the new lessons listed
    titles = [title for title, _ in r["home_cards"]]
    assert len(titles) == 2 and any("小雨沙沙" in t for t in titles), r["home_cards"]
    assert any(resume for title, resume in r["home_cards"] if "小雨沙沙" in title), r["home_cards"]
    assert set(r["sync_ready"]) <= set(r["home_new"]), (r["home_new"], r["sync_ready"])
    assert r["played_synced"] and r["synced_lesson_plays"]
    # USB: the dialog is up and says how many new lessons the stick brings
    assert r["usb_new_lessons"] == len(STICK_ROWS) and r["usb_import_visible"], r
    assert str(len(STICK_ROWS)) in r["usb_text"], r
    found = t("USB stick found: {name}", "UsbDialog")
    assert r["usb_title"] == found.format(name=Path(stick).name), r
    # settings: large text ticked; English: the home page speaks English
    assert r["large_text_checked"]
    english = r["english"]
    assert english["home_title"] == "My classes" and english["home_button"] == "Home", english
    assert english["new_heading"].startswith("New lessons"), english
    for name in SHOTS:
        assert (ARTIFACTS / name).stat().st_size > 20_000, name  # a real picture, not a blank one

    # On a 1366×768 screen the whole window fits (the status line, and the player's controls
    # in full screen): no page may ask for more height than a classroom PC's screen has.
    too_tall = {k: v for k, v in r.items()
                if k.startswith("fit_") and v["window"][1] > v["screen"][1]}
    assert not too_tall, f"player controls end at y={r['controls_bottom']}"
