"""Table 四's figures laid under its header's columns, where the reader saw where each cell stands (PDF, OFD, scans).

Table 四 is printed as a header of two or three bands (行政复议 | 行政诉讼; 未经复议直接起诉 | 复议后起诉; fifteen
column headings 结果维持 … 总计) over one row of fifteen figures. Two things a scan does to it shift figures into the
wrong column without any sign:

- a header cell read as a figure (总计 printed one character per line, read "1"): glued to the row of figures after
  it, it takes the first figure's place and pushes every other one right;
- a cell of the row lost (its border under the header faded, so the header's cell runs down over it): the row has
  fourteen figures and the ones after the gap move left.

Both are told by the header itself. Its leaf cells (those with no header cell under them) are the table's fifteen
columns, left to right. A figure among header words is dropped (and said), and the row's cells are put under the
columns they stand in: a column with no cell under it reads blank (from a scan, a blank is doubtful already).
"""

from __future__ import annotations

from dataclasses import replace

from nianbao.engine.notes import note
from nianbao.engine.readers.pipeline.normalize import compact
from nianbao.engine.readers.pipeline.raw import Block, Box, is_value_cell, under_columns
from nianbao.engine.template import REVIEW_COLUMNS, REVIEW_WIDTH

# Words of table 四's header cells: its column headings and its group headings (as printed, in parts).
HEADER_WORDS = (*(c.label for c in REVIEW_COLUMNS), "行政复议", "行政诉讼", "直接起诉", "复议后")
# A header band holds at least this many cells with a heading word (a row of figures holds one group label at most,
# in the three-rows-of-five layout).
HEADER_CELLS = 2
# Figures among the header's words that are misread headings: one or two (总计 twice); more is a row of figures.
HEADER_FIGURES = 2
# How much of the header's words a note quotes.
LABEL_SHOWN = 24


def _header_values(block: Block) -> set[int] | None:
    """The value-like cells (figures OCR made of headings, blanks) of a block of table 四's header; None when the
    block is no header."""
    cells = block.cells or []
    worded = sum(any(word in compact(c) for word in HEADER_WORDS) for c in cells)
    valued = {i for i, c in enumerate(cells) if is_value_cell(c)}
    figures = sum(bool(compact(cells[i])) for i in valued)
    # a group's row of five (its label and five figure cells, blank or not) is no header however few it holds
    header = worded >= HEADER_CELLS and figures <= HEADER_FIGURES and len(valued) < len(REVIEW_COLUMNS)
    return valued if header else None


def _leaves(headers: list[Block]) -> list[Box]:
    """The header cells with no header cell under them, left to right: the table's columns."""
    boxes = [box for b in headers for box in b.boxes or [] if box is not None]
    leaves = [
        box
        for box in boxes
        if not any(other[1] >= box[3] - 1e-3 and box[0] <= (other[0] + other[2]) / 2 <= box[2] for other in boxes)
    ]
    return sorted(leaves, key=lambda box: box[0])


def _under(leaves: list[Box], row: Block) -> Block | None:
    """The row as fifteen cells, one under each column (blank where none stands), when its cells stand under the
    columns one to one (raw.under_columns); None otherwise."""
    assert row.cells is not None and row.boxes is not None
    boxes = [box for box in row.boxes if box is not None]
    if len(boxes) != len(row.boxes):
        return None
    chosen = under_columns(boxes, [(leaf[0] + leaf[2]) / 2 for leaf in leaves])
    if chosen is None:
        return None
    top, bottom = min(box[1] for box in boxes), max(box[3] for box in boxes)
    cells = [row.cells[i] if i is not None else "" for i in chosen]
    laid: list[Box | None] = [
        boxes[i] if i is not None else (leaf[0], top, leaf[2], bottom) for i, leaf in zip(chosen, leaves, strict=True)
    ]
    return replace(row, cells=cells, boxes=laid)


def under_header(blocks: list[Block]) -> tuple[list[Block], list[str]]:
    """Table 四's section blocks with figures misread in its header dropped, and its row of figures laid under the
    header's fifteen columns; notes of what was dropped. Blocks without cell places (text, HTML, DOCX) pass as they
    are but for the header figures."""
    out = list(blocks)
    notes: list[str] = []
    headers: list[Block] = []
    for n, block in enumerate(out):
        if block.cells is None or len(block.cells) < HEADER_CELLS:
            continue
        valued = _header_values(block)
        if valued is not None:
            # a blank header cell (a heading OCR saw nothing in) would join the figures as a blank just the same
            if figures := sum(bool(compact(block.cells[i])) for i in valued):
                label = " ".join(c for i, c in enumerate(block.cells) if i not in valued)
                notes.append(note("note.header-figures", table="表四", label=label[:LABEL_SHOWN], count=figures))
            headers.append(block)
            out[n] = _without(block, valued)
            continue
        if not headers:
            continue
        leaves = _leaves(headers)
        fits = block.boxes is not None and len(block.boxes) == len(block.cells)
        if len(leaves) == REVIEW_WIDTH and fits and all(is_value_cell(c) for c in block.cells):
            out[n] = _under(leaves, block) or block
        break  # the row after the header is the row of figures
    return out, notes


def _without(block: Block, dropped: set[int]) -> Block:
    assert block.cells is not None
    keep = [i for i in range(len(block.cells)) if i not in dropped]
    boxes = [block.boxes[i] for i in keep] if block.boxes is not None and len(block.boxes) == len(block.cells) else None
    return replace(block, cells=[block.cells[i] for i in keep], boxes=boxes)
