"""The format-neutral middle of every reader: a report as a sequence of blocks in reading order.

A block is a line of text (prose, or a table row as text extraction left it) or a table row whose cells a
reader could see (a PDF grid, an HTML <tr>, a DOCX <w:tr>). `parse_blocks` finds the sections and reads
the tables from either kind the same way: a run of label text followed by a run of values is one row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import pairwise

from nianbao.engine.model import Anchor, Cell, SectionKey
from nianbao.engine.notes import note
from nianbao.engine.readers.pipeline.label_runs import reads_on
from nianbao.engine.readers.pipeline.landmarks import match_heading
from nianbao.engine.readers.pipeline.normalize import compact
from nianbao.engine.readers.pipeline.placement import placed_rows
from nianbao.engine.readers.pipeline.raw import Block, RawDocument, RawRow, RawSection
from nianbao.engine.readers.pipeline.review_header import under_header
from nianbao.engine.template import APPLICATION_COLUMNS, REVIEW_COLUMNS, REVIEW_WIDTH
from nianbao.engine.text import is_traditional, simplified

# --- tables inside a section ------------------------------------------------------------------------

_TABLE_CUES: dict[SectionKey, Callable[[str], bool]] = {
    SectionKey.proactive: lambda t: "第二十条" in t or t.startswith("信息内容"),
    SectionKey.applications: lambda t: any(w in t for w in ("申请人情况", "本列数据", "勾稽关系", "本年新收")),
    SectionKey.review_litigation: lambda t: t.lstrip("#*").startswith(("行政复议", "行政诉讼", "结果维持", "未经复议")),
}


@dataclass
class _Row:
    row: RawRow
    last: int  # index of the block holding its last value
    pieces: tuple[str, ...] = ()  # its label's pieces, as read
    lines: bool = False  # its label was read from lines of text, not a table row's cells


# How a table row's label opens: its item's number (一、 （三） 5.), which the rest of the label above never does.
_ITEM = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.．、])")


def _group_rows(blocks: list[Block], first: int, width: int | None = None) -> list[_Row]:
    """Split a table region into rows: label text, then the values that follow it (at most `width`, the table's
    columns, from a grid row)."""
    rows: list[_Row] = []
    label: list[str] = []
    values: list[Cell] = []
    places: list[Anchor | None] = []
    anchor: Anchor | None = None
    last = first

    lines = False  # whether the label so far was read from lines of text

    def flush() -> None:
        nonlocal label, values, places, anchor, lines
        if label or values:
            rows.append(_Row(RawRow(" ".join(label), values, anchor, places), last, tuple(label), lines))
        label, values, places, anchor, lines = [], [], [], None, False

    in_grid = False  # whether the values so far stand in a table row a reader saw the cells of
    for i, block in enumerate(blocks, start=first):
        if width and len(values) >= width and in_grid and block.cells is None:
            # A grid row with every figure the table has columns for takes none from a line after it (a seal's
            # stroke under a scanned table read as "1" made table 四 sixteen figures); one short of them may (a
            # narrow 总计 cell a scan did not close leaves its figure outside the grid, on the row's line).
            flush()
        in_grid = block.cells is not None
        for piece in block.pieces():
            if piece.is_value:
                if anchor is None:
                    anchor = block.anchor  # where the row's figures stand
                values.append(piece.value)
                places.append(Anchor(page=block.page, line=block.line, box=piece.box) if piece.box else None)
                last = i
            else:
                if values:
                    flush()
                if not label:
                    lines = block.cells is None
                label.append(piece.text)
    flush()
    return _rests_carried(rows)


def _rests_carried(rows: list[_Row]) -> list[_Row]:
    """Text as PDF extraction leaves it sets a wrapped label's first line beside its figures and its rest below them
    ("4.无正当理由大量反复申  0 0 …" / "请"): that rest opened the next row's label ("请 5.要求行政机关…", a row said
    missing). Of the words of a label read from lines that come before its own item's number, those that read on
    from the row above's label into a template row's label go back to it; a merged group label's lines that fall
    between ("其他处" / "理", beside "不补正、行政机关不再处") stay."""
    for above, row in pairwise(rows):
        if not (row.lines and above.row.values and above.pieces):
            continue
        opens = next((n for n, piece in enumerate(row.pieces) if _ITEM.match(piece.strip())), None)
        if not opens:  # none, or the label opens with it
            continue
        run, moved, kept = above.pieces[-1], [], []
        for piece in row.pieces[:opens]:
            if reads_on(run, piece):
                run += piece
                moved.append(piece)
            else:
                kept.append(piece)
        if not moved:
            continue
        above.pieces += tuple(moved)
        above.row = replace(above.row, label=" ".join(above.pieces))
        row.pieces = (*kept, *row.pieces[opens:])
        row.row = replace(row.row, label=" ".join(row.pieces))
    return rows


# The most figures a row of each table holds (table 二's rows differ, from one to four).
_WIDTHS = {SectionKey.applications: len(APPLICATION_COLUMNS), SectionKey.review_litigation: REVIEW_WIDTH}


def _split_table(key: SectionKey, blocks: list[Block], first: int) -> tuple[list[Block], list[_Row]]:
    """Separate a table section's prose from its table rows."""
    cue = _TABLE_CUES[key]
    cued = next((i for i, b in enumerate(blocks) if cue(b.compact)), None)
    # The cue's words misread (OCR's 中请人情况, 第.十条, 们息内容): the table starts at the section's first grid row
    # when that comes first (a section's prose is lines, never a row of several cells).
    gridded = next((i for i, b in enumerate(blocks) if b.cells is not None and len(b.cells) > 1), None)
    starts = [i for i in (cued, gridded) if i is not None]
    if not starts:
        return blocks, []
    start = min(starts)
    rows = _group_rows(blocks[start:], first + start, _WIDTHS.get(key))
    if key is SectionKey.review_litigation:
        end = next((n for n, r in enumerate(rows) if len(r.row.values) >= REVIEW_WIDTH), None)
        if end is None:  # printed as three small tables, one per group
            groups = [n for n, r in enumerate(rows) if len(r.row.values) == len(REVIEW_COLUMNS)]
            end = groups[2] if len(groups) >= 3 else None
        if end is None and rows:  # short of a column (deleted, or lost by OCR): still the table, said unplaced
            most = max(range(len(rows)), key=lambda n: (len(rows[n].row.values), n))
            end = most if len(rows[most].row.values) >= len(REVIEW_COLUMNS) else None
    else:
        placed = placed_rows([r.row for r in rows], key.value)
        matched = [n for n, (r, p) in enumerate(zip(rows, placed, strict=True)) if r.row.values and p.key]
        end = matched[-1] if matched else None
        # Rows a report added after the template's last one still carry a full row of values.
        while (
            end is not None
            and key is SectionKey.applications
            and end + 1 < len(rows)
            and len(rows[end + 1].row.values) == len(APPLICATION_COLUMNS)
        ):
            end += 1
    if end is None:
        return blocks, []
    table_end = rows[end].last - first
    return blocks[:start] + blocks[table_end + 1 :], rows[: end + 1]


# How much of a report is looked at to tell whether it is written in traditional characters.
_TRADITIONAL_SAMPLE = 200


def _simplified(blocks: list[Block]) -> list[Block] | None:
    """The blocks in simplified characters when the report is written in traditional ones (portals mirror reports in
    繁體: its headings, labels and prose are then found and read as any other's), else None."""
    if not is_traditional("".join(b.text or "".join(b.cells or []) for b in blocks[:_TRADITIONAL_SAMPLE])):
        return None
    return [
        replace(
            b,
            text=simplified(b.text, known=True),
            cells=[simplified(c, known=True) for c in b.cells] if b.cells is not None else None,
        )
        for b in blocks
    ]


def parse_blocks(blocks: list[Block], full_text: str | None = None) -> RawDocument:
    converted = _simplified(blocks)
    if converted is not None:
        blocks, full_text = converted, simplified(full_text, known=True) if full_text is not None else None
    doc = RawDocument(full_text=full_text if full_text is not None else "\n".join(b.compact for b in blocks))
    if converted is not None:
        doc.notes.append(note("note.traditional"))
    starts = [(i, h) for i, b in enumerate(blocks) if b.cells is None and (h := match_heading(b.text))]
    head = blocks[: starts[0][0]] if starts else blocks[:6]
    doc.head = [b.text for b in head if b.cells is None]
    table_text: list[str] = []
    for n, (i, (key, heading)) in enumerate(starts):
        body_first = i + 1
        body_end = starts[n + 1][0] if n + 1 < len(starts) else len(blocks)
        body = blocks[body_first:body_end]
        prose = body
        if key is SectionKey.review_litigation:
            body, header_notes = under_header(body)
            doc.notes += header_notes
            prose = body
        if key in _TABLE_CUES:
            prose, rows = _split_table(key, body, body_first)
            table_text += [r.row.label for r in rows]
            raw = [r.row for r in rows]
            if key is SectionKey.proactive and not doc.proactive_rows:
                doc.proactive_rows = raw
            elif key is SectionKey.applications and not doc.application_rows:
                doc.application_rows = raw
            elif key is SectionKey.review_litigation and not doc.review_values and raw:
                cells = _review_cells(raw)
                doc.review_values = [value for value, _ in cells]
                doc.review_cell_anchors = [place for _, place in cells]
                doc.review_anchor = raw[-1].anchor
        lines = [(t, b.anchor) for b in prose if (t := _prose_text(b))]
        doc.sections.append(
            RawSection(
                key=key,
                heading=heading,
                prose=[t for t, _ in lines],
                anchor=blocks[i].anchor,
                line_anchors=[a for _, a in lines],
            )
        )
    doc.table_text = " ".join(table_text)
    return doc


_GROUP_LABELS = (("复议后", 2), ("直接起诉", 1), ("未经复议", 1), ("行政复议", 0))


def _review_cells(rows: list[RawRow]) -> list[tuple[Cell, Anchor | None]]:
    """Table 四's fifteen figures, each with where it was read: one row of them, or three rows of five named by
    their group."""

    def cells(row: RawRow) -> list[tuple[Cell, Anchor | None]]:
        places = row.cell_anchors if len(row.cell_anchors) == len(row.values) else [None] * len(row.values)
        return list(zip(row.values, places, strict=True))

    fives = [r for r in rows if len(r.values) == len(REVIEW_COLUMNS)]
    if len(rows[-1].values) >= REVIEW_WIDTH or len(fives) < 3:  # one row of them, or of fewer than 15 (unplaced)
        return _one_printed_row(cells(rows[-1]))
    groups: dict[int, list[tuple[Cell, Anchor | None]]] = {}
    headers = [c.label for c in REVIEW_COLUMNS]
    for n, row in enumerate(fives[:3]):
        label = compact(row.label)
        for header in headers:
            label = label.replace(header, "")
        index = next((i for word, i in _GROUP_LABELS if word in label), n)
        groups.setdefault(index, cells(row))
    if len(groups) < 3:
        groups = dict(enumerate(cells(r) for r in fives[:3]))
    return [cell for i in sorted(groups) for cell in groups[i]]


def _one_printed_row(cells: list[tuple[Cell, Anchor | None]]) -> list[tuple[Cell, Anchor | None]]:
    """Table 四's figures stand in one printed row. More than fifteen, of which exactly fifteen stand in one row
    (where the reader saw each cell): the others came from another printed row (a header cell OCR took for a
    figure, joined to the figures below it) and are left out."""
    if len(cells) <= REVIEW_WIDTH:
        return cells
    bands: dict[tuple[int | None, float], list[int]] = {}
    for index, (_, place) in enumerate(cells):
        if place is None or place.box is None:
            return cells
        bands.setdefault((place.page, round(place.box[1], 2)), []).append(index)
    rows = [members for members in bands.values() if len(members) == REVIEW_WIDTH]
    return [cells[i] for i in rows[0]] if len(rows) == 1 else cells


def _prose_text(block: Block) -> str:
    if block.cells is not None:
        return " ".join(c.strip() for c in block.cells if c.strip())
    return block.text.strip()
