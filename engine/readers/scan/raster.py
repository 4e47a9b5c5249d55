"""Page images (scans) to what the grid builder takes: the page straightened and its ruling lines found.

A scanned page is tilted by a degree or two and carries a red seal. The seal goes by reading the red channel (red ink
is as bright as paper there, black text stays black). The tilt is measured by projection profiles: the angle that
makes the dark pixels' row sums most uneven is the one that lines the rows up. Ruling lines are then runs of dark
pixels much longer than any character, found on all rows (and columns) at once by where ink starts and stops.
Needs Pillow and numpy (the `ocr` extra).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from nianbao.engine.readers.pipeline.grid import Segment
from nianbao.engine.readers.scan.filters import lightest, row_runs
from nianbao.engine.readers.scan.settings import POINTS_PER_INCH, pixels, tuned

if TYPE_CHECKING:
    from PIL import Image


def ink(page: Image.Image) -> Image.Image:
    """The page in grey with the seal gone: its red channel (or the grey page itself).

    Under the seal, print shows as two seals make it. A thin seal multiplies: print under it stays black, its
    anti-aliased edges a dull red, and dividing by the seal's own red gives the print back as it was. A dense seal is
    laid over the print: a black stroke shows through only as a red duller than the seal's (180 against 220), with no
    black core anywhere, and in the red channel both are light; there the red channel is stretched from the seal's
    own level down (`seal_stretch`, nianbao.engine.readers.scan.settings), so the print reads as ink and the seal as
    paper. Which a dull red pixel is, is told by black beside it."""
    if page.mode != "RGB":
        return page.convert("L")
    from PIL import Image, ImageChops

    s = tuned().raster
    red, green, _ = page.split()
    chroma = ImageChops.subtract(red, green)
    seal = chroma.point(lambda v: 255 if v > s.seal_chroma else 0)
    counts = red.histogram(mask=seal)
    total = sum(counts)
    if total < s.seal_pixels:
        return red
    level, seen = 0, 0
    while seen < total / 2:  # the seal's own ink: the median red of its pixels (most of a seal lies on paper)
        seen += counts[level]
        level += 1
    black = ImageChops.multiply(
        red.point(lambda v: 255 if v < s.seal_black else 0), chroma.point(lambda v: 255 if v <= s.seal_chroma else 0)
    )
    near_black = lightest(black, s.seal_edge_px)
    divided = red.point(lambda v: min(255, round(v * 255 / max(level, 1))))
    stretched = red.point(lambda v: max(0, min(255, round(255 - (level - v) * s.seal_stretch))))
    under = Image.composite(divided, stretched, near_black)
    return Image.composite(under, red, seal)


def skew(page: Image.Image, limit: float | None = None) -> float:
    """The page's tilt in degrees (counter-clockwise positive, as `Image.rotate` takes it): the angle whose row
    profile of ink is most uneven, searched coarsely over ±limit (the settings' `max_skew`), then finely around the
    best. The profile at an angle is where that turn would put the thumbnail's ink pixels, each shared between the
    two rows it falls between (numpy): on 28 real-layout pages tilted up to 9.5°, grey and black-and-white, within
    0.04° of the tilt at a quarter of the time of turning the thumbnail at each angle and counting its rows (0.10°:
    a pixel lands in one row or the next, and the profile jumps between neighbouring angles)."""
    import numpy as np

    s = tuned().raster
    limit = s.max_skew if limit is None else limit
    small = page.convert("L")
    small.thumbnail((s.skew_side, s.skew_side))
    ink = np.asarray(small) < s.dark
    ys, xs = np.nonzero(ink)
    ys = ys - (ink.shape[0] - 1) / 2
    xs = xs - (ink.shape[1] - 1) / 2

    def unevenness(angle: float) -> tuple[float, float]:
        turn = math.radians(angle)
        at = ys * math.cos(turn) + xs * math.sin(turn)
        below = np.floor(at)
        share = at - below
        rows = (below - below.min()).astype(np.int64) if at.size else below.astype(np.int64)
        size = int(rows.max()) + 2 if rows.size else 0
        counts = np.bincount(rows, 1 - share, size) + np.bincount(rows + 1, share, size)
        return float(np.dot(counts, counts)), -abs(angle)  # a tie (a blank page) is no tilt

    steps = round(limit / s.coarse_step)
    coarse = max((i * s.coarse_step for i in range(-steps, steps + 1)), key=unevenness)
    fine = round(s.coarse_step / s.fine_step)
    angles = [coarse + i * s.fine_step for i in range(-fine, fine + 1) if abs(coarse + i * s.fine_step) <= limit]
    return round(max(angles, key=unevenness), 2)


def straightened(page: Image.Image, angle: float) -> Image.Image:
    """The page turned back by its tilt, bicubic: a thin ruling or a 7-point digit keeps its strokes, which whole
    pixels (three shears) and bilinear blending lose (benchmarks/reading.py, by shears: grey 200 dpi 99.7 → 97.7 %,
    with a seal 99.7 → 95.1 %, 淮安市 tilted 10° 82 %). Only the box where something is printed is worked out (a
    real page's print covers 56–65 % of it), the same pixels as Pillow's whole turn there; the margins around it
    are paper, their noise left out. On an A4 page at 200 dpi 0.075 s against 0.1."""
    from PIL import Image

    if not angle:
        return page
    s = tuned().raster
    width, height = page.size
    box = _printed(page, s.print_ink, s.print_least) if page.mode == "L" else None
    # Pillow's own matrix for rotate(-angle) about the page's middle: where each turned pixel comes from
    turn = math.radians(angle)
    a, b, d, e = (round(v, 15) for v in (math.cos(turn), math.sin(turn), -math.sin(turn), math.cos(turn)))
    cx, cy = width / 2, height / 2
    c, f = cx - a * cx - b * cy, cy - d * cx - e * cy
    left, top, right, bottom = 0, 0, width, height  # the whole page, as Pillow's rotate turns it
    if box is not None:
        # where the box's corners land (the inverse turn), with room for the bicubic's reach
        x0, y0, x1, y1 = box[0] - 3, box[1] - 3, box[2] + 3, box[3] + 3
        landed = [(a * (x - c) + d * (y - f), b * (x - c) + e * (y - f)) for x in (x0, x1) for y in (y0, y1)]
        region = (
            max(0, math.floor(min(p[0] for p in landed))),
            max(0, math.floor(min(p[1] for p in landed))),
            min(width, math.ceil(max(p[0] for p in landed))),
            min(height, math.ceil(max(p[1] for p in landed))),
        )
        area = max(0, region[2] - region[0]) * max(0, region[3] - region[1])
        if 0 < area <= s.box_share * width * height:
            left, top, right, bottom = region
    matrix = (a, b, c + a * left + b * top, d, e, f + d * left + e * top)
    turned = page.transform((right - left, bottom - top), Image.Transform.AFFINE, matrix, Image.Resampling.BICUBIC,
                            fillcolor=255)  # fmt: skip
    if (left, top, right, bottom) == (0, 0, width, height):
        return turned
    out = Image.new("L", page.size, 255)
    out.paste(turned, (left, top))
    return out


def _printed(page: Image.Image, ink: int, least: int) -> tuple[int, int, int, int] | None:
    """The box around the rows and the columns that hold at least `least` pixels darker than `ink` (a faint ruling
    or a line of print does; a speck of dust or noise does not), in the page's pixels; None when none do."""
    import numpy as np

    marked = np.asarray(page) < ink
    rows = np.flatnonzero(np.count_nonzero(marked, axis=1) >= least)
    columns = np.flatnonzero(np.count_nonzero(marked, axis=0) >= least)
    if not rows.size or not columns.size:
        return None
    return int(columns[0]), int(rows[0]), int(columns[-1]) + 1, int(rows[-1]) + 1


def rulings(page: Image.Image, dpi: float) -> list[Segment]:
    """The ruling lines of a straightened grey page, in points from the top left (as a PDF page's): each run of ink
    of at least `rule_mm`, runs on neighbouring rows (a line's thickness) joined into one."""
    from PIL import Image

    s = tuned().raster
    dark = page.point(lambda v: 255 if v < s.dark else 0)
    upright = dark.transpose(Image.Transpose.TRANSPOSE)
    shortest = max(s.min_rule_px, round(pixels(s.rule_mm, dpi)))
    short = max(s.min_short_px, round(pixels(s.short_mm, dpi)))
    meet = pixels(s.meet_mm, dpi)
    long, thin = pixels(s.long_mm, dpi), max(s.min_thin_px, pixels(s.thin_mm, dpi))
    scale = POINTS_PER_INCH / dpi
    gap = pixels(s.seal_gap_mm, dpi)

    def ruled(line: tuple[float, int, int, float]) -> bool:  # long, or thin: a ruling, not a stroke of large type
        return line[2] - line[1] >= long or line[3] <= thin

    grey = page if page.mode == "L" else page.convert("L")
    faint = _Faint(lambda: grey, dpi)
    # Only what is a ruling on its own is bridged: strokes of a heading's large type, joined, would pass as one.
    across = [
        (pos, a, b)
        for pos, a, b, _ in _bridged([ln for ln in _mended(dark, shortest, long, dpi) if ruled(ln)], gap, faint)
    ]
    faint = _Faint(lambda: grey.transpose(Image.Transpose.TRANSPOSE), dpi)
    down = [
        (pos, a, b)
        for pos, a, b, thick in _bridged([ln for ln in _mended(upright, short, long, dpi) if ruled(ln)], gap, faint)
        if b - a >= long
        or (thick <= thin and (b - a >= shortest or (_meets(across, pos, a, meet) and _meets(across, pos, b, meet))))
    ]
    # A shorter row of ink is a ruling when both its ends come within `spaced_mm` of column rulings: the top and
    # bottom of a narrow cell (a "总计" column, 8.5 mm) in a table a browser draws with its default spacing, each cell
    # a box of its own, lighter on its right (Chromium's inset border) than the table's own border beyond the spacing.
    # It is drawn from ruling to ruling. A heading's stroke ends in white; a short label's stroke in the padding.
    spaced = pixels(s.spaced_mm, dpi)
    lighter = page.point(lambda v: 255 if v < s.light_rule else 0)
    # Each row's ink joined to the next row's (as _mended's, which takes only long lines so): a thin ruling at a slant
    # steps down a row partway along, and neither row alone reaches from ruling to ruling.
    rows = [
        ((first, last + 1, a, b, thick - 1), False)
        for first, last, a, b, thick in _spans(_two_rows(dark), short, dpi)
        if b - a < shortest or not _along(across, first, last + 1, a, b, s.same_line_px)
    ]
    rows += [(line, True) for line in _spans(lighter, short, dpi) if not _along(across, *line[:4], s.same_line_px)]
    for (first, last, a, b, thick), light in rows:
        pos = (first + last) / 2
        left, right = _column_by(down, a, pos, spaced), _column_by(down, b, pos, spaced)
        if thick > thin or left is None or right is None or left >= right:
            continue
        if light and not any(left <= x <= right and abs(stop - pos) <= meet for x, _, stop in down):
            continue  # a light row closes only the cells whose sides stop at it
        across.append((pos, round(left), round(right)))
    return [
        *(Segment(True, pos * scale, a * scale, b * scale) for pos, a, b in across),
        *(Segment(False, pos * scale, a * scale, b * scale) for pos, a, b in down),
    ]


def _mended(dark: Image.Image, shortest: int, long: float, dpi: float) -> list[tuple[float, int, int, float]]:
    """The lines of `dark` (_spans: each at its middle row, with its thickness), and the long ones found again with
    each row's ink joined to the next row's.

    A thin ruling that a scan lays across two rows of pixels is grey in each, and light specks break both rows into
    pieces shorter than a ruling; the two rows together are whole. Only a line at least `long` is taken from the
    joined rows, in place of the pieces it covers: joined, the strokes of a line of text make runs of `rule_mm`."""
    joined = [
        ((first + last + 1) / 2, start, end, thick - 1)  # its middle half a row lower, one row less thick
        for first, last, start, end, thick in _spans(_two_rows(dark), shortest, dpi)
        if end - start >= long
    ]
    single = [((first + last) / 2, start, end, thick) for first, last, start, end, thick in _spans(dark, shortest, dpi)]
    kept = [
        line
        for line in single
        if not any(abs(pos - line[0]) <= 1.5 and start <= line[1] and line[2] <= end for pos, start, end, _ in joined)
    ]
    return sorted(kept + joined)


def _two_rows(dark: Image.Image) -> Image.Image:
    """Each row's ink with the next row's."""
    from PIL import ImageChops

    below = dark.crop((0, 1, dark.size[0], dark.size[1] + 1))  # shifted up one row, the last row blank
    return ImageChops.lighter(dark, below)


class _Faint:
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


def _bridged(
    lines: list[tuple[float, int, int, float]], gap: float, faint: _Faint | None = None
) -> list[tuple[float, int, int, float]]:
    """Pieces of one line parted by a short gap joined: where a seal's stroke crosses a ruling, the red channel
    (or a darker threshold) erases the ruling under it, and the two cells on either side would run into one. A
    longer gap is joined where the line runs on faintly across it (_Faint: the ring laid along the ruling).

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
        return start - line.end <= gap or (faint is not None and faint.along((line.last + pos) / 2, line.end, start))

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


@dataclass(slots=True)
class _Joined:
    pos: float  # its first piece's
    start: int
    end: int
    thick: float
    last: float  # the pos of its last piece


def _along(across: list[tuple[float, int, int]], first: int, last: int, start: int, end: int, slack: float) -> bool:
    """Whether a row ruling runs where rows `first` to `last` do from `start` to `end`: a dark ruling's blurred
    edges, lighter than ink, lie beside it."""
    return any(first - slack - 1 <= pos <= last + slack + 1 and a < end and start < b for pos, a, b in across)


def _column_by(down: list[tuple[float, int, int]], x: float, y: float, slack: float) -> float | None:
    """The column ruling nearest the point (x, y), within `slack` pixels across and passing its row; None if none."""
    near = [pos for pos, start, end in down if abs(pos - x) <= slack and start - slack <= y <= end + slack]
    return min(near, key=lambda pos: abs(pos - x)) if near else None


def _meets(across: list[tuple[float, int, int]], x: float, y: float, slack: float) -> bool:
    """Whether a horizontal ruling passes within `slack` pixels of the point (x, y)."""
    return any(abs(pos - y) <= slack and start - slack <= x <= end + slack for pos, start, end in across)


def _runs(image: Image.Image, shortest: int) -> list[tuple[int, int, int]]:
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


def _spans(image: Image.Image, shortest: int, dpi: float) -> list[tuple[int, int, int, int, float]]:
    """Runs on neighbouring rows that overlap joined into one line: (first row, last row, start, end, thickness). An
    arc is no ruling: the top of a seal's ring printed dark, whose rows grow longer the deeper they lie in its
    stroke; nor are the rows a speck cut from it. A ruling the ring touches is kept, without the ring.

    A line's thickness is its ink over its length, not its rows: a ruling blurred or leaning across one more row of
    pixels along part of its length (a 1-point ruling at 200 dpi: three whole rows and half a fourth) is no thicker
    for it, while a title's stroke is as thick all along."""
    open_lines: list[_Span] = []
    done: list[_Span] = []
    for row, start, end in _runs(image, shortest):
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
