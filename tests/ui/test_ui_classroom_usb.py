"""A USB stick seen before does not pop its dialog over a lesson when it brings nothing new
(issue 13): its offer is looked at again while the teacher is busy, and nothing opens or waits."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from helpers import assert_installed_lessons_play
from teachpoint.ui.usb import UsbController
from usb_fixtures import make_versions, stick_of

TIMEOUT = 60_000


@pytest.fixture(scope="module")
def versions(tmp_path_factory, source_dir, publisher_key):
    return make_versions(tmp_path_factory.mktemp("usb-versions"), source_dir, publisher_key)


def test_a_stick_seen_before_with_nothing_new_stays_quiet_during_a_lesson(
        qtbot, qapp, tasks, workspace, tmp_path, versions):
    busy = {"playing": False}
    controller = UsbController(tasks, lambda: workspace, busy=lambda: busy["playing"],
                               list_volumes=lambda: [], interval_ms=50)
    try:
        stick = stick_of(tmp_path, versions[0])
        controller.watcher.watch_folder(stick)
        controller.start()
        qtbot.waitUntil(lambda: str(stick) in controller.dialogs, timeout=TIMEOUT)
        dialog = controller.dialogs[str(stick)]
        with qtbot.waitSignal(dialog.job_finished, timeout=TIMEOUT):
            qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        dialog.close()
        qtbot.waitUntil(lambda: controller.tasks.active == 0, timeout=TIMEOUT)

        busy["playing"] = True  # a full-screen lesson; the same stick is looked at again
        offers = []
        controller.watcher.offer_ready.connect(lambda path, offer: offers.append(offer))
        controller.watcher.inspect_again()
        qtbot.waitUntil(lambda: bool(offers), timeout=TIMEOUT)
        qtbot.wait(200)
        assert not offers[-1].brings_something  # everything on it is installed already
        assert not dialog.isVisible() and not controller.pending
        assert_installed_lessons_play(workspace, 3)
    finally:
        controller.stop()
        for d in controller.dialogs.values():
            d.close()
            d.deleteLater()
        tasks.wait(10_000)
