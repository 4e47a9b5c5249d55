"""What readers hand on before the model: a report as blocks (lines or table rows), and what `parse_blocks`
makes of them (sections of prose, table rows as label + values), which `assemble.build_report` maps onto the model.

The pipeline, top-down: a reader (pdf, html, docx, text) → `Block`s → `blocks.parse_blocks` → `RawDocument`
(`RawSection`s, `RawRow`s) → `assemble.build_report` (tables mapped by `tables`) → `Report`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from nianbao.engine.model import Anchor, Cell, SectionKey
from nianbao.engine.readers.pipeline.normalize import (
    NIL_WORDS,
    ZERO_WORDS,
    compact,
    is_value_token,
    nfkc,
    parse_cell,
    squeeze,
)

# "1.属于国家秘密", "3、其他": an item number opening a label, not a value.
_ITEM_MARKER = re.compile(r"^\d+\s*[.．、]\s*\D")
_VALUE_START = re.compile(r"^[-−－—–/／]|^\d")
# A figure's cell holds at most a unit ("万元") in Chinese; three ideographs after a digit are a label whose item
# marker lost its dot ("2其他法律…", as OCR reads "2.其他法律…").
_WORDS = re.compile(r"[\u4e00-\u9fff]{3}")


Box = tuple[float, float, float, float]  # left, top, right, bottom as fractions of the page


def under_columns(boxes: list[Box], middles: list[float], strays: bool = False) -> list[int | None] | None:
    """Which of a row's cells stands under each column (by the column's middle, left to right), None where none
    does; None when a cell covers no column's middle or several (cells run together: which figure is which is not
    known), or two cover one. With `strays`, a cell wholly left of the first column covers none and is left out (a
    label cell split by a stray line, a seal's ring, leaves a "figure" there)."""
    chosen: list[int | None] = [None] * len(middles)
    for index, box in enumerate(boxes):
        under = [n for n, middle in enumerate(middles) if box[0] <= middle <= box[2]]
        if strays and not under and box[2] < middles[0]:
            continue
        if len(under) != 1 or chosen[under[0]] is not None:
            return None
        chosen[under[0]] = index
    return chosen


@dataclass(frozen=True)
class Piece:
    text: str
    is_value: bool
    value: Cell = None
    box: Box | None = None  # where a grid cell stood on its page


@dataclass
class Block:
    text: str = ""
    cells: list[str] | None = None  # a table row: the cells that start in it, left to right
    line: int | None = None
    page: int | None = None
    boxes: list[Box | None] | None = None  # each cell's place on the page, when the reader saw it (PDF, OFD)

    @property
    def compact(self) -> str:
        return compact(" ".join(self.cells) if self.cells is not None else self.text)

    @property
    def anchor(self) -> Anchor:
        return Anchor(page=self.page, line=self.line)

    def pieces(self) -> list[Piece]:
        if self.cells is None:
            # Markdown tables: the bars only separate cells.
            tokens = self.text.replace("|", " ").split()
            values = [is_value_token(p) for p in tokens]
            # "无" is a value only among figures: alone on a line it is a label written one character per line.
            figures = sum(v and compact(p) not in NIL_WORDS for p, v in zip(tokens, values, strict=True))
            return [
                Piece(p, True, parse_cell(p)) if v and (figures or compact(p) not in NIL_WORDS) else Piece(p, False)
                for p, v in zip(tokens, values, strict=True)
            ]
        return _cell_pieces(self.cells, self.boxes)


def is_value_cell(text: str) -> bool:
    t = compact(text)
    if t in NIL_WORDS or t in ZERO_WORDS:
        return True  # "无" or "〇" written into a count cell
    return not t or (
        bool(_VALUE_START.match(t)) and not _ITEM_MARKER.match(nfkc(text).strip()) and not _WORDS.search(t)
    )


def _cell_pieces(cells: list[str], boxes: list[Box | None] | None = None) -> list[Piece]:
    """A grid row: its values are the longest run of value-like cells (figures, dashes, blanks) that ends
    the row and holds a figure or follows a label; the cells before it are label text (blanks skipped)."""
    start = len(cells)
    while start > 0 and is_value_cell(cells[start - 1]):
        start -= 1
    values = cells[start:]
    has_label = any(compact(c) for c in cells[:start])
    if not (has_label or any(compact(c) for c in values)):
        values = []
    pieces = [Piece(squeeze(c), False) for c in cells[:start] if compact(c)]
    fits = boxes is not None and len(boxes) == len(cells)
    placed = boxes[start : start + len(values)] if boxes is not None and fits else [None] * len(values)
    pieces += [Piece(squeeze(c), True, parse_cell(c), box) for c, box in zip(values, placed, strict=True)]
    return pieces


@dataclass
class RawRow:
    """A table row as a reader found it: label text and the values after it, in order."""

    label: str
    values: list[Cell]
    anchor: Anchor | None = None
    cell_anchors: list[Anchor | None] = field(default_factory=list)  # parallel to values, where known


@dataclass
class RawSection:
    key: SectionKey
    heading: str
    prose: list[str]
    anchor: Anchor | None = None
    line_anchors: list[Anchor] = field(default_factory=list)  # where each prose line stands, when known


@dataclass
class RawDocument:
    """A format-neutral reading of a report, before mapping to the model."""

    head: list[str] = field(default_factory=list)  # lines before the first heading
    # read from a scan: a table row's label may be garbled (nianbao.engine.readers.pipeline.onto_template, by_order)
    ocr: bool = False
    sections: list[RawSection] = field(default_factory=list)
    proactive_rows: list[RawRow] = field(default_factory=list)
    application_rows: list[RawRow] = field(default_factory=list)
    review_values: list[Cell] = field(default_factory=list)
    review_anchor: Anchor | None = None
    review_cell_anchors: list[Anchor | None] = field(default_factory=list)  # parallel to review_values
    table_text: str = ""  # header and label text of all tables, for the template decision
    full_text: str = ""
    title: str | None = None  # when the format states it apart from the text (HTML <title>)
    published: dt.date | None = None
    notes: list[str] = field(default_factory=list)
