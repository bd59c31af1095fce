"""Printing a PDF worksheet: each page rendered by QtPdf and drawn, proportions kept, on a QPrinter
(landscape paper for landscape pages such as slides).

A worksheet (可打印后课堂练习) goes to the school's printer through Qt's print dialog; with no
printer set up the dialog still offers "print to file (PDF)". Tests print to a PDF file with
``QPrinter.OutputFormat.PdfFormat`` and count its pages.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPageLayout, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

log = logging.getLogger(__name__)

MAX_PRINT_DPI = 300  # enough for text on paper; keeps one A4 page image under ~35 MB


def print_pdf(document: QPdfDocument, printer: QPrinter) -> int:
    """Print the pages the printer asks for (all by default); returns how many were printed."""
    count = document.pageCount()
    first, last = printer.fromPage(), printer.toPage()
    pages = range(max(1, first) - 1, min(count, last) if last else count) if first else range(count)
    if count and document.pagePointSize(0).width() > document.pagePointSize(0).height():
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)  # slides: across the sheet
    painter = QPainter()
    if not pages or not painter.begin(printer):
        log.warning("printing did not start (%d pages, printer %s)", count, printer.printerName())
        return 0
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    printed = 0
    try:
        for index in pages:
            if printed:
                printer.newPage()
            points = document.pagePointSize(index)
            image = document.render(index, QSize(max(1, round(points.width() * dpi / 72)),
                                                 max(1, round(points.height() * dpi / 72))))
            area = painter.viewport()
            size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(area.x() + (area.width() - size.width()) // 2, area.y(), size.width(), size.height())
            painter.drawImage(target, image)
            printed += 1
    finally:
        painter.end()
    log.info("printed %d page(s) to %s", printed, printer.outputFileName() or printer.printerName())
    return printed
