"""Spreadsheet attachments (.xlsx, .xls, .et, .ods): the statistical tables some organs send as a workbook.

Read with python-calamine, which reads all four without LibreOffice (an .ods sheet's merged cells from its markup:
nianbao.engine.readers.ods_merges). The sheets' rows become the same blocks a
DOCX or HTML table gives (the cells of a row, left to right; a merged cell's text in its first cell), so the tables
are mapped onto the template as from any other format. A row with one text cell is a line of text (a sheet's title
or a heading such as 三、收到和处理政府信息公开申请情况). A workbook holds the tables, not the report's text: the model
says so in its notes, and the section rules will find the sections missing. A workbook without the template's
tables is not a report (`not-a-report`). Rows and columns are bounded.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.model import Report
from nianbao.engine.notes import note
from nianbao.engine.readers.base import make_source
from nianbao.engine.readers.ods_merges import Range, ods_merged
from nianbao.engine.readers.pipeline.assemble import build_report
from nianbao.engine.readers.pipeline.blocks import parse_blocks
from nianbao.engine.readers.pipeline.landmarks import find_title, match_heading
from nianbao.engine.readers.pipeline.normalize import compact
from nianbao.engine.readers.pipeline.placement import APPLICATION_SIGNATURES, PROACTIVE_SIGNATURES, match_label
from nianbao.engine.readers.pipeline.raw import Block

SUFFIXES = (".xlsx", ".xls", ".et", ".ods")
MAX_ROWS = 2_000  # a report's three tables have about 60 rows
MAX_COLUMNS = 60
MAX_SHEETS = 20
MAX_MERGED = 2_000  # merged ranges in one sheet; the templates' three tables merge about 40


class SheetReader:
    format = "sheet"
    suffixes = SUFFIXES

    def read(self, path: Path, data: bytes) -> Report:
        blocks = sheet_blocks(data)
        doc = parse_blocks(blocks)
        if not find_title(doc.head):
            doc.title = sheet_title(doc.head)
        report = build_report(doc, make_source(path, data, "sheet"))
        if not (report.proactive or report.applications or report.review_litigation):
            raise ReadError(ErrorCode.not_a_report)
        report.notes.append(note("note.spreadsheet"))
        return report


# A workbook's title names the organ and year and ends with the table's word, not 报告: "青禾市水利局2024年政府信息公开
# 工作年度报告统计表", "…2024年度政府信息公开情况统计表".
_SHEET_TITLE = re.compile(r"(?:19|20)\d{2}年.*(?:统计表|情况表|数据表|附表)$")
_SHEET_TITLE_LINES = 5
_SHEET_TITLE_CHARS = 60


def sheet_title(head: list[str]) -> str | None:
    """The workbook's title among the first lines above its tables, when one names a year and ends with 表."""
    for line in head[:_SHEET_TITLE_LINES]:
        text = compact(line)
        if len(text) <= _SHEET_TITLE_CHARS and _SHEET_TITLE.search(text):
            return text
    return None


def sheet_blocks(data: bytes) -> list[Block]:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a dependency; a broken install still says what the file is
        raise ReadError(ErrorCode.unsupported, "error.unsupported-sheet", suffix="sheet") from None
    try:
        workbook = CalamineWorkbook.from_filelike(BytesIO(data))
        blocks: list[Block] = []
        opendocument: list[list[Range]] | None = None
        for index, name in enumerate(workbook.sheet_names[:MAX_SHEETS]):
            sheet = workbook.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False, nrows=MAX_ROWS + 1)
            if len(rows) > MAX_ROWS:
                raise ReadError(ErrorCode.too_large, size=f"> {MAX_ROWS} rows", limit=f"{MAX_ROWS} rows")
            merged = sheet.merged_cell_ranges
            if merged is None:  # calamine does not say an .ods sheet's merges: read from its markup
                if opendocument is None:
                    opendocument = ods_merged(data, MAX_ROWS, MAX_COLUMNS, MAX_MERGED) or []
                merged = opendocument[index] if index < len(opendocument) else []
            if len(merged) > MAX_MERGED:
                raise ReadError(ErrorCode.too_large, size=f"{len(merged)} merged ranges", limit=str(MAX_MERGED))
            blocks += _rows(rows, merged)
    except ReadError:
        raise
    except Exception as exc:  # calamine raises its own errors for damaged or encrypted workbooks
        raise ReadError(ErrorCode.unreadable, detail=f"not a readable workbook: {type(exc).__name__}: {exc}") from None
    return blocks


def _rows(rows: list[list[object]], merged: list[Range]) -> list[Block]:
    """Each row's cells that start in it (a merged cell once, at its top left), a table's rows cut to the table's
    own width (a sheet is as wide as its widest table), and lines of text."""
    covered: set[tuple[int, int]] = set()
    ends: dict[tuple[int, int], int] = {}
    for (r0, c0), (r1, c1) in merged:  # clipped to the rows and columns read: at most MAX_ROWS × MAX_COLUMNS each
        r1, c1 = min(r1, len(rows) - 1), min(c1, MAX_COLUMNS - 1)
        covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
        ends[(r0, c0)] = c1
    lines: list[tuple[int, list[tuple[int, str]]]] = []
    for r, row in enumerate(rows):
        cells = [(c, _text(value)) for c, value in enumerate(row[:MAX_COLUMNS]) if (r, c) not in covered]
        if any(text for _, text in cells):
            lines.append((r, cells))
    blocks: list[Block] = []
    table: list[tuple[int, list[tuple[int, str]]]] = []

    def close() -> None:
        if table:
            right = max(ends.get((r, c), c) for r, cells in table for c, text in cells if text)
            blocks.extend(Block(cells=[t for c, t in cells if c <= right], line=r + 1) for r, cells in table)
            table.clear()

    for r, cells in lines:
        filled = [text for _, text in cells if text]
        if len(filled) == 1 and not _is_figure(filled[0]) and not (table and _blank_row(filled[0])):
            close()
            blocks.append(Block(text=filled[0], line=r + 1))
        else:
            table.append((r, cells))
    close()
    return blocks


def _blank_row(text: str) -> bool:
    """Whether a row holding only its label, inside a table, is a template row whose figures were left blank (not
    a heading that ends the table): its label is a template row's, and no section heading."""
    return match_heading(text) is None and any(
        match_label(text, signatures) for signatures in (APPLICATION_SIGNATURES, PROACTIVE_SIGNATURES)
    )


def _text(value: object) -> str:
    """A cell as printed: a whole number without ".0", money to the 15 significant digits a spreadsheet shows (a
    double's own digits beyond them are noise of its binary form, 0.30000000000000004)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    return str(value).strip()


def _is_figure(text: str) -> bool:
    return text.replace(".", "", 1).replace("-", "", 1).isdigit()
