"""A report's three tables as the workbook an organ sends them in: the templates' layouts, merged cells merged,
figures stored as numbers, each table under its section's heading. `.xlsx` written with openpyxl, Excel 97 `.xls`
(what WPS also saves as `.et`) with xlwt (a test dependency), OpenDocument `.ods` as LibreOffice writes it (by hand:
its markup is plain, and no library is needed for it)."""

from __future__ import annotations

from io import BytesIO

from nianbao.engine.model import Report
from nianbao.engine.testing.layouts import placed, reading_order


def _cells(report: Report, spread: int = 1) -> list[tuple[int, int, int, int, object]]:
    """(row, column, rows spanned, columns spanned, value) of every cell to write, 0-based; each cell `spread`
    columns wide (a web page's table opened in a spreadsheet: every cell merged over the columns of a finer grid)."""
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
            value = _number(spec.text) if spec.value else spec.text
            out.append((top + r, c * spread, spec.rowspan, spec.colspan * spread, value))
        row = top + len(layout) + 1
    return out


def report_xls(report: Report, spread: int = 1) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("统计表")
    for row, column, rows, columns, value in _cells(report, spread):
        if rows > 1 or columns > 1:
            sheet.write_merge(row, row + rows - 1, column, column + columns - 1, value)
        else:
            sheet.write(row, column, value)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def report_xlsx(report: Report, spread: int = 1) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "统计表"
    for row, column, rows, columns, value in _cells(report, spread):
        sheet.cell(row=row + 1, column=column + 1).value = value
        if rows > 1 or columns > 1:
            sheet.merge_cells(start_row=row + 1, start_column=column + 1, end_row=row + rows,
                              end_column=column + columns)  # fmt: skip
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


_ODS = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'  # noqa: E501


def report_ods(report: Report, spread: int = 1) -> bytes:
    """The tables as LibreOffice saves a sheet: a merged cell spans its columns and rows, the cells it covers are
    `covered-table-cell`s, blank cells repeated, and the sheet padded out with a repeated empty row."""
    import zipfile
    from html import escape

    cells = _cells(report, spread)
    at = {(row, column): (rows, columns, value) for row, column, rows, columns, value in cells}
    covered = {(row + r, column + c) for row, column, rows, columns, _ in cells
               for r in range(rows) for c in range(columns)} - set(at)  # fmt: skip
    width = max(column + columns for _, column, _, columns, _ in cells)
    body = []
    for row in range(max(row + rows for row, _, rows, _, _ in cells)):
        out = []
        for column in range(width):
            if (row, column) in covered:
                out.append("<table:covered-table-cell/>")
            elif (row, column) not in at:
                out.append("<table:table-cell/>")
            else:
                rows, columns, value = at[(row, column)]
                span = f' table:number-columns-spanned="{columns}" table:number-rows-spanned="{rows}"'
                kind = (f'office:value-type="float" office:value="{value}"' if isinstance(value, int | float)
                        else 'office:value-type="string"')  # fmt: skip
                out.append(f"<table:table-cell {kind}{span if rows > 1 or columns > 1 else ''}>"
                           f"<text:p>{escape(str(value))}</text:p></table:table-cell>")  # fmt: skip
        body.append(f"<table:table-row>{''.join(out)}<table:table-cell table:number-columns-repeated=\"1000\"/>"
                    "</table:table-row>")  # fmt: skip
    body.append('<table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row>')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS} office:version="1.3">'
               f'<office:body><office:spreadsheet><table:table table:name="统计表">{"".join(body)}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")  # fmt: skip
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _number(text: str) -> int | float | str:
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return text  # a blank, a dash or 无 stays as printed
