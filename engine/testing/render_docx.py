"""Print a report model as a Word document (python-docx, a test-time dependency), merged cells included.

Column widths follow the official template: a narrow first column of table 三, so 三、本年度办理结果
wraps one character per line as it does in real reports.
"""

from __future__ import annotations

from pathlib import Path

from nianbao.engine.model import Report
from nianbao.engine.testing.layouts import Layout, placed, reading_order

_WIDTHS_CM = {
    "proactive": [5.0, 3.6, 3.6, 3.6],
    "applications": [0.8, 1.7, 4.6] + [1.25] * 7,
    "review_litigation": [1.06] * 15,
}


def _add_table(document, layout: Layout, widths: list[float], row_cm: float | None = None) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    n_cols = sum(c.colspan for c in layout[0])
    table = document.add_table(rows=len(layout), cols=n_cols)
    table.style = "Table Grid"
    table.autofit = False
    for r, c, spec in placed(layout):
        cell = table.cell(r, c)
        if spec.rowspan > 1 or spec.colspan > 1:
            cell = cell.merge(table.cell(r + spec.rowspan - 1, c + spec.colspan - 1))
        paragraph = cell.paragraphs[0]
        run = paragraph.add_run(spec.text)
        run.font.size = Pt(10.5)
        if spec.value:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # LibreOffice lays columns out by the table grid (w:gridCol), Word by the cell widths: set both.
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=False):
        col.set(qn("w:w"), str(int(width * 567)))
    for i, width in enumerate(widths[:n_cols]):
        for cell in table.columns[i].cells:
            cell.width = Cm(width)
    if row_cm:
        for row in table.rows:
            row.height = Cm(row_cm)


def render_docx(report: Report, path: Path) -> Path:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(11)
    for item in reading_order(report):
        if isinstance(item, str):
            document.add_paragraph(item)
            continue
        key, layout = item
        # Table 三 is made taller than a page, so that every fixture PDF breaks it across pages.
        _add_table(document, layout, _WIDTHS_CM[key], 1.0 if key == "applications" else None)
    document.core_properties.author = "nianbao fixture generator"
    document.save(path)
    return path
