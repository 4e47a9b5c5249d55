"""A page's lines of text found by their ink (for the line recogniser, nianbao.engine.readers.scan.recogniser).

The page comes straightened, its tables and rulings painted out (nianbao.engine.readers.scan.ocr), so what ink is
left stands in horizontal lines: rows with ink, parted by rows of paper. Two lines a tight spacing or a residual tilt
ran together are parted at their thinnest row; a line is cut where a gap of several characters parts it (a date at
the right, a 单位 note), so each piece is read on its own. A seal's ring (grey in a grey scan, as dark as the print in
some) crosses several lines and holds ink in every row between them: in a band that tall, ink connected over more
height than any character has is left out before the band is parted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nianbao.engine.groups import Groups
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


def text_lines(page: Image.Image, dpi: float, seals: bool = True) -> list[TextLine]:
    """The lines of ink on a grey page, top to bottom and each left to right. Without `seals`, a band taller than
    `ring_mm` stays whole (on a page whose tables are not painted out, a table's block of rows and rulings, which the
    caller leaves out by its height)."""
    import numpy as np

    s = tuned().lines
    ink = np.asarray(page if page.mode == "L" else page.convert("L")) < s.ink
    mm = dpi / MM_PER_INCH
    bands = _bands(ink, mm)
    if not bands:
        return []
    heights = sorted(bottom - top for top, bottom in bands)
    usual = heights[len(heights) // 4]  # the lower quartile: bands run together are the taller ones
    out = []
    for top, bottom in bands:
        band, offset, parts = ink, 0, [(top, bottom)]
        if seals and bottom - top > s.ring_mm * mm:
            band, offset = _without_tall(ink[top:bottom], s.ring_mm * mm), top
            parts = _bands(band, mm)
        for part_top, part_bottom in parts:
            for upper, lower in _parted(band, part_top, part_bottom, usual * s.tall):
                # along the line all its ink counts (a character the ring touched stays in), but a piece of the
                # ring's ink alone is no text
                lettered = band[upper:lower].any(0)
                columns = ink[upper + offset : lower + offset].any(0)
                for left, right in _runs(columns, round(s.gap * (lower - upper))):
                    if lettered[left:right].any():
                        out.append(TextLine(left, upper + offset, right, lower + offset))
    return out


def _bands(ink: object, mm: float) -> list[tuple[int, int]]:
    """The runs of rows that hold ink, as (top, bottom)."""
    s = tuned().lines
    bands = _runs(ink.sum(1) >= s.row_ink, round(s.join_mm * mm))  # type: ignore[attr-defined]
    return [(top, bottom) for top, bottom in bands if bottom - top >= s.shortest_mm * mm]


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


def _without_tall(ink: object, tallest: float) -> object:
    """The ink less its connected pieces (8-connected) taller than `tallest`. Found over runs of ink along the rows,
    a run joined to those of the next row it touches: the band holds a few lines, some ten thousand runs."""
    import numpy as np

    ink = np.asarray(ink)
    height, width = ink.shape
    padded = np.zeros((height, width + 2), dtype=np.int8)
    padded[:, 1:-1] = ink
    edges = np.diff(padded, axis=1)
    rows, starts = np.nonzero(edges == 1)  # row by row, left to right; a run is [start, end)
    ends = np.nonzero(edges == -1)[1]
    stride = width + 2
    first = np.searchsorted(rows * stride + ends, (rows + 1) * stride + starts, side="left")
    last = np.searchsorted(rows * stride + starts, (rows + 1) * stride + ends, side="right")
    counts = np.maximum(last - first, 0)
    below = np.repeat(first - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
    above = np.repeat(np.arange(len(rows)), counts)
    pieces = Groups(len(rows))
    for a, b in zip(above.tolist(), below.tolist(), strict=True):
        pieces.join(a, b)
    roots = np.fromiter((pieces.find(at) for at in range(len(rows))), dtype=np.int64, count=len(rows))
    highest, lowest = np.full(len(rows), height), np.full(len(rows), -1)
    np.minimum.at(highest, roots, rows)
    np.maximum.at(lowest, roots, rows)
    tall = (lowest - highest + 1 > tallest)[roots]
    if not tall.any():
        return ink
    marks = np.zeros((height, width + 1), dtype=np.int32)
    np.add.at(marks, (rows[tall], starts[tall]), 1)
    np.add.at(marks, (rows[tall], ends[tall]), -1)
    return ink & ~(np.cumsum(marks, axis=1)[:, :width] > 0)
