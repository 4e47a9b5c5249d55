"""`--format xlsx`: the overview (one row per report) and every finding on a second sheet (openpyxl)."""

from __future__ import annotations

import io

from nianbao.engine.i18n import Lang, Msg
from nianbao.engine.outputs.accounting import ACCOUNT_COLUMNS, account_rows
from nianbao.engine.outputs.rollups import GROUPINGS, MISSING_COLUMNS, ROLLUP_COLUMNS, missing_rows, rollup_rows
from nianbao.engine.outputs.rows import (
    FINDING_COLUMNS,
    finding_rows,
    headers,
    report_columns,
    report_rows,
    spreadsheet_safe,
)
from nianbao.engine.result import ResultDocument
from nianbao.engine.text import xml_text

# Characters that XML 1.0 (and so Excel) cannot hold; a report's text may contain them.
SHEETS = {
    "reports": Msg("报告", "Reports"),
    "findings": Msg("问题", "Findings"),
    "missing": Msg("未报送", "Did not report"),
    "accounts": Msg("名单核对", "Roster check"),
}
_WIDTHS = {
    "file": 40,
    "files": 40,
    "status": 20,
    "note": 30,
    "organ": 28,
    "failed_rules": 50,
    "read_error": 40,
    "message": 70,
    "cells": 36,
    "fingerprint": 18,
    "name": 36,
    "section": 24,
    "expected": 16,
    "actual": 16,
    "group": 20,
    "top_rules": 40,
}
_WRAPPED = {"message", "failed_rules", "read_error", "cells", "name", "review_reason", "top_rules"}
_TEXT = {"expected", "actual"}  # shown as written ("7", "0、3"), never reinterpreted as a date or a formula


def _cell(value):
    if isinstance(value, str):
        value = xml_text(value)
    return spreadsheet_safe(value)


def _sheet(book, title: str, columns: dict, rows, lang: Lang) -> None:
    """A sheet written a row at a time (openpyxl's write-only mode: a province's findings are never held as
    cells): bold frozen header, wrapped long text, figures kept as written."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    keys = list(columns)
    for i, key in enumerate(keys, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(key, 12)
    sheet.freeze_panes = "A2"
    bold, top = Font(bold=True), Alignment(vertical="top", wrap_text=True)
    header = []
    for label in headers(columns, lang):
        cell = WriteOnlyCell(sheet, label)
        cell.font, cell.alignment = bold, top
        header.append(cell)
    sheet.append(header)
    wrapped = {i for i, key in enumerate(keys) if key in _WRAPPED}
    text = {i for i, key in enumerate(keys) if key in _TEXT}
    count = 0
    for row in rows:
        values = [_cell(v) for v in row.values()]
        line = []
        for i, value in enumerate(values):
            if i in text:
                cell = WriteOnlyCell(sheet, None if value is None else str(value))
                cell.number_format = "@"
            elif i in wrapped:
                cell = WriteOnlyCell(sheet, value)
                cell.alignment = top
            else:
                line.append(value)
                continue
            line.append(cell)
        sheet.append(line)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"


def render(document: ResultDocument) -> bytes:
    from openpyxl import Workbook

    lang = Lang(document.lang)
    book = Workbook(write_only=True)
    _sheet(book, SHEETS["reports"].render(lang), report_columns(document), report_rows(document), lang)
    _sheet(book, SHEETS["findings"].render(lang), FINDING_COLUMNS, finding_rows(document), lang)
    for by, title in GROUPINGS.items():
        _sheet(book, title.render(lang), ROLLUP_COLUMNS, rollup_rows(document, by), lang)
    if document.roster is not None:
        _sheet(book, SHEETS["accounts"].render(lang), ACCOUNT_COLUMNS, account_rows(document), lang)
        _sheet(book, SHEETS["missing"].render(lang), MISSING_COLUMNS, missing_rows(document), lang)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
