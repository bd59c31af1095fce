"""USB sticks in the app: the drive watcher, the 发现U盘 dialog, importing and copying for others.

Sticks are real folders written by the project's own publish/export/inventory functions from real
ffmpeg media (tests/ui/usb_fixtures.py); a watched folder stands in for a mounted drive. Jobs run
through the real TaskManager; a worker hook (called in the worker) pulls a stick out or holds a
copy at a known moment, as the core stick tests do with their progress callbacks.
"""

from __future__ import annotations

import shutil
import threading

import pytest
from PySide6.QtCore import QStorageInfo, Qt

from helpers import assert_installed_lessons_play
from teachpoint.sneakernet.export import export, give_plan
from teachpoint.sneakernet.inventory import write_inventory
from teachpoint.transport.sources import FolderSource
from teachpoint.sneakernet.stick import import_stick
from teachpoint.ui.formatting import format_size
from teachpoint.ui.usb import DriveWatcher, UsbDialog, inspect_drive, looks_removable, removable_volumes
from usb_fixtures import (
    blobs_of, installed_titles, make_versions, open_ws, resign, stick_blobs, stick_of, subscribe, t)

JOB_TIMEOUT = 60_000


@pytest.fixture(scope="module")
def versions(tmp_path_factory, source_dir, publisher_key):
    return make_versions(tmp_path_factory.mktemp("usb-versions"), source_dir, publisher_key)


@pytest.fixture
def watcher(qapp, tasks, workspace):
    w = DriveWatcher(tasks, lambda: workspace, list_volumes=lambda: [], interval_ms=50)
    yield w
    w.stop()
    tasks.wait(10_000)


def dialog_for(qtbot, tasks, ws, stick) -> UsbDialog:
    dialog = UsbDialog(tasks, ws, inspect_drive(ws, stick))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def run_job(qtbot, dialog: UsbDialog, button) -> tuple[str, bool]:
    with qtbot.waitSignal(dialog.job_finished, timeout=JOB_TIMEOUT) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.tasks.active == 0, timeout=JOB_TIMEOUT)  # the refresh too
    return tuple(blocker.args)


# ---- which drives are sticks ---------------------------------------------------------------------


@pytest.mark.parametrize("mount, fs, device, platform, expected", [
    ("/", "ext4", "/dev/sda1", "linux", False),
    ("/boot", "ext4", "/dev/sda2", "linux", False),
    ("/boot/efi", "vfat", "/dev/sda1", "linux", False),
    ("/home", "ext4", "/dev/sda3", "linux", False),
    ("/proc", "proc", "proc", "linux", False),
    ("/run/user/1000", "tmpfs", "tmpfs", "linux", False),
    ("/snap/core22/1380", "squashfs", "/dev/loop3", "linux", False),
    ("/media/teacher/snapimage", "squashfs", "/dev/loop7", "linux", False),
    ("/mnt/sandboxing/tools", "tmpfs", "none", "linux", False),
    ("/run/media/teacher/gvfs", "fuse.gvfsd-fuse", "gvfsd-fuse", "linux", False),
    ("/mnt/share", "nfs", "server:/export", "linux", False),
    ("/media", "vfat", "/dev/sdb1", "linux", False),
    ("/media/teacher/KINGSTON", "vfat", "/dev/sdb1", "linux", True),
    ("/run/media/teacher/U盘", "exfat", "/dev/sdc1", "linux", True),
    ("/media/teacher/Data", "fuseblk", "/dev/sdb2", "linux", True),
    ("/mnt/usb", "vfat", "/dev/sdb1", "linux", True),
    ("/mnt", "vfat", "/dev/sdb1", "linux", True),
    ("C:/", "NTFS", "\\\\?\\Volume{1234}\\", "win32", False),
    ("E:/", "FAT32", "\\\\?\\Volume{5678}\\", "win32", True),
    ("D:/", "NTFS", "\\\\?\\Volume{9abc}\\", "win32", True),
    ("//server/share", "NTFS", "", "win32", False),
    ("/", "apfs", "/dev/disk1s1", "darwin", False),
    ("/System/Volumes/Data", "apfs", "/dev/disk1s2", "darwin", False),
    ("/Volumes/KINGSTON", "msdos", "/dev/disk2s1", "darwin", True),
])
def test_drive_filter_on_sample_mounts(mount, fs, device, platform, expected):
    assert looks_removable(mount, fs, device, platform=platform, system_drive="C:") is expected


def test_drive_filter_on_this_machine(qapp):
    volumes = removable_volumes()
    root = QStorageInfo.root()
    assert root.rootPath() not in {v.path for v in volumes}
    assert not looks_removable(root.rootPath(), bytes(root.fileSystemType()).decode(),
                               bytes(root.device()).decode())
    for info in QStorageInfo.mountedVolumes():
        fs = bytes(info.fileSystemType()).decode()
        if info.rootPath() == "/" or fs in ("tmpfs", "proc", "squashfs", "overlay"):
            assert info.rootPath() not in {v.path for v in volumes}, info.rootPath()
    assert all(looks_removable(v.path, v.fs_type, v.device) for v in volumes)


# ---- the watcher ---------------------------------------------------------------------------------


def test_watcher_offers_a_stick_and_not_a_random_folder(qtbot, tmp_path, versions, watcher, workspace):
    v1, _ = versions
    stick = stick_of(tmp_path, v1)
    photos = tmp_path / "照片U盘"
    (photos / "照片").mkdir(parents=True)
    (photos / "作业.docx").write_bytes(b"PK\3\4")
    added, removed, offers = [], [], []
    watcher.drive_added.connect(added.append)
    watcher.drive_removed.connect(removed.append)
    watcher.offer_ready.connect(lambda path, offer: offers.append((path, offer)))
    watcher.watch_folder(stick)
    watcher.watch_folder(photos)
    watcher.watch_folder(tmp_path / "not-inserted")
    watcher.start()
    qtbot.waitUntil(lambda: len(offers) == 1 and watcher.tasks.active == 0, timeout=JOB_TIMEOUT)
    assert sorted(added) == sorted([str(stick), str(photos)])
    path, offer = offers[0]
    assert path == str(stick) and offer.brings_something
    assert offer.stick.repositories[0].new_lessons == 3
    assert watcher.offer(str(photos)) is None and watcher.offer(str(stick)) is offer

    shutil.rmtree(stick)  # pulled out …
    qtbot.waitUntil(lambda: removed == [str(stick)], timeout=10_000)
    assert watcher.offer(str(stick)) is None
    shutil.copytree(v1, stick)  # … and inserted again: offered again
    qtbot.waitUntil(lambda: len(offers) == 2, timeout=JOB_TIMEOUT)
    assert added.count(str(stick)) == 2
    assert sum(workspace.catalogue.status()["resources"].values()) == 0  # looking installs nothing


def test_stick_pulled_out_during_inspection_is_not_offered(qtbot, tmp_path, versions, watcher, workspace):
    v1, _ = versions
    import_stick(workspace, v1)
    stick = stick_of(tmp_path, v1)
    (stick / "_inventories").mkdir()
    removed, offers = [], []
    watcher.drive_removed.connect(removed.append)
    watcher.offer_ready.connect(lambda path, offer: offers.append(path))
    watcher.inspect_hook = lambda step, value: step == "inspected" and shutil.rmtree(stick)
    watcher.watch_folder(stick)
    watcher.poll()
    qtbot.waitUntil(lambda: removed == [str(stick)] and watcher.tasks.active == 0, timeout=JOB_TIMEOUT)
    assert offers == []
    assert_installed_lessons_play(workspace, 3)


def test_only_our_own_inventory_on_a_stick_is_not_offered(qtbot, tmp_path, watcher, workspace):
    stick = tmp_path / "U盘"
    stick.mkdir()
    write_inventory(workspace, stick)
    offers = []
    watcher.offer_ready.connect(lambda path, offer: offers.append(path))
    watcher.watch_folder(stick)
    watcher.poll()
    qtbot.waitUntil(lambda: watcher.tasks.active == 0 and str(stick) in watcher.drives(), timeout=JOB_TIMEOUT)
    assert offers == []
    offer = inspect_drive(workspace, stick)
    assert offer.own_inventory and not offer.inventories and not offer.is_teachpoint


# ---- importing -----------------------------------------------------------------------------------


def test_dialog_counts_then_import_installs_lessons_that_play(qtbot, tmp_path, tasks, versions, workspace):
    v1, v2 = versions
    import_stick(workspace, v1)
    stick = stick_of(tmp_path, v2)
    dialog = dialog_for(qtbot, tasks, workspace, stick)
    repo = dialog.offer.stick.repositories[0]
    assert (repo.new_lessons, repo.updated_lessons, repo.files_to_add) == (1, 0, 2)
    assert dialog.title.text() == t("USB stick found: {name}", "UsbDialog").format(name="U盘")
    assert dialog.import_text.text() == t("New lessons: {new}, about {size}").format(
        new=1, size=format_size(repo.bytes_to_add))  # no "更新 0 节"
    assert dialog.import_button.isVisible() and dialog.import_button.isEnabled()
    assert not dialog.give_box.isVisible()

    changed = []
    dialog.library_changed.connect(lambda: changed.append(True))
    job, ok = run_job(qtbot, dialog, dialog.import_button)
    assert (job, ok) == ("import", True) and changed
    text = dialog.result.text()
    assert text.startswith(t("Import finished: {new} new lessons.").format(new=1))
    assert text.endswith(t("You can safely remove the USB stick."))
    assert "春晓" in installed_titles(workspace)
    assert_installed_lessons_play(workspace, 4)
    # looked at again: nothing left to import
    assert dialog.import_text.text() == t("No new lessons on the USB stick.")
    assert not dialog.import_button.isVisible()


def test_dialog_is_as_tall_as_its_content_within_the_screen(qtbot, tmp_path, tasks, versions, workspace):
    """Both sections and their buttons show without scrolling when the screen has room."""
    stick = stick_of(tmp_path, versions[0])
    dialog = dialog_for(qtbot, tasks, workspace, stick)
    qtbot.waitExposed(dialog)
    assert dialog.import_box.isVisible() and dialog.own_box.isVisible()
    area = dialog.screen().availableGeometry()
    wanted = dialog.content_height()
    assert dialog.frameGeometry().height() <= area.height()
    assert dialog.height() == min(wanted, area.height() - (dialog.frameGeometry().height() - dialog.height()))
    if wanted <= area.height():  # fits: nothing is cut off, nothing to scroll
        qtbot.waitUntil(lambda: dialog.scroll.verticalScrollBar().maximum() == 0, timeout=5000)
        viewport = dialog.scroll.viewport()
        for button in (dialog.import_button, dialog.own_button):
            bottom = button.mapTo(viewport, button.rect().bottomLeft()).y()
            assert button.isVisible() and bottom < viewport.height(), (button.text(), bottom)


def test_finish_message_in_chinese(qtbot, tmp_path, tasks, versions, workspace):
    assert t("You can safely remove the USB stick.") == "可以安全拔出U盘。"  # the .qm is built and loaded
    stick = stick_of(tmp_path, versions[0])
    dialog = dialog_for(qtbot, tasks, workspace, stick)
    run_job(qtbot, dialog, dialog.import_button)
    assert dialog.result.text() == "导入完成：新课程 3 节。\n可以安全拔出U盘。"


def test_cancel_mid_import_keeps_what_was_installed(qtbot, tmp_path, tasks, versions, workspace):
    v1, _ = versions
    stick = stick_of(tmp_path, v1)
    dialog = dialog_for(qtbot, tasks, workspace, stick)
    held, release = threading.Event(), threading.Event()

    def hold_after_first_file(step, p):
        if step == "progress" and p.files_done >= 1 and not held.is_set():
            held.set()
            release.wait(30)

    dialog.worker_hook = hold_after_first_file
    with qtbot.waitSignal(dialog.job_finished, timeout=JOB_TIMEOUT) as blocker:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(held.is_set, timeout=JOB_TIMEOUT)
        assert dialog.progress.isVisible() and not dialog.import_button.isEnabled()
        qtbot.mouseClick(dialog.progress.cancel_button, Qt.MouseButton.LeftButton)
        release.set()
    assert blocker.args == ["import", True]
    assert dialog.result.text().startswith(
        t("Cancelled. The {files} files already imported are kept; the next import continues "
          "from there.").format(files=1))
    stored = [p for p in workspace.store.blobs_dir.rglob("*") if p.is_file()]
    assert len(stored) == 1
    qtbot.waitUntil(lambda: tasks.active == 0, timeout=JOB_TIMEOUT)

    dialog.worker_hook = None  # the next import continues
    job, ok = run_job(qtbot, dialog, dialog.import_button)
    assert ok and len([p for p in workspace.store.blobs_dir.rglob("*") if p.is_file()]) == 7
    assert_installed_lessons_play(workspace, 3)


def test_stick_pulled_out_mid_import_then_continued(qtbot, tmp_path, tasks, versions, workspace):
    v1, v2 = versions
    import_stick(workspace, v1)
    stick = stick_of(tmp_path, v2)
    dialog = dialog_for(qtbot, tasks, workspace, stick)
    dialog.worker_hook = lambda step, p: (step == "progress" and p.files_done == 1
                                          and stick.exists() and shutil.rmtree(stick))
    job, ok = run_job(qtbot, dialog, dialog.import_button)
    assert (job, ok) == ("import", False)
    assert t("The USB stick was pulled out. The lessons already imported are kept; insert the stick "
             "again and press Import to continue.") in dialog.result.text()
    assert "Traceback" not in dialog.result.text()
    qtbot.waitUntil(lambda: not dialog.import_button.isEnabled(), timeout=10_000)  # gone: nothing to do
    assert_installed_lessons_play(workspace, 3)

    shutil.copytree(v2, stick)  # inserted again
    dialog.worker_hook = None
    dialog.drive_back(inspect_drive(workspace, stick))
    job, ok = run_job(qtbot, dialog, dialog.import_button)
    assert ok and "春晓" in installed_titles(workspace)
    assert_installed_lessons_play(workspace, 4)


# ---- hostile sticks ------------------------------------------------------------------------------


def test_untrusted_stick_is_explained_and_not_importable(qtbot, tmp_path, tasks, versions, workspace):
    from teachpoint.repo import keys

    import_stick(workspace, versions[0])
    stick = stick_of(tmp_path, versions[1])
    pair = keys.generate_keypair(tmp_path / "mallory", name="陌生人")
    resign(stick, pair.private_path, version=5)
    shutil.copy(pair.public_path, stick / "mallory.pub")
    dialog = dialog_for(qtbot, tasks, workspace, stick)
    warning = dialog.import_warning.text()
    assert pair.public.key_id in warning and str(stick / "mallory.pub") in warning
    assert warning.startswith(t("The lessons “{title}” come from a publisher this computer does not "
                                "know. For safety they are not imported. Ask the school's IT "
                                "teacher to check the publisher's fingerprint: {key}").split("“")[0])
    assert not dialog.import_button.isVisible()
    assert "春晓" not in installed_titles(workspace)
    assert_installed_lessons_play(workspace, 3)


def test_tampered_file_is_set_aside_and_the_rest_installed(qtbot, tmp_path, tasks, versions, workspace):
    stick = stick_of(tmp_path, versions[0])
    victim = max((p for p in (stick / "blobs").rglob("*") if p.is_file()), key=lambda p: p.stat().st_size)
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    dialog = dialog_for(qtbot, tasks, workspace, stick)
    job, ok = run_job(qtbot, dialog, dialog.import_button)
    assert (job, ok) == ("import", False)
    text = dialog.result.text()
    assert t("{files} damaged files on the stick were set aside and not imported; the other lessons "
             "were imported.").format(files=1) in text
    assert text.endswith(t("You can safely remove the USB stick."))
    assert not workspace.store.has(victim.name)
    assert_installed_lessons_play(workspace, 2)


def test_tampered_metadata_and_garbage_are_refused_clearly(qtbot, tmp_path, tasks, versions, workspace):
    import_stick(workspace, versions[0])
    stick = stick_of(tmp_path, versions[1])
    (stick / "root.json").write_bytes(b"\x00\xff garbage, not a signed root")
    (stick / "autorun.inf").write_text("[autorun]\nopen=evil.exe\n")
    (stick / "_inventories").mkdir()
    (stick / "_inventories" / "school.json").write_bytes(b"\x00\xffgarbage")
    dialog = dialog_for(qtbot, tasks, workspace, stick)
    assert dialog.import_warning.text() == t(
        "The lessons “{title}” on the USB stick are damaged or were changed; they cannot be "
        "imported.").format(title=t("(no name)"))
    assert not dialog.import_button.isVisible()
    assert dialog.give_box.isVisible() and not dialog.give_buttons()
    line = dialog.give_rows[0][0].text()
    assert line == t("{name}: this lesson list cannot be read (damaged or from a newer "
                     "TeachPoint).").format(name="school.json")
    assert_installed_lessons_play(workspace, 3)


# ---- copying for other schools, and our own inventory --------------------------------------------


def test_copy_for_another_school_gives_exactly_what_it_lacks(qtbot, tmp_path, tasks, versions,
                                                            publisher_key, workspace):
    v1, _ = versions
    connected = workspace
    connected.install(FolderSource(v1))
    offline = open_ws(tmp_path / "offline", publisher_key)
    try:
        first = tmp_path / "first-stick"  # an earlier trip brought the Chinese lesson
        export(connected, give_plan(connected, grades=[2]), first)
        import_stick(offline, first)
        subscribe(offline, grades=[3], subjects=["音乐", "语文"])
        stick = tmp_path / "U盘"
        stick.mkdir()
        # at the school: the teacher puts the school's lesson list on the stick
        at_school = dialog_for(qtbot, tasks, offline, stick)
        assert not at_school.import_box.isVisible() and not at_school.give_box.isVisible()
        job, ok = run_job(qtbot, at_school, at_school.own_button)
        assert (job, ok) == ("inventory", True)
        assert at_school.result.text() == "\n".join([
            t("This computer's lesson list is on the USB stick now."),
            t("You can safely remove the USB stick.")])
        assert at_school.offer.own_inventory  # looked at again: ours is there now
        assert at_school.own_button.text() == t("Update the lesson list", "UsbDialog")

        # at the central school: copy what it lacks
        central = dialog_for(qtbot, tasks, connected, stick)
        item = central.offer.inventories[0]
        music = blobs_of(connected, "音乐")
        assert (item.lessons, item.files, item.fits) == (1, len(music), True)
        assert central.give_rows[0][0].text().startswith(
            t("{name}: lacks {lessons} lessons, about {size}.").format(
                name=item.label, lessons=1, size=format_size(item.bytes)))
        job, ok = run_job(qtbot, central, central.give_buttons()[item.file])
        assert (job, ok) == ("export", True)
        assert stick_blobs(stick) == music  # not maths (not subscribed), not Chinese (held)
        assert central.result.text().endswith(t("You can safely remove the USB stick."))
        assert central.offer.inventories[0].bytes_needed == 0  # looked at again: all on the stick

        # back at school: the stick brings the music lesson
        back = dialog_for(qtbot, tasks, offline, stick)
        assert back.offer.brings_something and not back.offer.inventories
        job, ok = run_job(qtbot, back, back.import_button)
        assert ok and "小雨沙沙" in installed_titles(offline)
        assert_installed_lessons_play(offline, 2)
    finally:
        offline.close()


def test_removed_stick_disables_the_dialog(qtbot, tmp_path, tasks, versions, workspace):
    stick = stick_of(tmp_path, versions[0])
    dialog = dialog_for(qtbot, tasks, workspace, stick)
    shutil.rmtree(stick)
    dialog.drive_removed()
    assert dialog.result.text() == t("The USB stick was removed.")
    assert not dialog.import_button.isEnabled() and not dialog.own_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.job is None and tasks.active == 0


def test_progress_strip_shows_files_bytes_and_speed(qtbot, tmp_path, versions, workspace):
    from teachpoint.ui.usb.usb_progress import BAR_STEPS, UsbProgress

    seen = []
    import_stick(workspace, stick_of(tmp_path, versions[0]), progress=seen.append)  # real reports
    strip = UsbProgress()
    qtbot.addWidget(strip)
    strip.begin("…")
    assert strip.bar.maximum() == 0  # a busy bar until the first report
    halfway = next(p for p in seen if 0 < p.bytes_done < p.bytes_total)
    strip.update_progress(halfway)
    assert strip.bar.value() == int(BAR_STEPS * halfway.bytes_done / halfway.bytes_total)
    last = seen[-1]
    strip.update_progress(last)
    assert strip.bar.value() == BAR_STEPS
    assert strip.detail.text().startswith(t("{done} of {total} files, {bytes_done} of {bytes_total}").format(
        done=7, total=7, bytes_done=format_size(last.bytes_done), bytes_total=format_size(last.bytes_total)))
    assert t(", {speed} per second").format(speed=format_size(last.speed_bps)) in strip.detail.text()
