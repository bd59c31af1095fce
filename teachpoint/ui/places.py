"""The places of the top bar, in one table: adding a place is one row in :data:`PLACES`.

A row names the place, gives its button label (English source text; the Chinese comes from the
.ts file, context ``Places``), says which page the window shows for it and what to do each time it
is shown, and — for a place only some PCs need — whether this workspace offers it at all
(asked once in a worker when the library opens; the button stays hidden until it says yes).
Buttons take Alt+1, Alt+2 … in table order. A new place whose page needs the workspace builds it
in ``page`` and reads it in ``shown``, e.g.::

    Place("review", QT_TRANSLATE_NOOP("Places", "Review"), lambda win: ReviewPage(win.tasks),
          shown=lambda win, page: page.set_workspace(win.ws), offered=has_publisher_key),
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QCoreApplication, QT_TRANSLATE_NOOP

HOME, LIBRARY, SYNC, USAGE, SETTINGS = "home", "library", "sync", "usage", "settings"
REVIEW = "review"  # 审核: only on a county reviewer's PC (a review is configured), never a teacher's


def _nothing(_window, _page) -> None:
    """The default ``shown``: the page keeps itself up to date."""


def _reviews_here(ws) -> bool:
    """Whether this PC reviews teachers' lessons for the county (issue 15): a review with its
    publisher key is configured (:func:`teachpoint.review.config.review_config`)."""
    from teachpoint.review.config import review_config

    return review_config(ws) is not None


@dataclass(frozen=True)
class Place:
    """One place of the top bar; see the module docstring."""

    name: str
    label: str  # English source text; :meth:`text` translates it
    page: Callable  # (main window) -> the page widget shown for this place (called once)
    shown: Callable = _nothing  # (main window, page) -> None, each time the place is shown
    offered: Callable | None = None  # (workspace) -> bool, in a worker; None: always offered

    def text(self) -> str:
        """The button label in the current language."""
        return QCoreApplication.translate("Places", self.label)


PLACES: tuple[Place, ...] = (
    Place(HOME, QT_TRANSLATE_NOOP("Places", "Home"), lambda win: win.home),
    Place(LIBRARY, QT_TRANSLATE_NOOP("Places", "All lessons"), lambda win: win.library_page),
    Place(SYNC, QT_TRANSLATE_NOOP("Places", "Updates"), lambda win: win.sync_panel,
          shown=lambda win, page: win.sync.mark_seen()),
    Place(USAGE, QT_TRANSLATE_NOOP("Places", "Usage"), lambda win: win.usage_page,
          shown=lambda win, page: page.set_workspace(win.ws)),  # reads the numbers again
    Place(SETTINGS, QT_TRANSLATE_NOOP("Places", "Settings"), lambda win: win.settings_page,
          shown=lambda win, page: page.refresh()),
    Place(REVIEW, QT_TRANSLATE_NOOP("Places", "Review"), lambda win: win.review_page,
          shown=lambda win, page: page.set_workspace(win.ws), offered=_reviews_here),
)
