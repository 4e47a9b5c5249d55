"""Scanned pages read by OCR into what the PDF reader gives: positioned characters and ruling lines.

Each page is straightened and its ruling lines found (nianbao.engine.readers.scan.raster). The grid those lines make
gives the table cells, and each cell is read on its own:
- every cell once by the line recogniser (nianbao.engine.readers.scan.prose.read_cells; Tesseract's Chinese model
  where it is not installed or fails), which tells the label cells from the figures;
- each figure by Tesseract's English model at two ink thresholds, or at one where the recogniser read it surely,
  and voted on, read again at more settings where the readings disagree (nianbao.engine.readers.scan.figures).

Why per cell: read as a whole page, Tesseract drops a lone 0 between two rulings, which is most of a report's
cells. Why no digit whitelist: with the LSTM models it makes Tesseract return nothing for a lone digit. The prose is
read once, with the tables blanked out. Then everything goes to the same page builder as a PDF's characters
(nianbao.engine.readers.pipeline.positioned).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from nianbao.engine.readers.pipeline.grid import Char, GridTooLarge, Segment, build_grids
from nianbao.engine.readers.pipeline.normalize import NUMBER_WITH_UNIT
from nianbao.engine.readers.scan.figures import ReadCell, cell_crop, crop_origin, read_figures
from nianbao.engine.readers.scan.filters import median3
from nianbao.engine.readers.scan.geometry import (
    Standing,
    Upright,
    enlarged,
    evened,
    halves,
    line_ratio,
    reduced,
    smoothed,
    thickened,
    turned,
)
from nianbao.engine.readers.scan.prose import BRACKETS, read_cells, read_prose
from nianbao.engine.readers.scan.raster import ink, rulings, skew, straightened
from nianbao.engine.readers.scan.settings import POINTS_PER_INCH, pixels, tuned
from nianbao.engine.readers.scan.surround import found_page
from nianbao.engine.readers.scan.tesseract import Deadline, Word
from nianbao.engine.text import IDEOGRAPH

if TYPE_CHECKING:
    from PIL import Image


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
    # drawn again from black and white (geometry.smoothed, geometry.enlarged): its words are read thickened
    # (geometry.thickened)
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
    """A page made ready to read: turned upright, split when it holds two pages, each straightened and its rulings
    found at the page's own resolution; a low-resolution black-and-white page smoothed first and drawn at 300 dpi
    once straightened."""
    out = []
    smooth, drawn = smoothed(grey, dpi)  # drawn finer once straightened: every page is held until all are turned
    bilevel = drawn != dpi
    for half in halves(turned(smooth, turn)):
        angle = skew(half)
        half = straightened(half, angle)
        lines = rulings(half, dpi, dashed=bilevel)
        if bilevel:
            half = enlarged(half, drawn / dpi)
        unruled = _unruled(half, lines, drawn)
        grids, _ = build_grids(lines, [], [], written=_written(unruled, drawn))
        cells = [ReadCell(box, "") for grid in grids for row in grid.boxes for box in row]
        out.append(_Page(unruled, drawn, angle, lines, cells, turn, photo, bilevel))
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


def _written(unruled: Image.Image, dpi: float) -> Callable[[tuple[float, float, float, float]], bool]:
    """Whether anything is written in a box of the page (in points): ink inside it, its border's blur left out."""
    s = tuned().cells
    px = dpi / POINTS_PER_INCH
    inset = max(s.min_rule_px, round(pixels(s.rule_width_mm, dpi)))
    dark = tuned().raster.dark

    def written(box: tuple[float, float, float, float]) -> bool:
        x0, top, x1, bottom = (round(v * px) for v in box)
        if x1 - x0 <= 2 * inset or bottom - top <= 2 * inset:
            return False
        crop = unruled.crop((x0 + inset, top + inset, x1 - inset, bottom - inset))
        inked = crop.histogram()[:dark]
        return sum(inked) >= s.written_px

    return written


def _words(page: _Page, image: Image.Image) -> Image.Image:
    """What the Chinese model reads of a page or a crop of it: a black-and-white page's print thickened, once its
    rulings are painted out (thickened before, a tight table's print would join them)."""
    return thickened(image) if page.bilevel else image


def _read_cells(pages: list[_Page], deadline: Deadline) -> None:
    every = [(page, cell) for page in pages for cell in page.cells if cell.box[2] > cell.box[0]]
    read, by_recogniser = read_cells([(_cleared(_words(p, cell_crop(p, c.box))), p.dpi) for p, c in every], deadline)
    said = dict(enumerate(read))
    figures = []
    for index, (page, cell) in enumerate(every):
        lines: dict[tuple[int, int, int], list[str]] = {}
        for word in said.get(index, []):
            lines.setdefault(word.line, []).append(word.text)
        text = "".join("".join(parts) for _, parts in sorted(lines.items())).translate(BRACKETS)
        cell.text = text
        if by_recogniser and said.get(index):
            cell.seen = min(word.confidence for word in said[index])
        # The Chinese model reads a lone figure as "5D", "6S" or even "了工" at times: a cell without two ideographs,
        # or with three characters at most, may hold one (a short label's readings hold no figure and it stays).
        # A dash too: under a seal the Chinese model may take a figure for one ("/" for a leaning 1, "-" for a 0).
        # And digits among two ideographs at most: figures a seal blurred into strokes ("3轿”一2"), not a label.
        ideographs = len(IDEOGRAPH.findall(text))
        if ideographs < 2 or len(text) <= 3 or (ideographs < 3 and any(ch.isdigit() for ch in text)):
            if by_recogniser:
                _unit_apart(page, cell, said.get(index, []))
            figures.append((page, cell))
    read_figures(figures, deadline)


def _unit_apart(page: _Page, cell: ReadCell, words: list[Word]) -> None:
    """A figure the recogniser read with its unit after it on one line ("251000万元", a character a word): the
    unit kept apart, the figure to be read left of it (ReadCell.digits)."""
    found = NUMBER_WITH_UNIT.match(cell.text)  # the units a text layer's cell is read with
    if found is None or len(words) != len(cell.text) or len({word.line for word in words}) != 1:
        return
    x0, top, _, bottom = cell.box
    count = len(found.group(1))
    unit = words[count]  # its first character, in the cell crop's pixels (figures.cell_crop)
    cell.digits = (x0, top, (crop_origin(page, cell.box)[0] + unit.left) / (page.dpi / POINTS_PER_INCH), bottom)
    cell.text, cell.unit = found.group(1), found.group(2)
    # Digits stand an advance apart: a figure whose digits span room for one more before the unit lost one
    # ("251000元" under a seal's trace read 25100 by both models).
    advances = sorted(b.left - a.left for a, b in pairwise(words[:count]))
    if advances and (advance := advances[len(advances) // 2]) > 0:
        cell.spaced = round((unit.left - words[0].left) / advance) > count


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
