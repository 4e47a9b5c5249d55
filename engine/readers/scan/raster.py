"""Page images (scans) to what the grid builder takes: the page straightened and its ruling lines found.

A scanned page is tilted by a degree or two and carries a red seal. The seal goes by reading the red channel (red ink
is as bright as paper there, black text stays black). The tilt is measured by projection profiles: the angle that
makes the dark pixels' row sums most uneven is the one that lines the rows up. Ruling lines are then runs of dark
pixels much longer than any character, found on all rows (and columns) at once by where ink starts and stops.
Needs Pillow and numpy (the `ocr` extra).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from nianbao.engine.readers.pipeline.grid import Segment
from nianbao.engine.readers.scan import light_borders
from nianbao.engine.readers.scan.filters import lightest
from nianbao.engine.readers.scan.settings import POINTS_PER_INCH, pixels, tuned
from nianbao.engine.readers.scan.strokes import (
    Faint,
    along,
    bridged,
    carried,
    column_by,
    meets,
    mended,
    spans,
    two_rows,
)

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


def rulings(page: Image.Image, dpi: float, dashed: bool = False) -> list[Segment]:
    """The ruling lines of a straightened grey page, in points from the top left (as a PDF page's): each run of ink
    of at least `rule_mm`, runs on neighbouring rows (a line's thickness) joined into one (strokes). `dashed`: the
    page was thresholded to black and white at a low resolution, and light borders may have broken into dashes
    (light_borders.dashed)."""
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
    faint_rows = Faint(lambda: grey, dpi)
    # Only what is a ruling on its own is bridged: strokes of a heading's large type, joined, would pass as one.
    across = [
        (pos, a, b)
        for pos, a, b, _ in bridged(
            [ln for ln in mended(dark, shortest, long, dpi) if ruled(ln)], gap, faint_rows.along
        )
    ]
    faint_columns = Faint(lambda: grey.transpose(Image.Transpose.TRANSPOSE), dpi)
    spaced = pixels(s.spaced_mm, dpi)
    down, loose = [], []
    for pos, a, b, thick in bridged(
        [ln for ln in mended(upright, short, long, dpi) if ruled(ln)], gap, faint_columns.along
    ):
        if b - a >= long:
            down.append((pos, a, b))
        elif thick > thin:
            continue
        elif b - a >= shortest or (meets(across, pos, a, meet) and meets(across, pos, b, meet)):
            down.append((pos, a, b))
        elif meets(across, pos, a, spaced) or meets(across, pos, b, spaced):
            loose.append((pos, a, b))
    down += carried(down, across, upright, faint_columns, dpi)
    across += carried(across, down, dark, faint_rows, dpi)
    apart = pixels(s.side_apart_mm, dpi)
    down += light_borders.row_sides(light_borders.uncrossed(loose, upright, dpi), down, spaced, apart)
    # A shorter row of ink is a ruling when both its ends come within `spaced_mm` of column rulings: the top and
    # bottom of a narrow cell (a "总计" column, 8.5 mm) in a table a browser draws with its default spacing, each cell
    # a box of its own, lighter on its right (Chromium's inset border) than the table's own border beyond the spacing.
    # It is drawn from ruling to ruling. A heading's stroke ends in white; a short label's stroke in the padding.
    lighter = page.point(lambda v: 255 if v < s.light_rule else 0)
    # Each row's ink joined to the next row's (as mended's, which takes only long lines so): a thin ruling at a slant
    # steps down a row partway along, and neither row alone reaches from ruling to ruling.
    rows = [
        ((first, last + 1, a, b, thick - 1), False)
        for first, last, a, b, thick in spans(two_rows(dark), short, dpi)
        if b - a < shortest or not along(across, first, last + 1, a, b, s.same_line_px)
    ]
    rows += [(line, True) for line in spans(lighter, short, dpi) if not along(across, *line[:4], s.same_line_px)]
    for (first, last, a, b, thick), light in rows:
        pos = (first + last) / 2
        left, right = column_by(down, a, pos, spaced), column_by(down, b, pos, spaced)
        if thick > thin or left is None or right is None or left >= right:
            continue
        if light and not any(left <= x <= right and abs(stop - pos) <= meet for x, _, stop in down):
            continue  # a light row closes only the cells whose sides stop at it
        across.append((pos, round(left), round(right)))
    across += light_borders.dashed(dark, across, down, dpi) if dashed and len(down) > 2 else []
    return [
        *(Segment(True, pos * scale, a * scale, b * scale) for pos, a, b in across),
        *(Segment(False, pos * scale, a * scale, b * scale) for pos, a, b in down),
    ]
