"""A cell's ink without the scan's dust: what is left of a cell crop once specks and ruling stubs are gone.

The crop is thresholded and cut into connected blots of ink (8-neighbourhood). A blot that touches the crop's edge
is a stub of a ruling. A blot much smaller than the biggest is dust. The small blots kept are a decimal point
(low, between two digits) and a minus sign (flat, at mid-height, before them; said apart, not drawn). What remains
is cropped to its box and scaled so that a glyph is `height` pixels tall, on a white canvas a few glyphs wide.
Tesseract reads a lone digit on such a canvas; cropped tight, it often drops it.
Pure Python on bytes: a cell is a few thousand pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

DUST = 0.12  # a blot under this share of the biggest blot's ink is dust
DUST_MM = 0.25  # and a blot under this square is dust whatever the others
GLYPH_MM = 1.0  # a printed figure is at least this tall (a 10.5 pt digit is 2.6 mm)
STAIN_MM = 4.5  # and no wider or taller than this (a 14 pt digit is 3.5 mm; two digits blurred into one, 3 mm wide)
# A blot is on a line of its own below another when a gap of this share of its height parts them: the lines of a
# figure wrapped in its cell stand apart by the leading (about 0.4 of a digit's height), while a glyph a poor scan
# broke in two (the loops of an 8) leaves a pixel or two between its pieces.
LINE_GAP = 0.2
# The lines of a wrapped figure are lines of digits of one size: each line and each glyph in it at least this share
# of the tallest line's height (a 1 is as tall as a 0), and the leading between them at most LINE_LEADING of a line.
LINE_HEIGHTS = 0.8
LINE_LEADING = 1.0


@dataclass
class _Blot:
    pixels: list[int]
    edge: bool
    left: int
    right: int
    top: int
    bottom: int


def _blots(data: bytearray, width: int, height: int) -> list[_Blot]:
    seen = bytearray(len(data))
    out = []
    start = data.find(0)
    while start != -1:
        if not seen[start]:
            seen[start] = 1
            stack, pixels, edge = [start], [], False
            while stack:
                p = stack.pop()
                pixels.append(p)
                y, x = divmod(p, width)
                if x == 0 or y == 0 or x == width - 1 or y == height - 1:
                    edge = True
                for q in (p - width - 1, p - width, p - width + 1, p - 1, p + 1, p + width - 1, p + width,
                          p + width + 1):  # fmt: skip
                    if 0 <= q < len(data) and not data[q] and not seen[q] and abs(q % width - x) <= 1:
                        seen[q] = 1
                        stack.append(q)
            xs = [p % width for p in pixels]
            ys = [p // width for p in pixels]
            out.append(_Blot(pixels, edge, min(xs), max(xs), min(ys), max(ys)))
        start = data.find(0, start + 1)
    return out


@dataclass
class Glyphs:
    image: Image.Image
    # The reading may be wrong: a flat mark near the figure's left was not taken for a minus sign (the sign may be
    # lost), or a seal stained the cell (nianbao.engine.readers.scan.ocr).
    doubt: bool = False
    # A minus sign stood before the digits. It is left out of the image: scaled with the digits, a hyphen is a speck
    # Tesseract skips.
    minus: bool = False
    # Ink no figure makes lies in the cell at this threshold: a seal printed dark (see glyphs).
    stained: bool = False


def glyphs(crop: Image.Image, dpi: float, threshold: int, height: int) -> Glyphs | None:
    """The crop's glyphs, clean, scaled to `height` px on a white canvas; None when the cell holds no ink."""

    width, tall = crop.size
    if width < 3 or tall < 3:
        return None
    data = bytearray(crop.point(lambda v: 255 if v > threshold else 0).tobytes())
    every = _blots(data, width, tall)
    stub, stain = _stub(dpi), STAIN_MM / 25.4 * dpi

    def thin(b: _Blot) -> bool:
        return min(b.right - b.left, b.bottom - b.top) <= stub

    def long(b: _Blot) -> bool:
        return max(b.right - b.left, b.bottom - b.top) >= stain

    def by_edge(b: _Blot) -> bool:  # within a stub's width of the crop's edge: where a ruling ran
        return min(b.left, b.top, width - 1 - b.right, tall - 1 - b.bottom) <= stub

    # A ruling's stub: thin ink at the edge, or thin and by the edge or longer than any figure (a ruling the
    # painting-out missed by a pixel or two; no printed glyph stands that close to its cell's border).
    # A seal's ring, star or lettering printed black (a grey or black-and-white scan has no red channel to drop it
    # by) may hide a digit or join it: thick ink across the edge, or a thick blot larger than any printed figure.
    # The figure is then read at a darker threshold, and doubted (nianbao.engine.readers.scan.ocr).
    blots = [b for b in every if not b.edge and not (thin(b) and (long(b) or by_edge(b)))]
    stained = any(not thin(b) and (b.edge or long(b)) for b in every)
    dust = max(3, round((DUST_MM / 25.4 * dpi) ** 2))
    if not blots:
        return None
    biggest = max(blots, key=lambda b: len(b.pixels))
    if len(biggest.pixels) < dust or max(b.bottom - b.top for b in blots) + 1 < GLYPH_MM / 25.4 * dpi:
        return None  # dust only: no blot is as tall as the smallest printed figure
    floor = max(dust, DUST * len(biggest.pixels))
    tall_enough = 0.5 * (biggest.bottom - biggest.top)
    kept = [b for b in blots if len(b.pixels) >= floor and b.bottom - b.top >= tall_enough]
    small = [b for b in blots if b not in kept and len(b.pixels) >= 2]
    lines = _lines(kept)
    if len(lines) > 1 and not _wrapped(lines):
        lines = [sorted(kept, key=lambda b: b.left)]
    # A figure too long for its narrow cell wraps ("300000" over "9"): its lines are set side by side, one line to
    # read, each with its own decimal point; a minus sign can only open the first.
    parts = []
    minus = None
    doubt = False
    for number, line in enumerate(lines):
        top, bottom = min(b.top for b in line), max(b.bottom for b in line)
        near = [b for b in small if top <= (b.top + b.bottom) / 2 <= bottom]
        points, sign = _marks(line, near)
        if number == 0:
            minus = sign
            doubt = _dash_left(line, [b for b in near if b not in points and b is not sign])
        parts.append(line + points)
    return Glyphs(_canvas(parts, width, tall, height), doubt, minus is not None, stained)


def _lines(blots: list[_Blot]) -> list[list[_Blot]]:
    """The figure's blots by line, top to bottom: a blot starting a clear gap below the line above starts a line."""
    lines: list[list[_Blot]] = []
    for blot in sorted(blots, key=lambda b: b.top):
        if lines and blot.top - max(b.bottom for b in lines[-1]) < LINE_GAP * (blot.bottom - blot.top + 1):
            lines[-1].append(blot)
        else:
            lines.append([blot])
    return [sorted(line, key=lambda b: b.left) for line in lines]


def _wrapped(lines: list[list[_Blot]]) -> bool:
    """Whether lines of ink are a figure's wrapped lines: lines of glyphs of one height (within LINE_HEIGHTS of the
    tallest line), each as tall as its line, parted by a leading (at most LINE_LEADING of a line's height). A seal's
    fragments above or below a figure, or a glyph a poor scan broke apart, are none of these."""
    heights = [max(b.bottom for b in line) - min(b.top for b in line) + 1 for line in lines]
    tallest = max(heights)
    if min(heights) < LINE_HEIGHTS * tallest:
        return False
    for line, height in zip(lines, heights, strict=True):
        if any(b.bottom - b.top + 1 < LINE_HEIGHTS * height for b in line):
            return False
    for above, below, height in zip(lines, lines[1:], heights, strict=False):
        if min(b.top for b in below) - max(b.bottom for b in above) > LINE_LEADING * height:
            return False
    return True


def _canvas(parts: list[list[_Blot]], width: int, tall: int, height: int) -> Image.Image:
    """Each part's ink cropped, scaled to `height` px, set left to right on a white canvas a few glyphs wide."""
    from PIL import Image

    images = []
    for blots in parts:
        clean = bytearray(b"\xff" * (width * tall))
        for blot in blots:
            for p in blot.pixels:
                clean[p] = 0
        left, right = min(b.left for b in blots), max(b.right for b in blots)
        top, bottom = min(b.top for b in blots), max(b.bottom for b in blots)
        image = Image.frombytes("L", (width, tall), bytes(clean)).crop((left, top, right + 1, bottom + 1))
        scale = height / max(1, image.size[1])
        images.append(image.resize((max(1, round(image.size[0] * scale)), height), Image.Resampling.LANCZOS))
    gap = height // 4
    wide = sum(image.size[0] for image in images) + gap * (len(images) - 1)
    margin = height // 2
    canvas = Image.new("L", (max(wide + 2 * margin, 6 * height), height + 2 * margin), 255)
    x = (canvas.size[0] - wide) // 2
    for image in images:
        canvas.paste(image, (x, margin))
        x += image.size[0] + gap
    return canvas


def _marks(digits: list[_Blot], small: list[_Blot]) -> tuple[list[_Blot], _Blot | None]:
    """The small blots that belong to a figure: decimal points (low, between two digits) and a minus sign (flat,
    at mid-height, just before the digits)."""
    left, right = min(b.left for b in digits), max(b.right for b in digits)
    top, bottom = min(b.top for b in digits), max(b.bottom for b in digits)
    middle, tall = (top + bottom) / 2, bottom - top
    points = [b for b in small if left < b.left and b.right < right and b.top > middle and b.bottom <= bottom + 1]
    dashes = [
        b
        for b in small
        if left - tall * 0.8 <= b.right < left
        and b.right - b.left + 1 >= max(1.3 * _thickness(b), 0.2 * tall)  # blurred, a hyphen is fat
        and abs((b.top + b.bottom) / 2 - middle) <= 0.3 * tall
    ]
    return points, max(dashes, key=lambda b: b.right, default=None)


def _dash_left(kept: list[_Blot], left_out: list[_Blot]) -> bool:
    """Whether a mark wider than tall stands near the figure's left at mid-height, yet was not taken for a minus."""
    left = min(b.left for b in kept)
    top, bottom = min(b.top for b in kept), max(b.bottom for b in kept)
    middle, tall = (top + bottom) / 2, bottom - top
    return any(
        left - tall <= b.right < left
        and b.right - b.left + 1 >= max(1.2 * _thickness(b), 0.15 * tall)  # not a speck
        and abs((b.top + b.bottom) / 2 - middle) <= 0.3 * tall
        for b in left_out
    )


def _thickness(blot: _Blot) -> float:
    """A blot's mean height: its ink over its width (a speck stuck to a hyphen makes its box tall, not its ink)."""
    return len(blot.pixels) / (blot.right - blot.left + 1)


def edge_ink(crop: Image.Image, dpi: float, threshold: int) -> bool:
    """Whether ink that is not a ruling's stub touches the crop's edge: a cell that reads blank for it (its glyph cut
    by the inset, or joined to a ruling by a speck) is not trusted to be blank."""
    width, tall = crop.size
    if width < 3 or tall < 3:
        return False
    data = bytearray(crop.point(lambda v: 255 if v > threshold else 0).tobytes())
    return any(b.edge and min(b.right - b.left, b.bottom - b.top) > _stub(dpi) for b in _blots(data, width, tall))


def _stub(dpi: float) -> int:
    """The thickest a ruling's stub left at a cell's edge is, in pixels (half a millimetre)."""
    return max(3, round(dpi / 50))
