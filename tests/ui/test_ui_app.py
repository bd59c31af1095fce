"""``run_app`` end to end in a fresh interpreter (offscreen): window, language, demo channel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import json, sys
    from PySide6.QtCore import QTimer
    from teachpoint.paths import DataPaths
    from teachpoint.ui.app import create_application, run_app
    from teachpoint.ui.main_window import MainWindow

    app = create_application()
    seen = {"polls": 0, "states": []}

    def check():
        seen["polls"] += 1
        wins = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
        if wins:
            win = wins[0]
            seen["states"].append(win.pages.currentIndex())
            if win.tree_loaded and win.summary is not None or win.pages.currentIndex() == 1:
                seen.update(title=win.windowTitle(), status=win.status_label.text(),
                            lessons=win.library_pane.tree_model.lesson_count,
                            page=win.pages.currentIndex(), demo_error=win.ws and win.ws.demo_error,
                            problem=win.problem_detail.text())
                app.quit()
                return
        if seen["polls"] > 1200:  # bounded: about a minute
            app.exit(3)
            return
        QTimer.singleShot(50, check)

    QTimer.singleShot(0, check)
    code = run_app(DataPaths(__import__("pathlib").Path(sys.argv[1]), explicit=True))
    print("RESULT " + json.dumps(seen, ensure_ascii=False))
    sys.exit(code)
""")


def _run(tmp_path, lang=None):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TEACHPOINT_NO_AUDIO="1")
    env.pop("TEACHPOINT_LANG", None)
    if lang:
        env["TEACHPOINT_LANG"] = lang
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "data")], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def test_run_app_opens_the_library_in_chinese(tmp_path):
    result = _run(tmp_path)
    assert result["states"][0] == 0  # the "opening" page came first
    assert result["title"] == "TeachPoint 教学点课堂"
    assert result["page"] == 4, result  # 首页 (home)
    if result["demo_error"] is None:  # the built-in demo channel installed on first run
        assert result["lessons"] > 0
        assert "节课" in result["status"]


def test_run_app_in_english(tmp_path):
    result = _run(tmp_path, lang="en")
    assert result["title"] == "TeachPoint — classroom lessons"
