"""A page's lines of text found by their ink (for the line recogniser, nianbao.engine.readers.scan.recogniser).

The page comes straightened, its tables and rulings painted out (nianbao.engine.readers.scan.ocr), so what ink is
left stands in horizontal lines: rows with ink, parted by rows of paper. Two lines a tight spacing or a residual tilt
ran together are parted at their thinnest row; a line is cut where a gap of several characters parts it (a date at
the right, a 单位 note), so each piece is read on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nianbao.engine.readers.scan.settings import tuned

if TYPE_CHECKING:
    from PIL import Image

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class TextLine:
    """A piece of a line: its ink's box in the page's pixels (right and bottom exclusive)."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def height(self) -> int:
        return self.bottom - self.top


def text_lines(page: Image.Image, dpi: float) -> list[TextLine]:
    """The lines of ink on a grey page, top to bottom and each left to right."""
    import numpy as np

    s = tuned().lines
    ink = np.asarray(page if page.mode == "L" else page.convert("L")) < s.ink
    mm = dpi / MM_PER_INCH
    rows = ink.sum(1) >= s.row_ink
    bands = _runs(rows, round(s.join_mm * mm))
    bands = [(top, bottom) for top, bottom in bands if bottom - top >= s.shortest_mm * mm]
    if not bands:
        return []
    heights = sorted(bottom - top for top, bottom in bands)
    usual = heights[len(heights) // 4]  # the lower quartile: bands run together are the taller ones
    out = []
    for top, bottom in bands:
        for upper, lower in _parted(ink, top, bottom, usual * s.tall):
            columns = ink[upper:lower].any(0)
            for left, right in _runs(columns, round(s.gap * (lower - upper))):
                out.append(TextLine(left, upper, right, lower))
    return out


def crop(page: Image.Image, line: TextLine) -> tuple[Image.Image, int]:
    """The line on a margin of paper (the model was taught on such crops), and where the crop's left edge stands on
    the page. The margin is made paper: a line parted from its neighbour would otherwise carry the neighbour's
    strokes over its own characters (two dots over 开 make it 并)."""
    from PIL import ImageDraw

    pad = round(tuned().lines.pad * line.height)
    width, height = page.size
    left, top = max(0, line.left - pad), max(0, line.top - pad)
    image = page.crop((left, top, min(width, line.right + pad), min(height, line.bottom + pad)))
    draw = ImageDraw.Draw(image)
    if line.top > top:
        draw.rectangle((0, 0, image.size[0], line.top - top - 1), fill=255)
    if line.bottom - top < image.size[1]:
        draw.rectangle((0, line.bottom - top, image.size[0], image.size[1]), fill=255)
    return image, left


def _runs(flags: object, join: int) -> list[tuple[int, int]]:
    """Runs of true values as (start, end), runs parted by fewer than `join` false ones joined."""
    import numpy as np

    values = np.asarray(flags, dtype=np.int8)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], values, [0]))))
    runs: list[tuple[int, int]] = []
    for start, end in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
        if runs and start - runs[-1][1] < join:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
    return runs


def _parted(ink: object, top: int, bottom: int, tallest: float) -> list[tuple[int, int]]:
    """A band taller than one line parted at its thinnest row within its middle, again until each is one line; but
    only where that row is a valley between two lines (a few strokes that touch), never across a line of large
    print, whose every row holds ink of many characters."""
    import numpy as np

    if bottom - top <= tallest:
        return [(top, bottom)]
    counts = np.asarray(ink)[top:bottom].sum(1)
    span = bottom - top
    low, high = round(span * 0.25), round(span * 0.75)
    at = low + int(np.argmin(counts[low:high]))
    if counts[at] > tuned().lines.valley * float(np.median(counts)):
        return [(top, bottom)]
    return _parted(ink, top, top + at, tallest) + _parted(ink, top + at, bottom, tallest)
