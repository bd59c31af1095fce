"""发现U盘: what a stick offers, and the three things a teacher can do with it.

* 从U盘导入新课程 — what it would add (新课程 N 节, 更新 M 节, 约 X MB) and a big 导入
  button; a stranger's or damaged stick is explained (with the publisher's fingerprint), never
  imported.
* 为其他学校拷贝课程 — for each other school's inventory on the stick: what it lacks and whether it
  fits, with a 拷贝 button (give_plan + export of exactly that gap).
* 把本机的课程清单放到U盘 — so the central school can fill the stick for this PC.

Jobs run through the TaskManager with a progress strip and 取消 (the core's cancel tokens: a
cancelled import keeps what was installed and the next one continues). The finish message ends
with 可以安全拔出U盘; failures are plain sentences (:mod:`teachpoint.ui.usb.usb_messages`).
Non-modal: the teacher can keep teaching while a stick is imported.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog, QFrame, QHBoxLayout, QLabel, QLayout, QPushButton, QScrollArea, QStyle, QVBoxLayout,
    QWidget)

from teachpoint.errors import TeachPointError
from teachpoint.ui import problems
from teachpoint.ui.tasks import TaskManager
from teachpoint.ui.usb import usb_jobs
from teachpoint.ui.usb.usb_jobs import DriveOffer, Hook
from teachpoint.ui.usb.usb_messages import UsbMessages
from teachpoint.ui.usb.usb_progress import UsbProgress
from teachpoint.ui.widgets import make_label

log = logging.getLogger(__name__)


def _label(name: str, wrap: bool = True) -> QLabel:
    return make_label(name, wrap=wrap, selectable=True)


def _section(heading: QLabel) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName("UsbSection")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(18, 14, 18, 14)
    layout.setSpacing(8)
    layout.addWidget(heading)
    return frame, layout


def _action_section(slot) -> tuple[QLabel, QLabel, QPushButton, QFrame]:
    """A section with a heading, a text and one action button calling ``slot()``."""
    heading, text, button = _label("UsbHeading"), _label("UsbText"), QPushButton()
    button.setObjectName("UsbActionButton")
    button.clicked.connect(lambda _=False: slot())
    frame, box = _section(heading)
    box.addWidget(text)
    row = QHBoxLayout()
    row.addWidget(button)
    row.addStretch(1)
    box.addLayout(row)
    return heading, text, button, frame


def _height_for_width(layout: QLayout, width: int) -> int:
    """The height ``layout`` wants at ``width`` (wrapped labels grow taller when narrow)."""
    if layout.hasHeightForWidth():
        return layout.totalHeightForWidth(width)
    return layout.totalSizeHint().height()


class UsbDialog(QDialog):
    """The dialog for one drive. ``workspace`` is the open Workspace, ``offer`` a DriveOffer.

    Signals: :attr:`library_changed` after an import changed the library (refresh the window);
    :attr:`job_finished` ``(job, ok)`` when an import/export/inventory job has ended.
    """

    library_changed = Signal()
    job_finished = Signal(str, bool)

    def __init__(self, tasks: TaskManager, workspace, offer: DriveOffer, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("UsbDialog")
        self.setModal(False)
        self.setMinimumWidth(720)
        self.tasks, self.ws, self.offer = tasks, workspace, offer
        self.messages = UsbMessages(self)
        self.problem_texts = problems.ProblemTexts(self)
        self.worker_hook: Hook | None = None  # called in the worker (tests pull sticks with it)
        self.job: str | None = None  # "import", "export", "inventory" while one runs
        self._cancel: threading.Event | None = None
        self._removed = False
        self._build()
        self.set_offer(offer)

    # ---- layout -------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.title = _label("UsbTitle")
        self.import_heading = _label("UsbHeading")
        self.import_text = _label("UsbText")
        self.import_warning = _label("StateWarning")
        self.import_button = QPushButton()
        self.import_button.setObjectName("PlayButton")
        self.import_button.clicked.connect(self.start_import)
        self.import_box, box = _section(self.import_heading)
        box.addWidget(self.import_text)
        box.addWidget(self.import_warning)
        row = QHBoxLayout()
        row.addWidget(self.import_button)
        row.addStretch(1)
        box.addLayout(row)

        self.give_heading = _label("UsbHeading")
        self.give_box, self.give_layout = _section(self.give_heading)
        self.give_rows: list[tuple[QLabel, QPushButton | None]] = []

        self.own_heading, self.own_text, self.own_button, self.own_box = _action_section(
            self.start_write_inventory)
        # 把本校课程带给县里 (issue 15)
        self.county_heading, self.county_text, self.county_button, self.county_box = _action_section(
            self.start_county)

        self.progress = UsbProgress()
        self.progress.cancel_requested.connect(self.cancel_job)
        self.result = _label("UsbResult")
        self.result.hide()
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.close)

        self.body = body = QWidget()
        body.setObjectName("UsbBody")
        content = QVBoxLayout(body)
        content.setSpacing(14)
        for widget in (self.import_box, self.give_box, self.own_box, self.county_box):
            content.addWidget(widget)
        content.addStretch(1)
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self._fit_timer = QTimer(self)  # one fit after a burst of content changes
        self._fit_timer.setSingleShot(True)
        self._fit_timer.timeout.connect(self.fit_to_content)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.title)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.result)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)

    def retranslate(self) -> None:
        self.set_offer(self.offer)

    # ---- content ------------------------------------------------------------------------------------

    def set_offer(self, offer: DriveOffer) -> None:
        """Show what ``offer`` brings (also after a job, with the drive looked at again)."""
        self.offer = offer
        self.setWindowTitle(self.tr("USB stick"))
        self.title.setText(self.tr("USB stick found: {name}").format(name=offer.name))
        self.close_button.setText(self.tr("Close"))
        self.import_heading.setText(self.tr("Import new lessons from the USB stick"))
        self.import_button.setText(self.tr("Import"))
        self.import_box.setVisible(offer.has_lessons)
        if offer.stick is not None:
            self.import_text.setText(self.messages.offer_summary(offer.stick))
            warnings = self.messages.offer_warnings(offer.stick)
            self.import_warning.setText("\n\n".join(warnings))
            self.import_warning.setVisible(bool(warnings))
        self.import_button.setVisible(offer.brings_something)

        self.give_heading.setText(self.tr("Copy lessons for other schools"))
        self.give_box.setVisible(bool(offer.inventories))
        for label, button in self.give_rows:
            label.deleteLater()
            if button is not None:
                button.deleteLater()
        self.give_rows = []
        for item in offer.inventories:
            label = _label("UsbText")
            label.setText(self.messages.inventory_line(item))
            button = None
            row = QHBoxLayout()
            row.addWidget(label, 1)
            if not item.error and item.files:
                button = QPushButton(self.tr("Copy"))
                button.setObjectName("UsbActionButton")
                button.setEnabled(item.fits)
                button.clicked.connect(lambda _=False, f=item.file: self.start_export(f))
                row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            self.give_layout.addLayout(row)
            self.give_rows.append((label, button))

        self.own_heading.setText(self.tr("Put this computer's lesson list on the USB stick"))
        self.own_text.setText(self.messages.own_inventory_line(offer.own_inventory))
        self.own_button.setText(self.tr("Update the lesson list") if offer.own_inventory
                                else self.tr("Put it on the stick"))
        self.county_heading.setText(self.tr("Take this school's own lessons to the county"))
        self.county_text.setText(self.tr("Teachers of this school added lessons of their own. Copy "
                                         "them onto this stick and give it to the county's resource "
                                         "centre: they review them, and good ones reach every school."))
        self.county_button.setText(self.tr("Copy them onto the stick"))
        self.county_box.setVisible(offer.own_lessons)
        self._update_enabled()
        self._fit_later()

    def _update_enabled(self) -> None:
        idle = self.job is None and not self._removed
        self.import_button.setEnabled(idle)
        for item, (_, button) in zip(self.offer.inventories, self.give_rows):
            if button is not None:
                button.setEnabled(idle and item.fits)
        self.own_button.setEnabled(idle and not (self.ws is not None and self.ws.read_only))
        self.county_button.setEnabled(idle)

    @property
    def busy(self) -> bool:
        return self.job is not None

    def give_buttons(self) -> dict[str, QPushButton]:
        """The 拷贝 buttons by inventory file (``_inventories/<pc-id>.json``)."""
        return {item.file: button for item, (_, button) in zip(self.offer.inventories, self.give_rows)
                if button is not None}

    def drive_removed(self) -> None:
        """The watcher saw the drive go: say so, and offer nothing more (a running job reports)."""
        self._removed = True
        if self.job is None:  # keep a finish message that is showing; say the stick is gone
            before = self.result.text() + "\n" if not self.result.isHidden() else ""
            self._show_result(before + self.messages.removed(), problem=not before)
        self._update_enabled()

    def drive_back(self, offer: DriveOffer) -> None:
        """The same drive is back (inserted again): show its new offer."""
        self._removed = False
        if self.job is None:
            self.result.hide()
        self.set_offer(offer)

    # ---- jobs ---------------------------------------------------------------------------------------

    def start_import(self) -> None:
        self._start("import", self.tr("Importing lessons from the USB stick…"),
                    lambda report, ws, path, cancel, hook: usb_jobs.import_drive(
                        ws, path, report, cancel, hook))

    def start_export(self, inventory_file: str) -> None:
        self._start("export", self.tr("Copying lessons onto the USB stick…"),
                    lambda report, ws, path, cancel, hook: usb_jobs.export_for_inventory(
                        ws, path, inventory_file, report, cancel, hook))

    def start_write_inventory(self) -> None:
        self._start("inventory", self.tr("Writing this computer's lesson list…"),
                    lambda report, ws, path, cancel, hook: usb_jobs.write_own_inventory(ws, path))

    def start_county(self) -> None:
        """把本校课程带给县里: this PC's own lessons onto the stick (not cancellable: it is small
        and the root goes last, so a pulled stick keeps the old whole version)."""
        self._start("county", self.tr("Copying this school's lessons onto the USB stick…"),
                    lambda report, ws, path, cancel, hook: usb_jobs.export_own_lessons(
                        ws, path, report, hook), on_progress=self._county_progress)

    def _county_progress(self, value) -> None:
        done, total = value
        self.progress.bar.setRange(0, max(total, 1))
        self.progress.bar.setValue(done)
        self.progress.detail.setText(self.tr("{done} of {total} files").format(done=done, total=total))

    def cancel_job(self) -> None:
        """Stop the running job after the current file (what was done is kept)."""
        if self._cancel is not None:
            self._cancel.set()

    def _start(self, job: str, title: str, work, on_progress=None) -> None:
        if self.job is not None or self._removed or self.ws is None:
            return
        self.job, self._cancel = job, threading.Event()
        ws, path, cancel, hook = self.ws, self.offer.path, self._cancel, self.worker_hook
        self.result.hide()
        self.progress.begin(title)
        self.progress.cancel_button.setVisible(job not in ("inventory", "county"))
        self._update_enabled()
        self._fit_later()
        self.tasks.run(lambda report: work(report, ws, path, cancel, hook),
                       on_done=lambda value: self._job_done(job, value),
                       on_error=lambda exc: self._job_failed(job, exc),
                       on_progress=on_progress or self.progress.update_progress, name=f"usb {job}")

    def _job_done(self, job: str, value) -> None:
        if job == "import":
            text, problem = self.messages.import_finished(value)
            if value.files_copied or value.added or value.updated:
                self.library_changed.emit()
        elif job == "export":
            text, problem = self.messages.export_finished(value), bool(value.damaged)
        elif job == "county":
            text, problem = self.messages.own_lessons_written(), False
        else:
            text, problem = self.messages.inventory_written(), False
        self._finish(job, text, problem)

    def _job_failed(self, job: str, exc: BaseException) -> None:
        kind = problems.kind_of(exc, self.offer.path)
        if kind == problems.OTHER and not isinstance(exc, TeachPointError):
            log.error("usb %s on %s failed", job, self.offer.path, exc_info=exc)
            detail = ""
        else:
            log.warning("usb %s on %s: %s (%s)", job, self.offer.path, exc, kind)
            detail = problems.detail_of(exc)
        if job == "import" and kind in (problems.CANCELLED, problems.PULLED):
            self.library_changed.emit()  # some files may have arrived before it stopped
        self._finish(job, self.problem_texts.for_usb(kind, job, detail), kind != problems.CANCELLED)

    def _finish(self, job: str, text: str, problem: bool) -> None:
        self.job, self._cancel = None, None
        self.progress.end()
        self._show_result(text, problem)
        self._update_enabled()
        self.job_finished.emit(job, not problem)
        if not self._removed:
            self._refresh()

    def _show_result(self, text: str, problem: bool) -> None:
        self.result.setText(text)
        self.result.setProperty("problem", problem)
        self.result.style().unpolish(self.result)
        self.result.style().polish(self.result)
        self.result.show()
        self._fit_later()

    def _refresh(self) -> None:
        """Look at the drive again so the sections show what is left to do."""
        ws, path, name = self.ws, self.offer.path, self.offer.name
        self.tasks.run(lambda: usb_jobs.inspect_drive(ws, path, name),
                       on_done=self._refreshed, on_error=self._refresh_failed,
                       name=f"inspect drive {path}")

    def _refreshed(self, offer: DriveOffer) -> None:
        if self.job is None and not self._removed:
            self.set_offer(offer)

    def _refresh_failed(self, exc: BaseException) -> None:
        if isinstance(exc, usb_jobs.DriveGone):
            self.drive_removed()
        else:
            log.warning("looking at %s again failed: %s", self.offer.path, exc)

    # ---- size ---------------------------------------------------------------------------------------

    def content_height(self) -> int:
        """The height that shows every section without scrolling, at the dialog's width."""
        layout = self.layout()
        layout.activate()
        width = max(self.width(), self.minimumWidth())
        margins = layout.contentsMargins()
        around = _height_for_width(layout, width) - self.scroll.sizeHint().height()
        return around + _height_for_width(self.body.layout(), width - margins.left() - margins.right())

    def fit_to_content(self) -> None:
        """Resize to the content, at most as tall as the screen's free area (the rest scrolls)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        if self.isVisible():
            frame = self.frameGeometry().height() - self.geometry().height()
        else:  # not decorated yet: allow for a title bar
            frame = self.style().pixelMetric(QStyle.PixelMetric.PM_TitleBarHeight) + 8
        height = min(self.content_height(), area.height() - max(frame, 0))
        self.resize(max(self.width(), self.minimumWidth()), height)
        if self.isVisible():  # keep the whole dialog on the screen
            geometry = self.frameGeometry()
            top = min(geometry.top(), area.bottom() + 1 - geometry.height())
            if top != geometry.top():
                self.move(geometry.left(), max(area.top(), top))

    def _fit_later(self) -> None:
        self._fit_timer.start(0)

    def setVisible(self, visible: bool) -> None:
        if visible and not self.isVisible():
            self.fit_to_content()  # before QDialog centres itself on the window
        super().setVisible(visible)

    def closeEvent(self, event) -> None:
        """Closing while a job runs stops it after the current file; the dialog is only hidden."""
        self.cancel_job()
        super().closeEvent(event)
