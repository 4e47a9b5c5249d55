"""The document's own digits as the judge of a figure Tesseract's readings disagree on.

A report prints its hundreds of figures in one typeface, and Tesseract reads most of them surely. Where its readings
of a figure disagree (a thin 5 read as 3 at one ink threshold and as 5 at another; a 1 read as "]" or "l"), the
figure's glyphs are held against the glyphs of the figures read surely, grey as scanned and scaled to a small grid:
a glyph is the digit whose glyphs it lies nearest (its few nearest of them: a digit printed a fraction of a pixel
further left is another glyph on a 9-by-15-pixel grid), when it lies within that digit's own spread and clearly
nearer to it than to any other. The figure is taken so only when every glyph is judged, each among the digits its
readings say there and the font knows, and what they spell is one of Tesseract's own readings: the font chooses
between readings, it never reads what no reading said (a letter the English model makes of a thin digit, a 1 read
"]", says that digit: nianbao.engine.readers.scan.votes.said). A figure so chosen is no longer doubted.

A scan's glyphs only: a black-and-white page's figures are read thickened from what thresholding left, where a 4
that lost its bar is a 1 in every way a glyph can be measured (nianbao.engine.readers.scan.ocr leaves those out).
Pillow on small images: a few hundred glyphs of 160 pixels, about a hundredth of a CPU second a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nianbao.engine.readers.scan.settings import tuned

if TYPE_CHECKING:
    from PIL import Image

_MARKED = re.compile(r"-\d+(?:\.\d+)?|\d+\.\d+")  # a figure read with a sign or a decimal point

# A glyph that lies this near a digit's glyphs is near enough whatever the digit's spread (grey levels a pixel): the
# glyphs of a clean print may lie all but on one another.
_LEAST_SPREAD = 6.0


@dataclass(frozen=True)
class Shape:
    """A glyph scaled to the font's grid (its height filling it, its width as in print, centred), and its width over
    its height as printed."""

    pixels: bytes
    aspect: float


def shape(crop: Image.Image, box: tuple[int, int, int, int]) -> Shape:
    """The glyph within `box` (left, top, right, bottom, inclusive) of a cell's grey crop: grey as scanned, which
    keeps where a stroke stands within a pixel (a 7-point digit at 200 dpi is 9 by 15 pixels), stretched from its
    darkest to paper."""
    from PIL import Image, ImageFilter, ImageOps

    left, top, right, bottom = box
    wide, tall = right - left + 1, bottom - top + 1
    across, down = tuned().font.size
    scaled = max(1, min(across, round(wide * down / tall)))
    glyph = ImageOps.autocontrast(crop.crop((left, top, right + 1, bottom + 1)).convert("L"))
    grid = Image.new("L", (across, down), 255)
    grid.paste(glyph.resize((scaled, down), Image.Resampling.BILINEAR), ((across - scaled) // 2, 0))
    # blurred: a glyph printed a pixel off, or a stroke a pixel thicker, lies near its digit still
    return Shape(grid.filter(ImageFilter.GaussianBlur(tuned().font.blur)).tobytes(), wide / tall)


@dataclass(frozen=True)
class _Digit:
    glyphs: Image.Image  # its glyphs, stacked one above the next
    count: int
    spread: float
    aspect: float

    def distance(self, pixels: bytes) -> float:
        """How far a glyph lies from this digit: the mean of its distances to the digit's `near` nearest glyphs,
        each the mean difference a pixel (one difference and one reduction for all of them, in Pillow)."""
        return _nearest(self.glyphs, self.count, pixels, skip=None)


def _nearest(stack: Image.Image, count: int, pixels: bytes, skip: int | None) -> float:
    from PIL import Image, ImageChops

    across, down = tuned().font.size
    tiled = Image.frombytes("L", (across, down * count), pixels * count)
    each = ImageChops.difference(stack, tiled).reduce((across, down)).tobytes()
    distances = sorted(d for n, d in enumerate(each) if n != skip)
    near = distances[: tuned().font.near]
    return sum(near) / max(len(near), 1)


class Font:
    """The digits of one document, learned from its figures read surely."""

    def __init__(self, digits: dict[str, _Digit]) -> None:
        self.digits = digits

    @classmethod
    def learned(cls, figures: Iterable[tuple[str, tuple[Shape, ...]]]) -> Font:
        """From (reading, glyphs) of figures read surely: the digits with at least `samples` glyphs (at most
        `kept` of each, the first read)."""
        from PIL import Image

        s = tuned().font
        across, down = s.size
        seen: dict[str, list[Shape]] = {}
        for text, shapes in figures:
            if shapes and text.isdigit() and len(text) == len(shapes):
                for digit, glyph in zip(text, shapes, strict=True):
                    if len(seen.setdefault(digit, [])) < s.kept:
                        seen[digit].append(glyph)
        digits = {}
        for digit, glyphs in seen.items():
            count = len(glyphs)
            if count < s.samples:
                continue
            stack = Image.frombytes("L", (across, down * count), b"".join(g.pixels for g in glyphs))
            # how far each of its glyphs lies from the others: the digit's own spread
            spreads = sorted(_nearest(stack, count, g.pixels, skip=n) for n, g in enumerate(glyphs))
            spread = max(_LEAST_SPREAD, spreads[min(count - 1, int(s.spread * count))])
            digits[digit] = _Digit(stack, count, spread, sorted(g.aspect for g in glyphs)[count // 2])
        return cls(digits)

    def read(self, shapes: tuple[Shape, ...], readings: Iterable[str]) -> str | None:
        """Which of `readings` the glyphs spell, or None when the font cannot tell. The glyphs tell digits apart,
        not whether a point or a sign stands among them: a figure one reading gives with a decimal point or a minus
        is not judged (a 150 dpi photo's 128.5 whose point one threshold lost read 1285 by the font, trusted)."""
        s = tuned().font
        readings = list(readings)
        if any(_MARKED.fullmatch(r) for r in readings):
            return None
        candidates = {r for r in readings if r.isdigit() and len(r) == len(shapes)}
        if not candidates or len(self.digits) < 2:
            return None
        out = []
        for position, glyph in enumerate(shapes):
            said = {r[position] for r in candidates}
            if not said <= self.digits.keys():
                return None  # a digit a reading puts here that the font has not learned: it cannot choose
            ranked = sorted((d.distance(glyph.pixels), digit) for digit, d in self.digits.items())
            (nearest, digit), (next_nearest, _) = ranked[0], ranked[1]
            known = self.digits[digit]
            if (
                digit not in said
                or nearest > s.reach * known.spread
                or next_nearest < s.margin * nearest
                or abs(glyph.aspect / known.aspect - 1) > s.aspect
            ):
                return None
            out.append(digit)
        text = "".join(out)
        return text if text in candidates else None
