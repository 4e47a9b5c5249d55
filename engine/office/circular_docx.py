"""The circular (通报) draft as a DOCX (python-docx), for the office to edit and send.

The grade chart is a table of bars (a row per grade, the bar drawn in full blocks): Word and WPS show it without any
picture, and the office can edit the numbers beside it.
"""

from __future__ import annotations

import datetime as dt
import io

from nianbao.engine.office.circular import Circular, date_text, gather, joined, late_text, t, totals_text, year_text
from nianbao.engine.outputs.docx_base import grid_table, new_document
from nianbao.engine.result import ResultDocument
from nianbao.engine.text import writable

BAR_CELLS = 20  # the longest bar, in blocks


def render(document: ResultDocument, written: dt.date | None = None) -> bytes:
    """The circular as a DOCX, dated `written` (default: today)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    c = writable(gather(document))
    lang = c.lang
    doc = new_document()
    title = doc.add_heading(t("title", lang, year=year_text(c)), level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading(t("totals_heading", lang), level=2)
    totals = totals_text(c)
    doc.add_paragraph(totals)

    doc.add_heading(t("late_heading", lang), level=2)
    if not c.roster:
        doc.add_paragraph(t("no_roster", lang))
    elif c.missing:
        doc.add_paragraph(t("missing", lang, count=len(c.missing), organs=joined(c.missing, lang)))
    else:
        doc.add_paragraph(t("no_missing", lang))
    doc.add_paragraph(late_text(c))
    for sentence in c.accounts:
        doc.add_paragraph(sentence)

    doc.add_heading(t("grades_heading", lang), level=2)
    _chart(doc, c)

    doc.add_heading(t("ranking_heading", lang), level=2)
    _table(
        doc,
        [t("rank", lang), t("organ", lang), t("score", lang), t("grade", lang)],
        [["" if r is None else r, organ, "" if s is None else f"{s:g}", g] for r, organ, s, g in c.ranking],
    )
    if c.outside:
        doc.add_paragraph(t("outside_ranking", lang, files=joined(c.outside, lang)))

    doc.add_heading(t("problems_heading", lang), level=2)
    if not c.problems:
        doc.add_paragraph(t("no_problems", lang))
    for number, p in enumerate(c.problems, start=1):
        doc.add_paragraph(f"{number}. " + t("problem", lang, title=p.title, count=p.count))
        for organ, message in p.examples:
            doc.add_paragraph(t("example", lang, organ=organ, message=message), style="List Bullet")

    if c.groups:
        doc.add_heading(t("groups_heading", lang), level=2)
        for heading, (header, rows) in c.groups.items():
            doc.add_paragraph(heading).runs[0].font.bold = True
            _table(doc, header, rows)

    doc.add_heading(t("ask_heading", lang), level=2)
    doc.add_paragraph(t("ask", lang, days=c.reply_days, office=c.office))
    for line in (c.office, date_text(written or dt.date.today(), lang)):
        signed = doc.add_paragraph(line)
        signed.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _table(doc, header: list[str], rows: list[list]) -> None:
    table = grid_table(doc, header)
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = "" if value is None else str(value)


def _chart(doc, c: Circular) -> None:
    """A bar per grade: the grade, its count, and a bar of full blocks as long as the count is large."""
    from docx.shared import Cm, RGBColor

    top = max([n for _, n in c.grades] + [1])
    table = doc.add_table(rows=0, cols=3)
    table.autofit = False
    for label, count in c.grades:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = str(count)
        run = cells[2].paragraphs[0].add_run("█" * round(BAR_CELLS * count / top))
        run.font.color.rgb = RGBColor(0x2B, 0x5F, 0xB3)
    for column, width in zip(table.columns, (Cm(2.8), Cm(1.5), Cm(11.5)), strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
