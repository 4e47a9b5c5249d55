"""A report's three tables as the workbook an organ sends them in: the templates' layouts, merged cells merged,
figures stored as numbers, each table under its section's heading. `.xlsx` written with openpyxl, Excel 97 `.xls`
(what WPS also saves as `.et`) with xlwt (a test dependency)."""

from __future__ import annotations

from io import BytesIO

from nianbao.engine.model import Report
from nianbao.engine.testing.layouts import placed, reading_order


def _cells(report: Report) -> list[tuple[int, int, int, int, object]]:
    """(row, column, rows spanned, columns spanned, value) of every cell to write, 0-based."""
    out: list[tuple[int, int, int, int, object]] = [(0, 0, 1, 1, report.title or "")]
    row, heading = 1, ""
    for item in reading_order(report):
        if isinstance(item, str):
            heading = item if item[:2] in {"二、", "三、", "四、"} else heading
            continue
        _key, layout = item
        out.append((row, 0, 1, 1, heading))
        top = row + 1
        for r, c, spec in placed(layout):
            out.append((top + r, c, spec.rowspan, spec.colspan, _number(spec.text) if spec.value else spec.text))
        row = top + len(layout) + 1
    return out


def report_xls(report: Report) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("统计表")
    for row, column, rows, columns, value in _cells(report):
        if rows > 1 or columns > 1:
            sheet.write_merge(row, row + rows - 1, column, column + columns - 1, value)
        else:
            sheet.write(row, column, value)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def report_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "统计表"
    for row, column, rows, columns, value in _cells(report):
        sheet.cell(row=row + 1, column=column + 1).value = value
        if rows > 1 or columns > 1:
            sheet.merge_cells(start_row=row + 1, start_column=column + 1, end_row=row + rows,
                              end_column=column + columns)  # fmt: skip
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _number(text: str) -> int | float | str:
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return text  # a blank, a dash or 无 stays as printed
