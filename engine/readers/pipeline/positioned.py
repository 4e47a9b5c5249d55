"""A page of positioned characters and ruling lines as blocks, and pages stitched into one stream: what the PDF, OFD,
OCR and picture readers share (each gives characters with their boxes and drawn lines;
nianbao.engine.readers.pipeline.grid rebuilds the tables).

Per page: a character drawn over itself (a word printed twice a hair apart to look bold) kept once; tables from the
rulings, the other characters as lines, top to bottom; page numbers and browser stamps in the top and bottom bands
dropped. Across pages: lines in those bands that recur on two pages or more (running headers
and footers) dropped, then a table row cut by a page break joined again.
"""

from __future__ import annotations

import re

from nianbao.engine.readers.pipeline.cut_rows import join_cut_row
from nianbao.engine.readers.pipeline.grid import Char, Segment, build_grids, join_line
from nianbao.engine.readers.pipeline.normalize import compact
from nianbao.engine.readers.pipeline.raw import Block
from nianbao.engine.text import IDEOGRAPH

MARGIN_TOP, MARGIN_BOTTOM = 0.07, 0.09  # page-number and running-header bands, as a share of the height


def _text_lines(chars: list[Char]) -> list[tuple[float, str]]:
    """Characters outside tables as lines: (top, text), top to bottom."""
    lines: list[tuple[float, float, list[Char]]] = []  # (top, bottom, chars)
    for ch in sorted(chars, key=lambda c: (c.top, c.x0)):
        if lines:
            top, bottom, members = lines[-1]
            overlap = min(bottom, ch.bottom) - max(top, ch.top)
            if overlap >= 0.5 * min(bottom - top, ch.size):
                members.append(ch)
                lines[-1] = (min(top, ch.top), max(bottom, ch.bottom), members)
                continue
        lines.append((ch.top, ch.bottom, [ch]))
    return [(top, join_line(members)) for top, _, members in lines]


# A character drawn again within this share of its size of where it was drawn is the same character: a word made bold
# by printing it twice a hair apart (a font without a bold face; 0.07 of the size in our OFD fixture). Two characters
# printed side by side stand at least their advance apart: an ideograph or a digit half a size and more, an "i" 0.22
# (0.16 squeezed to 70 %). PDFium's text page drops such second drawings too. Looked for among the last `RECENT`
# drawings of the same character: a heading drawn twice holds few of any one character.
OVERDRAWN = 0.15
RECENT = 8


def _once(chars: list[Char]) -> list[Char]:
    """The page's characters, each drawn over itself only once ("2024" printed twice to look bold read "22002244")."""
    kept: list[Char] = []
    recent: dict[str, list[Char]] = {}
    for ch in chars:
        same = recent.get(ch.text)
        if same is None:
            recent[ch.text] = [ch]
        else:
            near = OVERDRAWN * ch.size
            if any(abs(other.x0 - ch.x0) < near and abs(other.top - ch.top) < near for other in same):
                continue
            same.append(ch)
            if len(same) > RECENT:
                del same[0]
        kept.append(ch)
    return kept


def _in_band(top: float, height: float) -> bool:
    return top < height * MARGIN_TOP or top > height * (1 - MARGIN_BOTTOM)


def _is_margin_note(text: str) -> bool:
    """A page number (第 3 页, - 3 -, 3/8, 第3页 共8页): a short line with a digit and few words. A table's last row
    carried to the next page's top, its rulings too few to be a grid, is no note: "行政事业性收费 69.39"."""
    words = len(IDEOGRAPH.findall(text))
    return len(compact(text)) <= 12 and any(ch.isdigit() for ch in text) and words <= 4


# What a browser prints around a page it saves as PDF: the date and time, the page's address, "1/3".
_BROWSER_STAMP = re.compile(
    r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}[, ]+(?:上午|下午)?\d{1,2}:\d{2}|^(?:file|https?)://|\s\d+\s*/\s*\d+$"
)


def _margin_key(text: str) -> str:
    """A running header or footer as it repeats from page to page: its text with every number as #."""
    return _DIGITS.sub("#", compact(text))


_DIGITS = re.compile(r"\d+")


def layout_page(
    chars: list[Char], rulings: list[Segment], shading: list[Segment], width: float, height: float, page_no: int
) -> list[tuple[Block, str | None]]:
    """A page's lines and table rows, top to bottom; a line in the top or bottom band carries its margin key, so
    that the document can drop what repeats from page to page (running headers and footers). Raises GridTooLarge
    (nianbao.engine.readers.pipeline.grid) for a page too complex to pair its lines."""
    grids, prose = build_grids(rulings, shading, _once(chars))
    items: list[tuple[float, Block, str | None]] = []
    for top, text in _text_lines(prose):
        band = _in_band(top, height)
        if band and (_is_margin_note(text) or _BROWSER_STAMP.search(text.strip())):
            continue
        items.append((top, Block(text=text, page=page_no), _margin_key(text) if band else None))
    width = width or 1.0
    for grid in grids:
        for top, row, boxes in zip(grid.row_tops, grid.rows, grid.boxes, strict=True):
            placed = [
                (round(x0 / width, 4), round(y0 / height, 4), round(x1 / width, 4), round(y1 / height, 4))
                for x0, y0, x1, y1 in boxes
            ]
            items.append((top, Block(cells=row, page=page_no, boxes=placed), None))
    items.sort(key=lambda item: item[0])
    return [(block, key) for _, block, key in items]


def _running(pages: list[list[tuple[Block, str | None]]]) -> set[str]:
    """Margin lines that recur on two pages or more: running headers and footers, not the report's text."""
    seen: dict[str, int] = {}
    for page in pages:
        for key in {key for _, key in page if key}:
            seen[key] = seen.get(key, 0) + 1
    return {key for key, count in seen.items() if count >= 2}


def stitch(pages: list[list[tuple[Block, str | None]]]) -> list[Block]:
    """The pages as one stream: running headers and footers dropped, rows cut by a page break joined."""
    running = _running(pages)
    blocks: list[Block] = []
    for page_blocks in pages:
        kept = [block for block, key in page_blocks if key is None or key not in running]
        join_cut_row(blocks, kept)  # after the running lines are gone, a row cut by the page break meets its rest
        blocks.extend(kept)
    return blocks
