"""An OpenDocument sheet's merged cells, which python-calamine reads the values of but does not report (its
`merged_cell_ranges` is None for .ods). Without them a figure merged over several columns (a web page's table opened
in LibreOffice Calc: every cell spans columns of a finer grid) leaves blank cells between the figures, and the rows
no longer fit the template. Read from content.xml, streamed: a cell's `number-columns-spanned` and
`number-rows-spanned`, its place counted through repeated rows and cells."""

from __future__ import annotations

import zipfile
from io import BytesIO
from xml.etree import ElementTree as ET

from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.readers.base import bounded_member

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_SHEET, _ROW, _CELL, _COVERED = (_TABLE + name for name in ("table", "table-row", "table-cell", "covered-table-cell"))
_MARKUP_MB = 64  # content.xml of a workbook of the tables is tens of KB; LibreOffice's own sheets a few MB

Range = tuple[tuple[int, int], tuple[int, int]]


def ods_merged(data: bytes, rows: int, columns: int, most: int) -> list[list[Range]] | None:
    """Each sheet's merged ranges ((first row, first column), (last row, last column)), 0-based, that start within
    `rows` × `columns`; None when `data` is no OpenDocument sheet. Raises ReadError(too-large) past `most` ranges
    in a sheet, or a content.xml past its size."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            if "content.xml" not in archive.namelist():
                return None
            xml = bounded_member(archive, archive.getinfo("content.xml"), _MARKUP_MB * 2**20)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, RuntimeError):
        return None
    sheets: list[list[Range]] = []
    row = column = 0
    repeated = 1
    try:
        for event, element in ET.iterparse(BytesIO(xml), events=("start", "end")):
            tag = element.tag
            if event == "end":
                if tag == _ROW:
                    row += repeated
                element.clear()  # streamed: a sheet of a million repeated rows holds nothing
            elif tag == _SHEET:
                sheets.append([])
                row = 0
            elif tag == _ROW:
                column, repeated = 0, _count(element, "number-rows-repeated")
            elif tag in (_CELL, _COVERED) and sheets:
                across, down = _count(element, "number-columns-spanned"), _count(element, "number-rows-spanned")
                if tag == _CELL and (across > 1 or down > 1) and row < rows and column < columns:
                    sheets[-1].append(((row, column), (row + down - 1, column + across - 1)))
                    if len(sheets[-1]) > most:
                        raise ReadError(ErrorCode.too_large, size=f"> {most} merged ranges", limit=str(most))
                column += _count(element, "number-columns-repeated")
    except ET.ParseError:
        return None  # calamine read the values; the merges are left out as before
    return sheets


def _count(element: ET.Element, name: str) -> int:
    try:
        return max(1, int(element.get(_TABLE + name, "1")))
    except ValueError:
        return 1
