"""The right-hand side of the 审核 screen: one queued lesson as the reviewer judges it.

Its thumbnail, title, place in the curriculum, which school PC sent it and the teacher's name
(when shared), the checks (length, picture size, bitrate and whether it must be converted to the
county's format, each subtitle's encoding, the same video elsewhere in the queue or already in the
county's repository) and the decision so far. The buttons live on the page.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from teachpoint.ui.formatting import format_duration, format_size
from teachpoint.ui.review_setup import EntryDetails
from teachpoint.ui.widgets import make_label

THUMB_WIDTH = 240


class ReviewDetails(QWidget):
    """Shows one :class:`EntryDetails` (or a hint when nothing is chosen)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.details: EntryDetails | None = None
        self.thumbnail = QLabel()
        self.title = make_label("LessonTitle")
        self.where = make_label("LessonWhere")
        self.sender = make_label("UsbText", selectable=True)
        self.checks = make_label("UsbText", selectable=True)
        self.state = make_label("UsbText", selectable=True)
        self.hint = make_label("Hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for widget in (self.hint, self.thumbnail, self.title, self.where, self.sender, self.checks,
                       self.state):
            layout.addWidget(widget)
        self.show_nothing()

    def show_nothing(self, text: str = "") -> None:
        self.details = None
        self.hint.setText(text or self.tr("Choose a lesson on the left to see it and decide."))
        self.hint.show()
        for widget in (self.thumbnail, self.title, self.where, self.sender, self.checks, self.state):
            widget.hide()

    def show_details(self, details: EntryDetails) -> None:
        self.details = details
        entry, shown = details.entry, details.shown
        self.hint.hide()
        pix = QPixmap(str(details.thumbnail)) if details.thumbnail else QPixmap()
        if not pix.isNull():
            self.thumbnail.setPixmap(pix.scaledToWidth(THUMB_WIDTH, Qt.TransformationMode.SmoothTransformation))
        self.thumbnail.setVisible(not pix.isNull())
        self.title.setText(entry.title)
        self.where.setText(entry.place_zh)
        teacher = (self.tr("Teacher: {name}").format(name=entry.teacher) if entry.teacher
                   else self.tr("The teacher did not share the name."))
        self.sender.setText(self.tr("From school computer {pc}  ·  {teacher}").format(
            pc=entry.pc_id[:8], teacher=teacher))
        self.checks.setText("\n".join(self.check_lines(shown["checks"])))
        self.state.setText(self.state_line(entry))
        self.state.setObjectName("StateWarning" if entry.state == "rejected" else "UsbText")
        self.state.style().unpolish(self.state)
        self.state.style().polish(self.state)
        for widget in (self.title, self.where, self.sender, self.checks, self.state):
            widget.show()

    def check_lines(self, checks: dict) -> list[str]:
        """One line per file and one for duplicates."""
        lines = [self._file_line(f) for f in checks.get("files", [])]
        dup = checks.get("duplicates", {})
        if dup.get("queue"):
            lines.append(self.tr("⚠ The same video is also in the queue as no. {ids}.").format(
                ids=", ".join(str(i) for i in dup["queue"])))
        if dup.get("county"):
            lines.append(self.tr("⚠ The county's repository already has the same video."))
        if not dup.get("queue") and not dup.get("county"):
            lines.append(self.tr("✓ No copy of this video in the queue or the county's repository."))
        return lines

    def _file_line(self, f: dict) -> str:
        if f.get("role") == "subtitle":
            if f.get("problem"):
                return self.tr("⚠ Subtitles {name}: cannot be read ({problem})").format(
                    name=f["name"], problem=f["problem"])
            return self.tr("✓ Subtitles {name}: encoding {encoding}").format(
                name=f["name"], encoding=f.get("encoding", "?"))
        what = self.kind_word(f.get("kind", ""))
        if f.get("problem"):
            return self.tr("⚠ {what} {name}: cannot be read ({problem})").format(
                what=what, name=f["name"], problem=f["problem"])
        facts = [format_size(f.get("size", 0))]
        if f.get("duration"):
            facts.append(format_duration(f["duration"]))
        if f.get("width") and f.get("height"):
            facts.append(f"{f['width']}×{f['height']}")
        if f.get("bitrate"):
            facts.append(f"{f['bitrate'] / 1000:.0f} kbit/s")
        line = f"{what} {f['name']}: " + ", ".join(facts)
        if f.get("transcode"):
            return "⚠ " + line + "\n    " + self.tr("will be converted to the county's format when "
                                                    "accepted: {why}").format(why="; ".join(f["transcode"]))
        if "transcode" in f:
            return "✓ " + line + "  " + self.tr("(fits the county's format)")
        return "✓ " + line

    def kind_word(self, kind: str) -> str:
        words = {"video": self.tr("Video"), "audio": self.tr("Audio"), "document": self.tr("Document"),
                 "image": self.tr("Picture"), "slides": self.tr("Slides")}
        return words.get(kind, self.tr("File"))

    def state_line(self, entry) -> str:
        if entry.state == "accepted":
            return self.tr("Accepted by {by} on {at}: published for every school.").format(
                by=entry.decided_by, at=entry.decided_at[:16].replace("T", " "))
        if entry.state == "rejected":
            return self.tr("Not accepted by {by} on {at}. Reason: {reason}").format(
                by=entry.decided_by, at=entry.decided_at[:16].replace("T", " "), reason=entry.reason)
        return self.tr("Waiting for your decision.")
