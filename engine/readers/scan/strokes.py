"""Runs of ink on a page image joined into lines (nianbao.engine.readers.scan.raster finds the rulings among them).

A ruling is ink nearly all along; runs on neighbouring rows of pixels that overlap are one line, its thickness its ink
over its length. A seal's ring is no line, and pieces of one line parted by a short gap (a seal's stroke across it, a
light speck) are joined.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from nianbao.engine.readers.scan.filters import row_runs
from nianbao.engine.readers.scan.settings import pixels, tuned

if TYPE_CHECKING:
    from PIL import Image


def mended(dark: Image.Image, shortest: int, long: float, dpi: float) -> list[tuple[float, int, int, float]]:
    """The lines of `dark` (spans: each at its middle row, with its thickness), and the long ones found again with
    each row's ink joined to the next row's.

    A thin ruling that a scan lays across two rows of pixels is grey in each, and light specks break both rows into
    pieces shorter than a ruling; the two rows together are whole. Only a line at least `long` is taken from the
    joined rows, in place of the pieces it covers: joined, the strokes of a line of text make runs of `rule_mm`."""
    joined = [
        ((first + last + 1) / 2, start, end, thick - 1)  # its middle half a row lower, one row less thick
        for first, last, start, end, thick in spans(two_rows(dark), shortest, dpi)
        if end - start >= long
    ]
    single = [((first + last) / 2, start, end, thick) for first, last, start, end, thick in spans(dark, shortest, dpi)]
    kept = [
        line
        for line in single
        if not any(abs(pos - line[0]) <= 1.5 and start <= line[1] and line[2] <= end for pos, start, end, _ in joined)
    ]
    return sorted(kept + joined)


def two_rows(dark: Image.Image) -> Image.Image:
    """Each row's ink with the next row's."""
    from PIL import ImageChops

    below = dark.crop((0, 1, dark.size[0], dark.size[1] + 1))  # shifted up one row, the last row blank
    return ImageChops.lighter(dark, below)


class Faint:
    """Where a ruling runs on faintly: a colour seal's ring laid along it for a stretch (at a tangent) leaves it in the
    red channel lighter than ink, yet darker than the paper either side of it, all along."""

    def __init__(self, grey: Callable[[], Image.Image], dpi: float) -> None:
        s = tuned().raster
        self._grey = grey  # the page, or the page turned on its side for the columns: made only when asked
        self.far = pixels(s.faint_gap_mm, dpi)
        side = max(3, round(pixels(s.faint_side_mm, dpi)))
        self.sides = (-2 * side, -side, side, 2 * side)  # the paper: the lightest of these (another line may run by)

    @cached_property
    def _pixels(self) -> tuple[bytes, int, int]:
        grey = self._grey()
        return grey.tobytes(), *grey.size

    def along(self, pos: float, start: int, end: int) -> bool:
        """Whether a line runs along row `pos` from `start` to `end`, darker by `faint_contrast` than the paper
        beside it (the lightest of the rows once and twice `faint_side_mm` either side: a seal's star or ring may
        edge one of them) at `faint_share` of its length at least."""
        s = tuned().raster
        if end - start > self.far:
            return False
        data, width, height = self._pixels
        row = round(pos)
        if not -self.sides[0] <= row < height - self.sides[-1]:
            return False
        darker = 0
        for x in range(max(0, start), min(width, end)):
            line = min(data[(row + d) * width + x] for d in (-1, 0, 1))
            paper = max(data[(row + d) * width + x] for d in self.sides)
            darker += line <= paper - s.faint_contrast
        return darker >= s.faint_share * (end - start)


def bridged(
    lines: list[tuple[float, int, int, float]], gap: float, across: Callable[[float, int, int], bool] | None = None
) -> list[tuple[float, int, int, float]]:
    """Pieces of one line parted by a short gap joined: where a seal's stroke crosses a ruling, the red channel
    (or a darker threshold) erases the ruling under it, and the two cells on either side would run into one. A
    longer gap is joined where `across(pos, end, start)` says the line goes on across it (Faint.along: the ring laid
    along the ruling; a column ruling crossing a dashed row where the corner leaves a wider gap).

    A piece continues the line whose last piece lies within `same_line_px` across of it, not its first: a photo's
    perspective undone leaves a long ruling leaning a few pixels over the page, a pixel or less from piece to piece
    (a browser's double rule's two lines, four pixels apart, stay two)."""
    same_line = tuned().raster.same_line_px
    reach = math.ceil(same_line)
    joined: list[_Joined] = []
    by_pos: dict[int, list[_Joined]] = defaultdict(list)  # by the pixel its last piece lies on

    def continues(line: _Joined, pos: float, start: int) -> bool:
        if abs(line.last - pos) > same_line:
            return False
        return start - line.end <= gap or (across is not None and across((line.last + pos) / 2, line.end, start))

    for pos, start, end, thick in sorted(lines, key=lambda line: (line[1], line[0])):
        near = [line for at in range(round(pos) - reach, round(pos) + reach + 1) for line in by_pos.get(at, ())]
        near = [line for line in near if continues(line, pos, start)]
        if near:
            line = min(near, key=lambda line: abs(line.last - pos))
            bucket = by_pos[round(line.last)]
            del bucket[next(i for i, other in enumerate(bucket) if other is line)]
            line.end, line.thick, line.last = max(line.end, end), max(line.thick, thick), pos
        else:
            line = _Joined(pos, start, end, thick, pos)
            joined.append(line)
        by_pos[round(pos)].append(line)
    return sorted((line.pos, line.start, line.end, line.thick) for line in joined)


def carried(
    lines: list[tuple[float, int, int]],
    crossing: list[tuple[float, int, int]],
    ink: Image.Image,
    faint: Faint,
    dpi: float,
) -> list[tuple[float, int, int]]:
    """Rulings carried on across the cells where a seal crossed them out: a ruling that stops goes on, crossing ruling
    by crossing ruling (within `carried_mm` of where it stopped), where its line leaves no gap wider than a light
    speck (`gap` pixels) that does not run on faintly (Faint.along). A colour seal's ring laid along a column ruling
    erases it in the red channel for up to 17 mm, through a short row (a table 四's row of figures, 5.6 mm tall) and
    into the row above; what is left is shorter than any line looked for, and the two cells beside it read as one.
    A line that stops for a merged cell leaves paper there (the strokes of the cell's text along its line have paper
    between them); one that stops at a table's edge has no crossing ruling near beyond it.

    `lines` run along the rows of `ink` (ink 255; the page turned on its side for the columns), `crossing` across
    them; pixels."""
    import numpy as np

    s = tuned().raster
    # a double rule's second line is the same border, not a cell beyond
    spaced, most = pixels(s.spaced_mm, dpi), pixels(s.carried_mm, dpi)
    data = np.asarray(ink) == 255

    def goes_on(pos: float, low: float, high: float) -> bool:
        row, first = round(pos), math.ceil(low)
        along = data[max(0, row - 1) : row + 2, first : math.floor(high) + 1].any(axis=0)
        _, starts, ends = row_runs(~along[None, :])  # the stretches without ink
        return all(
            b - a <= (spaced if a <= spaced or b >= len(along) - spaced else s.gap)
            or faint.along(pos, first + a, first + b)
            for a, b in zip(starts.tolist(), ends.tolist(), strict=True)
        )  # at its ends, the cell spacing between a cell's border and a double rule's other line

    out = []
    for pos, start, end in lines:
        for stop, way in ((start, -1), (end, 1)):
            beyond = sorted(
                (at - stop) * way
                for at, a, b in crossing
                if a - spaced <= pos <= b + spaced and spaced < (at - stop) * way <= most
            )
            reached = 0.0
            for far in beyond:
                if not goes_on(pos, *sorted((stop + reached * way, stop + far * way))):
                    break
                reached = far
            if reached:
                low, high = sorted((stop, stop + reached * way))
                out.append((pos, round(low), round(high)))
    return out


@dataclass(slots=True)
class _Joined:
    pos: float  # its first piece's
    start: int
    end: int
    thick: float
    last: float  # the pos of its last piece


def along(across: list[tuple[float, int, int]], first: int, last: int, start: int, end: int, slack: float) -> bool:
    """Whether a row ruling runs where rows `first` to `last` do from `start` to `end`: a dark ruling's blurred
    edges, lighter than ink, lie beside it."""
    return any(first - slack - 1 <= pos <= last + slack + 1 and a < end and start < b for pos, a, b in across)


def column_by(down: list[tuple[float, int, int]], x: float, y: float, slack: float) -> float | None:
    """The column ruling nearest the point (x, y), within `slack` pixels across and passing its row; None if none."""
    near = [pos for pos, start, end in down if abs(pos - x) <= slack and start - slack <= y <= end + slack]
    return min(near, key=lambda pos: abs(pos - x)) if near else None


def meets(across: list[tuple[float, int, int]], x: float, y: float, slack: float) -> bool:
    """Whether a horizontal ruling passes within `slack` pixels of the point (x, y)."""
    return any(abs(pos - y) <= slack and start - slack <= x <= end + slack for pos, start, end in across)


def runs(image: Image.Image, shortest: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of every run of ink (255) at least `shortest` long, across gaps of up to `gap` pixels (the
    light specks of a scan), row by row and left to right: all rows at once, by where the ink starts and stops."""
    import numpy as np

    s = tuned().raster
    rows, starts, ends = row_runs(np.asarray(image) == 255)
    if not len(starts):
        return []
    parted = np.ones(len(starts), dtype=bool)  # a run that begins a new one: on another row, or past a gap
    parted[1:] = (rows[1:] != rows[:-1]) | (starts[1:] - ends[:-1] > s.gap)
    first = np.flatnonzero(parted)
    last = np.append(first[1:], len(starts)) - 1
    begin, stop = starts[first], ends[last]
    inked = np.add.reduceat(ends - starts, first)
    # A ruling is ink nearly all along; characters' strokes bridged across their gaps are not.
    kept = (stop - begin >= shortest) & (inked >= s.fill * (stop - begin))
    return list(zip(rows[first][kept].tolist(), begin[kept].tolist(), stop[kept].tolist(), strict=True))


@dataclass
class _Span:
    first: int  # row
    last: int
    start: int
    end: int
    runs: list[tuple[int, int, int]]  # each row's run: row, start, end


def spans(image: Image.Image, shortest: int, dpi: float) -> list[tuple[int, int, int, int, float]]:
    """Runs on neighbouring rows that overlap joined into one line: (first row, last row, start, end, thickness). An
    arc is no ruling: the top of a seal's ring printed dark, whose rows grow longer the deeper they lie in its
    stroke; nor are the rows a speck cut from it. A ruling the ring touches is kept, without the ring.

    A line's thickness is its ink over its length, not its rows: a ruling blurred or leaning across one more row of
    pixels along part of its length (a 1-point ruling at 200 dpi: three whole rows and half a fourth) is no thicker
    for it, while a title's stroke is as thick all along."""
    open_lines: list[_Span] = []
    done: list[_Span] = []
    for row, start, end in runs(image, shortest):
        for line in open_lines:
            if line.last >= row - 1 and start < line.end and end > line.start:
                line.last, line.start, line.end = row, min(line.start, start), max(line.end, end)
                line.runs.append((row, start, end))
                break
        else:
            open_lines.append(_Span(row, row, start, end, [(row, start, end)]))
        still = []
        for line in open_lines:
            (still if line.last >= row - 1 else done).append(line)
        open_lines = still
    done += open_lines
    lines, arcs = [], []
    arc_px = pixels(tuned().raster.arc_mm, dpi)
    thin = max(tuned().raster.min_thin_px, pixels(tuned().raster.thin_mm, dpi))
    for line in done:
        if line.end - line.start >= arc_px or not _arc(line, thin):
            lines.append((line.first, line.last, line.start, line.end, _thickness(line.runs)))
            continue
        arcs.append(line)
        core = _core(line)
        if core:
            lines.append(core)
    return [line for line in lines if not any(_beside(line, arc) for arc in arcs)]


def _thickness(runs: list[tuple[int, int, int]]) -> float:
    start, end = min(run[1] for run in runs), max(run[2] for run in runs)
    return sum(b - a for _, a, b in runs) / max(end - start, 1)


def _core(arc: _Span) -> tuple[int, int, int, int, float] | None:
    """A ruling the ring ran into: the rows far longer than all the others (first, last, start, end, thickness), if
    any."""
    inked = _inked(arc)
    longest = max(inked.values())
    s = tuned().raster
    core = [row for row, ink in inked.items() if ink >= s.straight * longest]
    if any(ink > longest / s.alone for row, ink in inked.items() if row not in core):
        return None
    runs = [run for run in arc.runs if run[0] in core]
    return min(core), max(core), min(start for _, start, _ in runs), max(end for *_, end in runs), _thickness(runs)


def _inked(line: _Span) -> dict[int, int]:
    """Each row's ink (a speck may cut a row's run in two)."""
    inked: dict[int, int] = {}
    for row, start, end in line.runs:
        inked[row] = inked.get(row, 0) + end - start
    return inked


def _beside(line: tuple[int, int, int, int, float], arc: _Span) -> bool:
    """Whether a line lies along an arc, a row or two off its edge (a speck cut it from the arc)."""
    first, last, start, end, _ = line
    return start < arc.end and end > arc.start and (0 < arc.first - last <= 2 or 0 < first - arc.last <= 2)


def _arc(line: _Span, thin: float) -> bool:
    """An arc's rows are nested, each deeper one longer, the deepest as long as the whole. (A straight line a
    little tilted also has short rows, but side by side, none as long as the whole; or, no thicker than a ruling
    (`thin` rows), whole rows in its middle and short ones on both sides of them, where it leans or a scan's steps
    jog it a pixel. A seal's stroke is three times as thick, and the rows beyond its middle split around the ring.)"""
    inked = _inked(line)
    lengths = sorted(inked.values())
    longest = lengths[-1]
    s = tuned().raster
    # the whole is what the rows not yet split around the ring's inside cover: the split rows reach beyond it
    rows = Counter(row for row, _, _ in line.runs)
    whole = [run for run in line.runs if rows[run[0]] == 1] or line.runs
    nested = longest >= s.nested * (max(end for *_, end in whole) - min(start for _, start, _ in whole))
    if not (len(lengths) > s.arc_rows and nested and lengths[len(lengths) // 4] < s.straight * longest):
        return False
    if line.last - line.first + 1 > thin:
        return True
    short = [row for row, ink in inked.items() if ink < s.straight * longest]
    whole = [row for row in inked if row not in short]
    return not (min(short) < min(whole) and max(short) > max(whole))
