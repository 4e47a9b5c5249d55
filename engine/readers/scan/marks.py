"""What a scan's reading of each table cell is worth: each cell read by OCR marked as such, a figure with its
reading's confidence, and doubted where its place is guessed (read beside the grid, or in a cell that ran over the
row below)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nianbao.engine.model import Anchor, Report
from nianbao.engine.readers.scan.settings import tuned
from nianbao.engine.template import TABLES

if TYPE_CHECKING:
    from nianbao.engine.readers.scan.ocr import ScannedPage


def mark(report: Report, scanned: list[ScannedPage]) -> None:
    """Each table cell read by OCR marked as such, a figure with its reading's confidence."""
    for anchor in report.cell_anchors.values():
        anchor.source = "ocr"
        if anchor.page is not None and anchor.box is not None and 1 <= anchor.page <= len(scanned):
            anchor.confidence = cell_confidence(scanned[anchor.page - 1], anchor.box)
    _doubt_tall_cells(report)
    # A figure read on a line beside the grid, not in a cell (a narrow 总计 column a scan did not close), joined its
    # row by order alone: which column it belongs to is guessed, and so it is doubted.
    doubt = tuned().cells.doubt
    for table in TABLES:
        for row, columns in report.table(table).items():
            for column, value in columns.items():
                key = f"{table}:{row}:{column}"
                if value is not None and key not in report.cell_anchors:
                    report.cell_anchors[key] = Anchor(source="ocr", confidence=doubt)


def _doubt_tall_cells(report: Report) -> None:
    """A figure's cell as tall as two of its row's others ran down over the row below (the border between them too
    light for the scan): the figure may be that row's (上海市's 805 of （七）总计 read into （六）其他处理), and is
    doubted. A row whose cells are all tall (a wrapped label) has none taller than the rest."""
    rows: dict[str, list[tuple[Anchor, float]]] = {}  # a row's cells, each with its height
    for key, anchor in report.cell_anchors.items():
        if anchor.box is not None:
            rows.setdefault(key.rpartition(":")[0], []).append((anchor, anchor.box[3] - anchor.box[1]))
    tall, doubt = tuned().cells.tall_cell, tuned().cells.doubt
    for cells in rows.values():
        usual = sorted(height for _, height in cells)[len(cells) // 2]
        for anchor, height in cells:
            if height > tall * usual:
                anchor.confidence = min(anchor.confidence if anchor.confidence is not None else 1.0, doubt)


def cell_confidence(page: ScannedPage, box: tuple[float, float, float, float]) -> float | None:
    """The confidence of the cell read at the centre of `box` (fractions of the page), if a cell was read there."""
    left, top, right, bottom = box
    cx, cy = (left + right) / 2 * page.width, (top + bottom) / 2 * page.height
    for cell in page.cells:
        x0, y0, x1, y1 = cell.box
        if x0 <= cx <= x1 and y0 <= cy <= y1:
            return cell.confidence
    return None
