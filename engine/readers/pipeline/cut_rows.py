"""A table row cut in two by a page break, joined again (PDF, OFD and scans: what
nianbao.engine.readers.pipeline.positioned stitches).

Word, WPS and LibreOffice let a row break across pages: each cell's lines flow on, so a figure wrapped inside a
narrow cell ("1000" / "00") or a label wrapped over lines ("（三）不" / "予公开") leaves its last lines at the top
of the next page, in the same columns, while the cells that fit stay whole on the first page. Browsers print a cut
row's label on one page and its figures on the next. Both parts are one row: each cell of the second part is
joined to the cell of the first part that stands in its column.

What must not be joined: the last row of a page and the first row of the next when each is a row of its own — a
row of blank figures (行政处罚, left empty) before a row with figures (行政强制). Each part's label then names a
template row of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nianbao.engine.readers.pipeline.label_runs import reads_on
from nianbao.engine.readers.pipeline.placement import APPLICATION_SIGNATURES, PROACTIVE_SIGNATURES, match_label
from nianbao.engine.readers.pipeline.raw import Block, Box, Piece

_ITEM = re.compile(r"^\d+[.．、]")
_SIGNATURES = APPLICATION_SIGNATURES + PROACTIVE_SIGNATURES


@dataclass(frozen=True)
class CutRowSettings:
    """The tuned numbers of joining a cut row, each with its reason."""

    # Two cells are in one column when their horizontal extents overlap by at least this share of the narrower:
    # the same column drawn on two pages stands at the same place to a fraction of a point, while neighbouring
    # columns only touch at a shared border.
    column_overlap: float = 0.5
    # A figure wraps only when it is wider than its cell, and no count column is narrower than this many digits
    # (the template's narrowest, 0.9 cm at 10.5 pt, holds three): a figure's rest joins a line at least this long.
    wrapped_digits: int = 2


SETTINGS = CutRowSettings()


def join_cut_row(previous: list[Block], following: list[Block], settings: CutRowSettings = SETTINGS) -> None:
    """Join the last row of `previous` and the first of `following` (in place) when they are one row cut by a
    page break."""
    if not previous or not following:
        return
    last, first = previous[-1], following[0]
    if last.cells is None or first.cells is None:
        return
    before, after = last.pieces(), first.pieces()
    if _opens_a_row(before, after):
        return
    joined = _by_columns(last, first, before, after, settings) or _by_blanks(last, before, after)
    if joined is not None:
        previous[-1] = joined
        del following[0]


def _label(pieces: list[Piece]) -> str:
    return "".join(p.text for p in pieces if not p.is_value)


def _opens_a_row(before: list[Piece], after: list[Piece]) -> bool:
    """Whether the second part starts a row of its own: a numbered or bracketed label, or a label naming another
    template row than the first part's, unless the first part's label names none and is that row's first words
    (LibreOffice breaks a label of a narrow column mid-word: "5.要求行政机" / "关确认或重新出具已获取信息")."""
    if any(p.text[:1] in ("（", "(") or _ITEM.match(p.text) for p in after if not p.is_value):
        return True  # a rest never holds a label's first words, and a row's own label opens with its number
    own = match_label(_label(after), _SIGNATURES)
    if own is None:
        return False
    theirs = match_label(_label(before), _SIGNATURES)
    return own != theirs and (theirs is not None or not _label_cut(before, after))


def _label_cut(before: list[Piece], after: list[Piece]) -> bool:
    """Whether the first part's last label and a label of the second part, read on, are a run of a template row's
    label: a row of its own before (an extra row, 其他事项) reads on into none."""
    labels = [p.text for p in before if not p.is_value]
    return bool(labels) and any(reads_on(labels[-1], p.text) for p in after if not p.is_value and p.text.strip())


def _by_blanks(last: Block, before: list[Piece], after: list[Piece]) -> Block | None:
    """Without the cells' places (or when they do not line up): one part has the figures and the other only label
    text and blank cells; the labels are joined and the figures kept."""
    values_before = [p for p in before if p.is_value]
    values_after = [p for p in after if p.is_value]
    if all(p.value is None for p in values_after) and len(values_after) in (0, len(values_before)):
        kept = values_before
    elif all(p.value is None for p in values_before) and len(values_before) in (0, len(values_after)):
        kept = values_after
    else:
        return None
    labels = [p.text for p in before + after if not p.is_value]
    boxes = [None] + [p.box for p in kept] if any(p.box for p in kept) else None
    return Block(cells=["".join(labels)] + [p.text for p in kept], page=last.page, line=last.line, boxes=boxes)


def _overlap(a: Box, b: Box) -> float:
    narrower = min(a[2] - a[0], b[2] - b[0])
    return (min(a[2], b[2]) - max(a[0], b[0])) / narrower if narrower > 0 else 0.0


def _by_columns(
    last: Block, first: Block, before: list[Piece], after: list[Piece], settings: CutRowSettings
) -> Block | None:
    """Each cell of the second part joined below the cell of the first part in its column. Only when both parts
    hold figures (otherwise `_by_blanks` says the same more simply) and the second part's figures are the rest of
    some of the first part's, not a full row: it fills fewer figure columns than the first part, and each of its
    figures continues a line that filled its cell (a row whose label OCR garbled is no rest of the row above)."""
    if last.boxes is None or first.boxes is None or len(last.boxes) != len(last.cells or []):
        return None
    if len(first.boxes) != len(first.cells or []):
        return None
    filled_before = sum(p.value is not None for p in before if p.is_value)
    filled_after = sum(p.value is not None for p in after if p.is_value)
    if not filled_before or not filled_after or filled_after >= filled_before:
        return None
    cells = list(last.cells or [])
    for text, box in zip(first.cells or [], first.boxes, strict=True):
        if not text.strip():
            continue
        column = _column(box, last.boxes, settings)
        if column is None:
            if _is_figure(text):
                return None  # a figure with no column above it: not this row's rest
            continue  # a fragment of a label spanning earlier rows (三、本年度办理结果), not this row's
        above = cells[column]
        if _is_figure(text) and not _continues(above, text, settings):
            return None
        cells[column] = f"{above}\n{text}" if above.strip() else text
    return Block(cells=cells, page=last.page, line=last.line, boxes=list(last.boxes))


def _column(box: Box | None, boxes: list[Box | None], settings: CutRowSettings) -> int | None:
    if box is None:
        return None
    best = max(
        ((_overlap(box, other), i) for i, other in enumerate(boxes) if other is not None),
        default=(0.0, -1),
    )
    return best[1] if best[0] >= settings.column_overlap else None


def _is_figure(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _continues(above: str, rest: str, settings: CutRowSettings) -> bool:
    """Whether `rest` can be the wrapped end of the figure `above`: above's last line is digits that filled the
    cell, and the rest is no longer than that line."""
    line = above.strip().rsplit("\n", 1)[-1].strip()
    first = rest.strip().split("\n", 1)[0].strip()
    return line.isdigit() and len(line) >= settings.wrapped_digits and len(first) <= len(line)
