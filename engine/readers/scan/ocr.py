"""Scanned pages read by OCR into what the PDF reader gives: positioned characters and ruling lines.

Each page is straightened and its ruling lines found (nianbao.engine.readers.scan.raster). The grid those lines make
gives the table cells, and each cell is read on its own:
- every cell once by the line recogniser (nianbao.engine.readers.scan.prose.read_cells; Tesseract's Chinese model
  where it is not installed or fails), which tells the label cells from the figures;
- each figure twice with the English model, at two ink thresholds.

The reading most of them agree on is the figure. Its confidence is that agreement times Tesseract's own: a figure
the readings disagree on is read again at four more settings; if they still disagree, the document's own digits may
choose between them (nianbao.engine.readers.scan.votes, .font), else it stays marked doubtful.

Why per cell: read as a whole page, Tesseract drops a lone 0 between two rulings, which is most of a report's
cells. Why no digit whitelist: with the LSTM models it makes Tesseract return nothing for a lone digit. The prose is
read once, with the tables blanked out. Then everything goes to the same page builder as a PDF's characters
(nianbao.engine.readers.pipeline.positioned).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from nianbao.engine.readers.pipeline.grid import Char, GridTooLarge, Segment, build_grids
from nianbao.engine.readers.scan.filters import median3
from nianbao.engine.readers.scan.font import Shape
from nianbao.engine.readers.scan.geometry import (
    Standing,
    Upright,
    evened,
    halves,
    line_ratio,
    reduced,
    thickened,
    turned,
    upsampled,
)
from nianbao.engine.readers.scan.prose import BRACKETS, read_cells, read_prose
from nianbao.engine.readers.scan.raster import ink, rulings, skew, straightened
from nianbao.engine.readers.scan.settings import POINTS_PER_INCH, pixels, tuned
from nianbao.engine.readers.scan.speck import Glyphs, edge_ink, glyphs, without_lighter_seal
from nianbao.engine.readers.scan.surround import found_page
from nianbao.engine.readers.scan.tesseract import Deadline, Word, read_images
from nianbao.engine.readers.scan.votes import IDEOGRAPH, by_font, said, vote

if TYPE_CHECKING:
    from PIL import Image

_DASH = re.compile(r"[-—－–/\\]+")


@dataclass
class ReadCell:
    """A table cell as read: its box in points, its text, and for a figure the confidence (0–1) of its reading."""

    box: tuple[float, float, float, float]
    text: str
    confidence: float | None = None
    # a figure's glyphs (nianbao.engine.readers.scan.font) and the figures Tesseract's readings of it gave
    shapes: tuple[Shape, ...] = ()
    readings: tuple[str, ...] = ()


@dataclass
class ScannedPage:
    chars: list[Char]
    rulings: list[Segment]
    width: float  # points
    height: float
    angle: float  # the tilt it was straightened by, in degrees
    cells: list[ReadCell] = field(default_factory=list)
    turn: int = 0  # the clockwise turn it was made upright by
    photo: bool = False  # cut from its surround, its perspective undone


@dataclass
class _Page:
    """A page straightened, grey, its rulings painted out (one byte a pixel: 3.9 MB at 200 dpi; the colour scan
    is let go once this is made)."""

    unruled: Image.Image
    dpi: float
    angle: float
    rulings: list[Segment]
    cells: list[ReadCell]
    turn: int = 0  # the clockwise turn it was made upright by
    photo: bool = False  # cut from its surround, its perspective undone
    # drawn again from black and white (geometry.upsampled): its words are read thickened (geometry.thickened)
    bilevel: bool = False


def read_pages(pages: Iterable[tuple[Image.Image, float]], deadline: Deadline) -> list[ScannedPage]:
    """Each (image, dpi) page read: three Tesseract runs for the whole document, however many pages, and the
    orientation model on a few. `pages` may be a generator: each colour page is let go once in grey."""
    found = []
    for image, dpi in pages:
        deadline.check()  # preparing a page runs no program that would stop at the deadline itself
        found.append(_found(image, dpi))
    ready: dict[int, tuple[int, list[_Page]]] = {}  # pages made ready to tell their turn: not made ready again

    def standing_at(index: int, turn: int) -> Standing | None:
        grey, dpi, photo = found[index]
        ready[index] = (turn, _prepare(grey, dpi, turn, photo))
        return _standing(ready[index][1])

    turns = Upright(deadline).turns([grey for grey, _, _ in found], standing_at)
    prepared: list[_Page] = []
    cells = 0
    for index, ((grey, dpi, photo), turn) in enumerate(zip(found, turns, strict=True)):
        deadline.check()
        made = ready.pop(index, None)
        for page in made[1] if made is not None and made[0] == turn else _prepare(grey, dpi, turn, photo):
            cells += len(page.cells)
            most = tuned().cells.max_cells
            if cells > most:  # each cell is read: refused before the first is, not after the time is up
                raise GridTooLarge(cells, limit=most)
            prepared.append(page)
    _read_cells(prepared, deadline)
    prose = _read_prose(prepared, deadline)
    out = []
    for page, words in zip(prepared, prose, strict=True):
        scale = POINTS_PER_INCH / page.dpi
        chars = _line_chars(words, scale)
        for cell in page.cells:
            if cell.text:
                x0, top, x1, bottom = cell.box
                cx, cy = (x0 + x1) / 2, (top + bottom) / 2
                chars.append(Char(cx - 1, cy - 1, cx + 1, cy + 1, cell.text))
        width, height = page.unruled.size
        out.append(
            ScannedPage(
                chars, page.rulings, width * scale, height * scale, page.angle, page.cells, page.turn, page.photo
            )
        )
    return out


def _found(image: Image.Image, dpi: float) -> tuple[Image.Image, float, bool]:
    """The page in grey without its seal (nianbao.engine.readers.scan.raster.ink), cut from a photo's surround with
    its perspective undone and its resolution taken from its width (nianbao.engine.readers.scan.surround), its
    lighting evened out (nianbao.engine.readers.scan.geometry)."""
    image, dpi = reduced(image, dpi)
    grey = ink(image)
    found = found_page(grey, colour=image)
    if found is not None:
        grey, dpi = found.image, found.dpi
    return evened(grey), dpi, found is not None


def _prepare(grey: Image.Image, dpi: float, turn: int, photo: bool) -> list[_Page]:
    """A page made ready to read: a low-resolution black-and-white page drawn at 300 dpi, turned upright, split when
    it holds two pages, each straightened and its rulings found."""
    out = []
    grey, drawn = upsampled(grey, dpi)  # here, not before: every page is held until all are turned, at its own size
    bilevel, dpi = drawn != dpi, drawn
    for half in halves(turned(grey, turn)):
        angle = skew(half)
        half = straightened(half, angle)
        lines = rulings(half, dpi)
        grids, _ = build_grids(lines, [], [])
        cells = [ReadCell(box, "") for grid in grids for row in grid.boxes for box in row]
        out.append(_Page(_unruled(half, lines, dpi), dpi, angle, lines, cells, turn, photo, bilevel))
    return out


def _standing(pages: list[_Page]) -> Standing | None:
    """How pages made ready at a turn stand: by their grid's cells, when they are enough to say (how much wider than
    tall, the median: tuned().geometry.grid_cells, wide_cells); else by their text lines, straightened and with the
    rulings painted out (a tilt smears the lines' profile: a page of prose tilted 5° may not tell before)."""
    s = tuned().geometry
    aspects = sorted((x1 - x0) / (y1 - y0) for p in pages for x0, y0, x1, y1 in (c.box for c in p.cells) if y1 > y0)
    if len(aspects) >= s.grid_cells:
        aspect = aspects[len(aspects) // 2]
        return Standing.upright if aspect >= s.wide_cells else Standing.side if aspect <= 1 / s.wide_cells else None
    if pages and all(line_ratio(page.unruled, s) >= s.upright for page in pages):
        return Standing.upright
    return None


def _unruled(grey: Image.Image, lines: list[Segment], dpi: float) -> Image.Image:
    """The page with its ruling lines painted out, so a cell can be cropped close without a stub of its border
    (a glyph standing near the border is cut by a wide inset)."""
    from PIL import ImageDraw

    page = grey.copy() if grey.mode == "L" else grey.convert("L")
    draw = ImageDraw.Draw(page)
    s = tuned().cells
    px, width = dpi / POINTS_PER_INCH, max(s.min_rule_px, round(pixels(s.rule_width_mm, dpi)))
    for line in lines:
        if line.horizontal:
            draw.line((line.start * px, line.pos * px, line.end * px, line.pos * px), fill=255, width=width)
        else:
            draw.line((line.pos * px, line.start * px, line.pos * px, line.end * px), fill=255, width=width)
    return page


def _words(page: _Page, image: Image.Image) -> Image.Image:
    """What the Chinese model reads of a page or a crop of it: a black-and-white page's print thickened, once its
    rulings are painted out (thickened before, a tight table's print would join them)."""
    return thickened(image) if page.bilevel else image


def _crop(page: _Page, box: tuple[float, float, float, float]) -> Image.Image:
    """A cell's inside, in pixels of the straightened page without its rulings."""
    px = page.dpi / POINTS_PER_INCH
    x0, top, x1, bottom = box
    left, upper = round(x0 * px) + 1, round(top * px) + 1
    return page.unruled.crop((left, upper, max(left + 1, round(x1 * px) - 1), max(upper + 1, round(bottom * px) - 1)))


def _read_cells(pages: list[_Page], deadline: Deadline) -> None:
    every = [(page, cell) for page in pages for cell in page.cells if cell.box[2] > cell.box[0]]
    said = dict(enumerate(read_cells([(_cleared(_words(p, _crop(p, c.box))), p.dpi) for p, c in every], deadline)))
    figures = []
    for index, (page, cell) in enumerate(every):
        lines: dict[tuple[int, int, int], list[str]] = {}
        for word in said.get(index, []):
            lines.setdefault(word.line, []).append(word.text)
        text = "".join("".join(parts) for _, parts in sorted(lines.items())).translate(BRACKETS)
        cell.text = text
        # The Chinese model reads a lone figure as "5D", "6S" or even "了工" at times: a cell without two ideographs,
        # or with three characters at most, may hold one (a short label's readings hold no figure and it stays).
        # A dash too: under a seal the Chinese model may take a figure for one ("/" for a leaning 1, "-" for a 0).
        # And digits among two ideographs at most: figures a seal blurred into strokes ("3轿”一2"), not a label.
        ideographs = len(IDEOGRAPH.findall(text))
        if ideographs < 2 or len(text) <= 3 or (ideographs < 3 and any(ch.isdigit() for ch in text)):
            figures.append((page, cell))
    s = tuned().cells
    weak = _read_figures(figures, s.readings, deadline, {})
    # A figure the first readings did not agree on is read again at more settings, and all its readings vote.
    _read_figures(weak, s.readings + s.again, deadline, {id(cell): cell for _, cell in weak})
    by_font([cell for page, cell in figures if not page.bilevel])


def _read_figures(
    figures: list[tuple[_Page, ReadCell]],
    settings: tuple[tuple[int, int], ...],
    deadline: Deadline,
    again: dict[int, ReadCell],
) -> list[tuple[_Page, ReadCell]]:
    """Each figure cell read at every (threshold, height) setting of `settings` and its reading voted on; the
    figures whose vote stays under the settings' `low` returned (on a second round, `again`, nothing is)."""
    tuned_cells = tuned().cells
    lightest = max(tuned_cells.readings)  # the first readings' lightest threshold: the fullest glyphs
    images = []
    placed: list[list[int | None]] = []  # each figure's readings: which image each is (None: no ink at that setting)
    doubted: list[bool] = []  # a mark by the figure that may be a lost minus sign
    broke: list[bool] = []  # a piece of a digit left out (Glyphs.broken)
    signed: list[list[bool]] = []  # each reading: a minus sign found before the digits (and left out of the image)
    for page, cell in figures:
        crop = _crop(page, cell.box)
        if page.bilevel:
            # A black-and-white page's figures are read thickened, their broken strokes joined; but a minus sign
            # thickened may join the digits and be lost, so a figure with a mark before it is read as it is.
            first = _unstained(crop, page.dpi, *settings[0], grey=False)
            crop = crop if first is not None and (first.minus or first.doubt) else thickened(crop)
        where: list[int | None] = []
        doubt = broken = False
        kept_variants = []
        for threshold, height in settings:
            shaped = (threshold, height) == lightest and not page.bilevel  # for the document's font
            variant = _unstained(crop, page.dpi, threshold, height, shaped, grey=not page.bilevel)
            kept_variants.append(variant)
            if shaped:
                cell.shapes = variant.shapes if variant is not None else ()
            where.append(None if variant is None else len(images))
            if variant is not None:
                images.append(variant.image)
                doubt = doubt or variant.doubt or variant.stained
                broken = broken or variant.broken
        placed.append(where)
        doubted.append(doubt)
        broke.append(broken)
        signed.append([variant is not None and variant.minus for variant in kept_variants])
    by_image: dict[int, list[Word]] = {}
    for word in read_images(images, "eng", 7, deadline, invert=tuned_cells.invert):
        by_image.setdefault(word.image, []).append(word)
    weak = []
    for (page, cell), where, doubt, minus, broken in zip(figures, placed, doubted, signed, broke, strict=True):
        if all(index is None for index in where):  # no glyph at any setting: a blank cell, unless ink is cut off
            cut = edge_ink(_crop(page, cell.box), page.dpi, settings[0][0])
            dash = _DASH.fullmatch(cell.text)  # a dash is too flat to be a glyph: the cell says what it says
            cell.text, cell.confidence = cell.text if dash else "", 0.0 if cut else (None if dash else 1.0)
            continue
        readings = []
        for index, negative in zip(where, minus, strict=True):
            words = sorted(by_image.get(index, []), key=lambda w: w.left) if index is not None else []
            text = "".join(w.text for w in words).replace(",", "").replace("，", "").replace("−", "-").replace("—", "-")
            text = "-" + text.lstrip("-") if negative else text
            readings.append((text, min((w.confidence for w in words), default=0.0)))
        chinese = cell.text
        cell.text, cell.confidence = vote(readings, chinese)
        cell.readings = said(readings, chinese)
        if doubt or broken:  # a mark that may be a lost sign, a seal, a broken digit: no glyph to judge by
            cell.shapes = ()
        if _DASH.fullmatch(chinese):  # a dash, unless the figure readings find a figure (then doubtful)
            cell.shapes = ()  # a dash or a figure is for a person to tell, not the font
            if cell.text:
                cell.confidence = min(cell.confidence, tuned_cells.doubt)
            else:  # a dash; one stained by a seal may be a figure hidden
                cell.text, cell.confidence = chinese, (0.0 if doubt else None)
            continue
        if doubt or (broken and again):
            cell.confidence = min(cell.confidence, tuned_cells.doubt)
        elif (cell.confidence < tuned_cells.low or broken) and not again:  # a broken digit: more settings may join it
            cell.text = chinese  # read again from what the Chinese model said
            weak.append((page, cell))
        elif (
            cell.confidence < tuned_cells.low
            and len(IDEOGRAPH.findall(chinese)) >= 2
            and not any(c.isdigit() for c in chinese)
        ):
            cell.text, cell.confidence = chinese, None  # a short label ("合计"), not a figure read poorly
    return weak


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


def _cleared(image: Image.Image) -> Image.Image:
    """What is left of a seal and the paper's grey made white, and single specks taken out (a 3 px median keeps a
    character's strokes, which are wider at 150 dpi and up)."""
    return median3(image.point(lambda v: 255 if v > tuned().cells.paper else v))


def _read_prose(pages: list[_Page], deadline: Deadline) -> list[list[Word]]:
    """Each page's words outside the tables: the tables and rulings painted out, the rest read as prose."""
    from PIL import ImageDraw

    blanked_pages = []
    for page in pages:
        blanked = _cleared(_words(page, page.unruled))
        draw = ImageDraw.Draw(blanked)
        px = page.dpi / POINTS_PER_INCH
        for cell in page.cells:
            x0, top, x1, bottom = cell.box
            draw.rectangle((x0 * px - 3, top * px - 3, x1 * px + 3, bottom * px + 3), fill=255)
        blanked_pages.append((blanked, page.dpi))
    return read_prose(blanked_pages, deadline)


def _line_chars(words: list[Word], scale: float) -> list[Char]:
    """Words as characters, each word's box shared out evenly (the line builder needs only where each stands). The
    words of one Tesseract line share the line's middle top and bottom: one word boxed across two lines would
    otherwise join them."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    chars = []
    for members in lines.values():
        top = sorted(w.top for w in members)[len(members) // 2] * scale
        bottom = sorted(w.top + w.height for w in members)[len(members) // 2] * scale
        members.sort(key=lambda w: w.left)
        for word, following in zip(members, [*members[1:], None], strict=True):
            width = word.width
            if following is not None and following.left - (word.left + width) < (bottom - top) / scale:
                width = following.left - word.left  # Chinese words run on: no gap, no space between them
            step = width / len(word.text)
            chars += [
                Char((word.left + i * step) * scale, top, (word.left + (i + 1) * step) * scale, bottom, ch)
                for i, ch in enumerate(word.text)
            ]
    return chars
