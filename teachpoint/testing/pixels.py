"""Pixel counting for screenshot tests (Qt imported inside: the testing package stays core-safe)."""

from __future__ import annotations


def count_colour(image, rgb: tuple[int, int, int], tolerance: int = 6, step: int = 4) -> int:
    """How many sampled pixels (every ``step``-th row and column) of a ``QImage`` or PNG path are
    within ``tolerance`` of ``rgb`` in each channel."""
    from PySide6.QtGui import QImage

    if not isinstance(image, QImage):
        image = QImage(str(image))
    if image.isNull():
        raise ValueError("not an image")
    hits = 0
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            c = image.pixelColor(x, y)
            if abs(c.red() - rgb[0]) <= tolerance and abs(c.green() - rgb[1]) <= tolerance \
                    and abs(c.blue() - rgb[2]) <= tolerance:
                hits += 1
    return hits
