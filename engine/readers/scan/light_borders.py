"""Rulings a browser's light cell borders leave in a scan (nianbao.engine.readers.scan.raster.rulings).

Chromium prints a portal page's table with each cell a box of its own (the default cell spacing), its borders light
on the bottom and right. A black-and-white scan thresholds a light border into dashes, and a row a page break left
alone at the top of a page has sides that stop a cell spacing short of the table's border.
"""

from __future__ import annotations

import math
from collections import defaultdict
from itertools import pairwise
from typing import TYPE_CHECKING

from nianbao.engine.readers.scan.settings import pixels, tuned
from nianbao.engine.readers.scan.strokes import bridged, column_by, spans

if TYPE_CHECKING:
    from PIL import Image


def uncrossed(lines: list[tuple[float, int, int]], image: Image.Image, dpi: float) -> list[tuple[float, int, int]]:
    """The lines of `image` (255 ink) that no stroke crosses between their ends: ink on both sides of a line, at the
    same place along it, is a character's stroke through another (事's strokes cross its middle stroke); a cell's
    side is touched at most from one side, by its text."""
    import numpy as np

    s = tuned().raster
    inked = np.asarray(image) == 255
    side, stroke = max(2, round(pixels(s.crossed_mm, dpi))), pixels(s.stroke_mm, dpi)
    kept = []
    for pos, a, b in lines:
        row = round(pos)
        if row - side < 0 or row + side >= inked.shape[0]:
            continue
        inner = slice(a + side, max(a + side, b - side))
        both = np.concatenate(([False], inked[row - side, inner] & inked[row + side, inner], [False]))
        edges = np.flatnonzero(both[1:] != both[:-1])  # where each run of ink on both sides starts and stops
        # a stroke crosses; a line running beside (a double rule's other line) is no crossing
        if np.count_nonzero(edges[1::2] - edges[::2] <= stroke) < s.crossings:
            kept.append((pos, a, b))
    return kept


def row_sides(
    loose: list[tuple[float, int, int]], down: list[tuple[float, int, int]], spaced: float, apart: float
) -> list[tuple[float, int, int]]:
    """Short columns of ink that come within `spaced` of a row ruling at one end or both, taken as the sides of one
    table row where at least `row_sides` of them, a narrow cell (`apart`) or more from one another, start and stop
    alike: a row a page break left alone in a browser's table, each cell a box of its own, whose sides stop at their
    cells' light borders (lost) a cell spacing short of the table's, and whose last cell is narrower than a ruling, so
    the table's border beside it meets a row ruling at its foot only. The full-height strokes of a line of text in a
    row as tall as it stand a few millimetres apart: a row of them is no row of sides."""
    need = tuned().raster.row_sides
    cell = max(spaced, 1.0)
    by_ends: dict[tuple[int, int], list[tuple[float, int, int]]] = defaultdict(list)  # by top and foot, to a spacing
    for line in [*loose, *down]:
        by_ends[int(line[1] // cell), int(line[2] // cell)].append(line)
    found = []
    for pos, a, b in loose:
        ends = [(top, foot) for top in range(int(a // cell) - 1, int(a // cell) + 2)
                for foot in range(int(b // cell) - 1, int(b // cell) + 2)]  # fmt: skip
        near = (line for at in ends for line in by_ends.get(at, ()))
        alike = sorted(x for x, top, bottom in near if abs(top - a) <= spaced and abs(bottom - b) <= spaced)
        gaps = [right - left for left, right in pairwise(alike)]
        # a cell's width apart, or a double rule's two lines: nothing of the same height between (a stroke of text)
        if all(gap <= spaced or gap >= apart for gap in gaps) and 1 + sum(gap >= apart for gap in gaps) >= need:
            found.append((pos, a, b))
    return found


def dashes(dark: Image.Image, dpi: float) -> list[tuple[float, int, int, float]]:
    """Thin pieces of ink at least `stone_mm` long joined across gaps of up to `seal_gap_mm` along one line."""
    s = tuned().raster
    thin = max(s.min_thin_px, pixels(s.thin_mm, dpi))
    stone = max(s.min_stone_px, round(pixels(s.stone_mm, dpi)))
    # thin, and on a row or two of pixels: a ruling's runs joined to the strokes of the text under it make a span as
    # thin for its length (its ink over its length) but many rows deep, its middle no line's
    pieces = [
        ((first + last) / 2, a, b, t)
        for first, last, a, b, t in spans(dark, stone, dpi)
        if t <= thin and last - first < thin
    ]
    return bridged(pieces, pixels(s.seal_gap_mm, dpi))


def dashed(
    dark: Image.Image, across: list[tuple[float, int, int]], down: list[tuple[float, int, int]], dpi: float
) -> list[tuple[float, int, int]]:
    """Rows of a table ruled in dashes: a light border that a black-and-white scan thresholds into pieces of 1.5–9
    mm a few pixels apart (Chromium's cell borders at 150 dpi), most shorter than a ruling. Thin pieces on one line
    joined across gaps of up to `seal_gap_mm` (`dashes`) make a row ruling where the line runs from one column
    ruling to another across a third: the strokes of a line of text join too, but never across a column ruling.
    Where a column ruling crosses, the gap is wider (the cell spacing and the corner, 3–4 mm): up to
    `crossing_gap_mm` is joined there, and a line's ends may stop as short of their columns. A line the rulings
    found already cover is not added again. Looked for only between the column rulings' ends (the tables)."""
    s = tuned().raster
    spaced, gap = pixels(s.spaced_mm, dpi), pixels(s.seal_gap_mm, dpi)
    top = max(0, math.floor(min(a for _, a, _ in down) - gap))
    bottom = min(dark.size[1], math.ceil(max(b for _, _, b in down) + gap))
    band = [(pos + top, a, b, t) for pos, a, b, t in dashes(dark.crop((0, top, dark.size[0], bottom)), dpi)]
    reach = pixels(s.crossing_gap_mm, dpi)

    def at_column(pos: float, end: int, start: int) -> bool:
        return 0 <= start - end <= reach and any(
            end - spaced <= x <= start + spaced and a - spaced <= pos <= b + spaced for x, a, b in down
        )

    found = []
    for pos, start, end, _ in bridged(band, gap, at_column):
        # its first and last dash may stop short of the column by as much as where a column crosses (the corner)
        left, right = column_by(down, start, pos, reach), column_by(down, end, pos, reach)
        if left is None or right is None:
            continue
        crossed = any(left < x < right and a - spaced <= pos <= b + spaced for x, a, b in down)
        covered = sum(
            min(b, right) - max(a, left)
            for at, a, b in across
            if abs(at - pos) <= s.same_line_px and a < right and b > left
        )
        if crossed and covered < s.dashed_covered * (right - left):
            found.append((pos, round(left), round(right)))
    return found
