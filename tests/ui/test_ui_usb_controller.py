"""UsbController: a stick that appears opens its dialog (or waits while the teacher is busy),
an import through it refreshes the library, and an empty stick can be opened by hand."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt

from helpers import assert_installed_lessons_play
from teachpoint.ui.usb import UsbController
from usb_fixtures import make_versions, stick_of, t

TIMEOUT = 60_000


@pytest.fixture(scope="module")
def versions(tmp_path_factory, source_dir, publisher_key):
    return make_versions(tmp_path_factory.mktemp("usb-versions"), source_dir, publisher_key)


@pytest.fixture
def busy():
    return {"playing": False}


@pytest.fixture
def controller(qapp, tasks, workspace, busy):
    c = UsbController(tasks, lambda: workspace, busy=lambda: busy["playing"], list_volumes=lambda: [],
                      interval_ms=50)
    yield c
    c.stop()
    for dialog in c.dialogs.values():
        dialog.close()
        dialog.deleteLater()
    tasks.wait(10_000)


def test_a_stick_opens_its_dialog_and_the_import_refreshes_the_library(qtbot, tmp_path, versions,
                                                                      controller, workspace):
    stick = stick_of(tmp_path, versions[0])
    refreshed = []
    controller.library_changed.connect(lambda: refreshed.append(True))
    controller.watcher.watch_folder(stick)
    controller.start()
    qtbot.waitUntil(lambda: str(stick) in controller.dialogs, timeout=TIMEOUT)
    dialog = controller.dialogs[str(stick)]
    assert dialog.isVisible() and dialog.offer.brings_something
    with qtbot.waitSignal(dialog.job_finished, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert refreshed
    qtbot.waitUntil(lambda: controller.tasks.active == 0, timeout=TIMEOUT)

    shutil.rmtree(stick)  # the teacher pulls the stick out: the dialog says so, after the finish message
    qtbot.waitUntil(lambda: not dialog.import_button.isEnabled() and
                    dialog.result.text().endswith(t("The USB stick was removed.")), timeout=10_000)
    assert t("You can safely remove the USB stick.") in dialog.result.text()
    assert_installed_lessons_play(workspace, 3)


def test_offers_wait_while_the_teacher_is_busy(qtbot, tmp_path, versions, controller, busy):
    busy["playing"] = True
    stick = stick_of(tmp_path, versions[0])
    counts = []
    controller.pending_changed.connect(counts.append)
    controller.watcher.watch_folder(stick)
    controller.start()
    qtbot.waitUntil(lambda: counts == [1], timeout=TIMEOUT)
    assert not controller.dialogs
    busy["playing"] = False
    controller.open_pending()
    assert counts == [1, 0] and controller.dialogs[str(stick)].isVisible()


def test_an_empty_stick_is_not_offered_but_opens_by_hand(qtbot, tmp_path, controller, workspace):
    stick = tmp_path / "空U盘"
    stick.mkdir()
    controller.watcher.watch_folder(stick)
    controller.start()
    qtbot.waitUntil(lambda: controller.tasks.active == 0 and controller.watcher.drives() == [str(stick)],
                    timeout=TIMEOUT)
    assert not controller.dialogs
    assert controller.open_drive()
    qtbot.waitUntil(lambda: str(stick) in controller.dialogs, timeout=TIMEOUT)
    dialog = controller.dialogs[str(stick)]
    assert not dialog.import_box.isVisible() and dialog.own_button.isEnabled()
    with qtbot.waitSignal(dialog.job_finished, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.own_button, Qt.MouseButton.LeftButton)
    assert (stick / "_inventories" / f"{workspace.setting('pc_id')}.json").is_file()
