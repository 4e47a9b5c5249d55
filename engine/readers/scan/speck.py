"""A cell's ink without the scan's dust: what is left of a cell crop once specks and ruling stubs are gone.

The crop is thresholded and cut into connected blots of ink (8-neighbourhood). A blot that touches the crop's edge
is a stub of a ruling. A blot much smaller than the biggest is dust. The small blots kept are a decimal point
(low, between two digits) and a minus sign (flat, at mid-height, before them; said apart, not drawn). What remains
is cropped to its box and scaled so that a glyph is `height` pixels tall, on a white canvas a few glyphs wide.
Tesseract reads a lone digit on such a canvas; cropped tight, it often drops it.
On bytes, by runs of ink (found for all rows at once by numpy, joined in Python): a cell is a few thousand pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

from nianbao.engine.groups import Groups
from nianbao.engine.readers.scan.filters import darkest, lightest, row_runs
from nianbao.engine.readers.scan.font import Shape, shape
from nianbao.engine.readers.scan.settings import pixels, tuned

if TYPE_CHECKING:
    from PIL import Image


@dataclass
class _Blot:
    pixels: list[int]
    edge: bool
    left: int
    right: int
    top: int
    bottom: int
    runs: list[tuple[int, int, int]]  # each row's runs of its ink: row, start, end (past the last pixel)


def _blots(data: bytearray, width: int, height: int) -> list[_Blot]:
    """The crop's blots of ink (0 bytes), 8-connected, in the order of their first pixel row by row. The runs of ink
    of all rows are found at once, and runs on neighbouring rows that touch, side by side or corner to corner, are
    joined: a few runs a glyph rather than a step a pixel."""
    runs = _ink_runs(data, width, height)  # row, start, end (past the last pixel)
    firsts = [0] * (height + 1)  # where each row's runs start among them
    for row, _, _ in runs:
        firsts[row + 1] += 1
    firsts = list(accumulate(firsts))
    groups = Groups(len(runs))
    for row in range(1, height):
        above, stop = firsts[row - 1], firsts[row]
        for below in range(firsts[row], firsts[row + 1]):
            _, start, end = runs[below]
            while above < stop and runs[above][2] < start:  # ends a column or more before it: touches no later run
                above += 1
            touching = above
            while touching < stop and runs[touching][1] <= end:
                groups.join(touching, below)
                touching += 1
    members: dict[int, list[int]] = {}
    for index in range(len(runs)):
        members.setdefault(groups.find(index), []).append(index)
    out = []
    for root in sorted(members):  # a group is named by its first run: the blot's first pixel, row by row
        pixels: list[int] = []
        left, right = width, 0
        for index in members[root]:
            row, start, end = runs[index]
            pixels.extend(range(row * width + start, row * width + end))
            left, right = min(left, start), max(right, end - 1)
        top, bottom = runs[members[root][0]][0], runs[members[root][-1]][0]
        edge = left == 0 or top == 0 or right == width - 1 or bottom == height - 1
        out.append(_Blot(pixels, edge, left, right, top, bottom, [runs[index] for index in members[root]]))
    return out


def _ink_runs(data: bytearray, width: int, height: int) -> list[tuple[int, int, int]]:
    """Each row's runs of ink (0 bytes), row by row and left to right: (row, start, end past the last pixel)."""
    import numpy as np

    ink = np.frombuffer(data, dtype=np.uint8, count=width * height).reshape(height, width) == 0
    rows, starts, ends = row_runs(ink)
    return list(zip(rows.tolist(), starts.tolist(), ends.tolist(), strict=True))


@dataclass
class Glyphs:
    image: Image.Image
    # The reading may be wrong: a flat mark near the figure's left was not taken for a minus sign (the sign may be
    # lost), or a seal stained the cell (nianbao.engine.readers.scan.ocr).
    doubt: bool = False
    # A minus sign stood before the digits. It is left out of the image: scaled with the digits, a hyphen is a speck
    # Tesseract skips.
    minus: bool = False
    # Ink no figure makes lies near the figure at this threshold: a seal printed dark (see glyphs, _near).
    stained: bool = False
    # A piece of ink within the figure, too small to be a digit and no decimal point, was left out: a digit broken
    # apart (a 4 whose bar a light scan lost reads 1), so the reading may be wrong.
    broken: bool = False
    # Each glyph's shape, left to right, for the document's own font to judge (nianbao.engine.readers.scan.font);
    # empty unless the figure is one line of whole digits alone (no point, no sign, nothing doubted or left out).
    shapes: tuple[Shape, ...] = ()


def glyphs(
    crop: Image.Image,
    dpi: float,
    threshold: int,
    height: int,
    shaped: bool = False,
    seal: Sequence[_Blot] = (),
    grey: bool = True,
) -> Glyphs | None:
    """The crop's glyphs, clean, scaled to `height` px on a white canvas (and each glyph's shape, when `shaped`);
    None when the cell holds no ink. `seal`: a seal's ink already taken out of the crop (without_lighter_seal), which
    makes a figure near it doubted. Not `grey` (black and white, its strokes thickened), ink is not told a seal's by
    its thickness: a low resolution's figure, drawn again and thickened, has strokes as thick."""

    width, tall = crop.size
    if width < 3 or tall < 3:
        return None
    ink = crop.point(lambda v: 255 if v > threshold else 0)
    data = bytearray(ink.tobytes())
    every = _blots(data, width, tall)
    stub, stain = _stub(dpi), pixels(tuned().speck.stain_mm, dpi)

    def thin(b: _Blot) -> bool:
        return min(b.right - b.left, b.bottom - b.top) <= stub

    def long(b: _Blot) -> bool:
        return max(b.right - b.left, b.bottom - b.top) >= stain

    def by_edge(b: _Blot) -> bool:  # within a stub's width of the crop's edge: where a ruling ran
        return min(b.left, b.top, width - 1 - b.right, tall - 1 - b.bottom) <= stub

    # A ruling's stub: thin ink at the edge, or thin and by the edge or longer than any figure (a ruling the
    # painting-out missed by a pixel or two; no printed glyph stands that close to its cell's border); or thin lines
    # longer than any figure along its box's sides alone (_framed: a corner of a cell's inner border).
    # A seal's ring, star or lettering printed black (a grey or black-and-white scan has no red channel to drop it
    # by) may hide a digit or join it: thick ink across the edge, a thick blot larger than any printed figure, or a
    # blot holding ink thicker than any printed stroke.
    # The figure is then read at a darker threshold, and doubted (nianbao.engine.readers.scan.ocr), unless the seal
    # lies clear of a figure that stands whole beside it (_near).
    def ruled(b: _Blot) -> bool:  # a ruling's stub, or a corner of rulings
        return (thin(b) and (long(b) or by_edge(b))) or (long(b) and _framed(b, stub))

    blots = [b for b in every if not b.edge and not ruled(b)]
    s = tuned().speck
    side = 2 * _reach(s.seal_stroke_mm, dpi) + 1
    solid: bytes | None = None  # a seal's ring or star: thicker than any printed stroke (_core), taken when needed

    def thick(b: _Blot) -> bool:
        nonlocal solid
        if not grey or not _may_be_solid(b, side):
            return False
        if solid is None:
            solid = _core(ink, dpi).tobytes()
        return any(solid[p] == 0 for p in b.pixels)

    stains = [b for b in every if not thin(b) and not ruled(b) and (b.edge or long(b) or thick(b))]
    dust = max(s.min_dust_px, round(pixels(s.dust_mm, dpi) ** 2))
    kept = _figure(blots, dust, pixels(s.glyph_mm, dpi))
    stained = bool(stains)
    stain_ids = {id(b) for b in stains}
    if stains and kept is not None and any(id(b) in stain_ids for b in kept):
        unsealed = [b for b in blots if id(b) not in stain_ids]
        rest = _figure(unsealed, dust, pixels(s.glyph_mm, dpi))
        if rest is not None and not _near(stains, rest, pixels(s.stain_clear_mm, dpi)):
            blots, kept, stained = unsealed, rest, False
    elif stains and kept is not None:
        stained = _near(stains, kept, pixels(s.stain_clear_mm, dpi))
    if kept is None:
        return None
    near_seal = bool(seal) and _near(list(seal), kept, pixels(s.stain_clear_mm, dpi))
    small = [b for b in blots if b not in kept and len(b.pixels) >= 2]
    lines = _lines(kept)
    if seal and len(lines) > 1 and not _wrapped(lines):
        # What the seal's taking-out left of its ring's edge: a line of ink of its own by the seal, not the line of
        # the figure's biggest glyph (drawn with the figure, a ring's stub and a 0 read ">")
        biggest = max(kept, key=lambda b: len(b.pixels))
        clear = pixels(s.stain_clear_mm, dpi)
        lines = [line for line in lines if biggest in line or not _near(list(seal), line, clear)]
        kept = [b for line in lines for b in line]
    if len(lines) > 1 and not _wrapped(lines):
        lines = [sorted(kept, key=lambda b: b.left)]
    # A figure too long for its narrow cell wraps ("300000" over "9"): its lines are set side by side, one line to
    # read, each with its own decimal point; a minus sign can only open the first.
    parts = []
    minus = None
    doubt = broken = False
    for number, line in enumerate(lines):
        top, bottom = min(b.top for b in line), max(b.bottom for b in line)
        near = [b for b in small if top <= (b.top + b.bottom) / 2 <= bottom]
        points, sign = _marks(line, near)
        # a black-and-white figure's digits mended: what thresholding broke off them drawn with them, and doubted
        bits = [] if grey else _pieces(line, [b for b in small if b not in points and b is not sign], dust)
        small = [b for b in small if b not in bits]  # a piece is one line's
        left_out = [b for b in near if b not in points and b is not sign and b not in bits]
        if number == 0:
            minus = sign
            doubt = _dash_left(line, left_out)
        broken = broken or bool(bits) or _pieces_within(line, left_out)
        parts.append(line + points + bits)
    unsure = doubt or near_seal or stained or broken or minus
    whole = shaped and len(parts) == 1 and parts[0] == lines[0] and not unsure
    shapes = tuple(shape(crop, (b.left, b.top, b.right, b.bottom)) for b in lines[0]) if whole else ()
    return Glyphs(_canvas(parts, width, tall, height), doubt or near_seal, minus is not None, stained, broken, shapes)


def without_lighter_seal(crop: Image.Image, dpi: float, threshold: int) -> tuple[Image.Image, list[_Blot]] | None:
    """The crop with a seal's ink made paper, and that ink's blots, where the seal scanned lighter than the print (a
    red seal in a grey scan): black print, under the seal too, stays. None when the crop holds no seal (no ink
    thicker than a printed stroke) or no print darker than it.

    The seal's grey is its solid ink's (a ring's middle; its edges are blurred lighter). Print is ink darker than
    that by `seal_contrast`. The seal's ink is what is not print, within the solid ink's blurred edge, or in a blot
    holding no print at all (its lettering). A thin stroke's grey edge or a serif 0's hairline top stays with its
    figure: a darker threshold cut them away ("()" read for 0)."""
    from PIL import Image, ImageChops

    width, tall = crop.size
    if width < 3 or tall < 3:
        return None
    s = tuned().speck
    ink = crop.point(lambda v: 0 if v <= threshold else 255)
    core = _core(ink, dpi)
    counts = crop.histogram(mask=ImageChops.invert(core))
    total = sum(counts)
    if total < s.min_seal_px:
        return None
    # the solid ink's upper quartile: print crossing the seal darkens some of it
    grey = next(g for g, seen in enumerate(accumulate(counts)) if 4 * seen >= 3 * total)
    dark = grey - s.seal_contrast
    printed = crop.point(lambda v: 0 if v < dark else 255)
    if printed.histogram()[0] < s.min_seal_px:
        return None
    solid = darkest(core, 2 * (_reach(s.seal_stroke_mm, dpi) + _reach(s.blur_mm, dpi)) + 1)
    light = ImageChops.lighter(ink, ImageChops.invert(printed))  # ink that is not print
    sealed = bytearray(ImageChops.lighter(light, solid).tobytes())
    marks = printed.tobytes()
    for blot in _blots(bytearray(ink.tobytes()), width, tall):
        if all(marks[p] for p in blot.pixels):  # no print in it
            for p in blot.pixels:
                sealed[p] = 0
    blots = [b for b in _blots(bytearray(sealed), width, tall) if len(b.pixels) >= s.min_seal_px]
    if not blots:
        return None
    mask = Image.frombytes("L", crop.size, bytes(sealed))
    return ImageChops.lighter(crop, ImageChops.invert(mask)), blots


def _core(ink: Image.Image, dpi: float) -> Image.Image:
    """Of an ink image (ink 0, paper 255), the ink that stays thinned by half of `seal_stroke_mm` each way: only
    ink thicker than a printed stroke does."""
    return lightest(ink, 2 * _reach(tuned().speck.seal_stroke_mm, dpi) + 1)


def _may_be_solid(blot: _Blot, side: int) -> bool:
    """Whether the blot has `side` rows running, one under the other, `side` pixels of ink each: what a square of
    solid ink that wide needs (a printed digit's strokes are thinner), so that no other blot need be eroded."""
    rows = sorted({row for row, start, end in blot.runs if end - start >= side})
    streak = 0
    for n, row in enumerate(rows):
        streak = streak + 1 if n and row == rows[n - 1] + 1 else 1
        if streak >= side:
            return True
    return False


def _reach(mm: float, dpi: float) -> int:
    """Half of `mm` in whole pixels, at least one."""
    return max(1, round(pixels(mm, dpi) / 2))


def _figure(blots: list[_Blot], dust: int, glyph: float) -> list[_Blot] | None:
    """The blots that make the figure: those near the biggest's ink and at least half its height; None when all are
    dust (no blot as tall as the smallest printed figure)."""
    if not blots:
        return None
    biggest = max(blots, key=lambda b: len(b.pixels))
    if len(biggest.pixels) < dust or max(b.bottom - b.top for b in blots) + 1 < glyph:
        return None
    floor = max(dust, tuned().speck.dust * len(biggest.pixels))
    tall_enough = 0.5 * (biggest.bottom - biggest.top)
    return [b for b in blots if len(b.pixels) >= floor and b.bottom - b.top >= tall_enough]


def _pieces(line: list[_Blot], others: list[_Blot], dust: int) -> list[_Blot]:
    """The pieces a black-and-white figure's digits lost to thresholding (a 7's bar, a 3's upper arc, a 5's flag):
    blots no dust, too small to be digits, over the line's ink or beside it within `piece_reach` of its height, from
    that far above its top down to its bottom. Drawn with the digits, Tesseract reads them whole (left out, 746 read
    46, 3050 read 10.50). Not a comma below the line, nor a flat mark before the digits (a minus sign: _marks)."""
    left, right = min(b.left for b in line), max(b.right for b in line)
    top, bottom = min(b.top for b in line), max(b.bottom for b in line)
    reach = tuned().speck.piece_reach * (bottom - top + 1)
    found = []
    for b in others:
        across, down = (b.left + b.right) / 2, (b.top + b.bottom) / 2
        if len(b.pixels) < dust or not (left - reach <= across <= right + reach and top - reach <= down <= bottom):
            continue
        if b.right < left and b.right - b.left > b.bottom - b.top:
            continue
        found.append(b)
    return found


def _near(stains: list[_Blot], kept: list[_Blot], clear: float) -> bool:
    """Whether a seal's ink comes within `clear` pixels of the figure: a ring that only crosses the far end of a wide
    cell hides nothing of it, and the figure is read as it is (read darker, its thin strokes broke: 7730.28 as
    770.28). Lettering inside a ring lies within a few millimetres of it, so a figure the ring's text stands by
    stays stained."""
    left, right = min(b.left for b in kept), max(b.right for b in kept)
    top, bottom = min(b.top for b in kept), max(b.bottom for b in kept)
    return any(
        max(b.left - right, left - b.right) < clear and max(b.top - bottom, top - b.bottom) < clear for b in stains
    )


def _lines(blots: list[_Blot]) -> list[list[_Blot]]:
    """The figure's blots by line, top to bottom: a blot starting a clear gap below the line above starts a line."""
    gap = tuned().speck.line_gap
    lines: list[list[_Blot]] = []
    for blot in sorted(blots, key=lambda b: b.top):
        if lines and blot.top - max(b.bottom for b in lines[-1]) < gap * (blot.bottom - blot.top + 1):
            lines[-1].append(blot)
        else:
            lines.append([blot])
    return [sorted(line, key=lambda b: b.left) for line in lines]


def _wrapped(lines: list[list[_Blot]]) -> bool:
    """Whether lines of ink are a figure's wrapped lines: lines of glyphs of one height (within `line_heights` of the
    tallest line), each as tall as its line, parted by a leading (at most `line_leading` of a line's height). A seal's
    fragments above or below a figure, or a glyph a poor scan broke apart, are none of these."""
    s = tuned().speck
    heights = [max(b.bottom for b in line) - min(b.top for b in line) + 1 for line in lines]
    tallest = max(heights)
    if min(heights) < s.line_heights * tallest:
        return False
    for line, height in zip(lines, heights, strict=True):
        if any(b.bottom - b.top + 1 < s.line_heights * height for b in line):
            return False
    for above, below, height in zip(lines, lines[1:], heights, strict=False):
        if min(b.top for b in below) - max(b.bottom for b in above) > s.line_leading * height:
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
    s = tuned().speck
    points = [b for b in small if left < b.left and b.right < right and b.top > middle and b.bottom <= bottom + 1]
    dashes = [
        b
        for b in small
        if left - tall * s.minus_reach <= b.right < left
        and b.right - b.left + 1 >= max(s.minus_fat * _thickness(b), s.minus_width * tall)  # blurred, a hyphen is fat
        and abs((b.top + b.bottom) / 2 - middle) <= s.minus_centre * tall
    ]
    return points, max(dashes, key=lambda b: b.right, default=None)


def _dash_left(kept: list[_Blot], left_out: list[_Blot]) -> bool:
    """Whether a mark wider than tall stands near the figure's left at mid-height, yet was not taken for a minus."""
    left = min(b.left for b in kept)
    top, bottom = min(b.top for b in kept), max(b.bottom for b in kept)
    middle, tall = (top + bottom) / 2, bottom - top
    s = tuned().speck
    return any(
        left - tall <= b.right < left
        and b.right - b.left + 1 >= max(s.dash_fat * _thickness(b), s.dash_width * tall)  # not a speck
        and abs((b.top + b.bottom) / 2 - middle) <= s.minus_centre * tall
        for b in left_out
    )


def _pieces_within(kept: list[_Blot], left_out: list[_Blot]) -> bool:
    """Whether a blot left out stands within the figure, across its middle, and is a fair share of its height: a
    piece of a digit, not dust, a comma below the line or a point."""
    left, right = min(b.left for b in kept), max(b.right for b in kept)
    top, bottom = min(b.top for b in kept), max(b.bottom for b in kept)
    middle, tall = (top + bottom) / 2, bottom - top + 1
    share = tuned().speck.piece
    return any(
        left <= (b.left + b.right) / 2 <= right and b.top <= middle <= b.bottom and b.bottom - b.top + 1 >= share * tall
        for b in left_out
    )


def _framed(blot: _Blot, stub: int) -> bool:
    """Whether a blot's ink lies along the sides of its box alone, within `stub` of them: a corner of ruling (in a
    browser's spaced table each cell has a light inner border of its own, its bottom and right an L inside the
    ruling painted out, read as "1" in a blank cell at a light threshold). A digit's strokes cross its box."""
    return all(
        row - blot.top <= stub or blot.bottom - row <= stub or end - 1 <= blot.left + stub or start >= blot.right - stub
        for row, start, end in blot.runs
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
    s = tuned().speck
    return max(s.min_stub_px, round(dpi / s.stub_per_inch))
