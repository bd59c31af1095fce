"""Teachers' own lessons and the county's review on a real X server at 1024×768 (a classroom
projector), photographed into test-artifacts/ for people to look at: contribute-dialog.png,
contribute-added.png, contribute-refused.png, own-lessons.png,
own-rejected-details.png (school) and review.png,
review-rejected.png (county). The app runs contribute_xvfb_scenario.py in a subprocess on its own
Xvfb (one QApplication per process); the round trip before it is the real one (stick, collect,
accept/reject into a signed county repository, the school imports the decisions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from teachpoint import review
from teachpoint.contrib import add_contribution, list_contributions
from teachpoint.contrib.share import export_contributions
from teachpoint.paths import DataPaths
from teachpoint.sync.pipeline import import_repository
from teachpoint.testing import media as test_media
from teachpoint.testing.xvfb import XvfbError, app_env, xvfb_display
from teachpoint.transport.sources import FolderSource
from teachpoint.review.config import configure as configure_review
from teachpoint.workspace import Workspace

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent.parent / "test-artifacts"
SCREEN = "1024x768x24"
SHOTS = {"school": ("contribute-dialog.png", "contribute-added.png", "contribute-refused.png",
                    "own-lessons.png", "own-rejected-details.png"),
         "county": ("review.png", "review-rejected.png")}


@pytest.fixture
def round_trip(tmp_path, workspace, repo_copy, publisher_key):
    """A school with the county's lessons and three of its own: 小燕子 accepted, 劳动最光荣
    rejected with a reason (both decided at the county and imported back), 种太阳 waiting."""
    import_repository(workspace, FolderSource(repo_copy)).raise_problem()
    phone = tmp_path / "phone"
    made = {}
    for title, pattern in (("小燕子", "smptebars"), ("劳动最光荣", "testsrc2"), ("种太阳", "rgbtestsrc")):
        video = test_media.make_video(phone / f"{title}.mp4", 2.0, pattern=pattern)
        made[title] = add_contribution(workspace, [video], title=title, grade="三年级", subject="音乐",
                                       edition="人音版", volume="上册", teacher="王老师",
                                       share_name=title == "小燕子")
    export_contributions(workspace, tmp_path / "school-stick")
    db = tmp_path / "county" / "county.db"
    db.parent.mkdir()
    review.collect(db, [tmp_path / "school-stick"])
    ids = {e.contribution_id: e.id for e in review.list_entries(db)}
    key = publisher_key.with_suffix(".key")
    review.accept(db, ids[made["小燕子"].id], key, repo_copy, by="县资源中心 张")
    review.reject(db, ids[made["劳动最光荣"].id], "声音太小，听不清歌词", by="县资源中心 张",
                  key=key, out=repo_copy)
    import_repository(workspace, FolderSource(repo_copy)).raise_problem()
    states = {c.title: c.state_zh for c in list_contributions(workspace)}
    assert states == {"小燕子": "已通过", "劳动最光荣": "未通过", "种太阳": "待审核"}
    county = Workspace(DataPaths(tmp_path / "county-data", explicit=True), install_demo=False)
    configure_review(county, key, db, str(repo_copy))
    county.close()
    return {"school": tmp_path / "data", "county": tmp_path / "county-data"}


def run_scenario(mode: str, data_dir: Path, video: Path, broken: Path) -> dict:
    for name in SHOTS[mode]:
        (ARTIFACTS / name).unlink(missing_ok=True)  # only this run's pictures count
    try:
        with xvfb_display(SCREEN) as display:
            proc = subprocess.run(
                [sys.executable, str(HERE / "contribute_xvfb_scenario.py"), mode, str(data_dir),
                 str(ARTIFACTS), str(video), str(broken)],
                env=app_env(display), cwd=HERE, capture_output=True, text=True, timeout=300)
    except XvfbError as exc:
        pytest.skip(str(exc))
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert proc.returncode == 0 and line, proc.stdout[-3000:] + proc.stderr[-4000:]
    result = json.loads(line[len("RESULT "):])
    assert "error" not in result, (result.get("error"), result.get("traceback"), proc.stderr[-3000:])
    assert result["platform"] == "xcb" and result["step"] == "done"
    assert list(result["shots"]) == list(SHOTS[mode])
    return result


@pytest.mark.xvfb
def test_own_lessons_and_review_photographed_at_1024x768(tmp_path, round_trip, media, workspace):
    workspace.close()
    video = test_media.make_video(tmp_path / "phone" / "春天在哪里.mp4", 3.0, pattern="rgbtestsrc")
    school = run_scenario("school", round_trip["school"], video, media["broken"])
    assert "本校课程" in school["mark"] and "李老师" in school["mark"]
    assert school["tree_mark"] == "本校"
    assert "不是这台电脑能打开" in school["refused"]
    assert "未通过" in school["rejected_mark"] and "声音太小，听不清歌词" in school["rejected_mark"]
    assert sorted(school["states"]) == sorted(["待审核", "待审核", "已通过", "未通过"])
    for name in SHOTS["school"]:
        assert school[name]["fits"], (name, school[name])  # on the projector's screen, whole
    county = run_scenario("county", round_trip["county"], video, media["broken"])
    assert county["review_place"] and "没有重复" in county["checks"]
    assert "未通过" in county["review_message"]
    for name in SHOTS["county"]:
        assert county[name]["fits"], (name, county[name])
