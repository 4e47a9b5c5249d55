"""The official 2021 template as Word lays it out, filled in: a real report's figures and prose written into the real
blank template DOCX (../shared/corpus/real/template_2021_blank_format.docx, never copied here), as an office fills
it in Word before printing it to PDF.

The template's own layout is the point: its column widths, merged labels (三、本年度办理结果 over 22 rows, （三）不予
公开 over 8), row heights and fonts, none of them ours. `scale` makes the counts larger (a big organ's, every identity
kept) so that they wrap in the narrow columns; `padding` empty lines before the first section move the page breaks
through the tables, so that a sweep of paddings cuts every kind of row.
"""

from __future__ import annotations

from pathlib import Path

from nianbao.engine.model import Cell, Report
from nianbao.engine.template import (
    APPLICATION_COLUMNS,
    APPLICATION_ROWS,
    MONEY_CELLS,
    PROACTIVE_ROWS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    Template,
)

# The template's table 二 prints each row's own words in its first cell ("规章", not "第二十条第（一）项 规章").
_PROACTIVE_ROWS = {row.label.split()[-1]: row for row in PROACTIVE_ROWS[Template.T2021]}
_FIRST_DATA_ROW = 3  # table 三 and table 四 open with three header rows


def _printed(value: Cell, scale: int) -> str:
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value * scale)
    return str(value)


def _write(paragraph, text: str) -> None:
    """The paragraph's text replaced, its first run's formatting kept."""
    runs = paragraph.runs
    if runs:
        runs[0].text = text
        for run in runs[1:]:
            run.text = ""
    else:
        paragraph.add_run(text)


def fill_template(template: Path, report: Report, target: Path, *, scale: int = 1, padding: int = 0) -> Path:
    """`template` filled with `report`'s title, prose and figures (counts times `scale`), saved as `target`."""
    from docx import Document

    document = Document(str(template))
    proactive, applications, review = document.tables[:3]
    for row in proactive.rows:
        line = _PROACTIVE_ROWS.get(row.cells[0].text.strip())
        if line is None:
            continue
        values = report.proactive.get(line.key, {})
        cells = list(dict.fromkeys(row.cells[1:]))  # a merged cell is listed once per grid column it covers
        for cell, column in zip(cells, line.columns, strict=False):
            money = (line.key, column.key) in MONEY_CELLS[Template.T2021]  # money keeps its amount
            _write(cell.paragraphs[0], _printed(values.get(column.key), 1 if money else scale))
    for line, row in zip(APPLICATION_ROWS[Template.T2021], applications.rows[_FIRST_DATA_ROW:], strict=False):
        cells = report.applications.get(line.key, {})
        if not cells and line.key == "other.other":  # a report printed the 2019 template's one （六）其他处理 row
            cells = report.applications.get("other", {})
        for offset, column in enumerate(APPLICATION_COLUMNS):
            _write(row.cells[_FIRST_DATA_ROW + offset].paragraphs[0], _printed(cells.get(column.key), scale))
    figures = review.rows[_FIRST_DATA_ROW].cells
    order = [(group.key, column.key) for group in REVIEW_GROUPS for column in REVIEW_COLUMNS]
    for cell, (group, column) in zip(figures, order, strict=True):
        _write(cell.paragraphs[0], _printed(report.review_litigation.get(group, {}).get(column), scale))
    texts = {section.key.value: section.text for section in report.sections}
    paragraphs = document.paragraphs
    for paragraph in paragraphs:
        if paragraph.text.strip() == "政府信息公开工作年度报告格式模板" and paragraph.runs:
            _write(paragraph, report.title or "")
    described = [p for p in paragraphs if "文字描述" in p.text]
    for paragraph, key in zip(described, ("overview", "problems", "other_matters"), strict=False):
        _write(paragraph, texts.get(key) or "无。")
        if key == "overview":
            for _ in range(padding):
                paragraph.insert_paragraph_before("\u3000")
    document.save(str(target))
    return target
