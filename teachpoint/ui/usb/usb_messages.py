"""The sentences of the USB dialog: what a stick brings, how a job ended, what went wrong.

Plain words for a teacher (课程, U盘, 导入, 拷贝), never a stack trace. Kept apart from the widgets
so the dialog stays about layout and jobs; :class:`UsbMessages` is the translation context.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from teachpoint.sneakernet.stick import StickImport
from teachpoint.sneakernet.stick_offer import StickOffer
from teachpoint.sync.pipeline import FAILED
from teachpoint.ui import problems
from teachpoint.ui.formatting import format_duration, format_size
from teachpoint.ui.usb.usb_jobs import ExportDone, InventoryOffer


class UsbMessages(QObject):
    """Builds the dialog's texts (every one through ``self.tr``); problems: :mod:`problems`."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._problems = problems.ProblemTexts(self)

    # ---- what the stick offers ---------------------------------------------------------------------

    def offer_summary(self, stick: StickOffer) -> str:
        """"新课程 N 节，更新 M 节，约 X MB" (zero parts left out), or that there is nothing new."""
        good = [r for r in stick.repositories if r.brings_something]
        if not good:
            if any(r.status == "older" for r in stick.repositories):
                return self.tr("No new lessons on the USB stick (its lessons are older than this "
                               "computer's).")
            return self.tr("No new lessons on the USB stick.")
        new, updated = sum(r.new_lessons for r in good), sum(r.updated_lessons for r in good)
        files, size = sum(r.files_to_add for r in good), sum(r.bytes_to_add for r in good)
        if new and updated:
            text = self.tr("New lessons: {new}, updated: {updated}, about {size}").format(
                new=new, updated=updated, size=format_size(size))
        elif new:  # no "更新 0 节": a part that is zero is left out
            text = self.tr("New lessons: {new}, about {size}").format(new=new, size=format_size(size))
        elif updated:
            text = self.tr("Updated lessons: {updated}, about {size}").format(
                updated=updated, size=format_size(size))
        else:
            text = self.tr("{files} lesson files this computer still lacks, about {size}").format(
                files=files, size=format_size(size))
        expired = max((r.expired_days for r in good), default=0.0)
        if expired >= 1:
            text += "\n" + self.tr("The stick's lesson list expired {days} days ago; the lessons can "
                                   "still be imported.").format(days=int(expired))
        return text

    def offer_warnings(self, stick: StickOffer) -> list[str]:
        """One sentence per repository that cannot be imported (stranger's key, damaged)."""
        out = []
        if stick.error:
            out.append(self.tr("The lesson list on the USB stick is damaged; it cannot be imported."))
        for r in stick.repositories:
            title = r.title or r.repository or self.tr("(no name)")
            if r.status == "untrusted":
                text = self.tr("The lessons “{title}” come from a publisher this computer does not know. "
                               "For safety they are not imported. Ask the school's IT teacher to "
                               "check the publisher's fingerprint: {key}").format(title=title, key=r.key_id or "?")
                if r.key_file:
                    text += "\n" + self.tr("The publisher's key file is on the stick: {file}").format(
                        file=r.key_file)
                out.append(text)
            elif r.status in ("invalid", "conflict"):
                out.append(self.tr("The lessons “{title}” on the USB stick are damaged or were changed; "
                                   "they cannot be imported.").format(title=title))
        return out

    def inventory_line(self, item: InventoryOffer) -> str:
        if item.error:
            return self.tr("{name}: this lesson list cannot be read (damaged or from a newer "
                           "TeachPoint).").format(name=item.label)
        if not item.files:
            return self.tr("{name}: this computer has nothing it lacks.").format(name=item.label)
        text = self.tr("{name}: lacks {lessons} lessons, about {size}.").format(
            name=item.label, lessons=item.lessons, size=format_size(item.bytes))
        if item.fits:
            text += "\n" + self.tr("The stick has room.")
        else:
            text += "\n" + self.tr("Not enough room on the stick ({size} needed).").format(
                size=format_size(item.bytes_needed))
        if item.unavailable:
            text += "\n" + self.tr("{files} of the files it needs are not on this computer either.").format(
                files=item.unavailable)
        return text

    def own_inventory_line(self, created: str) -> str:
        base = self.tr("Take this stick to the central school: its computer can copy the lessons "
                       "this computer lacks onto it.")
        if created:
            when = created.replace("T", " ").rstrip("Z")[:16]
            return base + "\n" + self.tr(
                "This computer's lesson list is already on the stick ({when}).").format(when=when)
        return base

    # ---- progress ----------------------------------------------------------------------------------

    def progress_line(self, p) -> str:
        text = self.tr("{done} of {total} files, {bytes_done} of {bytes_total}").format(
            done=p.files_done, total=p.files_total, bytes_done=format_size(p.bytes_done),
            bytes_total=format_size(p.bytes_total))
        if p.speed_bps > 0:
            text += self.tr(", {speed} per second").format(speed=format_size(p.speed_bps))
        if p.eta_s:
            left = format_duration(max(1.0, p.eta_s))
            text += self.tr(", about {left} left").format(left=left)
        return text

    # ---- how a job ended ---------------------------------------------------------------------------

    def safe_to_remove(self) -> str:
        return self.tr("You can safely remove the USB stick.")

    def import_finished(self, result: StickImport) -> tuple[str, bool]:
        """The finish message and whether it reports a problem."""
        lines, problem = [], False
        lost = any(r.files.source_lost for r in result.repositories)
        if lost:
            return self._problems.for_usb(problems.PULLED, "import"), True
        if result.cancelled:
            lines.append(self.tr("Cancelled. The {files} files already imported are kept; the next "
                                 "import continues from there.").format(files=result.files_copied))
        elif result.added or result.updated:
            if result.updated:
                lines.append(self.tr("Import finished: {new} new lessons, {updated} updated.").format(
                    new=result.added, updated=result.updated))
            else:
                lines.append(self.tr("Import finished: {new} new lessons.").format(new=result.added))
        elif result.files_copied:
            lines.append(self.tr("Import finished: {files} lesson files added.").format(
                files=result.files_copied))
        else:
            lines.append(self.tr("Import finished: nothing new on the stick."))
        for r in result.repositories:
            title = r.title or r.repository or r.location
            if r.status == FAILED:
                problem = True
                kind = problems.kind_of(r.problem, result.folder)
                lines.append(self._problems.repository_refused(kind, title))
            if r.files.rejected:
                problem = True
                lines.append(self.tr("{files} damaged files on the stick were set aside and not "
                                     "imported; the other lessons were imported.").format(
                                         files=len(r.files.rejected)))
            if r.files.files_unreadable:
                problem = True
                lines.append(self.tr("{files} files on the stick could not be read.").format(
                    files=r.files.files_unreadable))
        lines.append(self.safe_to_remove())
        return "\n".join(lines), problem

    def export_finished(self, done: ExportDone) -> str:
        lines = [self.tr("Copy finished: {lessons} lessons ({size}) for {name}.").format(
            lessons=done.lessons, size=format_size(done.bytes), name=done.pc_name)]
        if done.damaged:
            lines.append(self.tr("{files} damaged files of this computer were left out.").format(
                files=done.damaged))
        lines.append(self.safe_to_remove())
        return "\n".join(lines)

    def own_lessons_written(self) -> str:
        return "\n".join([self.tr("This school's own lessons are on the USB stick now. Give it to "
                                  "the county's resource centre for review."), self.safe_to_remove()])

    def inventory_written(self) -> str:
        return "\n".join([self.tr("This computer's lesson list is on the USB stick now."),
                          self.safe_to_remove()])

    def removed(self) -> str:
        return self.tr("The USB stick was removed.")
