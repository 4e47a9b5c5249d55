"""A scanned table's figures read by Tesseract's English model, cell by cell, and voted on.

Each figure cell is read at the first settings (an ink threshold and a glyph height each: nianbao.engine.readers.scan
.settings.CellSettings.readings). The reading most of them agree on is the figure, trusted as far as they agree and
as Tesseract's own confidence says (nianbao.engine.readers.scan.votes). A figure they disagree on is read at the
further settings too, its readings of the first round kept and not read again, and all of them vote; if they still
disagree, the document's own digits may choose (nianbao.engine.readers.scan.font), else it stays marked doubtful.

A figure the line recogniser already read surely (nianbao.engine.readers.scan.prose.read_cells, which told the
figures from the labels) is read by Tesseract at the first setting alone, and the two models' readings vote: where
they agree, the figure stands; where not, it goes on to the further settings. Two models err apart, where two
thresholds of one model err alike. Not where the glyphs Tesseract was given are not clean (a seal's stain taken out,
a piece of a digit left out, a mark that may be a minus sign: the recogniser read the cell as it is), nor on a
black-and-white page, whose strokes thresholding broke (a 4 without its bar reads 1 to both).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from nianbao.engine.readers.scan.font import Shape
from nianbao.engine.readers.scan.geometry import thickened
from nianbao.engine.readers.scan.settings import POINTS_PER_INCH, tuned
from nianbao.engine.readers.scan.speck import Glyphs, edge_ink, glyphs, without_lighter_seal
from nianbao.engine.readers.scan.tesseract import Deadline, Word, read_images
from nianbao.engine.readers.scan.votes import FIGURE, alike, by_font, said, vote
from nianbao.engine.text import IDEOGRAPH

if TYPE_CHECKING:
    from PIL import Image

DASH = re.compile(r"[-—－–/\\]+")
Setting = tuple[int, int]  # ink threshold, glyph height in px


@dataclass
class ReadCell:
    """A table cell as read: its box in points, its text, and for a figure the confidence (0–1) of its reading."""

    box: tuple[float, float, float, float]
    text: str
    confidence: float | None = None
    # a figure's glyphs (nianbao.engine.readers.scan.font) and the figures Tesseract's readings of it gave
    shapes: tuple[Shape, ...] = ()
    readings: tuple[str, ...] = ()
    # how surely the line recogniser read the cell's text: its least sure character (0 when Tesseract read it)
    seen: float = 0.0
    # A figure printed with its unit ("251000万元"): the unit as read, and the part of the cell left of it (points),
    # where the figure is read (its unit's glyphs, read as digits, made 25100070); the unit follows the figure read.
    unit: str = ""
    digits: tuple[float, float, float, float] | None = None
    # The figure's digits, as the recogniser placed them, leave room for one more before its unit: a digit the
    # recogniser lost (a seal's trace paling it) that Tesseract may lose too (nianbao.engine.readers.scan.ocr).
    spaced: bool = False

    @property
    def figure_box(self) -> tuple[float, float, float, float]:
        return self.digits or self.box


class Sheet(Protocol):
    """A page made ready to read (nianbao.engine.readers.scan.ocr): straightened, its rulings painted out."""

    unruled: Image.Image
    dpi: float
    bilevel: bool


def crop_origin(page: Sheet, box: tuple[float, float, float, float]) -> tuple[int, int]:
    """Where `cell_crop`'s crop of `box` starts on the page, in pixels: a pixel inside its top left corner."""
    px = page.dpi / POINTS_PER_INCH
    return round(box[0] * px) + 1, round(box[1] * px) + 1


def cell_crop(page: Sheet, box: tuple[float, float, float, float]) -> Image.Image:
    """A cell's inside, in pixels of the straightened page without its rulings."""
    px = page.dpi / POINTS_PER_INCH
    left, upper = crop_origin(page, box)
    right, bottom = max(left + 1, round(box[2] * px) - 1), max(upper + 1, round(box[3] * px) - 1)
    return page.unruled.crop((left, upper, right, bottom))


@dataclass
class _Read:
    """What Tesseract read of one figure so far, in the order of the settings: kept for the next round."""

    settings: list[Setting] = field(default_factory=list)
    readings: list[tuple[str, float]] = field(default_factory=list)
    ink: bool = False  # glyphs at some setting
    doubt: bool = False  # a mark by the figure that may be a lost minus sign, or a seal's stain
    broken: bool = False  # a piece of a digit left out (Glyphs.broken)
    alone: bool = False  # read at the first setting alone, as the recogniser read it surely


def read_figures(figures: list[tuple[Sheet, ReadCell]], deadline: Deadline) -> None:
    """Each figure cell's text and confidence, from its readings; where they disagree, from more."""
    s = tuned().cells
    kept: dict[int, _Read] = {}
    weak = _round(figures, s.readings, deadline, kept, again=False)
    _round(weak, s.readings + s.again, deadline, kept, again=True)
    by_font([cell for page, cell in figures if not page.bilevel])
    for _, cell in figures:
        if cell.spaced and cell.confidence is not None:  # the font's choice is among the same lost digit's readings
            cell.confidence = min(cell.confidence, s.doubt)
        if cell.unit and FIGURE.fullmatch(_plain(cell.text)):
            cell.text += cell.unit  # read as a text layer's figure with its unit is (and noted so)


def _round(
    figures: list[tuple[Sheet, ReadCell]],
    settings: tuple[Setting, ...],
    deadline: Deadline,
    kept: dict[int, _Read],
    again: bool,
) -> list[tuple[Sheet, ReadCell]]:
    """Each figure read at those of `settings` not read before, and voted on; the figures whose vote stays under the
    settings' `low` returned (on the second round, `again`, none)."""
    s = tuned().cells
    lightest = max(s.readings)  # the first readings' lightest threshold: the fullest glyphs, for the font
    images: list[Image.Image] = []
    placed: list[list[tuple[int | None, bool]]] = []  # each new reading: its image (None: no ink there), its sign
    for page, cell in figures:
        read = kept.setdefault(id(cell), _Read())
        alone = not again and not page.bilevel and _seen(cell)
        todo = [setting for setting in settings if setting not in read.settings]
        if alone:  # the lightest first: it keeps the most of a thin stroke (a 4's bar that a darker one loses)
            todo.sort(key=lambda setting: setting != lightest)
        crop = cell_crop(page, cell.figure_box)
        if page.bilevel:
            # A black-and-white page's figures are read thickened, their broken strokes joined; but a minus sign
            # thickened may join the digits and be lost, so a figure with a mark before it is read as it is.
            first = _unstained(crop, page.dpi, *s.readings[0], grey=False)
            crop = crop if first is not None and (first.minus or first.doubt) else thickened(crop)
        where: list[tuple[int | None, bool]] = []
        for at, (threshold, height) in enumerate(todo):
            if alone and at == 1:
                break  # read once: what the recogniser read, Tesseract read as clean glyphs
            shaped = (threshold, height) == lightest and not page.bilevel
            variant = _unstained(crop, page.dpi, threshold, height, shaped, grey=not page.bilevel)
            if shaped:
                cell.shapes = variant.shapes if variant is not None else ()
            where.append((None if variant is None else len(images), variant is not None and variant.minus))
            if variant is not None:
                images.append(variant.image)
                read.ink = True
                read.doubt = read.doubt or variant.doubt or variant.stained
                read.broken = read.broken or variant.broken
            # a seal's stain, a broken digit, a mark that may be a sign, no ink: read at every setting after all
            clean = variant is not None and not (variant.doubt or variant.stained or variant.broken or variant.minus)
            alone = alone and clean
        read.alone = alone
        read.settings += todo[: len(where)]
        placed.append(where)
    by_image: dict[int, list[Word]] = {}
    for word in read_images(images, "eng", 7, deadline, invert=s.invert):
        by_image.setdefault(word.image, []).append(word)
    weak = []
    for (page, cell), where in zip(figures, placed, strict=True):
        read = kept[id(cell)]
        for index, negative in where:
            words = sorted(by_image.get(index, []), key=lambda w: w.left) if index is not None else []
            text = _plain("".join(w.text for w in words))
            text = "-" + text.lstrip("-") if negative else text
            read.readings.append((text, min((w.confidence for w in words), default=0.0)))
        if _judged(page, cell, read, again):
            weak.append((page, cell))
    return weak


def _judged(page: Sheet, cell: ReadCell, read: _Read, again: bool) -> bool:
    """The figure's text and confidence from its readings; whether it is to be read again."""
    s = tuned().cells
    if not read.ink:  # no glyph at any setting: a blank cell, unless ink is cut off
        cut = edge_ink(cell_crop(page, cell.figure_box), page.dpi, s.readings[0][0])
        dash = DASH.fullmatch(cell.text)  # a dash is too flat to be a glyph: the cell says what it says
        cell.text, cell.confidence = cell.text if dash else "", 0.0 if cut else (None if dash else 1.0)
        return False
    chinese = cell.text
    readings = read.readings
    if read.alone and len(readings) == 1:
        readings = _with_seen(readings[0], _plain(chinese), cell.seen)
    cell.text, cell.confidence = vote(readings, chinese)
    cell.readings = said(readings, chinese)
    seen = _plain(chinese)
    if page.bilevel and cell.seen >= s.seen_settles and cell.text != seen and _as_often(seen, cell.text, readings):
        # No font to choose by on black and white (its glyphs are what thresholding left): where Tesseract's readings
        # disagree, the one the line recogniser read surely is taken, doubted
        cell.text, cell.confidence = seen, min(cell.confidence, s.doubt)
    if cell.seen >= s.seen_sure and FIGURE.fullmatch(seen) and FIGURE.fullmatch(cell.text) and cell.text != seen:
        # Two models err apart: a figure the line recogniser read surely as another is doubted (a 0 whose top a
        # seal's ring took out, read "U" and, the ring's edge by it, 6 at 0.93 by Tesseract; the recogniser read 0)
        cell.confidence = min(cell.confidence, s.doubt)
    if read.doubt or read.broken:  # a mark that may be a lost sign, a seal, a broken digit: no glyph to judge by
        cell.shapes = ()
    if DASH.fullmatch(chinese):  # a dash, unless the figure readings find a figure (then doubtful)
        cell.shapes = ()  # a dash or a figure is for a person to tell, not the font
        if cell.text:
            cell.confidence = min(cell.confidence, s.doubt)
        else:  # a dash; one stained by a seal may be a figure hidden
            cell.text, cell.confidence = chinese, (0.0 if read.doubt else None)
        return False
    if read.doubt or (read.broken and again):
        cell.confidence = min(cell.confidence, s.doubt)
    elif (cell.confidence < s.low or read.broken) and not again:  # a broken digit: more settings may join it
        cell.text = chinese  # read again from what the Chinese model said
        return True
    elif cell.confidence < s.low and len(IDEOGRAPH.findall(chinese)) >= 2 and not any(c.isdigit() for c in chinese):
        cell.text, cell.confidence = chinese, None  # a short label ("合计"), not a figure read poorly
    return False


def _as_often(seen: str, voted: str, readings: list[tuple[str, float]]) -> bool:
    """Whether Tesseract's readings say the figure `seen` at least as often as the one the vote chose, a letter that
    looks like a digit taken for it (a thin 1 read "[": "[362" is 1362)."""
    said = Counter(text for text in (alike(text) for text, _ in readings) if FIGURE.fullmatch(text))
    return said[seen] > 0 and said[seen] >= said[alike(voted)]


def _plain(text: str) -> str:
    """A figure as read, without its thousands' commas, its minus sign a hyphen."""
    return text.replace(",", "").replace("，", "").replace("−", "-").replace("—", "-")


def _seen(cell: ReadCell) -> bool:
    """Whether the line recogniser read the cell as a figure, surely."""
    return cell.seen >= tuned().cells.seen_sure and FIGURE.fullmatch(_plain(cell.text)) is not None


def _with_seen(read: tuple[str, float], seen: str, sure: float) -> list[tuple[str, float]]:
    """Tesseract's one reading of a figure and the line recogniser's, as two readings to vote on. Where they agree
    (a "]" or "l" Tesseract makes of a thin 1 agrees with a 1), the figure is as doubtful as both models being wrong
    at once, each one's confidence taken for its chance of being right; where not, at Tesseract's confidence, and the
    figure is read again at every setting."""
    text, confidence = read
    if alike(text) == seen:
        return [(seen, 1 - (1 - confidence) * (1 - sure))] * 2
    return [(text, confidence), (seen, confidence)]


def _unstained(
    crop: Image.Image, dpi: float, threshold: int, height: int, shaped: bool = False, grey: bool = True
) -> Glyphs | None:
    """The cell's glyphs at `threshold`; where a seal stains the cell, at the first darker threshold that leaves the
    seal out (black print stays black under a seal, the seal's grey drops out). Where only a threshold under
    `dark_seal` would, a seal lighter than the print on a grey page is taken out pixel by pixel instead, and the
    figure read whole at `threshold` (a darker threshold cut its thin strokes: a serif 0 read as "()", blank). A seal
    printed dark may have hidden part of a figure: that reading is doubted."""
    variant = glyphs(crop, dpi, threshold, height, shaped, grey=grey)
    # None: blank, or every blot runs across the edge (a seal joined to the figure): then look darker too
    if (variant is None and not edge_ink(crop, dpi, threshold)) or (variant is not None and not variant.stained):
        return variant
    s = tuned().cells
    lighter = grey  # the seal taken out pixel by pixel: tried once, before the first threshold under dark_seal
    for darker in s.seal_thresholds:
        if darker >= threshold:
            continue
        if lighter and darker < s.dark_seal:
            lighter = False
            unsealed = without_lighter_seal(crop, dpi, threshold)
            read = glyphs(unsealed[0], dpi, threshold, height, shaped, unsealed[1]) if unsealed else None
            if read is not None and not read.stained:
                return read
        clean = glyphs(crop, dpi, darker, height, shaped, grey=grey)
        if clean is not None and not clean.stained:
            if darker >= s.dark_seal:
                return clean
            # Not at a darker threshold still: print under a dark seal may stand just under the seal's own grey,
            # and a figure the seal's ring crosses lost that part there (a 0 read as "U": grey scans with a seal
            # 95.6 → 96.7 % of figures placed on real layouts, every figure read wrong still doubted).
            return replace(clean, doubt=True)
    return variant
