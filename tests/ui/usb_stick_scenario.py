"""Run the USB dialog against a real mounted stick (a tmpfs in a private mount namespace).

Started by tests/ui/test_ui_usb_mounts.py inside ``unshare --user --map-root-user --mount`` after
a shell has mounted the stick (full-size or tiny, read-only or not). Usage::

    python usb_stick_scenario.py DATA_DIR STICK ACTION OUT.json

ACTION is ``export`` (press 拷贝 for the stick's first inventory) or ``look`` (only describe
what the dialog shows). Writes what the dialog showed to OUT.json.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from teachpoint.paths import DataPaths  # noqa: E402
from teachpoint.ui import i18n  # noqa: E402
from teachpoint.ui.tasks import TaskManager  # noqa: E402
from teachpoint.ui.usb import UsbDialog, inspect_drive  # noqa: E402
from teachpoint.workspace import Workspace  # noqa: E402

TIMEOUT_MS = 60_000


def main(data_dir: str, stick: str, action: str, out: str) -> int:
    app = QApplication([])
    i18n.install_translators(app, "zh_CN")
    tasks = TaskManager()
    ws = Workspace(DataPaths(Path(data_dir), explicit=True), install_demo=False)
    dialog = UsbDialog(tasks, ws, inspect_drive(ws, stick))
    dialog.show()
    result = {"rows": [label.text() for label, _ in dialog.give_rows],
              "buttons": {f: b.isEnabled() for f, b in dialog.give_buttons().items()},
              "fits": [i.fits for i in dialog.offer.inventories],
              "needed": [i.bytes_needed for i in dialog.offer.inventories]}
    if action == "export":
        finished = []
        loop = QEventLoop()
        dialog.job_finished.connect(lambda job, ok: (finished.append([job, ok]), loop.quit()))
        QTimer.singleShot(TIMEOUT_MS, loop.quit)
        dialog.start_export(dialog.offer.inventories[0].file)
        loop.exec()
        tasks.wait(TIMEOUT_MS)
        result.update(finished=finished, message=dialog.result.text(),
                      leftovers=[str(p) for p in Path(stick).rglob("*.tmp")])
    Path(out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
